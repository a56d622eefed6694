package rules

import (
	"regexp"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

type cond struct {
	Condition
	re, notRe *regexp.Regexp
}

// holds evaluates a condition (semantics in Condition's doc): an absent
// argument fails Matches and passes NotMatches; a present one whose value is
// unknown gives Unknown.
func (k *cond) holds(c *facts.Call) bool {
	a := findArg(c, k.Arg, k.Name, k.Key)
	// After a spread, a missing argument may be there after all: its
	// presence and value are unknown.
	uncertain := a == nil && c.Spread && k.Key == ""
	if k.Absent != nil {
		if uncertain && !k.Unknown {
			return false
		}
		if !uncertain && *k.Absent != (a == nil) {
			return false
		}
	}
	if a == nil && !uncertain {
		return k.re == nil && k.Literal == nil
	}
	known := a != nil && (a.Known && !a.Prefix || a.Number != "")
	if k.Literal != nil && *k.Literal != known {
		return false
	}
	if k.re == nil && k.notRe == nil {
		return true
	}
	if !known {
		if k.Prefix && a != nil && a.Known && a.Prefix {
			// The rule says its patterns decide on the known leading part
			// ("sqlite:///" + path).
			return (k.re == nil || k.re.MatchString(a.Value)) && (k.notRe == nil || !k.notRe.MatchString(a.Value))
		}
		return k.Unknown
	}
	v := a.Value
	if a.Number != "" && !a.Known {
		v = a.Number
	}
	if k.re != nil && !k.re.MatchString(v) {
		return false
	}
	if k.notRe != nil && k.notRe.MatchString(v) {
		return false
	}
	return true
}

func compile(r *Rule) *compiled {
	c := &compiled{rule: r}
	for _, w := range r.When {
		k := cond{Condition: w}
		// Validated in parseFile: these cannot fail here.
		if w.Matches != "" {
			k.re = regexp.MustCompile(w.Matches)
		}
		if w.NotMatches != "" {
			k.notRe = regexp.MustCompile(w.NotMatches)
		}
		c.when = append(c.when, k)
	}
	return c
}
