package golang

import (
	"testing"

	"github.com/mcpriv/mcpriv/analysis/source"
)

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
