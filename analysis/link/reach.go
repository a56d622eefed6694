package link

import (
	"slices"
)

// reach computes, for every function, the set of tools that reach it and
// whether start-up code does.
func (ix *index) reach() {
	n := len(ix.edges)
	ix.reachedBy = make([][]int32, n)
	ix.toolNames = make([][]string, n)
	for t, ti := range ix.tools {
		var roots []fnID
		if ti.handler >= 0 {
			roots = append(roots, ti.handler)
		}
		if ti.dispatcher >= 0 {
			roots = append(roots, ti.dispatcher)
		}
		roots = append(roots, ti.bound...)
		ix.walk(roots, func(fn fnID) bool {
			// Tools are walked in order, so t is new to fn unless it is last.
			if l := ix.reachedBy[fn]; len(l) > 0 && l[len(l)-1] == int32(t) {
				return false
			}
			ix.reachedBy[fn] = append(ix.reachedBy[fn], int32(t))
			return true
		}, func(from, to fnID) bool { return ix.follows(t, from, to) })
	}
	ix.serverReach = make([]bool, n)
	var roots []fnID
	for i, f := range ix.files {
		roots = append(roots, ix.base[i])
		for j := range f.Functions {
			if ix.langs[i].IsEntry(&f.Functions[j]) {
				roots = append(roots, ix.base[i]+fnID(j))
			}
		}
	}
	ix.walk(roots, func(fn fnID) bool {
		if ix.serverReach[fn] {
			return false
		}
		ix.serverReach[fn] = true
		return true
	}, func(from, to fnID) bool { return ix.follows(-1, from, to) })
}

// serverRoot reports whether fn is start-up code: a file's top level, or
// Go main/init.
func (ix *index) serverRoot(fn fnID) bool {
	i := int(ix.owner[fn])
	f := ix.files[i]
	return fn == ix.base[i] || ix.langs[i].IsEntry(&f.Functions[fn-ix.base[i]])
}

// follows reports whether reach goes along an edge from `from` to `to` for
// tool t (-1: start-up code): a dispatcher's own code runs for its tools,
// its case bodies are separate functions reached only by their own tool.
// Another tool's handler (a function registered as a tool) runs when a
// tool's code calls it (summary() calling read_config()), unless the call is
// a dispatcher's: its lookups and case bodies reach every handler it serves.
func (ix *index) follows(t int, from, to fnID) bool {
	if !ix.handler[to] || t >= 0 && (to == ix.tools[t].handler || to == ix.tools[t].dispatcher) {
		return true
	}
	return t >= 0 && !ix.dispatcher[from]
}

func (ix *index) walk(roots []fnID, visit func(fnID) bool, follow func(from, to fnID) bool) {
	stack := append([]fnID(nil), roots...)
	for len(stack) > 0 {
		fn := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !visit(fn) {
			continue
		}
		for _, to := range ix.edges[fn] {
			if follow(fn, to) {
				stack = append(stack, to)
			}
		}
	}
}

// toolNamesOf returns the sorted names of the tools reaching fn. The slice
// is shared by every finding in fn: its capacity is clipped, so appending to
// it copies.
func (ix *index) toolNamesOf(fn fnID) []string {
	if names := ix.toolNames[fn]; names != nil {
		return names
	}
	var names []string
	for _, t := range ix.reachedBy[fn] {
		names = append(names, ix.tools[t].name)
	}
	names = slices.Clip(sortedUnique(names)) // never nil: findings list no tools as []
	if !ix.toolNamesShared {
		ix.toolNames[fn] = names
	}
	return names
}
