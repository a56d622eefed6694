package python

import (
	"slices"
	"strconv"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// eval evaluates an expression in value position.
func (e *extractor) eval(fc *fnCtx, n int32) val { return e.eval1(fc, n, false) }

// evalObj evaluates the object of an attribute, subscript or call: a
// library member read there is part of a longer path, not an access.
func (e *extractor) evalObj(fc *fnCtx, n int32) val { return e.eval1(fc, n, true) }

func accessible(v val) bool {
	return v.sym && v.mem != "" && !strings.Contains(v.mem, "(") && v.mod != "builtins" && !strings.HasPrefix(v.mod, ".")
}

func (e *extractor) eval1(fc *fnCtx, n int32, obj bool) val {
	if n < 0 {
		return val{}
	}
	if e.depth > maxDepth {
		e.f.NoteTooDeep(e.span(n))
		return val{}
	}
	e.depth++
	defer func() { e.depth-- }()
	t := e.t
	switch t.n[n].typ {
	case "identifier":
		v := e.resolve(fc, t.text(n))
		if v.sym && v.num == "" {
			v.num = facts.OpenFlag(v.mod, v.mem) // from os import O_WRONLY
		}
		if !obj {
			if v.isFn {
				e.emitRef(fc, facts.Callee{Kind: "local", Name: t.text(n), Func: v.fn, Span: e.span(n)})
			} else if accessible(v) {
				e.emitAccess(fc, v, n, n, "", nil)
			}
		}
		return v
	case "attribute":
		o := e.evalObj(fc, t.field(n, "object"))
		attr := t.text(t.field(n, "attribute"))
		if e.isLifespanRead(t.field(n, "object"), attr) {
			return e.lifespanValue(o.refs)
		}
		v := e.member(fc, o, attr)
		if v.sym && v.num == "" {
			v.num = facts.OpenFlag(v.mod, v.mem)
		}
		if !obj {
			switch {
			case v.meth != "":
				e.emitRef(fc, facts.Callee{Kind: "method", Name: v.meth, Class: v.cls, Func: e.resolveMethod(v.cls, v.meth), Span: e.span(n)})
			case v.isFn:
				e.emitRef(fc, facts.Callee{Kind: "local", Name: attr, Func: v.fn, Span: e.span(n)})
			case accessible(v):
				e.emitAccess(fc, v, n, n, "", nil)
			}
		}
		return v
	case "call":
		return e.call(fc, n)
	case "subscript":
		return e.subscript(fc, n)
	case "string":
		return e.str(fc, n)
	case "concatenated_string":
		out := val{known: true, lit: true}
		for c := t.n[n].first; c >= 0; c = t.n[c].next {
			if t.n[c].typ != "string" {
				continue
			}
			v := e.str(fc, c)
			out.refs = union(out.refs, v.refs)
			if !out.prefix {
				out.s += v.s
				out.prefix = v.prefix
			}
		}
		return out
	case "integer", "float":
		return val{num: t.text(n), lit: true}
	case "true":
		return val{s: "True", known: true, lit: true}
	case "false":
		return val{s: "False", known: true, lit: true}
	case "none":
		return val{s: "None", known: true, lit: true}
	case "unary_operator":
		v := e.eval(fc, t.field(n, "argument"))
		if v.num != "" && e.operator(n) == "-" {
			return val{num: "-" + v.num, lit: true}
		}
		return taint(v)
	case "binary_operator":
		return e.binary(fc, n)
	case "parenthesized_expression":
		return e.eval1(fc, t.firstNamed(n), obj)
	case "await":
		return e.eval1(fc, t.firstNamed(n), obj)
	case "boolean_operator":
		return e.boolOp(fc, n)
	case "conditional_expression", "comparison_operator", "not_operator",
		"expression_list", "set", "pair", "slice", "keyword_argument", "list_splat", "dictionary_splat",
		"parenthesized_list_splat", "interpolation", "format_expression":
		return e.evalKids(fc, n)
	case "dictionary":
		return e.dict(fc, n)
	case "list", "tuple":
		v := e.evalKids(fc, n)
		v.lit = true
		return v
	case "list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression":
		return e.comprehension(fc, n)
	case "lambda":
		return e.lambda(fc, n)
	case "named_expression":
		v := e.eval(fc, t.field(n, "value"))
		e.bindTarget(fc, t.field(n, "name"), v)
		return v
	case "yield":
		if x := t.firstNamed(n); x >= 0 && t.n[x].next < 0 && t.n[t.n[n].first].next == x && e.yieldsContext(fc.decl) {
			// `yield conn` in a @contextmanager: what `with f() as c` binds.
			if fc.decl == e.lifespan.fn && t.typ(t.unparen(x)) == "dictionary" {
				e.lifespan.dict = t.unparen(x)
			}
			v := e.eval(fc, x)
			e.addReturn(fc, v.refs)
			e.noteReturn(fc.decl, v)
			return val{}
		}
		v := e.evalKids(fc, n)
		e.addReturn(fc, v.refs)
		return val{}
	case "ellipsis", "type", "comment", "escape_sequence", "string_content":
		return val{}
	}
	if statementTypes[t.n[n].typ] {
		e.stmt(fc, n)
		return val{}
	}
	return e.evalKids(fc, n)
}

func (e *extractor) str(fc *fnCtx, n int32) val {
	var refs []facts.ParamRef
	env, first := "", true
	var lead val // an imported constant or a fallback the string starts with
	var tail *facts.ParamRef
	cut := false
	s, _, prefix := e.stringLit(n, func(ip int32) (string, bool) {
		x := e.t.field(ip, "expression")
		if x < 0 {
			x = e.t.firstNamed(ip)
		}
		v := e.eval(fc, x)
		refs = union(refs, v.refs)
		if first && e.leads(n, ip) {
			if v.env != "" {
				env = v.env // f"{BASE}/api": the variable overrides the start
			}
			if !v.known {
				if cr := constRef(v); cr != nil || v.dflt != "" {
					// f"{API_URL}/v1", f"{self.base_url}/v1": the text
					// after it, joined to it here or by the link.
					lead, lead.cref = v, cr
					first = false
					return "", true
				}
			}
		}
		first = false
		if env == "" && v.known {
			// f"http://{HOST}:{PORT}" with env defaults: the text is the
			// defaults', which the variable named changes.
			env = v.env
		}
		if !(v.known && !v.prefix) && !cut {
			cut = true
			if !v.known && v.direct && len(v.refs) == 1 {
				tail = &v.refs[0] // f"{base}{path}": path ends the known text
			}
		}
		return v.s, v.known && !v.prefix
	})
	switch {
	case lead.cref != nil:
		if lead.cref != nil && lead.s != "" {
			// The text after a constant already followed by text.
			if lead.prefix {
				s, prefix = lead.s, true
			} else {
				s = lead.s + s
			}
		}
		if lead.prefix {
			tail = nil
		}
		return val{s: s, prefix: prefix, refs: refs, cref: lead.cref, tail: tail}
	case lead.dflt != "":
		d, dp := lead.dflt, lead.dprefix
		if !dp {
			d, dp = d+s, prefix
		} else {
			tail = nil
		}
		return val{dflt: d, dprefix: dp, refs: refs, tail: tail}
	}
	if !prefix {
		tail = nil
	}
	return val{s: s, known: true, prefix: prefix, lit: true, refs: refs, env: env, tail: tail}
}

// constRef is the constant of another module that v names or starts with:
// an imported name (from .config import API_URL; config.API_URL), which the
// link looks up in that module's constants; nil when v is none.
func constRef(v val) *facts.ConstRef {
	if v.cref != nil {
		return v.cref
	}
	if !v.sym || v.lit || v.mem == "" || v.mod == "" || v.mod == "builtins" || v.num != "" || strings.ContainsAny(v.mem, "()") {
		return nil
	}
	return &facts.ConstRef{Module: v.mod, Name: v.mem}
}

// strip is s.rstrip(chars), s.strip(chars) or s.lstrip(chars) of a string
// whose value or fallback is known (os.getenv("X", "https://…/").rstrip("/")):
// an unknown end may lose more characters, so a known start keeps only
// what is left of it once stripped; a known value is stripped exactly.
func strip(o val, attr string, al argList) (val, bool) {
	if attr != "rstrip" && attr != "strip" && attr != "lstrip" || al.spread || len(al.args) > 1 || o.num != "" {
		return val{}, false
	}
	chars, ws := "", true
	if len(al.args) == 1 {
		a := al.args[0]
		if a.Name != "" || !a.Known || a.Prefix || a.Value == "None" {
			return val{}, false
		}
		chars, ws = a.Value, false
	}
	cut := func(s string, prefix bool) string {
		if attr != "rstrip" {
			if ws {
				s = strings.TrimLeft(s, " \t\n\r\f\v")
			} else {
				s = strings.TrimLeft(s, chars)
			}
		}
		if attr != "lstrip" && !prefix {
			if ws {
				s = strings.TrimRight(s, " \t\n\r\f\v")
			} else {
				s = strings.TrimRight(s, chars)
			}
		}
		return s
	}
	switch {
	case o.known && !o.prefix:
		return val{s: cut(o.s, false), known: true, env: o.env}, true
	case o.known && attr == "lstrip":
		return val{s: cut(o.s, true), known: true, prefix: true, env: o.env}, true
	case !o.known && o.dflt != "" && (!o.dprefix || attr == "lstrip"):
		return val{dflt: cut(o.dflt, o.dprefix), dprefix: o.dprefix}, true
	}
	return val{}, false
}

// constLike reports whether an imported name passed whole may be a
// string constant: an upper-case name (API_URL) or an attribute of an
// imported object or module (config.API_URL, settings.api_url), not a
// function handed over (add_tool(list_dir)).
func constLike(mem string) bool {
	if strings.Contains(mem, ".") {
		return true
	}
	return mem == strings.ToUpper(mem) && strings.ContainsFunc(mem, func(r rune) bool { return r >= 'A' && r <= 'Z' })
}

// boolOp evaluates `a or b` and `a and b`: the taint of both, and for `or`
// with a literal string on the right, what the value falls back to.
func (e *extractor) boolOp(fc *fnCtx, n int32) val {
	t := e.t
	ln, rn := t.field(n, "left"), t.field(n, "right")
	if ln < 0 || rn < 0 || e.operator(n) != "or" {
		return e.evalKids(fc, n)
	}
	l := e.eval(fc, ln)
	r := e.eval(fc, rn)
	out := val{refs: union(l.refs, r.refs)}
	if !r.known || r.s == "" || r.num != "" || r.s == "None" || len(r.s) > maxValue {
		return out
	}
	switch {
	case l.envRead != "":
		// os.getenv("API_URL") or "https://…": the default when unset (or empty).
		out.s, out.known, out.prefix, out.env = r.s, true, r.prefix, l.envRead
	case !l.known && l.dflt == "":
		// base_url or "https://…": the fallback, beside the other value.
		out.dflt, out.dprefix = r.s, r.prefix
	}
	return out
}

// maxValue bounds a fallback's text.
const maxValue = 4096

// leads reports whether interpolation ip of string n comes before any
// literal text of it (f"{BASE}/x"), so the value starts with ip's.
func (e *extractor) leads(n, ip int32) bool {
	t := e.t
	for c := t.n[n].first; c >= 0 && c != ip; c = t.n[c].next {
		if t.n[c].typ == "string_content" || t.n[c].typ == "escape_sequence" {
			return false
		}
	}
	return true
}

func (e *extractor) binary(fc *fnCtx, n int32) val {
	t := e.t
	op := e.operator(n)
	l := e.eval(fc, t.field(n, "left"))
	r := e.eval(fc, t.field(n, "right"))
	out := val{refs: union(l.refs, r.refs)}
	switch op {
	case "+":
		if !l.known {
			// API_URL + "/v1", (base or "https://…") + "/v1": the text
			// after a constant or a fallback.
			if cr := constRef(l); cr != nil && len(l.props) == 0 {
				out.cref, out.s, out.prefix = cr, l.s, true
				if !l.prefix && r.known && r.num == "" && len(l.s)+len(r.s) <= maxValue {
					out.s, out.prefix = l.s+r.s, r.prefix
				}
				out.tail = tailAfter(l.prefix, l.tail, r)
				return out
			}
			if l.dflt != "" {
				out.dflt, out.dprefix = l.dflt, true
				if !l.dprefix && r.known && r.num == "" && len(l.dflt)+len(r.s) <= maxValue {
					out.dflt, out.dprefix = l.dflt+r.s, r.prefix
				}
				out.tail = tailAfter(l.dprefix, l.tail, r)
				return out
			}
		}
		if l.known {
			out.known, out.s, out.prefix, out.env = true, l.s, l.prefix, l.env
			if !l.prefix {
				if r.known {
					out.s += r.s
					out.prefix = r.prefix
					if out.env == "" {
						out.env = r.env // "http://" + HOST, HOST an env default
					}
				} else {
					out.prefix, out.tail = true, tailAfter(false, nil, r)
				}
			} else {
				out.tail = l.tail
			}
		}
	case "%":
		if l.known {
			out.known, out.s, out.prefix = true, l.s, true
			if i := strings.IndexByte(l.s, '%'); i >= 0 {
				out.s = l.s[:i]
				if !l.prefix {
					// "%s/users/%s" % (BASE, name): known values filled in.
					out.s, out.prefix = percentFormat(l.s, e.percentArgs(fc, t.field(n, "right"), r))
				}
			} else {
				out.prefix = l.prefix
			}
		}
	case "|":
		out.num = facts.OrFlags(l.num, r.num)
	case "/":
		if isPath(l) {
			out.sym, out.mod, out.mem = true, l.mod, l.mem
			out.s, out.known, out.prefix = joinPath(l, r)
		}
	}
	return out
}

// member is o.attr.
func (e *extractor) member(fc *fnCtx, o val, attr string) val {
	if v, ok := e.lifespanEntry(o, attr); ok {
		return v
	}
	switch {
	case o.sym:
		if len(o.mem) > maxMember {
			return val{refs: o.refs}
		}
		if v, ok := e.flagValue(o, attr); ok {
			return v // args.url: the option's default, the flag noted
		}
		// An instance's construction options go along its attributes
		// (client.chat.completions): calls on them record them as Recv.
		return normSym(val{sym: true, mod: o.mod, mem: joinMember(o.mem, attr), refs: o.refs, props: o.props})
	case o.self || o.cls != "":
		var refs []facts.ParamRef
		if o.self {
			refs = []facts.ParamRef{{Fn: fc.decl, Param: -1, Path: []string{attr}}}
		} else {
			refs = o.refs
		}
		// A field of a parameter typed with a class of the file (a pydantic
		// model of tool input: args.path) is a path into the parameter, and
		// the class's default for it is no literal of the value.
		field := !o.self && o.direct
		if ci := e.classes[o.cls]; ci != nil {
			if av, ok := e.classAttr(ci, attr, 0); ok {
				if field && !av.sym && av.cls == "" && av.meth == "" {
					return val{refs: extendPath(o.refs, attr), direct: true}
				}
				av.refs = refs
				return av
			}
		}
		if mi := e.resolveMethod(o.cls, attr); mi >= 0 && e.isProperty(mi) {
			if r, ok := e.rets[mi]; ok {
				r.refs = refs
				return r
			}
		}
		if e.resolveMethod(o.cls, attr) >= 0 || (o.self && e.methods[attr]) {
			return val{meth: attr, cls: o.cls, refs: o.refs}
		}
		if field {
			return val{refs: extendPath(o.refs, attr), direct: true}
		}
		return val{refs: refs, direct: o.self}
	case o.classDef != "":
		if s, ok := e.f.Constants[o.classDef+"."+attr]; ok {
			return val{s: s, known: true}
		}
		if ci := e.classes[o.classDef]; ci != nil {
			if av, ok := ci.attr(attr); ok {
				return av
			}
		}
		if e.resolveMethod(o.classDef, attr) >= 0 {
			return val{meth: attr, cls: o.classDef}
		}
		return val{}
	case o.known && attr == "value":
		return o // Enum member .value
	case o.direct:
		return val{refs: extendPath(o.refs, attr), direct: true}
	}
	return val{refs: o.refs}
}

func (e *extractor) classAttr(ci *classInfo, attr string, depth int) (val, bool) {
	if av, ok := ci.attr(attr); ok {
		return av, true
	}
	if depth < 5 {
		for _, b := range ci.bases {
			if bc := e.classes[b]; bc != nil && bc != ci {
				if av, ok := e.classAttr(bc, attr, depth+1); ok {
					return av, true
				}
			}
		}
	}
	return val{}, false
}

// resolveMethod finds method name of class cls (or its bases in the file), else -1.
func (e *extractor) resolveMethod(cls, name string) int {
	ci := e.classes[cls]
	for depth := 0; ci != nil && depth < 6; depth++ {
		if idx, ok := ci.methods[name]; ok {
			return idx
		}
		var next *classInfo
		for _, b := range ci.bases {
			if bc := e.classes[b]; bc != nil && bc != ci {
				if _, ok := bc.methods[name]; ok {
					return bc.methods[name]
				}
				if next == nil {
					next = bc
				}
			}
		}
		ci = next
	}
	return -1
}

func (e *extractor) subscript(fc *fnCtx, n int32) val {
	t := e.t
	o := e.evalObj(fc, t.field(n, "value"))
	var key string
	keyKnown := false
	var krefs []facts.ParamRef
	for c := t.n[n].first; c >= 0; c = t.n[c].next {
		if fieldTable()[t.n[c].field] != "subscript" {
			continue
		}
		k := e.eval(fc, c)
		krefs = union(krefs, k.refs)
		if k.known && !k.prefix && k.num == "" {
			key, keyKnown = k.s, true
		}
	}
	if accessible(o) {
		e.emitAccess(fc, o, n, t.field(n, "value"), key, krefs)
	}
	if v, ok := e.lifespanEntry(o, key); ok && keyKnown {
		return v
	}
	switch {
	case len(o.alts) > 0:
		return val{alts: o.alts, refs: union(o.refs, krefs)} // HANDLERS[name]
	case o.direct && keyKnown:
		return val{refs: extendPath(o.refs, key), direct: true}
	case isPath(o):
		return o
	case o.sym && !o.isFn && (strings.HasSuffix(o.mem, "()") || strings.HasSuffix(o.mem, ".[]")):
		// client[db][coll]: a part of a client instance picked by name
		// (a MongoDB database and collection), on which its methods run:
		// MongoClient().[].[].find.
		return val{sym: true, mod: o.mod, mem: o.mem + ".[]", refs: union(o.refs, krefs)}
	}
	return val{refs: union(o.refs, krefs)}
}

func (e *extractor) comprehension(fc *fnCtx, n int32) val {
	t := e.t
	sub := *fc
	sub.scope = newScope(fc.scope)
	var out val
	for c := t.n[n].first; c >= 0; c = t.n[c].next {
		switch t.n[c].typ {
		case "for_in_clause":
			it := e.eval(&sub, t.field(c, "right"))
			out.refs = union(out.refs, it.refs)
			e.bindTarget(&sub, t.field(c, "left"), elementOf(it))
		case "if_clause":
			e.evalKids(&sub, c)
		}
	}
	b := e.eval(&sub, t.field(n, "body"))
	out.refs = union(out.refs, b.refs)
	return out
}

func (e *extractor) lambda(fc *fnCtx, n int32) val {
	idx, ok := e.fnOf[n]
	if !ok {
		return val{}
	}
	for _, p := range e.params(n) {
		if p.def >= 0 {
			e.eval(fc, p.def)
		}
	}
	sub := &fnCtx{idx: idx, decl: idx, scope: newScope(fc.scope), deferred: &[]deferredDef{}}
	e.bindParams(sub, n)
	v := e.eval(sub, e.t.field(n, "body"))
	e.addReturn(sub, v.refs)
	e.runDeferred(sub)
	e.emitRef(fc, facts.Callee{Kind: "local", Func: idx, Span: e.span(n)})
	return val{isFn: true, fn: idx}
}

// ---- calls

type argList struct {
	args   []facts.Arg
	pos    []int32 // positional argument nodes
	posV   []val
	kw     map[string]int32
	refs   []facts.ParamRef
	spread bool
}

func (e *extractor) args(fc *fnCtx, an int32) argList {
	t := e.t
	var al argList
	if an < 0 {
		return al
	}
	if t.n[an].typ == "generator_expression" {
		a, v := e.arg(fc, an, 0)
		al.args, al.pos, al.posV, al.refs = []facts.Arg{a}, []int32{an}, []val{v}, v.refs
		return al
	}
	var kws, splats []facts.Arg
	for c := t.n[an].first; c >= 0; c = t.n[c].next {
		if !t.n[c].named || t.n[c].typ == "comment" {
			continue
		}
		switch t.n[c].typ {
		case "keyword_argument":
			a, v := e.arg(fc, t.field(c, "value"), 0)
			a.Name = t.text(t.field(c, "name"))
			kws = append(kws, a)
			al.refs = union(al.refs, v.refs)
			if al.kw == nil {
				al.kw = map[string]int32{}
			}
			al.kw[a.Name] = t.field(c, "value")
		case "dictionary_splat":
			a, v := e.arg(fc, c, 0)
			a.Name = "**"
			splats = append(splats, a)
			al.refs = union(al.refs, v.refs)
			al.spread = true
		default:
			a, v := e.arg(fc, c, 0)
			if t.n[c].typ == "list_splat" {
				al.spread = true
			}
			al.args = append(al.args, a)
			al.pos = append(al.pos, c)
			al.posV = append(al.posV, v)
			al.refs = union(al.refs, v.refs)
		}
	}
	al.args = append(append(al.args, kws...), splats...)
	return al
}

// maxElems bounds Arg.Elems.
const maxElems = 16

// arg evaluates one argument expression into an Arg (and its value).
func (e *extractor) arg(fc *fnCtx, x int32, depth int) (facts.Arg, val) {
	t := e.t
	a := facts.Arg{Func: -1}
	u := t.unparen(x)
	switch t.typ(u) {
	case "dictionary":
		if depth < 2 {
			var v val
			v.lit = true
			for c := t.n[u].first; c >= 0; c = t.n[c].next {
				if !t.n[c].named || t.n[c].typ == "comment" {
					continue
				}
				if t.n[c].typ != "pair" {
					cv := e.eval(fc, c)
					v.refs = union(v.refs, cv.refs)
					continue
				}
				kv := e.eval(fc, t.field(c, "key"))
				sub, sv := e.arg(fc, t.field(c, "value"), depth+1)
				v.refs = union(v.refs, union(kv.refs, sv.refs))
				if kv.known && !kv.prefix && kv.num == "" {
					if a.Props == nil {
						a.Props = map[string]facts.Arg{}
					}
					a.Props[kv.s] = sub
				}
			}
			a.Refs = e.remap(fc, v.refs)
			return a, v
		}
	case "list", "tuple":
		if depth < 2 {
			var v val
			v.lit = true
			for c := t.n[u].first; c >= 0; c = t.n[c].next {
				if !t.n[c].named || t.n[c].typ == "comment" {
					continue
				}
				if len(a.Elems) < maxElems {
					sub, sv := e.arg(fc, c, depth+1)
					a.Elems = append(a.Elems, sub)
					v.refs = union(v.refs, sv.refs)
				} else {
					sv := e.eval(fc, c)
					v.refs = union(v.refs, sv.refs)
				}
			}
			a.Refs = e.remap(fc, v.refs)
			return a, v
		}
	}
	v := e.eval(fc, x)
	switch {
	case v.known && (!v.prefix || v.s != ""):
		a.Value, a.Known, a.Prefix, a.Env = v.s, true, v.prefix, v.env
	case v.known:
	case constRef(v) != nil && len(v.props) == 0 && (v.cref != nil || constLike(v.mem)):
		a.Const, a.Value, a.Prefix = constRef(v), v.s, v.prefix
	case v.dflt != "":
		a.Default, a.DefaultPrefix = v.dflt, v.dprefix
	}
	a.Number = v.num
	if v.isFn {
		a.Func = v.fn
	}
	a.Refs = e.remap(fc, v.refs)
	if v.tail != nil && (a.Prefix || a.DefaultPrefix) {
		if tr := e.remap(fc, []facts.ParamRef{*v.tail}); slices.ContainsFunc(a.Refs, tr[0].Equal) {
			a.Tail = &tr[0]
		}
	}
	a.Pass = v.direct && !a.Known && a.Const == nil && len(a.Refs) == 1
	return a, v
}

func (e *extractor) call(fc *fnCtx, n int32) val {
	t := e.t
	fnN := t.field(n, "function")
	argsN := t.field(n, "arguments")
	fu := t.unparen(fnN)
	switch t.typ(fu) {
	case "attribute":
		o := e.evalObj(fc, t.field(fu, "object"))
		attr := t.text(t.field(fu, "attribute"))
		al := e.args(fc, argsN)
		res := val{refs: union(al.refs, o.refs)}
		m := e.member(fc, o, attr)
		if mutators[attr] && !m.sym && m.meth == "" && !o.self && o.cls == "" && o.classDef == "" {
			e.mutate(fc, t.unparen(t.field(fu, "object")), al.refs)
		}
		switch {
		case m.sym:
			e.emitCall(fc, m.mod, m.mem, n, fu, al.args, al.spread)
			if o.sym && strings.Contains(o.mem, "(") {
				e.setRecv(fc, o, t.field(fu, "object"))
			}
			res = e.callResult(m, al, res.refs)
			if isPath(o) && isPath(res) {
				switch attr {
				case "resolve", "absolute", "expanduser":
					res.s, res.known, res.prefix = o.s, o.known, o.prefix
				case "joinpath":
					res.s, res.known, res.prefix = o.s, o.known, o.prefix
					for _, x := range al.posV {
						res.s, res.known, res.prefix = joinPath(res, x)
					}
				}
			}
			e.registerMethod(fc, o, attr, n, al)
			if attr == "Tool" || strings.HasSuffix(m.mem, ".Tool") || m.mem == "Tool" {
				e.recordToolLiteral(fc, n)
			}
		case m.meth != "" || o.self || o.cls != "" || o.classDef != "":
			if o.cls != "" && o.meth == "" {
				// self.tool(fn, name=…) in a FastMCP subclass's setup method.
				e.registerMethod(fc, o, attr, n, al)
			}
			cls := o.cls
			if o.classDef != "" {
				cls = o.classDef
			}
			recv := o.refs
			if o.self {
				// The caller's own receiver: the callee's self.x paths continue from it.
				recv = []facts.ParamRef{{Fn: fc.decl, Param: -1}}
			}
			if m.isFn || m.meth != "" || o.self || o.classDef != "" {
				mi := e.resolveMethod(cls, attr)
				e.emitLocal(fc, facts.Callee{Kind: "method", Name: attr, Class: cls, Func: mi, Span: e.span(fu)}, al, recv, n, t.field(fu, "object"), o.classDef == "")
				if mi >= 0 {
					res = e.returned(mi, res)
				}
			}
		case attr == "get" && len(o.alts) > 0 && !o.sym && o.cls == "" && !o.self:
			res.alts = mergeAlts(nil, o) // HANDLERS.get(name[, default])
			if len(al.posV) > 1 {
				res.alts = mergeAlts(res.alts, al.posV[1:]...)
			}
		case attr == "get" && o.direct && len(al.posV) > 0 && al.posV[0].known && !al.posV[0].prefix:
			res = val{refs: extendPath(o.refs, al.posV[0].s), direct: true}
		case o.known && !o.prefix && attr == "format":
			res.known = true
			res.s, res.prefix = braceFormat(o.s, al.posV)
		case o.lit || o.builtin != "":
		default:
			if attr == "add_tool" && !o.self {
				e.registerCall(fc, sdkFastMCP, n, al, -1)
			}
			if e.methods[attr] {
				e.emitLocal(fc, facts.Callee{Kind: "method", Name: attr, Func: -1, Span: e.span(fu)}, al, o.refs, n, t.field(fu, "object"), true)
			}
		}
		if sv, ok := strip(o, attr, al); ok {
			res.s, res.known, res.prefix, res.env, res.dflt, res.dprefix = sv.s, sv.known, sv.prefix, sv.env, sv.dflt, sv.dprefix
		}
		return res
	case "identifier":
		name := t.text(fu)
		v := e.resolve(fc, name)
		if v.builtin == "getattr" {
			if ks := t.namedKids(argsN, nil); len(ks) >= 2 {
				if s, ok := e.staticString(ks[1], e.f.Constants, ""); ok {
					o := e.evalObj(fc, ks[0])
					for _, k := range ks[2:] {
						e.eval(fc, k)
					}
					return e.member(fc, o, s)
				}
			}
		}
		al := e.args(fc, argsN)
		res := val{refs: al.refs}
		switch {
		case v.isFn:
			e.emitLocal(fc, facts.Callee{Kind: "local", Name: name, Func: v.fn, Span: e.span(fu)}, al, nil, n, -1, false)
			res = e.returned(v.fn, res)
		case v.classDef != "":
			e.emitLocal(fc, facts.Callee{Kind: "method", Name: "__init__", Class: v.classDef, Func: e.resolveMethod(v.classDef, "__init__"), Span: e.span(fu)}, al, nil, n, fu, true)
			res.cls = v.classDef
		case v.sym:
			e.emitCall(fc, v.mod, v.mem, n, fu, al.args, al.spread)
			res = e.callResult(v, al, al.refs)
			if v.mem == "Tool" || strings.HasSuffix(v.mem, ".Tool") {
				e.recordToolLiteral(fc, n)
			}
		case v.unbound != "":
			e.emitLocal(fc, facts.Callee{Kind: "local", Name: name, Func: -1, Span: e.span(fu)}, al, nil, n, -1, false)
		case (v.builtin == "int" || v.builtin == "str") && len(al.posV) == 1 && al.posV[0].env != "" &&
			al.posV[0].known && !al.posV[0].prefix && isDecimal(al.posV[0].s):
			// int(os.getenv("PORT", "8080")): the default port, named by
			// the variable, as text where it is formatted into a URL.
			p := al.posV[0]
			res.s, res.known, res.num, res.env = p.s, true, p.s, p.env
		case len(v.alts) > 0:
			e.altCalls(fc, v, al, n, fu) // fn = HANDLERS.get(name); fn(cmd)
		}
		return res
	}
	// Calling the result of an expression: f()(x), getattr(o, "m")(x), mcp.tool()(fn).
	v := e.evalObj(fc, fnN)
	al := e.args(fc, argsN)
	res := val{refs: union(al.refs, v.refs)}
	if inner := fu; t.typ(inner) == "call" {
		if f2 := t.unparen(t.field(inner, "function")); t.typ(f2) == "attribute" && t.textEq(t.field(f2, "attribute"), "tool") {
			recv := e.pureVal(fc, t.field(f2, "object"))
			if sdk := e.sdkOf(fc, recv); sdk != "" {
				before := len(e.f.Tools)
				e.registerCall(fc, sdk, n, al, inner)
				e.markVia(before, viaModule(recv))
			}
		}
	}
	switch {
	case v.sym:
		e.emitCall(fc, v.mod, v.mem, n, fnN, al.args, al.spread)
		res = e.callResult(v, al, res.refs)
	case v.isFn:
		e.emitLocal(fc, facts.Callee{Kind: "local", Func: v.fn, Span: e.span(fnN)}, al, nil, n, -1, false)
		res = e.returned(v.fn, res)
	case v.meth != "":
		mi := e.resolveMethod(v.cls, v.meth)
		e.emitLocal(fc, facts.Callee{Kind: "method", Name: v.meth, Class: v.cls, Func: mi, Span: e.span(fnN)}, al, v.refs, n, fnN, true)
		if mi >= 0 {
			res = e.returned(mi, res)
		}
	case len(v.alts) > 0:
		e.altCalls(fc, v, al, n, fnN) // HANDLERS[name](cmd), TOOLS.get(name)(cmd)
	}
	return res
}

// maxAlts bounds the functions one call through a table may reach; the
// rest of a larger table is noted too deep, never dropped silently.
const maxAlts = 512

// altCalls records a call of a value picked from a dict of functions by a
// key (v.alts) as a call of each: the key is computed, any may run.
func (e *extractor) altCalls(fc *fnCtx, v val, al argList, n, callee int32) {
	for i, fn := range v.alts {
		if i == maxAlts {
			e.f.NoteTooDeep(e.span(n))
			return
		}
		e.emitLocal(fc, facts.Callee{Kind: "local", Name: e.f.Functions[fn].Name, Func: fn, Span: e.span(callee)}, al, nil, n, -1, false)
	}
}

// dict evaluates a dict literal: the taint of its parts, and the
// functions of this file it holds as values ({"a": a, "b": lambda x: …}).
func (e *extractor) dict(fc *fnCtx, n int32) val {
	t := e.t
	out := val{lit: true}
	for c := t.n[n].first; c >= 0; c = t.n[c].next {
		cn := &t.n[c]
		if !cn.named || cn.typ == "comment" {
			continue
		}
		if cn.typ != "pair" {
			out.refs = union(out.refs, e.eval(fc, c).refs)
			continue
		}
		k := e.eval(fc, t.field(c, "key"))
		out.refs = union(out.refs, k.refs)
		v := e.eval(fc, t.field(c, "value"))
		if n == e.lifespan.dict && k.known && !k.prefix && k.num == "" {
			e.noteLifespanEntry(k.s, v)
		}
		out.refs = union(out.refs, v.refs)
		out.alts = mergeAlts(out.alts, v)
	}
	return out
}

// mergeAlts adds the functions the values hold (isFn, alts) to alts,
// deduplicated, at most maxAlts+1 (the extra one says "cut").
func mergeAlts(alts []int, vs ...val) []int {
	add := func(fn int) {
		if len(alts) <= maxAlts && !slices.Contains(alts, fn) {
			alts = append(alts, fn)
		}
	}
	for _, v := range vs {
		if v.isFn {
			add(v.fn)
		}
		for _, fn := range v.alts {
			add(fn)
		}
	}
	return alts
}

// addAlts notes a function stored into the dict obj names (H["c"] = c).
// Only a variable of the function itself, as mutate.
func (e *extractor) addAlts(fc *fnCtx, obj int32, v val) {
	if !v.isFn && len(v.alts) == 0 {
		return
	}
	name := e.t.text(obj)
	if old, ok := fc.scope.vars[name]; ok && !fc.globals[name] && !old.sym && old.cls == "" {
		old.alts = mergeAlts(old.alts, v)
		fc.scope.vars[name] = old
	}
}

// joinPath is the literal path of p / x, as far as it is known.
func joinPath(p, x val) (string, bool, bool) {
	if !p.known {
		return "", false, false
	}
	if p.prefix {
		return p.s, true, true
	}
	s := strings.TrimSuffix(p.s, "/") + "/"
	if strings.HasPrefix(x.s, "/") && x.known {
		s = "" // an absolute right side replaces the left
	}
	if !x.known || x.num != "" {
		return s, true, true
	}
	return s + x.s, true, x.prefix
}

// instance fills in what a constructed instance's Recv will say: the
// literal path of a pathlib path, or the URL and keyword options of a client.
func instance(m val, al argList, res *val) {
	if strings.Contains(m.mem, "(") || !res.sym {
		return
	}
	if m.mod == "pathlib" {
		switch {
		case pathClasses[m.mem] && len(al.posV) > 0:
			p := al.posV[0]
			res.s, res.known, res.prefix, res.env = p.s, p.known && p.num == "", p.prefix, p.env
			for _, x := range al.posV[1:] {
				if !res.known {
					break
				}
				res.s, res.known, res.prefix = joinPath(*res, x)
			}
		case strings.HasSuffix(m.mem, ".home"):
			res.s, res.known = "~", true
		}
		return
	}
	for _, a := range al.args {
		if a.Name == "**" {
			// Client(**opts): options not seen here may set the host.
			if res.props == nil {
				res.props = map[string]facts.Arg{}
			}
			res.props[facts.OpenProps] = facts.Arg{Func: -1}
			continue
		}
		if a.Name == "" {
			continue
		}
		if res.props == nil {
			res.props = map[string]facts.Arg{}
		}
		opt := a
		opt.Name = ""
		res.props[a.Name] = opt
		if (a.Name == "base_url" || a.Name == "url" || a.Name == "dsn") && a.Known && !res.known {
			res.s, res.known, res.prefix = a.Value, true, a.Prefix
		}
	}
	if len(al.args) > 0 && al.args[0].Name == "" {
		first := al.args[0]
		for k, v := range first.Props {
			if res.props == nil {
				res.props = map[string]facts.Arg{}
			}
			res.props[k] = v
		}
		if first.Known && strings.Contains(first.Value, "://") && !res.known {
			res.s, res.known, res.prefix = first.Value, true, first.Prefix
		}
	}
}

// callResult is the value a call to library member m returns: an instance
// "m()", or the module a dynamic import with a literal name loads.
func (e *extractor) callResult(m val, al argList, refs []facts.ParamRef) val {
	if (m.mod == "builtins" && m.mem == "__import__") || (m.mod == "importlib" && m.mem == "import_module") {
		if len(al.posV) > 0 && al.posV[0].known && !al.posV[0].prefix && al.posV[0].s != "" && !strings.HasPrefix(al.posV[0].s, ".") {
			return val{sym: true, mod: al.posV[0].s, refs: refs}
		}
		return val{refs: refs}
	}
	if len(m.mem) > maxMember {
		return val{refs: refs}
	}
	res := normSym(val{sym: true, mod: m.mod, mem: m.mem + "()", refs: refs})
	instance(m, al, &res)
	switch {
	case m.mod == "urllib.parse" && m.mem == "urljoin" && len(al.posV) == 2:
		res.s, res.known, res.prefix = urlJoin(al.posV[0], al.posV[1])
		if res.known && !(al.posV[1].known && strings.Contains(al.posV[1].s, "://")) {
			res.env = al.posV[0].env // the base's host: what overrides the base overrides it
		}
	case ((m.mod == "os.path" || m.mod == "posixpath") && m.mem == "join" || m.mod == "os" && m.mem == "path.join") && len(al.posV) > 0 && !al.spread:
		// Only when every part is known: a later absolute part replaces
		// the ones before it, so a known start says nothing of the rest.
		parts := make([]string, 0, len(al.posV))
		for _, v := range al.posV {
			if !v.known || v.prefix {
				return res
			}
			parts = append(parts, v.s)
		}
		res.s, res.known = osPathJoin(parts), true
	}
	if (m.mod == "pydantic" || m.mod == "pydantic.fields" || m.mod == "pydantic_settings") && m.mem == "Field" ||
		m.mod == "dataclasses" && m.mem == "field" {
		// Field(default="https://…"), Field("https://…"): a field whose
		// default is that literal; the options (alias=…) stay in props.
		def, ok := val{}, false
		for _, a := range al.args {
			if a.Name == "default" {
				def, ok = val{s: a.Value, known: a.Known, prefix: a.Prefix, env: a.Env}, true
			}
		}
		if !ok && len(al.posV) > 0 && m.mem == "Field" && len(al.args) > 0 && al.args[0].Name == "" {
			def = al.posV[0]
		}
		if def.known && def.num == "" && def.s != "None" {
			return val{s: def.s, known: true, prefix: def.prefix, env: def.env, props: res.props, refs: refs}
		}
	}
	if name, def, ok := envDefault(m, al); ok {
		res.s, res.known, res.prefix, res.env = def.s, true, def.prefix, name
	} else if name != "" {
		res.envRead = name
	}
	return res
}

// envDefault recognises an environment read with a literal default,
// os.environ.get("X", "d") or os.getenv("X", default="d"): the variable's
// name and the default. Without a default the value stays unknown.
func envDefault(m val, al argList) (string, val, bool) {
	if !(m.mod == "os" && (m.mem == "getenv" || m.mem == "environ.get")) {
		return "", val{}, false
	}
	var key, def val
	given := false
	switch {
	case len(al.posV) >= 2:
		key, def, given = al.posV[0], al.posV[1], true
	case len(al.posV) == 1:
		key = al.posV[0]
		for _, a := range al.args {
			if a.Name == "default" {
				given = true
				if a.Known {
					def = val{s: a.Value, known: true, prefix: a.Prefix}
				}
			}
		}
	}
	if !key.known || key.prefix || key.s == "" {
		return "", val{}, false
	}
	if !def.known && isDecimal(def.num) {
		// os.environ.get("PORT", 8080): the default port, as text where
		// it is formatted into a URL.
		return key.s, val{s: def.num, known: true, num: def.num}, true
	}
	if !def.known || def.s == "" || def.s == "None" || def.num != "" {
		if given && !(def.known && (def.s == "" || def.s == "None")) {
			return "", val{}, false // a default that is not known
		}
		return key.s, val{}, false // the variable, with no default
	}
	return key.s, def, true
}

// percentArgs are the values a "%" format takes: the elements of a tuple
// literal, else the right operand itself.
func (e *extractor) percentArgs(fc *fnCtx, right int32, r val) []val {
	t := e.t
	u := t.unparen(right)
	if t.typ(u) != "tuple" {
		return []val{r}
	}
	var out []val
	for c := t.n[u].first; c >= 0; c = t.n[c].next {
		if t.n[c].named && t.n[c].typ != "comment" {
			out = append(out, e.pureVal(fc, c))
		}
	}
	return out
}

// percentFormat is the known leading part of format % args: %s, %r-free
// plain %s and %d of known values are filled in; the first other
// conversion or unknown value ends it (prefix true).
func percentFormat(format string, args []val) (string, bool) {
	var b strings.Builder
	next := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(format) {
			return b.String(), true
		}
		switch verb := format[i+1]; {
		case verb == '%':
			b.WriteByte('%')
		case verb == 's' && next < len(args) && args[next].known && args[next].num == "":
			b.WriteString(args[next].s)
			if args[next].prefix {
				return b.String(), true
			}
			next++
		case verb == 'd' && next < len(args) && isDecimal(args[next].num):
			b.WriteString(args[next].num)
			next++
		default:
			return b.String(), true
		}
		i++
	}
	return b.String(), next != len(args)
}

