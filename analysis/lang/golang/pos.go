package golang

import (
	"sort"

	"github.com/mcpriv/mcpriv/analysis/source"
)

// positions maps offsets to source positions like source.Lines, with a fast
// path: on a line of ASCII text the column is the byte distance from the
// line start. Lines.Pos counts characters from the line start on every
// call, which is quadratic on long lines (minified or generated code holds
// thousands of spans on one line).
type positions struct {
	lines  *source.Lines
	starts []int  // byte offset of each line start
	ascii  []bool // the line holds only ASCII bytes
	size   int
}

func newPositions(src []byte) *positions {
	p := &positions{lines: source.NewLines(src), size: len(src)}
	p.starts = make([]int, 0, p.lines.Count())
	p.ascii = make([]bool, 0, p.lines.Count())
	start, ascii := 0, true
	for i, b := range src {
		if b >= 0x80 {
			ascii = false
		}
		if b == '\n' {
			p.starts = append(p.starts, start)
			p.ascii = append(p.ascii, ascii)
			start, ascii = i+1, true
		}
	}
	p.starts = append(p.starts, start)
	p.ascii = append(p.ascii, ascii)
	return p
}

func (p *positions) pos(off int) source.Pos {
	if off < 0 {
		off = 0
	}
	if off > p.size {
		off = p.size
	}
	line := sort.Search(len(p.starts), func(i int) bool { return p.starts[i] > off }) - 1
	if line < 0 || !p.ascii[line] {
		return p.lines.Pos(off)
	}
	col := off - p.starts[line]
	return source.Pos{Offset: off, Line: line, Col: col, Col16: col}
}

func (p *positions) span(start, end int) source.Span {
	return source.Span{Start: p.pos(start), End: p.pos(end)}
}

// LineStart and LineEnd delegate to source.Lines.
func (p *positions) LineStart(line int) int { return p.lines.LineStart(line) }
func (p *positions) LineEnd(line int) int   { return p.lines.LineEnd(line) }
