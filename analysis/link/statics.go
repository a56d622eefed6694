package link

import (
	"slices"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/command"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/analysis/modules"
	"github.com/mcpriv/mcpriv/analysis/scope"
	"github.com/mcpriv/mcpriv/analysis/source"
	"github.com/mcpriv/mcpriv/rules"
)

// The language server links the whole workspace after every keystroke, yet
// all files but one keep the same *facts.File. What Link derives from one
// file's facts alone — its name table, its rule matches with their static
// finding fields, which suppression covers each — is therefore kept per
// facts pointer and reused; only the cross-file part (call graph, reach,
// taint, module resolution) is recomputed.

// fileStatic is what Link derives from one file's facts and the engine's
// rules alone. It is immutable once built, so links running at the same
// time may share it.
type fileStatic struct {
	// byName: "Class.name" (".name" for plain functions, "*.name" for a
	// method of any class) → function indices.
	byName map[string][]int
	// pyModules are the dotted module names the file may be imported as.
	pyModules []string
	// typeCalls are the calls resolveTypes may rewrite: Go calls through
	// named types, Python and JS calls through imports of project files.
	typeCalls []int
	// cands are the rule matches of the file's calls, in the order the calls
	// and the rules produce them (taint is memoised with cycle cuts, so the
	// order of evaluation is kept); order lists them as findings sort.
	cands []candidate
	order []int32
}

// candidate is a rule match of one call: what its finding takes from the
// file alone. The rest (tools, server reach, taint, manifest state) depends
// on the other files.
type candidate struct {
	call int32
	// supp is the suppression covering the finding (-1: none).
	supp int32
	// dynamic: whether the call's module is a project module depends on the
	// other files (Python modules, Go packages), so it is decided per link.
	dynamic bool
	// driver: the rule's database/sql driver conditions are decided by the
	// drivers the whole tree imports, at assembly (sqldrivers.go).
	driver bool
	// hostLit: the host is literal, so input filling the rest of a URL
	// cannot redirect the connection: its taint does not escalate the risk.
	hostLit bool
	// critical: tainted, the call runs programs or code chosen by the model.
	critical bool
	risk     capability.Risk
	rule     *rules.Rule
	api      string
	scope    string
	// scopeUnknown: why the literal scope cannot be inferred (only "*" covers it).
	scopeUnknown string
	// scopeEnv, scopeOverride: finding.ScopeEnv and ScopeOverride.
	scopeEnv, scopeOverride string
	// cmd is the command line of a system.exec call (command.Words).
	cmd []string
	// refs are the parameter references whose tool-input taint chooses the
	// call's target (and escalates it); payload those that choose only what
	// it carries (rules.Match.PayloadArgs).
	refs, payload []facts.ParamRef
	// pass is the parameter the scope argument passes on unchanged when the
	// call itself gives no scope (the link follows its callers' values,
	// constprop.go), and passKind the scope kind; nil when there is none.
	pass     *facts.ParamRef
	passKind string
	// cref is the scope argument when it starts with a constant of another
	// file (facts.Arg.Const) and gives no scope alone: the link looks the
	// constant up (constprop.go); passKind is then its scope kind.
	cref *facts.Arg
	// lead is the scope argument when it starts with the parameter pass
	// (facts.Arg.Lead): each value the callers pass is followed by its
	// text (constprop.go).
	lead *facts.Arg
	// tailArg is the scope argument when a parameter ends its known text
	// (facts.Arg.Tail): the callers' values of it may complete the origin
	// (constprop.go, tailEnds).
	tailArg *facts.Arg
	// scopeOpen: scope is the default of a value that is not literal
	// (facts.Arg.Default): other values reach the call too.
	scopeOpen bool
	// stored are the scopes, beside scope, of the literal values the file
	// stores into the option a library default stands for (overrideStores).
	stored []string
}

func newFileStatic(l *Linker, f *facts.File) *fileStatic {
	st := &fileStatic{byName: functionNames(f)}
	x := lang.For(f.Lang)
	if x.Imports() == lang.ImportsModules {
		st.pyModules = modules.PyModuleNames(f.Path)
	}
	st.typeCalls = typeCalls(f)
	st.cands, st.order = fileCandidates(l, f)
	return st
}