// braceFormat is the known leading part of format.format(args...): "{}"
// and "{0}" fields of known positional values are filled in; the first
// other field or unknown value ends it (prefix true).
func braceFormat(format string, args []val) (string, bool) {
	var b strings.Builder
	next := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		switch {
		case c == '{' && i+1 < len(format) && format[i+1] == '{', c == '}' && i+1 < len(format) && format[i+1] == '}':
			b.WriteByte(c)
			i++
			continue
		case c != '{':
			b.WriteByte(c)
			continue
		}
		end := strings.IndexByte(format[i:], '}')
		if end < 0 {
			return b.String(), true
		}
		field := format[i+1 : i+end]
		k := next
		if field != "" {
			n, err := strconv.Atoi(field)
			if err != nil {
				return b.String(), true // a named field, a conversion or a format spec
			}
			k = n
		} else {
			next++
		}
		if k >= len(args) || !args[k].known || args[k].num != "" {
			return b.String(), true
		}
		b.WriteString(args[k].s)
		if args[k].prefix {
			return b.String(), true
		}
		i += end
	}
	return b.String(), false
}

func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// urlJoin is what urljoin(base, ref) is known to be: ref when it is a
// complete absolute URL; base's scheme and host when ref is known to be a
// relative reference that keeps them (a path, a query); nothing when ref
// is not known (urljoin(BASE, endpoint) with a computed endpoint may be
// "https://evil.example/", as JS's new URL(x, base) may) or names another
// host or scheme.
func urlJoin(base, ref val) (string, bool, bool) {
	if ref.known && !ref.prefix && strings.Contains(ref.s, "://") {
		return ref.s, true, false
	}
	if !base.known || !ref.known {
		return "", false, false
	}
	if strings.HasPrefix(ref.s, "//") || strings.HasPrefix(ref.s, "\\") || ref.prefix && (ref.s == "/" || ref.s == "") ||
		strings.ContainsFunc(ref.s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		// Another host ("/" + x when x starts with "/"; urlsplit strips
		// leading spaces and controls and removes tabs and newlines:
		// " //evil.com", "/\t/evil.com").
		return "", false, false
	}
	if i := strings.IndexAny(ref.s, ":/?#"); i >= 0 && ref.s[i] == ':' {
		return "", false, false // a scheme of its own
	} else if i < 0 && ref.prefix {
		return "", false, false // its first characters may still be a scheme
	}
	scheme, rest, ok := strings.Cut(base.s, "://")
	if !ok {
		return "", false, false
	}
	host, _, complete := strings.Cut(rest, "/")
	if !complete && base.prefix {
		return "", false, false
	}
	return scheme + "://" + host + "/", true, true
}

