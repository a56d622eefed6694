package rules

import (
	"strings"
)

// Words returns the identifier tokens of a family's pre-filter.
//
// Guarantee: split a file's text into maximal runs of [A-Za-z0-9_$]. If none
// of those tokens is in Words(family), no Call the extractors can emit for
// that file matches a rule of the family. This holds because every rule
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

// MentionsAny reports whether src holds a token in words, splitting src
// exactly as the guarantee of Words says: into maximal runs of
// [A-Za-z0-9_$]. Every other byte separates tokens, bytes ≥ 0x80 included:
// a no-break space after "fetch" must not glue the two into one token that
// no word matches. With no words nothing can be ruled out: it returns true.
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
		i = j
	}
	return false
}
