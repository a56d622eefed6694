package syntax

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// TestNodeLayout guards the Go view of the C node records.
func TestNodeLayout(t *testing.T) {
	var n Node
	if unsafe.Sizeof(n) != nodeSize {
		t.Fatalf("Node is %d bytes, C record %d", unsafe.Sizeof(n), nodeSize)
	}
	got := [3]uintptr{unsafe.Offsetof(n.Parent), unsafe.Offsetof(n.Sym), unsafe.Offsetof(n.Flags)}
	if got != nodeOffsets() {
		t.Fatalf("field offsets %v, C %v", got, nodeOffsets())
	}
}

// TestBindingLayout: the C view of the binding's Node is accepted.
func TestBindingLayout(t *testing.T) {
	st := mustParse(t, source.Go, []byte("package p\nfunc f() {}\n"))
	if _, ok := cRoot(st.RootNode()); !ok {
		t.Fatal("the binding's Node layout is not the one the C walk reads")
	}
}

var fixtures = []struct {
	name string
	lang source.Lang
	src  string
}{
	{"go", source.Go, "package p\n\nimport \"os\"\n\n// F reads.\nfunc F(p string) ([]byte, error) {\n\tx := map[string]int{\"a\": 1}\n\t_ = x\n\treturn os.ReadFile(p + \"/x\")\n}\n"},
	{"go-error", source.Go, "package p\nfunc f( {\n\tx := [1, 2\n}\n"},
	{"python", source.Python, "import os\n\n@tool\ndef f(p: str) -> str:\n    \"\"\"doc\"\"\"\n    return open(p, mode='r').read() + f\"{p!r}\"\n"},
	{"python-error", source.Python, "def f(:\n  x = [1,\n"},
	{"javascript", source.JavaScript, "import fs from 'node:fs';\nexport default async function f({ path, ...rest }) {\n  const re = /a+b/g;\n  return fs.readFileSync(`${path}/x`, 'utf8') ?? rest;\n}\n"},
	{"javascript-error", source.JavaScript, "const x = (1 + ;\nfunction (\n"},
	{"typescript", source.TypeScript, "import { z } from \"zod\";\nclass S implements T { private x!: number; run<T>(a: T): T { return a as T; } }\nenum E { A = 1 }\n"},
	{"tsx", source.TSX, "export const C = (p: { n: string }) => <div className=\"x\">{p.n}</div>;\n"},
	{"empty-go", source.Go, ""},
	{"empty-python", source.Python, ""},
	{"empty-js", source.JavaScript, ""},
	{"junk", source.Go, "}{)(\x00\xff func ("},
}

// flat parses src and flattens it; both are released when the test ends.
func flat(t *testing.T, lang source.Lang, src []byte, opt Options) (*sitter.Tree, *Tree) {
	t.Helper()
	st := mustParse(t, lang, src)
	t.Cleanup(st.Close)
	tr, err := Flatten(st, parse.Language(lang), src, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tr.Free)
	return st, tr
}

