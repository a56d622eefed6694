package link

import (
	"path"
	"slices"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/analysis/modules"
	"github.com/mcpriv/mcpriv/analysis/scope"
)

// Constant propagation for scopes, the dual of taint: a sensitive call
// whose scope argument is a parameter passed on unchanged (facts.Arg.Pass)
// gets the scopes of the values its callers pass, per call site and
// through chains of such parameters, across files. A helper get(url)
// called with two literal URLs has both hosts; a caller passing tool input,
// a computed value or nothing at all leaves the scope open (unknown), never
// dropped; nothing is invented.
//
// The answer is a function of the call graph and the callers' literals
// alone, whatever the order of the questions: a cycle of parameters adds
// nothing (the values entering it come in elsewhere), an answer is
// memoised only when no cycle or depth limit cut it, and the work is
// counted as the plain recursion counts it, so a memo hit changes nothing.

// maxConstDepth bounds the chain of callers followed; maxConstSites the
// call sites read for one candidate; maxConstVals the values kept.
const (
	maxConstDepth = 8
	maxConstSites = 256
	maxConstVals  = 16
)

// constScope is what the values reaching a candidate's scope argument from
// its callers give.
type constScope struct {
	known   []string // the scopes, sorted, distinct
	unknown string   // why a value's scope cannot be stated (only "*" covers it)
	open    bool     // some value is not a literal: tool input, computed, missing
	// env: the one known value is the default of this environment
	// variable or ("-name") flag (Go fields and variables, goconst.go;
	// a Python constant of another module, pyConstArg; JS
	// process.env.X ?? DEFAULT_URL of another file).
	env string
	// users: per scope of known, the principals (tools, "" for start-up
	// code) reaching a function that passes a value with it: only they
	// need it granted; under "*", those passing values that are not
	// literals.
	users map[string][]string
	// sdk: the scopes are a library's default host and the project's
	// overrides of it; they replace the candidate's own (default) scope.
	sdk bool
}

// constVal is a value and the functions that pass it (sorted, distinct).
type constVal struct {
	s      string
	prefix bool
	from   []fnID
}

type constAnswer struct {
	vals []constVal // sorted, distinct
	open bool
	// openFrom are the functions passing the values that are not literals
	// (or holding the parameter when none passes it), sorted, distinct.
	openFrom []fnID
}

// openAt marks the answer open, by a value fn passes.
func (a *constAnswer) openAt(fn fnID) {
	a.open = true
	a.openFrom = append(a.openFrom, fn)
}

type constKey struct {
	fn    fnID
	param int
	path  string
}

type constEntry struct {
	ans    constAnswer
	sites  int // call sites the plain recursion reads for it
	height int // the longest chain of callers below it
}

// constWalk is one candidate's question.
type constWalk struct {
	ix     *index
	sites  int
	onPath map[constKey]bool
}

// linkConst decides a candidate's scope from its callers' values.
func (ix *index) linkConst(l *linked, file int, c *facts.Call, cd *candidate) {
	l.prop = nil
	if cd.scope != "" && (cd.scopeOverride != "" || fixedHost(cd.rule)) && ix.langs[file].Imports() == lang.ImportsPackages {
		ix.linkGoDefault(l, file, c, cd)
		return
	}
	if cd.cref != nil {
		ix.linkConstRef(l, file, c, cd)
		return
	}
	if cd.pass == nil {
		if cd.tailArg != nil {
			ix.linkTail(l, file, c, cd)
		}
		return
	}
	ends := cd.lead != nil && cd.lead.Tail != nil && cd.lead.Prefix && ix.tailEnds(file, c, cd.lead)
	decl := ix.taintDecl(file, c.Func, *cd.pass)
	if decl < 0 {
		return
	}
	w := &constWalk{ix: ix, onPath: map[constKey]bool{}}
	ans, _, _ := w.values(ix.base[file]+fnID(decl), cd.pass.Param, cd.pass.Path, 0)
	if w.sites > maxConstSites {
		ans = constAnswer{open: true} // too much to follow: nothing is claimed
	}
	fam := scope.Family(lang.For(ix.files[file].Lang).Family())
	cs := &constScope{open: ans.open}
	for _, v := range ans.vals {
		s, prefix := v.s, v.prefix
		if cd.lead != nil && !prefix {
			// `${base}/v1`: the caller's value, then the text after it.
			if len(s)+len(cd.lead.Value) > maxConstValue {
				prefix = true
			} else {
				s, prefix = s+cd.lead.Value, cd.lead.Prefix
				if ends {
					s += "/" // the path the callers pass ends the origin
				}
			}
		}
		sc := scope.Infer(fam, cd.passKind, &facts.Arg{Value: s, Known: true, Prefix: prefix})
		switch sc.State {
		case scope.Known:
			cs.known = append(cs.known, sc.Value)
			cs.addUsers(ix, sc.Value, v.from)
		case scope.Unknown:
			if cs.unknown == "" {
				cs.unknown = sc.Why
				if cs.unknown == "" {
					cs.unknown = "the scope cannot be inferred"
				}
			}
		default:
			cs.open = true
			cs.addUsers(ix, "*", v.from)
		}
	}
	if ans.open {
		cs.addUsers(ix, "*", ans.openFrom)
	}
	slices.Sort(cs.known)
	cs.known = slices.Compact(cs.known)
	for k, u := range cs.users {
		slices.Sort(u)
		cs.users[k] = slices.Compact(u)
	}
	if len(cs.known) == 0 && cs.unknown == "" {
		return // nothing literal reaches it: as before, a dynamic scope
	}
	l.prop = cs
}