// osPathJoin is posixpath.join of known parts: an absolute part restarts.
func osPathJoin(parts []string) string {
	out := ""
	for _, p := range parts {
		switch {
		case strings.HasPrefix(p, "/"), out == "":
			out = p
		case strings.HasSuffix(out, "/"):
			out += p
		default:
			out += "/" + p
		}
	}
	return out
}

// registerCall records `server.add_tool(fn, name=…)` or `server.tool(…)(fn)`:
// the handler is the first positional argument of call n; nameCall is the
// `.tool(…)` call holding the options (-1: n itself).
// registerMethod records `server.add_tool(fn, …)` and `server.tool(fn, …)`
// (fastmcp's direct form) when o is an MCP server.
func (e *extractor) registerMethod(fc *fnCtx, o val, attr string, n int32, al argList) {
	if attr != "add_tool" && attr != "tool" {
		return
	}
	sdk := e.sdkOf(fc, o)
	before := len(e.f.Tools)
	defer func() { e.markVia(before, viaModule(o)) }()
	switch {
	case sdk == "":
	case attr == "add_tool":
		e.registerCall(fc, sdk, n, al, -1)
	case len(al.posV) > 0 && (al.posV[0].isFn || al.posV[0].meth != ""):
		e.registerCall(fc, sdk, n, al, -1)
	case len(al.pos) > 0 && e.loopOfHandlers(fc, al.pos[0]):
		// for fn in [self.read, self.write]: self.tool(fn)
		e.registerCall(fc, sdk, n, al, -1)
	case len(al.posV) > 0 && hasKw(al, "name") && !al.posV[0].known && !al.posV[0].lit:
		// server.tool(wrapped, name="x"): with the name given by keyword,
		// the positional argument is the function, whatever wraps it.
		e.registerCall(fc, sdk, n, al, -1)
	}
}

