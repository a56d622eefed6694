package jsts

import (
	"math/rand"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/source"
)

// TestPosMapMatchesLines checks posMap against source.Lines on texts with
// multi-byte, astral and invalid UTF-8, CRLF, and lines longer than a checkpoint.
func TestPosMapMatchesLines(t *testing.T) {
	pieces := []string{"a", "é", "€", "😀", "\n", "\r\n", "\xff", "\xe2\x82", "x = 1;", "\t"}
	rng := rand.New(rand.NewSource(1))
	for iter := 0; iter < 200; iter++ {
		var b []byte
		n := rng.Intn(2000)
		for len(b) < n {
			p := pieces[rng.Intn(len(pieces))]
			if rng.Intn(10) == 0 {
				for j := 0; j < 300; j++ {
					b = append(b, 'z')
				}
			}
			b = append(b, p...)
		}
		want := source.NewLines(b)
		got := newPosMap(b)
		for off := -1; off <= len(b)+1; off++ {
			if w, g := want.Pos(off), got.pos(off); w != g {
				t.Fatalf("text %q offset %d: got %+v, want %+v", b, off, g, w)
			}
		}
	}
}
