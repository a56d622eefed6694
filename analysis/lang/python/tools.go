package python

import (
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

const (
	sdkOfficial = facts.SDKPython
	sdkFastMCP  = facts.SDKFastMCP
	sdkLowLevel = facts.SDKPythonLowLevel
)

// decoratorAttr returns the attribute name and receiver of a decorator
// expression `@recv.attr` or `@recv.attr(...)`, plus the call node (-1 when bare).
func (e *extractor) decoratorAttr(dec int32) (attr string, recv, call int32) {
	t := e.t
	x := t.firstNamed(dec)
	call = -1
	if t.typ(x) == "call" {
		call = x
		x = t.field(x, "function")
	}
	if t.typ(x) != "attribute" {
		return "", -1, -1
	}
	return t.text(t.field(x, "attribute")), t.field(x, "object"), call
}

// dispatchers finds low-level `@server.call_tool()` handlers and turns each
// branch that tests the tool name into a synthetic function and a Tool.
func (e *extractor) dispatchers() {
	t := e.t
	for i := range t.n {
		if t.n[i].typ != "decorated_definition" {
			continue
		}
		def := t.field(int32(i), "definition")
		h, ok := e.fnOf[def]
		if !ok {
			continue
		}
		for c := t.n[i].first; c >= 0; c = t.n[c].next {
			if t.n[c].typ != "decorator" {
				continue
			}
			if attr, _, call := e.decoratorAttr(c); attr == "call_tool" && call >= 0 {
				e.dispatcher(h, def, c)
			}
		}
	}
}

func (e *extractor) dispatcher(h int, def, dec int32) {
	t := e.t
	ps := e.params(def)
	first := 0
	if e.f.Functions[h].Class != "" && len(ps) > 0 && t.text(ps[0].name) == "self" {
		first = 1
	}
	if len(ps) < first+1 {
		return
	}
	nameParam := t.text(ps[first].name)
	argIdx := first + 1
	body := t.field(def, "body")
	if body < 0 {
		return
	}
	var walk func(n int32, depth int)
	walk = func(n int32, depth int) {
		if depth > maxDepth {
			e.f.NoteTooDeep(e.span(n))
			return
		}
		for c := t.n[n].first; c >= 0; c = t.n[c].next {
			switch t.n[c].typ {
			case "function_definition", "class_definition", "lambda", "decorated_definition":
				continue
			case "if_statement":
				e.ifBranches(h, c, nameParam, argIdx, dec)
			case "match_statement":
				if subj := t.field(c, "subject"); t.textEq(t.unparen(subj), nameParam) {
					e.matchBranches(h, c, argIdx, dec)
				}
			}
			walk(c, depth+1)
		}
	}
	before := len(e.f.Tools)
	// `for t in TOOLS: if t.name == name:` first: its test is no tool name.
	e.loopDispatch(h, body, nameParam)
	if len(e.f.Tools) == before {
		walk(body, 0)
	}
	if len(e.f.Tools) == before {
		e.tableDispatch(h, def, body, nameParam)
	}
	if len(e.f.Tools) == before {
		e.registryDispatch(h, body, nameParam)
	}
	if len(e.f.Tools) == before {
		table, in := e.importedTable(h, body, nameParam)
		e.plain = append(e.plain, plainHandler{fn: h, argIdx: argIdx, dec: dec, table: table, tableArg: in})
	}
}

// tableDispatch reads `await HANDLERS[name](arguments)` where HANDLERS is
// a dict literal of tool names to functions, assigned in the handler or at
// module level: each entry is a tool whose Handler is the function.
func (e *extractor) tableDispatch(h int, def, body int32, nameParam string) {
	t := e.t
	var call int32 = -1
	var table string
	var find func(n int32, depth int)
	find = func(n int32, depth int) {
		if depth > maxDepth {
			e.f.NoteTooDeep(e.span(n))
			return
		}
		if call >= 0 {
			return
		}
		for c := t.n[n].first; c >= 0 && call < 0; c = t.n[c].next {
			switch t.n[c].typ {
			case "function_definition", "class_definition", "lambda", "decorated_definition":
				continue
			case "call":
				f := t.unparen(t.field(c, "function"))
				if t.typ(f) == "subscript" && t.typ(t.field(f, "value")) == "identifier" && t.textEq(t.unparen(t.field(f, "subscript")), nameParam) {
					call, table = c, t.text(t.field(f, "value"))
					return
				}
			}
			find(c, depth+1)
		}
	}
	find(body, 0)
	if call < 0 {
		return
	}
	dict := e.dictAssigned(body, table)
	if dict < 0 {
		dict = e.dictAssigned(0, table)
	}
	if dict < 0 {
		return
	}
	// Which argument of the call carries the tool input.
	in := -1
	spread := false
	for i, a := range t.namedKids(t.field(call, "arguments"), nil) {
		switch {
		case t.n[a].typ == "dictionary_splat" && t.textEq(t.firstNamed(a), e.f.Functions[h].Params[min(len(e.f.Functions[h].Params)-1, 1)]):
			spread = true
		case in < 0 && t.n[a].typ != "keyword_argument":
			ps := e.f.Functions[h].Params
			if len(ps) > 1 && t.textEq(a, ps[len(ps)-1]) {
				in = i
			}
		}
	}
	for _, p := range t.namedKids(dict, nil) {
		if t.n[p].typ != "pair" {
			continue
		}
		key, val := t.field(p, "key"), t.unparen(t.field(p, "value"))
		name, ref, ok := e.toolName(key)
		if !ok || (t.typ(val) != "identifier" && t.typ(val) != "lambda") {
			continue
		}
		fnName := t.text(val)
		idx := -1
		if t.typ(val) == "lambda" {
			idx, fnName = e.fnOf[val], ""
		}
		for j, fn := range e.f.Functions {
			if idx >= 0 {
				break
			}
			if fn.Name == fnName && e.fnNode[j] >= 0 && (fn.Parent == 0 || fn.Parent == h || fn.Parent == e.f.Functions[h].Parent) && fn.Class == "" {
				idx = j
				break
			}
		}
		tool := facts.Tool{Name: name, NameRef: ref, NameSpan: e.span(key), Span: e.span(p), SDK: sdkLowLevel, Handler: idx, Dispatcher: h}
		if idx < 0 {
			tool.HandlerRef = &facts.Callee{Kind: "local", Name: fnName, Func: -1, Span: e.span(val)}
		}
		switch {
		case in >= 0:
			tool.Inputs = []facts.ToolInput{{Index: in}}
		case spread && idx >= 0:
			for i, pn := range e.f.Functions[idx].Params {
				tool.Inputs = append(tool.Inputs, facts.ToolInput{Index: i, Name: pn})
			}
		}
		e.lowTools = append(e.lowTools, len(e.f.Tools))
		e.f.Tools = append(e.f.Tools, tool)
	}
}

// dictAssigned finds `name = {…}` directly in block and returns the dict node, or -1.
func (e *extractor) dictAssigned(block int32, name string) int32 {
	t := e.t
	for c := t.n[block].first; c >= 0; c = t.n[c].next {
		if t.n[c].typ != "expression_statement" {
			continue
		}
		a := t.firstNamed(c)
		if t.typ(a) == "assignment" && t.textEq(t.field(a, "left"), name) {
			if r := t.unparen(t.field(a, "right")); t.typ(r) == "dictionary" {
				return r
			}
		}
	}
	return -1
}

// plainTools gives a handler that never tests the tool name (a server with
// one tool, such as a fetch server) the tools list_tools declares.
func (e *extractor) plainTools() {
	if len(e.plain) != 1 {
		return // several handlers: which serves which tool is unknown
	}
	p := e.plain[0]
	if p.table != "" {
		e.tableTools(p)
		return
	}
	seen := map[string]bool{}
	for _, l := range e.listed {
		key := l.name + "\x00" + l.ref
		if seen[key] {
			continue
		}
		seen[key] = true
		e.lowTools = append(e.lowTools, len(e.f.Tools))
		e.f.Tools = append(e.f.Tools, facts.Tool{
			Name: l.name, NameRef: l.ref, NameSpan: l.span, Span: e.span(p.dec), SDK: sdkLowLevel,
			Handler: p.fn, Dispatcher: -1, Inputs: []facts.ToolInput{{Index: p.argIdx}},
		})
	}
}

// nameTest returns the tool-name expressions cond compares the name with:
// `name == X`, `X == name`, `name in ("a", "b")`.
func (e *extractor) nameTest(cond int32, nameParam string) []int32 {
	t := e.t
	cond = t.unparen(cond)
	if t.typ(cond) != "comparison_operator" {
		return nil
	}
	ks := t.namedKids(cond, nil)
	if len(ks) != 2 {
		return nil
	}
	switch e.operator(cond) {
	case "==":
		if t.textEq(ks[0], nameParam) {
			return ks[1:]
		}
		if t.textEq(ks[1], nameParam) {
			return ks[:1]
		}
	case "in":
		if seq := t.unparen(ks[1]); t.textEq(ks[0], nameParam) && (isSeq(t.typ(seq)) || t.typ(seq) == "set") {
			return t.namedKids(seq, nil)
		}
	}
	return nil
}

func (e *extractor) ifBranches(h int, ifn int32, nameParam string, argIdx int, dec int32) {
	t := e.t
	if xs := e.nameTest(t.field(ifn, "condition"), nameParam); len(xs) > 0 {
		e.branch(h, t.field(ifn, "consequence"), xs, argIdx, dec)
	}
	for c := t.n[ifn].first; c >= 0; c = t.n[c].next {
		if t.n[c].typ == "elif_clause" {
			if xs := e.nameTest(t.field(c, "condition"), nameParam); len(xs) > 0 {
				e.branch(h, t.field(c, "consequence"), xs, argIdx, dec)
			}
		}
	}
}

func (e *extractor) matchBranches(h int, m int32, argIdx int, dec int32) {
	t := e.t
	body := t.field(m, "body")
	if body < 0 {
		return
	}
	for c := t.n[body].first; c >= 0; c = t.n[c].next {
		if t.n[c].typ != "case_clause" {
			continue
		}
		var names []int32
		for p := t.n[c].first; p >= 0; p = t.n[p].next {
			if t.n[p].typ != "case_pattern" {
				continue
			}
			x := t.firstNamed(p)
			if t.typ(x) == "union_pattern" {
				names = append(names, t.namedKids(x, nil)...)
			} else if x >= 0 {
				names = append(names, x)
			}
		}
		if t.field(c, "guard") >= 0 || len(names) == 0 {
			continue
		}
		e.branch(h, t.field(c, "consequence"), names, argIdx, dec)
	}
}

// toolName resolves a tool-name expression: a literal, a constant of the
// file (NAME, Class.MEMBER, Class.MEMBER.value) or else a reference by text.
func (e *extractor) toolName(x int32) (name, ref string, ok bool) {
	t := e.t
	x = t.unparen(x)
	switch t.typ(x) {
	case "string", "concatenated_string":
		s, known := e.staticString(x, e.f.Constants, "")
		return s, "", known
	case "identifier", "attribute", "dotted_name":
		txt := strings.Join(strings.Fields(t.text(x)), "")
		txt = strings.TrimSuffix(txt, ".value")
		if v, found := e.f.Constants[txt]; found {
			return v, "", true
		}
		return "", txt, true
	}
	return "", "", false
}

func (e *extractor) branch(h int, body int32, names []int32, argIdx int, dec int32) {
	if body < 0 {
		return
	}
	if _, dup := e.branchFn[body]; dup {
		return
	}
	hf := e.f.Functions[h]
	idx := -1
	for _, x := range names {
		name, ref, ok := e.toolName(x)
		if !ok {
			continue
		}
		if idx < 0 {
			label := name
			if label == "" {
				label = ref
			}
			idx = len(e.f.Functions)
			e.f.Functions = append(e.f.Functions, facts.Function{
				Name: "case " + label, Class: hf.Class, Parent: h, Span: e.span(body),
				NameSpan: e.span(x), Params: append([]string(nil), hf.Params...),
			})
			e.fnNode = append(e.fnNode, -1)
			e.branchFn[body] = idx
		}
		e.lowTools = append(e.lowTools, len(e.f.Tools))
		e.f.Tools = append(e.f.Tools, facts.Tool{
			Name: name, NameRef: ref, NameSpan: e.span(x), Span: e.span(x), SDK: sdkLowLevel,
			Handler: idx, Dispatcher: h, Inputs: []facts.ToolInput{{Index: argIdx}},
		})
	}
}

// sdkOf classifies the receiver of `.tool`: "" when it is known not to be an
// MCP server (pydantic-ai's agent.tool, for instance).
func (e *extractor) sdkOf(fc *fnCtx, recv val) string {
	if recv.sym {
		// `try: from .app import mcp` / `except ImportError: mcp = None`:
		// the server when the import works, None (no tool) otherwise. The
		// None merged into the symbol is no object of this file's making.
		recv.known, recv.lit = false, false
	}
	if recv.cls != "" && recv.meth == "" {
		// self in, or an instance of, a class of this file: a server only
		// when the class derives from FastMCP.
		return e.classSDK(fc, recv.cls, 0)
	}
	if recv.self || recv.classDef != "" || recv.isFn || recv.lit || recv.known || recv.meth != "" {
		return "" // an object of this file's own making
	}
	if !recv.sym {
		return sdkFastMCP
	}
	if sdk := serverSDK(recv.mod, ""); sdk != "" {
		return sdk
	}
	if isServerClassName(lastMember(recv.mem)) || strings.HasPrefix(recv.mod, ".") {
		return sdkFastMCP
	}
	if strings.Contains(recv.mem, "(") {
		return "" // an instance a library made (pydantic-ai's Agent)
	}
	// A server object imported from a module the link must find among the
	// project's files (viaModule).
	return sdkFastMCP
}

// viaModule is the module a registration through recv depends on being the
// project's (facts.Tool.ViaModule), or "" when the registration stands alone.
func viaModule(recv val) string {
	if !recv.sym || serverSDK(recv.mod, "") != "" || strings.HasPrefix(recv.mod, ".") || isServerClassName(lastMember(recv.mem)) {
		return ""
	}
	return recv.mod
}

// markVia sets ViaModule on the tools recorded since before.
func (e *extractor) markVia(before int, via string) {
	for i := before; i < len(e.f.Tools); i++ {
		e.f.Tools[i].ViaModule = via
	}
}

// serverSDK is the SDK of the MCP package mod, or "". When class is given,
// it must also name that package's FastMCP server class.
func serverSDK(mod, class string) string {
	if class != "" && class != "FastMCP" && class != "MCPServer" {
		return ""
	}
	switch {
	case strings.HasPrefix(mod, "mcp.server.fastmcp"), strings.HasPrefix(mod, "mcp.server.mcpserver"), mod == "mcp" || strings.HasPrefix(mod, "mcp."):
		return sdkOfficial
	case mod == "fastmcp" || strings.HasPrefix(mod, "fastmcp."):
		return sdkFastMCP
	}
	return ""
}

// isServerClassName says a class name declares a FastMCP server class
// (GitGuardianFastMCP): the subclass itself may be defined in another
// package of a monorepo, out of this file's sight.
func isServerClassName(name string) bool {
	return strings.Contains(name, "FastMCP")
}

// lastMember is the last name of a member path, without a call's "()".
func lastMember(mem string) string {
	mem = strings.TrimSuffix(mem, "()")
	return mem[strings.LastIndexByte(mem, '.')+1:]
}

// classSDK is the SDK of the FastMCP server class cls of this file derives
// from (through bases of the file, at most a few deep), or "".
func (e *extractor) classSDK(fc *fnCtx, cls string, depth int) string {
	ci := e.classes[cls]
	if ci == nil || depth > 5 {
		return ""
	}
	for _, b := range ci.bases {
		if bc := e.classes[b]; bc != nil {
			if bc != ci {
				if sdk := e.classSDK(fc, b, depth+1); sdk != "" {
					return sdk
				}
			}
			continue
		}
		parts := strings.Split(b, ".")
		v := e.resolve(fc, strings.TrimSpace(parts[0]))
		for _, p := range parts[1:] {
			v = e.member(fc, v, strings.TrimSpace(p))
		}
		if !v.sym {
			continue
		}
		last := lastMember(v.mem)
		if sdk := serverSDK(v.mod, last); sdk != "" {
			return sdk
		}
		if isServerClassName(last) {
			return sdkFastMCP
		}
	}
	return ""
}

// projectDecorator records `@tool` / `@tool("name", …)` where tool is a
// function imported from a project module (the link checks it is one): the
// project's own registration decorator, which registers the function it
// decorates (by its name unless one is given).
func (e *extractor) projectDecorator(fc *fnCtx, dec, def int32) {
	t := e.t
	x := t.firstNamed(dec)
	call := int32(-1)
	if t.typ(x) == "call" {
		call = x
		x = t.field(x, "function")
	}
	if t.typ(x) != "identifier" {
		return
	}
	v := e.resolve(fc, t.text(x))
	if !v.sym || lastMember(v.mem) != "tool" || strings.Contains(v.mem, "(") || serverSDK(v.mod, "") != "" {
		return
	}
	idx, ok := e.fnOf[def]
	if !ok {
		return
	}
	before := len(e.f.Tools)
	e.fastTool(fc, sdkFastMCP, dec, idx, nil, e.f.Functions[idx].Name, e.f.Functions[idx].NameSpan, call, 0)
	if !strings.HasPrefix(v.mod, ".") {
		e.markVia(before, v.mod)
	}
}

// fastTool records a FastMCP registration. handler is the def/lambda
// function index or -1 with ref naming it; call is the `.tool(...)` /
// `.add_tool(...)` call node or -1; nameFromPos says the first positional
// argument (of `.tool("x")`) may be the name.
func (e *extractor) fastTool(fc *fnCtx, sdk string, spanNode int32, handler int, ref *facts.Callee, fnName string, fnNameSpan source.Span, call int32, skipPos int) {
	t := e.t
	tool := facts.Tool{Name: fnName, NameSpan: fnNameSpan, Span: e.span(spanNode), SDK: sdk, Handler: handler, HandlerRef: ref, Dispatcher: -1}
	if call >= 0 {
		args := t.field(call, "arguments")
		pos := 0
		for _, a := range t.namedKids(args, nil) {
			switch t.n[a].typ {
			case "keyword_argument":
				key := t.text(t.field(a, "name"))
				v := t.field(a, "value")
				switch key {
				case "name":
					e.setToolName(fc, &tool, v)
				case "annotations":
					e.annotations(fc, &tool, v)
				}
				if c := annotationKey(key); c != "" {
					e.annotation(&tool, c, v)
				}
			case "comment":
			default:
				if pos == skipPos && (t.n[a].typ == "string" || t.n[a].typ == "concatenated_string" || t.n[a].typ == "identifier") {
					if t.n[a].typ != "identifier" || e.isConstName(fc, a) {
						e.setToolName(fc, &tool, a)
					}
				}
				pos++
			}
		}
	}
	if handler >= 0 && e.fnNode[handler] >= 0 {
		tool.Inputs = e.toolInputs(handler)
	}
	e.f.Tools = append(e.f.Tools, tool)
}

func (e *extractor) isConstName(fc *fnCtx, a int32) bool {
	v := fc.scope.lookup(e.t.text(a))
	return v.known
}

func (e *extractor) setToolName(fc *fnCtx, tool *facts.Tool, v int32) {
	t := e.t
	v = t.unparen(v)
	tool.NameSpan = e.span(v)
	tool.Name, tool.NameRef, tool.NameExpr = "", "", ""
	switch t.typ(v) {
	case "string", "concatenated_string", "binary_operator":
		if s, ok := e.staticString(v, e.f.Constants, ""); ok {
			tool.Name = s
			return
		}
	case "identifier", "attribute":
		if x := fc.scope.lookup(t.text(v)); x.known && !x.prefix && t.n[v].typ == "identifier" {
			tool.Name = x.s
			return
		}
		if s, ok := e.f.Constants[strings.TrimSuffix(t.text(v), ".value")]; ok {
			tool.Name = s
			return
		}
	}
	ref := strings.TrimSuffix(strings.Join(strings.Fields(t.text(v)), ""), ".value")
	root, _, _ := strings.Cut(ref, ".")
	if t.typ(v) != "identifier" && t.typ(v) != "attribute" || root == "self" || root == "cls" || strings.ContainsAny(ref, "()[]") {
		// A call, a subscript, an instance's attribute: no constant of the
		// package is spelled so, the link reports it unresolved as written.
		tool.NameExpr = ref
		return
	}
	tool.NameRef = ref
}

// annotationKey maps an annotation keyword (camel or snake case) to its MCP name.
func annotationKey(k string) string {
	switch k {
	case "readOnlyHint", "read_only_hint", "readonly_hint":
		return "readOnlyHint"
	case "destructiveHint", "destructive_hint":
		return "destructiveHint"
	case "idempotentHint", "idempotent_hint":
		return "idempotentHint"
	case "openWorldHint", "open_world_hint":
		return "openWorldHint"
	}
	return ""
}

// annotations reads `ToolAnnotations(readOnlyHint=True, …)` or a dict literal.
func (e *extractor) annotations(fc *fnCtx, tool *facts.Tool, v int32) {
	t := e.t
	v = t.unparen(v)
	switch t.typ(v) {
	case "call":
		for _, a := range t.namedKids(t.field(v, "arguments"), nil) {
			if t.n[a].typ == "keyword_argument" {
				if k := annotationKey(t.text(t.field(a, "name"))); k != "" {
					e.annotation(tool, k, t.field(a, "value"))
				}
			}
		}
	case "dictionary":
		for _, p := range t.namedKids(v, nil) {
			if t.n[p].typ != "pair" {
				continue
			}
			key := t.field(p, "key")
			if ks, ok := e.staticString(key, nil, ""); ok {
				if k := annotationKey(ks); k != "" {
					e.annotation(tool, k, t.field(p, "value"))
				}
			}
		}
	}
}

func (e *extractor) annotation(tool *facts.Tool, key string, v int32) {
	t := e.t
	v = t.unparen(v)
	var b bool
	switch t.typ(v) {
	case "true":
		b = true
	case "false":
	default:
		return
	}
	if tool.Annotations == nil {
		tool.Annotations = map[string]bool{}
		tool.AnnotationSpans = map[string]source.Span{}
	}
	tool.Annotations[key] = b
	tool.AnnotationSpans[key] = e.span(v)
}

// toolInputs lists a FastMCP handler's input parameters: all but self and
// the Context; a pydantic-model parameter maps its first path element.
func (e *extractor) toolInputs(h int) []facts.ToolInput {
	t := e.t
	var out []facts.ToolInput
	fn := e.f.Functions[h]
	for i, p := range e.params(e.fnNode[h]) {
		name := t.text(p.name)
		if i == 0 && fn.Class != "" && (name == "self" || name == "cls") {
			continue
		}
		if p.typ >= 0 {
			tn := e.typeName(p.typ)
			if tn == "Context" || strings.HasSuffix(tn, ".Context") {
				continue
			}
			if e.isModelType(tn) {
				out = append(out, facts.ToolInput{Index: i})
				continue
			}
		}
		out = append(out, facts.ToolInput{Index: i, Name: name})
	}
	return out
}

// typeName returns the main name of an annotation: Annotated[X, …],
// Optional[X], X | None and "X" give X; Context[S, L] gives Context.
func (e *extractor) typeName(ty int32) string {
	t := e.t
	for depth := 0; depth < 8 && ty >= 0; depth++ {
		switch t.n[ty].typ {
		case "type", "parenthesized_expression":
			ty = t.firstNamed(ty)
			continue
		case "generic_type", "subscript":
			head := t.firstNamed(ty)
			hn := t.text(head)
			if hn == "Annotated" || hn == "Optional" || strings.HasSuffix(hn, ".Annotated") || strings.HasSuffix(hn, ".Optional") {
				args := t.field(ty, "subscript")
				if args < 0 {
					if tp := t.n[head].next; tp >= 0 {
						args = tp
					}
				}
				if t.typ(args) == "type_parameter" {
					args = t.firstNamed(args)
				}
				ty = args
				continue
			}
			return hn
		case "binary_operator":
			l, r := t.field(ty, "left"), t.field(ty, "right")
			if t.typ(r) == "none" {
				ty = l
			} else if t.typ(l) == "none" {
				ty = r
			} else {
				return ""
			}
			continue
		case "union_type":
			ks := t.namedKids(ty, nil)
			ty = -1
			for _, k := range ks {
				if t.text(k) != "None" {
					ty = k
					break
				}
			}
			continue
		case "string":
			s, _, _ := e.stringLit(ty, nil)
			return strings.TrimSpace(s)
		case "identifier", "attribute", "dotted_name":
			return t.text(ty)
		}
		return ""
	}
	return ""
}

// notModels are annotation names that are plain values, not models.
var notModels = map[string]bool{
	"str": true, "int": true, "float": true, "bool": true, "bytes": true, "list": true, "dict": true, "set": true,
	"tuple": true, "List": true, "Dict": true, "Set": true, "Tuple": true, "Union": true, "Any": true,
	"Literal": true, "Sequence": true, "Iterable": true, "Mapping": true, "Path": true, "None": true,
	"datetime": true, "date": true, "time": true, "timedelta": true, "Decimal": true, "UUID": true,
	"Field": true, "HttpUrl": true, "AnyUrl": true, "FilePath": true, "DirectoryPath": true, "Json": true,
	"Image": true, "object": true, "Callable": true, "Type": true,
}

func (e *extractor) isModelType(tn string) bool {
	if tn == "" {
		return false
	}
	if ci := e.classes[tn]; ci != nil {
		return ci.model
	}
	last := tn[strings.LastIndexByte(tn, '.')+1:]
	if notModels[last] || last == "" {
		return false
	}
	// An imported capitalised type that is not a known value type is taken
	// to be a model (pydantic or dataclass) whose fields are the inputs.
	return last[0] >= 'A' && last[0] <= 'Z' && !strings.HasSuffix(last, "Enum")
}

// recordToolLiteral remembers `Tool(name="x", annotations=…)` from list_tools.
func (e *extractor) recordToolLiteral(fc *fnCtx, call int32) {
	t := e.t
	var tool facts.Tool
	name := ""
	for _, a := range t.namedKids(t.field(call, "arguments"), nil) {
		if t.n[a].typ != "keyword_argument" {
			continue
		}
		switch t.text(t.field(a, "name")) {
		case "name":
			e.setToolName(fc, &tool, t.field(a, "value"))
			name = tool.Name
			if name == "" {
				name = tool.NameRef
			}
		case "annotations":
			e.annotations(fc, &tool, t.field(a, "value"))
		}
	}
	if name != "" {
		e.listed = append(e.listed, listedTool{name: tool.Name, ref: tool.NameRef, span: tool.NameSpan})
	}
	if name != "" && tool.Annotations != nil {
		e.toolAnns[name] = toolAnns{vals: tool.Annotations, spans: tool.AnnotationSpans}
	}
}

func (e *extractor) applyToolAnnotations() {
	for _, i := range e.lowTools {
		tl := &e.f.Tools[i]
		key := tl.Name
		if key == "" {
			key = tl.NameRef
		}
		a, ok := e.toolAnns[key]
		if ok {
			tl.Annotations, tl.AnnotationSpans = a.vals, a.spans
		}
	}
}
