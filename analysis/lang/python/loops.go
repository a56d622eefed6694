package python

import (
	"slices"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

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

// loopOfHandlers reports whether x is the variable of a literal loop
// whose every element is a function or a method of the file.
func (e *extractor) loopOfHandlers(fc *fnCtx, x int32) bool {
	t := e.t
	x = t.unparen(x)
	if t.typ(x) != "identifier" {
		return false
	}
	elems := fc.loopElems(t.text(x))
	for _, el := range elems {
		if v := e.elemVal(fc, el[t.text(x)]); !v.isFn && v.meth == "" {
			return false
		}
	}
	return len(elems) > 0
}

// loopRoot is the loop variable an expression starts from: x for x and
// x.attr; "" otherwise.
func (e *extractor) loopRoot(x int32) (root, attr string) {
	t := e.t
	x = t.unparen(x)
	switch t.typ(x) {
	case "identifier":
		return t.text(x), ""
	case "attribute":
		if o := t.unparen(t.field(x, "object")); t.typ(o) == "identifier" {
			return t.text(o), t.text(t.field(x, "attribute"))
		}
	}
	return "", ""
}

// elemVal is the value of a loop element: a function, a method, an
// instance of a class of the file (ReadTool()) or the class itself.
func (e *extractor) elemVal(fc *fnCtx, x int32) val {
	t := e.t
	x = t.unparen(x)
	switch t.typ(x) {
	case "lambda":
		if i, ok := e.fnOf[x]; ok {
			return val{isFn: true, fn: i}
		}
	case "call":
		if v := e.pureVal(fc, t.field(x, "function")); v.classDef != "" {
			return val{cls: v.classDef}
		}
		return val{}
	}
	return e.pureVal(fc, x)
}

// classConst is the literal class attribute attr of the class of v (an
// instance or the class), looked up through its bases in the file.
func (e *extractor) classConst(v val, attr string) (string, bool) {
	cls := v.cls
	if v.classDef != "" {
		cls = v.classDef
	}
	for depth := 0; cls != "" && depth < 6; depth++ {
		if s, ok := e.f.Constants[cls+"."+attr]; ok {
			return s, true
		}
		ci := e.classes[cls]
		if ci == nil {
			break
		}
		next := ""
		for _, b := range ci.bases {
			if e.classes[b] != nil && b != cls {
				next = b
				break
			}
		}
		cls = next
	}
	return "", false
}

// registerLoop records one tool per element of the literal loop that binds
// the handler h: its handler is the element's function, its name the
// element's name when the registration names the tool by a loop variable.
func (e *extractor) registerLoop(fc *fnCtx, sdk string, n int32, al argList, nameCall int32, elems []map[string]int32, h int32) {
	t := e.t
	hRoot, hAttr := e.loopRoot(h)
	// The expression naming the tool: name=x, or the first positional of
	// the decorator call in mcp.tool(x)(fn); x a loop variable or x.attr.
	nameX := int32(-1)
	args := n
	if nameCall >= 0 {
		args = nameCall
	}
	for i, a := range t.namedKids(t.field(args, "arguments"), nil) {
		switch {
		case t.typ(a) == "keyword_argument" && t.textEq(t.field(a, "name"), "name"):
			nameX = t.unparen(t.field(a, "value"))
		case i == 0 && nameCall >= 0 && t.typ(a) != "keyword_argument" && t.typ(a) != "string":
			nameX = t.unparen(a)
		}
	}
	nRoot, nAttr := "", ""
	if nameX >= 0 {
		nRoot, nAttr = e.loopRoot(nameX)
	}
	for _, el := range elems {
		hn := el[hRoot]
		hv := e.elemVal(fc, hn)
		if hAttr != "" {
			hv = e.member(fc, hv, hAttr)
			hn = h
		}
		before := len(e.f.Tools)
		e.registerHandler(fc, sdk, n, hn, hv, nameCall)
		if len(e.f.Tools) == before {
			continue
		}
		tl := &e.f.Tools[len(e.f.Tools)-1]
		nn, ok := el[nRoot]
		if !ok || nRoot == "" {
			continue
		}
		tl.Name, tl.NameRef, tl.NameExpr = "", "", ""
		tl.NameSpan = e.span(nn)
		switch {
		case nAttr != "":
			if s, ok := e.classConst(e.elemVal(fc, nn), nAttr); ok {
				tl.Name = s
			} else {
				tl.NameExpr = strings.Join(strings.Fields(t.text(nn)), "") + "." + nAttr
			}
		default:
			if name, ref, ok := e.toolName(nn); ok {
				tl.Name, tl.NameRef = name, ref
			} else {
				tl.NameExpr = strings.Join(strings.Fields(t.text(nn)), "")
			}
		}
	}
}

// selfNamed expands a tool registered in a method of class K under
// `self.attr` (`server.tool(name=self.name)(self.run)` in a base class's
// register method) into one tool per class of the file that is or derives
// from K and gives attr a literal value: its name, and its own override
// of a `self.method` handler. With no such class the tool stays unresolved.
func (e *extractor) selfNamed(fc *fnCtx, before int, hv val) {
	if fc.class == nil || fc.selfName == "" || len(e.f.Tools) != before+1 {
		return
	}
	tl := e.f.Tools[before]
	attr, ok := strings.CutPrefix(tl.NameExpr, fc.selfName+".")
	if !ok || tl.Name != "" || strings.ContainsAny(attr, ".()[] ") {
		return
	}
	var out []facts.Tool
	for _, ci := range e.classOrder() {
		if !e.derives(ci.name, fc.class.name, 0) {
			continue
		}
		name, ok := e.classConst(val{classDef: ci.name}, attr)
		if !ok || name == "" {
			continue
		}
		c := tl
		c.Name, c.NameExpr = name, ""
		if hv.meth != "" && hv.cls == fc.class.name {
			if mi := e.resolveMethod(ci.name, hv.meth); mi >= 0 {
				c.Handler, c.HandlerRef = mi, nil
				c.Inputs = e.toolInputs(mi)
			}
		}
		out = append(out, c)
	}
	if len(out) > 0 {
		e.f.Tools = append(e.f.Tools[:before], out...)
	}
}

// classOrder lists the file's classes in source order.
func (e *extractor) classOrder() []*classInfo {
	out := make([]*classInfo, 0, len(e.classes))
	for _, ci := range e.classes {
		out = append(out, ci)
	}
	slices.SortFunc(out, func(a, b *classInfo) int { return int(a.node - b.node) })
	return out
}

// derives says class c is k or derives from it through classes of the file.
func (e *extractor) derives(c, k string, depth int) bool {
	if c == k {
		return true
	}
	ci := e.classes[c]
	if ci == nil || depth > 8 {
		return false
	}
	for _, b := range ci.bases {
		if b != c && e.derives(b, k, depth+1) {
			return true
		}
	}
	return false
}
