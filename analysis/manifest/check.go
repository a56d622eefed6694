package manifest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// does says what code with a capability does, for messages.
var does = map[capability.ID]string{
	capability.NetworkClient: "connects to the network",
	capability.NetworkServer: "listens for connections",
	capability.SystemExec:    "runs programs",
	capability.SystemCode:    "evaluates code chosen at run time",
	capability.SystemEnv:     "reads environment variables",
	capability.SystemProcess: "controls processes",
	capability.SystemInfo:    "reads host facts",
	capability.FileRead:      "reads files",
	capability.FileWrite:     "writes files",
	capability.FileDelete:    "deletes files",
	capability.MemoryUnsafe:  "uses unchecked memory",
	capability.MemoryShared:  "uses shared memory",
	capability.MemoryNative:  "loads native code",
}

// Grant returns the narrowest grant that covers f: a literal URL gives its
// host (with its port when the URL names one), a path the path (a known
// prefix "dir/" gives "dir/**"), a command its program, an env access the
// variable name. exact is false when the scope had to be widened: a
// non-literal argument gives "*" (the quick-fix says so). Capabilities
// without scopes always give "*", exactly.
func Grant(f *finding.Finding) (id capability.ID, scope string, exact bool) {
	id = f.Capability
	info, ok := capability.Lookup(id)
	if !ok {
		return id, "*", false
	}
	if info.Scope == capability.ScopeNone {
		return id, "*", true
	}
	l := literalOf(f)
	if l.state != litKnown {
		return id, "*", false
	}
	lit := l.value
	scope, exact = lit, true
	switch info.Scope {
	case capability.ScopeHost:
		h, port, _ := litHost(lit)
		scope = h
		if strings.Contains(h, ":") {
			scope = "[" + h + "]" // IPv6
		}
		if port != "" {
			if strings.Contains(h, ":") {
				scope += ":" + port
			} else {
				scope = h + ":" + port
			}
		}
	case capability.ScopePath:
		root, _, escaped := normPath(lit)
		if escaped {
			return id, "*", false // climbs out of its directory: no narrower grant is sure
		}
		scope = NormalizePath(lit)
		if strings.ContainsAny(scope, "*?[") {
			exact = false // a prefix the scope inference already widened
		}
		if strings.HasSuffix(lit, "/") {
			scope = strings.TrimSuffix(scope, "/") + "/**"
			if root == "/" && scope == "//**" {
				scope = "/**"
			}
			exact = false
		}
	case capability.ScopeProgram:
		scope = strings.Trim(lit, `"'`)
	case capability.ScopeEnv:
		exact = !strings.HasSuffix(lit, "*") // "APP_*": only the prefix was known
	}
	if ValidateScope(info.Scope, scope) != nil {
		return id, "*", false
	}
	return id, scope, exact
}

// Grants returns the narrowest grants that cover f for principal p ("" for
// the server), one per scope p needs (finding.ScopesOf), and "*" (not
// exact) for the values that are not literals when some are
// (finding.ScopeDynamic): never a grant that silently leaves one out.
func Grants(f *finding.Finding, p string) []GrantOf {
	var out []GrantOf
	add := func(g *finding.Finding) {
		id, scope, exact := Grant(g)
		for _, o := range out {
			if o.Scope == scope && o.Exact == exact {
				return
			}
		}
		out = append(out, GrantOf{ID: id, Scope: scope, Exact: exact})
	}
	if f.ScopeUnknown != "" || f.Scope == "" {
		add(f)
		return out
	}
	scopes, dynamic := f.ScopesOf(p)
	for _, s := range scopes {
		g := *f
		g.Scope, g.Scopes, g.ScopeDynamic, g.ScopeUsers = s, nil, false, nil
		add(&g)
	}
	if dynamic {
		g := *f
		g.Scope, g.Scopes, g.ScopeDynamic, g.ScopeUsers = "", nil, false, nil
		add(&g)
	}
	return out
}

// GrantOf is one grant Grants returns.
type GrantOf struct {
	ID    capability.ID
	Scope string
	Exact bool
}

// litState says what a finding's scope is. The zero value is litUnknown,
// which only "*" covers: a scope nobody filled in never reads as "any
// grant will do".
type litState uint8

const (
	litUnknown litState = iota // a literal whose scope cannot be inferred (finding.ScopeUnknown)
	litKnown                   // value is the scope
	litDynamic                 // not a literal: only an open scope covers it (OpenScope, manifest.md)
)

