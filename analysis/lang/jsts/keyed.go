package jsts

import "github.com/mcpriv/mcpriv/analysis/facts"

// Keyed handler maps of another file: a dispatcher picks the handler by
// the tool name from an object a project file exports
//
//	import { toolHandlers } from "./handlers.js";
//	const handler = toolHandlers[request.params.name];
//	return handler(client, request.params.arguments);
//
// Each function property of that object is a tool of its key. The object
// is not known here, so the call is one Tool with a keyed Table that the
// link expands (analysis/link/keyedtables.go), or reports unresolved.

// keyedHandler is the value of obj[key] when obj is an import of a project
// file and key the tool name a dispatcher received.
func (e *extractor) keyedHandler(obj, key val, n int32, c *ctx) (val, bool) {
	if obj.sym == nil || c.dispatcher < 0 || !c.isToolName(key) {
		return val{}, false
	}
	tr := tableOf(obj)
	if tr == nil || tr.mod == "" {
		return val{}, false
	}
	if e.keyedExprs == nil {
		e.keyedExprs = map[tableRef]string{}
	}
	ref := tableRef{mod: tr.mod, name: tr.name, keyed: true}
	if _, ok := e.keyedExprs[ref]; !ok {
		e.keyedExprs[ref] = string(compact(e.bytesOf(n)))
	}
	return val{table: &ref, taint: obj.taint}, true
}

// keyedTools records the call, in a dispatcher, of a handler picked from
// a keyed map of another file: the tools are its function properties.
func (e *extractor) keyedTools(n int32, cv val, args []argVal, c *ctx) {
	inputs := e.handlerInputs(args, c)
	if len(inputs) == 0 {
		return
	}
	ref := cv.table
	e.f.Tools = append(e.f.Tools, facts.Tool{NameExpr: e.keyedExprs[*ref], NameSpan: e.span(n), Span: e.span(n),
		SDK: facts.SDKTypeScriptLowLevel, Handler: -1, Dispatcher: int(c.dispatcher), Inputs: inputs,
		Table: &facts.ToolTable{Module: ref.mod, Name: ref.name, Keyed: true, InputArg: -1}})
}
