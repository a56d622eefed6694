package jsts

import (
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// unwrapCallee strips parentheses, TS wrappers and tsc's `(0, f)` sequence.
func (e *extractor) unwrapCallee(n int32) int32 {
	t := e.t
	for i := 0; i < 8 && n >= 0; i++ {
		switch t.k(n) {
		case kParen:
			n = t.firstNamed(n)
		case kPassThrough:
			if ex := t.child(n, "expression"); ex >= 0 {
				n = ex
			} else {
				n = t.firstNamed(n)
			}
		case kSequence:
			last := int32(-1)
			for ch := t.nodes[n].First; ch >= 0; ch = t.nodes[ch].Next {
				if t.nodes[ch].Flags&flagNamed != 0 && t.k(ch) != kComment {
					last = ch
				}
			}
			n = last
		default:
			return n
		}
	}
	return n
}

type argVal struct {
	node int32
	v    val
}

// call evaluates a call or `new`, recording a Call for library and global
// symbols and a LocalCall for project functions.
func (e *extractor) call(n int32, c *ctx, isNew bool) val {
	t := e.t
	calleeField := "function"
	if isNew {
		calleeField = "constructor"
	}
	calleeNode := t.child(n, calleeField)
	cn := e.unwrapCallee(calleeNode)
	argsNode := t.child(n, "arguments")
	if !isNew {
		e.noteMergeCall(cn, argsNode)
	}

	// Module loaders are recognised by name, wherever they are bound: bundles
	// pass them around as parameters and rename nothing else consistently.
	if cn >= 0 && !isNew {
		switch t.k(cn) {
		case kImport:
			return e.dynamicImport(n, cn, argsNode, c)
		case kIdentifier:
			name := string(e.bytesOf(cn))
			if requireNames[name] {
				return e.require(n, cn, argsNode, c, name)
			}
			if wrapperNames[name] {
				args, _ := e.args(argsNode, c)
				if len(args) > 0 && args[0].v.sym != nil {
					r := args[0].v
					r.wrap, r.read = true, false
					return r
				}
				return val{}
			}
		}
	}

	var cv val
	var obj val
	var propName string
	isMethod := false
	if cn >= 0 && t.k(cn) == kMember {
		on := t.child(cn, "object")
		obj = e.valueOf(on, e.evalRef(on, c, true), c)
		propName = e.text(t.child(cn, "property"))
		switch propName {
		case "tool", "registerTool", "setRequestHandler", "addTool":
			e.markHandlers(propName, argsNode)
			if propName == "tool" || propName == "registerTool" {
				e.noteRegistrationArgs(argsNode)
			}
		}
		cv = e.member(obj, propName, c)
		isMethod = true
	} else if cn >= 0 && t.k(cn) == kIdentifier {
		cv = e.identifier(cn, c)
	} else {
		cv = e.evalRef(cn, c, true)
	}
	if cv.req {
		return e.require(n, cn, argsNode, c, "__webpack_require__")
	}
	if cv.nodeReq && !isMethod {
		// createRequire's result, esbuild's __require shim bound to any name.
		return e.require(n, cn, argsNode, c, "require")
	}

	if isMethod {
		e.eachParam(propName, obj, argsNode)
		e.elemParam(propName, obj, argsNode)
	}
	args, spread := e.args(argsNode, c)
	e.keepWrapperArgs(n, args)
	var argTaint []facts.ParamRef
	for _, a := range args {
		argTaint = union(argTaint, a.v.taint)
	}
	if isMethod {
		e.noteTableCall(obj, propName, args, c)
	}
	if isMethod && (propName == "set" || propName == "append") && len(args) == 2 {
		e.searchParamsSet(cn, args[0].v.taint, args[1].v.taint, c)
	}
	if isMethod && jsMutators[propName] && (obj.sym == nil || obj.sym.mod == "globalThis" && obj.sym.member == "URLSearchParams()") &&
		obj.fnp == 0 && !obj.this && obj.cls == "" && obj.clsRef == "" {
		e.mutate(t.child(cn, "object"), argTaint, c)
	}
	result := plain(union(argTaint, obj.taint))
	sp := e.span(n)
	if isMethod && obj.fnp > 0 && obj.sym == nil {
		switch propName {
		case "bind": // f.bind(x) is f
			return val{fnp: obj.fnp}
		case "call", "apply":
			e.localCall(n, c, facts.Callee{Kind: "local", Name: e.f.Functions[obj.fn()].Name, Func: int(obj.fn()), Span: e.span(calleeNode)}, args, nil)
			return result
		}
	}
	if cv.each != nil && cv.byName && c.dispatcher >= 0 {
		e.mapTools(n, cv, args, c) // handlers[name](args)
	}
	if cv.table != nil && cv.table.find != "" && cv.table.prop != "" && c.dispatcher >= 0 {
		e.foundTools(n, calleeNode, cv, args, c) // tools.find((t) => t.name === name).handler(args)
	}
	if cv.table != nil && cv.table.keyed && c.dispatcher >= 0 {
		e.keyedTools(n, cv, args, c) // importedHandlers[name](args)
	}
	if isMethod {
		if propName == "addTool" {
			e.fastMCPTool(n, args, c)
		} else {
			e.toolRegistration(n, propName, args, c)
		}
	}

	if len(cv.alts) > 0 && cv.fnp == 0 {
		e.altCalls(n, calleeNode, cv, args, c) // handlers[name](args)
	}
	switch {
	case cv.sym != nil && !cv.intr:
		call := facts.Call{Module: cv.sym.mod, Member: cv.sym.member, Func: int(c.fn), New: isNew, Span: sp,
			CalleeSpan: e.span(calleeNode), Spread: spread}
		for _, a := range args {
			call.Args = append(call.Args, e.arg(a.node, a.v, 0))
		}
		if cv.ctor != nil && strings.Contains(cv.sym.member, "()") {
			call.Recv = cv.ctor // a method of an instance: its construction options
		}
		e.addCall(call)
		if isPromisify(cv.sym) && len(args) > 0 && args[0].v.sym != nil {
			r := args[0].v
			r.read = false
			return r
		}
		result.sym = &symbol{mod: cv.sym.mod, member: cv.sym.member + "()"}
		if !strings.Contains(cv.sym.member, "()") {
			// A constructor or factory: what it was given, for defaults its
			// options override (rules' scope default).
			result.ctor = &facts.Arg{Func: -1}
			if len(call.Args) > 0 && len(call.Args[0].Props) > 0 {
				result.ctor.Props = call.Args[0].Props
			}
			if len(args) > 0 && (spread || call.Args[0].Props == nil && !e.isObjectLiteral(args[0].node)) {
				// new OpenAI(opts): options not seen here may set the host.
				result.ctor.Props = map[string]facts.Arg{facts.OpenProps: {Func: -1}}
			}
		}
		if cv.sym.mod == "module" && (cv.sym.member == "createRequire" || cv.sym.member == "default.createRequire") {
			result.nodeReq = true
		}
		if cv.sym.mod == "globalThis" && cv.sym.member == "URL" {
			result.str, result.known, result.prefix = urlValue(args)
			urlOnBase(&result, args)
		}
		if cv.sym.mod == "path" && (cv.sym.member == "join" || cv.sym.member == "posix.join" || cv.sym.member == "default.join") && !spread {
			result.str, result.known, result.prefix = pathJoin(args)
			if result.known && len(args) > 0 {
				result.env = args[0].v.env // path.join(process.env.DIR ?? "notes", name)
			}
		}
	case cv.intr:
		e.refArgs(c, args)
	case isMethod:
		callee := facts.Callee{Kind: "method", Name: propName, Func: -1, Span: e.span(calleeNode)}
		switch {
		case cv.fnp > 0 && obj.props != nil:
			callee.Kind, callee.Func = "local", int(cv.fn())
		case obj.this:
			callee.Class = c.cls
			if cv.fnp > 0 {
				callee.Func = int(cv.fn())
			}
		case obj.cls != "" || obj.clsRef != "":
			callee.Class = obj.cls + obj.clsRef
			if cv.fnp > 0 {
				callee.Func = int(cv.fn())
			}
		}
		e.localCall(n, c, callee, args, obj.taint)
		if obj.direct && len(obj.taint) == 1 {
			fl := &e.f.Functions[c.fn].LocalCalls
			(*fl)[len(*fl)-1].ReceiverPass = true
		}
		e.refArgs(c, args)
		if cv.fnp > 0 {
			if obj.this {
				e.methodOnDemand(cv.fn())
			}
			result = e.withReturn(result, cv.fn())
			result = e.withTemplate(result, cv.fn(), args, spread)
		}
	case cn >= 0 && t.k(cn) == kIdentifier:
		name := e.text(cn)
		if cv.clsRef != "" {
			e.localCall(n, c, facts.Callee{Kind: "method", Name: "constructor", Class: cv.clsRef, Func: e.ctorOf(cv.clsRef), Span: e.span(calleeNode)}, args, nil)
			result.cls = cv.clsRef
		} else {
			e.localCall(n, c, facts.Callee{Kind: "local", Name: name, Func: int(cv.fn()), Span: e.span(calleeNode)}, args, nil)
			if cv.fnp > 0 {
				e.evalOnDemand(cv.fn())
				result = e.withReturn(result, cv.fn())
				result = e.withTemplate(result, cv.fn(), args, spread)
			}
		}
		e.refArgs(c, args)
	case cv.fnp > 0:
		// An immediately invoked function expression.
		e.localCall(n, c, facts.Callee{Kind: "local", Name: e.f.Functions[cv.fn()].Name, Func: int(cv.fn()), Span: e.span(calleeNode)}, args, nil)
		e.refArgs(c, args)
		result = e.withReturn(result, cv.fn())
	default:
		e.refArgs(c, args)
	}
	if cv.fnp > 0 && e.factories[cv.fn()] != nil {
		e.instantiate(n, cv.fn(), args, c) // makeTool("read_file", readFile)
	}
	if isMethod && propName == "find" {
		if fv, ok := e.findByName(obj, argsNode, c); ok {
			fv.taint = result.taint
			result = fv
		}
	}
	if isMethod && obj.known && len(args) == 0 && propName == "toString" {
		result.str, result.known, result.prefix = obj.str, true, obj.prefix // url.toString()
	}
	if isMethod && len(args) > 0 {
		// Schema validation returns its input: Schema.parse(args).path is args.path.
		switch propName {
		case "parse", "parseAsync":
			if a := args[0].v; a.props != nil && a.sym == nil && propName == "parse" {
				// ToolSchema.parse({ name: "x", … }): the object literal itself,
				// so its constants (X.name) are known.
				return a
			}
			return plain(args[0].v.taint)
		case "safeParse", "safeParseAsync":
			return val{taint: args[0].v.taint, parsed: true}
		}
	}
	return result
}

// withReturn gives the result of calling local function fn its returned
// value (the first return that was a library value, a function or a literal).
func (e *extractor) withReturn(result val, fn int32) val {
	r, ok := e.fnRet[fn]
	if !ok {
		return result
	}
	if e.fnRetMixed[fn] {
		r = withoutText(r) // the first return's text is not all the function returns
	}
	r.taint = result.taint
	if props := e.returnedObj(fn); props != nil && r.sym == nil && r.fnp == 0 {
		r.props = props // getConfig().baseUrl: the literal every return gives
	}
	return r
}

// noteReturn remembers what function fn returns, for its callers: the
// first return that is a library value, a function or a literal. Its text
// (a URL, a path) is the callers' only when every return gives the same
// text: a return of anything else (`return p`, a computed value) marks the
// function mixed, so `v(input)` whose v returns "https://a.com" or its
// parameter is never scoped a.com. A nullish return (`return null`)
// gives no text to use and does not count.
func (e *extractor) noteReturn(fn int32, v val, n int32) {
	nullish := false
	switch e.t.kind(n) {
	case "null", "undefined":
		nullish = true
	}
	if nullish {
		return
	}
	r := returned(v)
	if prev, ok := e.fnRet[fn]; ok {
		if textOf(prev) != textOf(r) {
			e.markMixed(fn)
		}
		return
	}
	if !v.symbolic() && !v.known {
		if e.fnRetOther == nil {
			e.fnRetOther = map[int32]bool{}
		}
		e.fnRetOther[fn] = true
		return
	}
	if e.fnRetOther[fn] {
		e.markMixed(fn)
	}
	if e.fnRet == nil {
		e.fnRet = map[int32]val{}
	}
	e.fnRet[fn] = r
}

func (e *extractor) markMixed(fn int32) {
	if e.fnRetMixed == nil {
		e.fnRetMixed = map[int32]bool{}
	}
	e.fnRetMixed[fn] = true
}

// retText is the part of a returned value that scopes read.
type retText struct {
	str, env, dflt, num, envNum string
	known, prefix, dprefix      bool
	cref                        *facts.ConstRef
}

func textOf(v val) retText {
	return retText{v.str, v.env, v.dflt, v.num, v.envNum, v.known, v.prefix, v.dprefix, v.cref}
}

// withoutText drops what a scope could read from v, keeping its type.
func withoutText(v val) val {
	v.str, v.env, v.dflt, v.num, v.envNum = "", "", "", "", ""
	v.known, v.prefix, v.dprefix = false, false, false
	v.cref, v.lead, v.tail = nil, nil, nil
	return v
}

// evalOnDemand evaluates a function called before the evaluation reached
// its definition (a hoisted declaration, or a top-level arrow called from a
// function evaluated earlier), as it runs when called: its returned value
// and its assignments to outer variables are then known to the caller.
func (e *extractor) evalOnDemand(fn int32) {
	if fn <= 0 || e.evaluated(fn) || int(fn) >= len(e.fnNodes) {
		return
	}
	n := e.fnNodes[fn]
	if n < 0 {
		return
	}
	parent := int32(e.f.Functions[fn].Parent)
	if parent < 0 || (parent > 0 && !e.evaluated(parent)) {
		return
	}
	switch e.t.k(n) {
	case kFunctionDecl:
	case kArrow, kFunctionExpr:
		if parent != 0 {
			return // its `this` and class come from where it is defined
		}
	default:
		return
	}
	e.function(n, &ctx{fn: parent, self: parent, sc: e.module, thisFn: -1, dispatcher: -1})
}

// urlValue is the URL `new URL(input[, base])` holds when the extractor
// knows enough of it: an absolute input, or a known relative part resolved
// against a fully known base.
func urlValue(args []argVal) (string, bool, bool) {
	if len(args) == 0 || !args[0].v.known {
		return "", false, false
	}
	in := args[0].v
	if abs, err := url.Parse(in.str); err == nil && abs.Scheme != "" && strings.Contains(in.str, ":") {
		if in.prefix && !strings.Contains(in.str, "//") {
			return "", false, false // the scheme alone says nothing of the host
		}
		return in.str, true, in.prefix
	}
	if len(args) < 2 || !args[1].v.known || args[1].v.prefix || !relativeRef(in.str, in.prefix) {
		return "", false, false
	}
	base, err := url.Parse(args[1].v.str)
	if err != nil || base.Scheme == "" {
		return "", false, false
	}
	ref, err := url.Parse(in.str)
	if err != nil {
		return "", false, false
	}
	return base.ResolveReference(ref).String(), true, in.prefix
}

// urlOnBase is what new URL(path, base) is known to be when path is a
// literal relative reference that keeps the base's host and the base is
// not a complete literal: another file's constant, a parameter's value or
// a value with a literal fallback gives its host (the link decides it);
// an env read with a literal default keeps naming its variable.
func urlOnBase(r *val, args []argVal) {
	if len(args) < 2 || !args[0].v.known {
		return
	}
	in, b := args[0].v, args[1].v
	if !relativeRef(in.str, true) && (in.prefix || !sameHostRef(in.str)) {
		return
	}
	if r.known {
		if b.known && !b.prefix {
			r.env = b.env
		}
		return
	}
	switch {
	case b.known:
		return
	case b.cref != nil || constRef(b) != nil:
		r.cref, r.str, r.prefix = b.cref, b.str, b.prefix
		if r.cref == nil {
			r.cref, r.str, r.prefix = constRef(b), "", false
		}
	case b.dflt != "":
		if !b.dprefix {
			if s, ok, p := urlValue([]argVal{args[0], {v: val{str: b.dflt, known: true}}}); ok {
				r.dflt, r.dprefix = s, p
				return
			}
		}
		r.dflt, r.dprefix = b.dflt, true
		return
	case leadOf(b) != nil:
		r.lead = leadOf(b)
		if b.lead != nil {
			r.str, r.prefix = b.str, b.prefix
		}
	default:
		return
	}
	if !r.prefix {
		r.str += "/" // the base's host, whatever path follows
	}
	r.prefix = true
}

// sameHostRef reports whether s, a complete literal, is a reference
// resolved on its base's host: a path, query or fragment, never a scheme
// or "//host".
func sameHostRef(s string) bool {
	if !relativeRef(s, false) || strings.HasPrefix(s, "//") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Host == ""
}

// isObjectLiteral reports whether node n is an object literal (in parentheses or not).
func (e *extractor) isObjectLiteral(n int32) bool {
	lit := e.unwrapCallee(n)
	return lit >= 0 && e.t.k(lit) == kObject
}

// relativeRef reports whether a reference resolved against a base keeps
// the base's host, as Node's WHATWG parser reads it, where net/url (which
// resolves it here) could disagree: a backslash is a slash for the special
// schemes (\\evil.com is another host), leading C0 controls and spaces are
// trimmed and tabs and newlines removed (" //evil.com", "/\t/evil.com"). A
// prefix must already say it is a path, query or fragment: "/" + x is
// another host when x starts with a slash.
func relativeRef(s string, prefix bool) bool {
	if strings.ContainsAny(s, "\\") || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return false
	}
	if !prefix {
		return true
	}
	if s == "" {
		return false
	}
	switch s[0] {
	case '?', '#':
		return true
	case '/':
		return len(s) > 1 && s[1] != '/'
	}
	i := strings.IndexAny(s, "/?#:")
	return i >= 0 && s[i] != ':' // "api" + x may still become a scheme
}

