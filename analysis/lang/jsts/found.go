package jsts

import "github.com/mcpriv/mcpriv/analysis/facts"

// Tools found by name in a list another file holds: a dispatcher finds the
// element whose name property is the tool name and calls its handler
//
//	import { tools } from "./tools.js";
//	const tool = tools.find((t) => t.name === request.params.name);
//	return tool.handler(client, request.params.arguments);
//
// The list is not known here (imported, or a list of this file with
// elements from other files), so the call is one Tool with a Table the
// link expands as it does a registration loop over that list: each
// element a tool named by the found property, handled by its function
// property called here.

// toolNameKeys are the properties a tool object of another file is found
// by: its elements are not seen here, so a find by any other property
// (t.description === name) is not taken for one.
var toolNameKeys = map[string]bool{"name": true, "toolName": true, "tool_name": true, "id": true}

// foundTools records the call of a found element's function property.
func (e *extractor) foundTools(n, calleeNode int32, cv val, args []argVal, c *ctx) {
	inputs := e.handlerInputs(args, c)
	if len(inputs) != 1 || inputs[0].Name != "" || len(inputs[0].Prefix) != 0 || inputs[0].Index >= 16 {
		return // the table passes the input on as one whole argument
	}
	ref := cv.table
	e.f.Tools = append(e.f.Tools, facts.Tool{NameExpr: string(compact(e.bytesOf(calleeNode))), NameSpan: e.span(n), Span: e.span(n),
		SDK: facts.SDKTypeScriptLowLevel, Handler: -1, Dispatcher: int(c.dispatcher), Inputs: inputs,
		Table: &facts.ToolTable{Module: ref.mod, Name: ref.name, NameProp: ref.find, HandlerProp: ref.prop, InputArg: inputs[0].Index}})
}
