package rules

import (
	"bytes"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/scope"
)

// family indexes the rules of one family for Match.
type family struct {
	calls, access        map[string][]*compiled // full key Module+"."+Member
	callWild, accessWild map[string][]*compiled // key prefix of a "….*" path
	// callChain, accessChain hold "P.**.S" paths by their last segment S.
	callChain, accessChain map[string][]*chain
	globs                  []*globRule
	words                  map[string]bool
}

// chain is a "P.**.S" path: any member path that starts with P and ends
// with S (resty's New().R().SetHeader(…).Post(u)).
type chain struct {
	prefix string // Module + "." + P + "."
	c      *compiled
}

type compiled struct {
	rule *Rule
	when []cond
}

// globRule is a Go rule whose module holds "*" segments: matched by a short
// scan, with its own member tables.
type globRule struct {
	pattern       string
	literal       string // the pattern up to its first "*": a cheap pre-check
	c             *compiled
	calls, access []string // member paths, in rule syntax
}

// Match is a rule that fires on a call.
type Match struct {
	Rule *Rule
	// Scope is the manifest scope inferred from the call: Known, Unknown
	// (a literal whose scope cannot be stated: only "*" covers it) or
	// Dynamic (no literal: any grant covers it).
	Scope scope.Scope
	// ScopeKind is the kind of the rule's ScopeArg that produced Scope (url,
	// host, hostport → host scopes; port, addr → "[host:]port"; path, dir,
	// prefix → path globs; command, program → program names; env; library).
	// A Fixed scope gives its entry's kind. When no scope could be
	// inferred it is the kind of the first scope argument present in the call
	// (so the caller can say "non-literal path"), or "" when none is.
	ScopeKind string
	// ScopeArg is the argument Scope came from, or the first scope argument
	// present when none gave a scope; nil if none is present. For a Key
	// scope it is the property's value.
	ScopeArg *facts.Arg
	// TaintArgs are the arguments whose tool-input taint lets the model
	// choose the call's target and escalates the finding: the rule's Taint
	// indices, else its scope arguments present in the call, else (no scope
	// argument, or only a fixed host) every argument.
	TaintArgs []*facts.Arg
	// PayloadArgs are the arguments whose tool-input taint lets the model
	// choose only what the call carries, not where it goes (Rule.Payload).
	PayloadArgs []*facts.Arg
	// TaintKey is set for Access rules: the taint of the computed key
	// (Call.KeyRefs) matters.
	TaintKey bool
	// Env names the environment variable that overrides a Known Scope: the
	// scope is the literal default the code gives when it is unset
	// (facts.Arg.Env).
	Env string
	// Override is set when Scope is a library's default (ScopeArg.Default),
	// or a fixed host the program may change by assigning a field of the
	// instance (ScopeArg.Fixed with Key): it names the option that would
	// point the client elsewhere, absent from the call.
	Override string
}

// Match returns the rules of family that fire on c, conditions evaluated on
// its arguments, in rule ID order. It allocates only when a rule fires.
func (s *Set) Match(family string, c *facts.Call) []Match {
	if s == nil || c == nil {
		return nil
	}
	f := s.fams[family]
	if f == nil {
		return nil
	}
	var buf [192]byte
	key := append(buf[:0], c.Module...)
	if c.Member != "" {
		key = append(key, '.')
		key = append(key, c.Member...)
	}
	exact, wild, chains := f.calls, f.callWild, f.callChain
	if c.Access {
		exact, wild, chains = f.access, f.accessWild, f.accessChain
	}
	var out []Match
	for _, r := range exact[string(key)] {
		out = r.try(scope.Family(family), out, c)
	}
	if len(wild) > 0 {
		// "X().*" fires on any longer path: try every dotted prefix of the
		// key ("*" alone is indexed under the module: the prefix before Member).
		// The part "*" stands for holds no call result: a wildcard names the
		// client's methods, not what their results do (see crossesCall).
		for i := len(key) - 1; i > 0; i-- {
			if key[i] == '.' {
				if bytes.Contains(key[i+1:], callMark) {
					continue
				}
				for _, r := range wild[string(key[:i])] {
					out = r.try(scope.Family(family), out, c)
				}
			}
		}
	}
	if len(chains) > 0 {
		last := key[bytesLastDot(key)+1:]
		for _, ch := range chains[string(last)] {
			if len(key) >= len(ch.prefix)+len(last) && string(key[:len(ch.prefix)]) == ch.prefix {
				out = ch.c.try(scope.Family(family), out, c)
			}
		}
	}
	for _, g := range f.globs {
		if !strings.HasPrefix(c.Module, g.literal) {
			continue
		}
		if ok, _ := path.Match(g.pattern, c.Module); !ok {
			continue
		}
		paths := g.calls
		if c.Access {
			paths = g.access
		}
		for _, p := range paths {
			if memberMatch(p, c.Member) {
				out = g.c.try(scope.Family(family), out, c)
				break
			}
		}
	}
	if len(out) > 1 {
		sort.SliceStable(out, func(i, j int) bool { return out[i].Rule.ID < out[j].Rule.ID })
	}
	return out
}

