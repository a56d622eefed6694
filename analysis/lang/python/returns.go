package python

import "strings"

// Object flow through return values: a function of the file that returns
// an instance (`return boto3.client("s3")`, `return self._session`, the
// value a @contextmanager yields) gives that instance to its callers, so
// `get_client().put_object(…)` is "boto3.client().put_object". Bodies of
// returning functions are walked before the bodies that call them (deps);
// in a cycle the later one sees nothing, never a guess.

// noteReturner records the function holding a `return x` or `yield x`
// under its name, for the call ordering of noteDeps.
func (e *extractor) noteReturner(n int32) {
	t := e.t
	if t.firstNamed(n) < 0 {
		return
	}
	idx := e.enclosingFn(n)
	if idx == 0 || t.n[e.fnNode[idx]].typ != "function_definition" {
		return
	}
	name := e.f.Functions[idx].Name
	if e.returners == nil {
		e.returners = map[string][]int{}
	}
	rs := e.returners[name]
	if len(rs) > 0 && rs[len(rs)-1] == idx {
		return
	}
	e.returners[name] = append(rs, idx)
}

// noteDeps links each function to the returning functions its body (or a
// nested body) calls by name, as `f()` or `x.f()`.
func (e *extractor) noteDeps() {
	if len(e.returners) == 0 {
		return
	}
	t := e.t
	imported := e.importedNames()
	for i := range t.n {
		c := int32(i)
		if t.n[i].typ != "call" {
			continue
		}
		fu := t.unparen(t.field(c, "function"))
		var name int32 = -1
		switch t.typ(fu) {
		case "identifier":
			name = fu
		case "attribute":
			name = t.field(fu, "attribute")
			root := t.unparen(t.field(fu, "object"))
			for d := 0; d < maxMember && t.typ(root) == "attribute"; d++ {
				root = t.unparen(t.field(root, "object"))
			}
			if t.typ(root) == "identifier" && imported[t.text(root)] {
				// os.environ.get(…): a module's function, never this
				// file's method of that name (which would otherwise be
				// walked first, before the __init__ setting what it reads).
				continue
			}
		}
		if name < 0 {
			continue
		}
		callees := e.returners[t.text(name)]
		if len(callees) == 0 {
			continue
		}
		for fn := e.enclosingFn(c); fn > 0; fn = e.f.Functions[fn].Parent {
			if e.deps == nil {
				e.deps = map[int][]int{}
			}
			for _, r := range callees {
				if r != fn && !containsInt(e.deps[fn], r) {
					e.deps[fn] = append(e.deps[fn], r)
				}
			}
		}
	}
}