// values returns the values parameter param (at path) of fn receives from
// its callers; clean is false when a cycle or the depth limit cut the
// answer, height the longest chain of callers followed.
func (w *constWalk) values(fn fnID, param int, path []string, depth int) (ans constAnswer, clean bool, height int) {
	ix := w.ix
	key := constKey{fn: fn, param: param, path: strings.Join(path, "\x00")}
	if e, ok := ix.constMemo[key]; ok && depth+e.height <= maxConstDepth {
		w.sites += e.sites
		return e.ans, true, e.height
	}
	if w.onPath[key] {
		return constAnswer{}, false, 0 // a cycle: what enters it is found elsewhere
	}
	if depth >= maxConstDepth || w.sites > maxConstSites {
		return constAnswer{open: true, openFrom: []fnID{fn}}, false, 0
	}
	start := w.sites
	clean = true
	if param < 0 || len(ix.rootTools[fn]) > 0 || len(ix.callers[fn]) == 0 {
		// The receiver, tool input, or a function nothing here calls.
		ans.openAt(fn)
	} else {
		w.onPath[key] = true
		file := int(ix.owner[fn])
		callee := &ix.files[file].Functions[fn-ix.base[file]]
		for _, cs := range ix.callers[fn] {
			if ix.constRead == nil {
				ix.constRead = map[fnSite]bool{}
			}
			cf := int(ix.owner[cs.caller])
			ix.constRead[fnSite{cf, int(cs.caller - ix.base[cf])}] = true
			w.sites++
			if w.sites > maxConstSites {
				ans.open, clean = true, false
				break
			}
			a, rest := siteArg(cs.args, callee, param, path)
			switch {
			case a == nil || cs.guess:
				// Nothing passed, or a call that may be to another method
				// of that name: what reaches the parameter is not known.
				ans.openAt(cs.caller)
			case a.Const != nil && len(rest) == 0 && ix.langs[cf].Imports() == lang.ImportsPackages:
				// A Go constant, variable or field, with the text after it.
				// Not memoised: the answer depends on how deep it is asked.
				vals, open := ix.goConstVals(cf, *a.Const, a.Value, a.Prefix, depth+1)
				clean = false
				for _, v := range vals {
					ans.vals = append(ans.vals, constVal{s: v.s, prefix: v.prefix, from: []fnID{cs.caller}})
				}
				if open || len(vals) == 0 {
					ans.openAt(cs.caller)
				}
			case a.Const != nil && len(rest) == 0:
				// A constant of another file, with the text after it.
				if r := ix.constArg(cf, a); r != nil {
					ans.vals = append(ans.vals, constVal{s: r.Value, prefix: r.Prefix, from: []fnID{cs.caller}})
				} else {
					ans.openAt(cs.caller)
				}
			case a.Known && len(rest) == 0:
				ans.vals = append(ans.vals, constVal{s: a.Value, prefix: a.Prefix, from: []fnID{cs.caller}})
			case a.Pass:
				cf := int(ix.owner[cs.caller])
				r := a.Refs[0]
				decl := ix.taintDecl(cf, int(cs.caller-ix.base[cf]), r)
				if decl < 0 {
					ans.openAt(cs.caller)
					continue
				}
				p, ok := joinPath(r.Path, rest)
				if !ok {
					ans.openAt(cs.caller)
					continue
				}
				sub, c, h := w.values(ix.base[cf]+fnID(decl), r.Param, p, depth+1)
				ans.vals = append(ans.vals, sub.vals...)
				ans.open = ans.open || sub.open
				ans.openFrom = append(ans.openFrom, sub.openFrom...)
				clean = clean && c
				height = max(height, h+1)
			default:
				ans.openAt(cs.caller)
			}
		}
		delete(w.onPath, key)
	}
	ans.vals = mergeVals(ans.vals)
	if len(ans.openFrom) > 1 {
		slices.Sort(ans.openFrom)
		ans.openFrom = slices.Compact(ans.openFrom)
	}
	if len(ans.vals) > maxConstVals {
		ans.vals, ans.open, ans.openFrom = nil, true, nil // too many to list: open, nothing claimed
	}
	if clean {
		if ix.constMemo == nil {
			ix.constMemo = map[constKey]constEntry{}
		}
		ix.constMemo[key] = constEntry{ans: ans, sites: w.sites - start, height: height}
	}
	return ans, clean, height
}

