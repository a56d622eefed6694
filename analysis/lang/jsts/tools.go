package jsts

import (
	"bytes"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

var hintNames = map[string]bool{"readOnlyHint": true, "destructiveHint": true, "idempotentHint": true, "openWorldHint": true}

// noteDispatcher marks the handler of setRequestHandler(CallToolRequestSchema, h)
// before bodies are evaluated, so its switch on the tool name is recognised.
func (e *extractor) noteDispatcher(n int32, sc *scope) {
	t := e.t
	fn := e.unwrapCallee(t.child(n, "function"))
	if fn < 0 || t.k(fn) != kMember || !bytes.Equal(e.bytesOf(t.child(fn, "property")), []byte("setRequestHandler")) {
		return
	}
	args := t.namedChildren(t.child(n, "arguments"), nil)
	if len(args) < 2 {
		return
	}
	if !bytes.HasSuffix(e.bytesOf(args[0]), []byte("CallToolRequestSchema")) {
		if t.k(args[0]) == kIdentifier { // a bundle's renamed schema (bundled.go)
			e.maybeDispatch = append(e.maybeDispatch, maybeDispatch{schema: e.text(args[0]), call: n, sc: sc})
		}
		return
	}
	e.noteHandler(e.unwrapCallee(args[len(args)-1]), sc, true, stdDispatch)
}

// noteHandler marks a CallTool handler: an inline function, a named one, a
// method (this.handle, this.handle.bind(this)), and the function an inline
// handler delegates the request to (async (req) => this.handleCall(req)).
func (e *extractor) noteHandler(h int32, sc *scope, top bool, spec *dispatchSpec) {
	t := e.t
	if h < 0 {
		return
	}
	switch t.k(h) {
	case kArrow, kFunctionExpr:
		e.dispatch[h] = spec
		if top {
			if d, ds := e.delegate(h); d >= 0 {
				e.noteHandler(d, sc, false, ds)
			}
		}
	case kIdentifier:
		e.pending = append(e.pending, pendingHandler{sc: sc, name: e.text(h), spec: spec})
	case kMember:
		obj := e.unwrapCallee(t.child(h, "object"))
		if obj >= 0 && t.k(obj) == kThis {
			e.pending = append(e.pending, pendingHandler{sc: sc, name: e.text(t.child(h, "property")), method: true, spec: spec})
		}
	case kCall:
		fn := e.unwrapCallee(t.child(h, "function"))
		if fn >= 0 && t.k(fn) == kMember && bytes.Equal(e.bytesOf(t.child(fn, "property")), []byte("bind")) {
			e.noteHandler(e.unwrapCallee(t.child(fn, "object")), sc, false, spec) // this.handle.bind(this)
		} else if w := e.wrappedFunc(h); w >= 0 {
			e.noteHandler(w, sc, top, spec) // withTelemetry(async (request) => …)
		}
	}
}

// delegate returns the callee when an inline handler's body only passes its
// request on: (req) => f(req), async (req) => { return await this.m(req) },
// or its name and arguments: (req) => handle(req.params.name, req.params.arguments ?? {}),
// with where the callee finds the tool name and input.
func (e *extractor) delegate(fn int32) (int32, *dispatchSpec) {
	t := e.t
	ps := e.params(fn)
	if len(ps) == 0 {
		return -1, nil
	}
	p0 := e.paramPattern(ps[0])
	if p0 < 0 || t.k(p0) != kIdentifier {
		return -1, nil
	}
	req := e.bytesOf(p0)
	var alias map[string][]byte
	body := t.child(fn, "body")
	if body >= 0 && t.k(body) == kBlock {
		var only int32 = -1
		for ch := t.nodes[body].First; ch >= 0; ch = t.nodes[ch].Next {
			if t.nodes[ch].Flags&flagNamed == 0 || t.k(ch) == kComment {
				continue
			}
			if only >= 0 {
				// Only declarations that name parts of the request may come first:
				// const { name, arguments: args } = request.params;
				if t.k(only) != kLexicalDecl && t.k(only) != kVarDecl {
					return -1, nil
				}
				if alias == nil {
					alias = map[string][]byte{}
				}
				e.requestAliases(only, req, alias)
			}
			only = ch
		}
		if only < 0 || (t.k(only) != kReturn && t.k(only) != kExprStmt) {
			return -1, nil
		}
		body = t.firstNamed(only)
	}
	for body >= 0 && (t.k(body) == kAwait || t.k(body) == kParen || t.k(body) == kPassThrough) {
		body = t.firstNamed(body)
	}
	if body < 0 || t.k(body) != kCall {
		return -1, nil
	}
	args := t.namedChildren(t.child(body, "arguments"), nil)
	spec := &dispatchSpec{nameParam: -1}
	for i, a := range args {
		a = e.orDefault(a)
		if a < 0 {
			continue
		}
		x := compact(e.bytesOf(a))
		if al, ok := alias[string(x)]; ok {
			x = al
		}
		switch {
		case bytes.Equal(x, req):
			if i == 0 && len(args) == 1 {
				return e.unwrapCallee(t.child(body, "function")), stdDispatch
			}
			spec.inputs = append(spec.inputs, facts.ToolInput{Index: i, Prefix: []string{"params", "arguments"}})
			if spec.nameParam < 0 {
				spec.nameParam, spec.namePath = i, []string{"params", "name"}
			}
		case len(x) > len(req) && bytes.HasPrefix(x, req) && string(x[len(req):]) == ".params.name":
			spec.nameParam, spec.namePath = i, nil
		case len(x) > len(req) && bytes.HasPrefix(x, req) && string(x[len(req):]) == ".params.arguments":
			spec.inputs = append(spec.inputs, facts.ToolInput{Index: i})
		}
	}
	if spec.nameParam < 0 || len(spec.inputs) == 0 {
		return -1, nil
	}
	return e.unwrapCallee(t.child(body, "function")), spec
}

// orDefault strips a default (`x ?? {}`, `x || {}`) and wrappers from an expression.
func (e *extractor) orDefault(a int32) int32 {
	t := e.t
	a = e.unwrapCallee(a)
	if a >= 0 && t.k(a) == kBinary {
		if l, r := t.child(a, "left"), t.child(a, "right"); l >= 0 && r >= 0 {
			if op := e.between(a, l, r); bytes.Equal(op, []byte("??")) || bytes.Equal(op, []byte("||")) {
				return e.unwrapCallee(l)
			}
		}
	}
	return a
}

// requestAliases records the locals a declaration binds to parts of the
// request: `const { name, arguments: args } = req.params` maps name to
// req.params.name and args to req.params.arguments.
func (e *extractor) requestAliases(decl int32, req []byte, alias map[string][]byte) {
	t := e.t
	for d := t.nodes[decl].First; d >= 0; d = t.nodes[d].Next {
		if t.k(d) != kDeclarator {
			continue
		}
		name, v := t.child(d, "name"), e.orDefault(t.child(d, "value"))
		if name < 0 || v < 0 {
			continue
		}
		path := compact(e.bytesOf(v))
		if !bytes.HasPrefix(path, req) {
			continue
		}
		if t.k(name) == kIdentifier {
			alias[e.text(name)] = path
			continue
		}
		if t.k(name) != kObjectPattern {
			continue
		}
		for ch := t.nodes[name].First; ch >= 0; ch = t.nodes[ch].Next {
			key := e.patternKey(ch)
			local := ch
			switch t.k(ch) {
			case kPairPattern:
				local = t.child(ch, "value")
			case kObjAssignPattern:
				local = t.child(ch, "left")
			}
			if local >= 0 && t.k(local) == kAssignPattern {
				local = t.child(local, "left") // arguments: args = {}
			}
			if key != "" && local >= 0 && (t.k(local) == kIdentifier || t.k(local) == kShorthandPattern) {
				alias[e.text(local)] = append(append(append([]byte{}, path...), '.'), key...)
			}
		}
	}
}

// compact drops white space and optional-chaining marks: `req.params?.name` is req.params.name.
func compact(b []byte) []byte {
	b = bytes.Join(bytes.Fields(b), nil)
	return bytes.ReplaceAll(b, []byte("?."), []byte("."))
}

// moduleTable finds a webpack/ncc module table (an object or array of module
// functions) and maps the ids of external modules (`module.exports =
// require("fs")`) to their names. The table's functions get the bundle's
// require as third parameter.
func (e *extractor) moduleTable(n int32) {
	t := e.t
	type entry struct {
		key string
		fn  int32
	}
	var entries []entry
	numeric := t.k(n) == kArray
	i := 0
	for ch := t.nodes[n].First; ch >= 0; ch = t.nodes[ch].Next {
		if t.nodes[ch].Flags&flagNamed == 0 || t.k(ch) == kComment {
			continue
		}
		var key string
		v := ch
		if t.k(n) == kObject {
			if t.k(ch) != kPair {
				return
			}
			kn := t.child(ch, "key")
			key = e.propKey(kn)
			if kn >= 0 && t.k(kn) == kNumber {
				numeric = true
			}
			v = t.child(ch, "value")
		} else {
			key = itoa(i)
			i++
		}
		v = e.unwrapCallee(v)
		if v < 0 || (t.k(v) != kArrow && t.k(v) != kFunctionExpr) || len(e.params(v)) > 3 {
			return
		}
		entries = append(entries, entry{key, v})
	}
	if len(entries) == 0 {
		return
	}
	externals := 0
	for _, en := range entries {
		if m := e.externalModule(en.fn); m != "" {
			e.wpIDs[en.key] = m
			externals++
		}
	}
	if externals == 0 && (!numeric || len(entries) < 2) {
		return
	}
	for _, en := range entries {
		e.wpTable[en.fn] = true
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	p := len(b)
	for ; i > 0; i /= 10 {
		p--
		b[p] = byte('0' + i%10)
	}
	return string(b[p:])
}

// externalModule returns m when fn's body is just `module.exports = require("m")`.
func (e *extractor) externalModule(fn int32) string {
	t := e.t
	ps := e.params(fn)
	if len(ps) == 0 {
		return ""
	}
	p0 := e.paramPattern(ps[0])
	if p0 < 0 || t.k(p0) != kIdentifier {
		return ""
	}
	mod := e.bytesOf(p0)
	body := t.child(fn, "body")
	if body < 0 {
		return ""
	}
	stmt := body
	if t.k(body) == kBlock {
		stmt = -1
		for ch := t.nodes[body].First; ch >= 0; ch = t.nodes[ch].Next {
			if t.nodes[ch].Flags&flagNamed == 0 || t.k(ch) == kComment {
				continue
			}
			if t.k(ch) == kExprStmt {
				if s := t.firstNamed(ch); s >= 0 && t.k(s) == kString {
					continue // "use strict"
				}
			}
			if stmt >= 0 {
				return ""
			}
			stmt = ch
		}
		if stmt < 0 || t.k(stmt) != kExprStmt {
			return ""
		}
		stmt = t.firstNamed(stmt)
	}
	stmt = e.unwrapCallee(stmt)
	if stmt < 0 || t.k(stmt) != kAssign {
		return ""
	}
	left := t.child(stmt, "left")
	if left < 0 || t.k(left) != kMember || !bytes.Equal(e.bytesOf(t.child(left, "object")), mod) ||
		!bytes.Equal(e.bytesOf(t.child(left, "property")), []byte("exports")) {
		return ""
	}
	right := e.unwrapCallee(t.child(stmt, "right"))
	if right < 0 || t.k(right) != kCall {
		return ""
	}
	callee := e.unwrapCallee(t.child(right, "function"))
	if callee < 0 || t.k(callee) != kIdentifier || !requireNames[string(e.bytesOf(callee))] {
		return ""
	}
	args := t.namedChildren(t.child(right, "arguments"), nil)
	if len(args) != 1 || t.k(args[0]) != kString {
		return ""
	}
	s, ok := decodeString(e.bytesOf(args[0]))
	if !ok {
		return ""
	}
	return s
}

// toolHandler sets tool's handler from the argument that holds it: a
// function, a wrapped function (wrap(async (args) => …)), or a name or
// method to resolve later. It reports false when the argument is none of them.
func (e *extractor) toolHandler(tool *facts.Tool, node int32, v val, c *ctx) bool {
	t := e.t
	h := e.unwrapCallee(node)
	switch {
	case v.fnp > 0:
		tool.Handler = int(v.fn())
	case e.wrappedFunc(h) >= 0 && e.fnIndex[e.wrappedFunc(h)] > 0:
		tool.Handler = int(e.fnIndex[e.wrappedFunc(h)] - 1)
	case h >= 0 && t.k(h) == kIdentifier:
		tool.HandlerRef = &facts.Callee{Kind: "local", Name: e.text(h), Func: -1, Span: e.span(h)}
	case h >= 0 && t.k(h) == kMember:
		tool.HandlerRef = &facts.Callee{Kind: "method", Name: e.text(t.child(h, "property")), Func: -1, Span: e.span(h)}
		if obj := e.unwrapCallee(t.child(h, "object")); obj >= 0 && t.k(obj) == kThis {
			tool.HandlerRef.Class = c.cls
		}
	default:
		return false
	}
	return true
}

// toolRegistration recognises McpServer.tool / registerTool calls.
func (e *extractor) toolRegistration(n int32, method string, args []argVal, c *ctx) {
	if (method != "tool" && method != "registerTool") || len(args) < 2 {
		return
	}
	first, last := args[0], args[len(args)-1]
	if !e.isHandlerArg(last) && len(args) >= 3 && e.isHandlerArg(args[len(args)-2]) {
		// tool(name, …, handler, extra): a trailing options object.
		last = args[len(args)-2]
		args = args[:len(args)-1]
	}
	last = e.unwrapHandler(last)
	if first.v.each != nil && !first.v.byName {
		e.tableRegistration(n, method, first, last, args[1:len(args)-1], c)
		e.noteHandlerArg(last.node)
		return
	}
	if first.v.table != nil && first.v.table.prop != "" {
		e.tableTool(n, first, last, c)
		e.noteHandlerArg(last.node)
		return
	}
	if e.paramTableTool(n, first, last, c) {
		e.noteHandlerArg(last.node)
		return
	}
	name, nameRef, ok := e.toolName(first.node, first.v)
	if !ok {
		return
	}
	tool := facts.Tool{Name: name, NameRef: nameRef, NameSpan: e.span(first.node), Span: e.span(n), SDK: facts.SDKTypeScript,
		Handler: -1, Dispatcher: -1, Inputs: []facts.ToolInput{{Index: 0}}}
	if !e.toolHandler(&tool, last.node, last.v, c) {
		return
	}
	e.noteHandlerArg(last.node)
	e.noteFactory(tool, first.v, last.v)
	// Annotations: registerTool's config.annotations, or tool()'s annotations object.
	for _, a := range args[1 : len(args)-1] {
		if method == "registerTool" {
			if p, ok := a.v.props["annotations"]; ok {
				e.annotations(&tool, p.v)
			}
			continue
		}
		if isAnnotationObject(a.v) {
			e.annotations(&tool, a.v)
		}
	}
	e.f.Tools = append(e.f.Tools, tool)
}

// isHandlerArg reports whether a registration argument may be the handler:
// a function, a wrapped one, or a name or method to resolve later.
func (e *extractor) isHandlerArg(a argVal) bool {
	if a.v.fnp > 0 || a.v.each != nil {
		return true
	}
	h := e.unwrapCallee(a.node)
	if h < 0 {
		return false
	}
	switch e.t.k(h) {
	case kIdentifier, kMember:
		return !a.v.known && a.v.props == nil
	case kCall:
		return e.wrappedFunc(h) >= 0 || e.unwrapHandler(a).node != a.node
	}
	return false
}

func (e *extractor) noteHandlerArg(n int32) {
	if e.handlerArg == nil {
		e.handlerArg = map[int32]bool{}
	}
	e.handlerArg[n] = true
}

func isAnnotationObject(v val) bool {
	hints := 0
	for k, p := range v.props {
		if hintNames[k] {
			if p.v.boolean == 0 {
				return false
			}
			hints++
		} else if k != "title" {
			return false
		}
	}
	return hints > 0
}

func (e *extractor) annotations(tool *facts.Tool, v val) {
	vals, spans := annotationsOf(v, e)
	if len(vals) > 0 {
		tool.Annotations, tool.AnnotationSpans = vals, spans
	}
}

func annotationsOf(v val, e *extractor) (map[string]bool, map[string]source.Span) {
	var vals map[string]bool
	var spans map[string]source.Span
	for k, p := range v.props {
		if !hintNames[k] || p.v.boolean == 0 {
			continue
		}
		if vals == nil {
			vals, spans = map[string]bool{}, map[string]source.Span{}
		}
		vals[k] = p.v.boolean == 2
		spans[k] = e.span(p.node)
	}
	return vals, spans
}

// toolName reads a tool name argument: a literal or in-file constant, else
// the expression naming it for the index to resolve.
func (e *extractor) toolName(n int32, v val) (name, ref string, ok bool) {
	if v.known && !v.prefix {
		return v.str, "", true
	}
	u := e.unwrapCallee(n)
	if u >= 0 && (e.t.k(u) == kIdentifier || e.t.k(u) == kMember) {
		return "", string(bytes.Join(bytes.Fields(e.bytesOf(u)), nil)), true
	}
	return "", "", false
}

// noteToolObject remembers the literal annotations of ListTools entries
// ({ name: "x", annotations: { readOnlyHint: true } }).
func (e *extractor) noteToolObject(v val) {
	name, ok := v.props["name"]
	ann, ok2 := v.props["annotations"]
	if !ok || !ok2 || !name.v.known || name.v.prefix {
		return
	}
	if vals, spans := annotationsOf(ann.v, e); len(vals) > 0 {
		e.toolAnn[name.v.str] = toolAnnotations{vals: vals, spans: spans}
	}
}

// isToolNameRef reports whether v is the tool name a CallTool dispatcher received.
func (c *ctx) isToolName(v val) bool {
	if c.dispatcher < 0 {
		return false
	}
	sp := c.dspec
	if sp == nil {
		sp = stdDispatch
	}
	for _, r := range v.taint {
		if r.Fn == int(c.dispatcher) && r.Param == sp.nameParam && len(r.Path) == len(sp.namePath) {
			same := true
			for i := range r.Path {
				same = same && r.Path[i] == sp.namePath[i]
			}
			if same {
				return true
			}
		}
	}
	return false
}

// caseFunction opens a synthetic function for one dispatched tool body.
func (e *extractor) caseFunction(label string, at int32, c *ctx) *ctx {
	return e.caseFunctionSpan(label, e.span(at), c)
}

func (e *extractor) caseFunctionSpan(label string, sp source.Span, c *ctx) *ctx {
	d := e.f.Functions[c.dispatcher]
	idx := int32(len(e.f.Functions))
	e.f.Functions = append(e.f.Functions, facts.Function{Name: "case " + label, Parent: int(c.dispatcher), Span: sp,
		NameSpan: sp, Params: d.Params, ParamFields: d.ParamFields})
	e.fnNodes = append(e.fnNodes, -1)
	e.fnScope = append(e.fnScope, nil)
	e.fnClass = append(e.fnClass, "")
	e.fnParams = append(e.fnParams, e.fnParams[c.dispatcher])
	nc := *c
	nc.fn, nc.caseFn = idx, true
	return &nc
}

type toolLabel struct {
	node int32
	v    val
}

func (e *extractor) addCaseTools(labels []toolLabel, fn int32, at int32, c *ctx) {
	for _, l := range labels {
		name, ref, _ := e.toolName(l.node, l.v)
		e.f.Tools = append(e.f.Tools, facts.Tool{Name: name, NameRef: ref, NameSpan: e.span(l.node), Span: e.span(at),
			SDK: facts.SDKTypeScriptLowLevel, Handler: int(fn), Dispatcher: int(c.dispatcher), Inputs: c.inputs()})
	}
}

func (e *extractor) labelText(l toolLabel) string {
	if l.v.known && !l.v.prefix {
		return l.v.str
	}
	return string(e.bytesOf(l.node))
}

// switchStmt evaluates a switch; on the tool name inside a CallTool handler
// each case body becomes a tool's synthetic function.
func (e *extractor) switchStmt(n int32, c *ctx) {
	t := e.t
	sv := e.eval(t.child(n, "value"), c)
	body := t.child(n, "body")
	if body < 0 {
		return
	}
	bc := c
	if sc := e.scopeOf(body); sc != nil {
		bc = c.with(sc)
	}
	dispatch := c.isToolName(sv)
	var labels []toolLabel
	for cs := t.nodes[body].First; cs >= 0; cs = t.nodes[cs].Next {
		k := t.k(cs)
		if k != kSwitchCase && k != kSwitchDefault {
			continue
		}
		var stmts []int32
		for ch := t.nodes[cs].First; ch >= 0; ch = t.nodes[ch].Next {
			if t.nodes[ch].Flags&flagNamed == 0 || t.k(ch) == kComment {
				continue
			}
			if k == kSwitchCase && t.nodes[ch].Field != 0 && t.fieldName(ch) == "value" {
				lv := e.eval(ch, bc)
				labels = append(labels, toolLabel{node: ch, v: lv})
				continue
			}
			stmts = append(stmts, ch)
		}
		cc := bc
		if dispatch && k == kSwitchCase && len(labels) > 0 {
			if len(stmts) == 0 {
				continue // falls through to the next case's body
			}
			cc = e.caseFunction(e.labelText(labels[0]), cs, bc)
			e.addCaseTools(labels, cc.fn, cs, bc)
		}
		labels = labels[:0]
		for _, s := range stmts {
			e.eval(s, cc)
		}
	}
}

// ifStmt evaluates an if; `if (name === "x")` in a CallTool handler makes the
// consequence a tool's synthetic function.
func (e *extractor) ifStmt(n int32, c *ctx) {
	t := e.t
	cond := t.child(n, "condition")
	var labels []toolLabel
	if c.dispatcher >= 0 {
		labels = e.nameTests(e.unwrapCallee(cond), c, labels, false)
	}
	if labels == nil {
		e.eval(cond, c)
	}
	cc := c
	if len(labels) > 0 {
		if cons := t.child(n, "consequence"); cons >= 0 {
			cc = e.caseFunction(e.labelText(labels[0]), cons, c)
			e.addCaseTools(labels, cc.fn, cons, c)
		}
	}
	if cons := t.child(n, "consequence"); cons >= 0 {
		e.eval(cons, cc)
	}
	if alt := t.child(n, "alternative"); alt >= 0 {
		e.eval(alt, c)
	}
}

// nameTests collects the tool names of `name === "x" || name === "y"`, or
// with negated of `name !== "x" && name !== "y"`; nil when the condition is
// anything else.
func (e *extractor) nameTests(n int32, c *ctx, acc []toolLabel, negated bool) []toolLabel {
	join, strict, loose := "||", "===", "=="
	if negated {
		join, strict, loose = "&&", "!==", "!="
	}
	t := e.t
	if n < 0 || t.k(n) != kBinary {
		return nil
	}
	ln, rn := t.child(n, "left"), t.child(n, "right")
	if ln < 0 || rn < 0 {
		return nil
	}
	op := string(e.between(n, ln, rn))
	l, r := e.unwrapCallee(ln), e.unwrapCallee(rn)
	switch op {
	case join:
		a := e.nameTests(l, c, acc, negated)
		if a == nil {
			return nil
		}
		return e.nameTests(r, c, a, negated)
	case strict, loose:
		if !e.simpleOperand(l) || !e.simpleOperand(r) {
			return nil
		}
		lv, rv := e.evalRef(l, c, true), e.evalRef(r, c, true)
		switch {
		case c.isToolName(lv):
			return append(acc, toolLabel{node: r, v: rv})
		case c.isToolName(rv):
			return append(acc, toolLabel{node: l, v: lv})
		}
	}
	return nil
}

// simpleOperand is an operand whose evaluation records nothing (no calls).
func (e *extractor) simpleOperand(n int32) bool {
	if n < 0 {
		return false
	}
	switch e.t.k(n) {
	case kIdentifier, kString, kNumber:
		return true
	case kMember:
		return e.simpleOperand(e.unwrapCallee(e.t.child(n, "object"))) || e.t.k(e.unwrapCallee(e.t.child(n, "object"))) == kThis
	case kTemplate:
		return e.t.firstNamed(n) < 0 || e.t.k(e.t.firstNamed(n)) != kTemplateSubst
	}
	return false
}

// dispatchSpec says where a CallTool dispatcher finds the tool name and the
// tool input among its parameters.
type dispatchSpec struct {
	nameParam int
	namePath  []string
	inputs    []facts.ToolInput
}

// stdDispatch is the SDK's handler: (request) with request.params.name and
// request.params.arguments.
var stdDispatch = &dispatchSpec{nameParam: 0, namePath: []string{"params", "name"},
	inputs: []facts.ToolInput{{Index: 0, Prefix: []string{"params", "arguments"}}}}

// guard handles `if (name !== "t") throw …;` at the start of a dispatcher's
// code: the statements after it (up to the end of the block) are tool t's
// synthetic function, returned as the context to evaluate them in. nil when
// the statement is no such guard.
func (e *extractor) guard(n, block int32, c *ctx) *ctx {
	t := e.t
	cons := t.child(n, "consequence")
	if t.child(n, "alternative") >= 0 || cons < 0 || !e.exits(cons) {
		return nil
	}
	labels := e.nameTests(e.unwrapCallee(t.child(n, "condition")), c, nil, true)
	if len(labels) == 0 {
		return nil
	}
	e.eval(cons, c)
	end := t.nodes[block].End
	if t.k(block) == kBlock && end > t.nodes[n].Start {
		end-- // the closing brace
	}
	sp := e.lines.Span(int(t.nodes[n].Start), int(end))
	cc := e.caseFunctionSpan(e.labelText(labels[0]), sp, c)
	for _, l := range labels {
		name, ref, _ := e.toolName(l.node, l.v)
		e.f.Tools = append(e.f.Tools, facts.Tool{Name: name, NameRef: ref, NameSpan: e.span(l.node), Span: sp,
			SDK: facts.SDKTypeScriptLowLevel, Handler: int(cc.fn), Dispatcher: int(c.dispatcher), Inputs: c.inputs()})
	}
	return cc
}

// exits reports whether a statement always leaves the function (throw or return).
func (e *extractor) exits(n int32) bool {
	t := e.t
	for i := 0; i < 4 && n >= 0; i++ {
		switch t.k(n) {
		case kReturn:
			return true
		case kStatement:
			return t.kind(n) == "throw_statement"
		case kBlock:
			n = t.nodes[n].Last
			for n >= 0 && (t.nodes[n].Flags&flagNamed == 0 || t.k(n) == kComment) {
				n = prevSibling(t, n)
			}
		default:
			return false
		}
	}
	return false
}

func prevSibling(t *tree, n int32) int32 {
	p := t.nodes[n].Parent
	if p < 0 {
		return -1
	}
	prev := int32(-1)
	for c := t.nodes[p].First; c >= 0 && c != n; c = t.nodes[c].Next {
		prev = c
	}
	return prev
}

// inputs are the tool inputs of the dispatcher being evaluated.
func (c *ctx) inputs() []facts.ToolInput {
	if c.dspec == nil {
		return stdDispatch.inputs
	}
	return c.dspec.inputs
}

// wrappedFunc returns the function literal passed to a wrapper call
// (withTelemetry(async (req) => …)), or -1.
func (e *extractor) wrappedFunc(call int32) int32 {
	t := e.t
	if call < 0 || t.k(call) != kCall {
		return -1
	}
	args := t.child(call, "arguments")
	if args < 0 || t.k(args) != kArguments {
		return -1
	}
	for a := t.nodes[args].Last; a >= 0; a = prevSibling(t, a) {
		if u := e.unwrapCallee(a); u >= 0 && (t.k(u) == kArrow || t.k(u) == kFunctionExpr) {
			return u
		}
	}
	return -1
}

// markHandlers notes, before a registration's arguments are evaluated, the
// handler functions nested in them (wrapped, or FastMCP's execute), so they
// are not recorded as Refs of the registering code.
func (e *extractor) markHandlers(method string, argsNode int32) {
	t := e.t
	if argsNode < 0 || t.k(argsNode) != kArguments {
		return
	}
	last := t.nodes[argsNode].Last
	for last >= 0 && (t.nodes[last].Flags&flagNamed == 0 || t.k(last) == kComment) {
		last = prevSibling(t, last)
	}
	if last < 0 {
		return
	}
	if e.handlerArg == nil {
		e.handlerArg = map[int32]bool{}
	}
	u := e.unwrapCallee(last)
	if method == "addTool" && u >= 0 && t.k(u) == kObject {
		for p := t.nodes[u].First; p >= 0; p = t.nodes[p].Next {
			if t.k(p) == kPair && e.propKey(t.child(p, "key")) == "execute" {
				e.handlerArg[t.child(p, "value")] = true
			}
		}
		return
	}
	if w := e.wrappedFunc(u); w >= 0 {
		for a := t.nodes[t.child(u, "arguments")].First; a >= 0; a = t.nodes[a].Next {
			if e.unwrapCallee(a) == w {
				e.handlerArg[a] = true
			}
		}
	}
}

// fastMCPTool recognises FastMCP's server.addTool({ name, execute, … }).
func (e *extractor) fastMCPTool(n int32, args []argVal, c *ctx) {
	if len(args) != 1 || args[0].v.props == nil {
		return
	}
	props := args[0].v.props
	name, ok1 := props["name"]
	exec, ok2 := props["execute"]
	if !ok1 || !ok2 {
		return
	}
	tn, ref, ok := e.toolName(name.node, name.v)
	if !ok {
		return
	}
	tool := facts.Tool{Name: tn, NameRef: ref, NameSpan: e.span(name.node), Span: e.span(n), SDK: facts.SDKFastMCPTypeScript,
		Handler: -1, Dispatcher: -1, Inputs: []facts.ToolInput{{Index: 0}}}
	if !e.toolHandler(&tool, exec.node, exec.v, c) {
		return
	}
	if a, ok := props["annotations"]; ok {
		e.annotations(&tool, a.v)
	}
	e.f.Tools = append(e.f.Tools, tool)
}
