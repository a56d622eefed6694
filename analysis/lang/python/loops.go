package python

// Tools registered in a loop over a literal list or dict of handlers
// (`for fn in (read, write): mcp.tool()(fn)`, `for name, fn in TOOLS.items():
// mcp.add_tool(fn, name=name)`): the loop is unrolled for the registration,
// one tool per element, each with its own handler and name.

// maxLoopElems bounds the elements a registration loop is unrolled over.
const maxLoopElems = 500

// loopBind maps, per element of a literal loop, each loop target name to
// the element's expression for it.
type loopBind struct {
	elems []map[string]int32
}

// literalLoop reads `for left in right` when right is a literal container
// (or a name assigned one in this function or at module level, or its
// .items() / .keys() / .values()) and left names its elements.
func (e *extractor) literalLoop(fc *fnCtx, left, right int32) (loopBind, bool) {
	t := e.t
	var names []string
	left = t.unparen(left)
	switch {
	case t.typ(left) == "identifier":
		names = []string{t.text(left)}
	case isSeq(t.typ(left)):
		for _, k := range t.namedKids(left, nil) {
			if t.typ(k) != "identifier" {
				return loopBind{}, false
			}
			names = append(names, t.text(k))
		}
	default:
		return loopBind{}, false
	}
	r := t.unparen(right)
	view := ""
	if t.typ(r) == "call" && len(t.namedKids(t.field(r, "arguments"), nil)) == 0 {
		if f := t.field(r, "function"); t.typ(f) == "attribute" {
			switch a := t.text(t.field(f, "attribute")); a {
			case "items", "keys", "values":
				view, r = a, t.unparen(t.field(f, "object"))
			}
		}
	}
	if t.typ(r) == "identifier" {
		r = e.literalAssigned(fc, t.text(r))
	}
	var rows [][]int32
	switch t.typ(r) {
	case "list", "tuple", "set":
		if view != "" {
			return loopBind{}, false
		}
		for _, el := range t.namedKids(r, nil) {
			el = t.unparen(el)
			if len(names) == 1 {
				rows = append(rows, []int32{el})
				continue
			}
			if t.typ(el) != "tuple" && t.typ(el) != "list" {
				return loopBind{}, false
			}
			rows = append(rows, t.namedKids(el, nil))
		}
	case "dictionary":
		for _, p := range t.namedKids(r, nil) {
			if t.typ(p) != "pair" {
				return loopBind{}, false
			}
			k, v := t.unparen(t.field(p, "key")), t.unparen(t.field(p, "value"))
			switch view {
			case "items":
				rows = append(rows, []int32{k, v})
			case "values":
				rows = append(rows, []int32{v})
			default:
				rows = append(rows, []int32{k})
			}
		}
	default:
		return loopBind{}, false
	}
	if len(rows) == 0 || len(rows) > maxLoopElems {
		return loopBind{}, false
	}
	var lb loopBind
	for _, row := range rows {
		if len(row) != len(names) {
			return loopBind{}, false
		}
		m := make(map[string]int32, len(names))
		for i, nm := range names {
			m[nm] = row[i]
		}
		lb.elems = append(lb.elems, m)
	}
	return lb, true
}

// literalAssigned finds `name = [...]` / `(...)` / `{...}` directly in the
// body of the function being walked, else at module level; -1 when none.
func (e *extractor) literalAssigned(fc *fnCtx, name string) int32 {
	t := e.t
	blocks := []int32{0}
	if fc.decl > 0 && fc.decl < len(e.fnNode) && e.fnNode[fc.decl] >= 0 {
		if b := t.field(e.fnNode[fc.decl], "body"); b >= 0 {
			blocks = []int32{b, 0}
		}
	}
	for _, b := range blocks {
		for c := t.n[b].first; c >= 0; c = t.n[c].next {
			if t.n[c].typ != "expression_statement" {
				continue
			}
			a := t.firstNamed(c)
			if t.typ(a) != "assignment" || !t.textEq(t.field(a, "left"), name) {
				continue
			}
			switch r := t.unparen(t.field(a, "right")); t.typ(r) {
			case "list", "tuple", "set", "dictionary":
				return r
			}
		}
	}
	return -1
}

// loopElems is the innermost literal loop binding name, or nil.
func (fc *fnCtx) loopElems(name string) []map[string]int32 {
	for i := len(fc.loops) - 1; i >= 0; i-- {
		if _, ok := fc.loops[i].elems[0][name]; ok {
			return fc.loops[i].elems
		}
	}
	return nil
}

// registerLoop records one tool per element of the literal loop that binds
// the handler h: its handler is the element's function, its name the
// element's name when the registration names the tool by a loop variable.
func (e *extractor) registerLoop(fc *fnCtx, sdk string, n int32, al argList, nameCall int32, elems []map[string]int32, h string) {
	t := e.t
	// The loop variable naming the tool: name=x, or the first positional of
	// the decorator call in mcp.tool(x)(fn).
	nameVar := ""
	args := n
	if nameCall >= 0 {
		args = nameCall
	}
	for i, a := range t.namedKids(t.field(args, "arguments"), nil) {
		switch {
		case t.typ(a) == "keyword_argument" && t.textEq(t.field(a, "name"), "name"):
			if v := t.unparen(t.field(a, "value")); t.typ(v) == "identifier" {
				nameVar = t.text(v)
			}
		case i == 0 && nameCall >= 0 && t.typ(a) == "identifier":
			nameVar = t.text(a)
		}
	}
	for _, el := range elems {
		hn := el[h]
		before := len(e.f.Tools)
		e.registerHandler(fc, sdk, n, hn, e.pureVal(fc, hn), nameCall)
		if len(e.f.Tools) == before {
			continue
		}
		tl := &e.f.Tools[len(e.f.Tools)-1]
		if nn, ok := el[nameVar]; ok && nameVar != "" {
			tl.Name, tl.NameRef, tl.NameExpr = "", "", ""
			tl.NameSpan = e.span(nn)
			if name, ref, ok := e.toolName(nn); ok {
				tl.Name, tl.NameRef = name, ref
			} else {
				tl.NameExpr = t.text(nn)
			}
		}
	}
}
