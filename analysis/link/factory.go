package link

import (
	"github.com/mcpriv/mcpriv/analysis/facts"
)

// Go handler factories: `s.AddTool(tool, tools.HandleRead(root))` registers
// the closure HandleRead returns, and the model's input reaches that
// closure's request parameter, not the factory's parameters (its
// configuration, which the extractor gives no Inputs). The closure is the
// factory's one anonymous function literal of at least two parameters
// declared directly in it; it becomes a taint root of the tool, with the
// inputs a handler of its shape has. A factory with two such closures is
// not guessed at. Only function heads decide (name, parent, parameters),
// which a graph link keeps: it may share the tools and roots it had.

// factoryClosure sets ti.closure and ti.closureIn for a Go tool whose
// handler is a factory.
func (ix *index) factoryClosure(ti *toolInfo) {
	ti.closure = -1
	if ti.handler < 0 || ti.dispatcher >= 0 || len(ti.toolInputs()) > 0 {
		return
	}
	fi := int(ix.owner[ti.handler])
	f := ix.files[fi]
	if !ix.langs[fi].HandlerFactories() {
		return
	}
	local := int(ti.handler - ix.base[fi])
	found := -1
	for g := local + 1; g < len(f.Functions); g++ {
		gf := &f.Functions[g]
		if gf.Parent != local || gf.Name != "" || len(gf.Params) < 2 {
			continue
		}
		if found >= 0 {
			return // two closures: which one is registered is not known
		}
		found = g
	}
	if found < 0 {
		return
	}
	n := len(f.Functions[found].Params)
	in := facts.ToolInput{Index: 1, Prefix: []string{"Params", "Arguments"}}
	if ti.t.SDK == facts.SDKMCPGolang || n >= 3 {
		// Typed handlers take the decoded arguments last, as the
		// extractor's own typed tools (golang.tools).
		in = facts.ToolInput{Index: n - 1}
	}
	ti.closure = ix.base[fi] + fnID(found)
	ti.closureIn = []facts.ToolInput{in}
}

// inputsAt are the parameters of root function fn carrying the tool's
// input: the registered closure's for a factory's tool.
func (ti *toolInfo) inputsAt(fn fnID) []facts.ToolInput {
	if fn == ti.closure && ti.closure >= 0 {
		return ti.closureIn
	}
	return ti.toolInputs()
}

// typedByRef gives a Go tool whose handler the index resolved by name (a
// method value or function of another file: m.HandleReconcile) the inputs
// of a typed handler when that function takes three or more parameters:
// the extractor, not seeing it, assumed the untyped (ctx, request) shape,
// whose input is request.Params.Arguments; a typed handler (ctx, req,
// args T) takes the decoded arguments last, as golang.tools decides for
// handlers it sees.
func (ix *index) typedByRef(ti *toolInfo) {
	if ti.handler < 0 || ti.t.Handler >= 0 || ti.inputs != nil || ti.dispatcher >= 0 {
		return
	}
	fi := int(ix.owner[ti.handler])
	if !ix.langs[fi].HandlerFactories() || !untypedInput(ti.t.Inputs) {
		return
	}
	if n := len(ix.files[fi].Functions[ti.handler-ix.base[fi]].Params); n >= 3 {
		ti.inputs = []facts.ToolInput{{Index: n - 1}}
	}
}

// untypedInput reports whether ins is the untyped Go handler's input alone.
func untypedInput(ins []facts.ToolInput) bool {
	return len(ins) == 1 && ins[0].Index == 1 && ins[0].Name == "" &&
		len(ins[0].Prefix) == 2 && ins[0].Prefix[0] == "Params" && ins[0].Prefix[1] == "Arguments"
}
