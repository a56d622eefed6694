package jsts

import (
	"bytes"
	"strings"
)

// Configuration constants other files read (File.Constants): a top-level
// `const` string, the string members of a constant object at any depth up
// to maxConstPath (`CONFIG.api.baseUrl`), the string members of the object
// an exported getter returns (`getConfig().baseUrl`: every return gives an
// object literal with that member and the same literal), and CommonJS
// exports (`exports.API_BASE = "…"`, tsc's output, after its
// `exports.API_BASE = void 0`). A member the file writes anywhere
// (`CONFIG.baseUrl = …`, `CONFIG[k] = …`, `Object.assign(CONFIG, …)`,
// `delete CONFIG.x`) is not a constant: which value a read sees is not
// known. Writes from other files are not seen; they are the operator's
// configuration more than the model's (see docs/scope-benchmark.md).

const (
	maxConstPath  = 4   // member levels below a constant's name
	maxConstLeafs = 256 // constants one object or getter gives
)

// constant records top-level string constants and string members of
// constant objects.
func (e *extractor) constant(name string, v val) {
	if v.known && !v.prefix {
		e.setConst(name, v.str)
	}
	n := 0
	e.constProps(name, v.props, 0, &n)
}

func (e *extractor) constProps(name string, props map[string]prop, depth int, n *int) {
	if depth >= maxConstPath {
		return
	}
	for k, p := range props {
		if *n >= maxConstLeafs || k == "" || strings.ContainsAny(k, ".()[]") {
			continue
		}
		switch {
		case p.v.known && !p.v.prefix:
			*n++
			e.setConst(name+"."+k, p.v.str)
		case p.v.props != nil && !p.v.open && p.v.sym == nil:
			e.constProps(name+"."+k, p.v.props, depth+1, n)
		}
	}
}

func (e *extractor) setConst(k, s string) {
	if e.f.Constants == nil {
		e.f.Constants = map[string]string{}
	}
	e.f.Constants[k] = s
}

// memberPath is the dotted name a write target spells (CONFIG.api.url),
// cut at the first computed key (CONFIG[k].url is CONFIG); "" when it is
// not rooted in a name.
func (e *extractor) memberPath(n int32) string {
	t := e.t
	var parts []string
	for i := 0; n >= 0 && i < 64; i++ {
		switch t.k(n) {
		case kIdentifier:
			parts = append(parts, e.text(n))
			for l, r := 0, len(parts)-1; l < r; l, r = l+1, r-1 {
				parts[l], parts[r] = parts[r], parts[l]
			}
			return strings.Join(parts, ".")
		case kMember:
			parts = append(parts, e.text(t.child(n, "property")))
			n = t.child(n, "object")
		case kSubscript:
			parts = parts[:0] // a computed or quoted key: the whole object
			n = t.child(n, "object")
		case kParen, kPassThrough:
			n = t.firstNamed(n)
			if ex := t.child(n, "expression"); ex >= 0 {
				n = ex
			}
		default:
			return ""
		}
	}
	return ""
}

// noteWrite remembers that the file writes the member (or object) at
// node n: the constants under it are dropped when extraction ends.
func (e *extractor) noteWrite(n int32) {
	if p := e.memberPath(n); p != "" {
		if e.written == nil {
			e.written = map[string]bool{}
		}
		e.written[p] = true
	}
}

// mergers are the callees that write their first argument's members.
var mergers = [][]byte{[]byte("Object.assign"), []byte("Object.defineProperty"), []byte("Object.defineProperties"),
	[]byte("Object.setPrototypeOf"), []byte("Reflect.set"), []byte("Reflect.defineProperty")}

// noteMergeCall notes a write into the first argument of Object.assign and
// its kind, and of library merges (_.merge, deepmerge's merge, defaultsDeep).
func (e *extractor) noteMergeCall(callee, argsNode int32) {
	if callee < 0 || argsNode < 0 {
		return
	}
	name := e.bytesOf(callee)
	hit := false
	for _, m := range mergers {
		if bytes.Equal(name, m) {
			hit = true
		}
	}
	if !hit {
		low := strings.ToLower(string(name))
		if i := strings.LastIndexByte(low, '.'); i >= 0 {
			low = low[i+1:]
		}
		hit = strings.Contains(low, "merge") || low == "assign" || low == "extend" || strings.HasPrefix(low, "defaults") || low == "set"
	}
	if !hit {
		return
	}
	t := e.t
	for a := t.nodes[argsNode].First; a >= 0; a = t.nodes[a].Next {
		if t.nodes[a].Flags&flagNamed != 0 && t.k(a) != kComment {
			e.noteWrite(a)
			return
		}
	}
}

