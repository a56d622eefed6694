package link

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/bigserver"
	"github.com/mcpriv/mcpriv/analysis/facts"
)

// A random server: tools calling helpers, helpers calling helpers (across
// two files), sensitive calls fed by parameters, callbacks. The randomized
// test edits its call graph and checks each incremental link against a
// full one.

type rCall struct {
	target  int    // helper index
	unknown bool   // the callee renamed to a name nothing declares
	args    [2]int // per argument: 0 the first parameter, 1 the second, 2 a literal
}

type rHelper struct {
	lib     bool // in the second file, imported by the first
	sink    int  // 0 none, 1 file write, 2 exec, 3 fetch
	sinkArg int  // as rCall.args
	calls   []rCall
	cb      *rCall // the call inside a callback (nil: no callback)
}

type rServer struct {
	py      bool
	acyclic bool // a helper only calls helpers after it: no recursion
	helpers []rHelper
	tools   [][]rCall
	top     []rCall   // calls at the top level of the first file: start-up code
	renamed []callRef // calls renamed to an unknown name, to be renamed back
}

func (s *rServer) name(h int, unknown bool) string {
	n := fmt.Sprintf("h%d", h)
	if s.helpers[h].lib {
		n = fmt.Sprintf("l%d", h)
	}
	if unknown {
		n += "x"
	}
	return n
}

// targets lists the helpers helper from (-1: a tool) may call.
func (s *rServer) targets(from int) []int {
	var out []int
	for h := range s.helpers {
		switch {
		case from >= 0 && s.helpers[from].lib && !s.helpers[h].lib:
			// the second file does not import the first
		case s.acyclic && from >= 0 && h <= from:
		default:
			out = append(out, h)
		}
	}
	return out
}

func randomServer(r *rand.Rand, py, acyclic bool) *rServer {
	s := &rServer{py: py, acyclic: acyclic}
	nServer, nLib := 3+r.IntN(5), 2+r.IntN(3)
	for h := 0; h < nServer+nLib; h++ {
		s.helpers = append(s.helpers, rHelper{lib: h >= nServer, sink: r.IntN(4), sinkArg: r.IntN(3)})
	}
	if !acyclic {
		// A chain deeper than taint follows, from a tool to a sensitive call.
		first := len(s.helpers)
		for k := 0; k < 15; k++ {
			h := rHelper{}
			if k < 14 {
				h.calls = []rCall{{target: first + k + 1, args: [2]int{0, 1}}}
			}
			if k == 3 || k == 14 {
				h.sink = 1 // tainted: found at depth 3 first, the full link also finds it from depth 14
			}
			s.helpers = append(s.helpers, h)
		}
		s.tools = append(s.tools, []rCall{{target: first, args: [2]int{0, 1}}})
	}
	for h := range s.helpers {
		if h >= nServer+nLib {
			break
		}
		ts := s.targets(h)
		for n := r.IntN(3); n > 0 && len(ts) > 0; n-- {
			s.helpers[h].calls = append(s.helpers[h].calls, s.randomCall(r, ts))
		}
		if len(ts) > 0 && r.IntN(3) == 0 {
			c := s.randomCall(r, ts)
			s.helpers[h].cb = &c
		}
	}
	for n := 2 + r.IntN(3); n > 0; n-- {
		s.tools = append(s.tools, []rCall{s.randomCall(r, s.targets(-1))})
	}
	for n := r.IntN(2); n > 0; n-- {
		s.top = append(s.top, s.randomCall(r, s.targets(-1)))
	}
	return s
}

func (s *rServer) randomCall(r *rand.Rand, targets []int) rCall {
	return rCall{target: targets[r.IntN(len(targets))], args: [2]int{r.IntN(3), r.IntN(3)}}
}

// callRef is a call of the server, by where it is.
type callRef struct {
	tool, helper, k int // helper -1: a tool's, -2: the top level's; k -1: the callback's
}

func (s *rServer) calls() []callRef {
	var out []callRef
	for t, cs := range s.tools {
		for k := range cs {
			out = append(out, callRef{tool: t, helper: -1, k: k})
		}
	}
	for k := range s.top {
		out = append(out, callRef{helper: -2, k: k})
	}
	for h := range s.helpers {
		for k := range s.helpers[h].calls {
			out = append(out, callRef{helper: h, k: k})
		}
		if s.helpers[h].cb != nil {
			out = append(out, callRef{helper: h, k: -1})
		}
	}
	return out
}