func mustParse(t testing.TB, lang source.Lang, src []byte) *sitter.Tree {
	t.Helper()
	st, err := parse.Parse(context.Background(), lang, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// jsFilter is a filter in the style of the JS/TS extractor: named nodes and
// a few keywords, string contents skipped.
func jsFilter(lang *sitter.Language) *Filter {
	return NewFilter(lang, func(_ int, name string, named bool) Keep {
		switch {
		case named && (name == "string" || name == "regex"):
			return KeepLeaf
		case named || name == "default" || name == "async":
			return KeepNode
		}
		return Drop
	})
}

// bothWalks flattens st with the C walk and the binding-API walk.
func bothWalks(t *testing.T, st *sitter.Tree, lang *sitter.Language, src []byte, opt Options) (fast, slow *Tree) {
	t.Helper()
	g := GrammarOf(lang)
	table := g.all
	if opt.Filter != nil {
		table = opt.Filter.table
	}
	root := st.RootNode()
	fast, ok := flattenC(root, g, table, src, opt, root.HasError())
	if !ok {
		t.Fatal("the C walk refused the binding's tree")
	}
	return fast, flattenGo(root, g, table, src, opt, root.HasError())
}

func sameTrees(t *testing.T, name string, fast, slow *Tree) {
	t.Helper()
	if len(fast.Nodes) != len(slow.Nodes) {
		t.Fatalf("%s: %d nodes, fallback %d", name, len(fast.Nodes), len(slow.Nodes))
	}
	if fast.Cut != slow.Cut {
		t.Fatalf("%s: cut at %d, fallback %d", name, fast.Cut, slow.Cut)
	}
	for i := range fast.Nodes {
		if fast.Nodes[i] != slow.Nodes[i] {
			t.Fatalf("%s node %d (%s): %+v, fallback %+v", name, i, fast.Kind(int32(i)), fast.Nodes[i], slow.Nodes[i])
		}
	}
}

// TestWalksAgree: the C walk and the fallback build the same table, with
// and without a filter, for every language.
func TestWalksAgree(t *testing.T) {
	for _, fx := range fixtures {
		lang := parse.Language(fx.lang)
		src := []byte(fx.src)
		st := mustParse(t, fx.lang, src)
		for _, opt := range []Options{{}, {Filter: jsFilter(lang)}, {MaxDepth: 3}} {
			fast, slow := bothWalks(t, st, lang, src, opt)
			sameTrees(t, fx.name, fast, slow)
			checkLinks(t, fx.name, fast)
			fast.Free()
		}
		st.Close()
	}
}

// TestWalksAgreeOnExtractorFixtures runs both walks over the extractors'
// test sources (real-world shapes: bundles, broken files, every language).
func TestWalksAgreeOnExtractorFixtures(t *testing.T) {
	paths, _ := filepath.Glob("../lang/*/testdata/*")
	seen := map[source.Lang]bool{}
	for _, p := range paths {
		lang := source.DetectLang(strings.TrimSuffix(p, ".txt"))
		if lang == "" {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		seen[lang] = true
		st := mustParse(t, lang, src)
		opts := []Options{{}}
		if lang.Family() == "js" {
			opts = append(opts, Options{Filter: jsFilter(parse.Language(lang))})
		}
		for _, opt := range opts {
			fast, slow := bothWalks(t, st, parse.Language(lang), src, opt)
			sameTrees(t, p, fast, slow)
			fast.Free()
		}
		st.Close()
	}
	for _, lang := range []source.Lang{source.Go, source.Python, source.JavaScript, source.TypeScript} {
		if !seen[lang] {
			t.Errorf("no %s fixture found", lang)
		}
	}
}

// checkLinks verifies the table's invariants: pre-order, children inside
// the parent's span and linked in order, positions within the source.
func checkLinks(t *testing.T, name string, tr *Tree) {
	t.Helper()
	if len(tr.Nodes) == 0 || tr.Nodes[0].Parent != -1 {
		t.Fatalf("%s: no root", name)
	}
	for i := range tr.Nodes {
		n := &tr.Nodes[i]
		if n.Start > n.End {
			t.Fatalf("%s node %d: start %d > end %d", name, i, n.Start, n.End)
		}
		prev := int32(-1)
		for c := n.First; c >= 0; c = tr.Nodes[c].Next {
			if c <= int32(i) || tr.Nodes[c].Parent != int32(i) || (prev >= 0 && c <= prev) {
				t.Fatalf("%s: child %d of %d is out of order", name, c, i)
			}
			prev = c
		}
		if prev != n.Last {
			t.Fatalf("%s node %d: last %d, linked list ends at %d", name, i, n.Last, prev)
		}
	}
}

// TestAllNodes: without a filter every node of the binding's walk is stored,
// with its kind, field and named flag.
func TestAllNodes(t *testing.T) {
	src := []byte("def f(a, b=1):\n    return a.b(c=2)\n")
	st, tr := flat(t, source.Python, src, Options{})
	want := 0
	var count func(n *sitter.Node)
	count = func(n *sitter.Node) {
		want++
		for i := 0; i < int(n.ChildCount()); i++ {
			count(n.Child(i))
		}
	}
	count(st.RootNode())
	if len(tr.Nodes) != want {
		t.Fatalf("%d nodes, the tree has %d", len(tr.Nodes), want)
	}
	def := tr.Nodes[0].First
	if tr.Kind(0) != "module" || tr.Kind(def) != "function_definition" {
		t.Fatalf("kinds %q, %q", tr.Kind(0), tr.Kind(def))
	}
	name := tr.Child(def, "name")
	if name < 0 || string(src[tr.Nodes[name].Start:tr.Nodes[name].End]) != "f" || !tr.Nodes[name].Named() || tr.FieldName(name) != "name" {
		t.Fatalf("name child %d: %+v", name, tr.Nodes[max(name, 0)])
	}
	if kw := tr.Nodes[def].First; tr.Kind(kw) != "def" || tr.Nodes[kw].Named() {
		t.Fatalf("first child of def is %q named=%v", tr.Kind(kw), tr.Nodes[kw].Named())
	}
	if tr.Child(def, "nosuchfield") != -1 {
		t.Fatal("found a child for an unknown field")
	}
}

// TestFilter: dropped nodes' children go to the nearest kept ancestor and
// leaves are not descended into.
func TestFilter(t *testing.T) {
	src := []byte("f(a + 'b' + `c${d}`)")
	lang := parse.Language(source.JavaScript)
	st, tr := flat(t, source.JavaScript, src, Options{Filter: jsFilter(lang)})
	var kinds []string
	for i := range tr.Nodes {
		if !tr.Nodes[i].Named() {
			t.Errorf("node %d %q: an anonymous token was kept", i, tr.Kind(int32(i)))
		}
		kinds = append(kinds, tr.Kind(int32(i)))
	}
	got := strings.Join(kinds, " ")
	want := "program expression_statement call_expression identifier arguments binary_expression binary_expression identifier string template_string string_fragment template_substitution identifier"
	if got != want {
		t.Fatalf("kinds\n got %s\nwant %s", got, want)
	}
	if _, err := Flatten(st, parse.Language(source.Go), src, Options{Filter: jsFilter(lang)}); err == nil {
		t.Fatal("a filter of another language was accepted")
	}
}

// TestErrorAndMissing: ERROR nodes are named and kept, MISSING nodes are
// flagged and kept even when the filter drops their symbol.
func TestErrorAndMissing(t *testing.T) {
	src := []byte("package p\nfunc f() {\n\tx := g(1\n}\n")
	lang := parse.Language(source.Go)
	st := mustParse(t, source.Go, src)
	defer st.Close()
	dropAll := NewFilter(lang, func(int, string, bool) Keep { return Drop })
	for _, opt := range []Options{{}, {Filter: dropAll}} {
		tr, err := Flatten(st, lang, src, opt)
		if err != nil {
			t.Fatal(err)
		}
		var errs, missing int
		for i := range tr.Nodes {
			n := &tr.Nodes[i]
			if n.Sym == SymError {
				errs++
				if !n.Named() || tr.Kind(int32(i)) != "ERROR" {
					t.Errorf("ERROR node %d: %+v", i, *n)
				}
			}
			if n.Missing() {
				missing++
				if n.Start != n.End {
					t.Errorf("missing node %d spans %d-%d", i, n.Start, n.End)
				}
			}
		}
		if errs+missing == 0 {
			t.Errorf("filter %v: no ERROR or MISSING node in %d nodes", opt.Filter != nil, len(tr.Nodes))
		}
		tr.Free()
	}
	// A valid file has neither.
	_, tr := flat(t, source.Go, []byte("package p\n"), Options{})
	for i := range tr.Nodes {
		if tr.Nodes[i].Missing() || tr.Nodes[i].Sym == SymError {
			t.Fatalf("node %d of a valid file is an error: %+v", i, tr.Nodes[i])
		}
	}
}

// TestDeepNesting: deep trees are walked without recursion (the C walk's
// stack grows) and MaxDepth cuts them.
func TestDeepNesting(t *testing.T) {
	const depth = 20000
	src := []byte(strings.Repeat("[", depth) + strings.Repeat("]", depth))
	lang := parse.Language(source.JavaScript)
	st := mustParse(t, source.JavaScript, src)
	defer st.Close()
	full, slow := bothWalks(t, st, lang, src, Options{})
	sameTrees(t, "deep", full, slow)
	deepest := 0
	for i := range full.Nodes {
		d := 0
		for p := full.Nodes[i].Parent; p >= 0; p = full.Nodes[p].Parent {
			d++
		}
		deepest = max(deepest, d)
	}
	if deepest < depth {
		t.Fatalf("deepest node at %d, want at least %d", deepest, depth)
	}
	if full.Cut != -1 {
		t.Fatalf("no MaxDepth, yet cut at node %d", full.Cut)
	}
	full.Free()
	cut, slowCut := bothWalks(t, st, lang, src, Options{MaxDepth: 100})
	sameTrees(t, "deep cut", cut, slowCut)
	if len(cut.Nodes) > 3*100 { // an array node and its two brackets per level
		t.Fatalf("MaxDepth 100 kept %d nodes", len(cut.Nodes))
	}
	// The cut is reported, so that no caller takes the tree for whole.
	if cut.Cut < 0 || cut.Nodes[cut.Cut].First != -1 {
		t.Fatalf("MaxDepth 100: cut %d, want a stored node without children", cut.Cut)
	}
	cut.Free()
}

// TestGrowTable: a tree with more nodes than the first table holds is
// walked again into a bigger one.
func TestGrowTable(t *testing.T) {
	src := []byte(strings.Repeat("[", 3000) + strings.Repeat("]", 3000)) // 1.5 nodes a byte
	lang := parse.Language(source.JavaScript)
	st := mustParse(t, source.JavaScript, src)
	defer st.Close()
	fast, slow := bothWalks(t, st, lang, src, Options{})
	if len(fast.Nodes) <= len(src)/2+64 {
		t.Fatalf("%d nodes: the first table was big enough, nothing grew", len(fast.Nodes))
	}
	sameTrees(t, "grown", fast, slow)
	fast.Free()
}

// TestConcurrent flattens one tree from several goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	src := []byte("import os\nos.system('x')\n")
	lang := parse.Language(source.Python)
	st := mustParse(t, source.Python, src)
	defer st.Close()
	want, _ := Flatten(st, lang, src, Options{})
	wantN := len(want.Nodes)
	want.Free()
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				tr, err := Flatten(st, lang, src, Options{})
				if err != nil || len(tr.Nodes) != wantN {
					errs <- "a concurrent flatten differs"
					return
				}
				tr.Free()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

// TestEmptyInput: an empty source flattens to its root alone.
func TestEmptyInput(t *testing.T) {
	for _, lang := range []source.Lang{source.Go, source.Python, source.JavaScript, source.TypeScript, source.TSX} {
		st := mustParse(t, lang, nil)
		tr, err := Flatten(st, parse.Language(lang), nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Nodes) < 1 || tr.Nodes[0].End != 0 || tr.Nodes[0].Parent != -1 {
			t.Fatalf("%s: %+v", lang, tr.Nodes)
		}
		tr.Free()
		tr.Free() // twice is harmless
		st.Close()
	}
	if _, err := Flatten(nil, parse.Language(source.Go), nil, Options{}); err == nil {
		t.Fatal("a nil tree was accepted")
	}
}

// TestClamp: positions beyond the source handed in are clamped to it.
func TestClamp(t *testing.T) {
	src := []byte("package p\nvar x = 1\n")
	st := mustParse(t, source.Go, src)
	defer st.Close()
	short := src[:12]
	tr, err := Flatten(st, parse.Language(source.Go), short, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Free()
	for i, n := range tr.Nodes {
		if n.End > uint32(len(short)) || n.Start > n.End {
			t.Fatalf("node %d: %d-%d beyond %d bytes", i, n.Start, n.End, len(short))
		}
	}
}

func BenchmarkFlatten(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < 1<<20; i++ {
		sb.WriteString("function f(a, b) { return fetch(`https://x/${a}`, { method: 'POST', body: JSON.stringify([a, b, 1 + 2]) }); }\n")
	}
	src := []byte(sb.String())
	lang := parse.Language(source.JavaScript)
	st := mustParse(b, source.JavaScript, src)
	defer st.Close()
	for _, bc := range []struct {
		name string
		opt  Options
	}{{"all", Options{}}, {"filtered", Options{Filter: jsFilter(lang)}}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				tr, err := Flatten(st, lang, src, bc.opt)
				if err != nil {
					b.Fatal(err)
				}
				tr.Free()
			}
		})
		b.Run(bc.name+"/fallback", func(b *testing.B) {
			g := GrammarOf(lang)
			table := g.all
			if bc.opt.Filter != nil {
				table = bc.opt.Filter.table
			}
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				flattenGo(st.RootNode(), g, table, src, bc.opt, false)
			}
		})
	}
}

