package jsts

import (
	"bytes"
	"slices"
	"sort"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// Tool tables: tools defined as data and registered in a loop
//
//	for (const t of tools) server.tool(t.name, t.description, t.schema, t.handler)
//	tools.forEach((t) => server.registerTool(t.name, { … }, t.handler))
//
// or served by a CallTool dispatcher that picks the handler by the tool name
//
//	const handlers = { read_file: readFile, … }; return handlers[request.params.name](args)
//	const tool = tools.find((t) => t.name === request.params.name); return tool.handler(args)
//
// A loop variable (or callback item) over a literal array is an each value:
// reading a property reads it in every element, and a registration of an
// each name is one tool per element, named and handled by that element.

// eachOfElems is the each value of an array's elements (nil when none).
func eachOfElems(v val) []eachItem {
	if v.each != nil && !v.byName {
		return nil // an array of arrays: not a tool table
	}
	if len(v.elems) == 0 {
		return nil
	}
	items := make([]eachItem, len(v.elems), len(v.elems)+1)
	for i, el := range v.elems {
		items[i] = eachItem{nameNode: -1, p: el}
	}
	if v.cut {
		items = append(items, eachItem{nameNode: -1, p: prop{node: -1}, cut: true})
	}
	return items
}

// eachMember reads property key of every item of an each value. No item
// an object literal with that property: a plain read.
func (e *extractor) eachMember(obj val, key string, c *ctx) val {
	out := val{taint: extend(obj.taint, key), byName: obj.byName}
	known := false
	items := make([]eachItem, len(obj.each))
	for i, it := range obj.each {
		items[i] = eachItem{name: it.name, nameNode: it.nameNode, p: prop{node: -1}, cut: it.cut}
		if it.cut {
			continue
		}
		if p, ok := it.p.v.props[key]; ok {
			items[i].p = p
			known = true
		} else if it.p.v.each == nil {
			items[i].p.v = e.member(it.p.v, key, c)
		}
	}
	if !known {
		return plain(out.taint)
	}
	out.each = items
	return out
}

// eachParam notes the callback of tools.forEach / tools.map over a literal
// array: its first parameter is each element.
func (e *extractor) eachParam(method string, obj val, argsNode int32) {
	switch method {
	case "forEach", "map", "flatMap":
	default:
		return
	}
	var items []eachItem
	if obj.list == "" {
		items = eachOfElems(obj)
	}
	var table *tableRef
	if items == nil {
		table = tableOf(obj)
	}
	if items == nil && table == nil || argsNode < 0 {
		return
	}
	t := e.t
	for a := t.nodes[argsNode].First; a >= 0; a = t.nodes[a].Next {
		if t.nodes[a].Flags&flagNamed == 0 || t.k(a) == kComment {
			continue
		}
		if u := e.unwrapCallee(a); u >= 0 && (t.k(u) == kArrow || t.k(u) == kFunctionExpr) {
			if table != nil {
				if e.tableArg == nil {
					e.tableArg = map[int32]*tableRef{}
				}
				e.tableArg[u] = table
				return
			}
			if e.eachArg == nil {
				e.eachArg = map[int32][]eachItem{}
			}
			e.eachArg[u] = items
		}
		return // only the first argument is the callback
	}
}

// tableRegistration records one tool per element of a registration whose
// name is an each value (a loop over a tool table). An element whose name
// is not known here is a tool named by the expression as written, which
// the index resolves or reports unresolved.
func (e *extractor) tableRegistration(n int32, method string, first, last argVal, mid []argVal, c *ctx) {
	expr := string(compact(e.bytesOf(first.node)))
	for i, it := range first.v.each {
		if it.cut {
			e.f.NoteTooDeep(e.span(n)) // the tools past maxTools are not known
			continue
		}
		name, ref, ok := "", "", false
		nameNode := it.p.node
		if nameNode >= 0 {
			name, ref, ok = e.toolName(nameNode, it.p.v)
		}
		tool := facts.Tool{Name: name, NameRef: ref, SDK: facts.SDKTypeScript, Handler: -1, Dispatcher: -1,
			Inputs: []facts.ToolInput{{Index: 0}}}
		if !ok {
			tool.Name, tool.NameRef, tool.NameExpr = "", "", expr
		}
		// Positions stay in the registering statement, even though the
		// name is written in the table: ranged extraction moves a tool
		// with the statement that registers it.
		tool.NameSpan, tool.Span = e.span(first.node), e.span(n)
		h := last
		if last.v.each != nil && len(last.v.each) == len(first.v.each) {
			if hp := last.v.each[i].p; hp.node >= 0 {
				h = argVal{node: hp.node, v: hp.v}
			}
		}
		if !e.toolHandler(&tool, h.node, h.v, c) {
			continue
		}
		for _, a := range mid {
			ann := a.v
			if method == "registerTool" {
				if p, ok := a.v.props["annotations"]; ok {
					ann = p.v
				} else if a.v.each != nil && len(a.v.each) == len(first.v.each) {
					ann = e.eachMember(a.v, "annotations", c)
				}
			}
			if ann.each != nil && len(ann.each) == len(first.v.each) {
				ann = ann.each[i].p.v
			}
			if method == "registerTool" || isAnnotationObject(ann) {
				e.annotations(&tool, ann)
			}
		}
		if tool.Annotations == nil {
			if p, ok := it.p.v.props["annotations"]; ok {
				e.annotations(&tool, p.v)
			}
		}
		for k := range tool.AnnotationSpans {
			tool.AnnotationSpans[k] = tool.Span // written in the table: see NameSpan
		}
		e.f.Tools = append(e.f.Tools, tool)
	}
}

// byNameItems is the each value of a map's properties picked by the tool
// name (handlers[name]), in source order.
func (e *extractor) byNameItems(obj val) val {
	t := e.t
	items := make([]eachItem, 0, len(obj.props))
	for k, p := range obj.props {
		kn := int32(-1)
		if p.node >= 0 {
			if par := t.nodes[p.node].Parent; par >= 0 && t.k(par) == kPair {
				kn = t.child(par, "key")
			} else {
				kn = p.node // shorthand or method
			}
		}
		items = append(items, eachItem{name: k, nameNode: kn, p: p})
	}
	sort.Slice(items, func(a, b int) bool {
		if items[a].nameNode != items[b].nameNode {
			return items[a].nameNode < items[b].nameNode
		}
		return items[a].name < items[b].name
	})
	return val{each: items, byName: true, taint: obj.taint}
}

// findByName recognises tools.find((t) => t.name === name) on the tool name
// in a dispatcher: the element whose key property is the tool name, each
// element named by that property.
func (e *extractor) findByName(obj val, argsNode int32, c *ctx) (val, bool) {
	t := e.t
	var table *tableRef
	if len(obj.elems) == 0 || obj.list != "" {
		table = tableOf(obj) // a list of another file, or with elements from one (found.go)
	}
	if c.dispatcher < 0 || len(obj.elems) == 0 && table == nil || argsNode < 0 {
		return val{}, false
	}
	fn := e.unwrapCallee(t.firstNamed(argsNode))
	if fn < 0 || (t.k(fn) != kArrow && t.k(fn) != kFunctionExpr) {
		return val{}, false
	}
	ps := e.params(fn)
	if len(ps) != 1 {
		return val{}, false
	}
	p := e.paramPattern(ps[0])
	if p < 0 || t.k(p) != kIdentifier {
		return val{}, false
	}
	body := t.child(fn, "body")
	if body >= 0 && t.k(body) == kBlock {
		// (t) => { return t.name === name; }
		only := t.firstNamed(body)
		if only < 0 || t.k(only) != kReturn || t.nodes[only].Next >= 0 && t.firstNamed(t.nodes[only].Parent) != only {
			return val{}, false
		}
		body = t.firstNamed(only)
	}
	body = e.unwrapCallee(body)
	if body < 0 || t.k(body) != kBinary {
		return val{}, false
	}
	l, r := e.unwrapCallee(t.child(body, "left")), e.unwrapCallee(t.child(body, "right"))
	if l < 0 || r < 0 {
		return val{}, false
	}
	if op := e.between(body, l, r); !bytes.Equal(op, []byte("===")) && !bytes.Equal(op, []byte("==")) {
		return val{}, false
	}
	key := ""
	for _, side := range [2][2]int32{{l, r}, {r, l}} {
		m, other := side[0], side[1]
		if t.k(m) != kMember || !bytes.Equal(e.bytesOf(e.unwrapCallee(t.child(m, "object"))), e.bytesOf(p)) {
			continue
		}
		if !e.simpleOperand(other) || !c.isToolName(e.evalRef(other, c, true)) {
			continue
		}
		key = e.text(t.child(m, "property"))
	}
	if key == "" {
		return val{}, false
	}
	if table != nil {
		if !toolNameKeys[key] {
			return val{}, false // elements not seen here: only a property that names tools
		}
		return val{table: &tableRef{mod: table.mod, name: table.name, find: key}}, true
	}
	var items []eachItem
	for _, el := range obj.elems {
		np, ok := el.v.props[key]
		if !ok || !np.v.known || np.v.prefix {
			continue
		}
		items = append(items, eachItem{name: np.v.str, nameNode: np.node, p: el})
	}
	if len(items) > 0 && obj.cut {
		items = append(items, eachItem{nameNode: -1, p: prop{node: -1}, cut: true})
	}
	if len(items) == 0 {
		return val{}, false
	}
	return val{each: items, byName: true}, true
}

// mapTools records the tools of a call, in a dispatcher, of a handler
// picked by the tool name: one per item, its handler the item's function.
func (e *extractor) mapTools(n int32, cv val, args []argVal, c *ctx) {
	inputs := e.handlerInputs(args, c)
	if len(inputs) == 0 {
		return
	}
	for _, it := range cv.each {
		if it.cut {
			e.f.NoteTooDeep(e.span(n)) // the handlers past maxTools are not known
			continue
		}
		if it.name == "" || it.p.node < 0 {
			continue
		}
		// Positions stay in the dispatching statement (see tableRegistration).
		tool := facts.Tool{Name: it.name, NameSpan: e.span(n), Span: e.span(n), SDK: facts.SDKTypeScriptLowLevel,
			Handler: -1, Dispatcher: int(c.dispatcher), Inputs: inputs}
		if !e.toolHandler(&tool, it.p.node, it.p.v, c) {
			continue
		}
		if a, ok := e.toolAnn[it.name]; ok {
			tool.Annotations, tool.AnnotationSpans = a.vals, a.spans
		}
		e.f.Tools = append(e.f.Tools, tool)
	}
}

// handlerInputs says which arguments of a dispatched handler call carry the
// tool input the dispatcher received.
func (e *extractor) handlerInputs(args []argVal, c *ctx) []facts.ToolInput {
	var out []facts.ToolInput
	for i, a := range args {
		if ti, ok := e.inputOf(i, a.v, c); ok {
			out = append(out, ti)
		}
	}
	return out
}

func (e *extractor) inputOf(i int, v val, c *ctx) (facts.ToolInput, bool) {
	for _, r := range v.taint {
		if r.Fn != int(c.dispatcher) {
			continue
		}
		for _, in := range c.inputs() {
			if r.Param != in.Index {
				continue
			}
			if ti, ok := inputAt(i, r.Path, in.Prefix); ok {
				return ti, true
			}
		}
	}
	return facts.ToolInput{}, false
}

// inputAt maps a handler parameter i holding the dispatcher's parameter at
// path to a ToolInput, given where the tool input is (prefix).
func inputAt(i int, path, prefix []string) (facts.ToolInput, bool) {
	n := min(len(path), len(prefix))
	for k := 0; k < n; k++ {
		if path[k] != prefix[k] {
			return facts.ToolInput{}, false
		}
	}
	switch {
	case len(path) == len(prefix):
		return facts.ToolInput{Index: i}, true
	case len(path) < len(prefix):
		return facts.ToolInput{Index: i, Prefix: append([]string(nil), prefix[len(path):]...)}, true
	default:
		return facts.ToolInput{Index: i, Name: path[len(prefix)]}, true
	}
}

// A factory registers a tool named by its parameter:
//
//	function makeTool(name, fn) { server.tool(name, "…", {}, fn); }
//	makeTool("read_file", readFile);
//
// Each call of it in the file is a tool at the call site, named by the
// argument (unresolved with its expression when that is no name known
// here). The registration itself is no tool when the factory cannot be
// called from another file (not exported): whether it is depends on the
// factory's own statement and the file's exports, never on its callers, so
// ranged extraction (which may re-extract a function without its callers)
// gives the whole-file answer.
type factoryTool struct {
	tool          int // index into File.Tools
	name, handler int // parameter indexes (handler -1: not a parameter)
}

// noteFactory records tool (about to be appended) as a factory's when its
// name is a parameter of an enclosing function.
func (e *extractor) noteFactory(tool facts.Tool, name, handler val) {
	if tool.Name != "" || len(name.taint) != 1 || len(name.taint[0].Path) != 0 || name.taint[0].Param < 0 {
		return
	}
	fn := int32(name.taint[0].Fn)
	ft := factoryTool{tool: len(e.f.Tools), name: name.taint[0].Param, handler: -1}
	if handler.fnp == 0 && len(handler.taint) == 1 && handler.taint[0].Fn == int(fn) && len(handler.taint[0].Path) == 0 {
		ft.handler = handler.taint[0].Param
	}
	if e.factories == nil {
		e.factories = map[int32][]factoryTool{}
	}
	e.factories[fn] = append(e.factories[fn], ft)
}

// instantiate records the tools a call of factory fn registers.
func (e *extractor) instantiate(n int32, fn int32, args []argVal, c *ctx) {
	for _, ft := range e.factories[fn] {
		if ft.name >= len(args) || ft.tool >= len(e.f.Tools) {
			continue
		}
		a := args[ft.name]
		nt := e.f.Tools[ft.tool]
		name, ref, ok := "", "", false
		if len(a.v.taint) == 0 && a.v.each == nil {
			name, ref, ok = e.toolName(a.node, a.v)
		}
		if ok {
			nt.Name, nt.NameRef, nt.NameExpr = name, ref, ""
		} else {
			// Named by the caller's own parameter or a computed value.
			nt.Name, nt.NameRef, nt.NameExpr = "", "", string(compact(e.bytesOf(a.node)))
			if e.unresolvedCalls == nil {
				e.unresolvedCalls = map[int32][]int{}
			}
			e.unresolvedCalls[fn] = append(e.unresolvedCalls[fn], len(e.f.Tools))
		}
		nt.NameSpan, nt.Span = e.span(a.node), e.span(n)
		nt.Inputs = append([]facts.ToolInput(nil), nt.Inputs...)
		if ft.handler >= 0 && ft.handler < len(args) {
			h := nt
			h.Handler, h.HandlerRef = -1, nil
			if e.toolHandler(&h, args[ft.handler].node, args[ft.handler].v, c) {
				nt = h
			}
		}
		e.f.Tools = append(e.f.Tools, nt)
	}
}

// dropTemplates removes the registrations of factories no other file can
// call: their calls in this file are the tools.
func (e *extractor) dropTemplates() {
	if len(e.factories) == 0 {
		return
	}
	exported := map[int]bool{}
	for _, fn := range e.f.Exports {
		exported[fn] = true
	}
	drop := map[int]bool{}
	for fn, fts := range e.factories {
		if exported[int(fn)] || e.f.Functions[fn].Parent != 0 && e.fnClass[fn] == "" {
			// Exported, or nested in another function (reached by a closure):
			// the registration stays a tool, unresolved, and the calls that
			// name it no better add nothing.
			for _, i := range e.unresolvedCalls[fn] {
				drop[i] = true
			}
			continue
		}
		for _, ft := range fts {
			drop[ft.tool] = true
		}
	}
	out := e.f.Tools[:0]
	for i, tl := range e.f.Tools {
		if !drop[i] {
			out = append(out, tl)
		}
	}
	e.f.Tools = out
}

// A handler may be wrapped: server.tool(name, …, wrap(handler, name)) or,
// over a table, wrapToolHandler(t.handler, t.name). The wrapper's arguments
// are kept so the wrapped function is the handler, as an inline function
// passed to a wrapper is (wrappedFunc).

func (e *extractor) noteRegistrationArgs(argsNode int32) {
	if argsNode < 0 {
		return
	}
	if e.regArgs == nil {
		e.regArgs = map[int32]bool{}
	}
	e.regArgs[argsNode] = true
}

// keepWrapperArgs remembers the arguments of call n when it is itself an
// argument of a registration.
func (e *extractor) keepWrapperArgs(n int32, args []argVal) {
	if len(e.regArgs) == 0 || len(args) == 0 {
		return
	}
	if p := e.t.nodes[n].Parent; p < 0 || !e.regArgs[p] {
		return
	}
	if e.wrapperArgs == nil {
		e.wrapperArgs = map[int32][]argVal{}
	}
	e.wrapperArgs[n] = args
}

// unwrapHandler returns the function a wrapper call passes on (its first
// argument that is a function of this file or a table's handlers), else a.
func (e *extractor) unwrapHandler(a argVal) argVal {
	h := e.unwrapCallee(a.node)
	if h < 0 || e.t.k(h) != kCall {
		return a
	}
	for _, in := range e.wrapperArgs[h] {
		if in.v.fnp > 0 || in.v.each != nil && !in.v.byName {
			return in
		}
	}
	return a
}

// maxAlts bounds the functions one call through a table may reach; a
// larger table is cut, and the call noted too deep.
const maxAlts = 512

// tableFuncs lists the functions (index + 1) stored as obj's properties,
// in source order; nil when none is a function.
func tableFuncs(obj val) []int32 {
	alts := slices.Clone(obj.alts)
	for _, p := range obj.props {
		if p.v.fnp > 0 {
			alts = append(alts, p.v.fnp)
		}
		alts = append(alts, p.v.alts...)
	}
	if len(alts) == 0 {
		return nil
	}
	slices.Sort(alts)
	return slices.Compact(alts)
}

// altCalls records a call of a value picked from a table of functions
// (cv.alts) as a call of each of them: the table is indexed by a computed
// key, so any of them may run with these arguments.
func (e *extractor) altCalls(n, calleeNode int32, cv val, args []argVal, c *ctx) {
	for i, fp := range cv.alts {
		if i == maxAlts {
			e.f.NoteTooDeep(e.span(n))
			return
		}
		fn := fp - 1
		e.localCall(n, c, facts.Callee{Kind: "local", Name: e.f.Functions[fn].Name, Func: int(fn), Span: e.span(calleeNode)}, args, nil)
	}
}