// pathJoin is what Node's path.join(parts...) is known to be: the joined
// path when every part is known; the first part as a directory when only
// it is (join never restarts at an absolute part; a rest that climbs out
// with ".." is not seen, as with Go's filepath.Join: the taint of the call
// says the rest is chosen by the model).
func pathJoin(args []argVal) (string, bool, bool) {
	if len(args) == 0 || !args[0].v.known || args[0].v.prefix || args[0].v.str == "" {
		return "", false, false
	}
	parts := make([]string, 0, len(args))
	for _, a := range args {
		if !a.v.known || a.v.prefix {
			return strings.TrimSuffix(args[0].v.str, "/") + "/", true, true
		}
		parts = append(parts, a.v.str)
	}
	return path.Join(parts...), true, false
}

func (e *extractor) ctorOf(cls string) int {
	if ci := e.classes[cls]; ci != nil {
		if m, ok := ci.methods["constructor"]; ok {
			return int(m)
		}
	}
	return -1
}

func isPromisify(s *symbol) bool {
	return s.mod == "util" && (s.member == "promisify" || s.member == "default.promisify")
}

// args evaluates an argument list.
func (e *extractor) args(argsNode int32, c *ctx) ([]argVal, bool) {
	if argsNode < 0 {
		return nil, false
	}
	t := e.t
	// Sized first: an argVal is over 300 bytes, and growing the list by
	// appending copied each one up to three times.
	n := 0
	for a := t.nodes[argsNode].First; a >= 0; a = t.nodes[a].Next {
		if t.nodes[a].Flags&flagNamed != 0 && t.k(a) != kComment {
			n++
		}
	}
	var out []argVal
	if n > 0 {
		out = make([]argVal, 0, n)
	}
	spread := false
	for a := t.nodes[argsNode].First; a >= 0; a = t.nodes[a].Next {
		if t.nodes[a].Flags&flagNamed == 0 || t.k(a) == kComment {
			continue
		}
		if t.k(a) == kSpread {
			spread = true
		}
		out = append(out, argVal{node: a, v: e.eval(a, c)})
		if c.self == 0 && len(out) == 1 && out[0].v.props != nil && e.isObjectLiteral(a) {
			if e.topObjArgs == nil {
				e.topObjArgs = map[int32]map[string]prop{}
			}
			e.topObjArgs[a] = out[0].v.props
		}
	}
	if t.k(argsNode) == kTemplate { // tagged template: tag`...`
		return []argVal{{node: argsNode, v: e.eval(argsNode, c)}}, false
	}
	return out, spread
}

