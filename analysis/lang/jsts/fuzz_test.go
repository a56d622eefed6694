package jsts

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// FuzzExtract checks that no input panics and every span lies in the text.
func FuzzExtract(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.[jt]s")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("`${`${`${x}`}`}`"))
	f.Add([]byte("a(...b, ...c)(d)?.e?.[f]"))
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, lang := range []source.Lang{source.JavaScript, source.TypeScript} {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			tree, err := parse.Parse(ctx, lang, src, nil)
			cancel()
			if err != nil {
				t.Skip() // the parser gave up: nothing to extract
			}
			// Extraction is linear: a slow input is a bug.
			timer := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("Extract hangs on %q", src)) })
			fl, err := Extract("f", lang, src, tree)
			timer.Stop()
			if err != nil {
				t.Fatalf("%s: %v", lang, err)
			}
			checkSpans(t, fl, src)
		}
	})
}

func checkSpans(t *testing.T, f *facts.File, src []byte) {
	t.Helper()
	lines := source.NewLines(src)
	check := func(what string, s source.Span) {
		if s.Start.Offset < 0 || s.Start.Offset > s.End.Offset || s.End.Offset > len(src) {
			t.Fatalf("%s span %+v outside text of %d bytes", what, s, len(src))
		}
		if s.Start != lines.Pos(s.Start.Offset) || s.End != lines.Pos(s.End.Offset) {
			t.Fatalf("%s span %+v disagrees with source.Lines", what, s)
		}
	}
	var checkArg func(facts.Arg)
	checkArg = func(a facts.Arg) {
		if a.Func >= len(f.Functions) {
			t.Fatalf("arg func %d of %d", a.Func, len(f.Functions))
		}
		for _, p := range a.Props {
			checkArg(p)
		}
		for _, e := range a.Elems {
			checkArg(e)
		}
	}
	for i, fn := range f.Functions {
		check("function", fn.Span)
		check("function name", fn.NameSpan)
		if (i == 0) != (fn.Parent == -1) || fn.Parent >= len(f.Functions) {
			t.Fatalf("function %d parent %d", i, fn.Parent)
		}
		for _, lc := range fn.LocalCalls {
			check("local call", lc.Span)
			for _, a := range lc.Args {
				checkArg(a)
			}
		}
	}
	for _, c := range f.Calls {
		check("call", c.Span)
		check("callee", c.CalleeSpan)
		if c.Func < 0 || c.Func >= len(f.Functions) {
			t.Fatalf("call func %d", c.Func)
		}
		for _, a := range c.Args {
			checkArg(a)
		}
	}
	for _, tl := range f.Tools {
		check("tool", tl.Span)
		if tl.Handler >= len(f.Functions) || (tl.Handler < 0 && tl.HandlerRef == nil && tl.Table == nil) { // a table names its handlers in the link
			t.Fatalf("tool handler %d", tl.Handler)
		}
	}
	for _, s := range f.Suppressions {
		check("suppression", s.Span)
	}
	for _, s := range f.ParseErrors {
		check("parse error", s)
	}
	if len(f.ParseErrors) > maxParseErrors {
		t.Fatalf("%d parse errors", len(f.ParseErrors))
	}
}
