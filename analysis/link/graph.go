package link

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/analysis/modules"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// The index links the facts of many files: it resolves local calls and
// imports of project files into a call graph over function IDs, finds which
// tools reach each function, follows tool input across calls, and applies the
// rules to every library call.

func (ix *index) build() {
	n := fnID(0)
	if ix.plain {
		ix.statics = make([]*fileStatic, len(ix.files))
		for i, f := range ix.files {
			ix.statics[i] = newFileStatic(ix.linker, f)
		}
	} else {
		ix.statics = ix.linker.cache.statics(ix.linker, ix.root, ix.files, ix.diffs)
	}
	ix.cached = ix.statics
	ix.base = make([]fnID, len(ix.files))
	ix.byName = make([]map[string][]int, len(ix.files))
	ix.langs = make([]lang.Language, len(ix.files))
	ix.fileByPath = make(map[string]int, len(ix.files))
	ix.pyModules = map[string]int{}
	ix.goPkgs = map[string][]int{}
	for i, f := range ix.files {
		ix.base[i] = n
		n += fnID(len(f.Functions))
		ix.byName[i] = ix.statics[i].byName
		ix.fileByPath[f.Path] = i
		ix.langs[i] = lang.For(f.Lang)
		switch ix.langs[i].Imports() {
		case lang.ImportsModules:
			for _, m := range ix.statics[i].pyModules {
				if _, dup := ix.pyModules[m]; !dup {
					ix.pyModules[m] = i
				}
			}
		case lang.ImportsPackages:
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
	ix.resolveTypes()
	ix.owner = make([]int32, n)
	for i, f := range ix.files {
		for j := range f.Functions {
			ix.owner[ix.base[i]+fnID(j)] = int32(i)
		}
	}
	ix.typeParams()
	ix.edges = make([][]fnID, n)
	ix.fnEdges = make([]int32, n)
	ix.callers = make([][]callSite, n)
	ix.askers = make([][]fnID, n)
	ix.handler = make([]bool, n)
	ix.dispatcher = make([]bool, n)
	ix.rootTools = map[fnID][]int{}
	ix.caseTool = map[[2]fnID]int{}

	// Tools first: their handlers are not reached through the registration.
	var byParam []toolInfo
	for i, f := range ix.files {
		for k := range f.Tools {
			t := &f.Tools[k]
			if t.ViaModule != "" && !ix.pyProjectModule(t.ViaModule) {
				continue // a library's `tool`, not the project's registration
			}
			ti := toolInfo{file: i, k: k, t: t, handler: -1, dispatcher: -1}
			ti.name, ti.expr = ix.toolName(i, t)
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
			if len(t.Binds) > 0 && ti.handler >= 0 {
				ti.bound = ix.boundTargets(i, t.Binds, ti.handler)
			}
			if t.Table != nil {
				ix.tables = true
				if t.Table.Name == "" {
					byParam = append(byParam, ti) // needs the callers: after the edges
					continue
				}
				if ix.addTableTools(ti, ix.tableElems(i, t)) {
					continue
				}
			}
			ix.addTool(ti)
		}
	}

	for i, f := range ix.files {
		for j := range f.Functions {
			from := ix.base[i] + fnID(j)
			ix.functionSites(i, j, func(to fnID, args []facts.Arg, recv []facts.ParamRef, guess bool) {
				ix.addCall(from, to, int32(j), args, recv, guess)
			})
			ix.fnEdges[from] = int32(len(ix.edges[from]))
		}
		for k := range f.Calls {
			ix.callSites(i, &f.Calls[k], func(from, to fnID, args []facts.Arg) {
				ix.addCall(from, to, callPhase, args, nil, false)
			})
		}
	}
	for _, ti := range byParam {
		if ti.t.Table.NameProp == "" { // a Go registration helper (gohelpertools.go)
			if els, partial, other := ix.helperElems(ti); !ix.addTableTools(ti, els) || partial {
				if ti.handler < 0 {
					ti.handler = other
				}
				ix.addTool(ti)
			}
			continue
		}
		if !ix.addTableTools(ti, ix.paramElems(ti)) {
			ix.addTool(ti)
		}
	}
	ix.reach()
}

// addTool adds a tool and marks its handler and dispatcher as its roots.
func (ix *index) addTool(ti toolInfo) {
	tn := len(ix.tools)
	ix.typedByRef(&ti)
	if ti.handler >= 0 {
		ix.handler[ti.handler] = true
		ix.rootTools[ti.handler] = append(ix.rootTools[ti.handler], tn)
	}
	if ix.factoryClosure(&ti); ti.closure >= 0 {
		ix.rootTools[ti.closure] = append(ix.rootTools[ti.closure], tn)
	}
	if ti.dispatcher >= 0 {
		ix.handler[ti.dispatcher] = true
		ix.dispatcher[ti.dispatcher] = true
		if ti.dispatcher != ti.handler {
			ix.rootTools[ti.dispatcher] = append(ix.rootTools[ti.dispatcher], tn)
		}
		ix.caseTool[[2]fnID{ti.dispatcher, ti.handler}] = tn // the last tool of a case wins
	}
	ix.tools = append(ix.tools, ti)
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

// boundArgs puts the receiver's place before a call's arguments when it
// reaches a Python method of an imported class (`Runner(argv)` runs
// `Runner.__init__(self, argv)`), as the extractor does within a file.
func (ix *index) boundArgs(to fnID, args []facts.Arg) []facts.Arg {
	fi := int(ix.owner[to])
	if ix.langs[fi].Imports() != lang.ImportsModules {
		return args
	}
	fn := &ix.files[fi].Functions[to-ix.base[fi]]
	if fn.Class == "" || len(fn.Params) == 0 || (fn.Params[0] != "self" && fn.Params[0] != "cls") {
		return args
	}
	return append([]facts.Arg{{Func: -1}}, args...)
}

func (ix *index) addCall(from, to fnID, unit int32, args []facts.Arg, recv []facts.ParamRef, guess bool) {
	ix.edges[from] = append(ix.edges[from], to)
	ix.callers[to] = append(ix.callers[to], callSite{caller: from, unit: unit, args: args, recv: recv, guess: guess})
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
// guess is set for a method call on a receiver of unknown class, which
// is an edge to every method of that name: it may not reach to at all.
func (ix *index) functionSites(i, j int, add func(to fnID, args []facts.Arg, recv []facts.ParamRef, guess bool)) {
	fn := &ix.files[i].Functions[j]
	for k := range fn.LocalCalls {
		lc := &fn.LocalCalls[k]
		guess := lc.Callee.Kind == "method" && lc.Callee.Class == ""
		for _, to := range ix.resolveCallee(i, j, lc.Callee) {
			add(to, lc.Args, lc.Receiver, guess)
		}
		ix.callbackEdges(i, lc.Args, func(to fnID) { add(to, nil, nil, false) })
	}
	for _, r := range fn.Refs {
		for _, to := range ix.resolveCallee(i, j, r) {
			if !ix.handler[to] {
				add(to, nil, nil, false)
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
		add(from, to, ix.alignArgs(to, ix.boundArgs(to, c.Args)))
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
		switch ix.langs[file].Imports() {
		case lang.ImportsPackages:
			return ix.goPackageFuncs(file, c.Name, "", false)
		case lang.ImportsModules:
			// `from pkg.tools.scan import scan` then mcp.add_tool(scan):
			// the import followed to the project module that defines it.
			return ix.pyMember(file, c.Name, 0)
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
		if ix.langs[file].Imports() == lang.ImportsPackages {
			if c.Module != "" {
				// A method value of a type of another package (h.ops.HandleDelete).
				if d := ix.goLocalDir(file, c.Module); d != "" {
					return ix.goDirFuncs(d, c.Name, c.Class, true)
				}
				return nil
			}
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
		if len(out) == 0 && c.Class == "" && ix.langs[file].Imports() == lang.ImportsFiles {
			// this.f1() in an object literal's method, obj.f1() inside the
			// literal that defines obj: the object's functions have no class,
			// so a method of no class found is any function of that name.
			if js := ix.byName[file]["."+c.Name]; len(js) <= maxUntypedTargets {
				for _, j := range js {
					add(file, j)
				}
			}
		}
	case "package":
		if c.Module != "" {
			// A function of another package of the module.
			if d := ix.goLocalDir(file, c.Module); d != "" {
				return ix.goDirFuncs(d, c.Name, "", false)
			}
			return nil
		}
		return ix.goPackageFuncs(file, c.Name, "", false)
	}
	return out
}

// goPackageFuncs finds functions (or methods, of class cls or any class) named
// name in the Go package of file.
func (ix *index) goPackageFuncs(file int, name, cls string, method bool) []fnID {
	return ix.goDirFuncs(path.Dir(ix.files[file].Path), name, cls, method)
}

// goDirFuncs is goPackageFuncs for the package in directory dir.
func (ix *index) goDirFuncs(dir, name, cls string, method bool) []fnID {
	names := ix.goNames[dir]
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
	switch ix.langs[file].Imports() {
	case lang.ImportsFiles:
		if !ix.langs[file].RelativeImport(c.Module) {
			return nil
		}
		member := c.Member
		if member == "" {
			member = "default"
		}
		if i := strings.IndexAny(member, ".("); i >= 0 {
			if resultChain(member[i:]) {
				// createRuntime().store.list(): a method of what the
				// function returned, not the function, which runs where
				// it is called (a call of its own) — in a constructor or
				// at start-up when the value is a field or module variable.
				return ix.importedMethods(file, c.Module, c.Member)
			}
			member = member[:i]
		}
		if out := ix.exportsOf(file, c.Module, member); len(out) > 0 {
			return out
		}
		return ix.importedMethods(file, c.Module, c.Member)
	case lang.ImportsModules:
		full := c.Module
		switch {
		case strings.HasPrefix(c.Member, "("):
			full += c.Member // the name itself called: `from . import C`, C(…).m
		case c.Member != "":
			full += "." + c.Member
		}
		for mod, member := range pySplits(full) {
			if fi := ix.pyModule(file, mod); fi >= 0 {
				path := member
				if cls, m, ok := strings.Cut(member, "()."); ok && !strings.ContainsAny(cls, ".(") && !strings.ContainsAny(m, ".(") {
					// A method of an instance of a project class: C().m.
					if out := ix.pyMember(fi, cls+"."+m, 0); len(out) > 0 {
						return out
					}
				}
				if i := strings.IndexAny(member, ".("); i >= 0 {
					if strings.HasPrefix(member[i:], "().") {
						// get_client().list_incidents(): a method of the
						// project class the function returns.
						if out := ix.resultMethods(fi, path); len(out) > 0 {
							return out
						}
						// Not the function: it runs where it is called,
						// a call of its own (see resultChain).
						return ix.classMethods(fi, path)
					}
					member = member[:i]
				}
				if out := ix.pyMember(fi, member, 0); len(out) > 0 {
					return out
				}
				return ix.classMethods(fi, path)
			}
		}
	case lang.ImportsPackages:
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
		if t, m, ok := strings.Cut(member, "."); ok && len(out) == 0 && t != "" && m != "" {
			if len(ix.goNames[dir]["."+t]) > 0 {
				// azcli.NewExecutor().Execute: a method of the project type
				// the function returns, when its Types say which.
				return ix.goResultMethod(dir, t, m)
			}
			// No method m on type t: t is an interface of that package
			// (podman.Podman().ImageBuild), so its implementations there
			// may run, as for a call on a receiver of unknown type. A
			// struct (methods or fields of its own) lacking m has it from
			// an embedded type, which says nothing of these methods.
			if !ix.goConcrete(dir, t) {
				out = ix.goDirFuncs(dir, m, t, true)
			}
		}
		return out
	}
	return nil
}

// goConcrete reports whether the type t of the package in dir is known
// not to be an interface: it has methods, or fields in the package's Types.
func (ix *index) goConcrete(dir, t string) bool {
	prefix := t + "."
	for key := range ix.goNames[dir] {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	for _, fi := range ix.goPkgs[dir] {
		for key := range ix.files[fi].Types {
			if rest, ok := strings.CutPrefix(key, prefix); ok && !strings.HasSuffix(rest, ")") {
				return true
			}
		}
	}
	return false
}

// goResultMethod is method m of the type of the package in dir that its
// function fn returns (File.Types "fn()" → "type:T"), or nil.
func (ix *index) goResultMethod(dir, fn, m string) []fnID {
	for _, fi := range ix.goPkgs[dir] {
		sym, ok := ix.files[fi].Types[fn+"()"]
		if !ok {
			continue
		}
		mod, rest, _ := strings.Cut(sym, "\x00")
		if typ, local := strings.CutPrefix(mod, goTypeRoot); local && rest == "" {
			return ix.goNames[dir][typ+"."+m]
		}
		return nil
	}
	return nil
}

// maxReexports bounds the chain of re-exports a Python name is followed
// through (a package __init__ importing from a submodule that imports…).
const maxReexports = 4

// pyMember is the top-level function member of the Python file fi (or,
// for "C.m", the method m of its class C; for a class C, its __init__), also
// when fi only re-exports it (`from .shell import run` in a package
// __init__): the import is followed to the file that defines it.
func (ix *index) pyMember(fi int, member string, depth int) []fnID {
	f := ix.files[fi]
	name, method, isMethod := strings.Cut(member, ".")
	if isMethod {
		if j := ix.byName[fi][member]; len(j) > 0 {
			return []fnID{ix.base[fi] + fnID(j[0])}
		}
		if j, ok := f.Exports[member]; ok && j > 0 && j < len(f.Functions) {
			return []fnID{ix.base[fi] + fnID(j)} // HANDLERS.read_file: an entry of a dict of handlers
		}
	} else {
		if j, ok := f.Exports[member]; ok {
			return []fnID{ix.base[fi] + fnID(j)}
		}
		if j := ix.byName[fi]["."+member]; len(j) > 0 && f.Functions[j[0]].Parent <= 0 {
			return []fnID{ix.base[fi] + fnID(j[0])}
		}
		if j := ix.byName[fi][member+".__init__"]; len(j) > 0 {
			return []fnID{ix.base[fi] + fnID(j[0])} // constructing a class of the file
		}
	}
	if depth >= maxReexports {
		return nil
	}
	for _, imp := range f.Imports {
		if imp.Local != name || imp.Name == "" || imp.Name == "*" {
			continue
		}
		full := imp.Spec + "." + imp.Name
		if strings.Trim(imp.Spec, ".") == "" {
			full = imp.Spec + imp.Name // from . import x: x is a module
		}
		for mod, target := range pySplits(full) {
			if t := ix.pyModule(fi, mod); t >= 0 && t != fi {
				if strings.ContainsAny(target, ".(") {
					return nil // a module's member, not a name the file binds
				}
				if isMethod {
					target += "." + method
				}
				return ix.pyMember(t, target, depth+1)
			}
		}
		return nil
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
		if lead > 0 && rest != "" {
			// from . import name: a name of the package's __init__.
			yield(full[:lead], rest)
		}
	}
}

func (ix *index) pyModule(file int, mod string) int {
	if strings.HasPrefix(mod, ".") {
		for _, c := range modules.PyCandidates(path.Dir(ix.files[file].Path), mod) {
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
	fi := ix.jsFile(file, spec)
	if fi < 0 {
		return nil
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

// jsFile is the project file a relative JS import of file names, its most
// likely candidate present (-1: none). It depends on the file's directory
// only, and is asked for every call of an imported name: memoised.
func (ix *index) jsFile(file int, spec string) int {
	key := localDirKey{path.Dir(ix.files[file].Path), spec}
	if fi, ok := ix.jsFiles[key]; ok {
		return fi
	}
	fi := -1
	for _, c := range modules.JSCandidates(key.dir, spec) {
		if i, ok := ix.fileByPath[c]; ok {
			fi = i
			break
		}
	}
	ix.jsFiles[key] = fi
	return fi
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
	m := ix.gomods[modules.GoDir(ix.root, p)]
	if m.Path == "" || (importPath != m.Path && !strings.HasPrefix(importPath, m.Path+"/")) {
		return ""
	}
	sub := strings.TrimPrefix(strings.TrimPrefix(importPath, m.Path), "/")
	target := filepath.Join(m.Dir, filepath.FromSlash(sub))
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
// the other files. A name it cannot resolve comes back as the placeholder
// finding.UnresolvedToolLabel gives, with the expression as written: never
// as the expression itself, which would pass for a name.
func (ix *index) toolName(file int, t *facts.Tool) (name, expr string) {
	if t.Name != "" {
		return t.Name, ""
	}
	if t.NameRef == "" {
		return ix.unresolvedTool(file, t, t.NameExpr)
	}
	if v, ok := ix.files[file].Constants[t.NameRef]; ok {
		return v, ""
	}
	for i, f := range ix.files {
		if i == file {
			continue
		}
		if v, ok := f.Constants[t.NameRef]; ok {
			return v, ""
		}
		// An imported constant may be spelled with a namespace: ns.NAME,
		// mod.Enum.MEMBER (per file, the longest suffix it defines).
		for k := strings.IndexByte(t.NameRef, '.'); k >= 0 && f.Lang == ix.files[file].Lang; {
			if v, ok := f.Constants[t.NameRef[k+1:]]; ok {
				return v, ""
			}
			next := strings.IndexByte(t.NameRef[k+1:], '.')
			if next < 0 {
				break
			}
			k += 1 + next
		}
	}
	return ix.unresolvedTool(file, t, t.NameRef)
}

// unresolvedTool is the placeholder name and the expression of a tool whose
// name expr (as the extractor spelled it; "" when it kept none) is unresolved.
func (ix *index) unresolvedTool(file int, t *facts.Tool, expr string) (name, shown string) {
	expr = strings.TrimPrefix(expr, "func:") // a Go tool built by a package function
	if expr == "" {
		expr = "name not recorded"
	}
	at := t.NameSpan
	if at == (source.Span{}) {
		at = t.Span
	}
	return finding.UnresolvedToolLabel(ix.shownPath(file), at.Start.Line, expr), expr
}

// shownPath is a file's path as the front-ends show it: relative to the
// root. The language server's facts hold absolute paths and the CLI's
// relative ones; a label built from it must read the same in both.
func (ix *index) shownPath(file int) string {
	p := ix.files[file].Path
	if ix.root == "" || !filepath.IsAbs(filepath.FromSlash(p)) {
		return p
	}
	if rel, err := filepath.Rel(ix.root, filepath.FromSlash(p)); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return p
}

// isLocalModule reports whether a call's module is a file or package of
// the project (a call-graph edge, not a library call).
func (ix *index) isLocalModule(file int, c *facts.Call) bool {
	switch ix.langs[file].Imports() {
	case lang.ImportsFiles:
		return ix.langs[file].RelativeImport(c.Module)
	case lang.ImportsModules:
		if ix.langs[file].RelativeImport(c.Module) {
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
	case lang.ImportsPackages:
		return ix.goLocalDir(file, c.Module) != ""
	}
	return false
}

// pyProjectModule reports whether the absolute Python module mod, or a
// package holding it, is a file of the project.
func (ix *index) pyProjectModule(mod string) bool {
	for mod != "" {
		if _, ok := ix.pyModules[mod]; ok {
			return true
		}
		i := strings.LastIndexByte(mod, '.')
		if i < 0 {
			break
		}
		mod = mod[:i]
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

// resultChain reports whether a member path's tail, from its first "." or
// "(", goes on past a call: "(…).store.list", not "(…)" or ".list".
func resultChain(tail string) bool {
	if !strings.HasPrefix(tail, "(") {
		return false
	}
	i := strings.IndexByte(tail, ')')
	return i >= 0 && i+1 < len(tail)
}