// importedNames are the names import statements of the file bind.
func (e *extractor) importedNames() map[string]bool {
	t := e.t
	out := map[string]bool{}
	for i := range t.n {
		n := int32(i)
		switch t.n[i].typ {
		case "import_statement", "import_from_statement":
		default:
			continue
		}
		modN := t.field(n, "module_name")
		for c := t.n[n].first; c >= 0; c = t.n[c].next {
			switch {
			case c == modN:
			case t.n[c].typ == "dotted_name":
				name := e.dotted(c)
				if t.n[i].typ == "import_statement" {
					name, _, _ = strings.Cut(name, ".")
				}
				out[name] = true
			case t.n[c].typ == "aliased_import":
				out[t.text(t.field(c, "alias"))] = true
			}
		}
	}
	return out
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// orderDeps reorders sibling bodies so that returning functions come
// before their callers (depth-first, keeping the given order otherwise).
func (e *extractor) orderDeps(ds []deferredDef) []deferredDef {
	if len(e.deps) == 0 || len(ds) < 2 {
		return ds
	}
	pos := make(map[int]int, len(ds))
	for i, d := range ds {
		pos[e.fnOf[d.node]] = i
	}
	out := make([]deferredDef, 0, len(ds))
	state := make([]uint8, len(ds)) // 1 visiting, 2 done
	var visit func(i int)
	visit = func(i int) {
		if state[i] != 0 {
			return
		}
		state[i] = 1
		for _, r := range e.deps[e.fnOf[ds[i].node]] {
			if j, ok := pos[r]; ok {
				visit(j)
			}
		}
		state[i] = 2
		out = append(out, ds[i])
	}
	for i := range ds {
		visit(i)
	}
	return out
}

// carries reports whether v is an instance worth handing to callers.
func carries(v val) bool {
	return (v.sym && !v.lit) || v.cls != "" && v.meth == "" && !v.self
}

// noteReturn records the instance function idx returns; two different
// instances returned by one function cancel each other.
func (e *extractor) noteReturn(idx int, v val) {
	if idx != 0 && !carries(v) {
		e.noteStrReturn(idx, v)
	}
	if idx == 0 || e.retConflict[idx] || !carries(v) {
		return
	}
	r := val{sym: v.sym, mod: v.mod, mem: v.mem, cls: v.cls, s: v.s, known: v.known, prefix: v.prefix, env: v.env, props: v.props}
	if e.rets == nil {
		e.rets = map[int]val{}
	}
	old, ok := e.rets[idx]
	switch {
	case !ok:
		e.rets[idx] = r
	case old.sym != r.sym || old.mod != r.mod || old.mem != r.mem || old.cls != r.cls:
		delete(e.rets, idx)
		if e.retConflict == nil {
			e.retConflict = map[int]bool{}
		}
		e.retConflict[idx] = true
	case !(old.known == r.known && old.s == r.s && old.prefix == r.prefix && old.env == r.env):
		old.s, old.known, old.prefix, old.env = "", false, false, ""
		e.rets[idx] = old
	}
}

// strOf is the string part of v.
func strOf(v val) val {
	return val{s: v.s, known: v.known && v.num == "", prefix: v.prefix, env: v.env, dflt: v.dflt, dprefix: v.dprefix, cref: v.cref}
}

// noteStrReturn records the string function idx returns (a URL built
// from a constant, an environment read with a default): two returns join
// as two values a name may hold do (merge), so a literal returned beside a
// value that is not one is a fallback, beside "*".
func (e *extractor) noteStrReturn(idx int, v val) {
	if e.strRets == nil {
		e.strRets = map[int]val{}
	}
	r := strOf(v)
	if old, ok := e.strRets[idx]; ok {
		r = strOf(merge(old, r))
	}
	e.strRets[idx] = r
}

// returned is the value of a call to function idx of the file: the
// instance it returns, else the string it returns, with the taint of the
// call.
func (e *extractor) returned(idx int, res val) val {
	r, ok := e.rets[idx]
	if !ok {
		if sr, ok := e.strRets[idx]; ok && hasStr(sr) {
			sr.refs = res.refs
			return sr
		}
		return res
	}
	r.refs = res.refs
	return r
}

// yieldsContext reports whether def is a @contextmanager generator, whose
// yielded value is what `with f() as x` binds.
func (e *extractor) yieldsContext(idx int) bool {
	if idx <= 0 || idx >= len(e.fnNode) || e.fnNode[idx] < 0 {
		return false
	}
	def := e.fnNode[idx]
	return e.hasDecorator(def, "contextmanager") || e.hasDecorator(def, "asynccontextmanager")
}

// isProperty reports whether method idx is read as an attribute.
func (e *extractor) isProperty(idx int) bool {
	if idx <= 0 || idx >= len(e.fnNode) || e.fnNode[idx] < 0 {
		return false
	}
	def := e.fnNode[idx]
	return e.hasDecorator(def, "property") || e.hasDecorator(def, "cached_property")
}

// typeTable fills File.Types, so files importing this one follow its
// instances (the link rewrites their calls, analysis/link/objtypes.go):
// module-level names bound to an instance ("s3" → boto3 "client()") or to
// a name of another project module, what top-level functions return
// ("get_client()"), and, per class, instance attributes ("Store.conn"),
// what methods return ("Store.cursor()") and properties ("Store.db"). An
// instance of a class of this file is "type:<Class>".
func (e *extractor) typeTable(mod *scope) {
	conflict := map[string]bool{}
	put := func(key, sym string) {
		if sym == "" || key == "" || conflict[key] {
			return
		}
		if old, ok := e.f.Types[key]; ok && old != sym {
			delete(e.f.Types, key)
			conflict[key] = true
			return
		}
		if e.f.Types == nil {
			e.f.Types = map[string]string{}
		}
		e.f.Types[key] = sym
	}
	if mod != nil {
		for name, v := range mod.vars {
			if v.isFn || v.classDef != "" {
				continue
			}
			if v.sym && !v.lit && !strings.Contains(v.mem, "()") && !strings.HasPrefix(v.mod, ".") {
				continue // an imported library name, not an instance
			}
			put(name, typeSymbol(v))
		}
	}
	for idx, r := range e.rets {
		fn := &e.f.Functions[idx]
		switch {
		case fn.Class == "" && fn.Parent == 0:
			put(fn.Name+"()", typeSymbol(r))
		case fn.Class != "" && e.topClass(fn.Class):
			if e.isProperty(idx) {
				put(fn.Class+"."+fn.Name, typeSymbol(r))
			} else {
				put(fn.Class+"."+fn.Name+"()", typeSymbol(r))
			}
		}
	}
	for name, ci := range e.classes {
		if !e.topClass(name) {
			continue
		}
		for attr, v := range ci.attrs {
			put(name+"."+attr, typeSymbol(v))
		}
	}
}

// topClass reports whether class name is defined at the top level of the
// file, where other files can import it.
func (e *extractor) topClass(name string) bool {
	ci := e.classes[name]
	return ci != nil && ci.node >= 0 && e.enclosingFn(ci.node) == 0
}

// typeSymbol is the canonical "Module\x00Member" of an instance, or
// "type:<Class>\x00" for an instance of a class of this file; "" for
// anything else.
func typeSymbol(v val) string {
	switch {
	case v.sym && !v.lit && v.mod != "":
		return v.mod + "\x00" + v.mem
	case v.cls != "" && v.meth == "" && !v.self:
		return "type:" + v.cls + "\x00"
	}
	return ""
}