// refArgs records functions passed to calls that are not library calls.
func (e *extractor) refArgs(c *ctx, args []argVal) {
	for _, a := range args {
		if a.v.fnp > 0 && !e.handlerArg[a.node] {
			e.ref(c, a.v.fn(), a.node)
		}
	}
}

func (e *extractor) localCall(n int32, c *ctx, callee facts.Callee, args []argVal, recv []facts.ParamRef) {
	lc := facts.LocalCall{Callee: callee, Receiver: recv, Span: e.span(n)}
	if len(args) > 0 {
		lc.Args = make([]facts.Arg, 0, len(args)) // kept with the facts: no spare room
	}
	for _, a := range args {
		lc.Args = append(lc.Args, e.arg(a.node, a.v, 0))
	}
	f := &e.f.Functions[c.fn]
	f.LocalCalls = append(f.LocalCalls, lc)
}

// arg describes one argument; object and array literals one level deep.
func (e *extractor) arg(n int32, v val, depth int) facts.Arg {
	a := facts.Arg{Func: int(v.fn()), Refs: v.taint, Number: v.num}
	if v.known {
		a.Value, a.Known, a.Prefix, a.Env = v.str, true, v.prefix, v.env
	} else if v.cref != nil {
		a.Const, a.Value, a.Prefix, a.Env = v.cref, v.str, v.prefix, v.env
	} else if cr := constRef(v); cr != nil {
		a.Const = cr
	} else if v.dflt != "" {
		a.Default, a.DefaultPrefix = v.dflt, v.dprefix
	} else if v.lead != nil {
		if i := slices.IndexFunc(a.Refs, v.lead.Equal); i >= 0 {
			// The parameter the value starts with comes first.
			refs := append([]facts.ParamRef{a.Refs[i]}, a.Refs[:i]...)
			a.Refs = append(refs, a.Refs[i+1:]...)
			a.Lead, a.Value, a.Prefix = true, v.str, v.prefix
		}
	}
	a.Pass = v.direct && !a.Known && len(a.Refs) == 1
	if v.tail != nil && (a.Prefix || a.DefaultPrefix) && slices.ContainsFunc(a.Refs, v.tail.Equal) {
		a.Tail = v.tail
	}
	if depth > 0 {
		return a
	}
	if s := instanceSymbol(v); !strings.HasPrefix(s, "type:") {
		a.Inst = s // the callee's parameter holds this instance (link/paramtypes.go)
	}
	lit := e.unwrapCallee(n)
	if lit >= 0 && e.t.k(lit) == kObject && (len(v.props) > 0 || v.open) {
		a.Props = make(map[string]facts.Arg, len(v.props)+1)
		for k, p := range v.props {
			a.Props[k] = e.arg(p.node, p.v, 1)
		}
		if v.open {
			a.Props[facts.OpenProps] = facts.Arg{Func: -1}
		}
	}
	if lit >= 0 && e.t.k(lit) == kArray && len(v.elems) > 0 {
		for _, p := range v.elems {
			a.Elems = append(a.Elems, e.arg(p.node, p.v, 1))
		}
	}
	return a
}