// functionNames indexes f's named functions by "Class.name", and methods
// also by "*.name".
func functionNames(f *facts.File) map[string][]int {
	byName := map[string][]int{}
	for j, fn := range f.Functions {
		if fn.Name == "" {
			continue
		}
		byName[fn.Class+"."+fn.Name] = append(byName[fn.Class+"."+fn.Name], j)
		if fn.Class != "" {
			byName["*."+fn.Name] = append(byName["*."+fn.Name], j)
		}
	}
	return byName
}

// fileCandidates applies the rules to every library call of f.
func fileCandidates(l *Linker, f *facts.File) ([]candidate, []int32) {
	var out []candidate
	for k := range f.Calls {
		out = callCandidates(l, f, k, out)
	}
	out = slices.Clip(out)
	return out, candidateOrder(f, out)
}

// callCandidates appends the rule matches of call k of f to out.
func callCandidates(l *Linker, f *facts.File, k int, out []candidate) []candidate {
	c := &f.Calls[k]
	if c.Func < 0 || c.Func >= len(f.Functions) {
		return out
	}
	x := lang.For(f.Lang)
	fam := x.Family()
	if x.RelativeImport(c.Module) {
		return out // a project file: an edge of the call graph, not a library call
	}
	dynamic := x.Imports() != lang.ImportsFiles
	for _, m := range l.rules.Match(fam, c) {
		if out == nil {
			out = make([]candidate, 0, len(f.Calls)/4+1)
		}
		out = append(out, newCandidate(f, k, c, m, dynamic))
	}
	return out
}

// candidateOrder lists cands in the order of their findings.
func candidateOrder(f *facts.File, cands []candidate) []int32 {
	order := make([]int32, len(cands))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		ca, cb := &cands[a], &cands[b]
		sa, sb := candidateSpan(f, ca), candidateSpan(f, cb)
		if sa.Start.Offset != sb.Start.Offset {
			if sa.Start.Offset < sb.Start.Offset {
				return -1
			}
			return 1
		}
		if ca.rule.Capability != cb.rule.Capability {
			return strings.Compare(string(ca.rule.Capability), string(cb.rule.Capability))
		}
		return strings.Compare(ca.rule.ID, cb.rule.ID)
	})
	return order
}

// candidateSpan is where a finding points: the callee, else the call.
func candidateSpan(f *facts.File, cd *candidate) source.Span {
	c := &f.Calls[cd.call]
	if c.CalleeSpan == (source.Span{}) {
		return c.Span
	}
	return c.CalleeSpan
}