// fromFunction returns h when it is `Tool.from_function(fn, …)` (fastmcp's
// Tool, FunctionTool) with fn as its first argument, else -1.
func (e *extractor) fromFunction(h int32) int32 {
	t := e.t
	h = t.unparen(h)
	if t.typ(h) != "call" {
		return -1
	}
	f := t.unparen(t.field(h, "function"))
	if t.typ(f) != "attribute" || !t.textEq(t.field(f, "attribute"), "from_function") {
		return -1
	}
	cls := t.text(t.field(f, "object"))
	cls = cls[strings.LastIndexByte(cls, '.')+1:]
	if cls != "Tool" && cls != "FunctionTool" {
		return -1
	}
	first := t.firstNamed(t.field(h, "arguments"))
	if first < 0 || t.typ(first) == "keyword_argument" {
		return -1
	}
	return h
}

func hasKw(al argList, name string) bool {
	_, ok := al.kw[name]
	return ok
}

func (e *extractor) registerCall(fc *fnCtx, sdk string, n int32, al argList, nameCall int32) {
	if len(al.pos) == 0 {
		return
	}
	t := e.t
	h := t.unparen(al.pos[0])
	if root, _ := e.loopRoot(h); root != "" {
		if elems := fc.loopElems(root); elems != nil {
			e.registerLoop(fc, sdk, n, al, nameCall, elems, h)
			return
		}
	}
	before := len(e.f.Tools)
	e.registerHandler(fc, sdk, n, h, al.posV[0], nameCall)
	e.selfNamed(fc, before, al.posV[0])
}

