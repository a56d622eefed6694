package rules

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/scope"
	"github.com/mcpriv/mcpriv/analysis/source"
)

func validFamily(f string) bool {
	for _, x := range Families {
		if f == x {
			return true
		}
	}
	return false
}

var (
	idPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]*(\.[A-Za-z0-9_-]+)+$`)
	segment   = regexp.MustCompile(`^([A-Za-z_$][A-Za-z0-9_$]*(\(\))?|\(\))$`)
)

// validate checks one decoded rule against its node n.
func validate(file string, n *yaml.Node, r *Rule) []error {
	var errs []error
	bad := func(at *yaml.Node, format string, args ...any) {
		if at == nil {
			at = n
		}
		prefix := ""
		if r.ID != "" {
			prefix = fmt.Sprintf("rule %q: ", r.ID)
		}
		errs = append(errs, posErr(file, at, "%s%s", prefix, fmt.Sprintf(format, args...)))
	}
	if !idPattern.MatchString(r.ID) {
		bad(field(n, "id"), "id %q must look like <family>.<library>.<what>", r.ID)
	}
	switch {
	case r.Language == "":
		bad(field(n, "language"), "no language (set \"language\" on the rule or the file: js, python or go)")
	case !validFamily(r.Language):
		bad(field(n, "language"), "unknown language %q (want js, python or go)", r.Language)
	}
	if !capability.Valid(r.Capability) {
		msg := fmt.Sprintf("unknown capability %q", r.Capability)
		if s := capability.Suggest(string(r.Capability)); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		} else {
			msg += " (want one of " + strings.Join(capability.IDs(), ", ") + ")"
		}
		bad(field(n, "capability"), "%s", msg)
	}
	if len(r.Modules) == 0 {
		bad(field(n, "modules"), "no modules")
	}
	for i, m := range r.Modules {
		at := item(field(n, "modules"), i)
		switch {
		case strings.TrimSpace(m) == "" || m != strings.TrimSpace(m):
			bad(at, "module %q is empty or has spaces", m)
		case strings.Contains(m, "*") && r.Language != "go":
			bad(at, "module %q: \"*\" segments are only for Go module paths", m)
		case strings.Contains(m, "*"):
			if _, err := path.Match(m, ""); err != nil || strings.Contains(m, "**") {
				bad(at, "module %q: bad pattern", m)
			}
		}
		// Words (the pre-filter) needs a literal identifier in every module
		// and, for the global namespaces, at the start of every path.
		if wordOf(r.Language, m) == "" && m != "globalThis" && m != "builtins" {
			bad(at, "module %q has no identifier outside \"*\" segments", m)
		}
		if m == "globalThis" || m == "builtins" {
			for _, p := range append(append([]string(nil), r.Calls...), r.Access...) {
				if firstToken(p) == "" {
					bad(at, "a path under %s must start with a global name, not %q", m, p)
				}
			}
		}
	}
	if len(r.Calls) == 0 && len(r.Access) == 0 {
		bad(n, "no calls and no access paths")
	}
	for i, p := range r.Calls {
		if err := checkPath(p, true); err != "" {
			bad(item(field(n, "calls"), i), "call %q: %s", p, err)
		}
	}
	for i, p := range r.Access {
		if err := checkPath(p, false); err != "" {
			bad(item(field(n, "access"), i), "access %q: %s", p, err)
		}
	}
	for i, p := range r.Except {
		if err := checkPath(p, true); err != "" {
			bad(item(field(n, "except"), i), "except %q: %s", p, err)
		}
	}
	for i, s := range r.Scope {
		at := item(field(n, "scope"), i)
		if !scope.KnownKind(s.Kind) {
			bad(field(at, "kind"), "unknown scope kind %q (want %s)", s.Kind, strings.Join(scope.Kinds, ", "))
		}
		if s.Fixed != "" {
			if s.Default != "" {
				bad(field(at, "default"), "a scope is fixed or has a default, not both")
			}
			continue
		}
		if s.Base != "" && (s.Kind != "url" || s.Default != "" || s.Arg == RecvArg) {
			bad(field(at, "base"), "base resolves a relative URL argument: only with kind url, not with default, not on the receiver")
		}
		if s.Env != "" && s.Default == "" {
			bad(field(at, "env"), "env names the variable a library reads for a default: set default too")
		}
		if s.Default != "" {
			if s.Arg == -1 && s.Name == "" {
				bad(field(at, "default"), "a default needs the option that overrides it: a name, a key, or an argument index")
			}
			if s.Arg == RecvArg && s.Key == "" {
				bad(field(at, "default"), "a default on the receiver (arg -2) needs the key of the constructor option that overrides it")
			}
			fam := scope.Family(r.Language)
			if v := scope.Infer(fam, "host", &facts.Arg{Value: s.Default, Known: true}); (s.Kind == "url" || s.Kind == "host" || s.Kind == "hostport") && (!v.IsKnown() || strings.ContainsAny(s.Default, "/ ")) {
				bad(field(at, "default"), "default %q is not a host name", s.Default)
			}
		}
		if s.Arg < RecvArg || s.Arg > 64 {
			bad(field(at, "arg"), "scope arg %d out of range (0-based index, -1 for a keyword-only argument or the read key, -2 for the receiver)", s.Arg)
		}
		if s.Arg == -1 && s.Name == "" && len(r.Access) == 0 {
			bad(field(at, "arg"), "scope arg -1 without a name means the read key, which needs access paths")
		}
	}
	for i, w := range r.When {
		at := item(field(n, "when"), i)
		if w.Arg < RecvArg || w.Arg > 64 || w.Arg == -1 && w.Name == "" {
			bad(field(at, "arg"), "condition arg %d out of range (0-based index, -1 with a keyword name, -2 for the receiver)", w.Arg)
		}
		if w.Matches == "" && w.NotMatches == "" && w.Absent == nil && w.Literal == nil {
			bad(at, "condition tests nothing (set matches, notMatches, absent or literal)")
		}
		if w.Driver && (r.Language != "go" || w.Arg != 0 || w.Name != "" || w.Key != "" || w.Absent != nil || w.Literal != nil || w.Prefix) {
			bad(field(at, "driver"), "a driver condition is for Go rules and takes only matches, notMatches and unknown")
		}
		for _, re := range []struct{ key, expr string }{{"matches", w.Matches}, {"notMatches", w.NotMatches}} {
			if re.expr == "" {
				continue
			}
			if _, err := regexp.Compile(re.expr); err != nil {
				bad(field(at, re.key), "bad regular expression: %v", err)
			}
		}
	}
	for i, t := range r.Taint {
		if (t < 0 && t != RecvArg) || t > 64 {
			bad(item(field(n, "taint"), i), "taint arg %d out of range (0 to 64, or -2 for the receiver)", t)
		}
	}
	for i, t := range r.Payload {
		if t < 0 || t > 64 {
			bad(item(field(n, "payload"), i), "payload arg %d out of range", t)
		}
		if slices.Contains(r.Taint, t) {
			bad(item(field(n, "payload"), i), "payload arg %d is also a taint (target) arg", t)
		}
	}
	if strings.TrimSpace(r.Message) == "" {
		bad(field(n, "message"), "no message")
	}
	if r.Examples != nil {
		checkExamples(r, field(n, "examples"), bad)
	}
	if r.Risk != "" {
		if _, err := capability.ParseRisk(r.Risk); err != nil {
			bad(field(n, "risk"), "%v", err)
		}
	}
	return errs
}

// checkPath validates a member path: dotted segments, each an identifier
// optionally followed by "()", the last possibly "*"; "" (the module value
// itself) only for calls.
func checkPath(p string, call bool) string {
	if p == "" {
		if call {
			return ""
		}
		return "an access path cannot be empty"
	}
	if p == "*" {
		return ""
	}
	segs := strings.Split(p, ".")
	for i, s := range segs {
		switch {
		case s == "*" && i == len(segs)-1 && i > 0:
		case s == "**" && i > 0 && i < len(segs)-1 || s == "**" && i == 0 && len(segs) > 1:
			if strings.Count(p, "**") > 1 {
				return "\"**\" may appear once"
			}
			if strings.Contains(segs[len(segs)-1], "*") {
				return "a path with \"**\" must end with a member name"
			}
		case !segment.MatchString(s):
			return "segment " + strconv.Quote(s) + " is not an identifier (optionally with \"()\"); \"*\" may only end a path and \"**\" only stand between segments"
		}
	}
	return ""
}

// checkExamples validates a rule's examples: code present, a file name of
// the rule's family, a scope only where the rule must fire.
func checkExamples(r *Rule, n *yaml.Node, bad func(*yaml.Node, string, ...any)) {
	for _, list := range []struct {
		key   string
		items []Example
	}{{"match", r.Examples.Match}, {"noMatch", r.Examples.NoMatch}} {
		for i, ex := range list.items {
			at := item(field(n, list.key), i)
			if strings.TrimSpace(ex.Code) == "" {
				bad(at, "%s example %d has no code", list.key, i+1)
			}
			if ex.File != "" {
				lang := source.DetectLang(ex.File)
				switch {
				case ex.File != path.Base(ex.File):
					bad(field(at, "file"), "example file %q must be a plain file name", ex.File)
				case lang == "" || lang.Family() != r.Language:
					bad(field(at, "file"), "example file %q is not a %s file", ex.File, r.Language)
				}
			}
			if ex.Scope != "" && list.key == "noMatch" {
				bad(field(at, "scope"), "a noMatch example cannot expect a scope")
			}
		}
	}
}
