package link

import (
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// Registration helpers (Go): a registration inside a function that names
// the tool by its parameter (facts.ToolTable with no NameProp) is one tool
// per call of that function, named by the literal or constant the caller
// passes and run by the function it passes as HandlerParam. A caller that
// passes its own parameters on (a helper calling a helper) is followed to
// its callers, up to maxHelperDepth steps.

const maxHelperDepth = 4

// helperSite is a function whose parameters name a tool (param) and hold
// its handler (handler, -1 none), to be read at each of its calls.
type helperSite struct {
	fn             fnID
	param, handler int
	depth          int
}

// helperElems lists the tools of registration ti inside a helper. partial
// is set when some call passes a name that is no literal: that call's tool
// is then the registration's own, unresolved, run by the handler the first
// such call passes (other, -1 none).
func (ix *index) helperElems(ti toolInfo) (out []tableElem, partial bool, other fnID) {
	tb := ti.t.Table
	other = -1
	if tb.Fn <= 0 || tb.Fn >= len(ix.files[ti.file].Functions) {
		return nil, true, other
	}
	queue := []helperSite{{fn: ix.base[ti.file] + fnID(tb.Fn), param: tb.Param, handler: tb.HandlerParam - 1}}
	seen := map[helperSite]bool{}
	for len(queue) > 0 {
		hs := queue[0]
		queue = queue[1:]
		key := hs
		key.depth = 0
		if seen[key] {
			continue
		}
		seen[key] = true
		for _, cs := range ix.callers[hs.fn] {
			if len(out) > maxTableTools {
				return nil, true, -1
			}
			if hs.param >= len(cs.args) {
				partial = true
				continue
			}
			cf := int(ix.owner[cs.caller])
			a := &cs.args[hs.param]
			var h *facts.Arg
			if hs.handler >= 0 && hs.handler < len(cs.args) {
				h = &cs.args[hs.handler]
			}
			if a.Pass && len(a.Refs) == 1 && len(a.Refs[0].Path) == 0 && hs.depth < maxHelperDepth {
				// addTool(s, name, h) inside another helper: its callers name the tool.
				r := a.Refs[0]
				next := helperSite{fn: ix.base[cf] + fnID(r.Fn), param: r.Param, handler: -1, depth: hs.depth + 1}
				if h != nil && h.Pass && len(h.Refs) == 1 && h.Refs[0].Fn == r.Fn && len(h.Refs[0].Path) == 0 {
					next.handler = h.Refs[0].Param
				}
				if r.Fn > 0 && r.Fn < len(ix.files[cf].Functions) {
					queue = append(queue, next)
					continue
				}
			}
			handler := fnID(-1)
			if h != nil && h.Func > 0 && h.Func < len(ix.files[cf].Functions) {
				handler = ix.base[cf] + fnID(h.Func)
			}
			name, ok := ix.helperName(cf, a)
			if !ok {
				if !partial {
					other = handler
				}
				partial = true
				continue
			}
			el := tableElem{name: name, handler: handler}
			if handler >= 0 {
				el.inputs = ti.t.Inputs
			}
			out = append(out, el)
		}
	}
	return out, partial, other
}

// helperName is the tool name argument a of a call in file cf: a literal,
// or a constant of the package or of another package of the module.
func (ix *index) helperName(cf int, a *facts.Arg) (string, bool) {
	switch {
	case a.Known && !a.Prefix && a.Env == "" && a.Value != "":
		return a.Value, true
	case a.Const != nil && a.Env == "" && a.Value == "" && !a.Prefix:
		vals, open := ix.goConstVals(cf, *a.Const, "", false, 0)
		if open || len(vals) != 1 || vals[0].prefix || vals[0].env != "" || vals[0].s == "" {
			return "", false
		}
		return vals[0].s, true
	}
	return "", false
}

// maxBoundNesting bounds the closures between a handler factory and a
// method call on its parameter.
const maxBoundNesting = 16

// boundTargets lists, for a tool of file whose handler is factory to
// given instances of types of other packages of the module (binds, by
// argument: Tool.Binds), the methods of each instance's package named like
// the methods the factory and its closures call on the parameter holding
// it: e.Execute(…) in the closure of CreateToolHandler(e CommandExecutor,
// …) is that package's Execute. They are the tool's roots beside its
// handler, so they are that tool's alone.
func (ix *index) boundTargets(file int, binds []string, to fnID) []fnID {
	ix.tables = true // roots that depend on another file's calls: no graph link
	fi := int(ix.owner[to])
	fj := int(to - ix.base[fi])
	fns := ix.files[fi].Functions
	var out []fnID
	for g := range fns {
		if !nestedIn(fns, g, fj) {
			continue
		}
		for _, lc := range fns[g].LocalCalls {
			if lc.Callee.Kind != "method" || len(lc.Receiver) != 1 || lc.Receiver[0].Fn != fj || len(lc.Receiver[0].Path) != 0 {
				continue
			}
			k := lc.Receiver[0].Param
			if k < 0 || k >= len(binds) || binds[k] == "" {
				continue
			}
			mod, _, _ := strings.Cut(binds[k], "\x00")
			if d := ix.goLocalDir(file, mod); d != "" {
				out = append(out, ix.goDirFuncs(d, lc.Callee.Name, "", true)...)
			}
		}
	}
	return out
}

// nestedIn reports whether function g is function f or a closure within it.
func nestedIn(fns []facts.Function, g, f int) bool {
	for n := 0; n < maxBoundNesting && g > 0 && g < len(fns); n++ {
		if g == f {
			return true
		}
		g = fns[g].Parent
	}
	return false
}
