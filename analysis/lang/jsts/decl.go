package jsts

import (
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// function evaluates a function's body once, where it is defined, so that
// closures see the values of the enclosing bindings.
func (e *extractor) function(n int32, c *ctx) val {
	idx := e.fnIndex[n] - 1
	if idx < 0 {
		return val{}
	}
	v := val{fnp: idx + 1}
	if e.evaluated(idx) {
		return v
	}
	e.markEvaluated(idx)
	t := e.t
	fs := e.scopeOf(n)
	if fs == nil {
		return v
	}
	if c.caseFn {
		// Defined inside a tool's case body: it belongs to that synthetic function.
		e.f.Functions[idx].Parent = int(c.fn)
	}
	nc := &ctx{fn: idx, self: idx, sc: fs, cls: c.cls, thisFn: c.thisFn, dispatcher: -1}
	if t.k(n) != kArrow {
		nc.cls, nc.thisFn = e.fnClass[idx], idx
	}
	if sp := e.dispatch[n]; sp != nil {
		nc.dispatcher, nc.dspec = idx, sp
	}
	for i, p := range e.params(n) {
		pv := val{taint: []facts.ParamRef{{Fn: int(idx), Param: i}}}
		if i == 2 && e.wpTable[n] {
			pv = val{req: true} // the bundle's require, passed to each module function
		}
		if i == 0 && e.elemArg[n] != nil {
			pv.taint = union(pv.taint, e.elemArg[n]) // paths.map((p) => …): each element of paths
		}
		if i == 0 && e.eachArg[n] != nil {
			pv.each = e.eachArg[n] // tools.forEach((t) => …)
		}
		if i == 0 && e.tableArg[n] != nil {
			pv.table = e.tableArg[n] // importedTools.forEach((t) => …)
		}
		e.bindParam(p, pv, nc)
	}
	body := t.child(n, "body")
	if body < 0 {
		return v
	}
	defer e.endReturnTmpl(idx)
	if t.k(body) == kBlock {
		e.evalBody(body, nc)
	} else {
		rv := e.eval(body, nc)
		f := &e.f.Functions[idx]
		f.Returns = union(f.Returns, rv.taint)
		e.noteReturn(idx, rv, body)
		e.noteReturnTmpl(idx, rv)
		e.noteReturnObj(idx, body, nc.sc, rv)
		if rv.fnp > 0 {
			e.ref(nc, rv.fn(), body)
		}
	}
	return v
}

func (e *extractor) evaluated(idx int32) bool {
	return int(idx) < len(e.done) && e.done[idx]
}

func (e *extractor) markEvaluated(idx int32) {
	for int(idx) >= len(e.done) {
		e.done = append(e.done, false)
	}
	e.done[idx] = true
}

// bindParam binds a parameter: its value is the parameter's taint plus, for a
// TS annotation naming an imported class, an instance of it.
func (e *extractor) bindParam(p int32, pv val, c *ctx) {
	t := e.t
	var def int32 = -1
	pat := p
	if t.k(p) == kRequiredParam {
		pat = t.child(p, "pattern")
		def = t.child(p, "value")
		if ty := t.child(p, "type"); ty >= 0 {
			if inst := e.typeInstance(ty, c); inst.sym != nil {
				inst.taint = pv.taint
				pv = inst
			}
		}
		// constructor(private db: Pool) also declares a field.
		for ch := t.nodes[p].First; ch >= 0; ch = t.nodes[ch].Next {
			if t.k(ch) == kAccessibility && c.cls != "" && pat >= 0 && t.k(pat) == kIdentifier {
				e.class(c.cls).fields[e.text(pat)] = pv
			}
		}
	}
	if pat >= 0 && t.k(pat) == kAssignPattern {
		def = t.child(pat, "right")
		pat = t.child(pat, "left")
	}
	if def >= 0 {
		dv := e.eval(def, c)
		pv.taint = union(pv.taint, dv.taint)
		withDefault(&pv, dv)
	} else if len(pv.taint) == 1 && !pv.req {
		pv.direct = true
	}
	e.bind(pat, pv, c, nil)
}

// typeInstance returns the instance value a type annotation names when the
// type is an imported class (`db: Pool`, `client: pg.Client`).
func (e *extractor) typeInstance(ty int32, c *ctx) val {
	t := e.t
	for i := 0; i < 4 && ty >= 0; i++ {
		switch t.k(ty) {
		case kTypeAnnotation:
			ty = t.firstNamed(ty)
		case kGenericType:
			ty = t.child(ty, "name")
		case kTypeIdentifier:
			if b := c.sc.lookupBytes(e.bytesOf(ty)); b != nil && b.kind == bImport && b.v.sym != nil && !protocolTypes(b.v.sym.mod) {
				return val{sym: &symbol{mod: b.v.sym.mod, member: b.v.sym.member + "()"}}
			}
			return val{}
		case kNestedTypeIdentifier:
			mod := t.child(ty, "module")
			name := t.child(ty, "name")
			if mod >= 0 && name >= 0 && t.k(mod) == kIdentifier {
				if b := c.sc.lookupBytes(e.bytesOf(mod)); b != nil && b.kind == bImport && b.v.sym != nil && !protocolTypes(b.v.sym.mod) {
					return val{sym: &symbol{mod: b.v.sym.mod, member: join(b.v.sym.member, e.text(name)) + "()"}}
				}
			}
			return val{}
		default:
			return val{}
		}
	}
	return val{}
}

// bind assigns v to the names of a pattern. src is the node read from, for
// Access calls of destructured global properties (const { HOME } = process.env).
func (e *extractor) bind(p int32, v val, c *ctx, src *int32) {
	t := e.t
	e.depth++
	defer func() { e.depth-- }()
	if p < 0 {
		return
	}
	if e.depth > maxDepth {
		e.f.NoteTooDeep(e.span(p))
		return
	}
	switch t.k(p) {
	case kIdentifier, kShorthandPattern:
		b := c.sc.lookupBytes(e.bytesOf(p))
		if b == nil {
			return
		}
		v.read = false
		if v.impp > 0 && v.modRoot {
			im := &e.f.Imports[v.impp-1]
			if im.Local == "" {
				im.Local = e.text(p)
			}
		}
		if b.kind == bImport && b.v.sym != nil && v.sym == nil {
			return // a re-declared import keeps its symbol
		}
		b.v = v
	case kObjectPattern:
		fromModule := v.modRoot && v.sym != nil
		first := true
		for ch := t.nodes[p].First; ch >= 0; ch = t.nodes[ch].Next {
			key := e.patternKey(ch)
			if t.k(ch) == kRestPattern {
				e.bind(t.firstNamed(ch), plain(v.taint), c, nil)
				continue
			}
			if key == "" {
				if t.k(ch) == kPairPattern {
					e.bind(t.child(ch, "value"), plain(v.taint), c, nil)
				}
				continue
			}
			sub := e.member(v, key, c)
			if fromModule {
				sub.read = false
				if v.impp > 0 {
					local := e.text(ch)
					switch t.k(ch) {
					case kPairPattern:
						local = e.text(t.child(ch, "value"))
					case kObjAssignPattern:
						local = e.text(t.child(ch, "left"))
					}
					e.recordImportName(v.impp-1, first, key, local)
					first = false
				}
			} else if sub.read {
				e.access(ch, sub, c, nil)
				sub.read = false
			}
			switch t.k(ch) {
			case kShorthandPattern:
				e.bind(ch, sub, c, nil)
			case kPairPattern:
				e.bind(t.child(ch, "value"), sub, c, nil)
			case kObjAssignPattern:
				if r := t.child(ch, "right"); r >= 0 {
					dv := e.eval(r, c)
					sub.taint = union(sub.taint, dv.taint)
					sub.direct = false // the default may be the value
					withDefault(&sub, dv)
				}
				e.bind(t.child(ch, "left"), sub, c, nil)
			}
		}
	case kArrayPattern:
		for ch := t.nodes[p].First; ch >= 0; ch = t.nodes[ch].Next {
			if t.nodes[ch].Flags&flagNamed != 0 {
				e.bind(ch, plain(v.taint), c, nil)
			}
		}
	case kAssignPattern:
		if r := t.child(p, "right"); r >= 0 {
			dv := e.eval(r, c)
			v.taint = union(v.taint, dv.taint)
			withDefault(&v, dv)
		}
		e.bind(t.child(p, "left"), v, c, nil)
	case kRestPattern:
		e.bind(t.firstNamed(p), plain(v.taint), c, nil)
	case kMember, kSubscript:
		e.assignTo(p, v, c)
	}
}

// recordImportName turns the Import of a destructured require into one per name.
func (e *extractor) recordImportName(i int32, first bool, name, local string) {
	im := e.f.Imports[i]
	if first && e.f.Imports[i].Local == "" && e.f.Imports[i].Name == "*" {
		e.f.Imports[i].Name, e.f.Imports[i].Local = name, local
		return
	}
	im.Name, im.Local = name, local
	e.f.Imports = append(e.f.Imports, im)
}

// declaration evaluates `const/let/var` declarators.
func (e *extractor) declaration(n int32, c *ctx) {
	t := e.t
	isConst := false
	for ch := t.nodes[n].First; ch >= 0; ch = t.nodes[ch].Next {
		if t.k(ch) == kConstTok {
			isConst = true
		}
	}
	for d := t.nodes[n].First; d >= 0; d = t.nodes[d].Next {
		if t.k(d) != kDeclarator {
			continue
		}
		name := t.child(d, "name")
		var v val
		if vn := t.child(d, "value"); vn >= 0 {
			if name >= 0 && t.k(name) == kObjectPattern {
				v = e.evalRef(vn, c, false) // each destructured name is its own read
			} else {
				v = e.eval(vn, c)
			}
		}
		if ty := t.child(d, "type"); ty >= 0 && v.sym == nil {
			if inst := e.typeInstance(ty, c); inst.sym != nil {
				inst.taint = v.taint
				v = inst
			}
		}
		top := isConst && c.self == 0 && c.sc == e.module && name >= 0 && t.k(name) == kIdentifier
		if top {
			if vn := t.child(d, "value"); vn >= 0 && t.k(e.unwrapCallee(vn)) == kArray {
				v = e.list(e.text(name), v, c)
			}
		}
		e.bind(name, v, c, nil)
		if top {
			e.constant(e.text(name), objectProps(v))
			e.objectFuncs(e.text(name), objectProps(v))
		}
	}
}

// enum binds a TS enum as an object of its members; string members are constants.
func (e *extractor) enum(n int32, c *ctx) {
	t := e.t
	name := t.child(n, "name")
	body := t.child(n, "body")
	if name < 0 || body < 0 {
		return
	}
	v := val{props: map[string]prop{}}
	for m := t.nodes[body].First; m >= 0; m = t.nodes[m].Next {
		switch t.k(m) {
		case kEnumAssign:
			key := e.propKey(t.child(m, "name"))
			vn := t.child(m, "value")
			mv := e.eval(vn, c)
			if key != "" {
				v.props[key] = prop{node: vn, v: mv}
			}
		case kPropertyIdentifier, kIdentifier, kString:
			v.props[e.propKey(m)] = prop{node: m, v: val{}}
		}
	}
	if b := c.sc.lookupBytes(e.bytesOf(name)); b != nil {
		b.v = v
	}
	if c.self == 0 {
		e.constant(e.text(name), v)
	}
}

// classDef evaluates a class: field initialisers and the constructor first,
// so every method sees the fields' values (this.client = new Octokit()).
func (e *extractor) classDef(n int32, c *ctx) val {
	t := e.t
	name := t.child(n, "name")
	cname := e.text(name)
	if name < 0 {
		cname, _ = e.inferName(n)
	}
	if cname == "" {
		cname = "(anonymous class)"
	}
	ci := e.class(cname)
	if body := t.child(n, "body"); body >= 0 {
		e.markReassigned(ci, body)
	}
	if c.self == 0 && c.sc == e.module {
		for k, v := range e.preStatics[cname] {
			ci.setStatic(k, v) // tsc: Client.BASE = "…" after the class
		}
	}
	cc := *c
	cc.cls = cname
	for ch := t.nodes[n].First; ch >= 0; ch = t.nodes[ch].Next {
		if t.k(ch) == kOther && t.nodes[ch].Flags&flagNamed != 0 {
			e.eval(ch, c) // heritage: extends X
		}
	}
	body := t.child(n, "body")
	if body >= 0 {
		var methods []int32
		var ctor int32 = -1
		for m := t.nodes[body].First; m >= 0; m = t.nodes[m].Next {
			switch t.k(m) {
			case kField:
				key := t.child(m, "property")
				if key < 0 {
					key = t.child(m, "name")
				}
				var fv val
				if vn := t.child(m, "value"); vn >= 0 {
					fv = e.eval(vn, &cc)
				}
				if ty := t.child(m, "type"); ty >= 0 && fv.sym == nil {
					if inst := e.typeInstance(ty, &cc); inst.sym != nil {
						fv = inst
					}
				}
				if k := e.propKey(key); k != "" {
					ci.fields[k] = fv
					if e.isStatic(m, key) {
						ci.setStatic(k, fv)
					}
				}
			case kMethod:
				if e.propKey(t.child(m, "name")) == "constructor" {
					ctor = m
				} else {
					methods = append(methods, m)
				}
			case kBlock:
				methods = append(methods, m)
			}
		}
		if ctor >= 0 {
			e.function(ctor, &cc)
		}
		for _, m := range methods {
			if t.k(m) == kMethod {
				e.pendingMethod(m, &cc)
			}
		}
		for _, m := range methods {
			if t.k(m) == kBlock {
				e.evalBody(m, &cc)
			} else {
				e.function(m, &cc)
			}
		}
	}
	if t.k(n) == kClassDecl && name >= 0 {
		return val{}
	}
	return val{clsRef: cname}
}

// markReassigned notes the fields of a class that its body assigns in more
// than one place (a constructor and a setter; an initialiser and an
// assignment; `this.url += p`). It reads the body's nodes, which the
// flattened tree holds in pre-order, in one pass.
func (e *extractor) markReassigned(ci *classInfo, body int32) {
	t := e.t
	end := t.nodes[body].End
	var count map[string]int
	note := func(k string) {
		if k == "" {
			return
		}
		if count == nil {
			count = map[string]int{}
		}
		count[k]++
	}
	for i := body + 1; int(i) < len(t.nodes) && t.nodes[i].Start < end; i++ {
		switch t.k(i) {
		case kField:
			if t.child(i, "value") >= 0 {
				key := t.child(i, "property")
				if key < 0 {
					key = t.child(i, "name")
				}
				note(e.propKey(key))
			}
		case kAssign, kAugAssign:
			left := t.child(i, "left")
			if left >= 0 && t.k(left) == kMember {
				if obj := t.child(left, "object"); obj >= 0 && t.k(obj) == kThis {
					note(e.text(t.child(left, "property")))
				}
			}
		}
	}
	for k, n := range count {
		if n > 1 {
			if ci.reassigned == nil {
				ci.reassigned = map[string]bool{}
			}
			ci.reassigned[k] = true
		}
	}
}

// field is the value a read of field key sees: f, without the literal one
// assignment gave when the class assigns the field elsewhere too (the
// value at the read is not known; its library instance still is).
func (ci *classInfo) field(key string, f val) val {
	if !ci.reassigned[key] {
		return f
	}
	f.str, f.known, f.prefix, f.env, f.cref, f.dflt, f.dprefix, f.num, f.boolean, f.lead, f.tail = "", false, false, "", nil, "", false, "", 0, nil, nil
	return f
}

// withDefault gives v, a value bound with a default (`{ baseUrl =
// "https://…" } = opts`, `function f(url = "https://…")`), the default's
// literal as its fallback: granted beside "*", as for opts.url ?? "…",
// since the value passed may be used instead.
func withDefault(v *val, dv val) {
	if !dv.known || dv.str == "" || len(dv.str) >= maxValue || v.known || v.cref != nil || v.lead != nil || v.symbolic() {
		return
	}
	v.dflt, v.dprefix = dv.str, dv.prefix
}

// protocolTypes reports whether module m declares the MCP protocol's
// message types (`request: CallToolRequest`): plain data, not an object
// whose methods are calls, so a parameter of such a type stays the
// request, read field by field (request.params.name).
func protocolTypes(m string) bool {
	m = strings.TrimSuffix(strings.TrimSuffix(m, ".js"), "/index")
	return m == "@modelcontextprotocol/sdk/types" || m == "@modelcontextprotocol/sdk/spec.types"
}