// registerHandler records the registration n of the function h (value hv).
func (e *extractor) registerHandler(fc *fnCtx, sdk string, n, h int32, hv val, nameCall int32) {
	t := e.t
	if fromFn := e.fromFunction(h); fromFn >= 0 {
		// add_tool(Tool.from_function(fn, name=…)): fn is the handler, the
		// options of from_function name and annotate the tool.
		before := len(e.f.Tools)
		fn := t.unparen(t.firstNamed(t.field(h, "arguments")))
		e.registerHandler(fc, sdk, n, fn, e.pureVal(fc, fn), nameCall)
		if len(e.f.Tools) > before {
			tl := &e.f.Tools[len(e.f.Tools)-1]
			for _, a := range t.namedKids(t.field(h, "arguments"), nil) {
				if t.typ(a) != "keyword_argument" {
					continue
				}
				switch t.text(t.field(a, "name")) {
				case "name":
					e.setToolName(fc, tl, t.field(a, "value"))
				case "annotations":
					e.annotations(fc, tl, t.field(a, "value"))
				}
			}
		}
		return
	}
	idx := -1
	var ref *facts.Callee
	fnName := t.text(h)
	nameSpan := e.span(h)
	exprOf := ".__name__" // what names the tool when fnName is unknown
	w := wrapped{fn: -1}
	if t.typ(h) == "call" {
		w = e.wrappedFn(fc, h)
	} else if hv.wraps > 0 && !hv.isFn && hv.meth == "" {
		w.fn = hv.wraps - 1
	}
	switch {
	case hv.isFn:
		idx = hv.fn
		fnName = e.f.Functions[idx].Name // "" for a lambda: unresolved
	case w.fn >= 0 && t.typ(h) == "call":
		// partial(run, cfg), wrap(find): the wrapped function runs; the
		// tool's name is the wrapper's, known only when given (name=…).
		idx, fnName, exprOf = w.fn, "", ""
	case hv.meth != "":
		idx = e.resolveMethod(hv.cls, hv.meth)
		fnName = hv.meth
		if idx < 0 {
			ref = &facts.Callee{Kind: "method", Name: hv.meth, Class: hv.cls, Func: -1, Span: e.span(h)}
		}
	case t.typ(h) == "lambda":
		i, ok := e.fnOf[h]
		if !ok {
			return
		}
		idx, fnName, exprOf = i, "", ""
	case hv.sym && strings.Contains(hv.mem, "("):
		// A tool object a library call made (Tool.from_function(fn,
		// name="x")): named by its literal name option, else unresolved.
		fnName, exprOf = "", ".name"
		if a, ok := hv.props["name"]; ok && a.Known && !a.Prefix && a.Value != "" {
			fnName = a.Value
		}
	case (t.typ(h) == "identifier" || t.typ(h) == "attribute") && (hv.sym || hv.unbound != ""):
		if i := strings.LastIndexByte(fnName, '.'); i >= 0 {
			fnName = fnName[i+1:]
		}
		ref = &facts.Callee{Kind: "local", Name: fnName, Func: -1, Span: e.span(h)}
	case t.typ(h) == "identifier" || t.typ(h) == "attribute":
		// A variable (a loop's, a parameter, a wrapped function): the
		// function it holds, and so the name, is not known here.
		fnName = ""
	default:
		return
	}
	if idx < 0 && ref == nil && w.fn >= 0 {
		idx = w.fn // a variable holding a wrapper of the function
	}
	if nameCall >= 0 {
		e.fastTool(fc, sdk, n, idx, ref, fnName, nameSpan, nameCall, 0)
	} else {
		e.fastTool(fc, sdk, n, idx, ref, fnName, nameSpan, n, -1)
	}
	if w.fn >= 0 {
		tl := &e.f.Tools[len(e.f.Tools)-1]
		tl.Inputs = e.dropBound(tl.Inputs, w)
	}
	if tl := &e.f.Tools[len(e.f.Tools)-1]; tl.Name == "" && tl.NameRef == "" && tl.NameExpr == "" {
		tl.NameExpr = strings.Join(strings.Fields(t.text(h)), "") + exprOf
		if hv.isFn || t.typ(h) == "lambda" {
			tl.NameExpr = "<lambda>" // what FastMCP would call it
		}
	}
}

