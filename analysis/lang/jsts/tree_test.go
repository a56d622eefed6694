package jsts

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// TestNodeLayout guards the Go view of the C node records.
func TestNodeLayout(t *testing.T) {
	var n node
	if unsafe.Sizeof(n) != flatSize {
		t.Fatalf("node is %d bytes, C record %d", unsafe.Sizeof(n), flatSize)
	}
	got := [3]uintptr{unsafe.Offsetof(n.parent), unsafe.Offsetof(n.sym), unsafe.Offsetof(n.flags)}
	if got != flatOffsets() {
		t.Fatalf("field offsets %v, C %v", got, flatOffsets())
	}
}

// TestFlattenSlowMatches checks the binding-API fallback against the C walk.
func TestFlattenSlowMatches(t *testing.T) {
	paths, _ := filepath.Glob("testdata/*.[jt]s*")
	for _, p := range paths {
		lang := source.DetectLang(p)
		if lang == "" {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		st, err := parse.Parse(context.Background(), lang, src, nil)
		if err != nil {
			t.Fatal(err)
		}
		fast, err := flatten(st, parse.Language(lang), src)
		if err != nil {
			t.Fatal(err)
		}
		slow := flattenSlow(st.RootNode(), fast.g)
		if len(fast.nodes) != len(slow.nodes) {
			t.Fatalf("%s: %d nodes, slow %d", p, len(fast.nodes), len(slow.nodes))
		}
		for i := range fast.nodes {
			if fast.nodes[i] != slow.nodes[i] {
				t.Fatalf("%s node %d: %+v, slow %+v", p, i, fast.nodes[i], slow.nodes[i])
			}
		}
		fast.free()
	}
}
