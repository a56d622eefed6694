// Package suppress parses `mcpriv-ignore` comments. Every extractor calls
// FromComment on every comment, so a suppression means the same in every
// language; the link decides what each covers:
//
// A suppression covers findings on the line its comment starts on. A
// comment alone on its line — nothing but blanks before it on the line it
// starts on and after it on the line it ends on — also covers the line after
// it (after its last line, for a block comment over several lines).
package suppress

import (
	"bytes"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// FromComment returns the suppression held by the comment at sp in src
// (lines indexes src), or false when the comment holds none.
func FromComment(src []byte, lines *source.Lines, sp source.Span) (facts.Suppression, bool) {
	if sp.Start.Offset < 0 || sp.End.Offset > len(src) || sp.Start.Offset > sp.End.Offset {
		return facts.Suppression{}, false
	}
	text := src[sp.Start.Offset:sp.End.Offset]
	if !bytes.Contains(text, []byte(Marker)) {
		return facts.Suppression{}, false
	}
	caps, reason, ok := Parse(string(text))
	if !ok {
		return facts.Suppression{}, false
	}
	if caps == nil {
		caps = []string{}
	}
	before := src[min(lines.LineStart(sp.Start.Line), sp.Start.Offset):sp.Start.Offset]
	after := src[sp.End.Offset:max(lines.LineEnd(sp.End.Line), sp.End.Offset)]
	own := len(bytes.TrimSpace(before)) == 0 && len(bytes.TrimSpace(after)) == 0
	return facts.Suppression{Line: sp.Start.Line, OwnLine: own, Capabilities: caps, Reason: reason, Span: sp}, true
}

// Covers reports whether s covers a finding on line (0-based), by the rule
// in the package comment.
func Covers(s *facts.Suppression, line int) bool {
	return s.Line == line || s.OwnLine && s.Span.End.Line+1 == line
}

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