// ---- emission

func (e *extractor) emitCall(fc *fnCtx, mod, mem string, n, callee int32, args []facts.Arg, spread bool) {
	e.f.Calls = append(e.f.Calls, facts.Call{
		Module: mod, Member: mem, Func: fc.idx, Span: e.span(n), CalleeSpan: e.span(callee), Args: args, Spread: spread,
	})
}

// setRecv describes the instance the call just emitted was made on.
func (e *extractor) setRecv(fc *fnCtx, o val, objNode int32) {
	c := &e.f.Calls[len(e.f.Calls)-1]
	r := &facts.Arg{Func: -1, Refs: e.remap(fc, o.refs), Props: o.props}
	if o.known && (!o.prefix || o.s != "") {
		r.Value, r.Known, r.Prefix, r.Env = o.s, true, o.prefix, o.env
	}
	c.Recv = r
}

func (e *extractor) emitAccess(fc *fnCtx, v val, n, callee int32, key string, keyRefs []facts.ParamRef) {
	e.f.Calls = append(e.f.Calls, facts.Call{
		Module: v.mod, Member: v.mem, Func: fc.idx, Access: true, Span: e.span(n), CalleeSpan: e.span(callee),
		Key: key, KeyRefs: e.remap(fc, keyRefs),
	})
}