// TestTopLevel: the C list of top-level nodes is the one a cursor walk
// through the binding gives, errors included, past the first buffer size.
func TestTopLevel(t *testing.T) {
	var big strings.Builder
	for i := 0; i < 3000; i++ {
		big.WriteString("const a = f(1);\n")
	}
	for _, tc := range []struct {
		name string
		lang source.Lang
		src  string
	}{
		{"clean", source.TypeScript, "import x from \"y\";\nconst a = 1;\nfunction f() { return a; }\n"},
		{"broken", source.TypeScript, "const a = 1;\nexport fun g(h) {\n  const s = h.x;\n}\nf(a;\nlet b = (\n"},
		{"python", source.Python, "import os\ndef f(:\n    pass\nx = os.getcwd()\n"},
		{"many", source.TypeScript, big.String()},
		{"empty", source.Python, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tree := mustParse(t, tc.lang, []byte(tc.src))
			got := TopLevel(tree.RootNode())
			c := sitter.NewTreeCursor(tree.RootNode())
			defer c.Close()
			var want []Top
			for ok := c.GoToFirstChild(); ok; ok = c.GoToNextSibling() {
				n := c.CurrentNode()
				want = append(want, Top{Start: n.StartByte(), End: n.EndByte(), Error: n.HasError() || n.IsMissing()})
			}
			if len(got) != len(want) {
				t.Fatalf("%d nodes, want %d", len(got), len(want))
			}
			errs := 0
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("node %d: %+v, want %+v", i, got[i], want[i])
				}
				if got[i].Error {
					errs++
				}
			}
			if broken := strings.Contains(tc.name, "broken") || tc.name == "python"; broken != (errs > 0) {
				t.Errorf("%d nodes with errors in %q", errs, tc.name)
			}
		})
	}
}