func bytesLastDot(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '.' {
			return i
		}
	}
	return -1
}

// memberMatch reports whether member path m matches rule path p ("", a
// plain path, "*", "P.*" or "P.**.S").
func memberMatch(p, m string) bool {
	switch {
	case p == "*":
		return m != "" && !crossesCall(m)
	case strings.HasSuffix(p, ".*"):
		pre := p[:len(p)-1] // keeps the dot
		return len(m) > len(pre) && strings.HasPrefix(m, pre) && !crossesCall(m[len(pre):])
	case strings.Contains(p, "**"):
		i := strings.Index(p, "**")
		pre, suf := p[:i], p[i+2:] // "P." and ".S" (P may be empty)
		if pre == "" {
			return strings.HasSuffix(m, suf) && len(m) > len(suf) || m == suf[1:]
		}
		return strings.HasPrefix(m, pre) && strings.HasSuffix(m, suf) && len(m) >= len(pre)+len(suf)-1
	}
	return p == m
}

// crossesCall reports whether the member path rest, matched by a "*"
// wildcard, goes through the result of a call: in "Client().*",
// "Issues.Get" is a method of the client (a request) but
// "Issues.Get().Body.Close" works on what the request returned, a local
// value. Rules that mean a result's methods say so: "get_repo().*",
// "launch().**.goto".
func crossesCall(rest string) bool {
	return strings.Contains(rest, "()")
}

var callMark = []byte("()")

