package link

import (
	"maps"
	"slices"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/modules"
)

// Typing into a called helper's name, adding a call or deleting one
// changes the call graph, but only around the edit: graphLink starts from
// the root's latest link (its index) and redoes the edges of the functions
// whose calls changed, the callers lists of their targets, reach, and the
// taint of the rule matches whose answers may have changed. Its result is
// the one a full link of the same files gives; where it cannot show that,
// it returns nil and the full link runs.
//
// Edges. A file whose version differs only in the calls its functions make
// (fileDiff.shape) has the same functions, names, imports, exports and
// tools, so every name table, fnID and tool root stands, and only the
// edges made by the changed functions' LocalCalls and Refs (unit j) and,
// when they differ, by the file's Calls (callPhase) are redone. build adds
// each callers list in the order (file of the caller, unit), so the new
// sites are merged into the kept ones by that key: the lists come out as
// the full build appends them, which matters because the first taint
// source found is the one reported.
//
// Taint. taintOf is memoised and answers a cycle of questions once, for all
// of them, when its first question completes: which question comes first,
// and so which source is reported first, depends on the order in which the
// questions are asked. Suppose instead that the questions the candidates
// ask form an acyclic graph in which no root question has a chain of more
// than maxTaintDepth questions below it. Then no question is asked while
// it is in flight (that needs a cycle), in any order, and every
// memoised answer is the plain recursive one: a function of the call graph
// alone, the same whatever was asked before. A full link records whether
// that held for it (taintExact: no cut happened and every root's height is
// within the limit; a cut-free run computes exact heights); only such a
// link's index is kept for graphLink.
//
// The question taintOf(fn, …) reads callers[fn] and asks questions of the
// functions declaring the parameters its callers pass (taintDecl), and so
// on. If no function reached that way — fn included — had its callers list
// changed, every question below is read from the same lists as before, so
// by induction over the (acyclic) questions the answer is the old one, and
// so is its height: the candidate keeps its old taint. The other
// candidates ask afresh, with an empty memo, in the new graph; graphLink
// gives up if any of their questions is cut or has a root deeper than the
// limit. Otherwise every root of the new link satisfies the condition
// above, so the full link would give every candidate these same answers,
// and the new index is exact in turn: a sequence of call-graph edits stays
// incremental.

// graphLink returns the result of linking files from the root's latest
// link when the changed files differ from it only in the calls their
// functions make, or nil.
func (c *linkCache) graphLink(l *Linker, root string, files []*facts.File, ld *linkDiff, gomods map[string]modules.GoModule) *finding.Result {
	if ld == nil || ld.snap.ix == nil || len(ld.files) == 0 {
		return nil
	}
	snap := ld.snap
	if snap.ix.instArgs || snap.ix.tables {
		return nil // parameters typed across files, tools of other files' lists: may change with any call
	}
	for _, d := range ld.files {
		if !d.shape || snap.out.files[d.i] != d.old || constEdited(d, snap.out.constRead) || snap.ix.objRewrites(d.i, d.nf) || fileHasInst(d.nf) {
			return nil
		}
	}
	g := &graphEdit{linker: l, ld: ld, old: snap.ix}
	g.start(root, gomods)
	g.redoEdges()
	g.redoReach()
	out, ok := g.relinkCandidates()
	if !ok {
		return nil
	}
	ix := g.nix
	ix.taintMemo, ix.inFlight, ix.localDirs, ix.pyLocal, ix.live, ix.paths = nil, nil, nil, nil, nil, pathTable{}
	c.store(root, &linkSnapshot{given: slices.Clone(files), base: ix.cached, out: out, ix: ix})
	return out.assemble(root)
}

// taintExact reports whether the index's taint answers are independent of
// the order of the questions (see graphLink).
func (ix *index) taintExact() bool {
	return !ix.taintCut && ix.rootHeight <= maxTaintDepth
}

// graphEdit is one graphLink: the old index, read only (other links may
// read it at the same time), and the new one, which shares what did not
// change with it and never writes to what it shares.
type graphEdit struct {
	linker   *Linker
	ld       *linkDiff
	old, nix *index

	// changed: the callers whose sites are redone, per changed file.
	changed []siteChange
	// added are the new sites, in build order.
	added   []addedSite
	touched []fnID // targets of removed or added sites (with repeats)
	// moved lists the functions whose callers list changed.
	moved []fnID
	// edgesMoved: some function's edges changed, those of movedRows.
	edgesMoved bool
	movedRows  []fnID
	// reachMoved: per function, whether the recomputed reach differs (nil:
	// for none).
	reachMoved []bool
	// affected: a taint question about the function may have another
	// answer (nil: none may).
	affected []bool
}

