package link

import (
	"math/rand/v2"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/rules"
)

// TestTaintMemosEqualPlain: on bundle-like programs whose questions reuse
// call sites and joined paths, the memoised references and joins are
// read (the memos fill and are hit), and every candidate's answer is the
// plain computation's (taintplain_test.go), which recomputes both.
func TestTaintMemosEqualPlain(t *testing.T) {
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	compared, tainted := taintComparison(t)
	for seed := range 6 {
		src := genBundle(rand.New(rand.NewPCG(uint64(seed), 29)), 120, 4)
		f, err := e.ExtractFull(t.Context(), "bundle.js", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		ix := newIndex(New(rs), "/bundle", []*facts.File{f}, nil)
		ix.build()
		ix.result()
		m := ix.paths.memo
		if len(m.refs) == 0 || len(m.prefixes) == 0 || len(m.extends) == 0 {
			t.Errorf("seed %d: memos unused (%d sites, %d prefixes, %d joins)", seed, len(m.refs), len(m.prefixes), len(m.extends))
		}
	}
	if *compared == 0 || *tainted == 0 {
		t.Fatalf("%d answers compared, %d tainted: the programs exercise nothing", *compared, *tainted)
	}
}

// TestArgRefsKeyOrder: the references of an object literal's properties
// come in key order, whatever the map's order, so the first source a
// candidate reports is the same in every run.
func TestArgRefsKeyOrder(t *testing.T) {
	a := facts.Arg{Props: map[string]facts.Arg{}}
	var want []int
	for i, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		a.Props[k] = facts.Arg{Refs: []facts.ParamRef{{Fn: 1, Param: i}}}
		want = append(want, i)
	}
	for range 20 {
		got := argRefs(&a, nil, 2)
		if len(got) != len(want) {
			t.Fatalf("%d references, want %d", len(got), len(want))
		}
		for i, r := range got {
			if r.Param != want[i] {
				t.Fatalf("references in order %v, want key order", got)
			}
		}
	}
}