// valid reports whether c still names a call (calls are removed).
func (s *rServer) valid(c callRef) bool {
	switch {
	case c.helper == -2:
		return c.k < len(s.top)
	case c.helper < 0:
		return c.k < len(s.tools[c.tool])
	case c.k < 0:
		return s.helpers[c.helper].cb != nil
	}
	return c.k < len(s.helpers[c.helper].calls)
}

func (s *rServer) at(c callRef) *rCall {
	switch {
	case c.helper == -2:
		return &s.top[c.k]
	case c.helper < 0:
		return &s.tools[c.tool][c.k]
	case c.k < 0:
		return s.helpers[c.helper].cb
	}
	return &s.helpers[c.helper].calls[c.k]
}

// edit makes one random change of the call graph (or of a sensitive call's
// argument) and names it.
func (s *rServer) edit(r *rand.Rand) string {
	all := s.calls()
	pick := func() *rCall { return s.at(all[r.IntN(len(all))]) }
	switch op := r.IntN(6); {
	case op == 0 && len(s.renamed) > 0 && r.IntN(2) == 0:
		c := s.renamed[len(s.renamed)-1]
		s.renamed = s.renamed[:len(s.renamed)-1]
		if s.valid(c) {
			s.at(c).unknown = false
		}
		return "rename-back"
	case op == 0 && len(all) > 0:
		c := all[r.IntN(len(all))]
		s.at(c).unknown = !s.at(c).unknown
		if s.at(c).unknown {
			s.renamed = append(s.renamed, c)
		}
		return "rename"
	case op == 1:
		h := r.IntN(len(s.helpers))
		if ts := s.targets(h); len(ts) > 0 {
			s.helpers[h].calls = append(s.helpers[h].calls, s.randomCall(r, ts))
			return "add"
		}
		if r.IntN(3) == 0 {
			s.top = append(s.top, s.randomCall(r, s.targets(-1)))
			return "add-top"
		}
		t := r.IntN(len(s.tools))
		s.tools[t] = append(s.tools[t], s.randomCall(r, s.targets(-1)))
		return "add-tool"
	case op == 2 && len(all) > 0:
		c := all[r.IntN(len(all))]
		switch {
		case c.helper == -2:
			s.top = append(s.top[:c.k:c.k], s.top[c.k+1:]...)
		case c.helper == -1 && len(s.tools[c.tool]) > 1:
			s.tools[c.tool] = append(s.tools[c.tool][:c.k:c.k], s.tools[c.tool][c.k+1:]...)
		case c.helper >= 0 && c.k >= 0:
			h := &s.helpers[c.helper]
			h.calls = append(h.calls[:c.k:c.k], h.calls[c.k+1:]...)
		default:
			return s.edit(r)
		}
		return "remove"
	case op == 3 && len(all) > 0:
		c := all[r.IntN(len(all))]
		from := max(c.helper, -1)
		if ts := s.targets(from); len(ts) > 0 {
			s.at(c).target = ts[r.IntN(len(ts))]
		}
		return "retarget"
	case op == 4 && len(all) > 0:
		c := pick()
		c.args[r.IntN(2)] = r.IntN(3)
		return "args"
	default:
		h := &s.helpers[r.IntN(len(s.helpers))]
		h.sink, h.sinkArg = r.IntN(4), r.IntN(3)
		return "sink"
	}
}

// render returns the server's two files.
func (s *rServer) render() map[string]string {
	if s.py {
		return s.renderPy()
	}
	return s.renderTS()
}

func (s *rServer) args(c rCall, p, q string) string {
	var out []string
	for _, a := range c.args {
		out = append(out, [3]string{p, q, `"/tmp/lit"`}[a])
	}
	return strings.Join(out, ", ")
}

