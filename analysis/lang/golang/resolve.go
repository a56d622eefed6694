package golang

import (
	"path"
	"strconv"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// fnCtx is the function whose body is being analysed.
type fnCtx struct{ idx int }

// exprTypes are the node types walk hands to eval.
var exprTypes = map[string]bool{
	"identifier": true, "selector_expression": true, "call_expression": true,
	"composite_literal": true, "unary_expression": true, "binary_expression": true,
	"parenthesized_expression": true, "index_expression": true, "slice_expression": true,
	"type_assertion_expression": true, "type_conversion_expression": true,
	"type_instantiation_expression": true, "func_literal": true,
	"interpreted_string_literal": true, "raw_string_literal": true, "int_literal": true,
	"float_literal": true, "imaginary_literal": true, "rune_literal": true,
	"true": true, "false": true, "nil": true, "iota": true, "expression_list": true,
}

// builtins are the predeclared functions: calls to them are neither library
// nor project calls (unless the file declares the name).
var builtins = map[string]bool{
	"append": true, "cap": true, "clear": true, "close": true, "complex": true, "copy": true,
	"delete": true, "imag": true, "len": true, "make": true, "max": true, "min": true,
	"new": true, "panic": true, "print": true, "println": true, "real": true, "recover": true,
}

// builtinTypes are the predeclared types (conversions, not calls).
var builtinTypes = map[string]bool{
	"bool": true, "byte": true, "complex64": true, "complex128": true, "error": true,
	"float32": true, "float64": true, "int": true, "int8": true, "int16": true, "int32": true,
	"int64": true, "rune": true, "string": true, "uint": true, "uint8": true, "uint16": true,
	"uint32": true, "uint64": true, "uintptr": true, "any": true, "comparable": true,
}

// analyseDecl analyses a top-level function or method body.
func (x *extractor) analyseDecl(n int32) {
	t := x.t
	idx, ok := x.fnOf[n]
	if !ok {
		return
	}
	c := &fnCtx{idx: idx}
	sc := x.globals.child()
	skip := 0
	if t.typ(n) == "method_declaration" {
		skip = 1
		if rl := t.kid(n, "parameter_list"); rl >= 0 {
			if pd := t.nth(rl, 0); pd >= 0 {
				v := x.typeVal(paramType(t, pd))
				v.refs = []facts.ParamRef{{Fn: idx, Param: -1}}
				if name := t.kid(pd, "identifier"); name >= 0 {
					sc.bind(t.text(name), v)
				}
			}
		}
	}
	params, _ := x.signature(n, skip)
	x.bindParams(params, sc, idx)
	x.walk(t.kid(n, "block"), sc, c)
}

// bindParams binds each declared parameter to its type and its own taint.
func (x *extractor) bindParams(list int32, sc *scope, idx int) {
	t := x.t
	i := 0
	for _, pd := range t.kids(list) {
		if typ := t.typ(pd); typ != "parameter_declaration" && typ != "variadic_parameter_declaration" {
			continue
		}
		tv := x.typeVal(paramType(t, pd))
		names := 0
		for _, k := range t.kids(pd) {
			if t.typ(k) != "identifier" {
				continue
			}
			v := tv
			v.refs = []facts.ParamRef{{Fn: idx, Param: i}}
			v.direct = t.typ(pd) == "parameter_declaration"
			sc.bind(t.text(k), v)
			names++
			i++
		}
		if names == 0 {
			i++
		}
	}
}

// typeVal is the value a variable of the declared type ty has.
func (x *extractor) typeVal(ty int32) val {
	t := x.t
	v := unknown()
	for depth := 0; ty >= 0 && depth < 8; depth++ {
		switch t.typ(ty) {
		case "pointer_type", "parenthesized_type", "generic_type":
			ty = t.nth(ty, 0)
			continue
		case "qualified_type":
			pkg := t.text(t.kid(ty, "package_identifier"))
			if p, ok := x.imports[pkg]; ok {
				v.mod, v.member = p, t.text(t.kid(ty, "type_identifier"))+"()"
			}
		case "function_type":
			v.ret, v.hasRet = x.resultType(ty)
		case "struct_type":
			v.anon = ty
		case "type_identifier":
			name := t.text(ty)
			switch {
			case x.types[name]:
				v.local = name
				if ft, ok := x.funcTypes[name]; ok {
					v.ret, v.hasRet = x.resultType(ft)
				}
			case builtinTypes[name]:
			case len(x.dotImports) > 0 && !x.declared[name]:
				v.mod, v.member = x.dotImports[0], name+"()"
			default:
				v.local = name // declared in another file of the package
			}
		}
		break
	}
	return v
}

// resultType returns the (first) result type of a function type node.
func (x *extractor) resultType(ft int32) (int32, bool) {
	t := x.t
	_, r := x.signature(ft, 0)
	if t.typ(r) == "parameter_list" {
		if pd := t.kid(r, "parameter_declaration"); pd >= 0 {
			r = paramType(t, pd)
		} else {
			r = none
		}
	}
	return r, r >= 0
}

// walk analyses a statement (or any node) in scope sc.
func (x *extractor) walk(n int32, sc *scope, c *fnCtx) {
	if n < 0 {
		return
	}
	t := x.t
	typ := t.typ(n)
	if exprTypes[typ] {
		x.eval(n, sc, c)
		return
	}
	x.depth++
	defer func() { x.depth-- }()
	if x.depth > maxDepth {
		x.f.NoteTooDeep(x.span(n))
		return
	}
	switch typ {
	case "comment":
	case "block", "if_statement", "for_statement", "expression_switch_statement",
		"select_statement", "expression_case", "default_case", "communication_case", "type_case":
		inner := sc.child()
		for k := t.nodes[n].first; k >= 0; k = t.nodes[k].next {
			if t.nodes[k].named {
				x.walk(k, inner, c)
			}
		}
	case "short_var_declaration":
		x.assign(n, sc, c, true)
	case "assignment_statement":
		x.assign(n, sc, c, false)
	case "inc_statement", "dec_statement":
	case "var_declaration", "const_declaration":
		for _, s := range specs(t, n) {
			x.varSpec(s, sc, c)
		}
	case "range_clause":
		right := t.nodes[n].first
		var left int32 = none
		for k := t.nodes[n].first; k >= 0; k = t.nodes[k].next {
			if t.nodes[k].named {
				if left < 0 && t.typ(k) == "expression_list" && t.nodes[k].next >= 0 {
					left = k
				}
				right = k
			}
		}
		rv := x.eval(right, sc, c)
		ev := unknown()
		ev.refs = rv.refs
		if left >= 0 {
			define := t.hasAnon(n, ":=")
			for i, l := range t.kids(left) {
				v := ev
				switch {
				case kvRows(rv) && i < 2: // for name, h := range handlers
					v = x.selectEach(rv, []string{kvKey, kvValue}[i], ev)
				case i == 1 && len(rv.items) > 0: // the element of a tool table
					v = eachOf(rv)
				}
				x.store(l, v, sc, define, "=", c)
			}
		}
	case "type_switch_statement":
		inner := sc.child()
		var alias int32 = none
		for k := t.nodes[n].first; k >= 0; k = t.nodes[k].next {
			if !t.nodes[k].named {
				continue
			}
			switch t.typ(k) {
			case "expression_list":
				if alias < 0 && t.hasAnon(n, ":=") {
					alias = k
					continue
				}
				x.eval(k, inner, c)
			case "type_case", "default_case":
				cs := inner.child()
				if alias >= 0 {
					av := inner.lookup("\x00alias")
					if av != nil {
						for _, a := range t.kids(alias) {
							cs.bind(t.text(a), *av)
						}
					}
				}
				for kk := t.nodes[k].first; kk >= 0; kk = t.nodes[kk].next {
					if t.nodes[kk].named && !isType(t.typ(kk)) {
						x.walk(kk, cs, c)
					}
				}
			default:
				if exprTypes[t.typ(k)] {
					v := x.eval(k, inner, c)
					inner.bind("\x00alias", val{fn: -1, refs: v.refs, mod: v.mod, member: v.member, local: v.local})
				} else {
					x.walk(k, inner, c)
				}
			}
		}
	case "return_statement":
		for k := t.nodes[n].first; k >= 0; k = t.nodes[k].next {
			if !t.nodes[k].named {
				continue
			}
			list := []int32{k}
			if t.typ(k) == "expression_list" {
				list = t.kids(k)
			}
			var tool *toolDef
			var handler *val
			var first val // the value of a single result
			for i, e := range list {
				v := x.eval(e, sc, c)
				if i == 0 {
					first = v
				}
				fn := &x.f.Functions[c.idx]
				fn.Returns = addRefs(fn.Returns, v.refs)
				switch {
				case v.tool != nil && tool == nil:
					tool = v.tool
					if v.handler != nil && handler == nil {
						// return server.ServerTool{Tool: …, Handler: h}
						handler = v.handler
					}
				case handler == nil && isHandler(v):
					h := v
					handler = &h
				}
				// A table of tools and handlers returned to the caller
				// (func All(s *Service) []ToolDef { return []ToolDef{…} }),
				// which registers it in a loop elsewhere: its entries are
				// the tools, located at their definitions.
				for _, it := range v.items {
					if it.tool != nil && it.handler != nil && !x.registered[it.tool] {
						x.addTool(it.tool.span, it.tool, *it.handler, false)
					}
				}
			}
			// A function returning a tool and its handler defines a tool
			// (`return mcp.NewTool("get_issue", …), func(ctx, req) {…}`):
			// it is registered elsewhere, often through a toolset, so the
			// definition is where the tool is recorded.
			if tool != nil && handler != nil {
				x.addTool(x.span(n), tool, *handler, false)
			}
			// A package function returning a tool: other files register
			// its result (s.AddTool(ReadTool(), h) → NameRef "func:ReadTool").
			if fn := &x.f.Functions[c.idx]; tool != nil && tool.name != "" && fn.Parent == 0 && fn.Class == "" && fn.Name != "" {
				x.defineConstant("func:"+fn.Name, tool.name)
			}
			// A method returning a tool definition: its type may be one of
			// many implementing a tool interface (methodTools).
			if fn := &x.f.Functions[c.idx]; tool != nil && handler == nil && fn.Parent == 0 && fn.Class != "" {
				x.toolMethods[fn.Class] = append(x.toolMethods[fn.Class], tool)
			}
			// func (ReadFile) Name() string { return "read_file" }: what a
			// definition naming the tool by r.Name() stands for.
			if fn := &x.f.Functions[c.idx]; len(list) == 1 && fn.Parent == 0 && fn.Class != "" && len(fn.Params) == 0 {
				key := fn.Class + "." + fn.Name
				switch old, dup := x.methodNames[key]; {
				case !first.known || first.prefix || dup && old != first.str:
					x.methodNames[key] = "" // not one literal name
				case !dup:
					x.methodNames[key] = first.str
				}
			}
		}
	case "function_declaration", "method_declaration", "type_declaration", "import_declaration", "package_clause":
		// analysed on their own
	default:
		for k := t.nodes[n].first; k >= 0; k = t.nodes[k].next {
			if t.nodes[k].named {
				x.walk(k, sc, c)
			}
		}
	}
}

func isType(typ string) bool {
	return strings.HasSuffix(typ, "_type") || typ == "type_identifier"
}

// assign handles `a, b := …` and `a = …`, `a += …`.
func (x *extractor) assign(n int32, sc *scope, c *fnCtx, define bool) {
	t := x.t
	var lists []int32
	for k := t.nodes[n].first; k >= 0; k = t.nodes[k].next {
		if t.nodes[k].named && t.typ(k) != "comment" {
			lists = append(lists, k)
		}
	}
	if len(lists) < 2 {
		for _, l := range lists {
			x.eval(l, sc, c)
		}
		return
	}
	left, right := lists[0], lists[len(lists)-1]
	op := ":="
	if !define {
		op = t.operator(n)
		for k := t.nodes[n].first; k >= 0; k = t.nodes[k].next {
			if !t.nodes[k].named {
				op = t.nodes[k].typ
				break
			}
		}
	}
	rs := exprs(t, right)
	vals := make([]val, len(rs))
	for i, r := range rs {
		vals[i] = x.eval(r, sc, c)
	}
	ls := exprs(t, left)
	for i, l := range ls {
		var v val
		switch {
		case len(vals) == len(ls):
			v = vals[i]
		case len(vals) == 1 && (i < len(ls)-1 || len(ls) == 1):
			v = vals[0] // multi-value: the leading results carry the value
		default:
			v = unknown()
		}
		x.store(l, v, sc, define, op, c)
	}
}

func exprs(t *tree, list int32) []int32 {
	if t.typ(list) == "expression_list" {
		return t.kids(list)
	}
	return []int32{list}
}

// store assigns v to the target expression l.
func (x *extractor) store(l int32, v val, sc *scope, define bool, op string, c *fnCtx) {
	t := x.t
	if t.typ(l) != "identifier" {
		lv := x.eval(l, sc, c) // calls inside index or selector targets still run
		if t.typ(l) == "selector_expression" && lv.sel != "" {
			if op != "=" && op != ":=" {
				v = unknown()
			}
			x.addStore(lv.sel, v)
			if mod, rest, ok := strings.Cut(lv.sel, " "); ok && sdkFields[rest[strings.LastIndexByte(rest, '.')+1:]] {
				x.addStore("sdk:"+mod, v) // client.BaseURL = u
			}
		}
		if t.typ(l) == "selector_expression" && op == "=" {
			x.optionStore(l, v, sc, c)
		}
		// x.f = v, x[k] = v, *x = v: x now (partly) holds v.
		root := l
		for d := 0; d < 8; d++ {
			switch t.typ(root) {
			case "selector_expression", "index_expression", "unary_expression", "parenthesized_expression":
				root = t.nth(root, 0)
				continue
			}
			break
		}
		if t.typ(l) == "index_expression" && t.nth(l, 0) == root && t.typ(root) == "identifier" && (v.fn > 0 || v.fnRef != nil) {
			if cur := sc.lookupBytes(t.bytes(root)); cur != nil && cur.mod == "" {
				cur.alts = addAlts(cur.alts, v) // handlers["c"] = f
			}
		}
		if t.typ(root) == "identifier" && len(v.refs) > 0 {
			if cur := sc.lookupBytes(t.bytes(root)); cur != nil {
				cur.refs = addRefs(cur.refs, v.refs)
				if t.typ(l) == "selector_expression" && t.nth(l, 0) == root {
					// x.f = v: reading x.f later gives v's taint exactly.
					fr := make(map[string][]facts.ParamRef, len(cur.fieldRefs)+1)
					for k, r := range cur.fieldRefs {
						fr[k] = r
					}
					fr[t.text(t.nth(l, 1))] = v.refs
					cur.fieldRefs = fr
				} else {
					cur.fieldRefs = nil
				}
			}
		}
		return
	}
	name := t.text(l)
	var cur *val
	if define {
		// `a, err := …` assigns to a variable already declared in the
		// same block; otherwise it declares a new one.
		if cur = sc.vars[name]; cur == nil {
			sc.bind(name, v)
			return
		}
	} else if cur = sc.lookup(name); cur == nil {
		if !x.declared[name] && !builtins[name] && name != "_" && c.idx != 0 {
			x.addStore("var:"+name, v) // a package variable of another file
		}
		return
	}
	if c.idx != 0 && x.globals.vars[name] == cur {
		// A package variable assigned in a function: other files read it.
		if op == "=" {
			x.addStore("var:"+name, v)
		} else {
			x.addStore("var:"+name, unknown())
		}
	}
	if op == "+=" {
		*cur = concat(*cur, v)
		return
	}
	if op != "=" && op != ":=" {
		cur.refs = addRefs(cur.refs, v.refs)
		return
	}
	*cur = merge(*cur, v)
}

// optionStore records an assignment to a field of a library instance
// (client.BaseURL, _ = url.Parse(…)) as a Store access: the option is set
// after the client was made, so its default no longer holds alone.
// Only a variable or a field path of one (s.gh.BaseURL) is evaluated
// again: nothing there records a call.
func (x *extractor) optionStore(l int32, v val, sc *scope, c *fnCtx) {
	t := x.t
	obj := t.nth(l, 0)
	for o := obj; t.typ(o) != "identifier"; o = t.nth(o, 0) {
		if t.typ(o) != "selector_expression" {
			return
		}
	}
	ov := x.eval(obj, sc, c)
	if ov.mod == "" || !strings.Contains(ov.member, "()") {
		return
	}
	a := x.arg(-1, v)
	if !a.Known && v.inst.known {
		a.Value, a.Known, a.Prefix = v.inst.str, true, v.inst.prefix // url.Parse("https://…")
	}
	sp := x.span(l)
	x.f.Calls = append(x.f.Calls, facts.Call{Module: ov.mod, Member: ov.member, Func: c.idx, Access: true, Store: true,
		Span: sp, CalleeSpan: sp, Key: t.text(t.nth(l, 1)), Args: []facts.Arg{a}})
}

// merge is a variable's value after another assignment. The analysis is
// flow-insensitive: `p := args.Path; if p == "" { p = cwd }` may hold
// either, so the taint is the union and an instance or declared type
// seen in any assignment is kept; literal facts are the last one's.
func merge(cur, v val) val {
	// A value only another file can tell (a package function's result,
	// "type:newClient") does not hide an instance known here.
	guess := strings.HasPrefix(v.mod, typeRoot) && cur.mod != "" && !strings.HasPrefix(cur.mod, typeRoot)
	if v.mod == "" && v.local == "" && v.anon == 0 || guess {
		v.mod, v.member, v.local, v.anon = cur.mod, cur.member, cur.local, cur.anon
		if v.mod != "" {
			v.inst, v.props = cur.inst, cur.props
		}
	}
	v.direct = v.direct && cur.direct && len(addRefs(cur.refs, v.refs)) == 1 // either value: the same parameter only
	if len(cur.refs) > 0 {
		if len(v.refs) > 0 || v.fieldRefs != nil {
			v.fieldRefs = nil // field reads fall back to the merged taint
		}
		v.refs = addRefs(cur.refs, v.refs)
	}
	if v.fn < 0 && v.fnRef == nil {
		v.fn, v.fnRef, v.typed = cur.fn, cur.fnRef, cur.typed
	}
	if cur.getenv != "" && !v.known && v.cref != nil {
		// `u := os.Getenv("U"); if u == "" { u = defaultURL }` with the
		// constant in another file: the variable's default, which an Arg
		// cannot say beside a constant reference: not known.
		v.cref, v.str, v.prefix = nil, "", false
	}
	if cur.getenv != "" && v.known && v.env == "" && v.getenv == "" && v.str != "" {
		// `u := os.Getenv("U"); if u == "" { u = "https://…" }`: the
		// literal is the variable's default, not the only value.
		v.env = cur.getenv
	}
	return v
}

// varSpec handles `var a, b T = x, y` and `const A = "x"`.
func (x *extractor) varSpec(s int32, sc *scope, c *fnCtx) {
	t := x.t
	var names []int32
	var ty, values int32 = none, none
	for k := t.nodes[s].first; k >= 0; k = t.nodes[k].next {
		if !t.nodes[k].named {
			continue
		}
		switch typ := t.typ(k); {
		case typ == "identifier":
			names = append(names, k)
		case typ == "expression_list":
			values = k
		case typ == "comment":
		default:
			ty = k
		}
	}
	tv := x.typeVal(ty)
	var vals []val
	for _, e := range exprs(t, values) {
		if e >= 0 {
			vals = append(vals, x.eval(e, sc, c))
		}
	}
	for i, nm := range names {
		v := tv
		switch {
		case len(vals) == len(names):
			v = vals[i]
		case len(vals) == 1 && i < len(names)-1:
			v = vals[0]
		}
		if v.mod == "" && v.local == "" && v.anon == 0 {
			v.mod, v.member, v.local, v.anon = tv.mod, tv.member, tv.local, tv.anon
		}
		name := t.text(nm)
		sc.bind(name, v)
		if sc == x.globals && v.known && !v.prefix && name != "_" {
			if x.f.Constants == nil {
				x.f.Constants = map[string]string{}
			}
			x.f.Constants[name] = v.str
		}
		if sc == x.globals && name != "_" && (v.env != "" || v.prefix || !v.known && (v.cref != nil || v.getenv != "")) {
			// An env or flag default, a value built from another one, or
			// an env read: what other files reading the variable get.
			x.addStore("var:"+name, v)
		}
		// A package-level tool variable: other files register it by name.
		if sc == x.globals && v.tool != nil && v.tool.name != "" && name != "_" {
			x.defineConstant(name, v.tool.name)
		}
	}
}

// addRef records that function c references function callee without calling it.
func (x *extractor) addRef(c *fnCtx, callee facts.Callee) {
	key := callee.Kind + "\x00" + callee.Class + "\x00" + callee.Name
	if callee.Func >= 0 && callee.Name == "" {
		key += "\x00" + itoa(callee.Func)
	}
	seen := x.refSeen[c.idx]
	if seen == nil {
		seen = map[string]bool{}
		x.refSeen[c.idx] = seen
	}
	if seen[key] {
		return
	}
	seen[key] = true
	fn := &x.f.Functions[c.idx]
	fn.Refs = append(fn.Refs, callee)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	p := len(b)
	neg := i < 0
	if neg {
		i = -i
	}
	for i > 0 {
		p--
		b[p] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		p--
		b[p] = '-'
	}
	return string(b[p:])
}

// eval returns what is known about expression n, recording the calls it makes.
func (x *extractor) eval(n int32, sc *scope, c *fnCtx) val {
	if n < 0 {
		return unknown()
	}
	x.depth++
	defer func() { x.depth-- }()
	if x.depth > maxDepth {
		x.f.NoteTooDeep(x.span(n))
		return unknown()
	}
	t := x.t
	switch t.typ(n) {
	case "identifier":
		return x.evalIdent(n, sc, c)
	case "interpreted_string_literal", "raw_string_literal":
		v := unknown()
		v.str, v.known = stringLit(t, n)
		return v
	case "int_literal", "float_literal", "imaginary_literal":
		v := unknown()
		v.num = t.text(n)
		return v
	case "true":
		return val{fn: -1, boolean: 2}
	case "false":
		return val{fn: -1, boolean: 1}
	case "nil", "iota", "rune_literal":
		return unknown()
	case "parenthesized_expression":
		return x.eval(t.nth(n, 0), sc, c)
	case "selector_expression":
		return x.evalSelector(n, sc, c)
	case "call_expression":
		return x.evalCall(n, sc, c)
	case "composite_literal":
		return x.evalComposite(n, t.nth(n, 0), t.kid(n, "literal_value"), sc, c)
	case "literal_value": // elided type in a nested literal
		return x.evalComposite(n, none, n, sc, c)
	case "func_literal":
		idx := x.funcLiteral(n, sc)
		x.addRef(c, facts.Callee{Kind: "local", Func: idx, Span: x.span(n)})
		return val{fn: idx}
	case "unary_expression":
		op := t.operator(n)
		v := x.eval(t.nth(n, 0), sc, c)
		if op == "&" && v.sel != "" && t.typ(t.nodes[n].parent) != "argument_list" {
			// p := &c.baseURL: what is written through p is not seen. (A
			// call's arguments are decided by the call: a flag's default.)
			x.addStore(v.sel, unknown())
		}
		switch op {
		case "!":
			if v.boolean != 0 {
				v.boolean = 3 - v.boolean
			}
			v.known = false
		case "-", "+":
			if v.num != "" {
				v.num = op + v.num
			}
		case "<-":
			v = val{fn: -1, refs: v.refs}
		}
		return v
	case "binary_expression":
		l := x.eval(t.nth(n, 0), sc, c)
		r := x.eval(t.nth(n, 1), sc, c)
		if t.operator(n) == "+" {
			return concat(l, r)
		}
		v := unknown()
		v.refs = addRefs(l.refs, r.refs)
		if t.operator(n) == "|" {
			v.num = facts.OrFlags(l.num, r.num)
		}
		return v
	case "type_assertion_expression":
		v := x.eval(t.nth(n, 0), sc, c)
		tv := x.typeVal(t.nth(n, 1))
		return val{fn: v.fn, fnRef: v.fnRef, refs: v.refs, mod: tv.mod, member: tv.member, local: tv.local, anon: tv.anon,
			str: v.str, known: v.known, prefix: v.prefix}
	case "index_expression":
		base := x.eval(t.nth(n, 0), sc, c)
		idx := t.nth(n, 1)
		iv := x.eval(idx, sc, c)
		v := unknown()
		if base.fn >= 0 || base.fnRef != nil { // generic instantiation f[T]
			v.fn, v.fnRef = base.fn, base.fnRef
		}
		if len(base.items) > 0 { // an entry of a tool table: tools[0], tools[i]
			switch t.typ(idx) {
			case "int_literal":
				if k, err := strconv.Atoi(t.text(idx)); err == nil && k >= 0 && k < len(base.items) {
					v = eachOf(val{items: base.items[k : k+1]})
				}
			case "interpreted_string_literal", "raw_string_literal":
				// a map entry by key: which one is not known
			default:
				v = eachOf(base)
			}
		}
		if iv.known && !iv.prefix {
			v.refs = extend(base.refs, iv.str)
		} else {
			v.refs = base.refs
		}
		v.alts = base.alts // handlers[name]
		return v
	case "slice_expression":
		ks := t.kids(n)
		if len(ks) == 0 {
			return unknown()
		}
		base := x.eval(ks[0], sc, c)
		for _, k := range ks[1:] {
			x.eval(k, sc, c)
		}
		return val{fn: -1, refs: base.refs}
	case "type_conversion_expression":
		ks := t.kids(n)
		if len(ks) == 0 {
			return unknown()
		}
		v := unknown()
		var vals []val
		for _, k := range ks[1:] {
			e := x.eval(k, sc, c)
			vals = append(vals, e)
			v.refs = addRefs(v.refs, e.refs)
			v.str, v.known, v.prefix = e.str, e.known, e.prefix
		}
		// pkg.F(x) read as a conversion (error recovery, or a conversion to
		// a library type): recorded like a call, the rules decide.
		if t.typ(ks[0]) == "qualified_type" {
			if p, ok := x.imports[t.text(t.kid(ks[0], "package_identifier"))]; ok {
				name := t.text(t.kid(ks[0], "type_identifier"))
				return x.libCall(n, ks[0], p, name, sc, c, ks[1:], vals, false, nil, none)
			}
		}
		tv := x.typeVal(ks[0])
		v.mod, v.member, v.local = tv.mod, tv.member, tv.local
		return v
	case "expression_list":
		v := unknown()
		for _, k := range t.kids(n) {
			e := x.eval(k, sc, c)
			v.refs = addRefs(v.refs, e.refs)
		}
		return v
	}
	if isType(t.typ(n)) {
		return unknown()
	}
	v := unknown()
	for k := t.nodes[n].first; k >= 0; k = t.nodes[k].next {
		if t.nodes[k].named {
			if exprTypes[t.typ(k)] || t.typ(k) == "literal_value" {
				e := x.eval(k, sc, c)
				v.refs = addRefs(v.refs, e.refs)
			} else {
				x.walk(k, sc, c)
			}
		}
	}
	return v
}

// funcLiteral analyses a func literal in the scope where it appears and
// returns its function index.
func (x *extractor) funcLiteral(n int32, sc *scope) int {
	idx, ok := x.fnOf[n]
	if !ok {
		return -1
	}
	inner := sc.child()
	params, _ := x.signature(n, 0)
	x.bindParams(params, inner, idx)
	x.walk(x.t.kid(n, "block"), inner, &fnCtx{idx: idx})
	return idx
}

func (x *extractor) evalIdent(n int32, sc *scope, c *fnCtx) val {
	t := x.t
	if v := sc.lookupBytes(t.bytes(n)); v != nil {
		out := *v
		if x.globals.vars[string(t.bytes(n))] == v {
			out.sel = "var:" + string(t.bytes(n)) // a package variable: &v lets a library set it
		}
		if len(out.items) > 0 && x.globals.vars[string(t.bytes(n))] == v {
			x.usedTables[v] = true // this file decides which entries it registers
		}
		if out.fn >= 0 {
			x.addRef(c, facts.Callee{Kind: "local", Name: t.text(n), Func: out.fn, Span: x.span(n)})
		}
		return out
	}
	if idx, ok := x.funcs[string(t.bytes(n))]; ok {
		x.addRef(c, facts.Callee{Kind: "package", Name: t.text(n), Func: idx, Span: x.span(n)})
		return val{fn: idx}
	}
	name := t.text(n)
	if len(x.dotImports) > 0 && !x.declared[name] && !builtins[name] && !builtinTypes[name] {
		return val{fn: -1, mod: x.dotImports[0], member: name}
	}
	v := unknown()
	v.ident = name
	if !x.types[name] && !builtins[name] && !builtinTypes[name] {
		v.fnRef = &facts.Callee{Kind: "package", Name: name, Func: -1, Span: x.span(n)}
		if !x.declared[name] && name != "_" {
			// A package-level variable of another file: what it holds is
			// in that file's Types (the index rewrites calls on it), its
			// string value in that file's Constants and the package's Stores.
			v.mod = typeRoot + name
			v.cref = &facts.ConstRef{Module: ".", Name: name}
			v.sel = "var:" + name
		}
	}
	return v
}

// pkgOf returns the import path an identifier operand names, if it is an
// import not hidden by a local.
func (x *extractor) pkgOf(op int32, sc *scope) (string, bool) {
	t := x.t
	if t.typ(op) != "identifier" {
		return "", false
	}
	name := t.bytes(op)
	p, ok := x.imports[string(name)]
	if !ok || sc.lookupBytes(name) != nil {
		return "", false
	}
	return p, true
}

func (x *extractor) evalSelector(n int32, sc *scope, c *fnCtx) val {
	t := x.t
	op, field := t.nth(n, 0), t.nth(n, 1)
	name := t.text(field)
	if p, ok := x.pkgOf(op, sc); ok {
		v := val{fn: -1, mod: p, member: name, num: facts.OpenFlag(p, name)}
		if exported(name) {
			// A constant or variable of that package, if it is one of the
			// project's (the link looks it up).
			v.cref = &facts.ConstRef{Module: p, Name: name}
			v.sel = p + " var:" + name // config.BaseURL = u sets it
		}
		return v
	}
	base := x.eval(op, sc, c)
	v := unknown()
	m := member{field: none, method: -1}
	if base.local != "" && base.mod == "" {
		m = x.findMember(base.local, name, 0)
	}
	x.fieldRef(&v, base, name, m)
	if fr, ok := base.fieldRefs[name]; ok {
		v.refs = fr
	} else if len(base.refs) > 0 {
		if seg := x.jsonSeg(base, name, m); seg == jsonFlat || base.derived {
			v.refs = base.refs
		} else {
			v.refs = extend(base.refs, seg)
		}
		v.direct = base.direct && len(v.refs) == 1
		v.derived = base.derived
	}
	if base.each {
		return x.selectEach(base, name, v)
	}
	switch {
	case base.mod != "":
		v.mod, v.member = base.mod, base.member+"."+name
	case base.local != "":
		switch {
		case m.field >= 0:
			tv := x.typeVal(m.field)
			v.mod, v.member, v.local, v.anon = tv.mod, tv.member, tv.local, tv.anon
		case m.method >= 0:
			v.fn = m.method
			x.addRef(c, facts.Callee{Kind: "method", Name: name, Class: m.owner, Func: m.method, Span: x.span(field)})
		case m.lib.mod != "": // promoted from an embedded library type
			v.mod, v.member = m.lib.mod, m.lib.member+"."+name
		default:
			// a method declared in another file of the package (or a field
			// of a type declared there): the index resolves the field's
			// type through File.Types ("type:Server" + ".client").
			v.fnRef = &facts.Callee{Kind: "method", Name: name, Class: base.local, Func: -1, Span: x.span(field)}
			v.mod, v.member = typeRoot+base.local, "."+name
		}
	default:
		v.fnRef = &facts.Callee{Kind: "method", Name: name, Func: -1, Span: x.span(field)}
	}
	return v
}

// member is where a selector on a value of a local type leads.
type member struct {
	owner  string // the type declaring the field or method
	field  int32  // the field's type node, or -1
	method int    // the method's function index, or -1
	lib    val    // an embedded library type the name may be promoted from
}

// findMember looks name up in local type typ: its fields and methods, then
// those promoted from embedded fields (a few levels deep).
func (x *extractor) findMember(typ, name string, depth int) member {
	m := member{field: none, method: -1}
	if ft, ok := x.fields[typ][name]; ok {
		m.owner, m.field = typ, ft
		return m
	}
	if idx, ok := x.methods[typ+"."+name]; ok {
		m.owner, m.method = typ, idx
		return m
	}
	if depth >= 3 {
		return m
	}
	for _, et := range x.embedded[typ] {
		ev := x.typeVal(et)
		switch {
		case ev.local != "" && ev.local != typ:
			if sub := x.findMember(ev.local, name, depth+1); sub.field >= 0 || sub.method >= 0 || sub.lib.mod != "" {
				return sub
			}
		case ev.mod != "" && m.lib.mod == "":
			m.lib = ev
		}
	}
	return m
}

// evalComposite handles T{…}, &T{…} and nested literals with elided types.
func (x *extractor) evalComposite(n, ty, body int32, sc *scope, c *fnCtx) val {
	t := x.t
	tv := x.typeVal(ty)
	out := unknown()
	fieldVals := map[string]val{}
	var fieldSpans map[string]source.Span
	// Elements of slice, array and map literals may elide their type:
	// []server.ServerTool{{Tool: …, Handler: …}}.
	elemTy := none
	switch t.typ(ty) {
	case "slice_type", "array_type", "implicit_length_array_type", "map_type":
		if ks := t.kids(ty); len(ks) > 0 {
			elemTy = ks[len(ks)-1]
		}
	}
	isMap := t.typ(ty) == "map_type"
	_, isStruct := x.structs[tv.local]
	isStruct = isStruct || tv.anon != 0
	var positional []val // elements of a struct literal without keys
	hasTool := false     // a field holds a tool definition: maybe a table entry
	others := 0          // elements neither tools nor rows (named.go)
	elem := func(e int32) val {
		if t.typ(e) == "literal_value" && elemTy >= 0 {
			return x.evalComposite(e, elemTy, e, sc, c)
		}
		return x.eval(e, sc, c)
	}
	for _, el := range t.kids(body) {
		switch t.typ(el) {
		case "keyed_element":
			parts := t.kids(el)
			if len(parts) < 2 {
				continue
			}
			key, value := inner(t, parts[0]), inner(t, parts[1])
			var k string
			var kv val // a map key's value
			switch t.typ(key) {
			case "identifier", "field_identifier":
				k = t.text(key)
				if isMap {
					kv = x.eval(key, sc, c) // a constant
				}
			case "interpreted_string_literal", "raw_string_literal":
				k, _ = stringLit(t, key)
				kv = val{fn: -1, str: k, known: true}
			default:
				kv = x.eval(key, sc, c)
			}
			v := elem(value)
			out.refs = addRefs(out.refs, v.refs)
			if !isStruct {
				out.alts = addAlts(out.alts, v)
			}
			hasTool = hasTool || v.tool != nil
			if isMap && v.tool == nil {
				// map[string]server.ToolHandlerFunc{"read": h}: a named row.
				if row, ok := kvRow(kv, v); ok {
					v = row
				}
			}
			if isMap && v.tool == nil && v.fields == nil {
				others++
			}
			if isMap && (v.tool != nil || v.fields != nil) {
				if len(out.items) < maxTools {
					out.items = append(out.items, v) // map[string]server.ServerTool{…}
				} else {
					out.cut = true
				}
			}
			if k != "" {
				fieldVals[k] = v
				if fieldSpans == nil {
					fieldSpans = map[string]source.Span{}
				}
				fieldSpans[k] = x.span(value)
				if out.fieldRefs == nil {
					out.fieldRefs = map[string][]facts.ParamRef{}
				}
				out.fieldRefs[k] = v.refs
				if out.props == nil {
					out.props = map[string]facts.Arg{}
				}
				out.props[k] = shallow(x.arg(value, v))
			}
		case "literal_element":
			e := inner(t, el)
			v := elem(e)
			out.refs = addRefs(out.refs, v.refs)
			if !isStruct {
				out.alts = addAlts(out.alts, v)
			}
			if len(out.elems) < maxElems {
				out.elems = append(out.elems, shallow(x.arg(e, v)))
			}
			if v.tool == nil && v.fields == nil {
				others++
			}
			if v.tool != nil || v.fields != nil {
				if len(out.items) < maxTools {
					out.items = append(out.items, v) // []server.ServerTool{…}
				} else {
					out.cut = true
				}
			}
			if isStruct && len(positional) < maxElems {
				positional = append(positional, v)
				hasTool = hasTool || v.tool != nil
			}
		default:
			x.eval(el, sc, c)
		}
	}
	if !isStruct {
		out.items = otherRows(out.items, others)
	}
	out.mod, out.member, out.local = tv.mod, tv.member, tv.local
	if !isMap && elemTy < 0 {
		x.compositeStores(tv, fieldVals, positional)
	}
	if tv.mod != "" {
		typeName := strings.TrimSuffix(tv.member, "()")
		call := facts.Call{
			Module: tv.mod, Member: typeName, Func: c.idx, New: true,
			Span: x.span(n), CalleeSpan: x.span(ty),
			Args: []facts.Arg{{Func: -1, Props: out.props, Elems: out.elems, Refs: out.refs}},
		}
		x.f.Calls = append(x.f.Calls, call)
		x.compositeTool(&out, tv.mod, typeName, fieldVals, fieldSpans, n)
	} else if hasTool && !isMap {
		var names []string
		if len(fieldVals) == 0 {
			names = x.fieldOrder(tv)
		}
		x.tableEntry(&out, fieldVals, positional, names)
	}
	if !isMap && out.tool == nil && len(fieldVals) > 0 && (tv.local != "" || projectPackage(tv.mod)) {
		if hasTool {
			// {Tool: api.Tool{Name: "x"}, Handler: h} of a type of another
			// package of the module.
			x.tableEntry(&out, fieldVals, nil, nil)
		} else {
			x.projectTool(&out, tv, fieldVals, fieldSpans, n)
		}
	}
	if !isMap && elemTy < 0 && (out.tool == nil || out.entry != nil && out.entry.tool == "") && (isStruct || projectPackage(tv.mod)) {
		fields := fieldVals
		if len(fields) == 0 {
			fields = positionalFields(positional, x.fieldOrder(tv))
		}
		out.fields = namedRow(fields)
	}
	return out
}

// fieldOrder lists the field names of a struct type of this file (named
// or anonymous) in declaration order, for positional literals.
func (x *extractor) fieldOrder(tv val) []string {
	t := x.t
	st := tv.anon
	if st == 0 {
		var ok bool
		if st, ok = x.structs[tv.local]; !ok {
			return nil
		}
	}
	var names []string
	for _, fd := range t.kids(t.kid(st, "field_declaration_list")) {
		if t.typ(fd) != "field_declaration" {
			continue
		}
		named := false
		for _, k := range t.kids(fd) {
			if t.typ(k) == "field_identifier" {
				names = append(names, t.text(k))
				named = true
			}
		}
		if !named {
			names = append(names, embeddedName(t, paramType(t, fd)))
		}
	}
	return names
}

// inner unwraps a literal_element to its expression.
func inner(t *tree, el int32) int32 {
	if t.typ(el) == "literal_element" {
		if k := t.nth(el, 0); k >= 0 {
			return k
		}
	}
	return el
}

// evalCall resolves a call, records it and returns its result.
func (x *extractor) evalCall(n int32, sc *scope, c *fnCtx) val {
	t := x.t
	callee := t.nth(n, 0)
	for t.typ(callee) == "parenthesized_expression" {
		callee = t.nth(callee, 0)
	}
	alist := t.kid(n, "argument_list")

	// new(T) is an instance of T; new(expr) (Go 1.26) a pointer to a value.
	if t.typ(callee) == "identifier" && t.is(callee, "new") && sc.lookup("new") == nil && !x.declared["new"] {
		a := t.nth(alist, 0)
		if t.typ(a) == "type_identifier" && (t.is(a, "true") || t.is(a, "false")) {
			// The grammar reads new's argument as a type.
			return val{fn: -1, boolean: map[bool]int8{false: 1, true: 2}[t.is(a, "true")]}
		}
		if tv := x.typeVal(a); tv.mod != "" || tv.local != "" {
			return tv
		}
		return x.eval(a, sc, c)
	}

	var argNodes []int32
	var args []val
	spread := false
	for _, k := range t.kids(alist) {
		e := k
		if t.typ(k) == "variadic_argument" {
			spread = true
			e = t.nth(k, 0)
		}
		if isType(t.typ(e)) { // make([]T, n), generic type arguments
			continue
		}
		argNodes = append(argNodes, e)
		args = append(args, x.eval(e, sc, c))
	}
	var argRefs []facts.ParamRef
	for _, a := range args {
		argRefs = addRefs(argRefs, a.refs)
	}
	res := unknown()
	res.refs = argRefs

	switch t.typ(callee) {
	case "func_literal": // immediately invoked (go func(){…}(), defer func(){…}())
		idx := x.funcLiteral(callee, sc)
		x.localCall(n, c, facts.Callee{Kind: "local", Func: idx, Span: x.span(callee)}, argNodes, args, nil)
		return res
	case "identifier":
		name := t.text(callee)
		if v := sc.lookup(name); v != nil {
			if v.hasRet { // a value of function type: func() *http.Client
				tv := x.typeVal(v.ret)
				res.mod, res.member, res.local = tv.mod, tv.member, tv.local
				res.refs = addRefs(res.refs, v.refs)
				return res
			}
			if v.mod == "" && v.fn < 0 && v.fnRef == nil && x.external(v.local) {
				// A value of a function type declared in another file
				// (getClient GetClientFn): what it returns is in that file's Types.
				res.mod, res.member = typeRoot+v.local, "()"
				res.refs = addRefs(res.refs, v.refs)
				return res
			}
			methodRef := v.fnRef != nil && v.fnRef.Kind == "method" && v.fnRef.Class != ""
			if len(v.alts) > 0 && v.fn < 0 && v.fnRef == nil {
				x.altCalls(n, callee, c, argNodes, args, v.alts) // h, ok := handlers[name]; h(ctx, x)
			}
			switch {
			case v.mod != "" && !(methodRef && strings.HasPrefix(v.mod, typeRoot)):
				return x.libCall(n, callee, v.mod, v.member, sc, c, argNodes, args, spread, nil, none)
			case v.fn >= 0:
				x.localCall(n, c, facts.Callee{Kind: "local", Name: name, Func: v.fn, Span: x.span(callee)}, argNodes, args, nil)
				res.derived = len(res.refs) > 0
			case methodRef:
				x.localCall(n, c, *v.fnRef, argNodes, args, v.refs)
				if v.mod != "" { // a method value or func-typed field of a type of another file
					res.mod, res.member = v.mod, v.member+"()"
				}
			}
			return x.wrapped(res, args)
		}
		if idx, ok := x.funcs[name]; ok {
			x.localCall(n, c, facts.Callee{Kind: "package", Name: name, Func: idx, Span: x.span(callee)}, argNodes, args, nil)
			res.derived = len(res.refs) > 0
			if rt, ok := x.results[idx]; ok {
				tv := x.typeVal(rt)
				res.mod, res.member, res.local = tv.mod, tv.member, tv.local
			}
			res.ident, res.toolCall = name, true
			x.registration(n, name, "", args, argNodes)
			return x.wrapped(res, args)
		}
		if name == "append" && len(args) > 0 && !x.declared[name] {
			res.items, res.cut = appendItems(args, spread)
			return res
		}
		if builtins[name] || builtinTypes[name] {
			if len(args) == 1 && builtinTypes[name] { // string(NameConst)
				res.str, res.known, res.prefix = args[0].str, args[0].known, args[0].prefix
				if !args[0].toolCall { // a conversion of a call's result names no constant
					res.ident = args[0].ident
				}
			}
			return res
		}
		if x.types[name] {
			res.local = name // a conversion to a type of this package
			if len(args) == 1 {
				res.str, res.known, res.prefix = args[0].str, args[0].known, args[0].prefix
				if !args[0].toolCall { // a conversion of a call's result names no constant
					res.ident = args[0].ident
				}
			}
			return res
		}
		if len(x.dotImports) > 0 && !x.declared[name] {
			return x.libCall(n, callee, x.dotImports[0], name, sc, c, argNodes, args, spread, nil, none)
		}
		x.localCall(n, c, facts.Callee{Kind: "package", Name: name, Func: -1, Span: x.span(callee)}, argNodes, args, nil)
		res.ident, res.toolCall = name, true
		res.derived = len(res.refs) > 0
		if !x.declared[name] {
			// A package function of another file: what it returns is in
			// that file's Types ("newClient()").
			res.mod, res.member = typeRoot+name, "()"
		}
		x.registration(n, name, "", args, argNodes)
		return x.wrapped(res, args)
	case "selector_expression":
		op, field := t.nth(callee, 0), t.nth(callee, 1)
		name := t.text(field)
		if p, ok := x.pkgOf(op, sc); ok {
			return x.libCall(n, callee, p, name, sc, c, argNodes, args, spread, nil, none)
		}
		recv := x.eval(op, sc, c)
		if acc, ok := x.accessor(name, recv, args, argNodes, sc); ok {
			if recv.mod != "" {
				x.libCall(n, callee, recv.mod, recv.member+"."+name, sc, c, argNodes, args, spread, &recv, op)
			}
			return acc
		}
		switch {
		case recv.mod != "":
			return x.libCall(n, callee, recv.mod, recv.member+"."+name, sc, c, argNodes, args, spread, &recv, op)
		case recv.local != "":
			m := x.findMember(recv.local, name, 0)
			switch {
			case m.field >= 0: // a func-typed field
				res.refs = addRefs(res.refs, recv.refs)
				switch fv := x.typeVal(m.field); {
				case fv.hasRet:
					tv := x.typeVal(fv.ret)
					res.mod, res.member, res.local = tv.mod, tv.member, tv.local
				case fv.mod == "" && x.external(fv.local):
					res.mod, res.member = typeRoot+fv.local, "()"
				}
				return res
			case m.method < 0 && m.lib.mod != "": // a method promoted from an embedded library type
				lib := m.lib
				lib.refs, lib.props = recv.refs, recv.props
				return x.libCall(n, callee, lib.mod, lib.member+"."+name, sc, c, argNodes, args, spread, &lib, op)
			}
			owner := recv.local
			if m.method >= 0 {
				owner = m.owner
				if rt, ok := x.results[m.method]; ok {
					tv := x.typeVal(rt)
					res.mod, res.member, res.local = tv.mod, tv.member, tv.local
				}
			} else {
				// A method (or func-typed field) declared in another file:
				// its result is in that file's Types ("Server.gh()").
				res.mod, res.member = typeRoot+recv.local, "."+name+"()"
			}
			if x.ifaces[owner] {
				owner = "" // implemented by any type of the package
			}
			x.localCall(n, c, facts.Callee{Kind: "method", Name: name, Class: owner, Func: m.method, Span: x.span(field)}, argNodes, args, recv.refs)
		default:
			x.localCall(n, c, facts.Callee{Kind: "method", Name: name, Func: -1, Span: x.span(field)}, argNodes, args, recv.refs)
		}
		res.refs = addRefs(res.refs, recv.refs)
		x.registration(n, name, "", args, argNodes)
		return x.wrapped(res, args)
	case "index_expression", "generic_type": // f[T](…)
		base := t.nth(callee, 0)
		if t.typ(base) == "identifier" {
			name := t.text(base)
			if sc.lookup(name) == nil && !builtins[name] {
				idx, ok := x.funcs[name]
				if !ok {
					idx = -1
				}
				x.localCall(n, c, facts.Callee{Kind: "package", Name: name, Func: idx, Span: x.span(base)}, argNodes, args, nil)
				x.registration(n, name, "", args, argNodes)
				return x.wrapped(res, args)
			}
		}
		if t.typ(base) == "selector_expression" {
			if p, ok := x.pkgOf(t.nth(base, 0), sc); ok {
				return x.libCall(n, base, p, t.text(t.nth(base, 1)), sc, c, argNodes, args, spread, nil, none)
			}
		}
	}
	// Calls of computed functions: f()(), m[k](…), a call result's value.
	fv := x.eval(callee, sc, c)
	if fv.mod != "" {
		return x.libCall(n, callee, fv.mod, fv.member, sc, c, argNodes, args, spread, &fv, none)
	}
	if fv.fn >= 0 {
		x.localCall(n, c, facts.Callee{Kind: "local", Func: fv.fn, Span: x.span(callee)}, argNodes, args, nil)
	} else if len(fv.alts) > 0 && fv.fnRef == nil {
		x.altCalls(n, callee, c, argNodes, args, fv.alts) // handlers[name](ctx, x)
	}
	res.refs = addRefs(res.refs, fv.refs)
	return res
}

// maxAlts bounds the functions one call through a table may reach; a
// larger table is noted too deep at the call, never dropped silently.
const maxAlts = 512

// addAlts adds the function v is (or the functions it may be) to alts,
// deduplicated, keeping at most maxAlts+1 (the extra one says "cut").
func addAlts(alts []altFn, v val) []altFn {
	add := func(a altFn) {
		if len(alts) > maxAlts {
			return
		}
		for _, b := range alts {
			if b.fn == a.fn && (a.fn >= 0 || *b.ref == *a.ref) {
				return
			}
		}
		alts = append(alts, a)
	}
	switch {
	case v.fn > 0: // 0 is the top level, never a function value
		add(altFn{fn: v.fn})
	case v.fnRef != nil:
		add(altFn{fn: -1, ref: v.fnRef})
	}
	for _, a := range v.alts {
		add(a)
	}
	return alts
}

// altCalls records a call of a value picked from a table of functions by
// a computed index as a call of each function of the table.
func (x *extractor) altCalls(n, callee int32, c *fnCtx, argNodes []int32, args []val, alts []altFn) {
	for i, a := range alts {
		if i == maxAlts {
			x.f.NoteTooDeep(x.span(n))
			return
		}
		if a.fn >= 0 {
			x.localCall(n, c, facts.Callee{Kind: "local", Name: x.f.Functions[a.fn].Name, Func: a.fn, Span: x.span(callee)}, argNodes, args, nil)
			continue
		}
		ce := *a.ref
		ce.Span = x.span(callee)
		x.localCall(n, c, ce, argNodes, args, nil)
	}
}

// tableStores adds to the package-level tables of this file the functions
// stored into them anywhere in the file (handlers["c"] = f in init()),
// before any function is analysed: a dispatch analysed before the store
// still calls them.
func (x *extractor) tableStores() {
	t := x.t
	for i := range t.nodes {
		if t.nodes[i].typ != "assignment_statement" {
			continue
		}
		kids := t.kids(int32(i))
		if len(kids) < 2 {
			continue
		}
		ls, rs := exprs(t, kids[0]), exprs(t, kids[len(kids)-1])
		if len(ls) != len(rs) {
			continue
		}
		for k, l := range ls {
			if t.typ(l) != "index_expression" || t.typ(t.nth(l, 0)) != "identifier" {
				continue
			}
			tab := x.globals.vars[t.text(t.nth(l, 0))]
			if tab == nil || tab.mod != "" {
				continue
			}
			r := inner(t, rs[k])
			switch t.typ(r) {
			case "func_literal":
				if idx, ok := x.fnOf[r]; ok {
					tab.alts = addAlts(tab.alts, val{fn: idx})
				}
			case "identifier":
				name := t.text(r)
				if idx, ok := x.funcs[name]; ok {
					tab.alts = addAlts(tab.alts, val{fn: idx})
				} else if !x.locals[name] && !builtins[name] {
					tab.alts = addAlts(tab.alts, val{fn: -1, fnRef: &facts.Callee{Kind: "package", Name: name, Func: -1}})
				}
			}
		}
	}
}

// instanceLiteral is the literal an instance returned by a constructor is
// about, for Call.Recv: os.Create("/tmp/x") → "/tmp/x", url.Parse(u). The
// first known argument that looks like a path, URL or address wins; a lone
// argument otherwise (sql.Open("postgres", dsn) names a driver, not a place).
func instanceLiteral(args []val) literal {
	for _, a := range args {
		if a.known && strings.ContainsAny(a.str, "/:.") {
			return literal{str: a.str, known: true, prefix: a.prefix}
		}
	}
	if len(args) == 1 {
		return literalOf(args[0]) // url.Parse(c.baseURL): a constant or field
	}
	return literal{}
}

// sqlDriver is the literal driver name of a database/sql or sqlx open
// call, which its instance's queries carry (rules' driver conditions).
func sqlDriver(mod, member string, args []val) (string, bool) {
	k := -1
	switch mod {
	case "database/sql":
		if member == "Open" {
			k = 0
		}
	case "github.com/jmoiron/sqlx":
		switch member {
		case "Open", "Connect", "MustOpen", "MustConnect":
			k = 0
		case "ConnectContext", "MustConnectContext", "NewDb":
			k = 1
		}
	}
	if k < 0 || k >= len(args) || !args[k].known || args[k].prefix {
		return "", false
	}
	return args[k].str, true
}

// sqlDriverProp is the driver a database/sql instance v was opened with.
func (v *val) sqlDriverProp() (facts.Arg, bool) {
	if v == nil {
		return facts.Arg{}, false
	}
	d, ok := v.props[facts.SQLDriverProp]
	return d, ok
}

// wrapped passes a function through a call that takes exactly one function
// (handler wrappers such as withLogging(h)), and a literal bool through
// pointer helpers (ptr(true), mcp.ToBoolPtr(false), new(true)).
func (x *extractor) wrapped(res val, args []val) val {
	// One function argument, or, of several (wrap(name, handler,
	// func(args any) string {…})), the one typed as a tool handler.
	var fnArg, handlerArg *val
	fns, handlers := 0, 0
	for i := range args {
		a := &args[i]
		if a.fn >= 0 || (a.fnRef != nil && a.fnRef.Kind == "method" && a.fnRef.Class != "") {
			fns++
			fnArg = a
			if x.toolHandlerFunc(*a) {
				handlers++
				handlerArg = a
			}
		}
	}
	switch {
	case fns > 1 && handlers == 1:
		fnArg = handlerArg
	case fns != 1:
		fnArg = nil
	}
	if fnArg != nil && res.fn < 0 && res.fnRef == nil {
		res.fn, res.fnRef, res.typed = fnArg.fn, fnArg.fnRef, fnArg.typed
	}
	if len(args) == 1 && args[0].boolean != 0 {
		res.boolean = args[0].boolean
	}
	if _, _, ok := handlerFactory(res); ok {
		res.binds = factoryBinds(args)
	}
	if _, _, ok := handlerFactory(res); ok && res.inner == nil {
		for _, a := range args {
			// Named as a handler maker (GetAksNetworkResourcesHandler,
			// handlers.HandleRead): a client a constructor made
			// (k8s.NewClient(path)) is an argument, not a handler.
			if _, name, _ := handlerFactory(a); isFactoryResult(a) && strings.Contains(name, "Handle") && !strings.HasPrefix(name, "New") {
				in := a
				in.inner = nil // one level: the factory chains real servers write
				res.inner = &in
				break
			}
		}
	}
	return res
}

func (x *extractor) localCall(n int32, c *fnCtx, callee facts.Callee, argNodes []int32, args []val, recv []facts.ParamRef) {
	lc := facts.LocalCall{Callee: callee, Receiver: recv, Span: x.span(n)}
	for i, a := range args {
		lc.Args = append(lc.Args, x.arg(argNodes[i], a))
		if an := argNodes[i]; a.sel != "" && x.t.typ(an) == "unary_expression" && x.t.operator(an) == "&" {
			x.addStore(a.sel, unknown()) // set(&c.baseURL): written through the pointer
		}
	}
	x.noteStubs(c.idx, lc.Args, args, lc.Span)
	fn := &x.f.Functions[c.idx]
	fn.LocalCalls = append(fn.LocalCalls, lc)
}

// libCall records a call resolved to a library symbol and returns its result.
//
// recv is the value the method is called on (nil for package functions)
// and recvNode its expression (-1 when there is none in the source, as for
// a method value called through a local).
func (x *extractor) libCall(n, callee int32, mod, member string, sc *scope, c *fnCtx, argNodes []int32, args []val, spread bool, recv *val, recvNode int32) val {
	call := facts.Call{Module: mod, Member: member, Func: c.idx, Span: x.span(n), CalleeSpan: x.span(callee), Spread: spread}
	if len(args) > 0 {
		call.Args = make([]facts.Arg, 0, len(args))
	}
	res := unknown()
	res.mod, res.member = mod, member+"()"
	if recv != nil {
		res.refs = recv.refs
		if recvNode >= 0 && strings.Contains(member, "().") {
			ra := facts.Arg{Func: -1, Refs: recv.refs, Props: recv.props}
			if recv.inst.known {
				ra.Value, ra.Known, ra.Prefix = recv.inst.str, true, recv.inst.prefix
			} else if recv.inst.cref != nil {
				ra.Const, ra.Value, ra.Prefix = recv.inst.cref, recv.inst.str, recv.inst.prefix
			}
			call.Recv = &ra
		}
	}
	res.inst = instanceLiteral(args)
	if d, ok := sqlDriver(mod, member, args); ok {
		res.props = map[string]facts.Arg{facts.SQLDriverProp: {Func: -1, Value: d, Known: true}}
	} else if d, ok := recv.sqlDriverProp(); ok && strings.Contains(member, "().") {
		// db.Begin(), db.Conn(ctx), db.Prepare(q): a transaction, connection
		// or statement of the same database.
		res.props = map[string]facts.Arg{facts.SQLDriverProp: d}
		if !res.inst.known && res.inst.cref == nil {
			res.inst = recv.inst
		}
	}
	if mod == "net/http" && (member == "NewRequest" || member == "NewRequestWithContext") {
		// The URL argument, by position: the method is not it.
		k := 1
		if member == "NewRequestWithContext" {
			k = 2
		}
		if k < len(args) {
			res.inst = literalOf(args[k])
		}
	}
	for i, a := range args {
		call.Args = append(call.Args, x.arg(argNodes[i], a))
		res.refs = addRefs(res.refs, a.refs)
	}
	if projectPackage(mod) {
		x.moduleStubs(call.Args, args, call.Span)
	}
	x.f.Calls = append(x.f.Calls, call)
	if mod == "net/http" && (member == "NewRequest" || member == "NewRequestWithContext") {
		// A request's taint is its method's, URL's and body's: not the
		// context's (so a helper's url parameter can be passed on).
		k := 1
		if member == "NewRequestWithContext" {
			k, res.refs = 2, nil
			for _, a := range args[1:] {
				res.refs = addRefs(res.refs, a.refs)
			}
		}
		if k < len(args) && args[k].direct && len(args[k].refs) == 1 && !args[k].known && args[k].cref == nil {
			r := args[k].refs[0]
			res.inst.pass = &r
		}
		if k+1 < len(args) && len(args[k+1].refs) > 0 {
			for _, a := range args[k-1 : k+1] {
				res.reqURL = addRefs(res.reqURL, a.refs)
			}
			res.reqBody = args[k+1].refs
		}
	}

	last := member
	if i := strings.LastIndexByte(member, '.'); i >= 0 {
		last = member[i+1:]
	}
	if strings.HasPrefix(mod, typeRoot) && last != "" && !strings.HasSuffix(last, ")") {
		// The index may turn the call into a library call; until then it
		// may be a method of a project type (or an interface field's
		// implementation), as any call on a value of unknown type is.
		sp := x.span(callee)
		if x.t.typ(callee) == "selector_expression" {
			sp = x.span(x.t.nth(callee, 1))
		}
		var rr []facts.ParamRef
		if recv != nil {
			rr = recv.refs
		}
		x.localCall(n, c, facts.Callee{Kind: "method", Name: last, Func: -1, Span: sp}, argNodes, args, rr)
	}
	x.sdkStore(mod, last, args)
	flagVar := x.flagDefault(mod, member, last, argNodes, args, sc, c, &res)
	x.libraryStores(mod, last, argNodes, args, flagVar)
	switch {
	case mod == "os" && member == "Getenv" && len(args) == 1 && args[0].known && !args[0].prefix && args[0].str != "":
		res.getenv = args[0].str
	case mod == "net/url" && member == "JoinPath" && len(args) > 0:
		// url.JoinPath(base, elems...): elements only extend the path.
		if l := literalOf(args[0]); l.known || l.cref != nil {
			res.str, res.known, res.prefix, res.cref = l.str, l.known, true, l.cref
		}
	case mod == "net/url" && recv != nil && (strings.HasSuffix(member, "URL().String") || strings.HasSuffix(member, "URL().JoinPath") || strings.HasSuffix(member, "URL().Redacted")):
		// u.String() of a URL parsed from a literal, a constant or a field
		// (u := *c.baseURL; u.Path = p): the host stays; the path may not.
		l := recv.inst
		if !l.known && l.cref == nil {
			l = literalOf(*recv)
		}
		if l.known || l.cref != nil {
			if !l.prefix {
				l.str += "/"
			}
			l.prefix = true
			if last == "JoinPath" {
				res.inst = l
			} else {
				res.str, res.known, res.prefix, res.cref = l.str, l.known, true, l.cref
			}
		}
	case mod == "cmp" && member == "Or" && len(args) >= 2 && args[0].getenv != "" && args[1].known && args[1].str != "":
		// cmp.Or(os.Getenv("API_URL"), "https://…"): the default when unset.
		res.str, res.known, res.prefix, res.env = args[1].str, true, args[1].prefix, args[0].getenv
	case mod == "fmt" && member == "Sprintf" && len(args) > 1 && args[0].known && !args[0].prefix && !args[1].known && args[1].cref != nil &&
		(strings.HasPrefix(args[0].str, "%s") || strings.HasPrefix(args[0].str, "%v")):
		// Sprintf("%s/users/%s", c.baseURL, id): the field or constant,
		// then the rest of the format.
		rest, full, cut := formatCut(args[0].str[2:], args[2:])
		res.cref, res.str, res.prefix = args[1].cref, args[1].str, true
		if !args[1].prefix {
			res.str, res.prefix = args[1].str+rest, !full
			if cut >= 0 {
				res.tail = tailAfter(val{}, args[2+cut]) // Sprintf("%s%s", c.base, path)
			}
		} else {
			res.tail = args[1].tail
		}
	case mod == "fmt" && (member == "Sprintf" || member == "Errorf") && len(args) > 0 && args[0].known:
		p, full := formatPrefix(args[0].str)
		if member == "Sprintf" && !args[0].prefix {
			var cut int
			p, full, cut = formatCut(args[0].str, args[1:])
			if cut >= 0 {
				res.tail = tailAfter(val{}, args[1+cut]) // Sprintf("https://api.x.com%s", path)
			}
		}
		res.str, res.known, res.prefix = p, true, !full || args[0].prefix
		if !full || p != "" {
			res.env = args[0].env
		}
	case mod == "fmt" && member == "Sprint" && len(args) > 0:
		v := args[0]
		for _, a := range args[1:] {
			v = concat(v, a)
		}
		res.str, res.known, res.prefix = v.str, v.known, v.prefix
	case (mod == "path/filepath" || mod == "path") && member == "Join" && len(args) > 0 && args[0].known:
		parts := []string{}
		full := true
		for _, a := range args {
			if !a.known || a.prefix {
				full = false
				break
			}
			parts = append(parts, a.str)
		}
		if full {
			res.str, res.known = path.Join(parts...), true
		} else {
			res.str, res.known, res.prefix = strings.TrimSuffix(args[0].str, "/")+"/", true, true
		}
	case mod == "strings" && (member == "TrimSpace" || member == "ToLower" || member == "ToUpper") && len(args) == 1 && args[0].known && !args[0].prefix:
		switch member {
		case "TrimSpace":
			res.str = strings.TrimSpace(args[0].str)
		case "ToLower":
			res.str = strings.ToLower(args[0].str)
		default:
			res.str = strings.ToUpper(args[0].str)
		}
		res.known = true
	case strings.HasSuffix(last, "Unmarshal") || last == "Decode":
		// json.Unmarshal(data, &v), dec.Decode(&v): v now holds the data.
		for i, a := range argNodes {
			if t := x.t; t.typ(a) == "unary_expression" && t.operator(a) == "&" {
				if id := t.nth(a, 0); t.typ(id) == "identifier" {
					if v := sc.lookup(t.text(id)); v != nil {
						var from []facts.ParamRef
						if recv != nil {
							from = recv.refs
						}
						for j, o := range args {
							if j != i {
								from = addRefs(from, o.refs)
							}
						}
						v.refs = addRefs(v.refs, from)
					}
				}
			}
		}
	}
	if tv, ok := x.toolConstructor(mod, member, args, argNodes, n); ok {
		res.tool, res.annots = tv.tool, tv.annots
		if tv.each { // a definition per row of a named table (named.go)
			res.each, res.items, res.cut = true, tv.items, tv.cut
		}
		if tv.typed {
			res.fn, res.fnRef, res.typed = tv.fn, tv.fnRef, true
		}
		if tv.boolean != 0 {
			res.boolean = tv.boolean
		}
	}
	x.registration(n, last, mod, args, argNodes)
	return x.wrapped(res, args)
}
