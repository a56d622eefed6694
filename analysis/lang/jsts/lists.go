package jsts

import (
	"strconv"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// Tool tables across files: servers keep one object per tool in its own
// module and register them in a loop elsewhere:
//
//	pdf.js     export const generatePdf = { name: "generate_pdf", handler: async (key, args) => … }
//	           export const pdfTools = [generatePdf, htmlToPdf]
//	index.js   export const tools = [...templateTools, ...pdfTools]
//	server.js  for (const tool of tools) server.tool(tool.name, d, s, async (args) => tool.handler(key, args))
//
// The files listing the tools record their arrays (File.Lists) and the
// string and function properties of their constant objects (Constants and
// Exports "generatePdf.name", "generatePdf.handler"); the registration
// records where its elements come from (Tool.Table). The link walks the
// lists to one tool per object.

// tableRef is a loop item (prop "") or a property of it, over the array
// Name of project module Mod ("" for a list of this file).
type tableRef struct {
	mod, name, prop string
	// keyed: a handler picked from the object by the tool name
	// (handlers[name], keyed.go).
	keyed bool
	// find is the property a dispatcher found the element by, equal to the
	// tool name (tools.find((t) => t.name === name), found.go).
	find string
}

// tableCall is a method call on a loop item (table) or on a parameter
// (param) inside a function: the property called and the argument that
// passes the function's first parameter on unchanged (-1 when none does).
type tableCall struct {
	table *tableRef
	param facts.ParamRef
	prop  string
	input int
}

// paramItem reports whether v is a parameter itself, unchanged (a tool
// object a registering function is given).
func paramItem(v val) (facts.ParamRef, bool) {
	if !v.direct || len(v.taint) != 1 || v.taint[0].Param < 0 || len(v.taint[0].Path) != 0 {
		return facts.ParamRef{}, false
	}
	return v.taint[0], true
}

// paramProp reports whether v is property prop of a parameter, unchanged.
func paramProp(v val) (facts.ParamRef, string, bool) {
	if !v.direct || len(v.taint) != 1 || v.taint[0].Param < 0 || len(v.taint[0].Path) != 1 {
		return facts.ParamRef{}, "", false
	}
	r := v.taint[0]
	return facts.ParamRef{Fn: r.Fn, Param: r.Param}, r.Path[0], true
}

// tableOf is the array a loop over v iterates when its elements are not
// known in this file: an import of a project file, or a list of this file
// with elements from other files.
func tableOf(v val) *tableRef {
	if v.list != "" {
		return &tableRef{name: v.list}
	}
	if v.sym == nil || v.modRoot || v.sym.member == "" || strings.ContainsAny(v.sym.member, ".()[") || !relativeModule(v.sym.mod) {
		return nil
	}
	return &tableRef{mod: v.sym.mod, name: v.sym.member}
}

func relativeModule(m string) bool { return strings.HasPrefix(m, ".") || strings.HasPrefix(m, "/") }

// noteTableCall remembers `tool.handler(key, args)` on a loop item, for the
// registration whose handler makes it (tableTool).
func (e *extractor) noteTableCall(obj val, prop string, args []argVal, c *ctx) {
	if c.fn <= 0 {
		return
	}
	tc := tableCall{prop: prop, input: -1}
	switch r, ok := paramItem(obj); {
	case obj.table != nil && obj.table.prop == "":
		tc.table = obj.table
	case ok && r.Fn != int(c.fn):
		tc.param = r // tool.execute(args) on the enclosing function's parameter
	default:
		return
	}
	for i, a := range args {
		if a.v.direct && len(a.v.taint) == 1 && a.v.taint[0].Fn == int(c.fn) && a.v.taint[0].Param == 0 && len(a.v.taint[0].Path) == 0 {
			tc.input = i
			break
		}
	}
	if e.tableCalls == nil {
		e.tableCalls = map[int32][]tableCall{}
	}
	e.tableCalls[c.fn] = append(e.tableCalls[c.fn], tc)
}

// tableTool records a registration in a loop over an array of another
// file (or a list of this one): a tool per element, which the link names.
func (e *extractor) tableTool(n int32, first, last argVal, c *ctx) {
	ref := first.v.table
	tool := facts.Tool{NameExpr: string(compact(e.bytesOf(first.node))), SDK: facts.SDKTypeScript, Handler: -1, Dispatcher: -1,
		Inputs: []facts.ToolInput{{Index: 0}}, NameSpan: e.span(first.node), Span: e.span(n)}
	tb := &facts.ToolTable{Module: ref.mod, Name: ref.name, NameProp: ref.prop, InputArg: -1}
	switch h := last.v.table; {
	case h != nil && h.prop != "" && h.mod == ref.mod && h.name == ref.name:
		tb.HandlerProp = h.prop // server.tool(tool.name, …, tool.handler)
	case last.v.fnp > 0:
		tool.Handler = int(last.v.fn())
		// async (args) => tool.handler(key, args): the element's function
		// gets the input. Only when the wrapper calls one such function.
		if tcs := e.tableCalls[last.v.fn()]; len(tcs) == 1 && tcs[0].input >= 0 && tcs[0].input < 16 && tcs[0].table != nil &&
			tcs[0].table.mod == ref.mod && tcs[0].table.name == ref.name {
			tb.HandlerProp, tb.InputArg = tcs[0].prop, tcs[0].input
		}
	default:
		if !e.toolHandler(&tool, last.node, last.v, c) {
			return
		}
	}
	tool.Table = tb
	e.f.Tools = append(e.f.Tools, tool)
}

// list records a top-level constant array whose elements are not all
// known in this file (File.Lists), and marks its value so a loop over it
// is a tool table. Elements that are neither a name, a spread of one nor
// an object literal leave the list out: its tools could not all be known.
func (e *extractor) list(name string, v val, c *ctx) val {
	if v.elems == nil || v.cut || len(v.elems) > facts.MaxListElems {
		return v
	}
	t := e.t
	var els []facts.ListElem
	external := false // an element from another file, or a spread the loop cannot see through
	for i, p := range v.elems {
		n, spread := p.node, false
		if n >= 0 && t.k(n) == kSpread {
			for ch := t.nodes[n].First; ch >= 0; ch = t.nodes[ch].Next {
				if t.nodes[ch].Flags&flagNamed != 0 && t.k(ch) != kComment {
					n, spread = ch, true
					break
				}
			}
		}
		switch {
		case spread && n >= 0 && t.k(n) == kCall:
			// ...Object.values(ns): every tool object of a module.
			el, ok := e.namespaceValues(n, c)
			if !ok {
				return v
			}
			external = true
			els = append(els, el)
		case n >= 0 && t.k(n) == kIdentifier:
			el := facts.ListElem{Name: e.text(n), Spread: spread}
			external = external || spread
			if b, sc := c.sc.lookupScope(e.bytesOf(n)); b == nil || sc != e.module {
				return v
			} else if b.kind == bImport {
				if b.v.sym == nil || b.v.modRoot || !relativeModule(b.v.sym.mod) || strings.ContainsAny(b.v.sym.member, ".()[") {
					return v
				}
				el.Module, el.Name = b.v.sym.mod, b.v.sym.member
				if el.Name == "" {
					el.Name = "default"
				}
				external = true
			} else if b.v.list != "" {
				external = true
			}
			els = append(els, el)
		case n >= 0 && t.k(n) == kMember:
			// exports.readTool, tools_1.readTool (a CommonJS build's
			// require of another file).
			el, ok := e.memberElem(n, c)
			if !ok {
				return v
			}
			el.Spread = spread
			external = external || spread || el.Module != ""
			els = append(els, el)
		case !spread && (p.v.props != nil || p.v.made != nil):
			key := name + "." + strconv.Itoa(i)
			e.constant(key, objectProps(p.v))
			e.objectFuncs(key, objectProps(p.v))
			els = append(els, facts.ListElem{Name: key})
		default:
			return v
		}
	}
	if len(els) == 0 {
		return v
	}
	if e.f.Lists == nil {
		e.f.Lists = map[string][]facts.ListElem{}
	}
	e.f.Lists[name] = els
	if external {
		v.list = name // a loop here cannot see every element: the link walks the list
	}
	return v
}

// objectFuncs records the function properties of a top-level constant
// object as Exports "name.prop": a tool object's handler.
func (e *extractor) objectFuncs(name string, v val) {
	for k, p := range v.props {
		if p.v.fnp <= 0 || k == facts.OpenProps {
			continue
		}
		if e.f.Exports == nil {
			e.f.Exports = map[string]int{}
		}
		e.f.Exports[name+"."+k] = int(p.v.fn())
	}
}

// paramTableTool records a registration named by a property of a
// parameter (`function register(server, tool) { server.tool(tool.name, …) }`):
// a tool per object the callers pass, which the link names. name is the
// tool the registration would be without callers (its NameRef).
func (e *extractor) paramTableTool(n int32, first, last argVal, c *ctx) bool {
	r, prop, ok := paramProp(first.v)
	if !ok || r.Fn <= 0 || r.Param >= 16 {
		return false
	}
	_, ref, _ := e.toolName(first.node, first.v)
	tool := facts.Tool{NameRef: ref, SDK: facts.SDKTypeScript, Handler: -1, Dispatcher: -1,
		Inputs: []facts.ToolInput{{Index: 0}}, NameSpan: e.span(first.node), Span: e.span(n)}
	tb := &facts.ToolTable{NameProp: prop, InputArg: -1, Fn: r.Fn, Param: r.Param}
	hr, hp, hok := paramProp(last.v)
	switch {
	case hok && hr.Fn == r.Fn && hr.Param == r.Param:
		tb.HandlerProp = hp // server.tool(tool.name, …, tool.handler)
	case last.v.fnp > 0:
		tool.Handler = int(last.v.fn())
		if tcs := e.tableCalls[last.v.fn()]; len(tcs) == 1 && tcs[0].input >= 0 && tcs[0].input < 16 && tcs[0].table == nil &&
			tcs[0].param.Fn == r.Fn && tcs[0].param.Param == r.Param {
			tb.HandlerProp, tb.InputArg = tcs[0].prop, tcs[0].input
		}
	default:
		if !e.toolHandler(&tool, last.node, last.v, c) {
			return false
		}
	}
	tool.Table = tb
	e.f.Tools = append(e.f.Tools, tool)
	return true
}

// memberElem is the list element a member expression names: an export of
// this file (exports.x) or of a project file a namespace import or require
// binds (ns.x).
func (e *extractor) memberElem(n int32, c *ctx) (facts.ListElem, bool) {
	t := e.t
	obj, prop := t.child(n, "object"), t.child(n, "property")
	if obj < 0 || prop < 0 || t.k(obj) != kIdentifier {
		return facts.ListElem{}, false
	}
	name := e.text(prop)
	b, sc := c.sc.lookupScope(e.bytesOf(obj))
	switch {
	case b == nil && e.text(obj) == "exports":
		return facts.ListElem{Name: name}, true
	case b != nil && sc == e.module && b.v.modRoot && b.v.sym != nil && b.v.sym.member == "" && relativeModule(b.v.sym.mod):
		return facts.ListElem{Module: b.v.sym.mod, Name: name}, true
	}
	return facts.ListElem{}, false
}

// madeFrom is the properties of the object literal top-level call n of a
// project function (not a library's) passes first, when it names a tool
// (a string "name") and holds a function: a tool factory's definition.
func (e *extractor) madeFrom(n int32, v val) map[string]prop {
	if v.sym != nil && !relativeModule(v.sym.mod) {
		return nil
	}
	args := e.t.child(n, "arguments")
	if args < 0 {
		return nil
	}
	for a := e.t.nodes[args].First; a >= 0; a = e.t.nodes[a].Next {
		if e.t.nodes[a].Flags&flagNamed == 0 || e.t.k(a) == kComment {
			continue
		}
		props := e.topObjArgs[a]
		if p, ok := props["name"]; !ok || !p.v.known || p.v.prefix {
			return nil
		}
		for _, p := range props {
			if p.v.fnp > 0 {
				return props // a definition with its handler
			}
		}
		return nil
	}
	return nil
}

// objectProps is what a constant object's properties are for lists and
// constants: its own, or those of the definition a tool factory made it from.
func objectProps(v val) val {
	if v.props == nil && v.made != nil {
		return val{props: v.made}
	}
	return v
}

// namespaceValues is the list element of `Object.values(ns)` with ns a
// namespace import of a project file: all its tool objects (Name "*").
func (e *extractor) namespaceValues(n int32, c *ctx) (facts.ListElem, bool) {
	t := e.t
	fn, args := t.child(n, "function"), t.child(n, "arguments")
	if fn < 0 || args < 0 || string(compact(e.bytesOf(fn))) != "Object.values" {
		return facts.ListElem{}, false
	}
	var arg int32 = -1
	for a := t.nodes[args].First; a >= 0; a = t.nodes[a].Next {
		if t.nodes[a].Flags&flagNamed != 0 && t.k(a) != kComment {
			if arg >= 0 {
				return facts.ListElem{}, false
			}
			arg = a
		}
	}
	if arg < 0 || t.k(arg) != kIdentifier {
		return facts.ListElem{}, false
	}
	b, sc := c.sc.lookupScope(e.bytesOf(arg))
	if b == nil || sc != e.module || !b.v.modRoot || b.v.sym == nil || b.v.sym.member != "" || !relativeModule(b.v.sym.mod) {
		return facts.ListElem{}, false
	}
	return facts.ListElem{Module: b.v.sym.mod, Name: "*", Spread: true}, true
}
