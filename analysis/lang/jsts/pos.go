package jsts

import (
	"bytes"
	"sort"
	"unicode/utf8"

	"github.com/mcpriv/mcpriv/analysis/source"
)

// posMap computes the same positions as source.Lines in O(log n + 256)
// per offset. source.Lines scans from the start of the line, which is
// quadratic on minified bundles whose code is one multi-megabyte line.
type posMap struct {
	src    []byte
	starts []int // line start offsets
	// Checkpoints every ckStep bytes: the runes (and UTF-16 units) that end
	// at or before the checkpoint, and the offset where the next one starts.
	ckRunes, ckUnits, ckNext []int
	ckASCII                  []bool // the chunk after the checkpoint is ASCII
}

const ckStep = 128

func newPosMap(src []byte) *posMap {
	m := &posMap{src: src, starts: []int{0}}
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		m.starts = append(m.starts, i)
	}
	runes, units := 0, 0
	next := 0 // start of the first rune not yet counted
	for k := 0; k*ckStep <= len(src); k++ {
		at := k * ckStep
		for next < len(src) {
			r, n := utf8.DecodeRune(src[next:])
			if next+n > at {
				break
			}
			runes++
			units += width16(r)
			next += n
		}
		m.ckRunes = append(m.ckRunes, runes)
		m.ckUnits = append(m.ckUnits, units)
		m.ckNext = append(m.ckNext, next)
		end := min(at+ckStep, len(src))
		ascii := true
		for _, c := range src[min(at, end):end] {
			if c >= 0x80 {
				ascii = false
				break
			}
		}
		m.ckASCII = append(m.ckASCII, ascii)
	}
	return m
}

func width16(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// cum returns the runes and UTF-16 units complete before offset x.
func (m *posMap) cum(x int) (int, int) {
	k := x / ckStep
	if k >= len(m.ckNext) {
		k = len(m.ckNext) - 1
	}
	runes, units, i := m.ckRunes[k], m.ckUnits[k], m.ckNext[k]
	if m.ckASCII[k] && i == k*ckStep && x >= i {
		return runes + x - i, units + x - i
	}
	for i < x {
		r, n := utf8.DecodeRune(m.src[i:])
		if i+n > x {
			break
		}
		runes++
		units += width16(r)
		i += n
	}
	return runes, units
}

func (m *posMap) pos(offset int) source.Pos {
	if offset < 0 {
		offset = 0
	}
	if offset > len(m.src) {
		offset = len(m.src)
	}
	line := sort.Search(len(m.starts), func(i int) bool { return m.starts[i] > offset }) - 1
	r1, u1 := m.cum(offset)
	r0, u0 := m.cum(m.starts[line])
	return source.Pos{Offset: offset, Line: line, Col: r1 - r0, Col16: u1 - u0}
}

func (m *posMap) span(start, end int) source.Span {
	return source.Span{Start: m.pos(start), End: m.pos(end)}
}
