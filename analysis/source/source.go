// Package source reads source files safely (size limits, binary detection)
// and maps byte offsets to lines and columns in the three units the
// front-ends need: bytes, Unicode code points (CLI, JSON, SARIF) and UTF-16
// code units (LSP).
package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"unicode/utf8"
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
	ErrTooLarge = errors.New("file is larger than the size limit")
	ErrBinary   = errors.New("file looks binary")
)

// ReadFile reads a source file, refusing files over maxSize bytes (0 means
// DefaultMaxSize) and files that look binary. Errors wrap ErrTooLarge or
// ErrBinary where that is the reason.
func ReadFile(path string, maxSize int64) ([]byte, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	// Stat before Open: opening a FIFO or a device would block or read forever.
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() { // replaced between Stat and Open
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	if st.Size() > maxSize {
		return nil, fmt.Errorf("%s: %w (%d > %d bytes)", path, ErrTooLarge, st.Size(), maxSize)
	}
	// Read through a limit: the file may grow between Stat and Read.
	data, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > maxSize {
		return nil, fmt.Errorf("%s: %w (> %d bytes)", path, ErrTooLarge, maxSize)
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

// NewLines indexes text. Lines end at "\n"; a "\r" before it belongs to the line ending.
func NewLines(text []byte) *Lines {
	starts := make([]int, 1, 64+len(text)/40)
	for i := 0; ; {
		j := bytes.IndexByte(text[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
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

// Edit returns the index of text, which is the indexed text with the bytes
// [start, oldEnd) replaced by text[start:newEnd]. Only the lines the edit
// touches are scanned; the others are copied and shifted, so a keystroke in
// a big file costs a copy of the line table, not a scan of the text. Any
// other text gets NewLines.
func (l *Lines) Edit(text []byte, start, oldEnd, newEnd int) *Lines {
	if start < 0 || start > oldEnd || oldEnd > len(l.text) || newEnd < start || newEnd > len(text) ||
		len(text)-newEnd != len(l.text)-oldEnd {
		return NewLines(text)
	}
	delta := newEnd - oldEnd
	// Old lines first..last hold the edit; the line after last is unchanged.
	first := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > start }) - 1
	last := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > oldEnd }) - 1
	from, tail := l.starts[first], len(text)
	if last+1 < len(l.starts) {
		tail = l.starts[last+1] + delta
	}
	out := &Lines{text: text}
	out.starts = make([]int, 0, len(l.starts)+bytes.Count(text[start:newEnd], []byte{'\n'}))
	out.starts = append(out.starts, l.starts[:first+1]...)
	for i := from; ; {
		j := bytes.IndexByte(text[i:], '\n')
		if j < 0 || i+j+1 >= tail && last+1 < len(l.starts) {
			break
		}
		i += j + 1
		out.starts = append(out.starts, i)
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
	if last+1 < len(l.starts) {
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

// LineStart returns the byte offset at which line begins (clamped).
func (l *Lines) LineStart(line int) int {
	if line < 0 {
		return 0
	}
	if line >= len(l.starts) {
		return len(l.text)
	}
	return l.starts[line]
}

// LineEnd returns the byte offset of the end of line's content (before "\r\n" or "\n").
func (l *Lines) LineEnd(line int) int {
	if line < 0 {
		return 0
	}
	if line+1 >= len(l.starts) {
		return len(l.text)
	}
	end := l.starts[line+1] - 1 // the '\n'
	if end > l.starts[line] && l.text[end-1] == '\r' {
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
		return 0
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
