package python

import "github.com/mcpriv/mcpriv/analysis/facts"

// Handlers registered through a wrapper: `mcp.add_tool(partial(run, cfg),
// name="run")`, or a variable reassigned from a wrapper of a function of
// the file (`find = make_partial(find, {...})` then `mcp.tool(find,
// name="find")`). A wrapper runs the function it wraps, so the tool's code
// is that function's. functools.partial binds the leading positional and
// the keyword parameters it is given: those are no tool input.

// wrapped is a function of the file a call wraps, and what partial binds.
type wrapped struct {
	fn      int // -1: none
	partial bool
	pos     int             // leading positional parameters bound (partial)
	kw      map[string]bool // keyword parameters bound (partial)
}

// wrappedFn reads call as a wrapper of a function of the file: its first
// positional argument is one (or a value wrapping one).
func (e *extractor) wrappedFn(fc *fnCtx, call int32) wrapped {
	t := e.t
	w := wrapped{fn: -1}
	call = t.unparen(call)
	if t.typ(call) != "call" {
		return w
	}
	args := t.namedKids(t.field(call, "arguments"), nil)
	if len(args) == 0 || t.typ(args[0]) == "keyword_argument" || t.typ(args[0]) == "list_splat" || t.typ(args[0]) == "dictionary_splat" {
		return w
	}
	first := e.pureVal(fc, args[0])
	switch {
	case first.isFn:
		w.fn = first.fn
	case first.wraps > 0:
		w.fn = first.wraps - 1
	default:
		return w
	}
	if fu := t.unparen(t.field(call, "function")); t.typ(fu) == "attribute" && t.textEq(t.field(fu, "attribute"), "from_function") && e.fromFunction(call) < 0 {
		return wrapped{fn: -1} // Prompt.from_function(fn): no tool runs fn
	}
	f := e.pureVal(fc, t.field(call, "function"))
	if f.builtin != "" || f.sym && f.mod == "builtins" || f.lit || f.known {
		// str(fn), getattr(fn, …): a value about the function, not one running it.
		return wrapped{fn: -1}
	}
	if f.sym && f.mod == "functools" && f.mem == "partial" {
		w.partial = true
		for _, a := range args[1:] {
			switch t.typ(a) {
			case "keyword_argument":
				if w.kw == nil {
					w.kw = map[string]bool{}
				}
				w.kw[t.text(t.field(a, "name"))] = true
			case "comment":
			case "list_splat", "dictionary_splat":
				w.pos = 1 << 20 // which parameters are bound is not known: none is input
			default:
				w.pos++
			}
		}
	}
	return w
}

// dropBound removes from inputs the parameters partial w binds.
func (e *extractor) dropBound(inputs []facts.ToolInput, w wrapped) []facts.ToolInput {
	if !w.partial {
		return inputs
	}
	ps := e.params(e.fnNode[w.fn])
	var out []facts.ToolInput
	for _, in := range inputs {
		if in.Index < w.pos || in.Index < len(ps) && w.kw[e.t.text(ps[in.Index].name)] {
			continue
		}
		out = append(out, in)
	}
	return out
}