type literal struct {
	state      litState
	value, why string
}

// literalOf reads f's scope for matching.
func literalOf(f *finding.Finding) literal {
	if f.ScopeUnknown != "" {
		return literal{state: litUnknown, why: f.ScopeUnknown}
	}
	if s := litScope(f); s != "" {
		return literal{state: litKnown, value: s}
	}
	if strings.TrimSpace(f.Scope) != "" {
		return literal{state: litUnknown, why: "the command line names no program"}
	}
	return literal{state: litDynamic}
}

// literalsOf reads each of f's scopes principal p needs
// (finding.ScopesOf) for matching; at least one.
func literalsOf(f *finding.Finding, p string) []literal {
	if f.ScopeUnknown != "" || f.Scope == "" {
		return []literal{literalOf(f)}
	}
	scopes, dynamic := f.ScopesOf(p)
	if len(scopes) == 0 {
		return []literal{{state: litDynamic}}
	}
	out := make([]literal, 0, len(scopes)+1)
	for _, s := range scopes {
		g := *f
		g.Scope, g.Scopes = s, nil
		out = append(out, literalOf(&g))
	}
	if dynamic {
		// Values that are not literals reach the call beside the
		// scopes (a fallback's other value, a caller passing tool
		// input): only an open grant covers them, as Grants says.
		out = append(out, literal{state: litDynamic})
	}
	return out
}

// litScope returns the literal scope of f to match against grants: the
// program of a command line, else f.Scope as is.
func litScope(f *finding.Finding) string {
	s := strings.TrimSpace(f.Scope)
	if f.ScopeKind == "command" || (f.Capability == capability.SystemExec && strings.ContainsAny(s, " \t")) {
		if fs := strings.Fields(s); len(fs) > 0 {
			return strings.Trim(fs[0], `"'`)
		}
		return ""
	}
	return s
}

// checker holds the state of one Check.
type checker struct {
	m         *Manifest
	usedGrant map[*Entry]bool
	usedScope map[*Scope]bool
}

// Check marks every capability finding of res whose file files accepts
// (nil: all) with its manifest state, and appends the manifest's own
// findings. Call it once per Result.
//
//   - m == nil (or Broken): NoManifest, UndeclaredFor = every reaching
//     principal; the finding keeps its rule and message.
//   - Declared: every reaching tool (and the server, when start-up code
//     reaches the call) has a covering grant of its own or of server.
//   - Undeclared (rule manifest.undeclared): some principal has no grant of
//     the capability at all.
//   - OutOfScope (rule manifest.out-of-scope): grants exist but the literal
//     scope lies outside all of them.
//
// UndeclaredFor lists the principals not covered ("" = server). A finding
// whose scope is unknown (not a literal) is covered only by the grant's open
// scopes ("*", a path under ${ROOT}: OpenScope), and credits them as used; a
// literal's scope (api.github.com, /etc/hosts, git) says nothing for it.
//
// Appended: manifest.unused (a grant or single scope no call needs, at its
// YAML position), manifest.unknown-tool (a tool section for a tool the code
// does not register; skipped when it registers none at all, as then the
// names could not be read) and manifest.hint-mismatch (annotations contradicting
// the code, at the tool's name in the source). Parse's findings are not
// re-reported: the caller appends those.
func Check(m *Manifest, res *finding.Result, files func(file string) bool) {
	check(m, res, files, "")
}

// check is Check with the root absolute file paths in messages are made
// relative to, so they read the same in every front-end ("" keeps them).
func check(m *Manifest, res *finding.Result, files func(file string) bool, root string) {
	if res == nil {
		return
	}
	if files == nil {
		files = func(string) bool { return true }
	}
	if m != nil && m.Broken {
		m = nil
	}
	c := &checker{m: m, usedGrant: map[*Entry]bool{}, usedScope: map[*Scope]bool{}}
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Kind == finding.KindCapability && files(f.File) {
			c.finding(f)
		}
	}
	var extra []finding.Finding
	tools := map[string]bool{}
	for i := range res.Tools {
		t := &res.Tools[i]
		if t.RegisteredIn(files) {
			tools[t.Name] = true
		}
		if files(t.File) {
			extra = append(extra, hintMismatches(t, res, root)...)
		}
		for k := range t.Sites {
			if files(t.Sites[k].File) {
				at := t.AtSite(k)
				extra = append(extra, hintMismatches(&at, res, root)...)
			}
		}
	}
	if m != nil {
		extra = append(extra, c.unknownTools(tools)...)
		extra = append(extra, c.unused(tools)...)
	}
	res.Findings = append(res.Findings, extra...)
}

