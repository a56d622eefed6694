package jsts

import "github.com/mcpriv/mcpriv/analysis/facts"

// Array methods call their callback with each element: in
// `paths.map((p) => fs.readFile(p))` the callback's first parameter holds
// an element of paths, so it carries paths' taint besides its own
// parameter reference. Without it tool input stops at the callback, which
// the link sees as called with unknown arguments.

// elemTaint is the taint of an array's elements.
type elemTaint []facts.ParamRef

// elemMethods are the array methods whose callback's first parameter is an
// element of the array.
var elemMethods = map[string]bool{"forEach": true, "map": true, "flatMap": true, "filter": true, "some": true,
	"every": true, "find": true, "findIndex": true, "findLast": true, "findLastIndex": true}

// elemParam notes, for obj.method(callback, …) with obj tainted, the taint
// of the callback's first parameter (read when the callback is evaluated).
func (e *extractor) elemParam(method string, obj val, argsNode int32) {
	if !elemMethods[method] || len(obj.taint) == 0 || argsNode < 0 {
		return
	}
	if u := e.firstCallback(argsNode); u >= 0 {
		if e.elemArg == nil {
			e.elemArg = map[int32]elemTaint{}
		}
		e.elemArg[u] = obj.taint
	}
}

// firstCallback is the function written as the first argument of an
// argument list (an arrow or function expression), else -1.
func (e *extractor) firstCallback(argsNode int32) int32 {
	t := e.t
	for a := t.nodes[argsNode].First; a >= 0; a = t.nodes[a].Next {
		if t.nodes[a].Flags&flagNamed == 0 || t.k(a) == kComment {
			continue
		}
		if u := e.unwrapCallee(a); u >= 0 && (t.k(u) == kArrow || t.k(u) == kFunctionExpr) {
			return u
		}
		return -1 // only the first argument is the callback
	}
	return -1
}