func newCandidate(f *facts.File, k int, c *facts.Call, m rules.Match, dynamic bool) candidate {
	r := m.Rule
	info, _ := capability.Lookup(r.Capability)
	cd := candidate{call: int32(k), dynamic: dynamic, rule: r, risk: info.BaseRisk, api: apiName(lang.For(f.Lang), c), scope: m.Scope.Value}
	cd.driver = r.DriverDeferred(c)
	if cd.scope != "" {
		cd.scopeEnv, cd.scopeOverride = m.Env, m.Override
		if m.Override != "" {
			cd.overrideStores(f, c, m.ScopeKind)
		}
	}
	if r.Risk != "" {
		if rk, err := capability.ParseRisk(r.Risk); err == nil {
			cd.risk = rk
		}
	}
	for _, a := range m.TaintArgs {
		cd.refs = argRefs(a, cd.refs, 2)
	}
	if m.TaintKey {
		cd.refs = append(cd.refs, c.KeyRefs...)
	}
	for _, a := range m.PayloadArgs {
		cd.payload = argRefs(a, cd.payload, 2)
	}
	if m.Scope.State == scope.Unknown {
		cd.scopeUnknown = m.Scope.Why
		if cd.scopeUnknown == "" {
			cd.scopeUnknown = "the scope cannot be inferred"
		}
	}
	if r.Capability == capability.SystemExec {
		cd.cmd = command.Words(c, m.ScopeArg, m.ScopeKind)
	}
	if a := m.ScopeArg; m.Scope.State == scope.Dynamic && a != nil && a.Pass && len(a.Refs) == 1 && m.ScopeKind != "code" &&
		slices.ContainsFunc(cd.refs, a.Refs[0].Equal) {
		// Its taint questions are asked too, so the incremental link
		// re-asks this one whenever they may have another answer.
		ref := a.Refs[0]
		cd.pass, cd.passKind = &ref, m.ScopeKind
	}
	if a := m.ScopeArg; m.Scope.State == scope.Dynamic && a != nil && a.Lead && len(a.Refs) > 0 && m.ScopeKind != "code" &&
		slices.ContainsFunc(cd.refs, a.Refs[0].Equal) {
		ref := a.Refs[0]
		cd.pass, cd.passKind, cd.lead = &ref, m.ScopeKind, a
	}
	if a := m.ScopeArg; m.Scope.State == scope.Dynamic && a != nil && a.Const != nil && m.ScopeKind != "code" {
		cd.cref, cd.passKind = a, m.ScopeKind
	}
	if a := m.ScopeArg; m.Scope.State == scope.Dynamic && a != nil && a.Default != "" && m.ScopeKind != "code" {
		// The fallback's scope, granted beside "*": the value it stands
		// in for reaches the call too.
		fam := scope.Family(lang.For(f.Lang).Family())
		if sc := scope.Infer(fam, m.ScopeKind, &facts.Arg{Value: a.Default, Known: true, Prefix: a.DefaultPrefix, Func: -1}); sc.State == scope.Known {
			cd.scope, cd.scopeOpen = sc.Value, true
		}
	}
	if a := m.ScopeArg; m.Scope.State == scope.Dynamic && a != nil && a.Tail != nil && cd.scope == "" && m.ScopeKind == "url" &&
		slices.ContainsFunc(cd.refs, a.Tail.Equal) {
		cd.tailArg, cd.passKind = a, m.ScopeKind
	}
	cd.hostLit = info.Scope == capability.ScopeHost && cd.scope != "" && !cd.scopeOpen && len(cd.stored) == 0
	cd.critical = r.Capability == capability.SystemExec || r.Capability == capability.SystemCode
	cd.supp = int32(suppressionFor(f, candidateSpan(f, &cd).Start.Line, r.Capability))
	return cd
}

// overrideStores weighs, for a scope that is a library's default, the
// values the file stores into the option that overrides it on an
// instance of the call's module after construction (client.base_url =
// "https://…", facts.Call.Store): the call may run before or after the
// store, so a literal's scope is needed beside the default's, a value
// that is not literal leaves the scope open (only "*" covers it), and one
// whose scope cannot be inferred makes it unknown. Stores in other files
// are not seen (docs/security.md).
func (cd *candidate) overrideStores(f *facts.File, c *facts.Call, kind string) {
	fam := scope.Family(lang.For(f.Lang).Family())
	for k := range f.Calls {
		s := &f.Calls[k]
		if !s.Store || s.Module != c.Module || s.Key != cd.scopeOverride || len(s.Args) != 1 {
			continue
		}
		switch v := scope.Infer(fam, kind, &s.Args[0]); v.State {
		case scope.Known:
			if v.Value != cd.scope && !slices.Contains(cd.stored, v.Value) {
				cd.stored = append(cd.stored, v.Value)
			}
		case scope.Unknown:
			cd.scope, cd.stored, cd.scopeEnv, cd.scopeOverride = "", nil, "", ""
			cd.scopeUnknown = v.Why
			if cd.scopeUnknown == "" {
				cd.scopeUnknown = "the scope cannot be inferred"
			}
			return
		default:
			cd.scopeOpen = true
		}
	}
}

// hasStore reports whether calls hold a store (facts.Call.Store), which
// decides the scope of other calls of the file.
func hasStore(calls []facts.Call) bool {
	for k := range calls {
		if calls[k].Store {
			return true
		}
	}
	return false
}

