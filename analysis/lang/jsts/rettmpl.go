package jsts

import "bytes"

// retTmpl is what a URL helper returns when every return of it gives the
// same literal text followed by one of its own parameters, unchanged:
// buildURL(path) { return `${this.baseUrl}${path}` } with baseUrl a
// literal, or `"https://api.x.com" + path`. A call of it then holds that
// text followed by the argument the call passes, so a caller's literal
// path ("/v1/items") ends the origin and names the host, and a caller's own
// parameter becomes the value's tail (facts.Arg.Tail), followed by the link.
// Any other return (tool input, another text, another parameter, a
// computed value) leaves the helper's result as before: nothing is claimed.
type retTmpl struct {
	str   string
	env   string // str starts with this environment variable's default
	param int
	bad   bool
	done  bool // the function's evaluation ended: every return was seen
}

// noteReturnTmpl folds a return of fn giving v into fn's template.
func (e *extractor) noteReturnTmpl(fn int32, v val) {
	ok := v.known && v.prefix && v.str != "" && v.tail != nil && v.tail.Fn == int(fn) &&
		v.tail.Param >= 0 && len(v.tail.Path) == 0 && v.cref == nil && v.lead == nil && v.dflt == "" &&
		!e.restParam(fn, v.tail.Param)
	if e.retTmpl == nil {
		e.retTmpl = map[int32]retTmpl{}
	}
	t, seen := e.retTmpl[fn]
	switch {
	case !seen && ok:
		t = retTmpl{str: v.str, env: v.env, param: v.tail.Param}
	case !ok || t.str != v.str || t.env != v.env || t.param != v.tail.Param:
		t.bad = true
	}
	e.retTmpl[fn] = t
}

// endReturnTmpl marks fn's template complete once its body is evaluated.
func (e *extractor) endReturnTmpl(fn int32) {
	if t, ok := e.retTmpl[fn]; ok {
		t.done = true
		e.retTmpl[fn] = t
	}
}

// restParam reports whether parameter i of fn collects the rest of the
// arguments (...parts): argument i is then only its first element.
func (e *extractor) restParam(fn int32, i int) bool {
	if int(fn) >= len(e.fnNodes) || e.fnNodes[fn] < 0 {
		return true
	}
	ps := e.params(e.fnNodes[fn])
	return i >= len(ps) || bytes.HasPrefix(bytes.TrimSpace(e.bytesOf(ps[i])), []byte("..."))
}

// withTemplate gives a call of fn passing args its value when fn's returns
// follow a template (retTmpl); result otherwise.
func (e *extractor) withTemplate(result val, fn int32, args []argVal, spread bool) val {
	t, ok := e.retTmpl[fn]
	if !ok || t.bad || !t.done || spread || t.param >= len(args) {
		return result
	}
	a := args[t.param].v
	r := val{taint: result.taint, str: t.str, known: true, prefix: true, env: t.env}
	switch {
	case a.known && a.cref == nil && a.lead == nil && a.dflt == "" && len(t.str)+len(a.str) <= maxValue:
		r.str, r.prefix = t.str+a.str, a.prefix
		if a.prefix {
			r.tail = a.tail
		}
		if r.env == "" {
			r.env = a.env // the path is an environment variable's default
		}
	default:
		r.tail = tailOf(a) // the caller's own parameter, passed on unchanged
	}
	return r
}

// pendingMethod notes method node m of the class being evaluated, with the
// class's context, until it is evaluated.
func (e *extractor) pendingMethod(m int32, cc *ctx) {
	if e.methodCtx == nil {
		e.methodCtx = map[int32]*ctx{}
	}
	e.methodCtx[m] = cc
}

// methodOnDemand evaluates a method of the class being evaluated that
// another method calls on `this` before the class body reached it
// (buildURL defined below the methods using it), as the class body would:
// after its fields and constructor, with the class's context. Its returned
// value is then known to the caller, and so are the fields it assigns
// (this.pool = mysql.createPool(…) in an ensurePool() the caller awaits),
// as when the method runs before the caller's next statement.
func (e *extractor) methodOnDemand(fn int32) {
	if fn <= 0 || int(fn) >= len(e.fnNodes) || e.evaluated(fn) {
		return
	}
	n := e.fnNodes[fn]
	cc, ok := e.methodCtx[n]
	if !ok {
		return
	}
	delete(e.methodCtx, n)
	e.function(n, cc)
}