type siteChange struct {
	file  int
	fns   []bool // by function index: its LocalCalls and Refs sites are redone
	calls bool   // the file's Calls sites are redone
}

type addedSite struct {
	to fnID
	cs callSite
}

func (g *graphEdit) start(root string, gomods map[string]modules.GoModule) {
	old, snap := g.old, g.ld.snap
	nix := &index{linker: g.linker, root: root, gomods: gomods,
		files: slices.Clone(snap.out.files), statics: slices.Clone(snap.out.statics), cached: slices.Clone(snap.base),
		base: old.base, owner: old.owner, byName: old.byName, pyModules: old.pyModules, fileByPath: old.fileByPath,
		goPkgs: old.goPkgs, goNames: old.goNames, langs: old.langs,
		edges: old.edges, fnEdges: old.fnEdges, callers: old.callers, askers: old.askers, handler: old.handler, dispatcher: old.dispatcher,
		reachedBy: old.reachedBy, serverReach: old.serverReach, rootTools: old.rootTools, caseTool: old.caseTool,
		taintMemo: map[taintKey]taintEntry{}, inFlight: map[taintKey]taintFrame{}, taintDeep: -1,
		localDirs: map[localDirKey]string{}, jsFiles: map[localDirKey]int{}, pyLocal: map[pyLocalKey]bool{}}
	for _, d := range g.ld.files {
		st := d.static(g.linker)
		nix.files[d.i], nix.statics[d.i], nix.cached[d.i] = d.nf, st, st
	}
	// The tools are the same, but point into the facts of this link.
	nix.tools = slices.Clone(old.tools)
	for t := range nix.tools {
		ti := &nix.tools[t]
		ti.t = &nix.files[ti.file].Tools[ti.k]
	}
	g.nix = nix
}