func principals(f *finding.Finding) []string {
	ps := append([]string(nil), f.Tools...)
	sort.Strings(ps)
	if f.Server || len(ps) == 0 {
		ps = append(ps, "")
	}
	return ps
}

func (c *checker) finding(f *finding.Finding) {
	ps := principals(f)
	if c.m == nil {
		f.Manifest = finding.NoManifest
		f.UndeclaredFor = ps
		return
	}
	info, ok := capability.Lookup(f.Capability)
	if !ok {
		return
	}
	lit := literalsOf(f, "")[0] // the first outside a grant, for the message
	var undeclared, outside []string
	for _, p := range ps {
		var own, srv *Entry
		if p != "" {
			own = c.m.Tool(p).Lookup(f.Capability)
		}
		srv = c.m.Server.Lookup(f.Capability)
		if own == nil && srv == nil {
			undeclared = append(undeclared, p)
			continue
		}
		// Every scope p's callers pass must be granted (finding.ScopesOf).
		in := true
		for _, l := range literalsOf(f, p) {
			if !c.cover(info.Scope, l, own) && !c.cover(info.Scope, l, srv) {
				if in && len(outside) == 0 {
					lit = l
				}
				in = false
			}
		}
		if !in {
			outside = append(outside, p)
		}
	}
	switch {
	case len(undeclared) > 0:
		f.Manifest = finding.Undeclared
		f.Rule = RuleUndeclared
		f.UndeclaredFor = append(undeclared, outside...)
		f.Message = c.undeclaredMessage(f, undeclared)
	case len(outside) > 0:
		f.Manifest = finding.OutOfScope
		f.Rule = RuleOutOfScope
		f.UndeclaredFor = outside
		f.Message = c.outOfScopeMessage(f, lit, outside)
	default:
		f.Manifest = finding.Declared
		f.UndeclaredFor = nil
	}
}

// cover reports whether g covers lit, crediting the scopes that do: a
// dynamic scope is covered by an open scope (OpenScope), an unknown one
// only by "*".
func (c *checker) cover(kind capability.ScopeKind, lit literal, g *Entry) bool {
	if g == nil {
		return false
	}
	hit := false
	for i := range g.Scopes {
		s := &g.Scopes[i]
		var ok bool
		switch lit.state {
		case litDynamic:
			ok = OpenScope(kind, s.Value)
		case litKnown:
			ok = Match(kind, s.Value, lit.value)
		default:
			ok = s.Value == "*"
		}
		if ok {
			c.usedScope[s] = true
			hit = true
		}
	}
	if hit {
		c.usedGrant[g] = true
	}
	return hit
}

func who(ps []string) string {
	var tools []string
	server := false
	for _, p := range ps {
		if p == "" {
			server = true
		} else {
			tools = append(tools, p)
		}
	}
	var parts []string
	switch len(tools) {
	case 0:
	case 1:
		parts = append(parts, "tool "+tools[0])
	default:
		parts = append(parts, "tools "+strings.Join(tools, ", "))
	}
	if server {
		parts = append(parts, "server (start-up code)")
	}
	return strings.Join(parts, " and ")
}

func apiName(f *finding.Finding) string {
	if f.API != "" {
		return f.API
	}
	return "this call"
}

func addHint(f *finding.Finding) string {
	if l := literalOf(f); l.state == litUnknown {
		return `add "*": only "*" covers a scope that cannot be inferred`
	}
	_, scope, exact := Grant(f)
	if exact {
		return fmt.Sprintf("add %s", strconv.Quote(scope))
	}
	if scope == "*" {
		return `add "*": the argument is not a literal`
	}
	return fmt.Sprintf("add %s: only the start of the argument is known", strconv.Quote(scope))
}

func (c *checker) undeclaredMessage(f *finding.Finding, ps []string) string {
	verb := "declare"
	if len(ps) == 1 {
		verb = "declares"
	}
	return fmt.Sprintf("%s %s but %s %s no %s (%s)", apiName(f), does[f.Capability], who(ps), verb, f.Capability, addHint(f))
}

