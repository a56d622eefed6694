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

// naive computes a position by scanning from the start of the text.
func naive(text []byte, off int) Pos {
	p := Pos{Offset: off}
	for i := 0; i < off; {
		if text[i] == '\n' {
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
	pieces := []string{"a", "é", "e\u0301", "日", "😀", "\r\n", "\n", "\t", " ", "\xff"}
	rng := rand.New(rand.NewSource(1))
	for iter := 0; iter < 300; iter++ {
		var b strings.Builder
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
		"héllo\n日本語\n" + long + "\nafter\n" + long,
		strings.Repeat("const x = 1;\n", 200),
	}
	pieces := []string{"", "x", "\n", "\r\n", "é", "🙂", "\n\n", "ab\ncd", long[:40]}
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