func (s *rServer) renderTS() map[string]string {
	var srv, lib strings.Builder
	head := "import { promises as fs } from \"node:fs\";\nimport { exec } from \"node:child_process\";\n"
	srv.WriteString("import { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\nimport { z } from \"zod\";\n" + head)
	lib.WriteString(head)
	var libNames []string
	for h := range s.helpers {
		if s.helpers[h].lib {
			libNames = append(libNames, s.name(h, false))
		}
	}
	fmt.Fprintf(&srv, "import { %s } from \"./lib.js\";\n\nconst server = new McpServer({ name: \"r\", version: \"1.0.0\" });\n\n", strings.Join(libNames, ", "))
	for h := range s.helpers {
		hp := &s.helpers[h]
		b := &srv
		export := ""
		if hp.lib {
			b, export = &lib, "export "
		}
		fmt.Fprintf(b, "%sasync function %s(p: string, q: string): Promise<string> {\n", export, s.name(h, false))
		arg := [3]string{"p", "q", `"/tmp/lit"`}[hp.sinkArg]
		switch hp.sink {
		case 1:
			fmt.Fprintf(b, "  await fs.writeFile(%s, \"x\");\n", arg)
		case 2:
			fmt.Fprintf(b, "  exec(%s);\n", arg)
		case 3:
			fmt.Fprintf(b, "  await fetch(%s);\n", arg)
		}
		for _, c := range hp.calls {
			fmt.Fprintf(b, "  await %s(%s);\n", s.name(c.target, c.unknown), s.args(c, "p", "q"))
		}
		if hp.cb != nil {
			fmt.Fprintf(b, "  [1, 2].map((x) => %s(%s));\n", s.name(hp.cb.target, hp.cb.unknown), s.args(*hp.cb, "p", "q"))
		}
		b.WriteString("  return \"\";\n}\n\n")
	}
	for _, c := range s.top {
		fmt.Fprintf(&srv, "void %s(%s);\n", s.name(c.target, c.unknown), s.args(c, `"/etc/a"`, `"/etc/b"`))
	}
	for t, cs := range s.tools {
		fmt.Fprintf(&srv, "server.tool(\"tool_%d\", { path: z.string(), body: z.string() }, async ({ path, body }) => {\n", t)
		for _, c := range cs {
			fmt.Fprintf(&srv, "  await %s(%s);\n", s.name(c.target, c.unknown), s.args(c, "path", "body"))
		}
		srv.WriteString("  return { content: [] };\n});\n\n")
	}
	return map[string]string{"server.ts": srv.String(), "lib.ts": lib.String()}
}

func (s *rServer) renderPy() map[string]string {
	var srv, lib strings.Builder
	head := "import subprocess\nimport requests\n"
	lib.WriteString(head + "\n")
	var libNames []string
	for h := range s.helpers {
		if s.helpers[h].lib {
			libNames = append(libNames, s.name(h, false))
		}
	}
	fmt.Fprintf(&srv, "%sfrom mcp.server.fastmcp import FastMCP\nfrom lib import %s\n\nmcp = FastMCP(\"r\")\n\n", head, strings.Join(libNames, ", "))
	for h := range s.helpers {
		hp := &s.helpers[h]
		b := &srv
		if hp.lib {
			b = &lib
		}
		fmt.Fprintf(b, "def %s(p, q):\n", s.name(h, false))
		arg := [3]string{"p", "q", `"/tmp/lit"`}[hp.sinkArg]
		switch hp.sink {
		case 1:
			fmt.Fprintf(b, "    open(%s, \"w\").write(\"x\")\n", arg)
		case 2:
			fmt.Fprintf(b, "    subprocess.run(%s)\n", arg)
		case 3:
			fmt.Fprintf(b, "    requests.get(%s)\n", arg)
		}
		for _, c := range hp.calls {
			fmt.Fprintf(b, "    %s(%s)\n", s.name(c.target, c.unknown), s.args(c, "p", "q"))
		}
		if hp.cb != nil {
			fmt.Fprintf(b, "    list(map(lambda x: %s(%s), [1, 2]))\n", s.name(hp.cb.target, hp.cb.unknown), s.args(*hp.cb, "p", "q"))
		}
		b.WriteString("    return \"\"\n\n\n")
	}
	for _, c := range s.top {
		fmt.Fprintf(&srv, "%s(%s)\n\n", s.name(c.target, c.unknown), s.args(c, `"/etc/a"`, `"/etc/b"`))
	}
	for t, cs := range s.tools {
		fmt.Fprintf(&srv, "@mcp.tool()\ndef tool_%d(path: str, body: str) -> str:\n", t)
		for _, c := range cs {
			fmt.Fprintf(&srv, "    %s(%s)\n", s.name(c.target, c.unknown), s.args(c, "path", "body"))
		}
		srv.WriteString("    return \"\"\n\n\n")
	}
	return map[string]string{"server.py": srv.String(), "lib.py": lib.String()}
}