// require handles require("m") and the bundlers' loaders.
func (e *extractor) require(n, cn, argsNode int32, c *ctx, name string) val {
	args, spread := e.args(argsNode, c)
	if len(args) == 0 {
		return val{}
	}
	a := args[0].v
	spec := ""
	switch {
	case a.known && !a.prefix:
		spec = a.str
		if name == "__webpack_require__" || name == "__nccwpck_require__" {
			if m, ok := e.wpIDs[a.str]; ok {
				spec = m
			}
		}
	case a.num != "" && (name == "__webpack_require__" || name == "__nccwpck_require__"):
		m, ok := e.wpIDs[a.num]
		if !ok {
			return val{} // a module of the bundle itself
		}
		spec = m
	case name == "__webpack_require__" || name == "__nccwpck_require__":
		return val{}
	default:
		// require(nonLiteral): loads code chosen at run time.
		call := facts.Call{Module: "globalThis", Member: "require", Func: int(c.fn), Span: e.span(n), CalleeSpan: e.span(cn), Spread: spread}
		for _, x := range args {
			call.Args = append(call.Args, e.arg(x.node, x.v, 0))
		}
		e.addCall(call)
		return plain(a.taint)
	}
	e.f.Imports = append(e.f.Imports, facts.Import{Spec: spec, Name: "*", Span: e.span(n)})
	v := moduleVal(spec)
	v.impp = int32(len(e.f.Imports))
	return v
}