// dropWritten removes the constants the file writes, or writes an object
// above.
func (e *extractor) dropWritten() {
	if len(e.written) == 0 {
		return
	}
	for k := range e.f.Constants {
		if !strings.ContainsAny(k, ".(") {
			continue // a const binding: nothing writes it
		}
		for p := k; ; {
			if e.written[p] {
				delete(e.f.Constants, k)
				break
			}
			i := strings.LastIndexByte(p, '.')
			if i < 0 {
				break
			}
			p = p[:i]
		}
	}
}

// retObj is the object literal every return of a function gives, as far
// as its literal string members agree (props hold only those).
type retObj struct {
	props map[string]prop
	bad   bool
}

// noteReturnObj merges v, the value of node n function fn returns, into
// what its callers read of the object it returns. Only an object literal
// or a variable the file assigns once (a module's config singleton set
// by an init function) is followed: a variable's value is the last object
// assigned to it, not every one.
func (e *extractor) noteReturnObj(fn int32, n int32, sc *scope, v val) {
	if e.retObjs == nil {
		e.retObjs = map[int32]*retObj{}
	}
	if !e.singleObject(n, sc) {
		v = val{}
	}
	r := e.retObjs[fn]
	if r == nil {
		r = &retObj{}
		e.retObjs[fn] = r
		if v.props == nil || v.open || v.sym != nil {
			r.bad = true
			return
		}
		r.props = literalProps(v.props, 0)
		return
	}
	if r.bad {
		return
	}
	if v.props == nil || v.open || v.sym != nil {
		r.bad, r.props = true, nil
		return
	}
	r.props = agreeProps(r.props, v.props, 0)
}

// literalProps keeps the literal string members of props, and objects of them.
func literalProps(props map[string]prop, depth int) map[string]prop {
	out := map[string]prop{}
	for k, p := range props {
		switch {
		case p.v.known && !p.v.prefix:
			out[k] = prop{node: p.node, v: val{str: p.v.str, known: true, env: p.v.env}}
		case depth+1 < maxConstPath && p.v.props != nil && !p.v.open && p.v.sym == nil:
			if sub := literalProps(p.v.props, depth+1); len(sub) > 0 {
				out[k] = prop{node: p.node, v: val{props: sub}}
			}
		}
	}
	return out
}

// agreeProps keeps the members of a that b holds with the same literal.
func agreeProps(a, b map[string]prop, depth int) map[string]prop {
	out := map[string]prop{}
	for k, p := range a {
		q, ok := b[k]
		if !ok {
			continue
		}
		switch {
		case p.v.known && q.v.known && !q.v.prefix && p.v.str == q.v.str && p.v.env == q.v.env:
			out[k] = p
		case p.v.props != nil && q.v.props != nil && !q.v.open && q.v.sym == nil && depth+1 < maxConstPath:
			if sub := agreeProps(p.v.props, q.v.props, depth+1); len(sub) > 0 {
				out[k] = prop{node: p.node, v: val{props: sub}}
			}
		}
	}
	return out
}

// returnedObj is the object a call of local function fn gives its caller,
// its literal members only; nil when not known.
func (e *extractor) returnedObj(fn int32) map[string]prop {
	r := e.retObjs[fn]
	if r == nil || r.bad || len(r.props) == 0 {
		return nil
	}
	return r.props
}

// noteExportWrite follows `exports.NAME = value` for the constants: every
// write of a name must give the same literal; tsc's `exports.NAME = void 0`
// before the real one declares the name and gives nothing.
func (e *extractor) noteExportWrite(name string, rv val, right int32) {
	for i := 0; i < 64 && right >= 0 && e.t.k(right) == kAssign; i++ {
		right = e.t.child(right, "right") // exports.A = exports.B = void 0
	}
	if right >= 0 && e.t.k(right) == kUnary && bytes.Equal(bytes.Join(bytes.Fields(e.bytesOf(right)), nil), []byte("void0")) {
		return
	}
	if e.cjsExports == nil {
		e.cjsExports = map[string]*val{}
	}
	old, seen := e.cjsExports[name]
	switch {
	case !seen:
		v := rv
		e.cjsExports[name] = &v
	case old == nil:
	case !(old.known && rv.known && !old.prefix && !rv.prefix && old.str == rv.str) || old.props != nil || rv.props != nil:
		e.cjsExports[name] = nil // written twice with different values
	}
}

