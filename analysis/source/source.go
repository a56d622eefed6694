// Package source reads source files safely (size limits, binary detection)
// and maps byte offsets to lines and columns in the three units the
// front-ends need: bytes, Unicode code points (CLI, JSON, SARIF) and UTF-16
// code units (LSP).
package source

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/mcpriv/mcpriv/analysis/safefile"
)

// Lang is a source language.
type Lang string

const (
	JavaScript Lang = "javascript" // .js .mjs .cjs .jsx
	TypeScript Lang = "typescript" // .ts .mts .cts
	TSX        Lang = "tsx"        // .tsx
	Python     Lang = "python"     // .py
	Go         Lang = "go"         // .go
)

// Family is the rule language a Lang belongs to: "js" (JavaScript and
// TypeScript), "python" or "go".
func (l Lang) Family() string {
	switch l {
	case JavaScript, TypeScript, TSX:
		return "js"
	case Python:
		return "python"
	case Go:
		return "go"
	}
	return ""
}

// Name is the language's name as people write it; TSX is TypeScript.
func (l Lang) Name() string {
	switch l {
	case JavaScript:
		return "JavaScript"
	case TypeScript, TSX:
		return "TypeScript"
	case Python:
		return "Python"
	case Go:
		return "Go"
	}
	return string(l)
}

// DetectLang returns the language of a file by its name, or "" if it is not analysed.
func DetectLang(path string) Lang {
	name := strings.ToLower(filepath.Base(path))
	if strings.HasSuffix(name, ".d.ts") || strings.HasSuffix(name, ".d.mts") || strings.HasSuffix(name, ".d.cts") {
		return "" // declarations only: no code runs
	}
	switch filepath.Ext(name) {
	case ".js", ".mjs", ".cjs", ".jsx":
		return JavaScript
	case ".ts", ".mts", ".cts":
		return TypeScript
	case ".tsx":
		return TSX
	case ".py":
		return Python
	case ".go":
		return Go
	}
	return ""
}

// DefaultMaxSize is the default limit on the size of an analysed file.
const DefaultMaxSize = 16 << 20

// Skip errors: the file is not analysed, and the reason is a notice, not a failure.
var (
	ErrTooLarge = safefile.ErrTooLarge
	ErrBinary   = errors.New("file looks binary")
)