// forgetRoot drops the engine's latest link of root, so its next link of
// it is a full one.
func forgetRoot(e *testEngine, root string) {
	c := e.linkCache()
	c.mu.Lock()
	delete(c.roots, root)
	c.mu.Unlock()
}

// linkPath says how the latest link of root was made from the one before.
func linkPath(prev, next *linkSnapshot) string {
	switch {
	case prev == nil || next == nil || len(prev.out.tools) == 0 || len(next.out.tools) == 0 ||
		&prev.out.tools[0] != &next.out.tools[0]:
		return "full"
	case next.ix == prev.ix:
		return "relink"
	}
	return "graph"
}

// TestGraphLinkRandomEdits applies random call-graph edits to random
// servers and checks every link through the engine's cache (relink,
// graphLink or full) against a full link by an engine that has not seen
// the root.
func TestGraphLinkRandomEdits(t *testing.T) {
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	servers, edits := 8, 50
	if testing.Short() {
		servers, edits = 3, 30
	}
	for _, py := range []bool{false, true} {
		for _, acyclic := range []bool{true, false} {
			counts := map[string]int{}
			for n := 0; n < servers; n++ {
				seed := uint64(n)*4 + map[bool]uint64{true: 1}[py]*2 + map[bool]uint64{true: 1}[acyclic]
				r := rand.New(rand.NewPCG(seed, 7))
				s := randomServer(r, py, acyclic)
				root := t.TempDir()
				extract := func(texts map[string]string) []*facts.File {
					var out []*facts.File
					for _, p := range []string{"lib.py", "lib.ts", "server.py", "server.ts"} {
						if text, ok := texts[p]; ok {
							f, err := e.ExtractFull(ctx, p, []byte(text))
							if err != nil {
								t.Fatal(err)
							}
							out = append(out, f)
						}
					}
					return out
				}
				texts := s.render()
				linkAndCheck(e, root, extract(texts))
				for k := 0; k < edits; k++ {
					what := s.edit(r)
					next := s.render()
					if reflect.DeepEqual(next, texts) {
						continue
					}
					texts = next
					files := extract(texts)
					prev := e.linkCache().snapshot(mustAbs(t, root))
					got := linkAndCheck(e, root, files)
					path := linkPath(prev, e.linkCache().snapshot(mustAbs(t, root)))
					counts[path]++
					forgetRoot(fresh, mustAbs(t, root))
					want := linkAndCheck(fresh, root, files)
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("py=%v acyclic=%v server %d edit %d (%s, %s link): result differs from a full link:\n%s\nfiles:\n%s",
							py, acyclic, n, k, what, path, diffResults(got, want), strings.Join(sortedTexts(texts), "\n----\n"))
					}
				}
			}
			t.Logf("py=%v acyclic=%v: %v", py, acyclic, counts)
			total := counts["full"] + counts["relink"] + counts["graph"]
			if acyclic && counts["graph"]*2 <= total {
				t.Errorf("py=%v: only %d of %d call-graph edits were linked incrementally", py, counts["graph"], total)
			}
			if !acyclic && counts["full"] == 0 {
				t.Errorf("py=%v: servers with recursion and deep chains were never linked in full: %v", py, counts)
			}
		}
	}
}

func sortedTexts(texts map[string]string) []string {
	var out []string
	for _, p := range []string{"lib.py", "lib.ts", "server.py", "server.ts"} {
		if text, ok := texts[p]; ok {
			out = append(out, p+":\n"+text)
		}
	}
	return out
}

