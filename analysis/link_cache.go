package analysis

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"weak"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
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
	// goTypeCalls are the calls resolveGoTypes may rewrite.
	goTypeCalls []int
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
	// hostLit: the host is literal, so input filling the rest of a URL
	// cannot redirect the connection and taint is not reported.
	hostLit bool
	// critical: tainted, the call runs programs or code chosen by the model.
	critical bool
	risk     capability.Risk
	rule     *rules.Rule
	api      string
	scope    string
	// scopeUnknown: why the literal scope cannot be inferred (only "*" covers it).
	scopeUnknown string
	// refs are the parameter references whose tool-input taint escalates it.
	refs []facts.ParamRef
}

func newFileStatic(e *Engine, f *facts.File) *fileStatic {
	st := &fileStatic{byName: functionNames(f)}
	switch f.Lang.Family() {
	case "python":
		st.pyModules = pyModuleNames(f.Path)
	case "go":
		for k := range f.Calls {
			if goTypeCandidate(f.Calls[k].Module, f.Calls[k].Member) {
				st.goTypeCalls = append(st.goTypeCalls, k)
			}
		}
	}
	st.cands, st.order = fileCandidates(e, f)
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
func fileCandidates(e *Engine, f *facts.File) ([]candidate, []int32) {
	var out []candidate
	for k := range f.Calls {
		out = callCandidates(e, f, k, out)
	}
	out = slices.Clip(out)
	return out, candidateOrder(f, out)
}

// callCandidates appends the rule matches of call k of f to out.
func callCandidates(e *Engine, f *facts.File, k int, out []candidate) []candidate {
	c := &f.Calls[k]
	if c.Func < 0 || c.Func >= len(f.Functions) {
		return out
	}
	fam := f.Lang.Family()
	dynamic := false
	switch fam {
	case "js":
		if strings.HasPrefix(c.Module, ".") || strings.HasPrefix(c.Module, "/") {
			return out // a project file: an edge of the call graph, not a library call
		}
	case "python":
		if strings.HasPrefix(c.Module, ".") {
			return out
		}
		dynamic = true
	case "go":
		dynamic = true
	}
	for _, m := range e.rules.Match(fam, c) {
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
	cd := candidate{call: int32(k), dynamic: dynamic, rule: r, risk: info.BaseRisk, api: apiName(f.Lang.Family(), c), scope: m.Scope.Value}
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
	if m.Scope.State == scope.Unknown {
		cd.scopeUnknown = m.Scope.Why
		if cd.scopeUnknown == "" {
			cd.scopeUnknown = "the scope cannot be inferred"
		}
	}
	cd.hostLit = info.Scope == capability.ScopeHost && cd.scope != ""
	cd.critical = r.Capability == capability.SystemExec || r.Capability == capability.SystemCode
	cd.supp = int32(suppressionFor(f, candidateSpan(f, &cd).Start.Line, r.Capability))
	return cd
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
	}
	if cd.scope != "" {
		info, _ := capability.Lookup(r.Capability)
		fd.Scope = cd.scope
		fd.ScopeKind = string(info.Scope)
	} else if cd.scopeUnknown != "" {
		info, _ := capability.Lookup(r.Capability)
		fd.ScopeUnknown = cd.scopeUnknown
		fd.ScopeKind = string(info.Scope)
	}
	if l.tainted && !cd.hostLit {
		fd.Tainted = true
		fd.TaintTool = l.taintTool
		fd.TaintSource = l.taintSource
		fd.Risk = fd.Risk.Escalate()
		if cd.critical {
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
	// tainted: the references lead to tool input (reported unless hostLit).
	server, tainted        bool
	tools                  []string
	taintTool, taintSource string
}

// suppressionFor returns the suppression of f covering a finding of
// capability id on line, or -1.
func suppressionFor(f *facts.File, line int, id capability.ID) int {
	for k, s := range f.Suppressions {
		if (s.Line == line || s.OwnLine && s.Line+1 == line) && covers(s.Capabilities, id) {
			return k
		}
	}
	return -1
}

// goTypeCandidate reports whether resolveGoTypes may rewrite a call: its
// symbol is rooted in a named type of the package, or in an instance of a
// type of a (possibly project) package.
func goTypeCandidate(mod, member string) bool {
	if strings.HasPrefix(mod, goTypeRoot) {
		return true
	}
	_, ok := instanceOfType(member)
	return ok && strings.Contains(mod, ".")
}

// linkCache keeps, per root, the latest link (linkSnapshot): the next
// link reuses what the files it shares with it give alone, and, when only
// a few files changed in ways the call graph does not see, the whole
// outcome (relink). Only the files of a root's latest link are kept, and
// few roots.
type linkCache struct {
	mu    sync.Mutex
	tick  uint64
	roots map[string]*rootLink
}

type rootLink struct {
	snap *linkSnapshot
	used uint64
}

// linkSnapshot is one link of a root. It is immutable.
type linkSnapshot struct {
	given []*facts.File // the files as the caller passed them
	base  []*fileStatic // what each gives alone (before Go type rewrites)
	out   *linkOut
	// ix is the call graph, reach and name tables of the link, kept when
	// its taint answers do not depend on the order of the questions (see
	// graphLink); nil otherwise. Its files and tools may be older versions
	// of out's with the same graph (relink keeps it).
	ix *index
}

// maxCachedRoots bounds the roots kept: an editor has a few workspace
// folders open; a program linking many trees once gains nothing from more.
const maxCachedRoots = 8

// linkCaches maps an engine, weakly, to its cache: the cache lives as long
// as the engine and goes with it.
var linkCaches sync.Map // weak.Pointer[Engine] → *linkCache

func (e *Engine) linkCache() *linkCache {
	key := weak.Make(e)
	if c, ok := linkCaches.Load(key); ok {
		return c.(*linkCache)
	}
	c, loaded := linkCaches.LoadOrStore(key, &linkCache{roots: map[string]*rootLink{}})
	if !loaded {
		runtime.AddCleanup(e, func(k weak.Pointer[Engine]) { linkCaches.Delete(k) }, key)
	}
	return c.(*linkCache)
}

func (c *linkCache) snapshot(root string) *linkSnapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := c.roots[root]; r != nil {
		return r.snap
	}
	return nil
}

func (c *linkCache) store(root string, snap *linkSnapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	c.roots[root] = &rootLink{snap: snap, used: c.tick}
	for len(c.roots) > maxCachedRoots {
		oldest, at := "", c.tick
		for r, rl := range c.roots {
			if rl.used < at {
				oldest, at = r, rl.used
			}
		}
		delete(c.roots, oldest)
	}
}

// statics returns the fileStatic of every file, reusing those of the
// root's latest link and the comparisons of changed files with it (diffs).
func (c *linkCache) statics(e *Engine, root string, files []*facts.File, ld *linkDiff) []*fileStatic {
	var prev map[*facts.File]*fileStatic
	var byPath map[string]int // index in snap.given, for files edited since
	snap := c.snapshot(root)
	if snap != nil {
		prev = make(map[*facts.File]*fileStatic, len(snap.given))
		byPath = make(map[string]int, len(snap.given))
		for i, f := range snap.given {
			prev[f] = snap.base[i]
			if f != nil {
				byPath[f.Path] = i
			}
		}
	}
	out := make([]*fileStatic, len(files))
	var diffs []*fileDiff
	if ld != nil {
		diffs = ld.files
	}
	for _, d := range diffs {
		if d.i < len(files) && files[d.i] == d.nf {
			out[d.i] = d.static(e)
			if prev != nil {
				prev[d.nf] = out[d.i]
			}
		}
	}
	for i, f := range files {
		if out[i] == nil {
			out[i] = prev[f]
		}
		if out[i] == nil {
			if j, ok := byPath[f.Path]; ok && f != nil && snap.given[j] != nil && snap.base[j] != nil {
				out[i] = updatedStatic(e, snap.given[j], f, snap.base[j])
			} else {
				out[i] = newFileStatic(e, f)
			}
			if prev != nil {
				prev[f] = out[i] // a file listed twice
			}
		}
	}
	return out
}

// remember makes a full link the root's latest. Its index is kept for
// graphLink when its taint answers are exact (see graphLink), without the
// memos: graphLink asks its questions afresh.
func (c *linkCache) remember(root string, given []*facts.File, ix *index, out *linkOut) {
	snap := &linkSnapshot{given: slices.Clone(given), base: ix.cached, out: out}
	if ix.taintExact() {
		ix.taintMemo, ix.inFlight, ix.localDirs, ix.pyLocal, ix.diffs = nil, nil, nil, nil, nil
		snap.ix = ix
	}
	c.store(root, snap)
}

// compareFindings is the order of findings in a Result: file, position,
// capability, rule.
func compareFindings(a, b *finding.Finding) int {
	if a.File != b.File {
		return strings.Compare(a.File, b.File)
	}
	if a.Span.Start.Offset != b.Span.Start.Offset {
		if a.Span.Start.Offset < b.Span.Start.Offset {
			return -1
		}
		return 1
	}
	if a.Capability != b.Capability {
		return strings.Compare(string(a.Capability), string(b.Capability))
	}
	return strings.Compare(a.Rule, b.Rule)
}