// ReadFile reads a source file, refusing files over maxSize bytes (0 means
// DefaultMaxSize), anything but a regular file (through safefile.Read) and
// files that look binary. Errors wrap ErrTooLarge or ErrBinary where that
// is the reason.
func ReadFile(path string, maxSize int64) ([]byte, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	data, err := safefile.Read(path, maxSize)
	if err != nil {
		return nil, err
	}
	if err := CheckText(data); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

// CheckText returns ErrBinary if data is a binary file, not source with a
// few odd bytes: it starts with the magic number of a binary format
// (executables, archives, images), or more than one byte in
// 64 of the whole file is NUL (UTF-16 text counts as binary). A stray NUL or
// Latin-1 bytes in a comment are not binary: tree-sitter parses such a file,
// and it is analysed, so that one odd byte cannot hide a file. The decision
// reads the whole file, never just its head.
func CheckText(data []byte) error {
	for _, m := range binaryMagic {
		if bytes.HasPrefix(data, []byte(m)) {
			return ErrBinary
		}
	}
	if nul := bytes.Count(data, []byte{0}); nul > 0 && nul*64 > len(data) {
		return ErrBinary
	}
	return nil
}

// binaryMagic are the first bytes of binary formats found next to sources.
var binaryMagic = []string{
	"\x7fELF",                              // ELF executables and libraries
	"\xfe\xed\xfa\xce", "\xfe\xed\xfa\xcf", // Mach-O
	"\xce\xfa\xed\xfe", "\xcf\xfa\xed\xfe",
	"\xca\xfe\xba\xbe",                                      // Mach-O universal, Java class
	"\x00asm",                                               // WebAssembly
	"PK\x03\x04",                                            // zip, jar, wheel
	"\x1f\x8b",                                              // gzip
	"\x89PNG\r\n\x1a\n", "GIF87a", "GIF89a", "\xff\xd8\xff", // images
	"%PDF-",
	"\xfd7zXZ\x00", "7z\xbc\xaf\x27\x1c", "\x28\xb5\x2f\xfd", // xz, 7z, zstd
}

// Pos is a position in a file. All fields are 0-based.
type Pos struct {
	Offset int `json:"offset"` // byte offset
	Line   int `json:"line"`
	Col    int `json:"col"`   // in Unicode code points
	Col16  int `json:"col16"` // in UTF-16 code units (LSP)
}

// Span is a half-open range [Start, End).
type Span struct {
	Start Pos `json:"start"`
	End   Pos `json:"end"`
}

// Contains reports whether offset lies in s.
func (s Span) Contains(offset int) bool { return s.Start.Offset <= offset && offset < s.End.Offset }

// Lines maps byte offsets of one text to positions. It is immutable once built
// and safe for concurrent use.
type Lines struct {
	text   []byte
	starts []int // byte offset of each line start
	// ascii[i] says line i holds only ASCII bytes: there a column is the
	// byte distance from the line start, found in O(1).
	ascii []bool
	// marks are column checkpoints inside long non-ASCII lines (minified
	// bundles have megabyte lines), so Pos costs O(checkpointGap), not
	// O(line length); ascii says the bytes up to the next mark are ASCII.
	marks []mark
}

type mark struct {
	offset, col, col16 int
	ascii              bool
}

const (
	longLine      = 4096
	checkpointGap = 1024
)

// BOM is the UTF-8 byte-order mark. At the start of a text it is not part
// of line 0: editors do not show it and do not send it over the LSP.
const BOM = "\xef\xbb\xbf"

// NewLines indexes text. Lines end at "\n", "\r\n" or a lone "\r", the
// line breaks of the LSP (and of JavaScript and Python); U+2028 and U+2029
// are not (the LSP does not count them, nor do editors but VS Code, which
// asks to remove them). A byte-order mark at the start is skipped: column 0
// of line 0 is the character after it.
func NewLines(text []byte) *Lines {
	first := 0
	if bytes.HasPrefix(text, []byte(BOM)) {
		first = len(BOM)
	}
	starts := make([]int, 1, 64+len(text)/40)
	starts[0] = first
	br := newBreaker(text)
	for i := first; ; {
		k := br.next(i)
		if k < 0 {
			break
		}
		starts = append(starts, k)
		i = k
	}
	l := &Lines{text: text, starts: starts, ascii: make([]bool, len(starts))}
	for i, st := range starts {
		end := len(text)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		l.ascii[i] = isASCII(text[st:end])
		if !l.ascii[i] && end-st > longLine {
			l.markLine(st, end)
		}
	}
	return l
}

// breaker finds line breaks. It keeps the next '\n' and the next '\r' apart,
// each found with bytes.IndexByte: a text without '\r' (nearly all) costs
// one vectorised scan, not a byte-by-byte one.
type breaker struct {
	text   []byte
	nl, cr int // offset of the next '\n' / '\r' at or after the last query; len(text): none
}

func newBreaker(text []byte) breaker { return breaker{text: text, nl: -1, cr: -1} }

// next returns the offset just past the first line break at or after i, or -1.
func (b *breaker) next(i int) int {
	n := len(b.text)
	if b.nl < i {
		b.nl = n
		if j := bytes.IndexByte(b.text[i:], '\n'); j >= 0 {
			b.nl = i + j
		}
	}
	if b.cr < i {
		b.cr = n
		if j := bytes.IndexByte(b.text[i:], '\r'); j >= 0 {
			b.cr = i + j
		}
	}
	switch {
	case b.cr < b.nl:
		if b.cr+1 < n && b.text[b.cr+1] == '\n' {
			return b.cr + 2
		}
		return b.cr + 1
	case b.nl < n:
		return b.nl + 1
	}
	return -1
}

// Edit returns the index of text, which is the indexed text with the bytes
// [start, oldEnd) replaced by text[start:newEnd]. Only the lines the edit
// touches are scanned; the others are copied and shifted, so a keystroke in
// a big file costs a copy of the line table, not a scan of the text. Any
// other text gets NewLines.
func (l *Lines) Edit(text []byte, start, oldEnd, newEnd int) *Lines {
	if start < len(BOM) || start > oldEnd || oldEnd > len(l.text) || newEnd < start || newEnd > len(text) ||
		len(text)-newEnd != len(l.text)-oldEnd {
		return NewLines(text) // also an edit that may make or break a byte-order mark
	}
	delta := newEnd - oldEnd
	// Old lines first..last hold the edit; the line after last is unchanged.
	// first holds the byte before the edit too: a "\r" there and a "\n"
	// inserted after it make one line break.
	first := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > max(start-1, l.starts[0]) }) - 1
	last := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > oldEnd }) - 1
	from, tail := l.starts[first], len(text)
	hasTail := last+1 < len(l.starts)
	if hasTail {
		// The old line break before the tail ends at or after oldEnd, so it is
		// unchanged and still a line break: the scan below stops exactly there.
		tail = l.starts[last+1] + delta
	}
	out := &Lines{text: text}
	out.starts = make([]int, 0, len(l.starts)+bytes.Count(text[start:newEnd], []byte{'\n'}))
	out.starts = append(out.starts, l.starts[:first+1]...)
	br := newBreaker(text)
	for i := from; ; {
		k := br.next(i)
		if k < 0 || hasTail && k >= tail {
			break
		}
		out.starts = append(out.starts, k)
		i = k
	}
	mid := len(out.starts)
	for _, st := range l.starts[last+1:] {
		out.starts = append(out.starts, st+delta)
	}
	out.ascii = make([]bool, len(out.starts))
	copy(out.ascii, l.ascii[:first])
	copy(out.ascii[mid:], l.ascii[last+1:])
	k := 0
	for k < len(l.marks) && l.marks[k].offset < from {
		k++
	}
	out.marks = append(out.marks, l.marks[:k]...)
	for i := first; i < mid; i++ {
		st, end := out.starts[i], len(text)
		if i+1 < len(out.starts) {
			end = out.starts[i+1]
		}
		out.ascii[i] = isASCII(text[st:end])
		if !out.ascii[i] && end-st > longLine {
			out.markLine(st, end)
		}
	}
	if hasTail {
		oldTail := l.starts[last+1]
		for ; k < len(l.marks); k++ {
			if m := l.marks[k]; m.offset >= oldTail {
				m.offset += delta
				out.marks = append(out.marks, m)
			}
		}
	}
	return out
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func (l *Lines) markLine(start, end int) {
	col, col16, next := 0, 0, start+checkpointGap
	for i := start; i < end; {
		if i >= next {
			seg := min(i+checkpointGap, end)
			l.marks = append(l.marks, mark{i, col, col16, isASCII(l.text[i:seg])})
			next = i + checkpointGap
		}
		c := l.text[i]
		if c < utf8.RuneSelf {
			col++
			col16++
			i++
			continue
		}
		r, n := utf8.DecodeRune(l.text[i:end])
		col++
		if r >= 0x10000 {
			col16 += 2
		} else {
			col16++
		}
		i += n
	}
}

