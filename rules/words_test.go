package rules_test

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/engine"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/rules"
)

func TestMentionsAny(t *testing.T) {
	words := map[string]bool{"fetch": true, "child_process": true, "$": true, "os": true}
	for _, tc := range []struct {
		src  string
		want bool
	}{
		{"return fetch(u)", true},
		{"return fetch\u00a0(u)", true}, // a no-break space ends the token
		{"return fetch\u2028(u)", true}, // so does any other non-ASCII byte
		{"return féetch(u)", false},     // "f" and "etch"
		{"return fetché(u)", true},      // "fetch" then "é"
		{"return $fetch(u)", false},     // "$" is part of the token
		{"return fetch_all(u)", false},  // so is "_"
		{"require('node:child_process')", true},
		{"require('child-process')", false},
		{"$('#x')", true},
		{`import o "x6fs"`, false},
		{`import o "\x6fs"`, true},            // decoded, the string is "os"
		{`require("child\x5fprocess")`, true}, // and this one "child_process"
		{`"\u0066etch"`, true},
		{`"\u{66}etch"`, true},
		{`"\146etch"`, true},
		{`"\U00000066etch"`, true},
		{`"\x66"etch`, false}, // "f" then the quote ends the token
		{`\`, false},
		{`\u00`, false},
		{`x\x2ey\x2efetch`, true}, // a token after two decoded separators
		{`ab\x2e\x2efetch`, true},
		{`\\x66etch`, true}, // an escaped backslash: decoding too much only adds tokens
		{"", false},
	} {
		if got := rules.MentionsAny([]byte(tc.src), words); got != tc.want {
			t.Errorf("MentionsAny(%q) = %v, want %v", tc.src, got, tc.want)
		}
	}
	if !rules.MentionsAny([]byte("x"), nil) {
		t.Error("with no words nothing can be ruled out: want true")
	}
}

// TestPrefilterNoBreakSpace is issue 10's reproduction: a no-break space
// between a global's name and its arguments. The tokenizer used to count
// bytes >= 0x80 as identifier bytes, so "fetch\u00a0" was one token, the
// file was skipped, and the call a full extraction finds was lost.
func TestPrefilterNoBreakSpace(t *testing.T) {
	e := newEngine(t)
	src := []byte("export async function get(u: string) {\n  return fetch\u00a0(u);\n}\n")
	pre, full := linkBoth(t, e, "nbsp.ts", src)
	if len(full) == 0 || full[0].Rule != "js.global.fetch" {
		t.Fatalf("full extraction: js.global.fetch does not fire (rules fired: %v)", ruleIDs(full))
	}
	if got, want := ruleIDs(pre), ruleIDs(full); !slices.Equal(got, want) {
		t.Errorf("with the pre-filter the findings are %v, without %v", got, want)
	}
}

// engines are two engines, so that the facts cache of the full extraction
// (which serves pre-filtered requests too) never answers for the pre-filter.
type engines struct{ pre, full *engine.Engine }

func newEngine(t testing.TB) engines {
	t.Helper()
	var e engines
	for _, p := range []**engine.Engine{&e.pre, &e.full} {
		x, err := engine.New(engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		*p = x
	}
	return e
}

// linkBoth returns the capability findings of one file analysed with the
// pre-filter (Extract) and without (ExtractFull); nil, nil when the text is
// refused (binary, not valid text).
func linkBoth(t testing.TB, e engines, name string, src []byte) (pre, full []finding.Finding) {
	t.Helper()
	ctx := context.Background()
	ff, err := e.full.ExtractFull(ctx, name, src)
	if ff == nil {
		return nil, nil // refused input: both paths refuse it alike
	}
	_ = err // parse errors leave partial facts, which both paths share
	fp, _ := e.pre.Extract(ctx, name, src)
	if fp == nil {
		t.Fatalf("%s: the pre-filtered extraction refused what the full one accepted", name)
	}
	return capFindings(e.pre.Link("/work", []*facts.File{fp})), capFindings(e.full.Link("/work", []*facts.File{ff}))
}

func capFindings(r *finding.Result) []finding.Finding {
	var out []finding.Finding
	for _, f := range r.Findings {
		if f.Kind == finding.KindCapability {
			out = append(out, f)
		}
	}
	return out
}

func ruleIDs(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s@%d:%d", f.Rule, f.Span.Start.Line, f.Span.Start.Col))
	}
	slices.Sort(out)
	return out
}

// pieces are fragments random sources are built from, per file extension:
// imports and calls the rules know, the same names glued to separators
// that are not identifier bytes (no-break space, other non-ASCII, escapes),
// and the punctuation around them.
var pieces = map[string][]string{
	".ts": {
		`import { exec } from "child_process";`, `import { exec } from "node:child\u005fprocess";`,
		`const cp = require("child_process");`, `import axios from "axios";`, `import fs from "node:fs";`,
		"exec", "cp.exec", "fetch", "globalThis.fetch", "window", "process.env.HOME", "process", "env", "axios.get",
		"fs.writeFileSync", "eval", "Function", "new ", "await ", "return ",
		"(", ")", "(u)", `("ls")`, `("https://x.example.com")`, "u", ";", ".", ",", "{", "}", "=", "\n", " ", "\t",
		"\u00a0", "\u2028", "\u3000", "é", `\u0066etch`, "f\u0065tch", "$", "_", "/*", "*/", "//", "`", "${", "'", `"`,
		"function f(u) {", "export ", "const x = ",
	},
	".py": {
		"import os", "import subprocess", "from os import system", "import requests", "from pathlib import Path",
		"os.system", "subprocess.run", "requests.get", "open", "eval", "Path(p).write_text", "os.environ", `["HOME"]`,
		"__import__", "(", ")", "(p)", `("ls")`, `("w")`, "p", ".", ",", ":", "=", "\n", " ", "    ",
		"\u00a0", "\u3000", "é", "ｏｓ", "ｏｐｅｎ", "\\", "'", `"`, "#", "def f(p):", "return ",
	},
	".go": {
		"package main\n", `import "os"`, `import "os/exec"`, `import o "\x6fs"`, `import "net/http"`, "import (\n", ")\n",
		"os.Getenv", "o.Getenv", "exec.Command", "http.Get", "os.WriteFile", "os.ReadFile", "(", ")", `("HOME")`, `("ls")`,
		"p", ".", ",", "{", "}", "=", ":=", "\n", " ", "\t", "\u00a0", "é", "func f(p string) {", "func main() {",
		"return ", "x := ", "`", `"`, "//", "/*", "*/",
	},
}

// TestPrefilterProperty checks Words' guarantee on random sources: when the
// pre-filter skips a file, a full extraction of it fires no rule, so the
// findings with and without the pre-filter are the same.
func TestPrefilterProperty(t *testing.T) {
	e := newEngine(t)
	rng := rand.New(rand.NewSource(10))
	n := 300
	if testing.Short() {
		n = 100
	}
	skipped := 0
	for ext, ps := range pieces {
		for i := 0; i < n; i++ {
			var b strings.Builder
			for k := rng.Intn(40); k >= 0; k-- {
				b.WriteString(ps[rng.Intn(len(ps))])
			}
			src := []byte(b.String())
			if checkPrefilter(t, e, "f"+ext, src) {
				skipped++
			}
		}
	}
	if skipped == 0 {
		t.Error("the pre-filter skipped no random source: the property was never exercised")
	}
}

// checkPrefilter compares the two paths on one source and reports whether
// the pre-filter skipped it.
func checkPrefilter(t *testing.T, e engines, name string, src []byte) bool {
	t.Helper()
	pre, full := linkBoth(t, e, name, src)
	if got, want := ruleIDs(pre), ruleIDs(full); !slices.Equal(got, want) {
		t.Errorf("%s %q: with the pre-filter the findings are %v, without %v", name, src, got, want)
	}
	set, _ := rules.Default()
	fam := map[string]string{".ts": "js", ".py": "python", ".go": "go"}[name[strings.LastIndexByte(name, '.'):]]
	return !rules.MentionsAny(src, set.Words(fam))
}

// FuzzPrefilter is the property for the fuzzer: go test -fuzz FuzzPrefilter ./rules
func FuzzPrefilter(f *testing.F) {
	f.Add("return fetch\u00a0(u)", uint8(0))
	f.Add("import o \"\\x6fs\"\nfunc f() { o.Getenv(\"X\") }", uint8(2))
	f.Add("import os\nos.system(x)", uint8(1))
	e := newEngine(f)
	f.Fuzz(func(t *testing.T, src string, lang uint8) {
		name := []string{"f.ts", "f.py", "f.go"}[int(lang)%3]
		if name == "f.go" && !strings.HasPrefix(src, "package") {
			src = "package main\n" + src
		}
		checkPrefilter(t, e, name, []byte(src))
	})
}

func BenchmarkMentionsAny(b *testing.B) {
	line := "export function render(items: string[]) { return items.map((s) => `<li>${s}</li>`).join(\"\\n\"); }\n"
	src := []byte(strings.Repeat(line, 1000))
	set, err := rules.Default()
	if err != nil {
		b.Fatal(err)
	}
	words := set.Words("js")
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if rules.MentionsAny(src, words) {
			b.Fatal("the source names a rule word")
		}
	}
}

// TestMaxWordLen: MentionsAny looks up the suffixes of a digit-led token
// only up to maxWordLen bytes, so no embedded rule word may be longer.
func TestMaxWordLen(t *testing.T) {
	s, err := rules.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, fam := range []string{"js", "python", "go"} {
		for w := range s.Words(fam) {
			if len(w) > rules.MaxWordLen {
				t.Errorf("%s word %q is longer than maxWordLen (%d)", fam, w, rules.MaxWordLen)
			}
		}
	}
}