// dynamicImport records import(x) as a call of globalThis.import; a literal
// specifier also yields the module value.
func (e *extractor) dynamicImport(n, cn, argsNode int32, c *ctx) val {
	args, spread := e.args(argsNode, c)
	call := facts.Call{Module: "globalThis", Member: "import", Func: int(c.fn), Span: e.span(n), CalleeSpan: e.span(cn), Spread: spread}
	for _, x := range args {
		call.Args = append(call.Args, e.arg(x.node, x.v, 0))
	}
	e.addCall(call)
	if len(args) > 0 && args[0].v.known && !args[0].v.prefix {
		spec := args[0].v.str
		e.f.Imports = append(e.f.Imports, facts.Import{Spec: spec, Name: "*", Span: e.span(n)})
		v := moduleVal(spec)
		v.impp = int32(len(e.f.Imports))
		return v
	}
	if len(args) > 0 {
		return plain(args[0].v.taint)
	}
	return val{}
}

// assign evaluates `left = right`.
func (e *extractor) assign(n int32, c *ctx) val {
	t := e.t
	right := t.child(n, "right")
	rv := e.eval(right, c)
	left := t.child(n, "left")
	switch t.k(left) {
	case kIdentifier:
		if b := c.sc.lookupBytes(e.bytesOf(left)); b != nil {
			b.v = merge(b.v, rv)
		}
	case kObjectPattern, kArrayPattern:
		e.bind(left, rv, c, nil)
	default:
		e.assignRight = right
		e.assignTo(left, rv, c)
		e.assignRight = -1
	}
	return rv
}

