package link

import (
	"fmt"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/suppress"
)

// fileBadSuppressions returns the sorted suppression findings of a file
// whose candidates are linked as ls.
func fileBadSuppressions(f *facts.File, st *fileStatic, ls []linked) []finding.Finding {
	if len(f.Suppressions) == 0 {
		return nil
	}
	used := make([]bool, len(f.Suppressions))
	for k := range st.cands {
		if ls[k].keep && st.cands[k].supp >= 0 {
			used[st.cands[k].supp] = true
		}
	}
	bad := badSuppressions(f, used)
	finding.Sort(bad)
	return bad
}

// badSuppressions reports the suppressions of f that are malformed or, by
// used, suppress nothing.
func badSuppressions(f *facts.File, used []bool) (bad []finding.Finding) {
	for k, s := range f.Suppressions {
		mk := func(rule, msg string) finding.Finding {
			return finding.Finding{Kind: finding.KindSuppression, File: f.Path, Span: s.Span, CallSpan: s.Span,
				Rule: rule, Message: msg, Tools: []string{}}
		}
		for _, c := range s.Capabilities {
			if !validSuppressionCap(c) {
				msg := fmt.Sprintf("mcpriv-ignore names %q, which is not a capability", c)
				if sug := capability.Suggest(c); sug != "" {
					msg += fmt.Sprintf(" (did you mean %s?)", sug)
				}
				bad = append(bad, mk(suppress.RuleUnknownCapability, msg))
			}
		}
		if len(s.Capabilities) == 0 {
			bad = append(bad, mk(suppress.RuleNoCapability, "mcpriv-ignore must name the capabilities it suppresses: `mcpriv-ignore: file.write -- reason`"))
		}
		if s.Reason == "" {
			bad = append(bad, mk(suppress.RuleNoReason, "mcpriv-ignore needs a reason after `--`: say why this use is acceptable"))
		}
		if !used[k] && len(s.Capabilities) > 0 {
			bad = append(bad, mk(suppress.RuleUnused, fmt.Sprintf("mcpriv-ignore: %s suppresses nothing on this or the next line", strings.Join(s.Capabilities, ", "))))
		}
	}
	return bad
}

// covers: a suppression may name a capability ID, a whole class ("file") or "*".
func covers(list []string, id capability.ID) bool {
	for _, c := range list {
		if c == "*" || capability.ID(c) == id || capability.Class(c) == id.Class() {
			return true
		}
	}
	return false
}

func validSuppressionCap(c string) bool {
	if c == "*" || capability.Valid(capability.ID(c)) {
		return true
	}
	switch capability.Class(c) {
	case capability.Network, capability.System, capability.File, capability.Memory:
		return true
	}
	return false
}

// suppressionFor returns the suppression of f covering a finding of
// capability id on line, or -1.
func suppressionFor(f *facts.File, line int, id capability.ID) int {
	for k, s := range f.Suppressions {
		if suppress.Covers(&s, line) && covers(s.Capabilities, id) {
			return k
		}
	}
	return -1
}
