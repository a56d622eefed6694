package ranged

import (
	"encoding/json"
	"sort"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// Canonical returns f encoded with an order that does not depend on the
// order in which an extractor happened to visit things: functions by
// position (indexes renumbered), calls, tools, imports and the rest by
// position. Two extractions of the same text describe the same program iff
// their canonical forms are equal; the language server compares a ranged
// result with a whole-file one this way.
func Canonical(f *facts.File) []byte {
	if f == nil {
		return nil
	}
	order := make([]int, len(f.Functions))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := f.Functions[order[a]], f.Functions[order[b]]
		if (order[a] == 0) != (order[b] == 0) {
			return order[a] == 0
		}
		if x.Span.Start.Offset != y.Span.Start.Offset {
			return x.Span.Start.Offset < y.Span.Start.Offset
		}
		if x.Span.End.Offset != y.Span.End.Offset {
			return x.Span.End.Offset > y.Span.End.Offset
		}
		return x.Name < y.Name
	})
	table := make([]int, len(f.Functions))
	for k, i := range order {
		table[i] = k
	}
	rw := rewriter{span: func(s source.Span) source.Span { return s }, fn: func(i int) int {
		if i < 0 || i >= len(table) {
			return i
		}
		return table[i]
	}}
	c := &facts.File{Path: f.Path, Lang: f.Lang, Package: f.Package, Exports: map[string]int{}, Constants: f.Constants, Types: f.Types, Lists: f.Lists, TooDeep: f.TooDeep}
	for k, vs := range f.Stores { // Go only (whole-file extraction), kept for a complete form
		if c.Stores == nil {
			c.Stores = map[string][]facts.Arg{}
		}
		c.Stores[k] = rw.args(vs)
	}
	for _, i := range order {
		fn := rw.function(f.Functions[i])
		sortLocalCalls(fn.LocalCalls)
		sortCallees(fn.Refs)
		sortRefs(fn.Returns)
		c.Functions = append(c.Functions, fn)
	}
	for _, call := range f.Calls {
		call = rw.call(call)
		sortRefs(call.KeyRefs)
		for i := range call.Args {
			sortRefs(call.Args[i].Refs)
		}
		c.Calls = append(c.Calls, call)
	}
	sort.SliceStable(c.Calls, func(i, j int) bool {
		a, b := c.Calls[i], c.Calls[j]
		if a.Span.Start.Offset != b.Span.Start.Offset {
			return a.Span.Start.Offset < b.Span.Start.Offset
		}
		if a.CalleeSpan.Start.Offset != b.CalleeSpan.Start.Offset {
			return a.CalleeSpan.Start.Offset < b.CalleeSpan.Start.Offset
		}
		return a.Module+"\x00"+a.Member < b.Module+"\x00"+b.Member
	})
	for _, t := range f.Tools {
		c.Tools = append(c.Tools, rw.tool(t))
	}
	sort.SliceStable(c.Tools, func(i, j int) bool {
		a, b := c.Tools[i], c.Tools[j]
		if a.Span.Start.Offset != b.Span.Start.Offset {
			return a.Span.Start.Offset < b.Span.Start.Offset
		}
		return a.Name < b.Name
	})
	c.Imports = append(c.Imports, f.Imports...)
	sort.SliceStable(c.Imports, func(i, j int) bool {
		a, b := c.Imports[i], c.Imports[j]
		if a.Span.Start.Offset != b.Span.Start.Offset {
			return a.Span.Start.Offset < b.Span.Start.Offset
		}
		return a.Spec+"\x00"+a.Local+"\x00"+a.Name < b.Spec+"\x00"+b.Local+"\x00"+b.Name
	})
	c.Suppressions = append(c.Suppressions, f.Suppressions...)
	sort.SliceStable(c.Suppressions, func(i, j int) bool { return c.Suppressions[i].Span.Start.Offset < c.Suppressions[j].Span.Start.Offset })
	c.ParseErrors = append(c.ParseErrors, f.ParseErrors...)
	sort.SliceStable(c.ParseErrors, func(i, j int) bool { return c.ParseErrors[i].Start.Offset < c.ParseErrors[j].Start.Offset })
	for k, v := range f.Exports {
		c.Exports[k] = rw.fn(v)
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil
	}
	return b
}

func sortRefs(rs []facts.ParamRef) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Fn != b.Fn {
			return a.Fn < b.Fn
		}
		if a.Param != b.Param {
			return a.Param < b.Param
		}
		return len(a.Path) < len(b.Path) || len(a.Path) == len(b.Path) && joinPath(a.Path) < joinPath(b.Path)
	})
}

func joinPath(p []string) string {
	s := ""
	for _, x := range p {
		s += "\x00" + x
	}
	return s
}
