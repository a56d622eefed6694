package analysis

import (
	"fmt"
	"math"
	"math/bits"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/suppress"
)

// The index links the facts of many files: it resolves local calls and
// imports of project files into a call graph over function IDs, finds which
// tools reach each function, follows tool input across calls, and applies the
// rules to every library call.

type fnID int32

type index struct {
	e     *Engine
	root  string // absolute OS path
	files []*facts.File
	// statics holds what each file's facts give alone (cached across
	// links); cached is the same before Go type rewrites.
	statics, cached []*fileStatic
	base            []fnID // first fnID of each file
	owner           []int32

	// byName, per file: "Class.name" (".name" for plain functions, "*.name"
	// for a method of any class) → function indices.
	byName     []map[string][]int
	pyModules  map[string]int // dotted module name → file
	fileByPath map[string]int
	goPkgs     map[string][]int             // package dir (slash, as in facts paths) → files
	goNames    map[string]map[string][]fnID // package dir → "Class.name" (".name" for functions) → functions

	edges [][]fnID
	// fnEdges: per function, how many of its edges (the first ones) come
	// from its LocalCalls and Refs; the rest come from its Calls.
	fnEdges []int32
	callers [][]callSite
	// askers[d] lists the functions whose taint questions may ask one of
	// d: the targets of the sites whose arguments refer to a parameter d
	// declares (taintDecl). graphLink adds to it and never removes, so it
	// may list more.
	askers  [][]fnID
	handler []bool // fnID → is a tool's handler or dispatcher

	tools []toolInfo
	// reachedBy lists, per function, the tools reaching it, ascending.
	reachedBy [][]int32
	toolNames [][]string // fnID → sorted unique names of reachedBy (memo)
	// toolNamesShared: toolNames is another index's, read only (graphLink).
	toolNamesShared bool
	serverReach     []bool
	// rootTools: function → tools whose handler or dispatcher it is, ascending.
	rootTools map[fnID][]int
	// caseTool: (dispatcher, case body) → the tool of that case.
	caseTool map[[2]fnID]int

	taintMemo map[taintKey]taintEntry
	inFlight  map[taintKey]bool
	// taintCut: a taint question was cut short (a cycle, or deeper than
	// maxTaintDepth), so answers may depend on the order of the questions.
	taintCut bool
	// rootHeight is the greatest height of a candidate's taint question.
	rootHeight int32

	localDirs map[localDirKey]string
	pyLocal   map[pyLocalKey]bool

	// diffs compare changed files with the root's latest link (statics
	// reuse the comparison); nil when there is none.
	diffs *linkDiff
}

type localDirKey struct{ dir, mod string }

type pyLocalKey struct {
	file           int
	module, member string
}

// callSite is an edge as its target sees it. unit says where build added
// it: the index of the caller in its file for an edge from the caller's
// LocalCalls or Refs, callPhase for one from the file's Calls (added after
// all functions of the file). Every callers list is in build order, that
// is by (file of the caller, unit), which the incremental link relies on.
type callSite struct {
	caller fnID
	unit   int32
	args   []facts.Arg
	recv   []facts.ParamRef
}

// callPhase is the unit of the edges a file's Calls give.
const callPhase = math.MaxInt32

type toolInfo struct {
	name       string
	file       int
	k          int // index in the file's Tools
	t          *facts.Tool
	handler    fnID // -1 if unresolved
	dispatcher fnID // -1 if none
}

type taintSrc struct {
	tool  int
	field string
}

type taintKey struct {
	fn    fnID
	param int
	path  string
	tool  int // restrict to one tool (-1: any)
}

// taintEntry is a memoised taint answer and the height of the question:
// the longest chain of questions it asked below it (0: none).
type taintEntry struct {
	srcs   []taintSrc
	height int32
}

// maxTaintDepth bounds the chains of callers taint follows.
const maxTaintDepth = 12

// Link builds the index over files and returns capability findings, tool
// summaries, suppressed findings and bad-suppression findings. The manifest
// checks and the policy are not applied (see Check).
func (e *Engine) Link(root string, files []*facts.File) *finding.Result {
	abs, err := filepath.Abs(root)
	if err != nil {
		abs = root
	}
	res := e.link(abs, files)
	res.Root = root
	res.Files = len(files)
	return res
}

func (e *Engine) link(root string, files []*facts.File) *finding.Result {
	c := e.linkCache()
	ld := diffSnapshot(c.snapshot(root), files)
	if res := c.relink(e, root, files, ld); res != nil {
		return res
	}
	if res := c.graphLink(e, root, files, ld); res != nil {
		return res
	}
	ix := newIndex(e, root, files)
	ix.diffs = ld
	ix.build()
	out := ix.result()
	c.remember(root, files, ix, out)
	return out.assemble(root)
}

func newIndex(e *Engine, root string, files []*facts.File) *index {
	return &index{e: e, root: root, files: files,
		taintMemo: map[taintKey]taintEntry{}, inFlight: map[taintKey]bool{},
		localDirs: map[localDirKey]string{}, pyLocal: map[pyLocalKey]bool{}}
}

