package python

import (
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// Library calls that run a function argument with the arguments after it,
// on another thread or process: asyncio.to_thread(f, *args, **kwargs),
// loop.run_in_executor(executor, f, *args), executor.submit(f, *args),
// anyio.to_thread.run_sync(f, *args). Without them a handler that moves its
// blocking work off the event loop (9 of 39 dev Python servers) hands the
// work a value the link sees as a callback's unknown argument: the call is
// recorded as a call of f with those arguments too, so tool input reaches
// f's parameters, and a library f (subprocess.run) is a call of it.

// forwardArg is the index of the function argument of library member
// mod.mem when the call runs it with the arguments after it, else -1.
func forwardArg(mod, mem string) int {
	// import concurrent.futures binds "concurrent": the module is then
	// part of the member path.
	sym := mod + "." + mem
	switch {
	case sym == "asyncio.to_thread", sym == "anyio.to_thread.run_sync",
		strings.HasPrefix(sym, "concurrent.futures.") && (strings.HasSuffix(sym, "ThreadPoolExecutor().submit") || strings.HasSuffix(sym, "ProcessPoolExecutor().submit")):
		return 0
	case mod == "asyncio" && strings.HasSuffix(mem, "().run_in_executor"):
		return 1
	}
	return -1
}

// forward records the call of the function argument of a forwardArg call
// n of mod.mem, whose arguments are al.
func (e *extractor) forward(fc *fnCtx, mod, mem string, n int32, al argList) {
	k := forwardArg(mod, mem)
	if k < 0 || k >= len(al.posV) || k >= len(al.args) {
		return
	}
	for _, p := range al.pos[:k+1] {
		if e.t.typ(p) == "list_splat" {
			return // *xs before the function: which argument it is is not known
		}
	}
	f, fnNode := al.posV[k], al.pos[k]
	rest := argList{args: al.args[k+1:], pos: al.pos[k+1:], posV: al.posV[k+1:], kw: al.kw, spread: al.spread}
	for _, v := range rest.posV {
		rest.refs = union(rest.refs, v.refs)
	}
	sp := e.span(fnNode)
	switch {
	case f.isFn:
		e.emitLocal(fc, facts.Callee{Kind: "local", Name: e.f.Functions[f.fn].Name, Func: f.fn, Span: sp}, rest, nil, n, -1, false)
	case f.meth != "":
		recv := f.refs
		if t := e.t; t.typ(t.unparen(fnNode)) == "attribute" {
			if o := e.pureVal(fc, t.field(t.unparen(fnNode), "object")); o.self {
				// The caller's own receiver: the callee's self.x paths continue from it.
				recv = []facts.ParamRef{{Fn: fc.decl, Param: -1}}
			}
		}
		e.emitLocal(fc, facts.Callee{Kind: "method", Name: f.meth, Class: f.cls, Func: e.resolveMethod(f.cls, f.meth), Span: sp}, rest, recv, n, fnNode, true)
	case f.sym && forwardArg(f.mod, f.mem) < 0:
		e.emitCall(fc, f.mod, f.mem, n, fnNode, rest.args, rest.spread)
	}
}
