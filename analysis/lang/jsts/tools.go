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
	if len(args) < 2 || !bytes.HasSuffix(e.bytesOf(args[0]), []byte("CallToolRequestSchema")) {
		return
	}
	e.noteHandler(e.unwrapCallee(args[len(args)-1]), sc, true)
}

// noteHandler marks a CallTool handler: an inline function, a named one, a
// method (this.handle, this.handle.bind(this)), and the function an inline
// handler delegates the request to (async (req) => this.handleCall(req)).
func (e *extractor) noteHandler(h int32, sc *scope, top bool) {
	t := e.t
	if h < 0 {
		return
	}
	switch t.k(h) {
	case kArrow, kFunctionExpr:
		e.dispatch[h] = true
		if top {
			if d := e.delegate(h); d >= 0 {
				e.noteHandler(d, sc, false)
			}
		}
	case kIdentifier:
		e.pending = append(e.pending, pendingHandler{sc: sc, name: e.text(h)})
	case kMember:
		obj := e.unwrapCallee(t.child(h, "object"))
		if obj >= 0 && t.k(obj) == kThis {
			e.pending = append(e.pending, pendingHandler{sc: sc, name: e.text(t.child(h, "property")), method: true})
		}
	case kCall: // this.handle.bind(this)
		fn := e.unwrapCallee(t.child(h, "function"))
		if fn >= 0 && t.k(fn) == kMember && bytes.Equal(e.bytesOf(t.child(fn, "property")), []byte("bind")) {
			e.noteHandler(e.unwrapCallee(t.child(fn, "object")), sc, false)
		}
	}
}

// delegate returns the callee when an inline handler's body only passes its
// request on: (req) => f(req), async (req) => { return await this.m(req) }.
func (e *extractor) delegate(fn int32) int32 {
	t := e.t
	ps := e.params(fn)
	if len(ps) == 0 {
		return -1
	}
	p0 := e.paramPattern(ps[0])
	if p0 < 0 || t.k(p0) != kIdentifier {
		return -1
	}
	body := t.child(fn, "body")
	if body >= 0 && t.k(body) == kBlock {
		var only int32 = -1
		for ch := t.nodes[body].first; ch >= 0; ch = t.nodes[ch].next {
			if t.nodes[ch].flags&flagNamed == 0 || t.k(ch) == kComment {
				continue
			}
			if only >= 0 {
				return -1
			}
			only = ch
		}
		if only < 0 || (t.k(only) != kReturn && t.k(only) != kExprStmt) {
			return -1
		}
		body = t.firstNamed(only)
	}
	for body >= 0 && (t.k(body) == kAwait || t.k(body) == kParen || t.k(body) == kPassThrough) {
		body = t.firstNamed(body)
	}
	if body < 0 || t.k(body) != kCall {
		return -1
	}
	args := t.namedChildren(t.child(body, "arguments"), nil)
	if len(args) == 0 || !bytes.Equal(e.bytesOf(args[0]), e.bytesOf(p0)) {
		return -1
	}
	return e.unwrapCallee(t.child(body, "function"))
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
	for ch := t.nodes[n].first; ch >= 0; ch = t.nodes[ch].next {
		if t.nodes[ch].flags&flagNamed == 0 || t.k(ch) == kComment {
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
		for ch := t.nodes[body].first; ch >= 0; ch = t.nodes[ch].next {
			if t.nodes[ch].flags&flagNamed == 0 || t.k(ch) == kComment {
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

// toolRegistration recognises McpServer.tool / registerTool calls.
func (e *extractor) toolRegistration(n int32, method string, args []argVal, c *ctx) {
	if (method != "tool" && method != "registerTool") || len(args) < 2 {
		return
	}
	t := e.t
	first, last := args[0], args[len(args)-1]
	name, nameRef, ok := e.toolName(first.node, first.v)
	if !ok {
		return
	}
	tool := facts.Tool{Name: name, NameRef: nameRef, NameSpan: e.span(first.node), Span: e.span(n), SDK: "ts-sdk",
		Handler: -1, Dispatcher: -1, Inputs: []facts.ToolInput{{Index: 0}}}
	h := e.unwrapCallee(last.node)
	switch {
	case last.v.fnp > 0:
		tool.Handler = int(last.v.fn())
	case h >= 0 && t.k(h) == kIdentifier:
		tool.HandlerRef = &facts.Callee{Kind: "local", Name: e.text(h), Func: -1, Span: e.span(h)}
	case h >= 0 && t.k(h) == kMember:
		tool.HandlerRef = &facts.Callee{Kind: "method", Name: e.text(t.child(h, "property")), Func: -1, Span: e.span(h)}
		if obj := e.unwrapCallee(t.child(h, "object")); obj >= 0 && t.k(obj) == kThis {
			tool.HandlerRef.Class = c.cls
		}
	default:
		return
	}
	if e.handlerArg == nil {
		e.handlerArg = map[int32]bool{}
	}
	e.handlerArg[last.node] = true
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
	for _, r := range v.taint {
		if r.Fn == int(c.dispatcher) && r.Param == 0 && len(r.Path) == 2 && r.Path[0] == "params" && r.Path[1] == "name" {
			return true
		}
	}
	return false
}

// caseFunction opens a synthetic function for one dispatched tool body.
func (e *extractor) caseFunction(label string, at int32, c *ctx) *ctx {
	d := e.f.Functions[c.dispatcher]
	idx := int32(len(e.f.Functions))
	sp := e.span(at)
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
			SDK: "ts-sdk-lowlevel", Handler: int(fn), Dispatcher: int(c.dispatcher),
			Inputs: []facts.ToolInput{{Index: 0, Prefix: []string{"params", "arguments"}}}})
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
	for cs := t.nodes[body].first; cs >= 0; cs = t.nodes[cs].next {
		k := t.k(cs)
		if k != kSwitchCase && k != kSwitchDefault {
			continue
		}
		var stmts []int32
		for ch := t.nodes[cs].first; ch >= 0; ch = t.nodes[ch].next {
			if t.nodes[ch].flags&flagNamed == 0 || t.k(ch) == kComment {
				continue
			}
			if k == kSwitchCase && t.nodes[ch].field != 0 && t.fieldName(ch) == "value" {
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
		labels = e.nameTests(e.unwrapCallee(cond), c, labels)
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

// nameTests collects the tool names of `name === "x" || name === "y"`; nil
// when the condition is anything else.
func (e *extractor) nameTests(n int32, c *ctx, acc []toolLabel) []toolLabel {
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
	case "||":
		a := e.nameTests(l, c, acc)
		if a == nil {
			return nil
		}
		return e.nameTests(r, c, a)
	case "===", "==":
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