func (ix *index) build() {
	n := fnID(0)
	ix.statics = ix.e.linkCache().statics(ix.e, ix.root, ix.files, ix.diffs)
	ix.cached = ix.statics
	ix.base = make([]fnID, len(ix.files))
	ix.byName = make([]map[string][]int, len(ix.files))
	ix.fileByPath = make(map[string]int, len(ix.files))
	ix.pyModules = map[string]int{}
	ix.goPkgs = map[string][]int{}
	for i, f := range ix.files {
		ix.base[i] = n
		n += fnID(len(f.Functions))
		ix.byName[i] = ix.statics[i].byName
		ix.fileByPath[f.Path] = i
		switch f.Lang.Family() {
		case "python":
			for _, m := range ix.statics[i].pyModules {
				if _, dup := ix.pyModules[m]; !dup {
					ix.pyModules[m] = i
				}
			}
		case "go":
			d := path.Dir(f.Path)
			ix.goPkgs[d] = append(ix.goPkgs[d], i)
		}
	}
	ix.goNames = map[string]map[string][]fnID{}
	for d, fis := range ix.goPkgs {
		names := map[string][]fnID{}
		for _, fi := range fis {
			for key, js := range ix.byName[fi] {
				for _, j := range js {
					if fn := &ix.files[fi].Functions[j]; fn.Class == "" && fn.Parent > 0 {
						continue // a closure is not callable by name from elsewhere
					}
					names[key] = append(names[key], ix.base[fi]+fnID(j))
				}
			}
		}
		ix.goNames[d] = names
	}
	ix.resolveGoTypes()
	ix.owner = make([]int32, n)
	for i, f := range ix.files {
		for j := range f.Functions {
			ix.owner[ix.base[i]+fnID(j)] = int32(i)
		}
	}
	ix.edges = make([][]fnID, n)
	ix.fnEdges = make([]int32, n)
	ix.callers = make([][]callSite, n)
	ix.askers = make([][]fnID, n)
	ix.handler = make([]bool, n)
	ix.rootTools = map[fnID][]int{}
	ix.caseTool = map[[2]fnID]int{}

	// Tools first: their handlers are not reached through the registration.
	for i, f := range ix.files {
		for k := range f.Tools {
			t := &f.Tools[k]
			ti := toolInfo{name: ix.toolName(i, t), file: i, k: k, t: t, handler: -1, dispatcher: -1}
			if t.Handler > 0 && t.Handler < len(f.Functions) {
				ti.handler = ix.base[i] + fnID(t.Handler)
			} else if t.HandlerRef != nil {
				if ts := ix.resolveCallee(i, -1, *t.HandlerRef); len(ts) > 0 {
					ti.handler = ts[0]
				}
			}
			if t.Dispatcher > 0 && t.Dispatcher < len(f.Functions) {
				ti.dispatcher = ix.base[i] + fnID(t.Dispatcher)
			}
			tn := len(ix.tools)
			if ti.handler >= 0 {
				ix.handler[ti.handler] = true
				ix.rootTools[ti.handler] = append(ix.rootTools[ti.handler], tn)
			}
			if ti.dispatcher >= 0 {
				ix.handler[ti.dispatcher] = true
				if ti.dispatcher != ti.handler {
					ix.rootTools[ti.dispatcher] = append(ix.rootTools[ti.dispatcher], tn)
				}
				ix.caseTool[[2]fnID{ti.dispatcher, ti.handler}] = tn // the last tool of a case wins
			}
			ix.tools = append(ix.tools, ti)
		}
	}

	for i, f := range ix.files {
		for j := range f.Functions {
			from := ix.base[i] + fnID(j)
			ix.functionSites(i, j, func(to fnID, args []facts.Arg, recv []facts.ParamRef) {
				ix.addCall(from, to, int32(j), args, recv)
			})
			ix.fnEdges[from] = int32(len(ix.edges[from]))
		}
		for k := range f.Calls {
			ix.callSites(i, &f.Calls[k], func(from, to fnID, args []facts.Arg) {
				ix.addCall(from, to, callPhase, args, nil)
			})
		}
	}
	ix.reach()
}

// alignArgs lays a call's arguments out by the callee's parameters: Python
// keyword arguments (Arg.Name) go to the parameter of that name, so taint
// follows `helper(path=p)` as well as `helper(p)`.
func (ix *index) alignArgs(to fnID, args []facts.Arg) []facts.Arg {
	named := false
	for _, a := range args {
		if a.Name != "" {
			named = true
			break
		}
	}
	if !named {
		return args
	}
	fi := int(ix.owner[to])
	params := ix.files[fi].Functions[to-ix.base[fi]].Params
	out := make([]facts.Arg, len(params))
	for i := range out {
		out[i].Func = -1
	}
	pos := 0
	for _, a := range args {
		if a.Name == "" {
			if pos < len(out) {
				out[pos] = a
			}
			pos++
			continue
		}
		for k, p := range params {
			if p == a.Name {
				out[k] = a
			}
		}
	}
	return out
}

func (ix *index) addCall(from, to fnID, unit int32, args []facts.Arg, recv []facts.ParamRef) {
	ix.edges[from] = append(ix.edges[from], to)
	ix.callers[to] = append(ix.callers[to], callSite{caller: from, unit: unit, args: args, recv: recv})
	ix.siteDecls(from, args, recv, func(d fnID) {
		if as := ix.askers[d]; len(as) == 0 || as[len(as)-1] != to {
			ix.askers[d] = append(as, to)
		}
	})
}

