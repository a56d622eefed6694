package link

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// TestTaintBound: a chain of callers longer than the bound on open taint
// questions ends the question with a finding that says so, instead of a
// stack overflow (a real 1.2 MB bundle needed a million frames); below the
// bound the same chain is tainted end to end.
func TestTaintBound(t *testing.T) {
	const n = 60
	var b strings.Builder
	b.WriteString("import subprocess\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP(\"deep\")\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "def f%d(x):\n    return f%d(x)\n", i, i+1)
	}
	fmt.Fprintf(&b, "def f%d(x):\n    return subprocess.run(x, shell=True)\n", n)
	b.WriteString("@mcp.tool()\ndef run(cmd: str) -> str:\n    f0(cmd)\n    return \"ok\"\n")
	src := []byte(b.String())

	link := func(stack int, questions int32) *finding.Result {
		t.Helper()
		oldS, oldQ := maxTaintStack, maxTaintQuestions
		maxTaintStack, maxTaintQuestions = stack, questions
		defer func() { maxTaintStack, maxTaintQuestions = oldS, oldQ }()
		e, err := newTestEngine()
		if err != nil {
			t.Fatal(err)
		}
		f, err := e.ExtractFull(context.Background(), "server.py", src)
		if err != nil {
			t.Fatal(err)
		}
		return e.Link(".", []*facts.File{f})
	}
	exec := func(res *finding.Result) *finding.Finding {
		for i := range res.Findings {
			if res.Findings[i].Capability == "system.exec" {
				return &res.Findings[i]
			}
		}
		t.Fatalf("no system.exec finding in %+v", res.Findings)
		return nil
	}
	deep := func(res *finding.Result) int {
		k := 0
		for _, f := range res.Findings {
			if f.Kind == finding.KindUnanalysed && f.Rule == finding.RuleTooDeep {
				k++
			}
		}
		return k
	}

	full := link(1000, 1_000_000)
	if f := exec(full); !f.Tainted || deep(full) != 0 {
		t.Errorf("within the bounds: tainted %v, %d notices; want tainted, none", f.Tainted, deep(full))
	}
	for _, c := range []struct {
		name      string
		stack     int
		questions int32
	}{{"stack", 20, 1_000_000}, {"questions", 1000, 20}} {
		res := link(c.stack, c.questions)
		if deep(res) != 1 {
			t.Errorf("%s bound: %d notices, want 1: %+v", c.name, deep(res), res.Findings)
		}
		if f := exec(res); f.Tainted {
			t.Errorf("%s bound: the cut chain is still tainted", c.name)
		}
	}
}