// emitStore records an assignment to attribute attr of the library
// instance o (client.base_url = "https://…") as a store of v
// (facts.Call.Store): the option is set after construction, so its
// default no longer holds alone.
func (e *extractor) emitStore(fc *fnCtx, o val, n int32, attr string, v val) {
	a := facts.Arg{Func: -1, Refs: e.remap(fc, v.refs)}
	if v.known {
		a.Value, a.Known, a.Prefix, a.Env = v.s, true, v.prefix, v.env
	}
	e.f.Calls = append(e.f.Calls, facts.Call{
		Module: o.mod, Member: o.mem, Func: fc.idx, Access: true, Store: true, Span: e.span(n), CalleeSpan: e.span(n),
		Key: attr, Args: []facts.Arg{a},
	})
}

// emitLocal records a call to a function of the project. Args are laid out
// so that Args[i] is what the callee's parameter i receives, as Params keep
// self: a method called on an instance (bound) gets its receiver as Args[0];
// for a callee resolved in this file, keyword arguments move to the index of
// the parameter they name, gaps holding empty Args that span the call.
func (e *extractor) emitLocal(fc *fnCtx, c facts.Callee, al argList, recv []facts.ParamRef, n, recvNode int32, bound bool) {
	recv = e.remap(fc, recv)
	var def int32 = -1
	if c.Func >= 0 && c.Func < len(e.fnNode) {
		def = e.fnNode[c.Func]
	}
	if def >= 0 && c.Kind == "method" {
		switch {
		case e.hasDecorator(def, "staticmethod"):
			bound = false
		case e.hasDecorator(def, "classmethod"):
			bound = true
		}
	}
	args := al.args
	if bound {
		args = append([]facts.Arg{{Refs: recv, Func: -1}}, args...)
	}
	if def >= 0 && len(al.kw) > 0 {
		args = e.alignKeywords(args, e.f.Functions[c.Func].Params, n)
	}
	fn := &e.f.Functions[fc.idx]
	fn.LocalCalls = append(fn.LocalCalls, facts.LocalCall{Callee: c, Args: args, Receiver: recv, Span: e.span(n)})
}