// siteDecls yields the functions a taint question about a site's target
// may ask questions of: those declaring the parameters its arguments (as
// argRefs reads them) and receiver refer to.
func (ix *index) siteDecls(caller fnID, args []facts.Arg, recv []facts.ParamRef, yield func(fnID)) {
	if len(args) == 0 && len(recv) == 0 {
		return
	}
	file := int(ix.owner[caller])
	callFn := int(caller - ix.base[file])
	each := func(r *facts.ParamRef) {
		if d := ix.taintDecl(file, callFn, *r); d >= 0 {
			yield(ix.base[file] + fnID(d))
		}
	}
	for k := range recv {
		each(&recv[k])
	}
	for k := range args {
		eachArgRef(&args[k], 2, each)
	}
}

// eachArgRef visits the references argRefs(a, nil, depth) returns.
func eachArgRef(a *facts.Arg, depth int, f func(*facts.ParamRef)) {
	for k := range a.Refs {
		f(&a.Refs[k])
	}
	if depth > 0 {
		for key := range a.Props {
			p := a.Props[key]
			eachArgRef(&p, depth-1, f)
		}
		for k := range a.Elems {
			eachArgRef(&a.Elems[k], depth-1, f)
		}
	}
}

// functionSites yields, in build order, the edges function j of file i
// makes by its LocalCalls and Refs.
func (ix *index) functionSites(i, j int, add func(to fnID, args []facts.Arg, recv []facts.ParamRef)) {
	fn := &ix.files[i].Functions[j]
	for k := range fn.LocalCalls {
		lc := &fn.LocalCalls[k]
		for _, to := range ix.resolveCallee(i, j, lc.Callee) {
			add(to, lc.Args, lc.Receiver)
		}
		ix.callbackEdges(i, lc.Args, func(to fnID) { add(to, nil, nil) })
	}
	for _, r := range fn.Refs {
		for _, to := range ix.resolveCallee(i, j, r) {
			if !ix.handler[to] {
				add(to, nil, nil)
			}
		}
	}
}

// callSites yields, in build order, the edges call c of file i makes: to
// the project functions its module names, and to its callbacks.
func (ix *index) callSites(i int, c *facts.Call, add func(from, to fnID, args []facts.Arg)) {
	if c.Func < 0 || c.Func >= len(ix.files[i].Functions) {
		return
	}
	from := ix.base[i] + fnID(c.Func)
	for _, to := range ix.resolveModuleCall(i, c) {
		add(from, to, ix.alignArgs(to, c.Args))
	}
	ix.callbackEdges(i, c.Args, func(to fnID) { add(from, to, nil) })
}

// callbackEdges: a function passed as an argument may run on behalf of the
// caller (array.map(fn), setTimeout(fn), promise callbacks), except a tool
// handler passed to its registration. Arguments are looked into one level:
// the properties and elements of an object or array literal.
func (ix *index) callbackEdges(file int, args []facts.Arg, add func(to fnID)) {
	nf := len(ix.files[file].Functions)
	edge := func(fn int) {
		if fn > 0 && fn < nf {
			if to := ix.base[file] + fnID(fn); !ix.handler[to] {
				add(to)
			}
		}
	}
	for k := range args {
		a := &args[k]
		edge(a.Func)
		if len(a.Props) > 0 {
			for _, p := range a.Props {
				edge(p.Func)
			}
		}
		for e := range a.Elems {
			edge(a.Elems[e].Func)
		}
	}
}

// resolveCallee finds the functions a local call may reach. fromFn is the
// calling function's index in the file (-1 when unknown).
func (ix *index) resolveCallee(file, fromFn int, c facts.Callee) []fnID {
	f := ix.files[file]
	var out []fnID
	add := func(fi, j int) { out = append(out, ix.base[fi]+fnID(j)) }
	switch c.Kind {
	case "local":
		// Index 0 is the file's top level, never a call target: 0 means unresolved.
		if c.Func > 0 && c.Func < len(f.Functions) {
			add(file, c.Func)
			return out
		}
		// Prefer a plain function of that name in this file.
		for _, j := range ix.byName[file]["."+c.Name] {
			add(file, j)
		}
		if len(out) > 0 {
			return out
		}
		if f.Lang.Family() == "go" {
			return ix.goPackageFuncs(file, c.Name, "", false)
		}
		// An imported name: follow the import to the project file.
		for _, imp := range f.Imports {
			if imp.Local == c.Name {
				name := imp.Name
				if name == "" || name == "*" {
					name = "default"
				}
				return ix.exportsOf(file, imp.Spec, name)
			}
		}
	case "method":
		if f.Lang.Family() == "go" {
			return ix.goPackageFuncs(file, c.Name, c.Class, true)
		}
		key := c.Class + "." + c.Name
		if c.Class == "" {
			key = "*." + c.Name
			if len(ix.byName[file][key]) > maxUntypedTargets {
				return nil
			}
		}
		for _, j := range ix.byName[file][key] {
			add(file, j)
		}
	case "package":
		return ix.goPackageFuncs(file, c.Name, "", false)
	}
	return out
}