// Count returns the number of lines.
func (l *Lines) Count() int { return len(l.starts) }

// LineStart returns the byte offset at which line begins (clamped); line 0
// begins after a byte-order mark.
func (l *Lines) LineStart(line int) int {
	if line < 0 {
		return l.starts[0]
	}
	if line >= len(l.starts) {
		return len(l.text)
	}
	return l.starts[line]
}

// LineEnd returns the byte offset of the end of line's content (before
// its "\n", "\r\n" or "\r").
func (l *Lines) LineEnd(line int) int {
	if line < 0 {
		return l.starts[0]
	}
	if line+1 >= len(l.starts) {
		return len(l.text)
	}
	end := l.starts[line+1] - 1 // the '\n' or the lone '\r'
	if l.text[end] == '\n' && end > l.starts[line] && l.text[end-1] == '\r' {
		end--
	}
	return end
}

// LineText returns the content of line without its line ending.
func (l *Lines) LineText(line int) []byte {
	if line < 0 || line >= len(l.starts) {
		return nil
	}
	return l.text[l.starts[line]:l.LineEnd(line)]
}

// Pos returns the position of a byte offset, clamped to the text. An offset
// inside a multi-byte character counts as that character's start.
func (l *Lines) Pos(offset int) Pos {
	if offset < 0 {
		offset = 0
	}
	if offset > len(l.text) {
		offset = len(l.text)
	}
	line := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > offset }) - 1
	if line < 0 { // inside the byte-order mark
		return Pos{Offset: offset}
	}
	start := l.starts[line]
	if l.ascii[line] {
		c := offset - start
		return Pos{Offset: offset, Line: line, Col: c, Col16: c}
	}
	col, col16 := 0, 0
	if len(l.marks) > 0 && offset-start > checkpointGap {
		k := sort.Search(len(l.marks), func(i int) bool { return l.marks[i].offset > offset }) - 1
		if k >= 0 && l.marks[k].offset > start {
			m := l.marks[k]
			if m.ascii { // the checkpoint's segment is ASCII up to offset
				c := offset - m.offset
				return Pos{Offset: offset, Line: line, Col: m.col + c, Col16: m.col16 + c}
			}
			start, col, col16 = m.offset, m.col, m.col16
		}
	}
	for i := start; i < offset; {
		r, n := utf8.DecodeRune(l.text[i:])
		if i+n > offset {
			break
		}
		col++
		if r >= 0x10000 {
			col16 += 2
		} else {
			col16++
		}
		i += n
	}
	return Pos{Offset: offset, Line: line, Col: col, Col16: col16}
}

// Span returns the span of the byte range [start, end).
func (l *Lines) Span(start, end int) Span { return Span{Start: l.Pos(start), End: l.Pos(end)} }

// OffsetUTF16 returns the byte offset of a (line, UTF-16 column) position,
// as the LSP sends them. A line past the end gives the end of the text; a
// column past the end of the line gives the end of the line; a column inside
// a surrogate pair gives the start of that character.
func (l *Lines) OffsetUTF16(line, col16 int) int {
	if line < 0 {
		return l.starts[0]
	}
	if line >= len(l.starts) {
		return len(l.text)
	}
	i, end := l.starts[line], l.LineEnd(line)
	for c := 0; i < end; {
		r, n := utf8.DecodeRune(l.text[i:end])
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if c+w > col16 {
			break
		}
		c += w
		i += n
	}
	return i
}
