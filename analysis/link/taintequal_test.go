package link

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// taintComparison installs taintCheck for one test: every candidate's
// answer is compared, in order, with the plain computation's
// (taintplain_test.go) on the same index, asked in the same order. It
// returns the counts of answers compared and of tainted ones.
func taintComparison(t testing.TB) (compared, tainted *int) {
	t.Helper()
	plain := map[*index]*plainTaint{}
	compared, tainted = new(int), new(int)
	taintCheck = func(ix *index, file, callFn int, ref facts.ParamRef, got []taintSrc) {
		pt := plain[ix]
		if pt == nil {
			pt = newPlainTaint(ix)
			plain[ix] = pt
		}
		want, _ := pt.taint(file, callFn, ref)
		*compared++
		if len(want) > 0 {
			*tainted++
		}
		if len(got) != len(want) || (len(got) > 0 && !slices.Equal(got, want)) {
			t.Errorf("%s: taint of %+v in function %d is %v, the plain computation's %v", ix.files[file].Path, ref, callFn, got, want)
		}
	}
	t.Cleanup(func() { taintCheck = nil })
	return compared, tainted
}

// TestTaintEqualsPlain: the pruned taint over interned paths gives every
// candidate the answer the plain computation gives, sources in the same
// order, on the fixture servers and on generated programs with access
// paths, recursion, receivers and dead code (tool input flowing through
// only part of them).
func TestTaintEqualsPlain(t *testing.T) {
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	compared, tainted := taintComparison(t)
	servers, err := filepath.Glob(filepath.Join("..", "..", "testdata", "servers", "*"))
	if err != nil || len(servers) == 0 {
		t.Fatalf("no fixture servers: %v", err)
	}
	for _, dir := range servers {
		files := loadWorkspace(t, dir).extract(t, e, nil)
		e.Link(dir, files)
	}
	fixtures := *tainted
	if fixtures == 0 {
		t.Fatalf("no tainted candidate among %d in the fixtures", *compared)
	}
	for seed := range 60 {
		r := rand.New(rand.NewPCG(uint64(seed), 13))
		var files []*facts.File
		if seed%3 == 2 {
			for p, text := range randomServer(r, seed%2 == 1, seed%4 == 2).render() {
				f, err := e.ExtractFull(t.Context(), p, []byte(text))
				if err != nil {
					t.Fatal(err)
				}
				files = append(files, f)
			}
			slices.SortFunc(files, func(a, b *facts.File) int { return strings.Compare(a.Path, b.Path) })
		} else {
			f, err := e.ExtractFull(t.Context(), "bundle.js", []byte(genBundle(r, 8+r.IntN(30), 0)))
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		e.Link(fmt.Sprintf("gen%d", seed), files)
		if t.Failed() {
			t.Fatalf("seed %d", seed)
		}
	}
	if *tainted == fixtures {
		t.Fatalf("no tainted candidate among the generated programs (%d compared)", *compared)
	}
	t.Logf("%d answers compared, %d tainted", *compared, *tainted)
}

// genBundle writes a bundle-like program of n functions (fields named
// from a set of 6+extraFields): each calls a few
// others (earlier or later: recursion and cycles) with parameters, fields
// of them (access paths up to five deep), object literals holding them and
// constants, some run sensitive calls on what they get, and a few tools
// pass their input to some of the last third. Most of the code is never
// given a tool's input, as in a bundle of libraries.
func genBundle(r *rand.Rand, n, extraFields int) string {
	var b strings.Builder
	b.WriteString("import { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\nimport { z } from \"zod\";\nimport { exec } from \"node:child_process\";\nimport { promises as fs } from \"node:fs\";\n")
	b.WriteString("const server = new McpServer({ name: \"gen\", version: \"1.0.0\" });\n")
	fields := []string{"a", "b", "cmd", "path", "opts", "url"}
	for k := range extraFields {
		fields = append(fields, fmt.Sprintf("m%d", k))
	}
	path := func(v string) string {
		for k := r.IntN(3); k > 0; k-- {
			v += "." + fields[r.IntN(len(fields))]
		}
		return v
	}
	arg := func(params []string) string {
		switch r.IntN(6) {
		case 0:
			return "\"const\""
		case 1:
			return "{ " + fields[r.IntN(len(fields))] + ": " + path(params[r.IntN(len(params))]) + " }"
		default:
			return path(params[r.IntN(len(params))])
		}
	}
	for i := range n {
		params := []string{"p", "q"}
		fmt.Fprintf(&b, "function f%d(p, q) {\n", i)
		for k := 1 + r.IntN(4); k > 0; k-- {
			j := r.IntN(n)
			if r.IntN(3) > 0 && i+1 < n {
				j = i + 1 + r.IntN(n-i-1) // mostly downwards, as libraries call their helpers
			}
			fmt.Fprintf(&b, "  f%d(%s, %s);\n", j, arg(params), arg(params))
		}
		switch r.IntN(5) {
		case 0:
			fmt.Fprintf(&b, "  exec(%s);\n", path("p"))
		case 1:
			fmt.Fprintf(&b, "  fs.readFile(%s);\n", path("q"))
		case 2:
			fmt.Fprintf(&b, "  fetch(%s, { body: %s });\n", path("q"), path("p"))
		}
		b.WriteString("}\n")
	}
	for t := range 1 + r.IntN(3) {
		fmt.Fprintf(&b, "server.tool(\"t%d\", \"d\", { cmd: z.string(), path: z.string(), opts: z.object({ a: z.string() }) }, async (args) => {\n", t)
		for k := 1 + r.IntN(2); k > 0; k-- {
			// The server's code calls into the last third of the
			// bundle: the functions before it are libraries whose
			// parameters no tool's input reaches, save by a cycle.
			fmt.Fprintf(&b, "  f%d(%s, %s);\n", n-1-r.IntN(n/3+1), arg([]string{"args"}), arg([]string{"args"}))
		}
		b.WriteString("  return { content: [] };\n});\n")
	}
	return b.String()
}