// assignTo stores rv into a property: class fields, CommonJS exports, or a
// write to a global (process.env.X = …).
func (e *extractor) assignTo(left int32, rv val, c *ctx) {
	t := e.t
	right := e.assignRight
	e.assignRight = -1
	if !e.preStaticNode[left] {
		e.noteWrite(left)
	}
	switch t.k(left) {
	case kMember:
		obj := e.evalRef(t.child(left, "object"), c, true)
		key := e.text(t.child(left, "property"))
		switch {
		case obj.clsRef != "" && e.classes[obj.clsRef] != nil:
			if !e.preStaticNode[left] {
				e.classes[obj.clsRef].writeStatic(key) // Client.BASE = other
			}
		case e.preStaticNode[left]:
			e.noteWrite(left) // not a class: an object's member
		}
		switch {
		case obj.this && c.cls != "":
			v := rv
			v.read = false
			fields := e.class(c.cls).fields
			// Fields are flow-insensitive: `this.pool = null` in close()
			// does not hide the pool connect() created.
			if old, ok := fields[key]; ok && old.sym != nil && v.sym == nil && v.fnp == 0 && v.cls == "" {
				break
			}
			fields[key] = v
		case obj.modObj && key == "exports":
			e.exportValue("default", rv)
			for k, p := range rv.props {
				e.exportValue(k, p.v)
				e.noteExportWrite(k, p.v, -1)
			}
		case obj.expObj:
			if c.self == 0 && c.sc == e.module {
				// exports.tools = [...]: a CommonJS build's tool objects and lists.
				if rv.elems != nil && rv.list == "" {
					rv = e.list(key, rv, c)
				}
				// Its constants wait for every write of it (constTable).
				e.objectFuncs(key, objectProps(rv))
			}
			e.exportValue(key, rv)
			e.noteExportWrite(key, rv, right)
		case obj.sym != nil && obj.sym.mod == "globalThis" && obj.sym.member == "URL()":
			// u.pathname = p, u.search = "?q=" + q: the URL now carries them.
			e.mutate(t.child(left, "object"), rv.taint, c)
			if key == "search" || key == "hash" {
				e.markQuery(t.child(left, "object"), c)
			}
		case obj.sym != nil:
			e.storeOrAccess(left, obj, e.member(obj, key, c), rv, c)
		case !obj.this && !obj.modObj && !obj.expObj && obj.fnp == 0:
			e.mutate(t.child(left, "object"), rv.taint, c) // body.text = content
		}
		if rv.fnp > 0 && !obj.expObj && !obj.modObj {
			e.ref(c, rv.fn(), left)
		}
		if !obj.this && !obj.modObj && !obj.expObj && obj.sym == nil {
			e.addAlts(t.child(left, "object"), rv, c) // handlers.d = fn
		}
	case kSubscript:
		obj := e.evalRef(t.child(left, "object"), c, true)
		iv := e.eval(t.child(left, "index"), c)
		if obj.sym != nil {
			if iv.known && !iv.prefix {
				e.storeOrAccess(left, obj, e.member(obj, iv.str, c), rv, c)
			} else {
				k := obj
				k.keyed = false
				e.access(left, k, c, nonNil(iv.taint))
			}
		} else if !obj.this && obj.fnp == 0 {
			e.addAlts(t.child(left, "object"), rv, c)      // handlers["c"] = fn
			e.mutate(t.child(left, "object"), rv.taint, c) // servers[name] = entry
		}
		if rv.fnp > 0 {
			e.ref(c, rv.fn(), left)
		}
	default:
		e.eval(left, c)
	}
}

