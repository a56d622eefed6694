package rules

import (
	"bytes"
	"strings"
)

// Words returns the identifier tokens of a family's pre-filter.
//
// Guarantee: split a file's text into maximal runs of [A-Za-z0-9_$], as
// written and with the numeric escapes of string literals decoded (see
// MentionsAny, which implements exactly this split). If none of those tokens
// is in Words(family), no Call the extractors can emit for that file
// matches a rule of the family. This holds because every rule
// key's module is named in the file: an imported module's specifier holds
// every identifier token of the module name, and one of them is kept (see
// wordOf; for Python one of the first dotted component, which every import
// form spells out); for the JS global object ("globalThis") and Python
// "builtins" the word is the first member segment, the global name the code
// writes (fetch, process, open). The loader rejects rules that would break
// this. The map is shared: do not modify it.
func (s *Set) Words(family string) map[string]bool {
	if s == nil {
		return nil
	}
	if f := s.fams[family]; f != nil {
		return f.words
	}
	return nil
}

func addWords(words map[string]bool, r *Rule, mod string) {
	if mod == "globalThis" || mod == "builtins" {
		for _, p := range append(append([]string(nil), r.Calls...), r.Access...) {
			if w := firstToken(p); w != "" {
				words[w] = true
			}
		}
		return
	}
	if w := wordOf(r.Language, mod); w != "" {
		words[w] = true
	}
}

// wordOf returns the pre-filter word of an imported module: every
// identifier token of the module name is in the import, so any one will do;
// the longest outside glob segments and common path words ("github", "com")
// is the most selective. For Python only the first dotted component counts:
// every import form spells it out.
func wordOf(lang, mod string) string {
	if lang == "python" {
		if i := strings.IndexByte(mod, '.'); i >= 0 {
			mod = mod[:i]
		}
	}
	best, fallback := "", ""
	for _, t := range tokens(mod) {
		if strings.Contains(t, "*") {
			continue
		}
		if len(t) > len(fallback) {
			fallback = t
		}
		if !commonPathWords[t] && len(t) > len(best) {
			best = t
		}
	}
	if best == "" {
		return fallback
	}
	return best
}

// commonPathWords occur in most import paths of a language, so they select
// nothing.
var commonPathWords = map[string]bool{
	"com": true, "org": true, "net": true, "io": true, "dev": true, "in": true,
	"github": true, "gitlab": true, "golang": true, "gopkg": true, "go": true, "x": true,
	"js": true, "mjs": true, "cjs": true, "lib": true, "dist": true, "src": true, "pkg": true,
	"sdk": true, "client": true, "server": true, "promise": true,
}