// goPackageFuncs finds functions (or methods, of class cls or any class) named
// name in the Go package of file.
func (ix *index) goPackageFuncs(file int, name, cls string, method bool) []fnID {
	names := ix.goNames[path.Dir(ix.files[file].Path)]
	switch {
	case !method:
		return names["."+name]
	case cls != "":
		if ms := names[cls+"."+name]; len(ms) > 0 {
			return ms
		}
		// No such method on that type: it is likely an interface (declared in
		// another file), so any implementation may run.
	}
	// A method of an unknown receiver type: any method of that name, unless
	// so many types have one that the call says nothing (String, Close…).
	if ms := names["*."+name]; len(ms) <= maxUntypedTargets {
		return ms
	}
	return nil
}

// maxUntypedTargets bounds the methods a call on a receiver of unknown type
// may reach: beyond it the over-approximation would attribute privileges to
// tools that never use them.
const maxUntypedTargets = 4

// resolveModuleCall returns the project functions a Call reaches when its
// Module names a project file or package; nil for library calls.
func (ix *index) resolveModuleCall(file int, c *facts.Call) []fnID {
	f := ix.files[file]
	switch f.Lang.Family() {
	case "js":
		if !strings.HasPrefix(c.Module, ".") && !strings.HasPrefix(c.Module, "/") {
			return nil
		}
		member := c.Member
		if member == "" {
			member = "default"
		}
		if i := strings.IndexAny(member, ".("); i >= 0 {
			member = member[:i]
		}
		return ix.exportsOf(file, c.Module, member)
	case "python":
		full := c.Module
		if c.Member != "" {
			full += "." + c.Member
		}
		for mod, member := range pySplits(full) {
			if fi := ix.pyModule(file, mod); fi >= 0 {
				if i := strings.IndexAny(member, ".("); i >= 0 {
					member = member[:i]
				}
				if j, ok := ix.files[fi].Exports[member]; ok {
					return []fnID{ix.base[fi] + fnID(j)}
				}
				if j := ix.byName[fi]["."+member]; len(j) > 0 && ix.files[fi].Functions[j[0]].Parent <= 0 {
					return []fnID{ix.base[fi] + fnID(j[0])}
				}
				return nil
			}
		}
	case "go":
		dir := ix.goLocalDir(file, c.Module)
		if dir == "" {
			return nil
		}
		// "Func", or "Type().Method" for a method of an instance of a project type.
		member := c.Member
		if t, m, ok := strings.Cut(member, "()."); ok && !strings.ContainsAny(m, ".(") {
			member = t + "." + m
		} else if i := strings.IndexAny(member, "("); i >= 0 {
			member = member[:i]
		}
		var out []fnID
		for _, fi := range ix.goPkgs[dir] {
			if j, ok := ix.files[fi].Exports[member]; ok {
				out = append(out, ix.base[fi]+fnID(j))
			}
		}
		return out
	}
	return nil
}

// pySplits yields (module, member) splits of a dotted name, longest module first.
func pySplits(full string) func(func(string, string) bool) {
	return func(yield func(string, string) bool) {
		lead := 0
		for lead < len(full) && full[lead] == '.' {
			lead++
		}
		rest := full[lead:]
		parts := strings.Split(rest, ".")
		for k := len(parts) - 1; k >= 1; k-- {
			if !yield(full[:lead]+strings.Join(parts[:k], "."), strings.Join(parts[k:], ".")) {
				return
			}
		}
	}
}

func (ix *index) pyModule(file int, mod string) int {
	if strings.HasPrefix(mod, ".") {
		for _, c := range pyCandidates(path.Dir(ix.files[file].Path), mod) {
			if fi, ok := ix.fileByPath[c]; ok {
				return fi
			}
		}
		return -1
	}
	if fi, ok := ix.pyModules[mod]; ok && fi != file {
		return fi
	}
	return -1
}

// exportsOf resolves a relative JS import to the project file and its export.
func (ix *index) exportsOf(file int, spec, name string) []fnID {
	for _, c := range jsCandidates(path.Dir(ix.files[file].Path), spec) {
		fi, ok := ix.fileByPath[c]
		if !ok {
			continue
		}
		tf := ix.files[fi]
		if j, ok := tf.Exports[name]; ok && j >= 0 && j < len(tf.Functions) {
			return []fnID{ix.base[fi] + fnID(j)}
		}
		if js := ix.byName[fi]["."+name]; len(js) > 0 {
			return []fnID{ix.base[fi] + fnID(js[0])}
		}
		return nil
	}
	return nil
}

// goLocalDir maps an import path to the slash directory (as facts paths
// spell it) of a package of this project, or "". It depends on the file's
// directory only, and is asked for every Go library call: memoised.
func (ix *index) goLocalDir(file int, importPath string) string {
	key := localDirKey{path.Dir(ix.files[file].Path), importPath}
	if d, ok := ix.localDirs[key]; ok {
		return d
	}
	d := ix.goLocalDirOf(file, importPath)
	ix.localDirs[key] = d
	return d
}

