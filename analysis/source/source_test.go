package source

import (
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestDetectLang(t *testing.T) {
	for _, tc := range []struct {
		name string
		want Lang
	}{
		{"a.js", JavaScript}, {"a.MJS", JavaScript}, {"a.cjs", JavaScript}, {"a.jsx", JavaScript},
		{"a.ts", TypeScript}, {"a.mts", TypeScript}, {"a.cts", TypeScript}, {"a.tsx", TSX},
		{"a.d.ts", ""}, {"types.d.mts", ""}, {"a.py", Python}, {"main.go", Go},
		{"README.md", ""}, {"Makefile", ""}, {"a.json", ""},
	} {
		if got := DetectLang(tc.name); got != tc.want {
			t.Errorf("DetectLang(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
	if JavaScript.Family() != "js" || TSX.Family() != "js" || Python.Family() != "python" || Go.Family() != "go" || Lang("x").Family() != "" {
		t.Error("Family mapping is wrong")
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ok := write("ok.js", []byte("const x = 'é';\n"))
	if data, err := ReadFile(ok, 100); err != nil || string(data) != "const x = 'é';\n" {
		t.Errorf("ReadFile(ok) = %q, %v", data, err)
	}
	big := write("big.js", []byte(strings.Repeat("x", 101)))
	if _, err := ReadFile(big, 100); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ReadFile(big) error = %v, want ErrTooLarge", err)
	}
	bin := write("bin.js", []byte("\x7fELF\x00\x01"))
	if _, err := ReadFile(bin, 100); !errors.Is(err, ErrBinary) {
		t.Errorf("ReadFile(bin) error = %v, want ErrBinary", err)
	}
	fifo := filepath.Join(dir, "pipe.js")
	if err := syscall.Mkfifo(fifo, 0o644); err == nil {
		if _, err := ReadFile(fifo, 100); err == nil {
			t.Error("ReadFile(fifo) gave no error")
		}
	}
	if _, err := ReadFile(dir, 100); err == nil {
		t.Error("ReadFile(directory) gave no error")
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.js"), 100); err == nil {
		t.Error("ReadFile(missing) gave no error")
	}
}

// TestCheckText: only real binaries are binary; source with a stray NUL or
// a Latin-1 comment is text, wherever the odd bytes are (the whole file is
// read, not its head).
func TestCheckText(t *testing.T) {
	code := strings.Repeat("import os\nos.system(x)\n", 50)
	for _, tc := range []struct {
		name   string
		data   string
		binary bool
	}{
		{"ascii", "plain ascii", false},
		{"utf-8", "日本語のテキスト 😀", false},
		{"empty", "", false},
		{"NUL in a comment", "# a\x00b\n" + code, false},
		{"Latin-1 comment", "# " + strings.Repeat("\xe9", 1000) + "\n" + code, false},
		{"mostly invalid UTF-8", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4", false},
		{"ELF", "\x7fELF\x02\x01\x01" + code, true},
		{"zip", "PK\x03\x04" + code, true},
		{"wasm", "\x00asm\x01\x00\x00\x00", true},
		{"NULs after 8 KiB", strings.Repeat("x", 9000) + strings.Repeat("\x00", 200), true},
		{"UTF-16", "i\x00m\x00p\x00o\x00r\x00t\x00", true},
	} {
		err := CheckText([]byte(tc.data))
		if got := errors.Is(err, ErrBinary); got != tc.binary {
			t.Errorf("%s: CheckText = %v, want binary %v", tc.name, err, tc.binary)
		}
	}
}

// naive computes a position by scanning from the start of the text, as
// the LSP counts: "\n", "\r\n" and "\r" end a line, a byte-order mark is
// not a column.
func naive(text []byte, off int) Pos {
	p := Pos{Offset: off}
	i := 0
	if strings.HasPrefix(string(text), BOM) {
		i = len(BOM)
	}
	for i < off {
		if text[i] == '\n' || text[i] == '\r' {
			if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				if i+1 == off { // between "\r" and "\n": still on this line
					p.Col++
					p.Col16++
					break
				}
				i++
			}
			p.Line++
			p.Col, p.Col16 = 0, 0
			i++
			continue
		}
		r, n := utf8.DecodeRune(text[i:])
		if i+n > off {
			break
		}
		p.Col++
		p.Col16 += len(utf16.Encode([]rune{r}))
		i += n
	}
	return p
}

func TestPos(t *testing.T) {
	text := []byte("a😀b\r\n日本\ne\u0301x\n\n")
	l := NewLines(text)
	if l.Count() != 5 {
		t.Fatalf("Count = %d, want 5", l.Count())
	}
	for _, tc := range []struct {
		off  int
		want Pos
	}{
		{0, Pos{0, 0, 0, 0}},
		{1, Pos{1, 0, 1, 1}},   // before the emoji
		{5, Pos{5, 0, 2, 3}},   // after the emoji: 1 code point, 2 UTF-16 units
		{3, Pos{3, 0, 1, 1}},   // inside the emoji: its start
		{6, Pos{6, 0, 3, 4}},   // the \r
		{8, Pos{8, 1, 0, 0}},   // 日
		{11, Pos{11, 1, 1, 1}}, // 本
		{15, Pos{15, 2, 0, 0}}, // e
		{16, Pos{16, 2, 1, 1}}, // combining acute: its own code point
		{18, Pos{18, 2, 2, 2}}, // x
		{-5, Pos{0, 0, 0, 0}},
		{1000, Pos{len(text), 4, 0, 0}},
	} {
		if got := l.Pos(tc.off); got != tc.want {
			t.Errorf("Pos(%d) = %+v, want %+v", tc.off, got, tc.want)
		}
	}
	if got := string(l.LineText(0)); got != "a😀b" {
		t.Errorf("LineText(0) = %q (CRLF must not be part of the line)", got)
	}
	if got := string(l.LineText(1)); got != "日本" {
		t.Errorf("LineText(1) = %q", got)
	}
	if l.LineText(9) != nil {
		t.Error("LineText past the end is not nil")
	}
}

func TestOffsetUTF16(t *testing.T) {
	text := []byte("a😀b\r\n日本\nlast")
	l := NewLines(text)
	for _, tc := range []struct {
		line, col, want int
	}{
		{0, 0, 0},
		{0, 1, 1},
		{0, 2, 1}, // inside the surrogate pair: the emoji's start
		{0, 3, 5},
		{0, 4, 6},  // end of line, before \r\n
		{0, 99, 6}, // past the end of the line: end of its content
		{1, 1, 11},
		{2, 4, len(text)},
		{2, 9, len(text)},
		{7, 0, len(text)}, // past the last line
		{-1, 3, 0},
	} {
		if got := l.OffsetUTF16(tc.line, tc.col); got != tc.want {
			t.Errorf("OffsetUTF16(%d, %d) = %d, want %d", tc.line, tc.col, got, tc.want)
		}
	}
}

// TestRoundTrip checks Pos against a naive scan and OffsetUTF16 as its
// inverse on random texts of awkward characters.
func TestRoundTrip(t *testing.T) {
	pieces := []string{"a", "é", "e\u0301", "日", "😀", "\r\n", "\n", "\r", "\t", " ", "\xff", "\u2028", "\u0085"}
	rng := rand.New(rand.NewSource(1))
	for iter := 0; iter < 600; iter++ {
		var b strings.Builder
		if iter%3 == 0 {
			b.WriteString(BOM)
		}
		for k := rng.Intn(40); k >= 0; k-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		text := []byte(b.String())
		l := NewLines(text)
		for off := 0; off <= len(text); off++ {
			want := naive(text, off)
			got := l.Pos(off)
			if got.Line != want.Line || got.Col != want.Col || got.Col16 != want.Col16 {
				t.Fatalf("%q: Pos(%d) = %+v, want %+v", text, off, got, want)
			}
			if !utf8.RuneStart(text[min(off, len(text)-1)]) || off == len(text) {
				continue
			}
			if off < 3 && strings.HasPrefix(string(text), BOM) {
				continue
			}
			if back := l.OffsetUTF16(got.Line, got.Col16); back != off && !(text[off] == '\r' || text[off] == '\n') {
				t.Fatalf("%q: OffsetUTF16(Pos(%d)) = %d", text, off, back)
			}
		}
	}
}

// TestLongLines checks the checkpoints of long (minified) lines against a
// naive scan.
func TestLongLines(t *testing.T) {
	var b strings.Builder
	b.WriteString("short\n")
	for i := 0; i < 3000; i++ {
		b.WriteString([]string{"a", "é", "😀", "日", "x=1;"}[i%5])
	}
	b.WriteString("\n")
	for i := 0; i < 2000; i++ {
		b.WriteString("ab😀")
	}
	// ASCII stretches around one emoji: checkpoints with ASCII segments.
	b.WriteString("\n" + strings.Repeat("a", 5000) + "😀" + strings.Repeat("b", 5000) + "\né")
	text := []byte(b.String())
	l := NewLines(text)
	if len(l.marks) == 0 {
		t.Fatal("no checkpoints on long lines")
	}
	for off := 0; off <= len(text); off += 3 {
		want := naive(text, off)
		if got := l.Pos(off); got.Line != want.Line || got.Col != want.Col || got.Col16 != want.Col16 {
			t.Fatalf("Pos(%d) = %+v, want %+v", off, got, want)
		}
	}
}

func BenchmarkPosLongLine(b *testing.B) {
	text := []byte(strings.Repeat("var a=1;", 1<<20)) // one 8 MB line
	l := NewLines(text)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Pos((i * 7919) % len(text))
	}
}

// TestLinesEdit checks Lines.Edit against NewLines over random edits of
// texts with CRLF, non-ASCII and long non-ASCII lines (column marks), and
// edits at the ends, across lines, and of the whole text.
func TestLinesEdit(t *testing.T) {
	long := strings.Repeat("é🙂x", 3000) // a long non-ASCII line: marks
	texts := []string{
		"",
		"a",
		"one\ntwo\nthree\n",
		"crlf\r\nline\r\n\r\nend",
		"cr\ronly\r\rend\r",
		"mixed\r\n\r\n\r\rx\n\r",
		BOM + "bom\nhé\r\n",
		"héllo\n日本語\n" + long + "\nafter\n" + long,
		strings.Repeat("const x = 1;\n", 200),
	}
	pieces := []string{"", "x", "\n", "\r\n", "\r", "\r\r", "é", "🙂", "\n\n", "ab\ncd", "a\rb", long[:40]}
	rng := rand.New(rand.NewSource(1))
	for _, text := range texts {
		b := []byte(text)
		l := NewLines(b)
		for i := 0; i < 400; i++ {
			start := rng.Intn(len(b) + 1)
			end := start + rng.Intn(min(len(b)-start, 12)+1)
			if i%50 == 49 {
				start, end = 0, len(b) // the whole text
			}
			ins := pieces[rng.Intn(len(pieces))]
			next := append(append(append([]byte{}, b[:start]...), ins...), b[end:]...)
			got, want := l.Edit(next, start, end, start+len(ins)), NewLines(next)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("edit %d of %q: [%d,%d) ← %q: index differs\ngot  %v %v %d marks\nwant %v %v %d marks",
					i, trim(text), start, end, ins, trimInts(got.starts), trimBools(got.ascii), len(got.marks), trimInts(want.starts), trimBools(want.ascii), len(want.marks))
			}
			b, l = next, got
			if i%25 == 24 || len(b) > 60000 {
				b = []byte(text)
				l = NewLines(b)
			}
		}
	}
	// An edit that does not fit the text gets a fresh index.
	l := NewLines([]byte("abc\n"))
	if got := l.Edit([]byte("xy"), 0, 9, 2); !reflect.DeepEqual(got, NewLines([]byte("xy"))) {
		t.Error("an inconsistent edit was not reindexed")
	}
}

func trim(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func trimInts(v []int) []int {
	if len(v) > 20 {
		return v[:20]
	}
	return v
}

func trimBools(v []bool) []bool {
	if len(v) > 20 {
		return v[:20]
	}
	return v
}

// TestLineBreaks: the attack of issue 14 item 13. A lone "\r" ends a line
// for the LSP, JavaScript and Python; counting only "\n" put everything after
// it one line off, in the CLI and in the editor.
func TestLineBreaks(t *testing.T) {
	text := []byte("const a = 1;\rexec(\"é😀\");\r\n\u2028x\n")
	l := NewLines(text)
	if l.Count() != 4 {
		t.Fatalf("Count = %d, want 4 (\\r, \\r\\n and \\n end lines; U+2028 does not)", l.Count())
	}
	exec := strings.Index(string(text), "exec")
	if p := l.Pos(exec); p.Line != 1 || p.Col != 0 {
		t.Errorf("exec at %+v, want line 1 col 0", p)
	}
	end := strings.Index(string(text), "\");")
	if p := l.Pos(end); p.Line != 1 || p.Col != 8 || p.Col16 != 9 {
		t.Errorf("after the emoji: %+v, want line 1, col 8, UTF-16 col 9", p)
	}
	x := strings.Index(string(text), "x\n")
	if p := l.Pos(x); p.Line != 2 || p.Col != 1 || p.Col16 != 1 {
		t.Errorf("x after U+2028: %+v, want line 2 col 1", p)
	}
	if got := string(l.LineText(0)); got != "const a = 1;" {
		t.Errorf("LineText(0) = %q", got)
	}
	if got := string(l.LineText(1)); got != "exec(\"é😀\");" {
		t.Errorf("LineText(1) = %q", got)
	}
	if got := l.OffsetUTF16(1, 9); got != end {
		t.Errorf("OffsetUTF16(1, 9) = %d, want %d", got, end)
	}
}

// TestBOM: a byte-order mark is not a column of line 1 (it showed as 1:2 in
// the CLI and SARIF, and one column off in the editor for unopened files).
func TestBOM(t *testing.T) {
	text := []byte(BOM + "日x\r\nb")
	l := NewLines(text)
	if p := l.Pos(len(BOM)); p.Line != 0 || p.Col != 0 || p.Col16 != 0 {
		t.Errorf("first character: %+v, want 0:0", p)
	}
	if p := l.Pos(len(BOM) + 3); p.Col != 1 || p.Col16 != 1 {
		t.Errorf("x: %+v, want col 1", p)
	}
	if p := l.Pos(1); p.Line != 0 || p.Col != 0 {
		t.Errorf("inside the mark: %+v", p)
	}
	if got := l.OffsetUTF16(0, 0); got != len(BOM) {
		t.Errorf("OffsetUTF16(0, 0) = %d, want %d", got, len(BOM))
	}
	if got := string(l.LineText(0)); got != "日x" {
		t.Errorf("LineText(0) = %q", got)
	}
	// An edit at the start that removes the mark reindexes.
	next := []byte("日x\r\nb")
	if got := l.Edit(next, 0, len(BOM), 0); !reflect.DeepEqual(got, NewLines(next)) {
		t.Error("an edit removing the mark gave a different index")
	}
}

// FuzzLines checks Pos against the naive LSP count, OffsetUTF16 as its
// inverse, and Edit against NewLines, on any text and edit.
func FuzzLines(f *testing.F) {
	for _, s := range []string{"", "a\r\nb", "a\rb\nc", BOM + "é\r😀\n", "\r\r\n\n\r", "x\u2028y\u0085z"} {
		f.Add([]byte(s), uint16(1), uint16(2), "\r\n")
	}
	f.Fuzz(func(t *testing.T, text []byte, at, n uint16, ins string) {
		if len(text) > 1<<12 {
			return
		}
		l := NewLines(text)
		all := naiveAll(text)
		for off := 0; off <= len(text); off++ {
			want, got := all[off], l.Pos(off)
			if got.Line != want.Line || got.Col != want.Col || got.Col16 != want.Col16 {
				t.Fatalf("%q: Pos(%d) = %+v, want %+v", text, off, got, want)
			}
		}
		for line := 0; line < l.Count(); line++ {
			if s, e := l.LineStart(line), l.LineEnd(line); s > e || e > len(text) {
				t.Fatalf("%q: line %d is [%d, %d)", text, line, s, e)
			}
		}
		start := int(at) % (len(text) + 1)
		end := start + int(n)%(len(text)-start+1)
		next := append(append(append([]byte{}, text[:start]...), ins...), text[end:]...)
		if got, want := l.Edit(next, start, end, start+len(ins)), NewLines(next); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: [%d,%d) ← %q: Edit %v, NewLines %v", text, start, end, ins, got.starts, want.starts)
		}
	})
}

// naiveAll is naive for every offset of text in one pass (the fuzz target
// must stay linear in the text's length).
func naiveAll(text []byte) []Pos {
	out := make([]Pos, len(text)+1)
	p, i := Pos{}, 0
	if strings.HasPrefix(string(text), BOM) {
		for ; i < len(BOM); i++ {
			out[i] = Pos{Offset: i}
		}
	}
	at := func(off int) Pos { q := p; q.Offset = off; return q }
	for i < len(text) {
		if c := text[i]; c == '\n' || c == '\r' {
			out[i] = at(i)
			i++
			if c == '\r' && i < len(text) && text[i] == '\n' {
				out[i] = Pos{Offset: i, Line: p.Line, Col: p.Col + 1, Col16: p.Col16 + 1}
				i++
			}
			p = Pos{Line: p.Line + 1}
			continue
		}
		r, n := utf8.DecodeRune(text[i:])
		for k := 0; k < n; k++ {
			out[i+k] = at(i + k)
		}
		p.Col++
		p.Col16 += len(utf16.Encode([]rune{r}))
		i += n
	}
	out[len(text)] = at(len(text))
	return out
}

// TestNaiveAll keeps the fuzz target's one-pass oracle equal to naive.
func TestNaiveAll(t *testing.T) {
	for _, s := range []string{"", "a\r\nb", "a\rb\nc", BOM + "é\r😀\n", "\r\r\n\n\r", "x\u2028y\u0085z\xff\xfe", BOM} {
		all := naiveAll([]byte(s))
		for off := 0; off <= len(s); off++ {
			if got, want := all[off], naive([]byte(s), off); got != want {
				t.Errorf("%q at %d: %+v, want %+v", s, off, got, want)
			}
		}
	}
}