func (c *checker) outOfScopeMessage(f *finding.Finding, lit literal, ps []string) string {
	var granted []string
	for _, p := range ps {
		for _, g := range []*Entry{c.m.Tool(p).Lookup(f.Capability), c.m.Server.Lookup(f.Capability)} {
			if g == nil || (p == "" && g != c.m.Server.Lookup(f.Capability)) {
				continue
			}
			for _, s := range g.Scopes {
				granted = appendUnique(granted, s.Value)
			}
		}
	}
	what := strconv.Quote(lit.value)
	switch lit.state {
	case litUnknown:
		what = "where its literal argument cannot say (" + lit.why + ")"
	case litDynamic:
		hint := addHint(f)
		if f.Scope != "" && f.ScopeUnknown == "" {
			hint = `add "*": values that are not literals reach it beside the literal ones`
		}
		return fmt.Sprintf("%s %s with an argument computed at run time, which the %s grant of %s [%s] names no scope for (%s)", apiName(f), does[f.Capability],
			f.Capability, who(ps), strings.Join(granted, ", "), hint)
	}
	return fmt.Sprintf("%s %s %s, outside the %s grant of %s [%s] (%s)", apiName(f), does[f.Capability], what,
		f.Capability, who(ps), strings.Join(granted, ", "), addHint(f))
}

// OpenScope reports whether grant scope s of a capability of kind speaks
// for values chosen at run time, and so covers a call whose argument is not
// a literal: "*", or a path under ${ROOT} (the directories the server is
// given at run time, which no literal in the code names). Every other scope
// names what literals need (api.github.com, ${HOME}/**, git, 3000) and says
// nothing for a computed argument: the manifest must say explicitly what
// such an argument may be.
func OpenScope(kind capability.ScopeKind, s string) bool {
	if s == "*" {
		return true
	}
	if kind == capability.ScopePath {
		return s == "${ROOT}" || strings.HasPrefix(s, "${ROOT}/")
	}
	return false
}

func appendUnique(xs []string, s string) []string {
	for _, x := range xs {
		if x == s {
			return xs
		}
	}
	return append(xs, s)
}

func (c *checker) unknownTools(tools map[string]bool) []finding.Finding {
	var out []finding.Finding
	var known []string
	for t := range tools {
		known = append(known, t)
	}
	sort.Strings(known)
	list := strings.Join(known, ", ")
	if len(known) > 12 {
		list = strings.Join(known[:12], ", ") + ", …"
	}
	if len(known) == 0 {
		// No registration was found at all (names built at run time, an
		// SDK the extractors do not know): every tool would be "unknown".
		return nil
	}
	for _, t := range c.m.Tools {
		if tools[t.Name] {
			continue
		}
		out = append(out, finding.Finding{
			Kind: finding.KindInvalidManifest, File: c.m.Path, Span: t.Span, CallSpan: t.Span,
			Rule: RuleUnknownTool, Severity: finding.Error,
			Message: fmt.Sprintf("tool %q is not registered by the code (registered: %s)", t.Name, list),
		})
	}
	return out
}

func (c *checker) unused(tools map[string]bool) []finding.Finding {
	var out []finding.Finding
	sections := []*Section{&c.m.Server}
	for i := range c.m.Tools {
		if tools[c.m.Tools[i].Name] {
			sections = append(sections, &c.m.Tools[i])
		}
	}
	for _, sec := range sections {
		owner := "the server"
		if sec.Name != "" {
			owner = "tool " + sec.Name
		}
		for gi := range sec.Entries {
			g := &sec.Entries[gi]
			if g.Invalid {
				continue
			}
			if !c.usedGrant[g] {
				out = append(out, unusedFinding(c.m.Path, g.Span, g.Capability, fmt.Sprintf(
					"%s is granted %s but no code it reaches %s (excess privilege: remove the grant)", owner, g.Capability, does[g.Capability])))
				continue
			}
			for si := range g.Scopes {
				s := &g.Scopes[si]
				if !c.usedScope[s] {
					out = append(out, unusedFinding(c.m.Path, s.Span, g.Capability, fmt.Sprintf(
						"scope %s of %s's %s is not needed by any call (excess privilege: remove it)", strconv.Quote(s.Value), owner, g.Capability)))
				}
			}
		}
	}
	return out
}

func unusedFinding(path string, sp source.Span, id capability.ID, msg string) finding.Finding {
	return finding.Finding{
		Kind: finding.KindUnusedGrant, File: path, Span: sp, CallSpan: sp,
		Capability: id, Class: id.Class(), Rule: RuleUnused, Message: msg, Severity: finding.Warning,
	}
}
