// Package display makes text that came from analysed code safe to show a
// person: a tool name, scope, file name or message may hold terminal
// escape sequences (ESC, CSI, OSC 8 links, a CR that returns to the start
// of the line and overwrites it), bidirectional overrides that reorder
// what a reviewer reads (Trojan Source), or line separators that start a
// new line in an editor. Escape writes each such character visibly, as
// Go source would ("\x1b", "\u202e"), so the reader sees that it is there
// and the terminal or editor does not act on it.
//
// Every human-readable output uses it: the CLI's text report, notes and
// progress, the language server's diagnostics, hover, code lens and
// messages, SARIF message texts. Machine-readable values (the JSON
// report's fields, SARIF properties, diagnostic data) keep the exact
// value: their format escapes what it must, and a consumer that shows them
// escapes them as well.
package display

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unsafe reports whether r must not reach a terminal or editor as is.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f: // C0 controls (TAB, LF, CR, ESC included) and DEL
		return true
	case r >= 0x80 && r <= 0x9f: // C1 controls (CSI is 0x9b)
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c: // bidi marks
		return true
	case r == 0x2028, r == 0x2029, r == 0x85: // line and paragraph separators
		return true
	case r == 0xfeff: // byte order mark, invisible inside text
		return true
	case r == 0x115f, r == 0x1160, r == 0x3164, r == 0xffa0: // Hangul fillers: letters that show nothing
		return true
	case r >= 0xad && unicode.Is(unicode.Cf, r):
		// Every other format character is invisible: a soft hyphen, zero
		// width spaces and joiners, word joiners, tag characters
		// (U+E0000…, text an editor hides): a tool name "run" could hide
		// inside "r\u200bun", or carry text nobody sees.
		return true
	}
	return false
}

// Escape returns s with every unsafe character, and every byte that is not
// valid UTF-8, written as an escape: "\x1b", "\u202e", "\xff" ("\n",
// "\r", "\t" for those three). A backslash is left as is: the escaping
// protects the reader's screen, it is not meant to be reversed.
func Escape(s string) string {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 || Unsafe(r) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && Unsafe(r):
			b.WriteString(`\x`)
			b.WriteString(hex2(byte(r)))
		case r > 0xffff && Unsafe(r):
			h := strconv.FormatInt(int64(r), 16)
			b.WriteString(`\U` + strings.Repeat("0", 8-len(h)) + h)
		case Unsafe(r):
			b.WriteString(`\u`)
			h := strconv.FormatInt(int64(r), 16)
			b.WriteString(strings.Repeat("0", 4-len(h)) + h)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}