func (ix *index) goLocalDirOf(file int, importPath string) string {
	p := ix.files[file].Path
	absDir := filepath.Dir(filepath.FromSlash(p))
	if !filepath.IsAbs(absDir) {
		absDir = filepath.Join(ix.root, absDir)
	}
	m := ix.e.gomod.lookup(absDir)
	if m.path == "" || (importPath != m.path && !strings.HasPrefix(importPath, m.path+"/")) {
		return ""
	}
	sub := strings.TrimPrefix(strings.TrimPrefix(importPath, m.path), "/")
	target := filepath.Join(m.dir, filepath.FromSlash(sub))
	// Back to the facts' spelling: relative to root unless facts are absolute.
	if filepath.IsAbs(filepath.FromSlash(p)) {
		return filepath.ToSlash(target)
	}
	rel, err := filepath.Rel(ix.root, target)
	if err != nil {
		return ""
	}
	return filepath.ToSlash(rel)
}

// toolName resolves a tool's name, through constants of the file and then of
// the other files.
func (ix *index) toolName(file int, t *facts.Tool) string {
	if t.Name != "" || t.NameRef == "" {
		return t.Name
	}
	if v, ok := ix.files[file].Constants[t.NameRef]; ok {
		return v
	}
	for i, f := range ix.files {
		if i == file {
			continue
		}
		if v, ok := f.Constants[t.NameRef]; ok {
			return v
		}
		// An imported constant may be spelled with a namespace: ns.NAME.
		if k := strings.LastIndexByte(t.NameRef, '.'); k >= 0 {
			if v, ok := f.Constants[t.NameRef[k+1:]]; ok && f.Lang == ix.files[file].Lang {
				return v
			}
		}
	}
	return t.NameRef
}

// reach computes, for every function, the set of tools that reach it and
// whether start-up code does.
func (ix *index) reach() {
	n := len(ix.edges)
	ix.reachedBy = make([][]int32, n)
	ix.toolNames = make([][]string, n)
	for t, ti := range ix.tools {
		var roots []fnID
		if ti.handler >= 0 {
			roots = append(roots, ti.handler)
		}
		if ti.dispatcher >= 0 {
			roots = append(roots, ti.dispatcher)
		}
		ix.walk(roots, func(fn fnID) bool {
			// Tools are walked in order, so t is new to fn unless it is last.
			if l := ix.reachedBy[fn]; len(l) > 0 && l[len(l)-1] == int32(t) {
				return false
			}
			ix.reachedBy[fn] = append(ix.reachedBy[fn], int32(t))
			return true
		}, func(from, to fnID) bool { return ix.follows(t, to) })
	}
	ix.serverReach = make([]bool, n)
	var roots []fnID
	for i, f := range ix.files {
		roots = append(roots, ix.base[i])
		if f.Lang.Family() == "go" {
			for j := range f.Functions {
				if goEntry(f, j) {
					roots = append(roots, ix.base[i]+fnID(j))
				}
			}
		}
	}
	ix.walk(roots, func(fn fnID) bool {
		if ix.serverReach[fn] {
			return false
		}
		ix.serverReach[fn] = true
		return true
	}, func(from, to fnID) bool { return ix.follows(-1, to) })
}

// goEntry reports whether function j of Go file f is main or init, which
// run at start-up.
func goEntry(f *facts.File, j int) bool {
	fn := &f.Functions[j]
	return fn.Class == "" && fn.Parent <= 0 && (fn.Name == "main" || fn.Name == "init")
}

// serverRoot reports whether fn is start-up code: a file's top level, or
// Go main/init.
func (ix *index) serverRoot(fn fnID) bool {
	i := int(ix.owner[fn])
	f := ix.files[i]
	return fn == ix.base[i] || f.Lang.Family() == "go" && goEntry(f, int(fn-ix.base[i]))
}

// follows reports whether reach goes along an edge to `to` for tool t (-1:
// start-up code): a dispatcher's own code runs for its tools, its case
// bodies are separate functions reached only by their own tool.
func (ix *index) follows(t int, to fnID) bool {
	return !ix.handler[to] || t >= 0 && (to == ix.tools[t].handler || to == ix.tools[t].dispatcher)
}

func (ix *index) walk(roots []fnID, visit func(fnID) bool, follow func(from, to fnID) bool) {
	stack := append([]fnID(nil), roots...)
	for len(stack) > 0 {
		fn := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !visit(fn) {
			continue
		}
		for _, to := range ix.edges[fn] {
			if follow(fn, to) {
				stack = append(stack, to)
			}
		}
	}
}

// toolNamesOf returns the sorted names of the tools reaching fn. The slice
// is shared by every finding in fn: its capacity is clipped, so appending to
// it copies.
func (ix *index) toolNamesOf(fn fnID) []string {
	if names := ix.toolNames[fn]; names != nil {
		return names
	}
	var names []string
	for _, t := range ix.reachedBy[fn] {
		names = append(names, ix.tools[t].name)
	}
	names = slices.Clip(sortedUnique(names)) // never nil: findings list no tools as []
	if !ix.toolNamesShared {
		ix.toolNames[fn] = names
	}
	return names
}

// taintDecl returns the function declaring the parameter a reference
// names, used in function callFn of file (-1: none, no question is asked).
func (ix *index) taintDecl(file int, callFn int, ref facts.ParamRef) int {
	nf := len(ix.files[file].Functions)
	decl := ref.Fn
	if decl < 0 || decl >= nf {
		decl = callFn
	}
	if decl < 0 || decl >= nf {
		return -1
	}
	return decl
}

