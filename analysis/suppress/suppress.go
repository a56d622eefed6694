// Package suppress parses `mcpriv-ignore` comments. Extractors call Parse on
// every comment; the index decides what each suppression covers.
package suppress

import (
	"strings"
)

// Marker starts a suppression inside a comment.
const Marker = "mcpriv-ignore"

// Parse reads a comment's text (with its comment punctuation) and returns the
// capabilities and reason of an `mcpriv-ignore: cap[, cap…] -- reason`
// suppression; ok is false when the comment holds none. Capabilities are
// returned as written; a missing reason gives reason "".
func Parse(comment string) (caps []string, reason string, ok bool) {
	i := strings.Index(comment, Marker)
	if i < 0 {
		return nil, "", false
	}
	rest := comment[i+len(Marker):]
	if !strings.HasPrefix(rest, ":") {
		if strings.TrimSpace(rest) == "" || rest[0] == ' ' || rest[0] == '\t' {
			// "mcpriv-ignore" with no colon: still a suppression, with nothing listed.
			rest = ":" + rest
		} else {
			return nil, "", false
		}
	}
	rest = rest[1:]
	rest = strings.TrimSpace(trimCommentEnd(rest))
	list := rest
	if j := strings.Index(rest, "--"); j >= 0 {
		list, reason = rest[:j], strings.TrimSpace(rest[j+2:])
	}
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		caps = append(caps, f)
	}
	return caps, reason, true
}

func trimCommentEnd(s string) string {
	s = strings.TrimSpace(s)
	for _, end := range []string{"*/", "-->", `"""`, "'''"} {
		s = strings.TrimSuffix(s, end)
	}
	return s
}