func (e *extractor) augAssign(n int32, c *ctx) val {
	t := e.t
	rv := e.eval(t.child(n, "right"), c)
	left := t.child(n, "left")
	e.noteWrite(left)
	if t.k(left) == kIdentifier {
		if b := c.sc.lookupBytes(e.bytesOf(left)); b != nil {
			old := b.v
			nv := plain(union(old.taint, rv.taint))
			if old.known && !old.prefix {
				nv.known, nv.str = true, old.str
				if rv.known {
					nv.str += rv.str
					nv.prefix = rv.prefix
				} else {
					nv.prefix = true
				}
			}
			b.v = nv
			return nv
		}
	}
	lv := e.eval(left, c)
	return plain(union(lv.taint, rv.taint))
}

// searchParamsSet follows u.searchParams.set(k, v) (or append) into the URL
// variable u: what u is fetched with now carries v's taint, and its known
// part ends with "?", so input that reaches it through the query is the
// payload of the request, not its target.
func (e *extractor) searchParamsSet(callee int32, key, value []facts.ParamRef, c *ctx) {
	t := e.t
	sp := t.child(callee, "object")
	if sp < 0 || t.k(sp) != kMember || e.text(t.child(sp, "property")) != "searchParams" {
		return
	}
	base := t.child(sp, "object")
	if base < 0 || t.k(base) != kIdentifier {
		return
	}
	b := e.ownBinding(base, c)
	if b == nil {
		return
	}
	b.v.taint = union(b.v.taint, union(key, value))
	e.markQuery(base, c)
}

// markQuery notes that the URL variable named by id now has a computed
// query: its known part ends with "?".
func (e *extractor) markQuery(id int32, c *ctx) {
	if id < 0 || e.t.k(id) != kIdentifier {
		return
	}
	b := e.ownBinding(id, c)
	if b == nil || !b.v.known {
		return
	}
	if !b.v.prefix && !strings.ContainsAny(b.v.str, "?#") {
		b.v.str += "?"
	}
	b.v.prefix = true
}

// jsMutators are the methods of arrays, maps, sets and URLSearchParams that
// put their arguments into the object.
var jsMutators = map[string]bool{"push": true, "unshift": true, "splice": true, "set": true, "append": true, "add": true}

// mutate adds taint to the variable a mutating method is called on or a
// property is set on (args.push(file), params.set("q", q),
// config.servers[name] = entry): what it holds now derives from it.
func (e *extractor) mutate(obj int32, taint []facts.ParamRef, c *ctx) {
	if len(taint) == 0 {
		return
	}
	for d := 0; d < 4 && obj >= 0 && (e.t.k(obj) == kMember || e.t.k(obj) == kSubscript); d++ {
		obj = e.t.child(obj, "object")
	}
	if b := e.ownBinding(obj, c); b != nil {
		b.v.taint = union(b.v.taint, taint)
	}
}