// taint returns the tool inputs a parameter reference of function fn derives
// from, and the height of the question asked (-1: none). callFn is the
// function holding the use (for dispatchers: which case).
func (ix *index) taint(file int, callFn int, ref facts.ParamRef, depth int) ([]taintSrc, int32) {
	f := ix.files[file]
	decl := ix.taintDecl(file, callFn, ref)
	if decl < 0 {
		return nil, -1
	}
	fn := ix.base[file] + fnID(decl)
	only := -1
	// A use inside one case of a dispatcher (or a closure in it) is that
	// tool's input: find the case body among the use's enclosing functions.
	if len(ix.caseTool) > 0 {
		for j := callFn; j > 0 && j < len(f.Functions) && j != decl; j = f.Functions[j].Parent {
			if t, ok := ix.caseTool[[2]fnID{fn, ix.base[file] + fnID(j)}]; ok {
				only = t
				break
			}
		}
	}
	return ix.taintOf(fn, ref.Param, ref.Path, only, depth)
}

func (ix *index) taintOf(fn fnID, param int, p []string, only int, depth int) ([]taintSrc, int32) {
	key := taintKey{fn: fn, param: param, path: strings.Join(p, "\x00"), tool: only}
	if r, ok := ix.taintMemo[key]; ok {
		return r.srcs, r.height
	}
	if ix.inFlight[key] || depth > maxTaintDepth {
		ix.taintCut = true
		return nil, 0
	}
	ix.inFlight[key] = true
	defer delete(ix.inFlight, key)

	var out []taintSrc
	height := int32(0)
	for _, t := range ix.rootTools[fn] {
		if only >= 0 && t != only {
			continue
		}
		for _, in := range ix.tools[t].t.Inputs {
			if in.Index != param {
				continue
			}
			if field, ok := inputField(in, p); ok {
				out = append(out, taintSrc{tool: t, field: field})
			}
		}
	}
	for _, cs := range ix.callers[fn] {
		var refs []facts.ParamRef
		if param == -1 {
			refs = cs.recv
		} else if param >= 0 && param < len(cs.args) {
			refs = argRefs(&cs.args[param], nil, 2)
		}
		callerFile := int(ix.owner[cs.caller])
		callerIdx := int(cs.caller - ix.base[callerFile])
		for _, r := range refs {
			joined := append(append([]string(nil), r.Path...), p...)
			if len(joined) > 4 {
				joined = joined[:4]
			}
			r.Path = joined
			srcs, h := ix.taint(callerFile, callerIdx, r, depth+1)
			out = append(out, srcs...)
			height = max(height, h+1)
		}
	}
	out = dedupeTaint(out)
	ix.taintMemo[key] = taintEntry{srcs: out, height: height}
	return out, height
}

// inputField maps a parameter path to the tool input field it reads.
func inputField(in facts.ToolInput, p []string) (string, bool) {
	n := min(len(in.Prefix), len(p))
	for i := 0; i < n; i++ {
		if in.Prefix[i] != p[i] {
			return "", false
		}
	}
	switch {
	case in.Name != "":
		return in.Name, true
	case len(p) > len(in.Prefix):
		return p[len(in.Prefix)], true
	}
	return "arguments", true
}

func argRefs(a *facts.Arg, out []facts.ParamRef, depth int) []facts.ParamRef {
	out = append(out, a.Refs...)
	if depth > 0 {
		for k := range a.Props {
			p := a.Props[k]
			out = argRefs(&p, out, depth-1)
		}
		for k := range a.Elems {
			out = argRefs(&a.Elems[k], out, depth-1)
		}
	}
	return out
}