// redoEdges replaces the sites of the changed functions and calls, and the
// edges and callers lists they are in.
func (g *graphEdit) redoEdges() {
	old, nix := g.old, g.nix
	type rowChange struct {
		from          fnID
		fnRow, callRw []fnID
		fnNew, callNw bool
	}
	var rows []rowChange
	for _, d := range g.ld.files {
		i := d.i
		b := nix.base[i]
		sc := siteChange{file: i}
		first := len(rows)
		if len(d.fns) > 0 {
			sc.fns = make([]bool, len(d.nf.Functions))
		}
		for _, j := range d.fns {
			from := b + fnID(j)
			sc.fns[j] = true
			g.touched = append(g.touched, old.edges[from][:old.fnEdges[from]]...)
			var row []fnID
			nix.functionSites(i, j, func(to fnID, args []facts.Arg, recv []facts.ParamRef, guess bool) {
				row = append(row, to)
				g.added = append(g.added, addedSite{to, callSite{caller: from, unit: int32(j), args: args, recv: recv, guess: guess}})
			})
			g.touched = append(g.touched, row...)
			rows = append(rows, rowChange{from: from, fnRow: row, fnNew: true})
		}
		if !g.sameCallSites(d) {
			// Sites from calls are keyed by file only: all of the file's are redone.
			sc.calls = true
			byFrom := map[fnID][]fnID{}
			for k := range d.nf.Calls {
				nix.callSites(i, &d.nf.Calls[k], func(from, to fnID, args []facts.Arg) {
					byFrom[from] = append(byFrom[from], to)
					g.added = append(g.added, addedSite{to, callSite{caller: from, unit: callPhase, args: args}})
					g.touched = append(g.touched, to)
				})
			}
			for j := range d.nf.Functions {
				from := b + fnID(j)
				oldCalls := old.edges[from][old.fnEdges[from]:]
				g.touched = append(g.touched, oldCalls...)
				if slices.Equal(oldCalls, byFrom[from]) {
					continue
				}
				k := slices.IndexFunc(rows[first:], func(r rowChange) bool { return r.from == from })
				if k < 0 {
					rows = append(rows, rowChange{from: from})
					k = len(rows) - 1 - first
				}
				rows[first+k].callRw, rows[first+k].callNw = byFrom[from], true
			}
		}
		g.changed = append(g.changed, sc)
	}

	// Edges: a changed function's own sites, then those of its calls.
	for _, r := range rows {
		oldRow, split := old.edges[r.from], old.fnEdges[r.from]
		fnPart, callPart := oldRow[:split], oldRow[split:]
		if r.fnNew {
			fnPart = r.fnRow
		}
		if r.callNw {
			callPart = r.callRw
		}
		if int32(len(fnPart)) == split && slices.Equal(fnPart, oldRow[:split]) && slices.Equal(callPart, oldRow[split:]) {
			continue
		}
		if !g.edgesMoved {
			g.edgesMoved = true
			nix.edges, nix.fnEdges = slices.Clone(old.edges), slices.Clone(old.fnEdges)
		}
		row := make([]fnID, 0, len(fnPart)+len(callPart))
		nix.edges[r.from] = append(append(row, fnPart...), callPart...)
		nix.fnEdges[r.from] = int32(len(fnPart))
		g.movedRows = append(g.movedRows, r.from)
	}

	// Callers: each touched target's list without the removed sites, with
	// the added ones merged in by build order.
	if len(g.touched) == 0 {
		return
	}
	slices.Sort(g.touched)
	g.touched = slices.Compact(g.touched)
	pending := make(map[fnID][]callSite, len(g.touched))
	for _, a := range g.added {
		pending[a.to] = append(pending[a.to], a.cs)
	}
	cloned := false
	for _, to := range g.touched {
		list := old.callers[to]
		add := pending[to]
		next := make([]callSite, 0, len(list)+len(add))
		p := 0
		for k := range list {
			cs := &list[k]
			if g.removed(cs) {
				continue
			}
			for p < len(add) && g.siteBefore(&add[p], cs) {
				next = append(next, add[p])
				p++
			}
			next = append(next, *cs)
		}
		next = append(next, add[p:]...)
		if sameSiteList(next, list) {
			continue
		}
		if !cloned {
			nix.callers = slices.Clone(old.callers)
			cloned = true
		}
		nix.callers[to] = next
		g.moved = append(g.moved, to)
	}
	cloned = false
	for _, a := range g.added {
		nix.siteDecls(a.cs.caller, a.cs.args, a.cs.recv, func(d fnID) {
			if slices.Contains(nix.askers[d], a.to) {
				return
			}
			if !cloned {
				nix.askers = slices.Clone(old.askers)
				cloned = true
			}
			row := make([]fnID, len(nix.askers[d]), len(nix.askers[d])+1)
			copy(row, nix.askers[d])
			nix.askers[d] = append(row, a.to)
		})
	}
}

// sameCallSites reports whether the calls of d that changed give the same
// sites as before: no edge from a call moved.
func (g *graphEdit) sameCallSites(d *fileDiff) bool {
	type site struct {
		from, to fnID
		args     []facts.Arg
	}
	collect := func(calls []facts.Call, lo, hi int) []site {
		var out []site
		for k := lo; k < hi; k++ {
			g.nix.callSites(d.i, &calls[k], func(from, to fnID, args []facts.Arg) {
				out = append(out, site{from, to, args})
			})
		}
		return out
	}
	a := collect(d.old.Calls, d.pre, len(d.old.Calls)-d.suf)
	b := collect(d.nf.Calls, d.pre, len(d.nf.Calls)-d.suf)
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k].from != b[k].from || a[k].to != b[k].to || !sameArgs(a[k].args, b[k].args, false) {
			return false
		}
	}
	return true
}

// removed reports whether a site of the old index is redone.
func (g *graphEdit) removed(cs *callSite) bool {
	f := int(g.nix.owner[cs.caller])
	for k := range g.changed {
		sc := &g.changed[k]
		if sc.file != f {
			continue
		}
		if cs.unit == callPhase {
			return sc.calls
		}
		return sc.fns != nil && sc.fns[cs.unit]
	}
	return false
}

// siteBefore reports whether build adds a before b: by the file of the
// caller, then by unit.
func (g *graphEdit) siteBefore(a, b *callSite) bool {
	fa, fb := g.nix.owner[a.caller], g.nix.owner[b.caller]
	if fa != fb {
		return fa < fb
	}
	return a.unit < b.unit
}

