package link

import (
	"path"
	"slices"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/modules"
)

// Tool tables across files (JS): a registration in a loop over an array of
// tool objects that other files define (facts.ToolTable) is one tool per
// object. The link walks the lists (File.Lists) from the array the loop
// names, through spreads, imports and re-exports, to the objects; an
// object's name is its NameProp string constant and its handler its
// HandlerProp function (Exports "obj.prop"). A registration whose elements
// are not found stays one unresolved tool.

const (
	// maxTableSteps bounds the lists and objects one table visits.
	maxTableSteps = 4096
	// maxTableTools bounds the tools one registration expands to. Past
	// either bound the registration stays one unresolved tool.
	maxTableTools = facts.MaxListElems
)

// tableElem is one tool of a table: its name, its handler (-1: the
// registration's own) and the handler parameters carrying its input (nil:
// the registration's).
type tableElem struct {
	name    string
	handler fnID
	inputs  []facts.ToolInput
}

// addTableTools adds a tool per element of registration ti; false when
// there is none.
func (ix *index) addTableTools(ti toolInfo, els []tableElem) bool {
	for _, el := range els {
		te := ti
		te.name, te.expr = el.name, ""
		if el.handler >= 0 {
			te.handler, te.inputs = el.handler, el.inputs
		}
		ix.addTool(te)
	}
	return len(els) > 0
}

// tableItem is a value a table walk visits: Name of file File's module Mod.
type tableItem struct {
	file      int
	mod, name string
	list      bool // a list (spread or the loop's array), else one object
}

// tableElems lists the tools of registration t of file i, in list order;
// nil when none is found.
func (ix *index) tableElems(i int, t *facts.Tool) []tableElem {
	if t.Table.Keyed {
		return ix.keyedElems(i, t)
	}
	return ix.walkTable(t.Table, []tableItem{{file: i, mod: t.Table.Module, name: t.Table.Name, list: true}}, nil)
}

// paramElems lists the tools of a registration named by a parameter's
// property: the tool objects its function's callers pass, imported from
// another file or written in the call.
func (ix *index) paramElems(ti toolInfo) []tableElem {
	tb := ti.t.Table
	if tb.Fn <= 0 || tb.Fn >= len(ix.files[ti.file].Functions) {
		return nil
	}
	var start []tableItem
	var out []tableElem
	for _, cs := range ix.callers[ix.base[ti.file]+fnID(tb.Fn)] {
		if tb.Param >= len(cs.args) {
			continue
		}
		a, cf := &cs.args[tb.Param], int(ix.owner[cs.caller])
		if mod, name, ok := strings.Cut(a.Inst, "\x00"); ok && ix.langs[cf].RelativeImport(mod) && !strings.ContainsAny(name, ".()") {
			start = append(start, tableItem{file: cf, mod: mod, name: name})
			continue
		}
		np, ok := a.Props[tb.NameProp]
		if !ok || !np.Known || np.Prefix {
			continue
		}
		el := tableElem{name: np.Value, handler: -1}
		if hp, ok := a.Props[tb.HandlerProp]; ok && tb.HandlerProp != "" && hp.Func > 0 && hp.Func < len(ix.files[cf].Functions) {
			el.handler = ix.base[cf] + fnID(hp.Func)
			el.inputs = []facts.ToolInput{{Index: max(tb.InputArg, 0)}}
		}
		out = append(out, el)
	}
	return ix.walkTable(tb, start, out)
}

// walkTable adds to out the tools of the lists and objects from start; nil
// when the walk goes past its bounds: the registration then stays one
// unresolved tool, never a table cut short.
func (ix *index) walkTable(tb *facts.ToolTable, queue []tableItem, out []tableElem) []tableElem {
	type seenKey struct {
		file int
		name string
		list bool
	}
	seen := map[seenKey]bool{}
	for steps := 0; steps < len(queue); steps++ {
		if steps >= maxTableSteps || len(out) > maxTableTools {
			return nil
		}
		it := queue[steps]
		fi, ok := ix.tableFile(it.file, it.mod)
		if !ok {
			continue
		}
		k := seenKey{fi, it.name, it.list}
		if seen[k] {
			continue
		}
		seen[k] = true
		f := ix.files[fi]
		if it.name == "*" && it.list {
			queue = ix.moduleObjects(queue, fi, tb)
			continue
		}
		if els, ok := f.Lists[it.name]; ok && it.list {
			for _, el := range els {
				queue = append(queue, tableItem{file: fi, mod: el.Module, name: el.Name, list: el.Spread})
			}
			continue
		}
		if name, ok := f.Constants[it.name+"."+tb.NameProp]; ok && !it.list {
			el := tableElem{name: name, handler: -1}
			if tb.HandlerProp != "" {
				if j, ok := f.Exports[it.name+"."+tb.HandlerProp]; ok && j > 0 && j < len(f.Functions) {
					el.handler = ix.base[fi] + fnID(j)
					el.inputs = []facts.ToolInput{{Index: max(tb.InputArg, 0)}}
				}
			}
			out = append(out, el)
			continue
		}
		// Not defined here: imported, or re-exported (`export { x } from`,
		// `export * from`, recorded as imports of "*" with no local name).
		for _, im := range f.Imports {
			switch {
			case im.Local == it.name || im.Local == "" && im.Name == it.name:
				queue = append(queue, tableItem{file: fi, mod: im.Spec, name: im.Name, list: it.list})
			case im.Local == "" && (im.Name == "" || im.Name == "*"):
				queue = append(queue, tableItem{file: fi, mod: im.Spec, name: it.name, list: it.list})
			}
		}
	}
	if len(out) > maxTableTools {
		return nil
	}
	return out
}

// moduleObjects queues the tool objects of file fi (Object.values of its
// namespace): its constant objects with a NameProp string and a function
// property, then those of the files it re-exports.
func (ix *index) moduleObjects(queue []tableItem, fi int, tb *facts.ToolTable) []tableItem {
	f := ix.files[fi]
	var roots []string
	for k := range f.Constants {
		root, ok := strings.CutSuffix(k, "."+tb.NameProp)
		if !ok || root == "" || strings.Contains(root, ".") {
			continue
		}
		for x := range f.Exports {
			if strings.HasPrefix(x, root+".") {
				roots = append(roots, root)
				break
			}
		}
	}
	slices.Sort(roots)
	for _, r := range roots {
		queue = append(queue, tableItem{file: fi, name: r})
	}
	for _, im := range f.Imports {
		if im.Local == "" && (im.Name == "" || im.Name == "*") {
			queue = append(queue, tableItem{file: fi, mod: im.Spec, name: "*", list: true})
		}
	}
	return queue
}

// tableFile is the project file a table's module names from file i ("":
// file i itself).
func (ix *index) tableFile(i int, mod string) (int, bool) {
	if mod == "" {
		return i, true
	}
	if !ix.langs[i].RelativeImport(mod) {
		return 0, false
	}
	for _, c := range modules.JSCandidates(path.Dir(ix.files[i].Path), mod) {
		if fi, ok := ix.fileByPath[c]; ok {
			return fi, true
		}
	}
	return 0, false
}