// dedupeTaint drops repeated sources, keeping the first occurrence: the
// order says which argument the source came from, and the first is reported.
func dedupeTaint(in []taintSrc) []taintSrc {
	if len(in) < 2 {
		return in
	}
	seen := make(map[taintSrc]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// result decides, for every rule match of every file, what the other files
// decide (see linkOut.assemble for the findings).
func (ix *index) result() *linkOut {
	out := &linkOut{files: ix.files, statics: ix.statics,
		links: make([][]linked, len(ix.files)), bads: make([][]finding.Finding, len(ix.files))}
	// Files in the caller's order, candidates in emission order: taint is
	// memoised with cycle cuts, so the order of evaluation is part of the result.
	for i, f := range ix.files {
		st := ix.statics[i]
		if len(st.cands) == 0 && len(f.Suppressions) == 0 {
			continue
		}
		ls := make([]linked, len(st.cands))
		for k := range st.cands {
			cd := &st.cands[k]
			c := &f.Calls[cd.call]
			if cd.dynamic && ix.isLocalModule(i, c) {
				continue
			}
			ix.link(&ls[k], i, c, cd)
		}
		out.links[i] = ls
		out.bads[i] = fileBadSuppressions(f, st, ls)
	}
	out.tools = make([]toolRef, len(ix.tools))
	for t, ti := range ix.tools {
		out.tools[t] = toolRef{name: ti.name, file: ti.file, k: ti.k}
	}
	return out
}

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
	sortFindings(bad)
	return bad
}

// linkOut is a link's outcome per file: rule matches (statics), what the
// other files decide about each (links), suppression findings, and tools.
// It is immutable once built: the next link of the root may reuse it.
type linkOut struct {
	files   []*facts.File // as linked (Go files with rewritten calls are copies)
	statics []*fileStatic
	links   [][]linked
	bads    [][]finding.Finding
	tools   []toolRef
}

// toolRef is a registered tool: its resolved name, file and index there.
type toolRef struct {
	name    string
	file, k int
}

// assemble builds the Result: findings and suppressed findings sorted as
// sortFindings sorts them, and tool summaries.
func (o *linkOut) assemble(root string) *finding.Result {
	res := &finding.Result{Root: root}
	nFind, nSupp := 0, 0
	for i, ls := range o.links {
		cands := o.statics[i].cands
		for k := range ls {
			if !ls[k].keep {
				continue
			}
			if cands[k].supp >= 0 {
				nSupp++
			} else {
				nFind++
			}
		}
		nFind += len(o.bads[i])
	}
	// Each file's findings are sorted (candidates in their cached order,
	// merged with the suppression findings, which sort after an equal
	// candidate as they were appended after them); files are taken in path
	// order, which gives the order sortFindings would.
	order, dupPaths := filesByPath(o.files)
	res.Findings = make([]finding.Finding, 0, nFind)
	if nSupp > 0 {
		res.Suppressed = make([]finding.Finding, 0, nSupp)
	}
	for _, i := range order {
		f, st, ls, bad := o.files[i], o.statics[i], o.links[i], o.bads[i]
		if ls == nil {
			continue
		}
		for _, k := range st.order {
			l := &ls[k]
			if !l.keep {
				continue
			}
			cd := &st.cands[k]
			if cd.supp >= 0 {
				res.Suppressed = res.Suppressed[:len(res.Suppressed)+1]
				cd.fill(&res.Suppressed[len(res.Suppressed)-1], f, l)
				continue
			}
			res.Findings = res.Findings[:len(res.Findings)+1]
			fd := &res.Findings[len(res.Findings)-1]
			cd.fill(fd, f, l)
			if len(bad) > 0 && compareFindings(&bad[0], fd) < 0 {
				// Rare: slide the suppression findings that sort before it in front.
				held := *fd
				res.Findings = res.Findings[:len(res.Findings)-1]
				for len(bad) > 0 && compareFindings(&bad[0], &held) < 0 {
					res.Findings = append(res.Findings, bad[0])
					bad = bad[1:]
				}
				res.Findings = append(res.Findings, held)
			}
		}
		res.Findings = append(res.Findings, bad...)
	}
	if dupPaths {
		// Files sharing a path interleave: sort them as a whole (stable, so
		// equal findings keep the caller's file order, as before).
		sortFindings(res.Findings)
		sortFindings(res.Suppressed)
	}
	res.Tools = o.toolSummaries(res.Findings, order, dupPaths)
	return res
}

// filesByPath returns the file indices ordered by path (stable) and whether
// two files share a path.
func filesByPath(files []*facts.File) ([]int, bool) {
	order := make([]int, len(files))
	sorted := true
	for i := range order {
		order[i] = i
		if i > 0 && files[i-1].Path > files[i].Path {
			sorted = false
		}
	}
	if !sorted {
		slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(files[a].Path, files[b].Path) })
	}
	for k := 1; k < len(order); k++ {
		if files[order[k-1]].Path == files[order[k]].Path {
			return order, true
		}
	}
	return order, false
}

// isLocalModule reports whether a call's module is a file or package of
// the project (a call-graph edge, not a library call).
func (ix *index) isLocalModule(file int, c *facts.Call) bool {
	switch ix.files[file].Lang.Family() {
	case "js":
		return strings.HasPrefix(c.Module, ".") || strings.HasPrefix(c.Module, "/")
	case "python":
		if strings.HasPrefix(c.Module, ".") {
			return true
		}
		// Most calls are to libraries no project module is named after:
		// that answer holds for every file, so it is memoised without one.
		lib := pyLocalKey{-1, c.Module, c.Member}
		if _, ok := ix.pyLocal[lib]; ok {
			return false
		}
		if !ix.pyMayBeProject(c) {
			ix.pyLocal[lib] = false
			return false
		}
		key := pyLocalKey{file, c.Module, c.Member}
		local, ok := ix.pyLocal[key]
		if !ok {
			local = len(ix.resolveModuleCall(file, c)) > 0
			ix.pyLocal[key] = local
		}
		return local
	case "go":
		return ix.goLocalDir(file, c.Module) != ""
	}
	return false
}

// pyMayBeProject reports whether some module split of a (non-relative)
// Python call names a project module: if none does, resolveModuleCall
// finds nothing from any file.
func (ix *index) pyMayBeProject(c *facts.Call) bool {
	full := c.Module
	if c.Member != "" {
		full += "." + c.Member
	}
	for mod := range pySplits(full) {
		if _, ok := ix.pyModules[mod]; ok {
			return true
		}
	}
	return false
}

// link decides what the other files decide about a candidate: the tools
// and start-up code reaching the call, and tool-input taint.
func (ix *index) link(l *linked, file int, c *facts.Call, cd *candidate) {
	fn := ix.base[file] + fnID(c.Func)
	l.keep = true
	l.tools = ix.toolNamesOf(fn)
	l.server = ix.serverReach[fn] || len(l.tools) == 0

	ix.linkTaint(l, file, c, cd)
}