// sameSiteList reports whether two callers lists ask the same taint
// questions in the same order.
func sameSiteList(a, b []callSite) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		x, y := &a[k], &b[k]
		if x.caller != y.caller || x.unit != y.unit || !sameArgs(x.args, y.args, false) || !sameRefs(x.recv, y.recv) {
			return false
		}
	}
	return true
}

// redoReach recomputes reach where an edge changed it. A function that no
// function whose edges changed leads to, in the old graph or the new, is
// reached along the same paths in both: it keeps its reach. The others
// (the region) take the reach of their callers outside the region, plus
// their own roots, and pass it on along the region's edges to a fixed
// point; this is what the walks of reach find, function by function.
func (g *graphEdit) redoReach() {
	old, nix := g.old, g.nix
	nix.toolNames, nix.toolNamesShared = old.toolNames, true
	if !g.edgesMoved {
		return
	}
	n := len(nix.edges)
	at := make(map[fnID]int32, 16) // region member → index in region
	var region []fnID
	stack := slices.Clone(g.movedRows)
	for len(stack) > 0 {
		fn := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if _, ok := at[fn]; ok {
			continue
		}
		at[fn] = int32(len(region))
		region = append(region, fn)
		stack = append(stack, old.edges[fn]...)
		stack = append(stack, nix.edges[fn]...)
	}
	tools := make([][]int32, len(region))
	server := make([]bool, len(region))
	add := func(k int32, t int32) bool {
		l := tools[k]
		i, found := slices.BinarySearch(l, t)
		if found {
			return false
		}
		tools[k] = slices.Insert(l, i, t)
		return true
	}
	for k, fn := range region {
		for _, t := range nix.rootTools[fn] {
			add(int32(k), int32(t))
		}
		server[k] = nix.serverRoot(fn)
		for _, cs := range nix.callers[fn] {
			if _, in := at[cs.caller]; in {
				continue
			}
			// Outside the region: its reach is the old one.
			for _, t := range old.reachedBy[cs.caller] {
				if nix.follows(int(t), cs.caller, fn) {
					add(int32(k), t)
				}
			}
			if old.serverReach[cs.caller] && nix.follows(-1, cs.caller, fn) {
				server[k] = true
			}
		}
	}
	work := make([]int32, len(region))
	for k := range work {
		work[k] = int32(k)
	}
	for len(work) > 0 {
		k := work[len(work)-1]
		work = work[:len(work)-1]
		for _, to := range nix.edges[region[k]] {
			j, in := at[to]
			if !in {
				continue
			}
			grew := false
			for _, t := range tools[k] {
				if nix.follows(int(t), region[k], to) && add(j, t) {
					grew = true
				}
			}
			if server[k] && !server[j] && nix.follows(-1, region[k], to) {
				server[j], grew = true, true
			}
			if grew {
				work = append(work, j)
			}
		}
	}
	for k, fn := range region {
		if server[k] == old.serverReach[fn] && slices.Equal(tools[k], old.reachedBy[fn]) {
			continue
		}
		if g.reachMoved == nil {
			g.reachMoved = make([]bool, n)
			nix.reachedBy, nix.serverReach = slices.Clone(old.reachedBy), slices.Clone(old.serverReach)
			nix.toolNames, nix.toolNamesShared = slices.Clone(old.toolNames), false
		}
		g.reachMoved[fn] = true
		nix.reachedBy[fn], nix.serverReach[fn], nix.toolNames[fn] = tools[k], server[k], nil
	}
}

// relinkCandidates decides every candidate: the changed files' new ones
// afresh, the others from their old links, with tools and server reach
// redone where reach changed and taint where its answer may have.
func (g *graphEdit) relinkCandidates() (*linkOut, bool) {
	nix, prev := g.nix, g.ld.snap.out
	out := &linkOut{files: nix.files, statics: nix.statics, links: slices.Clone(prev.links),
		bads: slices.Clone(prev.bads), tools: prev.tools}
	defer func() {
		// The kept links read the old sites, the redone ones the new.
		out.constRead = maps.Clone(prev.constRead)
		for f := range nix.constRead {
			if out.constRead == nil {
				out.constRead = map[fnSite]bool{}
			}
			out.constRead[f] = true
		}
	}()
	if len(g.moved) > 0 {
		g.markAffected()
	}
	for _, d := range g.ld.files {
		g.relinkChanged(out, d)
	}
	if g.reachMoved != nil || g.affected != nil {
		for i, ols := range prev.links {
			if len(ols) == 0 || slices.ContainsFunc(g.ld.files, func(d *fileDiff) bool { return d.i == i }) {
				continue
			}
			st, f := nix.statics[i], nix.files[i]
			var ls []linked
			for k := range ols {
				if !ols[k].keep {
					continue
				}
				cd := &st.cands[k]
				l, moved := g.update(ols[k], i, &f.Calls[cd.call], cd)
				if !moved {
					continue
				}
				if ls == nil {
					ls = slices.Clone(ols)
				}
				ls[k] = l
			}
			if ls != nil {
				out.links[i] = ls
			}
		}
	}
	return out, nix.taintExact()
}