// try appends r's match on c when its conditions hold and it is not there yet.
func (r *compiled) try(fam scope.Family, out []Match, c *facts.Call) []Match {
	for i := range out {
		if out[i].Rule == r.rule {
			return out
		}
	}
	if r.excepted(c) {
		return out
	}
	for i := range r.when {
		if !r.when[i].holds(c) {
			return out
		}
	}
	m := Match{Rule: r.rule, Scope: scope.Scope{State: scope.Dynamic}}
	rule := r.rule
	var present []*facts.Arg
	decided := false // a Known or Unknown scope was found: later arguments do not change it
	for _, sa := range rule.Scope {
		if sa.Fixed != "" {
			// A fallback only when no earlier scope argument is present: a
			// computed dir= must not read as the default ${TMP}.
			if !decided && m.ScopeArg == nil {
				m.Scope, m.ScopeKind = scope.Scope{State: scope.Known, Value: sa.Fixed}, sa.Kind
				m.Override = sa.Key // a field that, assigned, points the client elsewhere
				decided = true
			}
			continue
		}
		if sa.Arg == -1 && sa.Name == "" {
			// The read key of an Access ("process.env.HOME"); RecvArg (-2)
			// is the receiver, found by findArg below.
			if c.Access && c.Key != "" && !decided {
				if v := scope.Infer(fam, sa.Kind, &facts.Arg{Value: c.Key, Known: true}); v.IsKnown() {
					m.Scope, m.ScopeKind, decided = v, sa.Kind, true
				}
			}
			continue
		}
		a := findArg(c, sa.Arg, sa.Name, sa.Key)
		if sa.Default != "" && !decided {
			// A library's default host: the override option decides when
			// it is present (its literal, or unknown); absent, the default.
			if a == nil && optionsOpen(c, sa.Arg, sa.Name, sa.Key) {
				// Options the extractor could not see may set it:
				// not the default, not known (Dynamic).
				m.ScopeKind, decided = sa.Kind, true
				continue
			}
			if a == nil {
				if m.ScopeArg == nil {
					m.Scope, m.ScopeKind, m.Override, m.Env = scope.Scope{State: scope.Known, Value: sa.Default}, sa.Kind, sa.OverrideName(), sa.Env
					decided = true
				}
				continue
			}
			// Present: its literal is the scope; an unknown value stays
			// unknown (Dynamic) rather than falling back to the default.
			if !slices.Contains(present, a) {
				present = append(present, a)
			}
			v := scope.Infer(fam, sa.Kind, a)
			m.Scope, m.ScopeKind, m.ScopeArg, decided = v, sa.Kind, a, true
			if v.State == scope.Known {
				m.Env = a.Env
			}
			continue
		}
		if a == nil {
			continue
		}
		if !slices.Contains(present, a) {
			present = append(present, a)
		}
		if sa.Base != "" {
			if j := joinBase(c, sa.Base, a); j != nil {
				a = j // "/users" on a client made with baseURL "https://api.x.com"
			}
		}
		if m.ScopeArg == nil {
			m.ScopeArg, m.ScopeKind = a, sa.Kind
		}
		if !decided {
			// The first argument whose literal decides wins: an Unknown one
			// is not overridden by a later argument that looks narrower.
			if v := scope.Infer(fam, sa.Kind, a); v.State != scope.Dynamic {
				m.Scope, m.ScopeKind, m.ScopeArg, decided = v, sa.Kind, a, true
				if v.State == scope.Known {
					m.Env = a.Env
				}
			}
		}
	}
	switch {
	case len(rule.Taint) > 0:
		for _, i := range rule.Taint {
			if a := findArg(c, i, "", ""); a != nil && !slices.Contains(m.TaintArgs, a) {
				m.TaintArgs = append(m.TaintArgs, a)
			}
		}
	case len(present) > 0:
		m.TaintArgs = present
	case len(rule.Scope) == 0 || fixedHost(rule):
		// No scope argument: every argument says what the call acts on (a
		// client method of a fixed API host: its arguments name the resource,
		// the path of the request).
		for i := range c.Args {
			m.TaintArgs = append(m.TaintArgs, &c.Args[i])
		}
		if c.Recv != nil && len(c.Recv.Refs) > 0 {
			// A method of an instance made from tool input
			// (os.FindProcess(pid).Kill()): the input chose what it acts on.
			m.TaintArgs = append(m.TaintArgs, c.Recv)
		}
	}
	m.TaintKey = c.Access
	m.roles(c)
	return append(out, m)
}

// fixedHost reports whether the rule's only scope is a fixed host.
func fixedHost(r *Rule) bool {
	for _, sa := range r.Scope {
		if sa.Fixed == "" || !hostKinds[sa.Kind] {
			return false
		}
	}
	return len(r.Scope) > 0
}

var hostKinds = map[string]bool{"url": true, "host": true, "hostport": true}

// PayloadByDefault says whether rules of capability id without a payload
// list take every argument that is not a target argument as payload: the
// capabilities whose calls carry something (a request body, file content,
// a program's arguments, an environment value, bytes into memory).
func PayloadByDefault(id capability.ID) bool {
	switch id {
	case capability.NetworkClient, capability.FileWrite, capability.SystemExec, capability.SystemEnv,
		capability.MemoryUnsafe, capability.MemoryShared, capability.MemoryNative:
		return true
	}
	return false
}

