package python

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/golden"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

func extractSrc(t testing.TB, name string, src []byte) *facts.File {
	t.Helper()
	tree, err := parse.Parse(context.Background(), source.Python, src, nil)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	defer tree.Close()
	f, err := Extract(name, src, tree)
	if err != nil {
		t.Fatalf("extract %s: %v", name, err)
	}
	return f
}

// TestGolden prints a compact text form of each fixture's facts and compares
// it with testdata/<name>.golden (-update rewrites them).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.py")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".py")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := dump(extractSrc(t, filepath.Base(path), src))
			goldenPath := strings.TrimSuffix(path, ".py") + ".golden"
			golden.Check(t, goldenPath, got)
		})
	}
}

func pos(s source.Span) string { return fmt.Sprintf("%d:%d", s.Start.Line+1, s.Start.Col+1) }

func refsStr(rs []facts.ParamRef) string {
	var parts []string
	for _, r := range rs {
		p := fmt.Sprintf("f%d.p%d", r.Fn, r.Param)
		if len(r.Path) > 0 {
			p += "." + strings.Join(r.Path, ".")
		}
		parts = append(parts, p)
	}
	return "<" + strings.Join(parts, " ") + ">"
}

func argStr(a facts.Arg) string {
	var b strings.Builder
	if a.Name != "" {
		b.WriteString(a.Name + "=")
	}
	if a.Env != "" {
		b.WriteString("$" + a.Env + " default ")
	}
	switch {
	case a.Known && a.Prefix:
		b.WriteString(strconv.Quote(a.Value) + "…")
	case a.Known:
		b.WriteString(strconv.Quote(a.Value))
	case a.Const != nil:
		b.WriteString("const " + a.Const.Module + ":" + a.Const.Name)
		if a.Value != "" || a.Prefix {
			b.WriteString("+" + strconv.Quote(a.Value))
		}
		if a.Prefix {
			b.WriteString("…")
		}
	case a.Default != "":
		b.WriteString("? or " + strconv.Quote(a.Default))
		if a.DefaultPrefix {
			b.WriteString("…")
		}
	case a.Number != "":
		b.WriteString(a.Number)
	case a.Props != nil:
		keys := make([]string, 0, len(a.Props))
		for k := range a.Props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var ps []string
		for _, k := range keys {
			ps = append(ps, k+": "+argStr(a.Props[k]))
		}
		b.WriteString("{" + strings.Join(ps, ", ") + "}")
	case a.Elems != nil:
		var es []string
		for _, x := range a.Elems {
			es = append(es, argStr(x))
		}
		b.WriteString("[" + strings.Join(es, ", ") + "]")
	case a.Func >= 0:
		fmt.Fprintf(&b, "fn#%d", a.Func)
	default:
		b.WriteString("?")
	}
	if len(a.Refs) > 0 {
		b.WriteString(refsStr(a.Refs))
	}
	return b.String()
}

func argsStr(as []facts.Arg) string {
	var parts []string
	for _, a := range as {
		parts = append(parts, argStr(a))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func calleeStr(c facts.Callee) string {
	s := c.Kind + " "
	if c.Class != "" {
		s += c.Class + "."
	}
	return fmt.Sprintf("%s%s #%d", s, c.Name, c.Func)
}

func dump(f *facts.File) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("file %s lang=%s package=%s", f.Path, f.Lang, f.Package)
	for _, im := range f.Imports {
		w("import %s local=%s name=%s @%s", im.Spec, im.Local, im.Name, pos(im.Span))
	}
	for i, fn := range f.Functions {
		line := fmt.Sprintf("func #%d %q parent=%d", i, fn.Name, fn.Parent)
		if fn.Class != "" {
			line += " class=" + fn.Class
		}
		if len(fn.Params) > 0 {
			line += " params=" + strings.Join(fn.Params, ",")
		}
		w("%s @%s", line, pos(fn.NameSpan))
		for _, lc := range fn.LocalCalls {
			s := "  calls " + calleeStr(lc.Callee) + argsStr(lc.Args)
			if len(lc.Receiver) > 0 {
				s += " recv" + refsStr(lc.Receiver)
			}
			w("%s @%s", s, pos(lc.Span))
		}
		for _, r := range fn.Refs {
			w("  refs %s @%s", calleeStr(r), pos(r.Span))
		}
		if len(fn.Returns) > 0 {
			w("  returns %s", refsStr(fn.Returns))
		}
	}
	for _, c := range f.Calls {
		kind := "call"
		if c.Access {
			kind = "access"
		}
		s := fmt.Sprintf("%s f%d %s:%s", kind, c.Func, c.Module, c.Member)
		if !c.Access {
			s += argsStr(c.Args)
		}
		if c.Recv != nil {
			s += " recv=" + argStr(*c.Recv)
		}
		if c.Spread {
			s += " spread"
		}
		if c.Key != "" {
			s += " key=" + strconv.Quote(c.Key)
		}
		if len(c.KeyRefs) > 0 {
			s += " keyrefs" + refsStr(c.KeyRefs)
		}
		w("%s @%s", s, pos(c.CalleeSpan))
	}
	for _, tl := range f.Tools {
		s := fmt.Sprintf("tool %q", tl.Name)
		if tl.NameRef != "" {
			s += " ref=" + tl.NameRef
		}
		s += fmt.Sprintf(" sdk=%s handler=%d dispatcher=%d", tl.SDK, tl.Handler, tl.Dispatcher)
		if tl.HandlerRef != nil {
			s += " handlerRef=" + calleeStr(*tl.HandlerRef)
		}
		var ins []string
		for _, in := range tl.Inputs {
			x := strconv.Itoa(in.Index)
			if in.Name != "" {
				x += ":" + in.Name
			}
			ins = append(ins, x)
		}
		if len(ins) > 0 {
			s += " inputs=" + strings.Join(ins, ",")
		}
		if len(tl.Annotations) > 0 {
			keys := make([]string, 0, len(tl.Annotations))
			for k := range tl.Annotations {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				s += fmt.Sprintf(" %s=%v", k, tl.Annotations[k])
			}
		}
		w("%s name@%s @%s", s, pos(tl.NameSpan), pos(tl.Span))
	}
	for _, s := range f.Suppressions {
		w("suppress line=%d own=%v caps=%v reason=%q", s.Line+1, s.OwnLine, s.Capabilities, s.Reason)
	}
	for _, k := range sortedKeys(f.Constants) {
		w("const %s = %q", k, f.Constants[k])
	}
	ex := make([]string, 0, len(f.Exports))
	for k := range f.Exports {
		ex = append(ex, k)
	}
	sort.Strings(ex)
	for _, k := range ex {
		w("export %s = #%d", k, f.Exports[k])
	}
	for _, p := range f.ParseErrors {
		w("parse error @%s", pos(p))
	}
	return b.String()
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