// siteArg returns the argument a call site passes for parameter param of
// callee, followed into object literals along path, and the part of path
// left when it reaches a passed-on parameter (nil: not known what is passed).
func siteArg(args []facts.Arg, callee *facts.Function, param int, path []string) (*facts.Arg, []string) {
	var a *facts.Arg
	name := ""
	if param < len(callee.Params) {
		name = callee.Params[param]
	}
	if param < len(args) && (args[param].Name == "" || args[param].Name == name) {
		a = &args[param]
	} else if name != "" {
		// A keyword argument the extractor could not move to its index
		// (a callee in another file).
		for i := range args {
			if args[i].Name == name {
				a = &args[i]
				break
			}
		}
	}
	if a == nil || strings.HasPrefix(a.Name, "*") {
		return nil, nil
	}
	for len(path) > 0 && !a.Pass {
		p, ok := a.Props[path[0]]
		if !ok {
			return nil, nil
		}
		a, path = &p, path[1:]
	}
	return a, path
}

// joinPath is the path b into a value at path a; false when it is longer
// than a ParamRef holds (which field it reads is then not known).
func joinPath(a, b []string) ([]string, bool) {
	if len(b) == 0 {
		return a, true
	}
	if len(a)+len(b) > facts.MaxPath {
		return nil, false
	}
	return append(append([]string(nil), a...), b...), true
}

// fnSite names a function by file and index in it.
type fnSite struct{ file, fn int }

// constEdited reports whether d, a changed file, may change a value that
// constant propagation read in the link it is compared with: a literal
// argument of a call site of a function in read (LocalCalls and calls of
// project modules alike), which the incremental links' comparisons leave
// out. Sites added or removed change callers lists, which they redo; a
// site that differs from an old one in literals only does not.
func constEdited(d *fileDiff, read map[fnSite]bool) bool {
	if len(read) == 0 {
		return false
	}
	for j := range d.nf.Functions {
		if !read[fnSite{d.i, j}] {
			continue
		}
		if j >= len(d.old.Functions) {
			return true
		}
		a, b := d.old.Functions[j].LocalCalls, d.nf.Functions[j].LocalCalls
		if literalEdit(len(a), len(b), func(x, y int, lits bool) bool {
			return sameCallee(&a[x].Callee, &b[y].Callee) && sameArgs(a[x].Args, b[y].Args, lits)
		}) {
			return true
		}
	}
	var a, b []*facts.Call
	for k := d.pre; k < len(d.old.Calls)-d.suf; k++ {
		if c := &d.old.Calls[k]; read[fnSite{d.i, c.Func}] {
			a = append(a, c)
		}
	}
	for k := d.pre; k < len(d.nf.Calls)-d.suf; k++ {
		if c := &d.nf.Calls[k]; read[fnSite{d.i, c.Func}] {
			b = append(b, c)
		}
	}
	return literalEdit(len(a), len(b), func(x, y int, lits bool) bool { return sameCall(a[x], b[y], lits) })
}