// roles sorts the taint arguments into the target (TaintArgs) and the
// payload (PayloadArgs): the payload arguments of the rule; an argv list's
// words after the program; a URL's computed part when the literal before it
// already holds the query ("https://x/search?q=" + q); and, for a program
// that is a shell, none (its arguments are the command line it runs).
func (m *Match) roles(c *facts.Call) {
	rule := m.Rule
	if m.ScopeArg != nil && len(m.TaintArgs) > 0 {
		a := m.ScopeArg
		switch {
		case (m.ScopeKind == "command" || m.ScopeKind == "program") && len(a.Elems) > 0:
			// An argv list: the program is its first word. The list's own
			// references hold every word's (and those of words past
			// the recorded elements), so the whole list is the payload:
			// the target is asked first and wins.
			if i := slices.Index(m.TaintArgs, a); i >= 0 {
				m.TaintArgs = slices.Clone(m.TaintArgs)
				m.TaintArgs[i] = &a.Elems[0]
				m.PayloadArgs = append(m.PayloadArgs, a)
			}
		case m.ScopeKind == "url" && len(a.Props) == 1 && a.Props[facts.BodyProp].Func == -1:
			// A request passed whole: its body is the payload.
			if i := slices.Index(m.TaintArgs, a); i >= 0 {
				target, body := *a, a.Props[facts.BodyProp]
				target.Props = nil
				m.TaintArgs = slices.Clone(m.TaintArgs)
				m.TaintArgs[i] = &target
				m.PayloadArgs = append(m.PayloadArgs, &body)
			}
		case m.ScopeKind == "url" && a.Known && a.Prefix && strings.ContainsAny(a.Value, "?#"):
			if i := slices.Index(m.TaintArgs, a); i >= 0 {
				m.TaintArgs = slices.Delete(slices.Clone(m.TaintArgs), i, i+1)
				m.PayloadArgs = append(m.PayloadArgs, a)
			}
		}
	}
	switch {
	case rule.Payload != nil:
		for _, i := range rule.Payload {
			if a := findArg(c, i, "", ""); a != nil && !slices.Contains(m.TaintArgs, a) && !slices.Contains(m.PayloadArgs, a) {
				m.PayloadArgs = append(m.PayloadArgs, a)
			}
		}
	case PayloadByDefault(rule.Capability) && !c.Access:
		for i := range c.Args {
			a := &c.Args[i]
			if !slices.Contains(m.TaintArgs, a) && !slices.Contains(m.PayloadArgs, a) && !holds(a, m.TaintArgs) {
				m.PayloadArgs = append(m.PayloadArgs, a)
			}
		}
	}
	if rule.Capability == capability.SystemExec && m.Scope.IsKnown() && shells[strings.ToLower(path.Base(strings.ReplaceAll(m.Scope.Value, "\\", "/")))] {
		// sh -c LINE: the model writes the command line.
		m.TaintArgs = append(slices.Clip(m.TaintArgs), m.PayloadArgs...)
		m.PayloadArgs = nil
	}
}

// holds reports whether one of targets is an element of list a (the argv
// list whose program is a target).
func holds(a *facts.Arg, targets []*facts.Arg) bool {
	for i := range a.Elems {
		if slices.Contains(targets, &a.Elems[i]) {
			return true
		}
	}
	return false
}

// shells are programs whose arguments are a command line they interpret.
var shells = map[string]bool{
	"sh": true, "bash": true, "zsh": true, "dash": true, "ksh": true, "ash": true, "fish": true, "csh": true, "tcsh": true,
	"cmd": true, "cmd.exe": true, "powershell": true, "powershell.exe": true, "pwsh": true, "pwsh.exe": true,
}

// excepted reports whether c's member path, taken relative to one of the
// rule's modules, matches one of the rule's Except paths.
func (r *compiled) excepted(c *facts.Call) bool {
	if len(r.rule.Except) == 0 {
		return false
	}
	for _, mod := range r.rule.Modules {
		m, ok := relMember(mod, c)
		if !ok {
			continue
		}
		for _, p := range r.rule.Except {
			if memberMatch(p, m) {
				return true
			}
		}
	}
	return false
}

// relMember returns c's member path relative to rule module mod, which may
// split the dotted key differently (Python "os.path" vs "os" + "path.…").
func relMember(mod string, c *facts.Call) (string, bool) {
	switch {
	case strings.Contains(mod, "*"):
		ok, _ := path.Match(mod, c.Module)
		return c.Member, ok
	case c.Module == mod:
		return c.Member, true
	case strings.HasPrefix(mod, c.Module+"."):
		rel := mod[len(c.Module)+1:]
		if c.Member == rel {
			return "", true
		}
		if strings.HasPrefix(c.Member, rel+".") {
			return c.Member[len(rel)+1:], true
		}
	case strings.HasPrefix(c.Module, mod+"."):
		if c.Member == "" {
			return c.Module[len(mod)+1:], true
		}
		return c.Module[len(mod)+1:] + "." + c.Member, true
	}
	return "", false
}