// linkTaint decides a candidate's tool-input taint, and notes the height of
// its questions.
func (ix *index) linkTaint(l *linked, file int, c *facts.Call, cd *candidate) {
	var srcs []taintSrc
	for _, ref := range cd.refs {
		s, h := ix.taint(file, c.Func, ref, 0)
		srcs = append(srcs, s...)
		ix.rootHeight = max(ix.rootHeight, h)
	}
	srcs = dedupeTaint(srcs)
	l.tainted, l.taintTool, l.taintSource = false, "", ""
	if len(srcs) > 0 {
		l.tainted = true
		l.taintTool = ix.tools[srcs[0].tool].name
		l.taintSource = srcs[0].field
	}
}

// apiName is the readable form of a resolved symbol.
func apiName(family string, c *facts.Call) string {
	mod := c.Module
	switch family {
	case "js":
		if mod == "globalThis" {
			return c.Member
		}
	case "python":
		if mod == "builtins" {
			return c.Member
		}
	case "go":
		mod = goPackageName(mod)
	}
	switch {
	case c.Member == "":
		return mod
	case strings.HasPrefix(c.Member, "("):
		return mod + c.Member // the module value called: express().listen
	}
	return mod + "." + c.Member
}

// goPackageName guesses the package name of an import path: its last
// element, skipping a major-version suffix.
func goPackageName(p string) string {
	parts := strings.Split(p, "/")
	name := parts[len(parts)-1]
	if len(parts) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = parts[len(parts)-2]
	}
	if i := strings.IndexAny(name, ".-"); i > 0 && strings.HasPrefix(p, "gopkg.in/") {
		name = name[:i]
	}
	return name
}

// toolSummaries lists the tools, by file and position, with the
// capabilities of the findings they reach. order and dupPaths are
// filesByPath's.
func (o *linkOut) toolSummaries(fs []finding.Finding, order []int, dupPaths bool) []finding.Tool {
	// Capabilities per tool name as a bit set over the known capabilities
	// (rules only use those; others, never seen, go to a list).
	masks := make(map[string]uint64, len(o.tools))
	var other map[string][]capability.ID
	for i := range fs {
		f := &fs[i]
		if f.Kind != finding.KindCapability {
			continue
		}
		bit, known := capBits[f.Capability]
		for _, t := range f.Tools {
			if known {
				masks[t] |= bit
			} else if !slices.Contains(other[t], f.Capability) {
				if other == nil {
					other = map[string][]capability.ID{}
				}
				other[t] = append(other[t], f.Capability)
			}
		}
	}
	byFile := make([][]int, len(o.files))
	for k, tr := range o.tools {
		byFile[tr.file] = append(byFile[tr.file], k)
	}
	out := make([]finding.Tool, 0, len(o.tools))
	for _, i := range order {
		start := len(out)
		for _, k := range byFile[i] {
			tr := &o.tools[k]
			ft := &o.files[i].Tools[tr.k]
			t := finding.Tool{Name: tr.name, File: o.files[i].Path, Span: ft.Span, NameSpan: ft.NameSpan,
				SDK: ft.SDK, Annotations: ft.Annotations, AnnotationSpans: ft.AnnotationSpans,
				Capabilities: capsOf(masks[tr.name], other[tr.name])}
			out = append(out, t)
		}
		slices.SortStableFunc(out[start:], func(a, b finding.Tool) int { return a.Span.Start.Offset - b.Span.Start.Offset })
	}
	if dupPaths {
		sort.SliceStable(out, func(i, j int) bool {
			if out[i].File != out[j].File {
				return out[i].File < out[j].File
			}
			return out[i].Span.Start.Offset < out[j].Span.Start.Offset
		})
	}
	return out
}

// capBits numbers the known capabilities in sorted order, so a bit set
// lists them sorted.
var capBits, capByBit = func() (map[capability.ID]uint64, []capability.ID) {
	var ids []capability.ID
	for _, info := range capability.All() {
		ids = append(ids, info.ID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) > 64 {
		ids = ids[:64] // the rest are listed the slow way
	}
	bits := make(map[capability.ID]uint64, len(ids))
	for i, id := range ids {
		bits[id] = 1 << i
	}
	return bits, ids
}()

// capsOf lists the capabilities of a bit set plus others, sorted.
func capsOf(mask uint64, others []capability.ID) []capability.ID {
	out := make([]capability.ID, 0, bits.OnesCount64(mask)+len(others))
	for i, id := range capByBit {
		if mask&(1<<i) != 0 {
			out = append(out, id)
		}
	}
	if len(others) > 0 {
		out = append(out, others...)
		slices.Sort(out)
	}
	return out
}

func sortedUnique(s []string) []string {
	if len(s) == 0 {
		return []string{}
	}
	sort.Strings(s)
	out := s[:1]
	for _, x := range s[1:] {
		if x != out[len(out)-1] {
			out = append(out, x)
		}
	}
	return out
}

func sortFindings(fs []finding.Finding) {
	slices.SortStableFunc(fs, func(a, b finding.Finding) int { return compareFindings(&a, &b) })
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