// literalEdit reports whether, matching n new sites with m old ones (same
// compares old x with new y, with or without literals), some site is
// neither matched exactly nor new in shape: one whose literals changed.
func literalEdit(m, n int, same func(x, y int, lits bool) bool) bool {
	// Sites the same at the same place at the start and at the end match.
	lo := 0
	for lo < m && lo < n && same(lo, lo, true) {
		lo++
	}
	hi := 0
	for hi < m-lo && hi < n-lo && same(m-1-hi, n-1-hi, true) {
		hi++
	}
	if lo+hi == m && lo+hi == n {
		return false
	}
	return literalEditMid(m-lo-hi, n-lo-hi, func(x, y int, lits bool) bool { return same(lo+x, lo+y, lits) })
}

func literalEditMid(m, n int, same func(x, y int, lits bool) bool) bool {
	used := make([]bool, m)
	usedNew := make([]bool, n)
	for y := 0; y < n; y++ {
		for x := 0; x < m; x++ {
			if !used[x] && same(x, y, true) {
				used[x], usedNew[y] = true, true
				break
			}
		}
	}
	for y := 0; y < n; y++ {
		if usedNew[y] {
			continue
		}
		for x := 0; x < m; x++ {
			if same(x, y, false) {
				return true
			}
		}
	}
	for x := 0; x < m; x++ {
		if used[x] {
			continue
		}
		for y := 0; y < n; y++ {
			if same(x, y, false) {
				return true
			}
		}
	}
	return false
}

// addUsers notes the principals reaching the functions from as users of
// scope key ("*": of the values that are not literals).
func (cs *constScope) addUsers(ix *index, key string, from []fnID) {
	if cs.users == nil {
		cs.users = map[string][]string{}
	}
	u := cs.users[key]
	for _, fn := range from {
		names := ix.toolNamesOf(fn)
		u = append(u, names...)
		if ix.serverReach[fn] || len(names) == 0 {
			u = append(u, "")
		}
	}
	cs.users[key] = u
}

// mergeVals sorts values and merges equal ones, with the union of the
// functions passing them.
func mergeVals(vals []constVal) []constVal {
	if len(vals) < 2 {
		return vals
	}
	slices.SortFunc(vals, func(a, b constVal) int {
		if c := strings.Compare(a.s, b.s); c != 0 {
			return c
		}
		switch {
		case a.prefix == b.prefix:
			return 0
		case a.prefix:
			return 1
		}
		return -1
	})
	out := vals[:1]
	for _, v := range vals[1:] {
		last := &out[len(out)-1]
		if v.s == last.s && v.prefix == last.prefix {
			from := append(slices.Clone(last.from), v.from...)
			slices.Sort(from)
			last.from = slices.Compact(from)
			continue
		}
		out = append(out, v)
	}
	return out
}

// maxConstValue bounds a value built from another file's constant.
const maxConstValue = 4096

// constArg is a with the constant it starts with (facts.Arg.Const) looked
// up in the file it is imported from, file's import spec resolved as the
// call graph resolves it: a Known argument, or nil when the constant is not
// found (the value stays unknown, never guessed). JS and TS name constants
// of other files this way, and Python (pyConstArg).
func (ix *index) constArg(file int, a *facts.Arg) *facts.Arg {
	if a.Const != nil && ix.langs[file].Imports() == lang.ImportsModules {
		return ix.pyConstArg(file, a)
	}
	if a.Const == nil || ix.langs[file].Imports() != lang.ImportsFiles || !ix.langs[file].RelativeImport(a.Const.Module) {
		return nil
	}
	for _, cand := range modules.JSCandidates(path.Dir(ix.files[file].Path), a.Const.Module) {
		fi, ok := ix.fileByPath[cand]
		if !ok {
			continue
		}
		v, ok := ix.files[fi].Constants[a.Const.Name]
		if !ok || len(v)+len(a.Value) > maxConstValue {
			return nil
		}
		return &facts.Arg{Value: v + a.Value, Known: true, Prefix: a.Prefix, Env: a.Env, Func: -1}
	}
	return nil
}