// fill writes the candidate's finding, with the part the other files
// decide (l), to fd: in place in the result, as a finding is large and a
// big file has thousands.
func (cd *candidate) fill(fd *finding.Finding, f *facts.File, l *linked) {
	c := &f.Calls[cd.call]
	r := cd.rule
	*fd = finding.Finding{
		Kind:       finding.KindCapability,
		File:       f.Path,
		Span:       candidateSpan(f, cd),
		CallSpan:   c.Span,
		Capability: r.Capability,
		Class:      r.Capability.Class(),
		API:        cd.api,
		Rule:       r.ID,
		Message:    r.Message,
		Risk:       cd.risk,
		Tools:      l.tools,
		Server:     l.server,
		Command:    cd.cmd,
	}
	if c.Func >= 0 && c.Func < len(f.Functions) {
		fd.Func = f.Functions[c.Func].Span
	}
	if cd.scope != "" {
		info, _ := capability.Lookup(r.Capability)
		fd.Scope = cd.scope
		fd.ScopeKind = string(info.Scope)
		fd.ScopeEnv, fd.ScopeOverride = cd.scopeEnv, cd.scopeOverride
		fd.ScopeDynamic = cd.scopeOpen
		if len(cd.stored) > 0 {
			fd.Scopes = append([]string{cd.scope}, cd.stored...)
		}
	} else if cd.scopeUnknown != "" {
		info, _ := capability.Lookup(r.Capability)
		fd.ScopeUnknown = cd.scopeUnknown
		fd.ScopeKind = string(info.Scope)
	}
	hostLit := cd.hostLit
	if (cd.scope == "" || l.prop != nil && l.prop.sdk) && cd.scopeUnknown == "" && l.prop != nil {
		p := l.prop
		info, _ := capability.Lookup(r.Capability)
		fd.ScopeKind = string(info.Scope)
		if p.unknown != "" {
			fd.ScopeUnknown = p.unknown
		} else {
			fd.Scope = p.known[0]
			if len(p.known) > 1 {
				fd.Scopes = p.known
			}
			fd.ScopeUsers = p.users
			fd.ScopeDynamic = p.open
			fd.ScopeEnv = p.env
			hostLit = info.Scope == capability.ScopeHost && !p.open
		}
	}
	if l.tainted {
		fd.Tainted = true
		fd.TaintTool = l.taintTool
		fd.TaintSource = l.taintSource
		fd.TaintRole = l.taintRole
		// Input that only fills the path of a URL on a literal host, or the
		// body of a call, cannot send it elsewhere: the risk stays. A program
		// or code run with model-chosen arguments is critical either way.
		if l.taintRole == finding.TaintTarget && !hostLit {
			fd.Risk = fd.Risk.Escalate()
		}
		if cd.critical && (l.taintRole == finding.TaintPayload || !hostLit) {
			fd.Risk = capability.Critical
		}
	}
	if cd.supp >= 0 {
		fd.Suppression = f.Suppressions[cd.supp].Reason
	}
}

// linked is what a link decides about a candidate. It depends on the call
// graph and the candidate's taint references, not on literal values.
type linked struct {
	keep bool // a library call (not a project module)
	// tainted: the references lead to tool input; taintRole says through
	// which (finding.TaintTarget or finding.TaintPayload).
	server, tainted                   bool
	tools                             []string
	taintTool, taintSource, taintRole string
	// prop: the scopes the callers' values give a candidate with a pass
	// parameter (nil: none reaches it).
	prop *constScope
}

// typeCalls lists the calls of f resolveTypes may rewrite.
func typeCalls(f *facts.File) []int {
	x := lang.For(f.Lang)
	var out []int
	for k := range f.Calls {
		if typeCandidate(x, &f.Calls[k]) {
			out = append(out, k)
		}
	}
	return out
}

// typeCandidate reports whether resolveTypes may rewrite call c of a file
// of language x.
func typeCandidate(x lang.Language, c *facts.Call) bool {
	if x.TypedAcrossPackage() {
		return goTypeCandidate(c.Module, c.Member)
	}
	return objCandidate(x, c)
}

// goTypeCandidate reports whether resolveTypes may rewrite a Go call: its
// symbol is rooted in a named type of the package, or in an instance of a
// type of a (possibly project) package.
func goTypeCandidate(mod, member string) bool {
	if strings.HasPrefix(mod, goTypeRoot) {
		return true
	}
	_, ok := instanceOfType(member)
	return ok && strings.Contains(mod, ".")
}
