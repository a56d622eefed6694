package python

import (
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// A low-level call_tool dispatching through a dict of handlers another
// module of the project defines:
//
//	from .handlers import HANDLERS        # HANDLERS = {"read_file": read_file, …}
//	@server.call_tool()
//	async def call_tool(name, arguments):
//	    return await HANDLERS[name](arguments)   # or h = HANDLERS.get(name); h(arguments)
//
// The tools are the names list_tools declares in this file; each one's
// handler is the entry of that name, which the defining module exports as
// "HANDLERS.<key>" (tableExports) and the link follows the import to. A
// listed name the dict lacks keeps only the dispatcher's code.

// importedTable returns the imported name of the dict the dispatcher body
// looks the tool name up in (TABLE[name] or TABLE.get(name)), the index of
// the call argument carrying the tool input (-1: unknown), or "".
func (e *extractor) importedTable(h int, body int32, nameParam string) (string, int) {
	t := e.t
	table := ""
	holder := ""
	in := -1
	ps := e.f.Functions[h].Params
	argOf := func(call int32) {
		for i, a := range t.namedKids(t.field(call, "arguments"), nil) {
			if len(ps) > 1 && t.typ(a) != "keyword_argument" && t.textEq(a, ps[len(ps)-1]) {
				in = i
				return
			}
		}
	}
	lookup := func(x int32) string { return e.nameLookup(x, nameParam) }
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
			case "call":
				f := t.unparen(t.field(c, "function"))
				if tb := lookup(f); tb != "" && table == "" {
					table = tb
					argOf(c)
				} else if holder != "" && t.typ(f) == "identifier" && t.textEq(f, holder) && in < 0 {
					argOf(c)
				}
			case "assignment":
				if l := t.field(c, "left"); t.typ(l) == "identifier" && table == "" {
					if tb := lookup(t.field(c, "right")); tb != "" {
						table, holder = tb, t.text(l)
					}
				}
			}
			walk(c, depth+1)
		}
	}
	walk(body, 0)
	if table == "" {
		return "", -1
	}
	if e.imported == nil {
		e.imported = e.importedNames()
	}
	if !e.imported[table] || e.dictAssigned(body, table) >= 0 || e.dictAssigned(0, table) >= 0 {
		return "", -1
	}
	return table, in
}

// tableTools gives the dispatcher p that looks tools up in an imported dict
// one tool per listed name, its handler the dict's entry of that name.
func (e *extractor) tableTools(p plainHandler) {
	seen := map[string]bool{}
	for _, l := range e.listed {
		if l.name == "" || seen[l.name] {
			continue // a name by reference is no key the dict can be asked for here
		}
		seen[l.name] = true
		tool := facts.Tool{
			Name: l.name, NameSpan: l.span, Span: e.span(p.dec), SDK: sdkLowLevel, Handler: -1, Dispatcher: p.fn,
			HandlerRef: &facts.Callee{Kind: "local", Name: p.table + "." + l.name, Func: -1, Span: e.span(p.dec)},
		}
		if p.tableArg >= 0 {
			tool.Inputs = []facts.ToolInput{{Index: p.tableArg}}
		}
		e.lowTools = append(e.lowTools, len(e.f.Tools))
		e.f.Tools = append(e.f.Tools, tool)
	}
}

// tableExports adds to ex the entries of the module's dict literals of
// handlers, `NAME = {"key": fn, …}` with fn a function of the file, as
// "NAME.key" (a key with a dot is left out: it would read as a path).
func (e *extractor) tableExports(ex map[string]int) {
	t := e.t
	for c := t.n[0].first; c >= 0; c = t.n[c].next {
		if t.n[c].typ != "expression_statement" {
			continue
		}
		a := t.firstNamed(c)
		if t.typ(a) != "assignment" || t.typ(t.field(a, "left")) != "identifier" {
			continue
		}
		d := t.unparen(t.field(a, "right"))
		if t.typ(d) != "dictionary" {
			continue
		}
		name := t.text(t.field(a, "left"))
		for _, p := range t.namedKids(d, nil) {
			if t.typ(p) != "pair" {
				continue
			}
			key, ok := e.staticString(t.field(p, "key"), e.f.Constants, "")
			v := t.unparen(t.field(p, "value"))
			if !ok || key == "" || strings.Contains(key, ".") || t.typ(v) != "identifier" {
				continue
			}
			if idx, ok := ex[t.text(v)]; ok {
				ex[name+"."+key] = idx
			}
		}
	}
}