// findArg returns positional argument i (Python: the i-th argument without a
// keyword; i < 0: none) or the keyword argument name; with key, the property
// key of that argument's object literal. nil when absent.
// optionsOpen reports whether the option a library default stands for
// may be set where the extractor cannot see it: a **kwargs beside the
// keywords, options holding keys not seen (facts.OpenProps), or an
// options argument that is not a literal at all.
func optionsOpen(c *facts.Call, i int, name, key string) bool {
	if name != "" {
		for j := range c.Args {
			if c.Args[j].Name == "**" {
				return true
			}
		}
	}
	if key == "" {
		return false
	}
	base := findArg(c, i, name, "")
	if base == nil {
		return false
	}
	if _, ok := base.Props[facts.OpenProps]; ok {
		return true
	}
	// A positional options argument with no properties: a value computed
	// elsewhere (or {}, which reads the same); the receiver has no Props
	// when it was constructed without options.
	return i != RecvArg && len(base.Props) == 0 && !base.Known
}

func findArg(c *facts.Call, i int, name, key string) *facts.Arg {
	var a *facts.Arg
	if i == RecvArg {
		a = c.Recv
		name = ""
	}
	pos := 0
	for j := range c.Args {
		arg := &c.Args[j]
		if arg.Name != "" {
			if name != "" && arg.Name == name && a == nil {
				a = arg
			}
			continue
		}
		if a != nil {
			break
		}
		if pos == i && i >= 0 {
			a = arg
			break
		}
		pos++
	}
	if a == nil || key == "" {
		return a
	}
	p, ok := a.Props[key]
	if !ok {
		return nil
	}
	return &p
}

// joinBase is the URL a relative literal a resolves to on a client whose
// construction option key is its base (facts.Call.Recv): the base's
// literal, imported constant or fallback followed by the path. nil when a
// is not a literal relative reference (an absolute URL, or a value that
// may be one), when the base is not known, or when the call's own options
// set the key again.
func joinBase(c *facts.Call, key string, a *facts.Arg) *facts.Arg {
	if c.Recv == nil || !a.Known || !relativeRef(a.Value, a.Prefix) {
		return nil
	}
	b, ok := c.Recv.Props[key]
	if !ok {
		return nil
	}
	for i := range c.Args {
		if _, again := c.Args[i].Props[key]; again {
			return nil
		}
		if _, open := c.Args[i].Props[facts.OpenProps]; open {
			return nil // options not seen here may set it
		}
	}
	path := strings.TrimLeft(a.Value, "/")
	join := func(base string, prefix bool) (string, bool) {
		if prefix {
			return base, true
		}
		if len(base)+len(path) > maxJoined {
			return strings.TrimSuffix(base, "/") + "/", true
		}
		return strings.TrimSuffix(base, "/") + "/" + path, a.Prefix
	}
	switch {
	case b.Known:
		v, p := join(b.Value, b.Prefix)
		return &facts.Arg{Value: v, Known: true, Prefix: p, Env: b.Env, Func: -1}
	case b.Const != nil:
		v, p := join(b.Value, b.Prefix)
		if b.Value == "" && !b.Prefix {
			v = "/" + path // the constant's own text comes first
		}
		return &facts.Arg{Const: b.Const, Value: v, Prefix: p, Func: -1}
	case b.Default != "":
		v, p := join(b.Default, b.DefaultPrefix)
		return &facts.Arg{Default: v, DefaultPrefix: p, Func: -1}
	}
	return nil
}

// maxJoined bounds a joined URL; past it only the base's leading part is kept.
const maxJoined = 4096

// relativeRef reports whether v (prefix: only its start is known) is a
// relative reference whatever follows it: no scheme ("users/1", not
// "http" + rest), not scheme-relative ("/x", not "/" + rest or "//h").
// A client resolves only those against its base; anything else may name
// its own host.
func relativeRef(v string, prefix bool) bool {
	if v == "" {
		return !prefix
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r == '\\' || r <= ' ' || r == 0x7f }) {
		return false // parsers read "\\" as "/" and strip or drop controls: not decided here
	}
	switch c := v[0]; {
	case c == '/' || c == '\\':
		return len(v) >= 2 && v[1] != '/' && v[1] != '\\'
	case c <= ' ' || c == 0x7f:
		return false // parsers trim or reject it: not decided here
	case c|0x20 >= 'a' && c|0x20 <= 'z':
		for i := 1; i < len(v); i++ {
			switch d := v[i]; {
			case d == ':':
				return false // a scheme: absolute
			case d|0x20 >= 'a' && d|0x20 <= 'z', d >= '0' && d <= '9', d == '+', d == '-', d == '.':
			default:
				return true
			}
		}
		return !prefix // "http" + rest may still become a scheme
	}
	return true
}
