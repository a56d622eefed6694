package rules

import (
	"regexp"
	"slices"

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
	if k.Driver {
		if d, ok := recvDriver(c); ok {
			return k.holdsFor([]string{d})
		}
		return true // decided by the link over the tree's drivers (DriversHold)
	}
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

// recvDriver is the literal driver the call's receiver was opened with.
func recvDriver(c *facts.Call) (string, bool) {
	if c.Recv == nil {
		return "", false
	}
	d, ok := c.Recv.Props[facts.SQLDriverProp]
	if !ok || !d.Known || d.Prefix {
		return "", false
	}
	return d.Value, true
}

// holdsFor evaluates a Driver condition over a set of driver names.
func (k *cond) holdsFor(names []string) bool {
	if len(names) == 0 {
		return k.Unknown
	}
	if k.re != nil && !slices.ContainsFunc(names, k.re.MatchString) {
		return false
	}
	if k.notRe != nil && !slices.ContainsFunc(names, func(n string) bool { return !k.notRe.MatchString(n) }) {
		return false
	}
	return true
}

// DriverDeferred says whether the rule has Driver conditions the call's
// receiver does not decide: the link decides them with DriversHold.
func (r *Rule) DriverDeferred(c *facts.Call) bool {
	if len(r.drivers) == 0 {
		return false
	}
	_, ok := recvDriver(c)
	return !ok
}

// DriversHold evaluates the rule's Driver conditions over the driver names
// the linked tree imports (names: sorted, deduplicated).
func (r *Rule) DriversHold(names []string) bool {
	for i := range r.drivers {
		if !r.drivers[i].holdsFor(names) {
			return false
		}
	}
	return true
}

// drivers are c's Driver conditions.
func (c *compiled) drivers() []cond {
	var out []cond
	for _, k := range c.when {
		if k.Driver {
			out = append(out, k)
		}
	}
	return out
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
