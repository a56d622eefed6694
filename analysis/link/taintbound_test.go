package link

import (
	"context"
	"fmt"
	"reflect"
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
	src := []byte(deepChain(60))

	link := func(stack int, questions int32, held int64) *finding.Result {
		t.Helper()
		oldS, oldQ, oldH := maxTaintStack, maxTaintQuestions, maxTaintHeld
		maxTaintStack, maxTaintQuestions, maxTaintHeld = stack, questions, held
		defer func() { maxTaintStack, maxTaintQuestions, maxTaintHeld = oldS, oldQ, oldH }()
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

	full := link(1000, 1_000_000, 1_000_000)
	if f := exec(full); !f.Tainted || deep(full) != 0 {
		t.Errorf("within the bounds: tainted %v, %d notices; want tainted, none", f.Tainted, deep(full))
	}
	for _, c := range []struct {
		name      string
		stack     int
		questions int32
		held      int64
	}{{"stack", 20, 1_000_000, 1_000_000}, {"questions", 1000, 20, 1_000_000}} {
		res := link(c.stack, c.questions, c.held)
		if deep(res) != 1 {
			t.Errorf("%s bound: %d notices, want 1: %+v", c.name, deep(res), res.Findings)
		}
		if f := exec(res); f.Tainted {
			t.Errorf("%s bound: the cut chain is still tainted", c.name)
		}
	}
}

// TestTaintHeldBound: once the answers hold maxTaintHeld sources, the
// next question is cut like one past the other bounds: a too-deep notice,
// and the call it was asked for stays untainted.
func TestTaintHeldBound(t *testing.T) {
	src := []byte("import subprocess\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP(\"held\")\n" +
		"@mcp.tool()\ndef a(x: str) -> str:\n    return subprocess.run(x, shell=True)\n" +
		"@mcp.tool()\ndef b(y: str) -> str:\n    return subprocess.run(y, shell=True)\n")
	link := func(held int64) *finding.Result {
		t.Helper()
		old := maxTaintHeld
		maxTaintHeld = held
		defer func() { maxTaintHeld = old }()
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
	count := func(res *finding.Result) (tainted, execs, deep int) {
		for _, f := range res.Findings {
			switch {
			case f.Kind == finding.KindUnanalysed && f.Rule == finding.RuleTooDeep:
				deep++
			case f.Capability == "system.exec":
				execs++
				if f.Tainted {
					tainted++
				}
			}
		}
		return
	}
	if tainted, execs, deep := count(link(1_000_000)); execs != 2 || tainted != 2 || deep != 0 {
		t.Errorf("within the bound: %d of %d execs tainted, %d notices; want 2 of 2, none", tainted, execs, deep)
	}
	if tainted, execs, deep := count(link(1)); execs != 2 || tainted != 1 || deep != 1 {
		t.Errorf("held bound 1: %d of %d execs tainted, %d notices; want 1 of 2, one", tainted, execs, deep)
	}
}

// deepChain is a tool whose input reaches subprocess.run through n
// functions, each calling the next.
func deepChain(n int) string {
	var b strings.Builder
	b.WriteString("import subprocess\nimport requests\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP(\"deep\")\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "def f%d(x):\n    return f%d(x)\n", i, i+1)
	}
	fmt.Fprintf(&b, "def f%d(x):\n    return subprocess.run(x, shell=True)\n", n)
	b.WriteString("@mcp.tool()\ndef run(cmd: str) -> str:\n    f0(cmd)\n    requests.get(\"https://a.example.com/\")\n    return \"ok\"\n")
	return b.String()
}

// TestTaintBoundNotCached: which questions the bound cuts depends on the
// order they are asked in, so a link with a cut is never the start of an
// incremental one: the root's latest link is dropped, and the next link,
// after an edit relink would otherwise take (a literal), is a full link
// with the same answer as a fresh engine's.
func TestTaintBoundNotCached(t *testing.T) {
	oldS, oldQ := maxTaintStack, maxTaintQuestions
	maxTaintStack, maxTaintQuestions = 20, 1_000_000
	defer func() { maxTaintStack, maxTaintQuestions = oldS, oldQ }()
	src := deepChain(60)
	w := &workspace{root: t.TempDir(), paths: []string{"server.py"}, texts: map[string]string{"server.py": src}}
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	abs := mustAbs(t, w.root)
	first := linkAndCheck(e, w.root, w.extract(t, e, nil))
	if !hasTooDeep(first) {
		t.Fatalf("the chain was not cut: %+v", first.Findings)
	}
	if e.cache.snapshot(abs) != nil {
		t.Error("a link cut by the taint bound was kept for the next link to start from")
	}
	edited := map[string]string{"server.py": strings.Replace(src, "a.example.com", "b.example.com", 1)}
	got, want := relinkAndFull(t, e, w, edited)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after the edit the result differs from a fresh link:\n%s", diffResults(got, want))
	}
	if !hasTooDeep(got) || e.cache.snapshot(abs) != nil {
		t.Error("the edited link should be cut again and not kept")
	}
	// Within the bounds the same edit is linked incrementally: the test
	// above would pass vacuously were nothing ever kept.
	maxTaintStack = 1000
	e2, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	linkAndCheck(e2, w.root, w.extract(t, e2, nil))
	if e2.cache.snapshot(abs) == nil {
		t.Error("a link within the bounds was not kept")
	}
}

func hasTooDeep(res *finding.Result) bool {
	for _, f := range res.Findings {
		if f.Kind == finding.KindUnanalysed && f.Rule == finding.RuleTooDeep {
			return true
		}
	}
	return false
}