// relinkChanged links the candidates of a changed file: those of the calls
// before and after the changed ones from their old links, the others
// afresh.
func (g *graphEdit) relinkChanged(out *linkOut, d *fileDiff) {
	nix, i, nf := g.nix, d.i, d.nf
	st := nix.statics[i]
	if len(st.cands) == 0 && len(nf.Suppressions) == 0 {
		out.links[i], out.bads[i] = nil, nil
		return
	}
	ols, ocands := g.ld.snap.out.links[i], d.ost.cands
	pre := 0
	for pre < len(ocands) && int(ocands[pre].call) < d.pre {
		pre++
	}
	suf := 0
	for suf < len(ocands)-pre && int(ocands[len(ocands)-1-suf].call) >= len(d.old.Calls)-d.suf {
		suf++
	}
	ls := make([]linked, len(st.cands))
	for k := range st.cands {
		cd := &st.cands[k]
		c := &nf.Calls[cd.call]
		var ok int
		switch {
		case k < pre:
			ok = k
		case k >= len(st.cands)-suf:
			ok = k - (len(st.cands) - len(ocands))
		default:
			if cd.dynamic && nix.isLocalModule(i, c) {
				continue
			}
			nix.link(&ls[k], i, c, cd)
			continue
		}
		ls[k] = ols[ok]
		if ls[k].keep {
			ls[k], _ = g.update(ls[k], i, c, cd)
		}
	}
	out.links[i] = ls
	out.bads[i] = fileBadSuppressions(nf, st, ls)
}

// update redoes what may have changed about a candidate kept from the old
// link: its tools and server reach when its function's reach changed, its
// taint when a question it asks may have another answer (see graphLink).
func (g *graphEdit) update(l linked, file int, c *facts.Call, cd *candidate) (linked, bool) {
	nix := g.nix
	fn := nix.base[file] + fnID(c.Func)
	moved := false
	if g.reachMoved != nil && g.reachMoved[fn] {
		l.tools = nix.toolNamesOf(fn)
		l.server = nix.serverReach[fn] || len(l.tools) == 0
		moved = true
	}
	if (cd.pass != nil || cd.cref != nil || cd.tailArg != nil) && g.reachMoved != nil {
		// Which tools need each scope follows the reach of the callers.
		nix.linkConst(&l, file, c, cd)
		moved = true
	}
	if g.affected != nil && (g.asksAffected(file, c, cd.refs) || g.asksAffected(file, c, cd.payload)) {
		nix.linkTaint(&l, file, c, cd)
		nix.linkConst(&l, file, c, cd)
		moved = true
	}
	return l, moved
}

// asksAffected reports whether a taint question of refs, asked from call c,
// starts in an affected function.
func (g *graphEdit) asksAffected(file int, c *facts.Call, refs []facts.ParamRef) bool {
	for _, ref := range refs {
		if decl := g.nix.taintDecl(file, c.Func, ref); decl >= 0 && g.affected[g.nix.base[file]+fnID(decl)] {
			return true
		}
	}
	return false
}

// markAffected marks the functions a taint question may be read from a
// changed callers list for: the moved ones, and, transitively, those whose
// questions ask questions of a marked one (askers, which may list more:
// marking more only re-asks more).
func (g *graphEdit) markAffected() {
	g.affected = make([]bool, len(g.nix.edges))
	queue := slices.Clone(g.moved)
	for _, fn := range queue {
		g.affected[fn] = true
	}
	for len(queue) > 0 {
		d := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, fn := range g.nix.askers[d] {
			if !g.affected[fn] {
				g.affected[fn] = true
				queue = append(queue, fn)
			}
		}
	}
}
