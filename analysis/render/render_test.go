package render

import (
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/source"
)

func TestEscaping(t *testing.T) {
	if got := esc(`<a href="x">` + "\u202e\x1b"); strings.ContainsAny(got, "<>\"\u202e\x1b") {
		t.Errorf("esc left markup or controls: %q", got)
	}
	if got := mdCell("a|b\nc<d>`"); got != `a\|b\nc&lt;d&gt;'` {
		t.Errorf("mdCell = %q", got)
	}
}

func TestTable(t *testing.T) {
	tb := table{ID: "t", Head: []string{"name", "n"}, Rows: [][]string{{"a|b", "1"}}, Num: nums(1)}
	if got, want := tb.markdown(), "| name | n |\n|---|---:|\n| a\\|b | 1 |\n"; got != want {
		t.Errorf("markdown:\n%s\nwant\n%s", got, want)
	}
	if got := tb.html(); !strings.Contains(got, `<table id="t">`) || !strings.Contains(got, `<td class="num">1</td>`) {
		t.Errorf("html: %s", got)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1438: "1,438", 1234567: "1,234,567", -2562: "-2,562"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %s, want %s", n, got, want)
		}
	}
}

// A cell takes the worst state of its calls for its own row: a call
// undeclared for one tool is declared for another that has the grant.
func TestServerMapStates(t *testing.T) {
	at := func(line int) source.Span { return source.Span{Start: source.Pos{Line: line}} }
	res := &finding.Result{
		Files: 1,
		Tools: []finding.Tool{{Name: "a", File: "s.js"}, {Name: "b", File: "s.js"}},
		Findings: []finding.Finding{
			{Kind: finding.KindCapability, File: "s.js", Span: at(0), Capability: capability.FileWrite, Tools: []string{"a", "b"},
				Manifest: finding.Undeclared, UndeclaredFor: []string{"b"}, Tainted: true, TaintTool: "b", TaintSource: "path", TaintRole: finding.TaintTarget},
			// Input filling only the request body chooses no URL.
			{Kind: finding.KindCapability, File: "s.js", Span: at(1), Capability: capability.NetworkClient, Tools: []string{"a"},
				Tainted: true, TaintTool: "a", TaintSource: "text", TaintRole: finding.TaintPayload},
			{Kind: finding.KindCapability, File: "s.js", Span: at(1), Capability: capability.SystemExec, Server: true, Manifest: finding.Declared},
		},
	}
	m := BuildServerMap("srv", "/srv", res, func(string) ([]byte, error) { return []byte("one\ntwo\n"), nil })
	if got := strings.Join(m.Rows, ","); got != "a,b," {
		t.Fatalf("rows = %q", got)
	}
	if c := m.Cells["a"][capability.FileWrite]; c.State != StateDeclared || len(c.Taint) != 0 {
		t.Errorf("a: %+v", c)
	}
	if c := m.Cells["b"][capability.FileWrite]; c.State != StateUndeclared || len(c.Taint) != 1 || c.Taint[0] != "path" {
		t.Errorf("b: %+v", c)
	}
	if c := m.Cells["a"][capability.NetworkClient]; len(c.Taint) != 0 || c.Chosen || m.Evidence[c.Calls[0]].Taint != "a input text, payload only" {
		t.Errorf("a payload: %+v %+v", c, m.Evidence[c.Calls[0]])
	}
	if strings.Contains(m.RiskSummary(), "URL or host the model chooses: a") {
		t.Errorf("a payload reads as a chosen URL: %s", m.RiskSummary())
	}
	if c := m.Cells[""][capability.SystemExec]; c.State != StateDeclared {
		t.Errorf("server: %+v", c)
	}
	if e := m.Evidence[0]; len(e.Snippet) != 2 || !e.Snippet[0].Hit || e.Snippet[0].Text != "one" {
		t.Errorf("snippet: %+v", e.Snippet)
	}
	sum := m.RiskSummary()
	for _, want := range []string{"Can run programs or evaluate code: the server's own code.", "Can write or delete files: a and b.", "1 tool × capability cell undeclared"} {
		if !strings.Contains(sum, want) {
			t.Errorf("risk summary lacks %q: %s", want, sum)
		}
	}
}