// constTable records the constants of CommonJS exports and exported
// getters, then drops those the file writes. It runs when extraction ends.
func (e *extractor) constTable() {
	for name, v := range e.cjsExports {
		if v != nil && !strings.ContainsAny(name, ".()[]") {
			e.constant(name, objectProps(*v)) // a factory's object too (lists.go)
		}
	}
	for _, x := range e.exported {
		v := x.v
		if x.b != nil && !x.b.v.empty() {
			v = x.b.v
		}
		if v.fnp <= 0 || x.name == "" || strings.ContainsAny(x.name, ".()[]") {
			continue
		}
		if props := e.returnedObj(v.fn()); props != nil {
			n := 0
			e.constProps(x.name+"()", props, 0, &n)
		}
	}
	for name, ci := range e.classes {
		if b := e.module.names[name]; b == nil || b.kind != bClass {
			continue // a class of a function's scope, or not declared by name
		}
		for k, v := range ci.statics {
			if !ci.staticWritten[k] && v.known && !v.prefix {
				e.setConst(name+"."+k, v.str)
			}
		}
	}
	e.dropWritten()
}

// setStatic records a static property's value; a second, different one
// makes it unknown.
func (ci *classInfo) setStatic(k string, v val) {
	if old, ok := ci.statics[k]; ok && !(old.known && v.known && old.str == v.str && old.prefix == v.prefix) {
		ci.writeStatic(k)
		return
	}
	if ci.statics == nil {
		ci.statics = map[string]val{}
	}
	ci.statics[k] = val{str: v.str, known: v.known, prefix: v.prefix, env: v.env}
}

func (ci *classInfo) writeStatic(k string) {
	if ci.staticWritten == nil {
		ci.staticWritten = map[string]bool{}
	}
	ci.staticWritten[k] = true
}

// isStatic reports whether field node m is declared `static`: the word
// stands among the modifiers before its name.
func (e *extractor) isStatic(m, key int32) bool {
	if key < 0 {
		return false
	}
	for _, w := range bytes.Fields(e.between(m, -1, key)) {
		if string(w) == "static" {
			return true
		}
	}
	return false
}

// scanStatics reads the top-level `Name.KEY = "…"` statements before the
// evaluation, so the methods of a class Name (evaluated where the class
// is defined) see the static property tsc assigns after it.
func (e *extractor) scanStatics() {
	t := e.t
	for st := t.nodes[0].First; st >= 0; st = t.nodes[st].Next {
		if t.k(st) != kExprStmt {
			continue
		}
		as := t.firstNamed(st)
		if as < 0 || t.k(as) != kAssign {
			continue
		}
		left, right := t.child(as, "left"), t.child(as, "right")
		if left < 0 || right < 0 || t.k(left) != kMember || t.k(right) != kString {
			continue
		}
		obj := t.child(left, "object")
		if obj < 0 || t.k(obj) != kIdentifier {
			continue
		}
		s, ok := decodeString(e.bytesOf(right))
		if !ok {
			continue
		}
		name, key := e.text(obj), e.text(t.child(left, "property"))
		if e.preStatics == nil {
			e.preStatics, e.preStaticNode = map[string]map[string]val{}, map[int32]bool{}
		}
		m := e.preStatics[name]
		if m == nil {
			m = map[string]val{}
			e.preStatics[name] = m
		}
		if old, seen := m[key]; seen && old.str != s {
			m[key] = val{} // two values: not known
		} else {
			m[key] = val{str: s, known: true}
		}
		e.preStaticNode[left] = true
	}
}

// singleObject reports whether node n is an object literal, or a name
// bound to a value at most once (declarations with a value, assignments).
func (e *extractor) singleObject(n int32, sc *scope) bool {
	t := e.t
	for i := 0; i < 16 && n >= 0; i++ {
		switch t.k(n) {
		case kObject:
			return true
		case kParen, kPassThrough, kAwait:
			in := t.firstNamed(n)
			if ex := t.child(n, "expression"); ex >= 0 && t.k(n) == kPassThrough {
				in = ex
			}
			n = in
		case kIdentifier:
			b := sc.lookupBytes(e.bytesOf(n))
			return b != nil && b.kind == bVar && b.writes <= 1
		default:
			return false
		}
	}
	return false
}
