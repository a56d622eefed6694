package golang

import (
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// Named tables: servers that keep their tools as rows of names and
// handlers and build the SDK's definitions in a loop,
//
//	defs := []spec{{"read_memory", "reads memory", s.handleRead}, …}
//	for _, d := range defs { s.AddTool(mcp.NewTool(d.name, …), d.handler) }
//	byName := map[string]server.ToolHandlerFunc{"env_get": s.handleEnv}
//	for name, h := range byName { s.AddTool(mcp.NewTool(name), h) }
//
// A row is any struct literal with a literal string field and a handler
// field: Route{Name, Handler} looks the same, so a row is no tool until a
// registration builds a tool definition from one of its fields. Each row
// then is one tool, named by that field and run by the handler the
// registration selects from the same row.

const (
	// kvKey and kvValue are the fields of a map entry row: the key and
	// the value. No Go identifier spells them.
	kvKey   = "\x00key"
	kvValue = "\x00value"
)

// namedRow returns fields when they make a row: a struct literal with a
// handler field (see handlerField) or a handler factory's result
// ({"read", handleRead(client)}); nil otherwise. Its name may be no
// literal: that row's tool is then unresolved, never left out.
func namedRow(fields map[string]val) map[string]val {
	if len(fields) == 0 {
		return nil
	}
	if handlerField(fields) != "" {
		return fields
	}
	for _, v := range fields {
		if isFactoryResult(v) {
			return fields
		}
	}
	return nil
}

// otherRows is the items of a table literal with rows in it once n
// elements that are no rows (a call's result, a variable) are added: each
// stands for a row none of whose fields is known, so a registration over
// the table reports its tool as unresolved rather than dropping it.
func otherRows(items []val, n int) []val {
	rows := false
	for _, it := range items {
		rows = rows || it.fields != nil
	}
	for ; rows && n > 0 && len(items) < maxTools; n-- {
		row := unknown()
		row.fields = map[string]val{}
		items = append(items, row)
	}
	return items
}

// positionalFields maps the elements of a positional struct literal to the
// struct's field names; nil when they do not match.
func positionalFields(positional []val, names []string) map[string]val {
	if len(positional) == 0 || len(positional) > len(names) {
		return nil
	}
	fields := make(map[string]val, len(positional))
	for i, v := range positional {
		fields[names[i]] = v
	}
	return fields
}

// kvRow is the row of a map entry "name": handler, or false when the key
// is no literal string or the value no handler.
func kvRow(key, value val) (val, bool) {
	if !key.known || key.prefix || key.str == "" || value.tool != nil ||
		!isHandler(value) && !otherPackageMethod(value) && !otherPackageFunc(value) && !isFactoryResult(value) {
		return val{}, false
	}
	row := unknown()
	row.fields = map[string]val{kvKey: key, kvValue: value}
	return row, true
}

// kvRows reports whether every item of v is a map entry row.
func kvRows(v val) bool {
	for _, it := range v.items {
		if _, ok := it.fields[kvKey]; !ok {
			return false
		}
	}
	return len(v.items) > 0
}

// eachTool is the value of a tool definition whose name is a field of
// each row of a table (mcp.NewTool(d.name, …) in a loop over rows): a
// definition per row, any one of them. false when no row names the tool
// with a literal: the definition then stays one, unresolved.
func (x *extractor) eachTool(name val, at source.Span, def func() *toolDef) (val, bool) {
	if !name.each {
		return val{}, false
	}
	named := false
	for _, it := range name.items {
		named = named || it.known && !it.prefix
	}
	if !named {
		return val{}, false
	}
	out := unknown()
	out.each, out.cut, out.refs = true, name.cut, name.refs
	out.items = make([]val, 0, len(name.items))
	for _, it := range name.items {
		td := def()
		x.toolName(td, it, at)
		item := unknown()
		item.tool = td
		out.items = append(out.items, item)
	}
	return out, true
}

// selectRow is field name of a table row (nil fields: not a row).
func selectRow(it val, name string) (val, bool) {
	if it.fields == nil {
		return val{}, false
	}
	v, ok := it.fields[name]
	return v, ok
}

// Registration helpers: a function of the project that registers a tool
// named by its parameter,
//
//	func addTool(s *server.MCPServer, name, desc string, h server.ToolHandlerFunc) {
//		s.AddTool(mcp.NewTool(name, mcp.WithDescription(desc)), h)
//	}
//	addTool(s, "read_file", "…", handleRead)
//
// registers one tool per call. The extractor sees only the helper: it
// records which parameters hold the name and the handler (a ToolTable
// with no NameProp), and the link names a tool per caller's literal.

// paramOf is the parameter v is, passed on unchanged; nil when v is not one.
func paramOf(v val) *facts.ParamRef {
	if !v.direct || len(v.refs) != 1 || len(v.refs[0].Path) != 0 || v.refs[0].Param < 0 || v.refs[0].Fn <= 0 {
		return nil
	}
	r := v.refs[0]
	return &r
}

// helperTable is the table of a registration inside a helper whose name is
// the helper's parameter; nil otherwise.
func helperTable(td *toolDef, h val) *facts.ToolTable {
	p := td.nameParam
	if p == nil || p.Param >= maxHelperParams {
		return nil
	}
	tb := &facts.ToolTable{Fn: p.Fn, Param: p.Param, InputArg: -1}
	if hp := paramOf(h); hp != nil && hp.Fn == p.Fn && hp.Param < maxHelperParams {
		tb.HandlerParam = hp.Param + 1
	}
	return tb
}

// maxHelperParams bounds the parameters a registration helper's name and
// handler may be (facts.ToolTable.HandlerParam's range).
const maxHelperParams = 16

// A helper's handler named outside this file (s.addTool("host", h.Host),
// s.addTool("rm", s.hs.Remove), addTool(s, "mk", h.MakeHandler(dir))) is
// no function of the file an argument can point to: such an argument
// points to a stub standing for it, which calls it and nothing else, so
// the link runs it for the tool the call names. Only calls of a helper of
// this file (a function holding a registration named by its parameter)
// get stubs: a function value passed elsewhere says nothing of when it
// runs.

// pendingStub is a function argument of a call of a project function of
// this package that names a function outside this file: LocalCalls[lc]
// of function fn (-1: of a call of another package), argument arg.
type pendingStub struct {
	fn, lc, arg int
	callee      facts.Callee
	factory     bool
}

// noteStubs records the function arguments of a local call (args, of
// values vals, the call being the last LocalCall of function fn) that
// name functions outside this file, when the call passes a literal string
// too: the shape of a registration helper's call.
func (x *extractor) noteStubs(fn int, args []facts.Arg, vals []val, at source.Span) {
	named := false
	for _, v := range vals {
		named = named || v.known && !v.prefix && v.str != ""
	}
	if !named || len(x.pending) >= maxStubs {
		return
	}
	for i, v := range vals {
		if args[i].Func >= 0 || args[i].Known {
			continue
		}
		if callee, ok := x.calleeOf(v, at); ok {
			x.pending = append(x.pending, pendingStub{fn: fn, lc: len(x.f.Functions[fn].LocalCalls), arg: i, callee: callee, factory: isFactoryResult(v)})
		}
	}
}

// moduleStubs points the function arguments of a call of another package
// of the module (args, of values vals) to stubs at once when they are
// named as handlers (HandleRead, handlers.Handler(), h.handleRead): the
// helper there cannot be seen, and a handler passed on runs for something.
func (x *extractor) moduleStubs(args []facts.Arg, vals []val, at source.Span) {
	named := false
	for _, v := range vals {
		named = named || v.known && !v.prefix && v.str != ""
	}
	if !named {
		return
	}
	for i, v := range vals {
		if args[i].Func >= 0 || args[i].Known || len(x.pending) >= maxStubs {
			continue
		}
		if callee, ok := x.calleeOf(v, at); ok && handlerNamed(callee.Name) {
			x.pending = append(x.pending, pendingStub{fn: -1, arg: i, callee: callee, factory: isFactoryResult(v)})
			args[i].Func = x.addStub(x.pending[len(x.pending)-1], at)
		}
	}
}

// handlerNamed reports whether a function's name says it handles a tool.
func handlerNamed(name string) bool {
	return strings.HasPrefix(name, "Handle") || strings.HasPrefix(name, "handle") || strings.Contains(name, "Handler")
}

// helperStubs points the pending arguments of calls of this file's
// registration helpers to stubs.
func (x *extractor) helperStubs() {
	helpers := map[int]bool{}
	for _, t := range x.f.Tools {
		if t.Table != nil && t.Table.Name == "" && t.Table.NameProp == "" {
			helpers[t.Table.Fn] = true
		}
	}
	if len(helpers) == 0 {
		return
	}
	for _, p := range x.pending {
		if p.fn < 0 {
			continue // a module call's, added at once
		}
		lc := &x.f.Functions[p.fn].LocalCalls[p.lc]
		if helpers[x.localTarget(lc.Callee)] {
			lc.Args[p.arg].Func = x.addStub(p, lc.Span)
		}
	}
}

// addStub adds the stub of pending argument p and returns its index.
func (x *extractor) addStub(p pendingStub, at source.Span) int {
	idx := len(x.f.Functions)
	label := p.callee.Name
	if p.callee.Class != "" {
		label = p.callee.Class + "." + label
	}
	stub := facts.Function{Name: "handler " + label, Parent: 0, Span: at, NameSpan: at}
	call := facts.LocalCall{Callee: p.callee, Span: at}
	if !p.factory {
		// The stub takes a handler's parameters and passes them on, so
		// tool input reaches the function it stands for. A factory's
		// parameters are its configuration: none.
		stub.Params = []string{"ctx", "req", "args"}
		for k := range stub.Params {
			call.Args = append(call.Args, facts.Arg{Func: -1, Refs: []facts.ParamRef{{Fn: idx, Param: k}}, Pass: true})
		}
	}
	stub.LocalCalls = []facts.LocalCall{call}
	x.f.Functions = append(x.f.Functions, stub)
	return idx
}

// localTarget is the function of this file a local call names, -1 none.
func (x *extractor) localTarget(c facts.Callee) int {
	switch {
	case c.Func > 0:
		return c.Func
	case c.Kind == "method" && c.Class != "" && c.Module == "":
		if idx, ok := x.methods[c.Class+"."+c.Name]; ok {
			return idx
		}
	case (c.Kind == "local" || c.Kind == "package") && c.Module == "":
		if idx, ok := x.funcs[c.Name]; ok {
			return idx
		}
	}
	return -1
}

// maxStubs bounds the stubs of one file.
const maxStubs = 1024

// calleeOf is the function value v names outside this file: a method
// value, a function of another file or package of the module, or the
// closure a handler factory there returns (the factory stands for it).
func (x *extractor) calleeOf(v val, at source.Span) (facts.Callee, bool) {
	switch {
	case v.fn >= 0:
		return facts.Callee{}, false
	case v.fnRef != nil:
		c := *v.fnRef
		c.Span = at
		return c, true
	case otherPackageMethod(v):
		recv, name := splitMethodValue(v.member)
		return facts.Callee{Kind: "method", Name: name, Class: recv, Module: v.mod, Func: -1, Span: at}, true
	case otherPackageFunc(v):
		return facts.Callee{Kind: "package", Name: v.member, Module: v.mod, Func: -1, Span: at}, true
	case isFactoryResult(v):
		mod, name, _ := handlerFactory(v)
		if idx, ok := x.funcs[name]; ok && mod == "" {
			return facts.Callee{Kind: "local", Name: name, Func: idx, Span: at}, true
		}
		return facts.Callee{Kind: "package", Name: name, Module: mod, Func: -1, Span: at}, true
	}
	return facts.Callee{}, false
}

// Handler factories given an implementation: servers pass a factory of
// their own an instance whose methods do the work, typed as an interface,
//
//	s.AddTool(opsTool, tools.CreateToolHandler(azaks.NewOpsExecutor(), cfg))
//	func CreateToolHandler(e CommandExecutor, …) server.ToolHandlerFunc {
//		return func(ctx, req) { … e.Execute(ctx, args, cfg) … }
//	}
//
// so which Execute runs depends on the registration. The tool records which
// instance each argument is (Tool.Binds, "module\x00NewOpsExecutor()"); the
// link resolves the factory's method calls on that parameter among the
// methods of the instance's package, for this tool alone
// (link/gohelpertools.go).

// factoryBinds lists, by argument, the instances of types of other
// packages of the module (made by a constructor there, or a composite
// literal of such a type); nil when there is none.
func factoryBinds(args []val) []string {
	var out []string
	for i, a := range args {
		name, ok := strings.CutSuffix(a.member, "()")
		if !ok || !projectPackage(a.mod) || name == "" || strings.ContainsAny(name, ".()") || a.fn >= 0 || a.fnRef != nil {
			continue
		}
		if out == nil {
			out = make([]string, len(args))
		}
		out[i] = a.mod + "\x00" + a.member
	}
	return out
}
