package link

import (
	"math/rand/v2"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/rules"
)

// BenchmarkTaintBundle links a generated bundle-like program (genBundle:
// 1,500 functions calling each other with fields of their parameters, a
// few tools passing their input to some of them): access paths multiply
// the taint questions along chains of callers, which is what made real
// 1–5 MB bundles take seconds and a gigabyte. It reports the questions
// asked per link beside the allocations.
func BenchmarkTaintBundle(b *testing.B) {
	e, err := newTestEngine()
	if err != nil {
		b.Fatal(err)
	}
	src := genBundle(rand.New(rand.NewPCG(7, 13)), 1500, 24)
	f, err := e.ExtractFull(b.Context(), "bundle.js", []byte(src))
	if err != nil {
		b.Fatal(err)
	}
	rs, err := rules.Default()
	if err != nil {
		b.Fatal(err)
	}
	files := []*facts.File{f}
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	var asked int32
	for b.Loop() {
		ix := newIndex(New(rs), "/bundle", files, nil)
		ix.build()
		ix.result()
		asked = ix.taintNext
	}
	b.ReportMetric(float64(asked), "questions/op")
}
