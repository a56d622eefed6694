package golang

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// TestFlattenPaths checks that the C walk is taken and yields the same tree
// as the cursor walk through the binding.
func TestFlattenPaths(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.go.txt")
	inputs := map[string][]byte{"empty": nil, "junk": []byte("}{)(\x00\xff func (")}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = b
	}
	for name, src := range inputs {
		tree, err := parse.Parse(context.Background(), source.Go, src, nil)
		if err != nil {
			t.Fatal(err)
		}
		root := tree.RootNode()
		fast, ok := flattenC(src, root, root.HasError())
		if !ok {
			t.Fatalf("%s: the C walk was refused (binding layout changed?)", name)
		}
		slow := flatten(src, root, root.HasError())
		if len(fast.nodes) != len(slow.nodes) {
			t.Fatalf("%s: %d nodes, cursor walk %d", name, len(fast.nodes), len(slow.nodes))
		}
		for i := range fast.nodes {
			a, b := fast.nodes[i], slow.nodes[i]
			if !a.named && !a.error {
				a.start, a.end = 0, 0 // the cursor walk skips token positions
			}
			if a != b {
				t.Fatalf("%s: node %d = %+v, cursor walk %+v", name, i, a, b)
			}
		}
	}
}

// TestPositions checks the ASCII fast path against source.Lines on every offset.
func TestPositions(t *testing.T) {
	for _, src := range []string{"", "a", "ab\ncd\n", "x\r\ny", "héllo\nwörld 𝄞 z\nascii\n", "\n\n\n", "日本\n"} {
		p := newPositions([]byte(src))
		l := source.NewLines([]byte(src))
		for off := -1; off <= len(src)+1; off++ {
			if got, want := p.pos(off), l.Pos(off); got != want {
				t.Errorf("%q offset %d: %+v, want %+v", src, off, got, want)
			}
		}
	}
}