func mustAbs(t *testing.T, root string) string {
	t.Helper()
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// TestFileDiffCompare edits big files at random places and checks the
// comparison of the versions: the unchanged ends it reports are unchanged
// and do not overlap, relink's per-call comparison is right, and the
// statics derived from it equal those of the new file built afresh.
func TestFileDiffCompare(t *testing.T) {
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 9))
	for _, tc := range []struct{ path, text, line string }{
		{"big.ts", bigserver.TypeScript(6000), "  await fetch(\"https://x.example.com\");"},
		{"big.py", bigserver.Python(6000), "    requests.get(\"https://x.example.com\")"},
	} {
		old, err := e.ExtractFull(ctx, tc.path, []byte(tc.text))
		if err != nil {
			t.Fatal(err)
		}
		if len(old.Calls) < parallelCompareCalls {
			t.Fatalf("%s: %d calls, too few to compare on two cores", tc.path, len(old.Calls))
		}
		ost := newFileStatic(e.Linker, old)
		lines := strings.Split(tc.text, "\n")
		for k := 0; k < 12; k++ {
			edited := slices.Clone(lines)
			for n := 1 + r.IntN(3); n > 0; n-- {
				at := 10 + r.IntN(len(edited)-20)
				if k%2 == 0 {
					// Near the start and before the middle: the end's scans
					// meet past the inner edit, so the inner side finds it.
					at = len(edited) * []int{5, 40, 35}[n-1] / 100
				}
				switch r.IntN(3) {
				case 0: // a new call
					edited = slices.Insert(edited, at, tc.line)
				case 1: // a literal
					for at < len(edited)-1 && !strings.Contains(edited[at], "/srv/data/") {
						at++
					}
					edited[at] = strings.Replace(edited[at], "/srv/data/", "/srv/x/", 1)
				default: // a line less
					if strings.Contains(edited[at], "fetch(") || strings.Contains(edited[at], "requests.get(") || strings.Contains(edited[at], "f.write(") {
						edited = slices.Delete(edited, at, at+1)
					}
				}
			}
			nf, err := e.ExtractFull(ctx, tc.path, []byte(strings.Join(edited, "\n")))
			if err != nil {
				t.Fatal(err)
			}
			d := &fileDiff{old: old, nf: nf, ost: ost}
			d.compare()
			n, o := len(nf.Calls), len(old.Calls)
			if d.pre < 0 || d.suf < 0 || d.pre+d.suf > min(n, o) {
				t.Fatalf("%s edit %d: ends %d+%d overlap (%d and %d calls)", tc.path, k, d.pre, d.suf, o, n)
			}
			for j := 0; j < d.pre; j++ {
				if compareCall(&old.Calls[j], &nf.Calls[j]) != callSame {
					t.Fatalf("%s edit %d: call %d is in the unchanged start but changed", tc.path, k, j)
				}
			}
			for j := 0; j < d.suf; j++ {
				if compareCall(&old.Calls[o-1-j], &nf.Calls[n-1-j]) != callSame {
					t.Fatalf("%s edit %d: call %d from the end is in the unchanged end but changed", tc.path, k, j)
				}
			}
			if n == o {
				for j := d.pre; j < n-d.suf; j++ {
					if want := compareCall(&old.Calls[j], &nf.Calls[j]); d.mid[j-d.pre] != want {
						t.Fatalf("%s edit %d: call %d compares as %d, want %d", tc.path, k, j, d.mid[j-d.pre], want)
					}
				}
			}
			// The ends may stop short where two scans meet, by a chunk at most.
			seq := &fileDiff{old: old, nf: nf}
			seq.diffCalls()
			if d.pre+d.suf < seq.pre+seq.suf-compareChunk {
				t.Errorf("%s edit %d: %d+%d calls found unchanged at the ends, %d+%d are", tc.path, k, d.pre, d.suf, seq.pre, seq.suf)
			}
			got, want := d.static(e.Linker), newFileStatic(e.Linker, nf)
			if !reflect.DeepEqual(got.cands, want.cands) || !reflect.DeepEqual(got.order, want.order) || !reflect.DeepEqual(got.byName, want.byName) {
				t.Fatalf("%s edit %d: the statics derived from the comparison differ from the new file's", tc.path, k)
			}
		}
	}
}
