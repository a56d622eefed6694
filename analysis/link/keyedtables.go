package link

import (
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// keyedElems lists the tools of a keyed table (facts.ToolTable.Keyed): the
// function properties of the object the table names, found through imports
// and re-exports as walkTable finds lists, each a tool named by its key
// with the registration's inputs. nil when the object is not found or the
// walk goes past its bounds: the tool then stays unresolved.
func (ix *index) keyedElems(i int, t *facts.Tool) []tableElem {
	tb := t.Table
	queue := []tableItem{{file: i, mod: tb.Module, name: tb.Name}}
	seen := map[[2]string]bool{}
	for steps := 0; steps < len(queue); steps++ {
		if steps >= maxTableSteps {
			return nil
		}
		it := queue[steps]
		fi, ok := ix.tableFile(it.file, it.mod)
		if !ok {
			continue
		}
		f := ix.files[fi]
		k := [2]string{f.Path, it.name}
		if seen[k] {
			continue
		}
		seen[k] = true
		if els := keyedFuncs(f, it.name); len(els) > 0 {
			if len(els) > maxTableTools {
				return nil
			}
			out := make([]tableElem, len(els))
			for j, el := range els {
				out[j] = tableElem{name: el.key, handler: ix.base[fi] + fnID(el.fn), inputs: t.Inputs}
			}
			return out
		}
		for _, im := range f.Imports {
			switch {
			case im.Local == it.name || im.Local == "" && im.Name == it.name:
				queue = append(queue, tableItem{file: fi, mod: im.Spec, name: im.Name})
			case im.Local == "" && (im.Name == "" || im.Name == "*"):
				queue = append(queue, tableItem{file: fi, mod: im.Spec, name: it.name})
			}
		}
	}
	return nil
}

type keyedFunc struct {
	key string
	fn  int
}

// keyedFuncs are the function properties of top-level object name of f
// (Exports "name.key"), by key.
func keyedFuncs(f *facts.File, name string) []keyedFunc {
	var out []keyedFunc
	for x, j := range f.Exports {
		key, ok := strings.CutPrefix(x, name+".")
		if !ok || key == "" || strings.Contains(key, ".") || j <= 0 || j >= len(f.Functions) {
			continue
		}
		out = append(out, keyedFunc{key, j})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].key < out[b].key })
	return out
}
