package python

import (
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// Low-level `call_tool` handlers that dispatch through a registry of
// handler objects: `TOOLS[name].execute(args)`, `h = REGISTRY.get(name)`
// then `await h.run(arguments)` or `h(arguments)`, where the registry is a
// dict literal of names to functions, instances or classes of the file, or
// a comprehension `{t.name: t for t in [ReadTool(), RunTool()]}` over a
// literal list. Each entry is a tool: its name the key (a class's literal
// `name` attribute for a comprehension), its handler the function or the
// method the dispatcher calls on the entry.

// registryDispatch reads such a dispatcher; it records nothing when the
// registry or its use is not spelled out in the file.
func (e *extractor) registryDispatch(h int, body int32, nameParam string) {
	t := e.t
	lookup := func(x int32) (string, bool) {
		tb := e.nameLookup(x, nameParam)
		return tb, tb != ""
	}
	var table, holder, method string
	call := int32(-1)
	var walk func(n int32, depth int, pass int)
	walk = func(n int32, depth int, pass int) {
		if depth > maxDepth || call >= 0 {
			return
		}
		for c := t.n[n].first; c >= 0 && call < 0; c = t.n[c].next {
			switch t.n[c].typ {
			case "function_definition", "class_definition", "lambda", "decorated_definition":
				continue
			case "call":
				f := t.unparen(t.field(c, "function"))
				switch {
				case pass == 0 && t.typ(f) != "attribute":
					if tb, ok := lookup(f); ok {
						table, call = tb, c
					}
				case pass == 0:
					if tb, ok := lookup(t.field(f, "object")); ok {
						table, call, method = tb, c, t.text(t.field(f, "attribute"))
					}
				case t.typ(f) == "identifier" && t.textEq(f, holder):
					call = c
				case t.typ(f) == "attribute" && t.textEq(t.unparen(t.field(f, "object")), holder):
					call, method = c, t.text(t.field(f, "attribute"))
				}
			case "assignment":
				if l := t.field(c, "left"); pass == 0 && holder == "" && t.typ(l) == "identifier" {
					if tb, ok := lookup(t.field(c, "right")); ok {
						table, holder = tb, t.text(l)
					}
				}
			}
			walk(c, depth+1, pass)
		}
	}
	walk(body, 0, 0)
	if call < 0 && holder != "" {
		walk(body, 0, 1)
	}
	if call < 0 {
		return
	}
	reg := e.registryAssigned(body, table)
	if reg < 0 {
		reg = e.registryAssigned(0, table)
	}
	if reg < 0 {
		return
	}
	// The argument carrying the tool input: the handler's last parameter.
	in := -1
	ps := e.f.Functions[h].Params
	for i, a := range t.namedKids(t.field(call, "arguments"), nil) {
		if len(ps) > 1 && t.typ(a) != "keyword_argument" && t.textEq(a, ps[len(ps)-1]) {
			in = i
			break
		}
	}
	for _, en := range e.registryEntries(reg) {
		name, ref, ok := en.name, en.ref, en.named
		if !ok {
			continue
		}
		v := e.syntaxVal(en.value)
		idx := -1
		shift := 0
		switch {
		case method == "" && v.isFn:
			idx = v.fn
		case method != "" && (v.cls != "" || v.classDef != ""):
			cls := v.cls + v.classDef
			idx = e.resolveMethod(cls, method)
			if v.cls != "" {
				shift = 1 // self
			}
		}
		tool := facts.Tool{Name: name, NameRef: ref, NameExpr: en.expr, NameSpan: e.span(en.key), Span: e.span(en.span), SDK: sdkLowLevel, Handler: idx, Dispatcher: h}
		if cls, inst := e.importedClass(en.value); idx < 0 && method != "" && cls != "" {
			// A handler class of another module of the project: the link
			// follows the import to its method.
			tool.HandlerRef = &facts.Callee{Kind: "local", Name: cls + "." + method, Func: -1, Span: e.span(en.value)}
			if inst {
				shift = 1
			}
		}
		if in >= 0 {
			tool.Inputs = []facts.ToolInput{{Index: in + shift}}
		}
		e.lowTools = append(e.lowTools, len(e.f.Tools))
		e.f.Tools = append(e.f.Tools, tool)
	}
}

type registryEntry struct {
	key, value, span int32
	name, ref, expr  string
	named            bool
}

// registryAssigned finds `name = {…}` (a dict literal or comprehension)
// directly in block; -1 when none.
func (e *extractor) registryAssigned(block int32, name string) int32 {
	t := e.t
	for c := t.n[block].first; c >= 0; c = t.n[c].next {
		if t.n[c].typ != "expression_statement" {
			continue
		}
		a := t.firstNamed(c)
		if t.typ(a) == "assignment" && t.textEq(t.field(a, "left"), name) {
			if r := t.unparen(t.field(a, "right")); t.typ(r) == "dictionary" || t.typ(r) == "dictionary_comprehension" {
				return r
			}
		}
	}
	return -1
}

// registryEntries lists a registry's entries with their names.
func (e *extractor) registryEntries(reg int32) []registryEntry {
	t := e.t
	var out []registryEntry
	if t.typ(reg) == "dictionary" {
		for _, p := range t.namedKids(reg, nil) {
			if t.typ(p) != "pair" {
				continue
			}
			en := registryEntry{key: t.field(p, "key"), value: t.unparen(t.field(p, "value")), span: p}
			en.name, en.ref, en.named = e.toolName(en.key)
			out = append(out, en)
		}
		return out
	}
	// {K: V for x in SEQ}: K is x.attr (a class attribute) or x[i] / x.
	pair := t.field(reg, "body")
	var clause int32 = -1
	for c := t.n[reg].first; c >= 0; c = t.n[c].next {
		switch t.n[c].typ {
		case "for_in_clause":
			if clause >= 0 {
				return nil // nested loops: not a plain registry
			}
			clause = c
		case "if_clause":
			return nil // filtered: which entries remain is not known
		}
	}
	if t.typ(pair) != "pair" || clause < 0 {
		return nil
	}
	lb, ok := e.literalLoop(&fnCtx{}, t.field(clause, "left"), t.field(clause, "right"))
	if !ok {
		return nil
	}
	k, v := t.unparen(t.field(pair, "key")), t.unparen(t.field(pair, "value"))
	kRoot, kAttr := e.loopRoot(k)
	vRoot, vAttr := e.loopRoot(v)
	if kRoot == "" || vRoot == "" || vAttr != "" {
		return nil
	}
	for _, el := range lb.elems {
		kn, ok1 := el[kRoot]
		vn, ok2 := el[vRoot]
		if !ok1 || !ok2 {
			return nil
		}
		en := registryEntry{key: kn, value: vn, span: vn}
		if kAttr != "" {
			if s, ok := e.classConst(e.syntaxVal(kn), kAttr); ok {
				en.name, en.named = s, true
			} else if cls, _ := e.importedClass(kn); cls != "" {
				// RunTool imported from a project module: its literal
				// attribute there names the tool (the link looks it up).
				en.ref, en.named = cls+"."+kAttr, true
			} else {
				en.expr, en.named = strings.Join(strings.Fields(t.text(kn)), "")+"."+kAttr, true
			}
		} else {
			en.name, en.ref, en.named = e.toolName(kn)
		}
		out = append(out, en)
	}
	return out
}

// syntaxVal reads a registry value before the file is evaluated: a function
// of the file by name, a lambda, a class of the file or an instance of one.
func (e *extractor) syntaxVal(x int32) val {
	t := e.t
	x = t.unparen(x)
	switch t.typ(x) {
	case "lambda":
		if i, ok := e.fnOf[x]; ok {
			return val{isFn: true, fn: i}
		}
	case "call":
		if f := t.unparen(t.field(x, "function")); t.typ(f) == "identifier" && e.classes[t.text(f)] != nil {
			return val{cls: t.text(f)}
		}
	case "identifier":
		name := t.text(x)
		if e.classes[name] != nil {
			return val{classDef: name}
		}
		for j, fn := range e.f.Functions {
			if fn.Name == name && fn.Parent == 0 && fn.Class == "" && e.fnNode[j] >= 0 {
				return val{isFn: true, fn: j}
			}
		}
	}
	return val{}
}

// nameLookup is the dict x looks the tool name up in: TABLE for
// TABLE[name] or TABLE.get(name) (awaited or not); "" otherwise.
func (e *extractor) nameLookup(x int32, nameParam string) string {
	t := e.t
	x = t.unparen(x)
	if t.typ(x) == "await" {
		x = t.unparen(t.firstNamed(x))
	}
	switch t.typ(x) {
	case "subscript":
		if v := t.field(x, "value"); t.typ(v) == "identifier" && t.textEq(t.unparen(t.field(x, "subscript")), nameParam) {
			return t.text(v)
		}
	case "call":
		f := t.field(x, "function")
		if t.typ(f) != "attribute" || !t.textEq(t.field(f, "attribute"), "get") {
			break
		}
		o := t.field(f, "object")
		if ks := t.namedKids(t.field(x, "arguments"), nil); t.typ(o) == "identifier" && len(ks) > 0 && t.textEq(ks[0], nameParam) {
			return t.text(o)
		}
	}
	return ""
}

// importedClass is the class name x spells when it is an imported name
// (Cls) or a call of one (Cls()), inst telling the call; "" otherwise. A
// capitalised name is taken for a class: the link resolves it among the
// project's modules, or the tool stays unresolved.
func (e *extractor) importedClass(x int32) (cls string, inst bool) {
	t := e.t
	x = t.unparen(x)
	if t.typ(x) == "call" {
		x, inst = t.unparen(t.field(x, "function")), true
	}
	if t.typ(x) != "identifier" {
		return "", false
	}
	name := t.text(x)
	if e.imported == nil {
		e.imported = e.importedNames()
	}
	if name == "" || name[0] < 'A' || name[0] > 'Z' || e.classes[name] != nil || !e.imported[name] {
		return "", false
	}
	return name, inst
}

// loopDispatch reads `for t in [ReadTool(), RunTool()]: if t.name == name:
// return await t.execute(arguments)` (the list literal or a name assigned
// one): each element is a tool named by its class's literal attribute,
// handled by the method the branch calls on it.
func (e *extractor) loopDispatch(h int, body int32, nameParam string) {
	t := e.t
	var loops []int32
	var find func(n int32, depth int)
	find = func(n int32, depth int) {
		if depth > maxDepth {
			return
		}
		for c := t.n[n].first; c >= 0; c = t.n[c].next {
			switch t.n[c].typ {
			case "function_definition", "class_definition", "lambda", "decorated_definition":
				continue
			case "for_statement":
				loops = append(loops, c)
			}
			find(c, depth+1)
		}
	}
	find(body, 0)
	ps := e.f.Functions[h].Params
	for _, loop := range loops {
		left := t.unparen(t.field(loop, "left"))
		if t.typ(left) != "identifier" {
			continue
		}
		x := t.text(left)
		lb, ok := e.literalLoop(&fnCtx{decl: h}, left, t.field(loop, "right"))
		if !ok {
			continue
		}
		// if x.attr == name: … x.m(…)
		var attr, method string
		call := int32(-1)
		var walk func(n int32, depth int)
		walk = func(n int32, depth int) {
			if depth > maxDepth || call >= 0 {
				return
			}
			for c := t.n[n].first; c >= 0 && call < 0; c = t.n[c].next {
				if t.n[c].typ != "if_statement" {
					walk(c, depth+1)
					continue
				}
				cond := t.unparen(t.field(c, "condition"))
				if t.typ(cond) != "comparison_operator" || e.operator(cond) != "==" {
					continue
				}
				ks := t.namedKids(cond, nil)
				if len(ks) != 2 {
					continue
				}
				side := ks[0]
				if t.textEq(ks[0], nameParam) {
					side = ks[1]
				} else if !t.textEq(ks[1], nameParam) {
					continue
				}
				root, a := e.loopRoot(side)
				if root != x || a == "" {
					continue
				}
				var inner func(n int32, depth int)
				inner = func(n int32, depth int) {
					for d := t.n[n].first; d >= 0 && call < 0 && depth < maxDepth; d = t.n[d].next {
						if t.n[d].typ == "call" {
							if r, m := e.loopRoot(t.field(d, "function")); r == x && m != "" {
								call, method, attr = d, m, a
								return
							}
						}
						inner(d, depth+1)
					}
				}
				inner(t.field(c, "consequence"), 0)
			}
		}
		walk(t.field(loop, "body"), 0)
		if call < 0 {
			continue
		}
		in := -1
		for i, a := range t.namedKids(t.field(call, "arguments"), nil) {
			if len(ps) > 1 && t.typ(a) != "keyword_argument" && t.textEq(a, ps[len(ps)-1]) {
				in = i
				break
			}
		}
		for _, el := range lb.elems {
			en := el[x]
			v := e.syntaxVal(en)
			if v.cls == "" && v.classDef == "" {
				continue
			}
			tool := facts.Tool{NameSpan: e.span(en), Span: e.span(en), SDK: sdkLowLevel, Handler: -1, Dispatcher: h}
			if s, ok := e.classConst(v, attr); ok {
				tool.Name = s
			} else {
				tool.NameExpr = strings.Join(strings.Fields(t.text(en)), "") + "." + attr
			}
			shift := 0
			if v.cls != "" {
				shift = 1
			}
			tool.Handler = e.resolveMethod(v.cls+v.classDef, method)
			if in >= 0 {
				tool.Inputs = []facts.ToolInput{{Index: in + shift}}
			}
			e.lowTools = append(e.lowTools, len(e.f.Tools))
			e.f.Tools = append(e.f.Tools, tool)
		}
		return
	}
}
