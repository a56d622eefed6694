package jsts

import (
	"bytes"
	"cmp"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// ctx is where evaluation is: which function runs the code and which scope resolves names.
type ctx struct {
	fn         int32 // function the code belongs to (a synthetic case function inside a dispatcher)
	self       int32 // the function being evaluated (owner of Returns)
	sc         *scope
	cls        string // class of `this`
	thisFn     int32  // function whose receiver `this` is (-1: none)
	dispatcher int32  // index of the CallTool handler being evaluated, or -1
	caseFn     bool   // fn is a synthetic case function
	dspec      *dispatchSpec
}

func (c *ctx) with(sc *scope) *ctx {
	n := *c
	n.sc = sc
	return &n
}

// evalBody evaluates the statements of a node (program, block, case body).
func (e *extractor) evalBody(n int32, c *ctx) {
	if sc := e.scopeOf(n); sc != nil && n != 0 {
		c = c.with(sc)
	}
	for ch := e.t.nodes[n].First; ch >= 0; ch = e.t.nodes[ch].Next {
		if e.t.nodes[ch].Flags&flagNamed == 0 {
			continue
		}
		if c.dispatcher >= 0 && !c.caseFn && e.t.k(ch) == kIf {
			if cc := e.guard(ch, n, c); cc != nil {
				c = cc // the rest of the body serves the guarded tool(s)
				continue
			}
		}
		e.eval(ch, c)
	}
}

// eval evaluates node n in value position: reads of library or global
// properties that are not called become Access calls.
func (e *extractor) eval(n int32, c *ctx) val {
	v := e.evalRef(n, c, false)
	if v.read {
		e.access(n, v, c, nil)
		v.read = false
	}
	return v
}

// access records a property read rooted in an import or global.
func (e *extractor) access(n int32, v val, c *ctx, keyRefs []facts.ParamRef) {
	if v.sym == nil || v.intr || v.req {
		return
	}
	member, key := v.sym.member, ""
	if v.keyed {
		member, key = v.objMem, v.key
	}
	if (member == "" && key == "" && keyRefs == nil) || (v.bare && member == "require") {
		return
	}
	sp := e.span(n)
	e.addCall(facts.Call{Module: v.sym.mod, Member: member, Func: int(c.fn), Access: true,
		Span: sp, CalleeSpan: sp, Key: key, KeyRefs: keyRefs})
}

// evalRef evaluates n; a final property read is left to the caller (callee
// true: it is being called).
func (e *extractor) evalRef(n int32, c *ctx, callee bool) val {
	e.depth++
	defer func() { e.depth-- }()
	if n < 0 {
		return val{}
	}
	if e.depth > maxDepth {
		e.f.NoteTooDeep(e.span(n))
		return val{}
	}
	t := e.t
	switch t.k(n) {
	case kIdentifier, kShorthandProp:
		return e.identifier(n, c)
	case kThis:
		v := val{this: true, cls: ""}
		if c.thisFn >= 0 {
			v.taint = []facts.ParamRef{{Fn: int(c.thisFn), Param: -1}}
		}
		return v
	case kMember:
		on := t.child(n, "object")
		obj := e.valueOf(on, e.evalRef(on, c, true), c)
		prop := t.child(n, "property")
		return e.member(obj, e.text(prop), c)
	case kSubscript:
		on := t.child(n, "object")
		obj := e.valueOf(on, e.evalRef(on, c, true), c)
		idxNode := t.child(n, "index")
		iv := e.eval(idxNode, c)
		if iv.known && !iv.prefix {
			return e.member(obj, iv.str, c)
		}
		if iv.num != "" {
			return e.member(obj, iv.num, c)
		}
		if obj.props != nil && obj.sym == nil && c.isToolName(iv) {
			return e.byNameItems(obj) // handlers[request.params.name]
		}
		if kv, ok := e.keyedHandler(obj, iv, n, c); ok {
			return kv // importedHandlers[request.params.name]
		}
		if obj.sym == nil && (obj.props != nil || obj.alts != nil) {
			if alts := tableFuncs(obj); alts != nil {
				return val{alts: alts, taint: obj.taint} // handlers[name] outside a dispatcher
			}
		}
		if (!callee || obj.isEnv()) && obj.sym != nil {
			// process.env[name]: the key is computed.
			k := obj
			k.keyed, k.objMem, k.key = false, "", ""
			e.access(n, k, c, nonNil(iv.taint))
		}
		return plain(obj.taint)
	case kCall:
		v := e.call(n, c, false)
		if c.self == 0 && v.props == nil {
			v.made = e.madeFrom(n, v)
		}
		return v
	case kNew:
		return e.call(n, c, true)
	case kString:
		s, ok := decodeString(e.bytesOf(n))
		return val{str: s, known: ok}
	case kTemplate:
		return e.template(n, c)
	case kNumber:
		return val{num: e.text(n)}
	case kTrue:
		return val{boolean: 2}
	case kFalse:
		return val{boolean: 1}
	case kParen, kPassThrough, kAwait:
		in := t.firstNamed(n)
		if t.k(n) == kPassThrough {
			if ex := t.child(n, "expression"); ex >= 0 {
				in = ex
			}
		}
		return e.evalRef(in, c, callee)
	case kSequence:
		last := int32(-1)
		for ch := t.nodes[n].First; ch >= 0; ch = t.nodes[ch].Next {
			if t.nodes[ch].Flags&flagNamed != 0 && t.k(ch) != kComment {
				if last >= 0 {
					e.eval(last, c)
				}
				last = ch
			}
		}
		return e.evalRef(last, c, callee)
	case kObject:
		return e.object(n, c)
	case kArray:
		return e.array(n, c)
	case kFunctionExpr, kArrow, kFunctionDecl, kMethod:
		return e.function(n, c)
	case kClassDecl, kClassExpr:
		return e.classDef(n, c)
	case kLexicalDecl, kVarDecl:
		e.declaration(n, c)
		return val{}
	case kAssign:
		return e.assign(n, c)
	case kAugAssign:
		return e.augAssign(n, c)
	case kBinary:
		return e.binary(n, c)
	case kTernary:
		e.eval(t.child(n, "condition"), c)
		a := e.eval(t.child(n, "consequence"), c)
		b := e.eval(t.child(n, "alternative"), c)
		r := plain(union(a.taint, b.taint))
		// A library value on one side only is kept: the other is typically a
		// fallback (esbuild's `typeof require < "u" ? require : …` shim).
		if a.symbolic() != b.symbolic() {
			if a.symbolic() {
				r = a
			} else {
				r = b
			}
			r.taint, r.str, r.known, r.prefix, r.num, r.direct = union(a.taint, b.taint), "", false, false, "", false
		}
		if a.known && b.known && a.str == b.str && a.prefix == b.prefix {
			r.str, r.known, r.prefix = a.str, true, a.prefix
		}
		return r
	case kReturn:
		if a := t.firstNamed(n); a >= 0 {
			v := e.eval(a, c)
			fn := &e.f.Functions[c.self]
			fn.Returns = union(fn.Returns, v.taint)
			e.noteReturn(c.self, v, a)
			e.noteReturnTmpl(c.self, v)
			e.noteReturnObj(c.self, a, c.sc, v)
			if v.fnp > 0 {
				e.ref(c, v.fn(), a)
			}
		}
		return val{}
	case kSwitch:
		e.switchStmt(n, c)
		return val{}
	case kIf:
		e.ifStmt(n, c)
		return val{}
	case kBlock, kProgram:
		e.evalBody(n, c)
		return val{}
	case kForIn:
		c2 := c
		if sc := e.scopeOf(n); sc != nil {
			c2 = c.with(sc)
		}
		rv := e.eval(t.child(n, "right"), c2)
		if left := t.child(n, "left"); left >= 0 {
			lv := plain(rv.taint)
			if r := t.child(n, "right"); r >= 0 && bytes.Equal(e.between(n, left, r), []byte("of")) {
				if rv.list == "" {
					lv.each = eachOfElems(rv) // for (const t of tools)
				}
				if lv.each == nil {
					lv.table = tableOf(rv) // for (const t of importedTools)
				}
			}
			e.bind(left, lv, c2, nil)
		}
		if b := t.child(n, "body"); b >= 0 {
			e.eval(b, c2)
		}
		return val{}
	case kFor, kCatch, kSwitchBody:
		e.evalBody(n, c)
		return val{}
	case kImportStmt, kTypeNode, kComment, kTypeAnnotation, kTypeIdentifier, kNestedTypeIdentifier, kGenericType:
		return val{}
	case kExportStmt:
		e.exportStmt(n, c)
		return val{}
	case kEnum:
		e.enum(n, c)
		return val{}
	case kExprStmt, kStatement, kElse:
		for ch := t.nodes[n].First; ch >= 0; ch = t.nodes[ch].Next {
			if t.nodes[ch].Flags&flagNamed != 0 {
				e.eval(ch, c)
			}
		}
		return val{}
	case kSpread:
		return e.eval(t.firstNamed(n), c)
	case kJSXTag:
		// <div …>: the tag name is markup, not a read; attributes are code.
		var taint []facts.ParamRef
		for ch := t.nodes[n].First; ch >= 0; ch = t.nodes[ch].Next {
			if t.nodes[ch].Flags&flagNamed != 0 && t.fieldName(ch) != "name" {
				taint = union(taint, e.eval(ch, c).taint)
			}
		}
		return plain(taint)
	case kUnary:
		in := t.child(n, "argument")
		if in >= 0 && bytes.Equal(e.between(n, -1, in), []byte("delete")) {
			e.noteWrite(in) // delete CONFIG.url
		}
		if in >= 0 && bytes.Equal(e.between(n, -1, in), []byte("typeof")) {
			// typeof fetch only tests for a global; it uses nothing.
			in = e.unwrapCallee(in)
			if in >= 0 && (t.k(in) == kIdentifier || t.k(in) == kMember) {
				return val{}
			}
		}
	}
	// Any other expression: its value derives from its parts.
	var taint []facts.ParamRef
	for ch := t.nodes[n].First; ch >= 0; ch = t.nodes[ch].Next {
		if t.nodes[ch].Flags&flagNamed != 0 {
			taint = union(taint, e.eval(ch, c).taint)
		}
	}
	return plain(taint)
}

func nonNil(r []facts.ParamRef) []facts.ParamRef {
	if r == nil {
		return []facts.ParamRef{}
	}
	return r
}

// identifier resolves a name through the scopes; unbound names are globals.
func (e *extractor) identifier(n int32, c *ctx) val {
	name := e.bytesOf(n)
	if b := c.sc.lookupBytes(name); b != nil {
		if b.foreign && !b.v.symbolic() {
			e.runAssigners(b)
		}
		v := b.v
		if v.sym != nil && b.kind == bImport && v.sym.member != "" {
			v.read = true
		}
		return v
	}
	s := string(name)
	switch {
	case globalRoots[s]:
		return val{sym: &symbol{mod: "globalThis"}, bare: true}
	case intrinsics[s]:
		return val{intr: true}
	case s == "module":
		return val{modObj: true}
	case s == "exports":
		return val{expObj: true}
	}
	return val{sym: &symbol{mod: "globalThis", member: s}, bare: true, read: true, nodeReq: s == "require"}
}

// isEnv reports whether v is process.env itself.
func (v val) isEnv() bool {
	return v.sym != nil && !v.keyed && v.sym.mod == "globalThis" && v.sym.member == "process.env"
}

// envName is the variable v reads when it is process.env.X, else "".
func envName(v val) string {
	if v.sym != nil && v.keyed && v.objMem == "process.env" && v.sym.mod == "globalThis" {
		return v.key
	}
	return ""
}

// valueOf settles the object of a property read: an environment variable
// (process.env.X) holds a string, so reading or calling something on it
// (process.env.X?.trim()) is the read of process.env.X and a string method.
func (e *extractor) valueOf(n int32, obj val, c *ctx) val {
	if obj.sym != nil && obj.keyed && obj.read && obj.objMem == "process.env" && obj.sym.mod == "globalThis" {
		e.access(n, obj, c, nil)
		return plain(obj.taint)
	}
	return obj
}

// member reads property key of obj.
func (e *extractor) member(obj val, key string, c *ctx) val {
	switch {
	case obj.each != nil:
		return e.eachMember(obj, key, c)
	case obj.table != nil:
		if obj.table.prop != "" {
			return plain(extend(obj.taint, key))
		}
		return val{table: &tableRef{mod: obj.table.mod, name: obj.table.name, prop: key, find: obj.table.find}, taint: extend(obj.taint, key)}
	case obj.parsed && key == "data":
		return plain(obj.taint)
	case obj.req || obj.intr:
		return val{intr: true, taint: obj.taint}
	case obj.sym != nil:
		if key == "default" && (obj.wrap || obj.sym.member == "" && nodeBuiltins[obj.sym.mod]) {
			r := obj
			r.wrap, r.read, r.keyed = false, false, false
			return r
		}
		r := val{sym: &symbol{mod: obj.sym.mod, member: join(obj.sym.member, key)}, read: true, taint: obj.taint, ctor: obj.ctor}
		if key == "href" {
			// new URL(…).href
			r.str, r.known, r.prefix, r.env, r.cref, r.lead, r.dflt, r.dprefix, r.tail = obj.str, obj.known, obj.prefix, obj.env, obj.cref, obj.lead, obj.dflt, obj.dprefix, obj.tail
		}
		if obj.sym.mod == "globalThis" && obj.sym.member == "" {
			r.bare = true // globalThis.fetch is fetch
		} else if obj.sym.member != "" && !obj.bare {
			r.keyed, r.objMem, r.key = true, obj.sym.member, key
		}
		if obj.bare && obj.sym.mod == "globalThis" && intrinsics[obj.sym.member] {
			return val{intr: true, taint: obj.taint}
		}
		return r
	case obj.modObj:
		if key == "exports" {
			return val{expObj: true}
		}
		return val{}
	case obj.props != nil:
		if p, ok := obj.props[key]; ok {
			return p.v
		}
	case obj.this:
		if ci := e.classes[c.cls]; ci != nil {
			if f, ok := ci.fields[key]; ok {
				return ci.field(key, f)
			}
			if m, ok := ci.methods[key]; ok {
				if ci.getters[key] {
					return e.withReturn(plain(obj.taint), m)
				}
				return val{fnp: m + 1}
			}
		}
	case obj.cls != "" || obj.clsRef != "":
		name := obj.cls
		if name == "" {
			name = obj.clsRef
		}
		if ci := e.classes[name]; ci != nil {
			if f, ok := ci.statics[key]; ok && obj.cls == "" && !ci.staticWritten[key] {
				return f // Client.BASE
			}
			if f, ok := ci.fields[key]; ok && obj.cls != "" {
				return ci.field(key, f)
			}
			if m, ok := ci.methods[key]; ok {
				if ci.getters[key] && obj.cls != "" {
					return e.withReturn(plain(obj.taint), m)
				}
				return val{fnp: m + 1}
			}
		}
	}
	v := plain(extend(obj.taint, key))
	v.direct = obj.direct && len(v.taint) == 1
	return v
}

// template evaluates a template string: known leading text, taint of the substitutions.
func (e *extractor) template(n int32, c *ctx) val {
	t := e.t
	nd := t.nodes[n]
	pos := nd.Start + 1
	var sb bytes.Buffer
	known, prefix := true, false
	env := ""
	var cref *facts.ConstRef
	var lead *facts.ParamRef
	dflt := ""
	var taint []facts.ParamRef
	var tail *facts.ParamRef
	for ch := nd.First; ch >= 0; ch = t.nodes[ch].Next {
		if t.k(ch) != kTemplateSubst {
			continue
		}
		if known && !prefix {
			sb.WriteString(unescape(e.src[pos:t.nodes[ch].Start]))
		}
		var sv val
		if in := t.firstNamed(ch); in >= 0 {
			sv = e.eval(in, c)
		}
		if sb.Len() == 0 && pos == nd.Start+1 && pos == t.nodes[ch].Start {
			env = sv.env // `${BASE}/api`: the variable overrides the start
			if !sv.known {
				// `${API_BASE}/v1`: the text after an imported constant.
				if cref = sv.cref; cref != nil {
					sb.WriteString(sv.str)
					prefix = sv.prefix
				} else {
					cref = constRef(sv)
				}
				if cref == nil && sv.dflt != "" {
					// `${this.baseUrl}/v1`: the default's text, then the rest.
					dflt = sv.dflt
					prefix = sv.dprefix
				}
				if cref == nil && dflt == "" {
					// `${this.baseUrl}/v1`: a parameter's value, then the rest.
					if lead = leadOf(sv); lead != nil && sv.lead != nil {
						sb.WriteString(sv.str)
						prefix = sv.prefix
					}
				}
				if cref != nil || dflt != "" || lead != nil {
					sv = val{known: true, taint: sv.taint}
				}
			}
		}
		taint = union(taint, sv.taint)
		if known && !prefix && sb.Len() >= maxValue {
			prefix = true
		}
		if known && !prefix {
			if sv.known && !sv.prefix {
				sb.WriteString(sv.str)
			} else if sv.known {
				sb.WriteString(sv.str)
				prefix = true
			} else if decimalLiteral(sv.num) {
				sb.WriteString(sv.num) // `http://localhost:${PORT}` with const PORT = 3000
			} else if sv.envNum != "" {
				sb.WriteString(sv.envNum) // PORT = process.env.PORT || 3000
			} else {
				prefix, tail = true, tailOf(sv)
			}
			if env == "" && (sv.known || sv.envNum != "") {
				// `http://${HOST}:${PORT}` with env defaults: the text is
				// the defaults', which the variable named changes.
				env = sv.env
			}
		}
		pos = t.nodes[ch].End
	}
	if known && !prefix && nd.End > pos {
		end := nd.End - 1
		if end >= pos && int(end) <= len(e.src) {
			sb.WriteString(unescape(e.src[pos:end]))
		}
	}
	if cref != nil {
		return val{str: sb.String(), prefix: prefix, taint: taint, cref: cref, env: env, tail: tail}
	}
	if dflt != "" {
		return val{dflt: dflt + sb.String(), dprefix: prefix, taint: taint, tail: tail}
	}
	if lead != nil {
		return val{str: sb.String(), prefix: prefix, taint: taint, lead: lead, tail: tail}
	}
	return val{str: sb.String(), known: known, prefix: prefix, taint: taint, env: env, tail: tail}
}

// binary evaluates operators; `+` concatenates known strings.
func (e *extractor) binary(n int32, c *ctx) val {
	t := e.t
	ln, rn := t.child(n, "left"), t.child(n, "right")
	l := e.eval(ln, c)
	r := e.eval(rn, c)
	v := plain(union(l.taint, r.taint))
	if name := envName(l); name != "" && !r.known && (r.cref != nil || constRef(r) != nil) {
		if op := e.between(n, ln, rn); bytes.Equal(op, []byte("??")) || bytes.Equal(op, []byte("||")) {
			// process.env.API_URL ?? DEFAULT_URL, the constant in another file.
			v.cref, v.str, v.prefix, v.env = r.cref, r.str, r.prefix, name
			if v.cref == nil {
				v.cref, v.str, v.prefix = constRef(r), "", false
			}
			return v
		}
	}
	if name := envName(l); name != "" && decimalLiteral(r.num) {
		if op := e.between(n, ln, rn); bytes.Equal(op, []byte("??")) || bytes.Equal(op, []byte("||")) {
			// process.env.PORT || 3000: the default port when unset.
			v.envNum, v.env = r.num, name
			return v
		}
	}
	if name := envName(l); name != "" && r.known && r.str != "" {
		if op := e.between(n, ln, rn); bytes.Equal(op, []byte("??")) || bytes.Equal(op, []byte("||")) {
			// process.env.API_URL ?? "https://…": the default when unset.
			v.str, v.known, v.prefix, v.env = r.str, true, r.prefix, name
			return v
		}
	}
	if !l.known && l.cref == nil && r.known && r.str != "" && len(r.str) < maxValue {
		if op := e.between(n, ln, rn); bytes.Equal(op, []byte("??")) || bytes.Equal(op, []byte("||")) {
			// opts.baseUrl ?? "https://…": the fallback, beside the value.
			v.dflt, v.dprefix = r.str, r.prefix
			return v
		}
	}
	if l.dflt != "" && !l.known && bytes.Equal(e.between(n, ln, rn), []byte("+")) {
		// (opts.url ?? "https://…") + "/v1"
		v.dflt, v.dprefix = appendText(l.dflt, l.dprefix, r)
		v.tail = tailAfter(l.dprefix, l.tail, v.dprefix, r)
		return v
	}
	if cr := l.cref; !l.known && (cr != nil || constRef(l) != nil) && bytes.Equal(e.between(n, ln, rn), []byte("+")) {
		// API_BASE + "/v1": the text after an imported constant.
		if cr == nil {
			cr = constRef(l)
		}
		v.cref = cr
		v.str, v.prefix = appendText(l.str, l.prefix, r)
		v.tail = tailAfter(l.prefix, l.tail, v.prefix, r)
		if l.cref != nil {
			v.env = l.env // (process.env.URL ?? DEFAULT_URL) + "/v1"
		}
		return v
	}
	if ld := leadOf(l); ld != nil && bytes.Equal(e.between(n, ln, rn), []byte("+")) {
		// this.baseUrl + "/v1": the text after a parameter's value.
		v.lead = ld
		if l.lead != nil {
			v.str, v.prefix, v.tail = l.str, l.prefix, l.tail
		}
		was, wasTail := v.prefix, v.tail
		v.str, v.prefix = appendText(v.str, v.prefix, r)
		v.tail = tailAfter(was, wasTail, v.prefix, r)
		return v
	}
	if l.known && len(l.str) >= maxValue {
		// Long concatenations keep a bounded prefix: copying them grows quadratically.
		v.str, v.known, v.prefix = l.str, true, true
	} else if l.known && bytes.Equal(e.between(n, ln, rn), []byte("+")) {
		v.known, v.env = true, l.env
		if l.prefix {
			v.str, v.prefix, v.tail = l.str, true, l.tail
		} else if r.known {
			v.str, v.prefix = l.str+r.str, r.prefix
			if v.env == "" {
				v.env = r.env // "http://" + HOST, HOST an env default
			}
		} else if r.num != "" {
			v.str = l.str + r.num
		} else if r.envNum != "" {
			v.str, v.env = l.str+r.envNum, cmp.Or(v.env, r.env) // "http://localhost:" + PORT
		} else {
			v.str, v.prefix, v.tail = l.str, true, tailOf(r)
		}
	}
	return v
}

// object evaluates an object literal, keeping its properties one level deep.
func (e *extractor) object(n int32, c *ctx) val {
	t := e.t
	v := val{props: map[string]prop{}}
	for ch := t.nodes[n].First; ch >= 0; ch = t.nodes[ch].Next {
		switch t.k(ch) {
		case kPair:
			kn := t.child(ch, "key")
			key := e.propKey(kn)
			if kn >= 0 && t.k(kn) == kComputedProp {
				kv := e.eval(t.firstNamed(kn), c)
				if kv.known && !kv.prefix {
					key = kv.str
				} else {
					v.open = true
				}
			}
			vn := t.child(ch, "value")
			pv := e.eval(vn, c)
			if pv.fnp > 0 && !e.handlerArg[vn] {
				e.ref(c, pv.fn(), vn)
			}
			v.taint = union(v.taint, pv.taint)
			if key != "" {
				v.props[key] = prop{node: vn, v: pv}
			}
		case kShorthandProp:
			pv := e.eval(ch, c)
			if pv.fnp > 0 {
				e.ref(c, pv.fn(), ch)
			}
			v.taint = union(v.taint, pv.taint)
			v.props[e.text(ch)] = prop{node: ch, v: pv}
		case kMethod:
			pv := e.function(ch, c)
			if name := e.propKey(t.child(ch, "name")); name != "" {
				v.props[name] = prop{node: ch, v: pv}
			}
		case kSpread:
			sv := e.eval(t.firstNamed(ch), c)
			v.taint = union(v.taint, sv.taint)
			for k, p := range sv.props {
				v.props[k] = p
			}
			if sv.props == nil || sv.open {
				v.open = true // { ...opts }: keys not seen here
			}
		}
	}
	e.noteToolObject(v)
	return v
}

func (e *extractor) array(n int32, c *ctx) val {
	t := e.t
	var v val
	// Sized first (up to maxElems, which holds most lists): a prop is over
	// 300 bytes, and growing the list by appending copied each one again.
	k := 0
	for ch := t.nodes[n].First; ch >= 0 && k < maxElems; ch = t.nodes[ch].Next {
		if t.nodes[ch].Flags&flagNamed != 0 && t.k(ch) != kComment {
			k++
		}
	}
	if k > 0 {
		v.elems = make([]prop, 0, k)
	}
	for ch := t.nodes[n].First; ch >= 0; ch = t.nodes[ch].Next {
		if t.nodes[ch].Flags&flagNamed == 0 || t.k(ch) == kComment {
			continue
		}
		ev := e.eval(ch, c)
		if ev.fnp > 0 {
			e.ref(c, ev.fn(), ch)
		}
		v.taint = union(v.taint, ev.taint)
		if len(v.elems) < maxElems || (ev.props != nil && len(v.elems) < maxTools) {
			v.elems = append(v.elems, prop{node: ch, v: ev})
		} else if ev.props != nil {
			v.cut = true
		}
	}
	if v.elems == nil {
		v.elems = []prop{}
	}
	return v
}

// ref records that the current function references function fn without
// calling it, once per function; the top level records every reference,
// so that the references of each top-level statement do not depend on the
// statements before it (analysis/ranged re-extracts statements alone).
func (e *extractor) ref(c *ctx, fn int32, at int32) {
	if fn < 0 || int(fn) >= len(e.f.Functions) {
		return
	}
	if c.fn != 0 {
		k := [2]int32{c.fn, fn}
		if e.refSeen[k] {
			return
		}
		e.refSeen[k] = true
	}
	f := &e.f.Functions[c.fn]
	f.Refs = append(f.Refs, facts.Callee{Kind: "local", Name: e.f.Functions[fn].Name, Func: int(fn), Span: e.span(at)})
}

// between returns the trimmed source text of n between children a and b
// (a -1: from n's start): operators are not kept as nodes.
func (e *extractor) between(n, a, b int32) []byte {
	start := e.t.nodes[n].Start
	if a >= 0 {
		start = e.t.nodes[a].End
	}
	end := e.t.nodes[n].End
	if b >= 0 {
		end = e.t.nodes[b].Start
	}
	if start > end || int(end) > len(e.src) {
		return nil
	}
	return bytes.TrimSpace(e.src[start:end])
}

// decimalLiteral reports whether a numeric literal's text is what the
// number prints as in a string: a plain decimal integer (not 0x10, 1e3,
// 1_000 or a legacy octal 010).
func decimalLiteral(num string) bool {
	if num == "" || len(num) > 15 || num[0] == '0' && len(num) > 1 {
		return false
	}
	for i := 0; i < len(num); i++ {
		if num[i] < '0' || num[i] > '9' {
			return false
		}
	}
	return true
}

// tailAfter is the tail of text that was a prefix (wasPrefix, with tail
// wasTail) or not, followed by r, now a prefix or not: the old tail, r
// when r is the parameter that cut the text, else nil.
func tailAfter(wasPrefix bool, wasTail *facts.ParamRef, prefix bool, r val) *facts.ParamRef {
	switch {
	case wasPrefix:
		return wasTail
	case prefix:
		return tailOf(r)
	}
	return nil
}

// appendText is text s (prefix: only its start is known) followed by r in
// a concatenation: r's literal text, a decimal number's digits, or, for
// anything else (or past maxValue), s as a prefix.
func appendText(s string, prefix bool, r val) (string, bool) {
	switch {
	case prefix || len(s) >= maxValue:
		return s, true
	case r.known:
		return s + r.str, r.prefix
	case decimalLiteral(r.num):
		return s + r.num, false
	}
	return s, true
}