// linkConstRef decides the scope of a candidate whose scope argument
// starts with another file's constant.
func (ix *index) linkConstRef(l *linked, file int, c *facts.Call, cd *candidate) {
	if ix.langs[file].Imports() == lang.ImportsPackages {
		ix.linkGoConst(l, file, c, cd)
		return
	}
	r := ix.constArg(file, cd.cref)
	if r == nil {
		return
	}
	if r.Prefix && cd.cref.Tail != nil && ix.tailEnds(file, c, cd.cref) && len(r.Value) < maxConstValue {
		r.Value += "/" // `${API_BASE}${path}`: the path the callers pass ends the origin
	}
	fam := scope.Family(lang.For(ix.files[file].Lang).Family())
	sc := scope.Infer(fam, cd.passKind, r)
	cs := &constScope{}
	switch sc.State {
	case scope.Known:
		cs.known, cs.env = []string{sc.Value}, r.Env
		cs.addUsers(ix, sc.Value, []fnID{ix.base[file] + fnID(c.Func)})
	case scope.Unknown:
		cs.unknown = sc.Why
		if cs.unknown == "" {
			cs.unknown = "the scope cannot be inferred"
		}
	default:
		return // a prefix too short to decide: as before, a dynamic scope
	}
	l.prop = cs
}

// pyConstArg resolves a Python constant reference: Module.Name split into
// a project module and a constant of it, longest module first (from
// .config import API_URL; config.API_URL; config.Settings.URL). A constant
// an environment variable overrides gives its default with the variable
// (facts.EnvConstKey).
func (ix *index) pyConstArg(file int, a *facts.Arg) *facts.Arg {
	for mod, name := range pySplits(a.Const.Module + "." + a.Const.Name) {
		fi := ix.pyModule(file, mod)
		if fi < 0 {
			continue
		}
		consts := ix.files[fi].Constants
		v, ok := consts[name]
		env := ""
		if !ok {
			if ev, found := consts[facts.EnvConstKey+name]; found {
				env, v, ok = strings.Cut(ev, "=")
			}
		}
		if !ok || len(v)+len(a.Value) > maxConstValue {
			return nil
		}
		return &facts.Arg{Value: v + a.Value, Known: true, Prefix: a.Prefix, Env: env, Func: -1}
	}
	return nil
}

// tailEnds reports whether every value the callers pass for the parameter
// that ends a's known text (facts.Arg.Tail) starts with "/", "?" or "#":
// then that text, a prefix such as "https://api.x.com", is a whole origin
// and what follows cannot change its host. Tool input, a value that is not
// literal or a caller passing nothing leaves it open (false).
func (ix *index) tailEnds(file int, c *facts.Call, a *facts.Arg) bool {
	decl := ix.taintDecl(file, c.Func, *a.Tail)
	if decl < 0 {
		return false
	}
	w := &constWalk{ix: ix, onPath: map[constKey]bool{}}
	ans, _, _ := w.values(ix.base[file]+fnID(decl), a.Tail.Param, a.Tail.Path, 0)
	if w.sites > maxConstSites || ans.open || len(ans.vals) == 0 {
		return false
	}
	for _, v := range ans.vals {
		if v.s == "" || !strings.ContainsRune("/?#", rune(v.s[0])) {
			return false
		}
	}
	return true
}

// linkTail decides the scope of a literal prefix, or a literal fallback's,
// that a parameter ends (`${"https://api.x.com"}${path}`, opts.url ??
// "https://api.x.com" then + path) when the callers' values of that
// parameter end the origin (tailEnds).
func (ix *index) linkTail(l *linked, file int, c *facts.Call, cd *candidate) {
	a := cd.tailArg
	v, open := a.Value, false
	switch {
	case a.Known && a.Prefix:
	case a.Default != "" && a.DefaultPrefix:
		v, open = a.Default, true
	default:
		return
	}
	if len(v) >= maxConstValue || !ix.tailEnds(file, c, a) {
		return
	}
	fam := scope.Family(lang.For(ix.files[file].Lang).Family())
	sc := scope.Infer(fam, cd.passKind, &facts.Arg{Value: v + "/", Known: true, Prefix: true, Func: -1})
	if sc.State != scope.Known {
		return
	}
	cs := &constScope{known: []string{sc.Value}, open: open}
	if !open {
		cs.env = a.Env
	}
	cs.addUsers(ix, sc.Value, []fnID{ix.base[file] + fnID(c.Func)})
	l.prop = cs
}
