package jsts

import (
	"bytes"
)

// A bundle that inlines the MCP SDK renames its schemas: the CallTool
// handler is registered as setRequestHandler(jt, async (e) => …) where
//
//	const jt = R.extend({ method: i.literal("tools/call"), params: … })
//
// The schema is known by the method literal it is built with, whatever its
// name. noteToolsCallSchema records such names while declaring; the
// registrations whose schema is a plain identifier wait in
// maybeDispatch until every declaration is seen (the schema may be
// declared after the code registering the handler).

// maxSchemaClimb bounds the nodes walked up from the literal to the
// declaration: the object, its call, and a few chained calls
// (`.extend(…).passthrough()`).
const maxSchemaClimb = 12

type maybeDispatch struct {
	schema string
	call   int32
	sc     *scope
}

// noteToolsCallSchema records the name a `X.literal("tools/call")` call,
// the value of a `method` property, is declared or assigned to.
func (e *extractor) noteToolsCallSchema(n int32) {
	t := e.t
	fn := t.child(n, "function")
	if fn < 0 || t.k(fn) != kMember || !bytes.Equal(e.bytesOf(t.child(fn, "property")), []byte("literal")) {
		return
	}
	args := t.child(n, "arguments")
	if args < 0 {
		return
	}
	a := t.firstNamed(args)
	if a < 0 || t.k(a) != kString {
		return
	}
	if s, ok := decodeString(e.bytesOf(a)); !ok || s != "tools/call" {
		return
	}
	pair := t.nodes[n].Parent
	if pair < 0 || t.k(pair) != kPair || e.propKey(t.child(pair, "key")) != "method" {
		return
	}
	for p, i := t.nodes[pair].Parent, 0; p >= 0 && i < maxSchemaClimb; p, i = t.nodes[p].Parent, i+1 {
		switch t.k(p) {
		case kObject, kArguments, kCall, kMember, kParen:
			continue
		case kDeclarator:
			if name := t.child(p, "name"); name >= 0 && t.k(name) == kIdentifier {
				e.noteSchemaName(e.text(name))
			}
		case kAssign:
			if left := t.child(p, "left"); left >= 0 && t.k(left) == kIdentifier {
				e.noteSchemaName(e.text(left))
			}
		}
		return
	}
}

func (e *extractor) noteSchemaName(name string) {
	if e.toolsCallSchemas == nil {
		e.toolsCallSchemas = map[string]bool{}
	}
	e.toolsCallSchemas[name] = true
}

// resolveBundledDispatch marks the handlers registered with a schema that
// noteToolsCallSchema found.
func (e *extractor) resolveBundledDispatch() {
	for _, m := range e.maybeDispatch {
		if !e.toolsCallSchemas[m.schema] {
			continue
		}
		args := e.t.namedChildren(e.t.child(m.call, "arguments"), nil)
		if len(args) >= 2 {
			e.noteHandler(e.unwrapCallee(args[len(args)-1]), m.sc, true, stdDispatch)
		}
	}
}