// storeOrAccess records an assignment to lv, a property of the library
// value obj: on an instance (client.baseURL = …, client.defaults.baseURL
// = …) a store of rv (facts.Call.Store), as the option is set after
// construction and its default no longer holds alone; otherwise an
// access, as before (process.env.X = …).
func (e *extractor) storeOrAccess(left int32, obj, lv, rv val, c *ctx) {
	if !strings.Contains(obj.sym.member, "()") || obj.intr || obj.req || !lv.keyed || lv.key == "" {
		e.access(left, lv, c, nil)
		return
	}
	sp := e.span(left)
	e.addCall(facts.Call{Module: lv.sym.mod, Member: lv.objMem, Func: int(c.fn), Access: true, Store: true,
		Span: sp, CalleeSpan: sp, Key: lv.key, Args: []facts.Arg{e.arg(-1, rv, 1)}})
}

// addAlts notes a function stored into a property of the object obj names
// (`handlers[k] = fn`): a call through the object by a computed key may
// run it (val.alts). Only the function declaring obj does (ownBinding).
func (e *extractor) addAlts(obj int32, rv val, c *ctx) {
	if rv.fnp == 0 && len(rv.alts) == 0 {
		return
	}
	b := e.ownBinding(obj, c)
	if b == nil || b.v.sym != nil || len(b.v.alts) >= maxAlts {
		return
	}
	if rv.fnp > 0 {
		b.v.alts = append(b.v.alts, rv.fnp)
	}
	b.v.alts = append(b.v.alts, rv.alts...)
}

// ownBinding returns the binding identifier id names when the function
// being evaluated declares it (nil otherwise): a mutation of an outer
// variable would make the facts of other functions depend on the order
// they are evaluated in, and ranged extraction re-extracts them apart.
func (e *extractor) ownBinding(id int32, c *ctx) *binding {
	if id < 0 || e.t.k(id) != kIdentifier {
		return nil
	}
	name := e.bytesOf(id)
	for s := c.sc; s != nil; s = s.parent {
		if b, ok := s.names[string(name)]; ok {
			if s.fn != c.self {
				return nil
			}
			return b
		}
	}
	return nil
}

// exportValue records an export when the value is a function of this file,
// and every export for the type table (types.go).
func (e *extractor) exportValue(name string, v val) {
	e.exported = append(e.exported, exportedVal{name: name, v: v})
	if v.fnp <= 0 {
		return
	}
	if e.f.Exports == nil {
		e.f.Exports = map[string]int{}
	}
	e.f.Exports[name] = int(v.fn())
}

// exportStmt evaluates an export declaration and records what it exports.
func (e *extractor) exportStmt(n int32, c *ctx) {
	t := e.t
	isDefault := false
	for ch := t.nodes[n].First; ch >= 0; ch = t.nodes[ch].Next {
		if t.k(ch) == kDefaultTok {
			isDefault = true
		}
	}
	if src := t.child(n, "source"); src >= 0 {
		spec, _ := decodeString(e.bytesOf(src))
		e.f.Imports = append(e.f.Imports, facts.Import{Spec: spec, Name: "*", Span: e.span(n)})
		return
	}
	if d := t.child(n, "declaration"); d >= 0 {
		v := e.evalRef(d, c, false)
		switch t.k(d) {
		case kFunctionDecl, kClassDecl:
			name := e.text(t.child(d, "name"))
			if isDefault {
				name = "default"
			}
			if t.k(d) == kFunctionDecl {
				e.exportValue(name, val{fnp: e.fnIndex[d]})
			}
		case kLexicalDecl, kVarDecl:
			for dd := t.nodes[d].First; dd >= 0; dd = t.nodes[dd].Next {
				if t.k(dd) != kDeclarator {
					continue
				}
				nm := t.child(dd, "name")
				if nm >= 0 && t.k(nm) == kIdentifier {
					if b := c.sc.lookupBytes(e.bytesOf(nm)); b != nil {
						e.exportValue(e.text(nm), b.v)
						e.exported[len(e.exported)-1].b = b
					}
				}
			}
		default:
			_ = v
		}
		return
	}
	if v := t.child(n, "value"); v >= 0 {
		e.exportValue("default", e.eval(v, c))
		return
	}
	for ch := t.nodes[n].First; ch >= 0; ch = t.nodes[ch].Next {
		if t.k(ch) != kExportClause {
			continue
		}
		for s := t.nodes[ch].First; s >= 0; s = t.nodes[s].Next {
			if t.k(s) != kExportSpecifier {
				continue
			}
			name := t.child(s, "name")
			alias := t.child(s, "alias")
			out := e.propKey(name)
			if alias >= 0 {
				out = e.propKey(alias)
			}
			if b := c.sc.lookupBytes(e.bytesOf(name)); b != nil {
				e.exportValue(out, b.v)
				e.exported[len(e.exported)-1].b = b
			}
		}
	}
}