// TestReleaseAfterFlatten: the owner's release runs once, right after the
// copy (the flat tree stays whole), or at done when nothing flattened the
// tree; a tree nobody registered is never released by Flatten.
func TestReleaseAfterFlatten(t *testing.T) {
	src := []byte("const fs = require('fs');\nfs.writeFileSync('/tmp/x', 'y');\n")
	lang := parse.Language(source.JavaScript)
	st, err := parse.Parse(context.Background(), source.JavaScript, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Flatten(st, lang, src, Options{}) // unregistered: st stays usable
	if err != nil {
		t.Fatal(err)
	}
	wantNodes := append([]Node(nil), want.Nodes...)
	want.Free()
	calls := 0
	done := ReleaseAfterFlatten(st, func() { calls++; st.Close() })
	got, err := Flatten(st, lang, src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Fatalf("release ran %d times after Flatten", calls)
	}
	if len(got.Nodes) != len(wantNodes) || got.Nodes[len(got.Nodes)-1] != wantNodes[len(wantNodes)-1] {
		t.Fatalf("the flat tree of a released tree differs: %d nodes, want %d", len(got.Nodes), len(wantNodes))
	}
	got.Free()
	done()
	if calls != 1 {
		t.Fatalf("release ran %d times in all", calls)
	}

	st2, _ := parse.Parse(context.Background(), source.JavaScript, src, nil)
	calls2 := 0
	ReleaseAfterFlatten(st2, func() { calls2++; st2.Close() })()
	if calls2 != 1 {
		t.Fatalf("done without a Flatten released %d times", calls2)
	}
}

// TestTableOutsideGoHeap: the node table of the C walk is not allocated on
// the Go heap (a Go slice is cleared in full and paced on by the GC), and
// Free releases it; a tree never freed is released by its cleanup.
func TestTableOutsideGoHeap(t *testing.T) {
	src := []byte(strings.Repeat("const a = f(b, { c: [1, 2, 3], d: \"e\" });\n", 5000))
	lang := parse.Language(source.JavaScript)
	st := mustParse(t, source.JavaScript, src)
	defer st.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	tr, err := Flatten(st, lang, src, Options{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if tr.mem == nil {
		t.Fatal("the C walk was not used")
	}
	table := uint64(len(tr.Nodes)) * uint64(unsafe.Sizeof(Node{}))
	if got := after.TotalAlloc - before.TotalAlloc; got > table/8 {
		t.Fatalf("Flatten allocated %d bytes on the Go heap for a table of %d bytes", got, table)
	}
	if len(tr.Nodes) < len(src)/10 || tr.Nodes[0].End != uint32(len(src)) {
		t.Fatalf("%d nodes, root ends at %d", len(tr.Nodes), tr.Nodes[0].End)
	}
	mem := tr.mem
	tr.Free()
	if tr.Nodes != nil || tr.mem != nil || mem.p != nil {
		t.Fatal("Free kept the table")
	}
	// A tree dropped without Free: its cleanup releases the table.
	released := make(chan *cTable, 1)
	releaseLost = func(m *cTable) {
		m.free()
		released <- m
	}
	defer func() { releaseLost = (*cTable).free }()
	lost, err := Flatten(st, lang, src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mem = lost.mem
	lost = nil
	for i := 0; i < 100; i++ {
		runtime.GC()
		select {
		case m := <-released:
			if m != mem || m.p != nil {
				t.Fatal("the cleanup released another table, or did not")
			}
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("a tree dropped without Free kept its table")
}
