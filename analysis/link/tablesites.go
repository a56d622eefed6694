package link

import (
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/lang"
)

// Dispatcher arguments into table handlers (JS): a dispatcher that picks a
// tool's handler from a table calls it with objects it holds,
//
//	const handler = toolHandlers[name]; return handler(haClient, args)
//	const tool = tools.find((t) => t.name === name); return tool.handler(client, args)
//
// The call names no function, so no ordinary call site binds haClient to
// the handlers' first parameter and `client.readFile(…)` inside them
// resolves to nothing. tableSites makes the dispatch call one paramSite
// whose targets are every handler of the table: typeParams then types
// their parameters exactly as it does an ordinary call's (one site, all
// handlers: linear in the table, no pair per handler and argument).

// tableSites lists the dispatch calls of the JS table registrations, each
// with the handlers of its table.
func (ix *index) tableSites() []paramSite {
	var out []paramSite
	for i, f := range ix.files {
		if ix.langs[i].Imports() != lang.ImportsFiles {
			continue
		}
		for k := range f.Tools {
			t := &f.Tools[k]
			if t.Table == nil || t.Table.Name == "" || t.Dispatcher <= 0 || t.Dispatcher >= len(f.Functions) {
				continue
			}
			lc := dispatchCall(&f.Functions[t.Dispatcher], t)
			if lc == nil || len(lc.Args) == 0 {
				continue
			}
			var to []fnID
			for _, el := range ix.tableElems(i, t) {
				if el.handler >= 0 {
					to = append(to, el.handler)
				}
			}
			if len(to) > 0 {
				out = append(out, paramSite{file: i, to: to, args: lc.Args})
			}
		}
	}
	return out
}

// dispatchCall is the dispatcher's call of the table's handler: the call
// the registration spans (`toolHandlers[name](…)`, `handler(…)` of a
// handler read from the table), else the one method call of the handler
// property (`tool.handler(…)`); nil when neither is one call.
func dispatchCall(fn *facts.Function, t *facts.Tool) *facts.LocalCall {
	var byProp *facts.LocalCall
	n := 0
	for k := range fn.LocalCalls {
		lc := &fn.LocalCalls[k]
		if lc.Span == t.Span {
			return lc
		}
		if t.Table.HandlerProp != "" && lc.Callee.Kind == "method" && lc.Callee.Name == t.Table.HandlerProp {
			byProp = lc
			n++
		}
	}
	if n == 1 {
		return byProp
	}
	return nil
}

// projectClassSym is the symbol of an instance of a class another JS file
// of the project declares (`new HAClient(o)` of "./ha-client.js"): that
// file's index and the instance, "\x01<file>\x00HAClient()"; "" when the
// instance is no such class's. paramCalls writes it back as an import of
// that file from the file the method call is in.
func (ix *index) projectClassSym(file int, inst string) string {
	mod, mem, ok := strings.Cut(inst, "\x00")
	if !ok || !ix.langs[file].RelativeImport(mod) {
		return ""
	}
	class, ok := strings.CutSuffix(mem, "()")
	if !ok || class == "" || strings.ContainsAny(class, ".()") {
		return ""
	}
	fi := ix.jsFile(file, mod)
	if fi < 0 {
		return ""
	}
	for j := range ix.files[fi].Functions {
		if ix.files[fi].Functions[j].Class == class {
			return "\x01" + strconv.Itoa(fi) + "\x00" + mem
		}
	}
	return ""
}

// classSymModule is the import spec, from file i, of a projectClassSym's
// file; "" when sym is no projectClassSym.
func (ix *index) classSymModule(i int, mod string) string {
	s, ok := strings.CutPrefix(mod, "\x01")
	if !ok {
		return mod
	}
	fi, err := strconv.Atoi(s)
	if err != nil || fi < 0 || fi >= len(ix.files) {
		return ""
	}
	rel, err := filepath.Rel(filepath.FromSlash(path.Dir(ix.files[i].Path)), filepath.FromSlash(ix.files[fi].Path))
	if err != nil {
		return ""
	}
	rel = filepath.ToSlash(rel)
	if !strings.HasPrefix(rel, "../") {
		rel = "./" + rel
	}
	return rel
}
