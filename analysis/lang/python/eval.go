package python

import (
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// val is what the extractor knows about a value.
type val struct {
	// sym: a library (or project-module) symbol Module mod, member path mem.
	mod, mem string
	sym      bool
	// isFn: a function of this file, index fn.
	fn   int
	isFn bool
	// meth/cls: a bound method meth of an instance of class cls of this
	// file; cls alone: an instance of it; classDef: the class itself.
	meth, cls, classDef string
	self                bool
	builtin             string // an unshadowed builtin that is not recorded as a call
	unbound             string // a name bound nowhere in the file
	// A string value: s is the whole value when known, its leading part when prefix.
	s             string
	known, prefix bool
	// env: s is the literal default of this environment variable, the
	// value only when the variable is unset (os.environ.get("X", "d")).
	env string
	// envRead: the value of this environment variable, no default given
	// (os.getenv("X")): `or "d"` after it gives the default.
	envRead string
	// dflt: the literal the value falls back to when another value,
	// neither literal nor an environment variable, is unset (base_url or
	// "https://…"); dprefix: only its leading part is known. known is then
	// false (facts.Arg.Default).
	dflt    string
	dprefix bool
	// tail: the known text (s, or dflt) stops at this parameter's value,
	// passed on unchanged (f"{base}{path}", base + path): facts.Arg.Tail.
	// Set only with prefix or dprefix.
	tail *facts.ParamRef
	// cref: the value starts with a constant of another module (an
	// imported name, facts.Arg.Const); s is the text after it, prefix set
	// when not all of it is known; known is then false.
	cref *facts.ConstRef
	num  string
	lit  bool // a literal (str, number, container): its methods are not project calls
	// lifespan: the dict the server's lifespan yields (lifespan.go).
	lifespan bool
	// wraps: 1 + the function of the file a wrapper value runs (wrappers.go).
	wraps int
	// props are the keyword options an instance was constructed with.
	props map[string]facts.Arg
	refs  []facts.ParamRef
	// direct: the value is a parameter or a path into one (args.path), so
	// further attribute and key reads extend the path.
	direct bool
	// alts are the functions of this file a dict holds as values
	// ({"a": a, …}, H["c"] = c), or the one of them picked by a key
	// (H[name], H.get(name)): calling it calls any of them.
	alts []int
}

type scope struct {
	vars   map[string]val
	parent *scope
	class  bool
}

func newScope(parent *scope) *scope { return &scope{vars: map[string]val{}, parent: parent} }

// find resolves a name through enclosing scopes; class scopes are visible
// only from their own body, as in Python.
func (s *scope) find(name string) (val, bool) {
	for sc := s; sc != nil; sc = sc.parent {
		if sc.class && sc != s {
			continue
		}
		if v, ok := sc.vars[name]; ok {
			return v, true
		}
	}
	return val{}, false
}

func (s *scope) lookup(name string) val {
	v, _ := s.find(name)
	return v
}

type deferredDef struct {
	node   int32
	parent *scope
	class  *classInfo
}

// fnCtx is the function whose body is being walked.
type fnCtx struct {
	idx       int // function that owns calls made here
	decl      int // function whose parameters are bound here (differs in dispatch branches)
	scope     *scope
	class     *classInfo // class of a method (self)
	selfName  string
	classBody *classInfo // set while walking a class body
	deferred  *[]deferredDef
	// cond > 0 inside conditional code (branches, loops, handlers): a
	// binding there merges with the previous one instead of replacing it.
	cond int
	// handler > 0 inside an except clause: a stand-in bound there (a dummy
	// class when the import or the construction failed) is no type.
	handler int
	// globals are names declared `global` here: bindings go to the module scope.
	globals map[string]bool
	// loops are the enclosing loops over literal containers (loops.go).
	loops []loopBind
}

// recordedBuiltins are builtins whose calls are facts (rules decide).
var recordedBuiltins = map[string]bool{
	"open": true, "eval": true, "exec": true, "compile": true, "__import__": true, "input": true,
	"breakpoint": true, "exit": true, "quit": true, "globals": true, "locals": true, "vars": true,
	"memoryview": true, "help": true,
}

// pureBuiltins are builtins that touch nothing outside the process: calls
// to them only carry taint.
var pureBuiltins = map[string]bool{
	"abs": true, "aiter": true, "all": true, "anext": true, "any": true, "ascii": true, "bin": true, "bool": true,
	"bytearray": true, "bytes": true, "callable": true, "chr": true, "classmethod": true, "complex": true,
	"delattr": true, "dict": true, "dir": true, "divmod": true, "enumerate": true, "filter": true, "float": true,
	"format": true, "frozenset": true, "getattr": true, "hasattr": true, "hash": true, "hex": true, "id": true,
	"int": true, "isinstance": true, "issubclass": true, "iter": true, "len": true, "list": true, "map": true,
	"max": true, "min": true, "next": true, "object": true, "oct": true, "ord": true, "pow": true, "print": true,
	"property": true, "range": true, "repr": true, "reversed": true, "round": true, "set": true, "setattr": true,
	"slice": true, "sorted": true, "staticmethod": true, "str": true, "sum": true, "super": true, "tuple": true,
	"type": true, "zip": true, "NotImplemented": true, "Ellipsis": true, "BaseException": true,
	"KeyboardInterrupt": true, "StopIteration": true, "StopAsyncIteration": true, "SystemExit": true,
	"GeneratorExit": true, "__name__": true, "__file__": true, "__doc__": true, "__package__": true,
	"__spec__": true, "__builtins__": true, "__debug__": true,
}

func builtinVal(name string) (val, bool) {
	if recordedBuiltins[name] {
		return val{sym: true, mod: "builtins", mem: name}, true
	}
	if pureBuiltins[name] || strings.HasSuffix(name, "Error") || strings.HasSuffix(name, "Exception") || strings.HasSuffix(name, "Warning") {
		return val{builtin: name}, true
	}
	return val{}, false
}

// resolve looks a name up in scope, then in builtins.
func (e *extractor) resolve(fc *fnCtx, name string) val {
	if v, ok := fc.scope.find(name); ok {
		return v
	}
	if v, ok := builtinVal(name); ok {
		return v
	}
	return val{unbound: name}
}

// maxMember bounds member paths (long method chains).
const maxMember = 200

func joinMember(mem, attr string) string {
	if mem == "" {
		return attr
	}
	return mem + "." + attr
}

// pathOps are pathlib members that give another path.
var pathOps = map[string]bool{
	"parent": true, "resolve()": true, "absolute()": true, "expanduser()": true, "joinpath()": true,
	"with_name()": true, "with_suffix()": true, "with_stem()": true, "relative_to()": true, "readlink()": true,
	"home()": true, "cwd()": true, "with_segments()": true,
}

var pathClasses = map[string]bool{"Path": true, "PurePath": true, "PosixPath": true, "WindowsPath": true, "PurePosixPath": true, "PureWindowsPath": true}

// normSym keeps pathlib values as "Path()" instances through path
// arithmetic, so p.parent.read_text() is "Path().read_text".
func normSym(v val) val {
	if v.mod != "pathlib" {
		return v
	}
	i := strings.IndexByte(v.mem, '.')
	if i < 0 {
		return v
	}
	head, rest := v.mem[:i], v.mem[i+1:]
	if pathClasses[strings.TrimSuffix(head, "()")] && pathOps[rest] {
		v.mem = "Path()"
	}
	return v
}

func isPath(v val) bool { return v.sym && v.mod == "pathlib" && v.mem == "Path()" }

// maxRefs bounds the taint carried by one value.
const maxRefs = 16

func union(a, b []facts.ParamRef) []facts.ParamRef { return facts.UnionRefs(a, b, maxRefs) }

func hasRef(rs []facts.ParamRef, r facts.ParamRef) bool {
	for _, x := range rs {
		if x.Equal(r) {
			return true
		}
	}
	return false
}

func extendPath(rs []facts.ParamRef, key string) []facts.ParamRef { return facts.ExtendRefs(rs, key) }

func taint(v val) val { return val{refs: v.refs} }

// remap turns references to the dispatcher's parameters into references to
// the dispatch branch's copies of them.
func (e *extractor) remap(fc *fnCtx, rs []facts.ParamRef) []facts.ParamRef {
	if fc.idx == fc.decl || len(rs) == 0 {
		return rs
	}
	var out []facts.ParamRef
	for i, r := range rs {
		if r.Fn == fc.decl {
			if out == nil {
				out = append([]facts.ParamRef(nil), rs...)
			}
			out[i].Fn = fc.idx
		}
	}
	if out == nil {
		return rs
	}
	return out
}

// ---- module, functions, statements

func (e *extractor) module() *scope {
	mod := newScope(nil)
	fc := &fnCtx{idx: 0, decl: 0, scope: mod, deferred: &[]deferredDef{}}
	e.block(fc, 0)
	e.runDeferred(fc)
	return mod
}

func (e *extractor) runDeferred(fc *fnCtx) {
	// Methods that set self attributes first (in source order), so the
	// other methods see the instance types; an attribute one setter reads
	// from a later setter stays unknown.
	ds := *fc.deferred
	if len(e.setsSelf) > 0 || len(e.setsGlobal) > 0 {
		// Likewise functions that rebind module globals: the others read
		// the value those leave (merged with the module's).
		sets := func(d deferredDef) bool {
			fn := e.fnOf[d.node]
			return e.setsSelf[fn] || e.setsGlobal[fn]
		}
		sort.SliceStable(ds, func(i, j int) bool { return sets(ds[i]) && !sets(ds[j]) })
	}
	*fc.deferred = e.orderDeps(ds)
	// Bodies may defer more definitions into their own lists, never into this one.
	for i := 0; i < len(*fc.deferred); i++ {
		e.function((*fc.deferred)[i])
	}
}

func (e *extractor) function(d deferredDef) {
	idx := e.fnOf[d.node]
	fc := &fnCtx{idx: idx, decl: idx, scope: newScope(d.parent), class: d.class, deferred: &[]deferredDef{}}
	e.bindParams(fc, d.node)
	e.block(fc, e.t.field(d.node, "body"))
	e.runDeferred(fc)
}

func (e *extractor) isStatic(def int32) bool { return e.hasDecorator(def, "staticmethod") }

// hasDecorator reports whether def is decorated with name (or x.name).
func (e *extractor) hasDecorator(def int32, name string) bool {
	t := e.t
	p := t.n[def].parent
	if p < 0 || t.n[p].typ != "decorated_definition" {
		return false
	}
	for c := t.n[p].first; c >= 0; c = t.n[c].next {
		if t.n[c].typ == "decorator" {
			x := t.text(t.firstNamed(c))
			if x == name || strings.HasSuffix(x, "."+name) {
				return true
			}
		}
	}
	return false
}

func (e *extractor) bindParams(fc *fnCtx, n int32) {
	t := e.t
	method := fc.class != nil && t.n[n].typ == "function_definition" && !e.isStatic(n)
	for i, p := range e.params(n) {
		if p.name < 0 {
			continue
		}
		name := t.text(p.name)
		if i == 0 && method {
			fc.selfName = name
			fc.scope.vars[name] = val{self: true, cls: fc.class.name}
			continue
		}
		v := val{refs: []facts.ParamRef{{Fn: fc.decl, Param: i}}, direct: true}
		if p.typ >= 0 && !p.star {
			tv := e.typeVal(fc, p.typ)
			v.sym, v.mod, v.mem, v.cls = tv.sym, tv.mod, tv.mem, tv.cls
		}
		fc.scope.vars[name] = v
	}
}

// typeVal is the instance an annotation describes (requests.Session →
// requests "Session()"), or nothing.
func (e *extractor) typeVal(fc *fnCtx, ty int32) val {
	name := e.typeName(ty)
	if name == "" {
		return val{}
	}
	parts := strings.Split(name, ".")
	v := e.resolve(fc, strings.TrimSpace(parts[0]))
	for _, p := range parts[1:] {
		v = e.member(fc, v, strings.TrimSpace(p))
	}
	switch {
	case v.sym && v.mem != "" && (v.mod == "typing" || v.mod == "typing_extensions"):
		return val{} // Any and the like say nothing of the instance
	case v.sym && v.mem != "":
		return normSym(val{sym: true, mod: v.mod, mem: v.mem + "()"})
	case v.classDef != "":
		return val{cls: v.classDef}
	}
	return val{}
}

func (e *extractor) block(fc *fnCtx, b int32) {
	if b < 0 {
		return
	}
	if e.depth > maxDepth {
		return
	}
	e.depth++
	for c := e.t.n[b].first; c >= 0; c = e.t.n[c].next {
		if e.t.n[c].named {
			e.stmt(fc, c)
		}
	}
	e.depth--
}

// body walks a nested block; a dispatch branch runs as its synthetic function.
func (e *extractor) body(fc *fnCtx, b int32) {
	if b < 0 {
		return
	}
	fc.cond++
	defer func() { fc.cond-- }()
	if synth, ok := e.branchFn[b]; ok && fc.decl == e.f.Functions[synth].Parent {
		sub := *fc
		sub.idx = synth
		e.block(&sub, b)
		return
	}
	e.block(fc, b)
}

var statementTypes = map[string]bool{
	"import_statement": true, "import_from_statement": true, "future_import_statement": true,
	"expression_statement": true, "function_definition": true, "decorated_definition": true,
	"class_definition": true, "return_statement": true, "if_statement": true, "for_statement": true,
	"while_statement": true, "try_statement": true, "with_statement": true, "match_statement": true,
	"block": true, "exec_statement": true, "delete_statement": true, "raise_statement": true,
	"assert_statement": true, "print_statement": true, "type_alias_statement": true,
	"pass_statement": true, "break_statement": true, "continue_statement": true,
	"global_statement": true, "nonlocal_statement": true,
}

func (e *extractor) stmt(fc *fnCtx, n int32) {
	t := e.t
	switch t.n[n].typ {
	case "comment", "pass_statement", "break_statement", "continue_statement",
		"nonlocal_statement", "future_import_statement", "type_alias_statement":
	case "global_statement":
		for c := t.n[n].first; c >= 0; c = t.n[c].next {
			if t.n[c].typ == "identifier" {
				if fc.globals == nil {
					fc.globals = map[string]bool{}
				}
				fc.globals[t.text(c)] = true
			}
		}
	case "import_statement":
		e.importStmt(fc, n)
	case "import_from_statement":
		e.importFrom(fc, n)
	case "expression_statement":
		for c := t.n[n].first; c >= 0; c = t.n[c].next {
			if !t.n[c].named {
				continue
			}
			switch t.n[c].typ {
			case "assignment":
				e.assign(fc, c)
			case "augmented_assignment":
				e.augAssign(fc, c)
			default:
				e.eval(fc, c)
			}
		}
	case "function_definition":
		e.def(fc, n)
	case "decorated_definition":
		e.decorated(fc, n)
	case "class_definition":
		e.class(fc, n)
	case "return_statement":
		if x := t.firstNamed(n); x >= 0 {
			v := e.eval(fc, x)
			e.addReturn(fc, v.refs)
			e.noteReturn(fc.decl, v)
		}
	case "if_statement":
		e.eval(fc, t.field(n, "condition"))
		e.body(fc, t.field(n, "consequence"))
		for c := t.n[n].first; c >= 0; c = t.n[c].next {
			switch t.n[c].typ {
			case "elif_clause":
				e.eval(fc, t.field(c, "condition"))
				e.body(fc, t.field(c, "consequence"))
			case "else_clause":
				e.body(fc, t.field(c, "body"))
			}
		}
	case "for_statement":
		it := e.eval(fc, t.field(n, "right"))
		e.bindTarget(fc, t.field(n, "left"), elementOf(it))
		lb, literal := e.literalLoop(fc, t.field(n, "left"), t.field(n, "right"))
		if literal {
			fc.loops = append(fc.loops, lb)
		}
		e.body(fc, t.field(n, "body"))
		if literal {
			fc.loops = fc.loops[:len(fc.loops)-1]
		}
		if alt := t.field(n, "alternative"); alt >= 0 {
			e.body(fc, t.field(alt, "body"))
		}
	case "while_statement":
		e.eval(fc, t.field(n, "condition"))
		e.body(fc, t.field(n, "body"))
		if alt := t.field(n, "alternative"); alt >= 0 {
			e.body(fc, t.field(alt, "body"))
		}
	case "try_statement":
		for c := t.n[n].first; c >= 0; c = t.n[c].next {
			switch t.n[c].typ {
			case "block":
				e.body(fc, c)
			case "except_clause", "except_group_clause":
				for x := t.n[c].first; x >= 0; x = t.n[x].next {
					switch t.n[x].typ {
					case "as_pattern":
						if al := t.field(x, "alias"); al >= 0 {
							e.bindTarget(fc, t.firstNamed(al), val{})
						}
					case "block":
						fc.handler++
						e.body(fc, x)
						fc.handler--
					}
				}
			case "else_clause", "finally_clause":
				for x := t.n[c].first; x >= 0; x = t.n[x].next {
					if t.n[x].typ == "block" {
						e.body(fc, x)
					}
				}
			}
		}
	case "with_statement":
		for c := t.n[n].first; c >= 0; c = t.n[c].next {
			if t.n[c].typ != "with_clause" {
				continue
			}
			for it := t.n[c].first; it >= 0; it = t.n[it].next {
				if t.n[it].typ != "with_item" {
					continue
				}
				x := t.field(it, "value")
				if t.typ(x) == "as_pattern" {
					v := e.eval(fc, t.firstNamed(x))
					if al := t.field(x, "alias"); al >= 0 {
						e.bindTarget(fc, t.firstNamed(al), v)
					}
				} else {
					e.eval(fc, x)
				}
			}
		}
		e.block(fc, t.field(n, "body"))
	case "match_statement":
		e.eval(fc, t.field(n, "subject"))
		if b := t.field(n, "body"); b >= 0 {
			for c := t.n[b].first; c >= 0; c = t.n[c].next {
				if t.n[c].typ == "case_clause" {
					if g := t.field(c, "guard"); g >= 0 {
						e.eval(fc, g)
					}
					e.body(fc, t.field(c, "consequence"))
				}
			}
		}
	case "block":
		e.block(fc, n)
	case "exec_statement":
		code := t.field(n, "code")
		var args []facts.Arg
		if code >= 0 {
			a, _ := e.arg(fc, code, 0)
			args = append(args, a)
		}
		e.emitCall(fc, "builtins", "exec", n, n, args, false)
	default:
		e.evalKids(fc, n)
	}
}

// evalKids walks the named children of a node the extractor has no special
// rule for (ERROR nodes included), as statements or expressions.
func (e *extractor) evalKids(fc *fnCtx, n int32) val {
	var out val
	for c := e.t.n[n].first; c >= 0; c = e.t.n[c].next {
		cn := &e.t.n[c]
		if !cn.named || cn.typ == "comment" {
			continue
		}
		if statementTypes[cn.typ] {
			e.stmt(fc, c)
			continue
		}
		v := e.eval(fc, c)
		out.refs = union(out.refs, v.refs)
	}
	return out
}

func (e *extractor) addReturn(fc *fnCtx, refs []facts.ParamRef) {
	if len(refs) == 0 {
		return
	}
	fn := &e.f.Functions[fc.idx]
	for _, r := range e.remap(fc, refs) {
		if len(fn.Returns) < maxRefs && !hasRef(fn.Returns, r) {
			fn.Returns = append(fn.Returns, r)
		}
	}
}

func (e *extractor) def(fc *fnCtx, n int32) {
	t := e.t
	idx, ok := e.fnOf[n]
	if !ok {
		return
	}
	for _, p := range e.params(n) {
		if p.def >= 0 {
			e.eval(fc, p.def)
		}
	}
	name := t.text(t.field(n, "name"))
	if name != "" {
		fc.scope.vars[name] = val{isFn: true, fn: idx}
	}
	d := deferredDef{node: n, parent: fc.scope}
	if fc.classBody != nil {
		d.parent, d.class = fc.scope.parent, fc.classBody
	}
	*fc.deferred = append(*fc.deferred, d)
}

func (e *extractor) decorated(fc *fnCtx, n int32) {
	t := e.t
	def := t.field(n, "definition")
	for c := t.n[n].first; c >= 0; c = t.n[c].next {
		if t.n[c].typ != "decorator" {
			continue
		}
		attr, recvN, call := e.decoratorAttr(c)
		e.eval(fc, t.firstNamed(c))
		if t.typ(def) != "function_definition" || fc.classBody != nil {
			continue
		}
		if attr == "" {
			e.projectDecorator(fc, c, def)
			continue
		}
		if attr != "tool" {
			continue
		}
		recv := e.pureVal(fc, recvN)
		sdk := e.sdkOf(fc, recv)
		if sdk == "" {
			continue
		}
		idx, ok := e.fnOf[def]
		if !ok {
			continue
		}
		before := len(e.f.Tools)
		e.fastTool(fc, sdk, c, idx, nil, e.f.Functions[idx].Name, e.f.Functions[idx].NameSpan, call, 0)
		e.markVia(before, viaModule(recv))
		e.selfNamed(fc, before, val{})
	}
	switch t.typ(def) {
	case "function_definition":
		e.def(fc, def)
	case "class_definition":
		e.class(fc, def)
	}
}

// pureVal resolves a name or attribute chain without evaluating anything.
func (e *extractor) pureVal(fc *fnCtx, n int32) val {
	t := e.t
	n = t.unparen(n)
	switch t.typ(n) {
	case "identifier":
		return e.resolve(fc, t.text(n))
	case "attribute":
		return e.member(fc, e.pureVal(fc, t.field(n, "object")), t.text(t.field(n, "attribute")))
	}
	return val{}
}

func (e *extractor) class(fc *fnCtx, n int32) {
	t := e.t
	name := t.text(t.field(n, "name"))
	ci := e.classes[name]
	if ci == nil || ci.node != n {
		// A class redefined under the same name: walk it without attributes.
		ci = &classInfo{name: name, node: n, attrs: map[string]val{}, methods: map[string]int{}}
	}
	if sup := t.field(n, "superclasses"); sup >= 0 {
		for _, k := range t.namedKids(sup, nil) {
			if t.n[k].typ == "keyword_argument" {
				e.eval(fc, t.field(k, "value"))
			}
		}
	}
	if ci.settings {
		e.settingsPrefix(ci, t.field(n, "body"))
	}
	sc := newScope(fc.scope)
	sc.class = true
	sub := &fnCtx{idx: fc.idx, decl: fc.decl, scope: sc, class: fc.class, selfName: fc.selfName, classBody: ci, deferred: fc.deferred}
	e.block(sub, t.field(n, "body"))
	if name != "" {
		fc.scope.vars[name] = val{classDef: name}
	}
}

// ---- imports

func (e *extractor) addImport(spec, local, name string, n int32) {
	e.f.Imports = append(e.f.Imports, facts.Import{Spec: spec, Local: local, Name: name, Span: e.span(n)})
}

func (e *extractor) dotted(n int32) string {
	return strings.Join(strings.Fields(e.t.text(n)), "")
}

func (e *extractor) importStmt(fc *fnCtx, n int32) {
	t := e.t
	for c := t.n[n].first; c >= 0; c = t.n[c].next {
		switch t.n[c].typ {
		case "dotted_name":
			mod := e.dotted(c)
			first := mod
			if i := strings.IndexByte(mod, '.'); i >= 0 {
				first = mod[:i]
			}
			e.addImport(mod, first, "*", c)
			fc.scope.vars[first] = val{sym: true, mod: first}
			if fc.classBody != nil {
				delete(fc.classBody.attrs, first)
			}
		case "aliased_import":
			mod := e.dotted(t.field(c, "name"))
			alias := t.text(t.field(c, "alias"))
			e.addImport(mod, alias, "*", c)
			fc.scope.vars[alias] = val{sym: true, mod: mod}
		}
	}
}

func (e *extractor) importFrom(fc *fnCtx, n int32) {
	t := e.t
	modN := t.field(n, "module_name")
	spec := e.dotted(modN)
	relOnly := t.typ(modN) == "relative_import" && strings.Trim(spec, ".") == ""
	for c := t.n[n].first; c >= 0; c = t.n[c].next {
		if c == modN {
			continue
		}
		var nameN, aliasN int32 = -1, -1
		switch t.n[c].typ {
		case "wildcard_import":
			// The names are unknown: nothing is bound (no guessing).
			e.addImport(spec, "", "*", n)
			continue
		case "dotted_name":
			nameN = c
		case "aliased_import":
			nameN, aliasN = t.field(c, "name"), t.field(c, "alias")
		default:
			continue
		}
		name := e.dotted(nameN)
		local := name
		if aliasN >= 0 {
			local = t.text(aliasN)
		}
		e.addImport(spec, local, name, c)
		v := val{sym: true, mod: spec, mem: name}
		if relOnly {
			// from . import mod: the module ".mod" itself.
			v = val{sym: true, mod: spec + name}
		}
		fc.scope.vars[local] = v
	}
}

// ---- assignments

func (e *extractor) assign(fc *fnCtx, a int32) val {
	t := e.t
	l, r, ty := t.field(a, "left"), t.field(a, "right"), t.field(a, "type")
	var v val
	switch {
	case r >= 0 && t.n[r].typ == "assignment":
		v = e.assign(fc, r)
	case r >= 0 && isSeq(t.typ(l)) && isSeq(t.typ(r)):
		// a, b = x, y: pairwise.
		ls, rs := t.namedKids(l, nil), t.namedKids(r, nil)
		if len(ls) == len(rs) && !hasSplat(t, ls) && !hasSplat(t, rs) {
			vs := make([]val, len(rs))
			for i, x := range rs {
				vs[i] = e.eval(fc, x)
			}
			for i, x := range ls {
				e.bindTarget(fc, x, vs[i])
			}
			return val{}
		}
		v = e.eval(fc, r)
	case r >= 0:
		v = e.eval(fc, r)
		if !v.isFn && v.meth == "" && t.typ(t.unparen(r)) == "call" {
			if w := e.wrappedFn(fc, r); w.fn >= 0 {
				v.wraps = w.fn + 1
			}
		}
	}
	if ty >= 0 {
		if tv := e.typeVal(fc, ty); tv.sym || tv.cls != "" {
			v.sym, v.mod, v.mem, v.cls = tv.sym, tv.mod, tv.mem, tv.cls
		} else if r < 0 {
			return v
		}
	}
	e.bindTarget(fc, l, v)
	return v
}

func isSeq(typ string) bool {
	switch typ {
	case "pattern_list", "tuple_pattern", "list_pattern", "tuple", "list", "expression_list":
		return true
	}
	return false
}

func hasSplat(t *tree, ns []int32) bool {
	for _, n := range ns {
		if strings.HasSuffix(t.n[n].typ, "splat") || strings.HasSuffix(t.n[n].typ, "splat_pattern") {
			return true
		}
	}
	return false
}

func (e *extractor) augAssign(fc *fnCtx, a int32) {
	t := e.t
	l, r := t.field(a, "left"), t.field(a, "right")
	rv := e.eval(fc, r)
	if t.typ(l) != "identifier" {
		e.eval(fc, l)
		return
	}
	lv := e.resolve(fc, t.text(l))
	out := val{refs: union(lv.refs, rv.refs)}
	if e.operator(a) == "+=" && lv.known {
		out.s, out.known, out.prefix = lv.s, true, lv.prefix || !rv.known || rv.prefix
		if !out.prefix {
			out.s += rv.s
		}
	}
	fc.scope.vars[t.text(l)] = out
}

// keep reports whether a class attribute value is worth remembering.
func keep(v val) bool {
	return v.sym || v.cls != "" || v.isFn || (v.known && !v.prefix) || hasStr(v)
}

// hasStr reports whether v says something of a string: its value or
// leading part, its fallback, or the constant it starts with.
func hasStr(v val) bool { return (v.known && v.num == "") || v.dflt != "" || v.cref != nil }

func sameStr(a, b val) bool {
	return a.known == b.known && a.s == b.s && a.prefix == b.prefix && a.env == b.env &&
		a.dflt == b.dflt && a.dprefix == b.dprefix && (a.cref == nil) == (b.cref == nil) && (a.cref == nil || *a.cref == *b.cref)
}

// noteStr records that attribute attr is assigned v: a second, different
// string (or a string and a value that is not one) makes it mixed. None is
// no string: `self.url = None` before it is set says nothing of the URL.
func (ci *classInfo) noteStr(attr string, v val) {
	if v.known && v.s == "None" && !v.prefix {
		return
	}
	if ci.strs == nil {
		ci.strs = map[string]val{}
		ci.mixed = map[string]bool{}
	}
	old, seen := ci.strs[attr]
	switch {
	case !seen:
		ci.strs[attr] = v
	case ci.mixed[attr]:
		if d, dp := fallback(old, v); d != "" {
			ci.strs[attr] = val{dflt: d, dprefix: dp}
		} else {
			ci.strs[attr] = val{}
		}
	case !sameStr(old, v) && (hasStr(old) || hasStr(v)):
		ci.mixed[attr] = true
		d, dp := fallback(old, v)
		ci.strs[attr] = val{dflt: d, dprefix: dp}
	}
}

// setAttr stores what an assignment says of attribute attr; the string of
// a mixed attribute is dropped (its type is kept).
func (ci *classInfo) setAttr(attr string, v val) {
	ci.noteStr(attr, v)
	if !keep(v) {
		return
	}
	a := val{sym: v.sym, mod: v.mod, mem: v.mem, cls: v.cls, s: v.s, known: v.known, prefix: v.prefix, props: v.props,
		env: v.env, dflt: v.dflt, dprefix: v.dprefix, cref: v.cref}
	ci.attrs[attr] = a
}

// attr is attribute attr's value; the string of a mixed one is only the
// fallback its assignments give, if any.
func (ci *classInfo) attr(attr string) (val, bool) {
	av, ok := ci.attrs[attr]
	if ok && ci.mixed[attr] {
		m := ci.strs[attr]
		av.s, av.known, av.prefix, av.env, av.cref = "", false, false, "", nil
		av.dflt, av.dprefix = m.dflt, m.dprefix
	}
	return av, ok
}

func (e *extractor) bindTarget(fc *fnCtx, l int32, v val) {
	t := e.t
	if l < 0 || e.depth > maxDepth {
		return
	}
	switch t.n[l].typ {
	case "identifier":
		name := t.text(l)
		sc := fc.scope
		if fc.globals[name] {
			for sc.parent != nil {
				sc = sc.parent
			}
		}
		if fc.cond > 0 || sc != fc.scope {
			if old, ok := sc.vars[name]; ok {
				v = merge(old, stubOf(fc, old, v))
			}
		}
		if ci := fc.classBody; ci != nil && ci.settings && sc == fc.scope {
			v = settingsField(ci, name, v)
		}
		sc.vars[name] = v
		if fc.classBody != nil {
			fc.classBody.setAttr(name, v)
		}
	case "pattern_list", "tuple_pattern", "list_pattern", "tuple", "list", "expression_list":
		el := taint(v)
		for c := t.n[l].first; c >= 0; c = t.n[c].next {
			if t.n[c].named {
				e.bindTarget(fc, c, el)
			}
		}
	case "list_splat_pattern", "list_splat", "parenthesized_expression":
		e.bindTarget(fc, t.firstNamed(l), taint(v))
	case "attribute":
		obj := t.unparen(t.field(l, "object"))
		if fc.class != nil && t.typ(obj) == "identifier" && fc.selfName != "" && t.textEq(obj, fc.selfName) {
			attr := t.text(t.field(l, "attribute"))
			// Attributes are flow-insensitive: `self.pool = None` in close()
			// (or __init__) does not hide the pool connect() creates.
			if old, ok := fc.class.attrs[attr]; ok && carries(old) && !carries(v) {
				fc.class.noteStr(attr, v)
				return
			}
			fc.class.setAttr(attr, v)
			return
		}
		if o := e.evalObj(fc, obj); !o.sym && !o.self && o.cls == "" && o.classDef == "" {
			e.mutate(fc, obj, v.refs) // req.body = content
		} else if o.sym && strings.Contains(o.mem, "(") {
			e.emitStore(fc, o, l, t.text(t.field(l, "attribute")), v)
		}
	case "subscript":
		e.eval(fc, l)
		if t.typ(t.unparen(t.field(l, "value"))) == "identifier" {
			e.addAlts(fc, t.unparen(t.field(l, "value")), v) // HANDLERS["c"] = c
		}
		// config["servers"][name] = entry: the dict now holds the value.
		root := t.unparen(t.field(l, "value"))
		for d := 0; d < 4 && t.typ(root) == "subscript"; d++ {
			root = t.unparen(t.field(root, "value"))
		}
		e.mutate(fc, root, v.refs)
	default:
		e.eval(fc, l)
	}
}

// stubOf is v, the value an except clause binds, without its type when
// that is a stand-in of the file's own (`except TypeError: mcp =
// _DummyFastMCP()`) for the library or project object old the try bound:
// the merge then keeps old's type, what the code runs with when it works.
func stubOf(fc *fnCtx, old, v val) val {
	if fc.handler == 0 || !old.sym || old.lit || v.sym || v.meth != "" || v.cls == "" && v.classDef == "" {
		return v
	}
	v.cls, v.classDef, v.self = "", "", false
	return v
}

// merge joins two values a name may hold after conditional code: taint
// from both, and whatever the new value says about its type.
func merge(old, v val) val {
	switch {
	case len(v.refs) == 0:
		v.direct = old.direct // x = x or {}: still the parameter
	case len(old.refs) > 0:
		v.direct = v.direct && old.direct
	}
	v.refs = union(old.refs, v.refs)
	v.tail = nil // either value: which parameter ends the text is not known
	v.alts = mergeAlts(old.alts, val{alts: v.alts})
	if !v.sym && !v.isFn && v.cls == "" && v.classDef == "" && v.meth == "" {
		v.sym, v.mod, v.mem, v.isFn, v.fn, v.cls, v.classDef, v.meth, v.self = old.sym, old.mod, old.mem, old.isFn, old.fn, old.cls, old.classDef, old.meth, old.self
		if v.wraps == 0 {
			v.wraps = old.wraps
		}
	}
	if old.known && v.known && old.s == v.s && old.prefix == v.prefix && v.env == "" {
		v.env = old.env // the same default, the variable or flag still overrides it
	}
	isNone := func(x val) bool { return x.known && !x.prefix && x.s == "None" }
	switch {
	case isNone(old) && v.known && v.num == "":
		return v // url = None, then a literal: None reaches no host
	case isNone(v) && old.known && old.num == "":
		v.s, v.known, v.prefix, v.env = old.s, true, old.prefix, old.env
		return v
	}
	if !(old.known && v.known && old.s == v.s && old.prefix == v.prefix) {
		d, dp := fallback(old, v)
		v.known, v.prefix, v.s, v.env, v.cref = false, false, "", "", nil
		v.dflt, v.dprefix = d, dp
	}
	return v
}

// fallback is the literal one of two values a name may hold gives when the
// other is not a string the extractor knows (nor None): a scope beside
// "*", never alone (val.dflt).
func fallback(a, b val) (string, bool) {
	lit := func(x val) (string, bool, bool) {
		switch {
		case x.known && x.num == "" && x.s != "None" && x.s != "":
			return x.s, x.prefix, true
		case !x.known && x.dflt != "":
			return x.dflt, x.dprefix, true
		}
		return "", false, false
	}
	none := func(x val) bool { return !hasStr(x) || x.known && x.s == "None" }
	if s, p, ok := lit(a); ok && none(b) {
		return s, p
	}
	if s, p, ok := lit(b); ok && none(a) {
		return s, p
	}
	return "", false
}

func elementOf(it val) val {
	if it.sym && it.mod == "pathlib" {
		for _, s := range []string{".iterdir()", ".glob()", ".rglob()"} {
			if strings.HasSuffix(it.mem, s) && strings.HasPrefix(it.mem, "Path()") {
				return val{sym: true, mod: "pathlib", mem: "Path()", refs: it.refs}
			}
		}
	}
	return taint(it)
}