// tokens splits s into maximal identifier runs; a run touching "*" is kept
// with its "*" so callers can drop it.
func tokens(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && (isWordByte(s[i]) || s[i] == '*') {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	return out
}

func firstToken(p string) string {
	for i := 0; i < len(p); i++ {
		if !isWordByte(p[i]) {
			return p[:i]
		}
	}
	return p
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// maxWordLen bounds the suffixes of a digit-led token MentionsAny looks up;
// no rule word is longer (TestMaxWordLen).
const maxWordLen = 128

// MentionsAny reports whether src holds a token in words, splitting src
// exactly as the guarantee of Words says: into maximal runs of
// [A-Za-z0-9_$], once as written and, when src has a backslash, once with
// escape sequences decoded. Every other byte separates tokens, bytes >= 0x80
// included: a no-break space after "fetch" must not glue the two into one
// token that no word matches. A token that starts with a digit is also
// looked up by its suffixes, as a lexer may read it as a number and a name.
// With no words nothing can be ruled out: it returns true.
func MentionsAny(src []byte, words map[string]bool) bool {
	if len(words) == 0 {
		return true
	}
	for i := 0; i < len(src); {
		if !isWordByte(src[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(src) && isWordByte(src[j]) {
			j++
		}
		if words[string(src[i:j])] {
			return true
		}
		// A lexer splits a token that starts with a digit into a number
		// and a name (`0fetch`, `0x1fetch`: broken code, which error
		// recovery still reads as a call): look up the token's suffixes.
		if src[i] >= '0' && src[i] <= '9' {
			for p := max(i+1, j-maxWordLen); p < j; p++ {
				if words[string(src[p:j])] {
					return true
				}
			}
		}
		i = j
	}
	return bytes.IndexByte(src, '\\') >= 0 && mentionsDecoded(src, words)
}

// mentionsDecoded is MentionsAny's second split, over src with its escape
// sequences decoded: an extractor decodes string literals, so the module
// of `import o "\x6fs"` (Go) is "os" although the text never spells it.
// Escapes of every language are decoded alike (\xHH, \uHHHH, \u{H…},
// \UHHHHHHHH, octal \OOO); decoding more than a language does only adds
// tokens, which keeps the filter conservative. Only the tokens an escape
// touches (inside, or at either end) are built and looked up: the others
// are tokens of the first split.
func mentionsDecoded(src []byte, words map[string]bool) bool {
	var buf [64]byte
	for at := 0; at < len(src); {
		k := bytes.IndexByte(src[at:], '\\')
		if k < 0 {
			return false
		}
		i := at + k
		if i+1 >= len(src) {
			return false
		}
		if _, n := decodeEscape(src[i+1:]); n == 0 {
			at = i + 1
			continue
		}
		start := i
		for start > 0 && isWordByte(src[start-1]) {
			start--
		}
		// The token through this escape, and the next one for as long as
		// a token ends at a decoded separator (that escape touches it).
		for {
			tok, end, bySep := decodedToken(src, start, buf[:0])
			if len(tok) > 0 && words[string(tok)] {
				return true
			}
			at = end
			if !bySep || end >= len(src) {
				break
			}
			start = end
		}
		if at <= i {
			at = i + 1
		}
	}
	return false
}

// decodedToken builds the token of src starting at start, decoding
// escapes, into tok. end is where it stopped: after a decoded escape that is
// a separator (bySep), or at a raw separator byte.
func decodedToken(src []byte, start int, tok []byte) (out []byte, end int, bySep bool) {
	i := start
	for i < len(src) {
		c := src[i]
		if c == '\\' && i+1 < len(src) {
			if r, n := decodeEscape(src[i+1:]); n > 0 {
				i += 1 + n
				if r < 0x80 && isWordByte(byte(r)) {
					tok = append(tok, byte(r))
					continue
				}
				return tok, i, true
			}
		}
		if !isWordByte(c) {
			return tok, i, false
		}
		tok = append(tok, c)
		i++
	}
	return tok, i, false
}

// decodeEscape decodes the escape after a backslash in b: the rune and the
// number of bytes it takes, or n == 0 when b starts no numeric escape.
func decodeEscape(b []byte) (r rune, n int) {
	hex := func(s []byte, max int) (rune, int) {
		var v rune
		k := 0
		for k < len(s) && k < max {
			d := unhex(s[k])
			if d < 0 {
				break
			}
			v = v<<4 | rune(d)
			k++
		}
		return v, k
	}
	switch {
	case b[0] == 'x':
		if v, k := hex(b[1:], 2); k == 2 {
			return v, 3
		}
	case b[0] == 'u' && len(b) > 1 && b[1] == '{':
		if v, k := hex(b[2:], 6); k > 0 && 2+k < len(b) && b[2+k] == '}' {
			return v, 3 + k
		}
	case b[0] == 'u':
		if v, k := hex(b[1:], 4); k == 4 {
			return v, 5
		}
	case b[0] == 'U':
		if v, k := hex(b[1:], 8); k == 8 {
			return v, 9
		}
	case b[0] >= '0' && b[0] <= '7':
		var v rune
		k := 0
		for k < len(b) && k < 3 && b[k] >= '0' && b[k] <= '7' {
			v = v<<3 | rune(b[k]-'0')
			k++
		}
		return v, k
	}
	return 0, 0
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