// alignKeywords moves keyword arguments to the index of the parameter they name.
func (e *extractor) alignKeywords(args []facts.Arg, params []string, n int32) []facts.Arg {
	pos := 0
	for pos < len(args) && args[pos].Name == "" {
		pos++
	}
	out := append([]facts.Arg(nil), args[:pos]...)
	// More positional arguments than parameters is common (def f(*args)).
	filled := make([]bool, len(out), max(len(out), len(params)))
	for i := range filled {
		filled[i] = true
	}
	var rest []facts.Arg
	for _, a := range args[pos:] {
		j := -1
		for k, p := range params {
			if p == a.Name {
				j = k
				break
			}
		}
		if j < 0 || (j < len(out) && filled[j]) {
			rest = append(rest, a)
			continue
		}
		for len(out) <= j {
			out = append(out, facts.Arg{Func: -1})
			filled = append(filled, false)
		}
		out[j], filled[j] = a, true
	}
	return append(out, rest...)
}

// emitRef records a reference to a function without a call, once per
// function; the module records every reference, so that the references of
// each top-level statement do not depend on the statements before it
// (analysis/ranged re-extracts statements alone).
func (e *extractor) emitRef(fc *fnCtx, c facts.Callee) {
	if fc.idx != 0 {
		k := refKey{fn: fc.idx, kind: c.Kind, name: c.Name, class: c.Class, target: c.Func}
		if _, dup := e.refSeen[k]; dup {
			return
		}
		if e.refSeen == nil {
			e.refSeen = map[refKey]struct{}{}
		}
		e.refSeen[k] = struct{}{}
	}
	fn := &e.f.Functions[fc.idx]
	fn.Refs = append(fn.Refs, c)
}

// mutators are the methods of lists, dicts and sets that put their
// arguments into the object.
var mutators = map[string]bool{"append": true, "extend": true, "insert": true, "add": true, "update": true,
	"setdefault": true, "appendleft": true, "extendleft": true}

// mutate adds refs to the variable obj names, a collection a mutating
// method or a key assignment puts them into (cmd.append(name),
// body["x"] = v): what it holds now derives from them too.
func (e *extractor) mutate(fc *fnCtx, obj int32, refs []facts.ParamRef) {
	if len(refs) == 0 || obj < 0 || e.t.typ(obj) != "identifier" {
		return
	}
	// Only a variable of the function itself: a mutation of a module or
	// enclosing variable would make the facts of other functions depend on
	// the order they are evaluated in.
	name := e.t.text(obj)
	if v, ok := fc.scope.vars[name]; ok && fc.globals[name] == false {
		v.refs = union(v.refs, refs)
		fc.scope.vars[name] = v
	}
}

// tailAfter is the tail of a text that was a prefix (wasPrefix, with tail
// wasTail) or not, followed by r: the old tail, or r when r is the
// parameter, passed on unchanged, that cuts the text; nil otherwise.
func tailAfter(wasPrefix bool, wasTail *facts.ParamRef, r val) *facts.ParamRef {
	switch {
	case wasPrefix:
		return wasTail
	case r.known:
		return nil
	case r.direct && len(r.refs) == 1:
		return &r.refs[0]
	}
	return nil
}
