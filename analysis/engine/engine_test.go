package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/golden"
)

// TestGolden scans each directory of testdata/link and compares a compact
// rendering of the result (findings with tools and taint, tools, suppressed,
// errors) with its golden file.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/link/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no test cases in testdata/link")
	}
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			res, err := e.Scan(context.Background(), dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := render(res)
			goldenPath := dir + ".golden"
			golden.Check(t, goldenPath, got)
		})
	}
}

func render(r *finding.Result) string {
	var b strings.Builder
	line := func(f finding.Finding) string {
		s := fmt.Sprintf("%s:%d:%d %s %s %s %s", f.File, f.Span.Start.Line+1, f.Span.Start.Col+1, f.Severity, f.Kind, f.Capability, f.API)
		if f.Kind == finding.KindCapability {
			s += fmt.Sprintf(" risk=%s tools=%s", f.Risk, strings.Join(f.Tools, ","))
			if f.Server {
				s += " server"
			}
			if f.Tainted {
				s += fmt.Sprintf(" tainted=%s.%s/%s", f.TaintTool, f.TaintSource, f.TaintRole)
			}
			if f.Scope != "" {
				s += fmt.Sprintf(" scope=%q", f.Scope)
			}
			if len(f.Scopes) > 0 {
				s += fmt.Sprintf(" scopes=%q", f.Scopes)
			}
			if f.ScopeDynamic {
				s += " scope+dynamic"
			}
			if f.ScopeUnknown != "" {
				s += fmt.Sprintf(" scopeUnknown=%q", f.ScopeUnknown)
			}
			s += fmt.Sprintf(" manifest=%s", f.Manifest)
			if len(f.UndeclaredFor) > 0 {
				s += fmt.Sprintf(" undeclaredFor=%q", f.UndeclaredFor)
			}
		} else {
			s += fmt.Sprintf(" %s %q", f.Rule, f.Message)
		}
		if f.Suppression != "" {
			s += fmt.Sprintf(" reason=%q", f.Suppression)
		}
		return s + "\n"
	}
	b.WriteString("# findings\n")
	for _, f := range r.Findings {
		b.WriteString(line(f))
	}
	b.WriteString("# tools\n")
	for _, t := range r.Tools {
		caps := make([]string, len(t.Capabilities))
		for i, c := range t.Capabilities {
			caps[i] = string(c)
		}
		fmt.Fprintf(&b, "%s %s:%d %s [%s]\n", t.Name, t.File, t.Span.Start.Line+1, t.SDK, strings.Join(caps, " "))
	}
	if len(r.Suppressed) > 0 {
		b.WriteString("# suppressed\n")
		for _, f := range r.Suppressed {
			b.WriteString(line(f))
		}
	}
	if len(r.Errors) > 0 {
		b.WriteString("# errors\n")
		for _, e := range r.Errors {
			fmt.Fprintf(&b, "%s skipped=%v %s\n", e.File, e.Skipped, e.Message)
		}
	}
	return b.String()
}

func TestExcluded(t *testing.T) {
	e, err := New(Options{Excludes: []string{"dist/**", "*.min.js", "gen"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		rel  string
		dir  bool
		want bool
	}{
		{"node_modules", true, true},
		{"src/__tests__", true, true},
		{"tests", true, true},
		{"src/server.test.ts", false, true},
		{"pkg/handler_test.go", false, true},
		{"tests_helpers.py", false, false},
		{"test_server.py", false, true},
		{"conftest.py", false, true},
		{"src/index.ts", false, false},
		{"dist", true, true},
		{"dist/index.js", false, true},
		{"lib/app.min.js", false, true},
		{"a/gen/x.go", false, true},
		{"src/generator.ts", false, false},
		{"testing.go", false, false},
	} {
		if got := e.Excluded(tc.rel, tc.dir); got != tc.want {
			t.Errorf("Excluded(%q, dir=%v) = %v, want %v", tc.rel, tc.dir, got, tc.want)
		}
	}
	all, err := New(Options{NoDefaultExcludes: true})
	if err != nil {
		t.Fatal(err)
	}
	if all.Excluded("node_modules", true) || all.Excluded("x_test.go", false) {
		t.Error("NoDefaultExcludes still excludes the defaults")
	}
	if _, err := New(Options{Excludes: []string{"["}}); err == nil {
		t.Error("a malformed exclude pattern was accepted")
	}
}
