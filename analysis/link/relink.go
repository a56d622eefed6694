package link

import (
	"maps"
	"slices"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/lang"
)

// A keystroke in a big file changes a literal or a position, rarely the
// call graph. relink recognises that: when the files differ from the root's
// latest link only in a few files, and those only in positions, literal
// values and comment-level matters (suppressions), every function, edge,
// tool and taint reference is the same, so what the last link decided about
// each rule match (tools, reach, taint) still holds. Only the changed
// calls are matched against the rules again, and the findings are rebuilt
// with the new positions.
//
// Taint is memoised with cycle cuts, so its answers can depend on the
// order of the questions; relink therefore also requires the rule matches
// of a changed call to ask the same questions (the same taint references)
// as before, which makes its outcome the one a full link would give.
// Edits the call graph sees go to graphLink (link_graph.go); both start
// from the same comparison of the changed files (link_diff.go).

// maxRelinkChanged bounds the files relink and graphLink compare; an edit
// changes one.
const maxRelinkChanged = 4

// relink returns the result of linking files from the root's latest link,
// or nil when the call graph may differ.
func (c *linkCache) relink(l *Linker, root string, files []*facts.File, ld *linkDiff) *finding.Result {
	if ld == nil {
		return nil
	}
	snap := ld.snap
	for _, d := range ld.files {
		if !d.shape || len(d.fns) > 0 || len(d.old.Calls) != len(d.nf.Calls) || snap.out.files[d.i] != d.old || constEdited(d, snap.out.constRead) {
			return nil
		}
		for _, st := range d.mid {
			if st == callChanged {
				return nil
			}
		}
	}
	prev := snap.out
	out := &linkOut{files: slices.Clone(prev.files), statics: slices.Clone(prev.statics),
		links: slices.Clone(prev.links), bads: slices.Clone(prev.bads), tools: prev.tools, constRead: prev.constRead}
	base := slices.Clone(snap.base)
	for _, d := range ld.files {
		st, ls, ok := relinkFile(l, d, prev.links[d.i])
		if !ok {
			return nil
		}
		i := d.i
		out.files[i], out.statics[i], base[i], out.links[i] = files[i], st, st, ls
		out.bads[i] = fileBadSuppressions(files[i], st, ls)
	}
	// The graph is the same: the index stands for the new files too.
	c.store(root, &linkSnapshot{given: slices.Clone(files), base: base, out: out, ix: snap.ix})
	return out.assemble(root)
}

// relinkFile derives the fileStatic and links of d.nf, whose calls differ
// from d.old's in literal values at most, from d.old's (d.ost and ols).
func relinkFile(l *Linker, d *fileDiff, ols []linked) (*fileStatic, []linked, bool) {
	ost := d.ost
	st := &fileStatic{byName: ost.byName, pyModules: ost.pyModules, typeCalls: ost.typeCalls}
	var ls []linked
	if len(ost.cands) > 0 || len(d.nf.Suppressions) > 0 {
		ls = make([]linked, 0, len(ost.cands))
	}
	cands, ok := reuseCandidates(l, d, func(lo, hi int) {
		ls = append(ls, ols[lo:hi]...)
	})
	if !ok {
		return nil, nil, false
	}
	st.cands, st.order = cands, candidateOrder(d.nf, cands)
	return st, ls, true
}

// reuseCandidates builds the candidates of d.nf, which has as many calls as
// d.old, from the comparison of each call with the old one at the same
// index: an unchanged call keeps its candidates, a call whose literals
// changed is matched again and must ask the same taint questions
// (relinkFile keeps the old links), a changed call fails. each sees the
// ranges of old candidates kept, in order.
func reuseCandidates(l *Linker, d *fileDiff, each func(lo, hi int)) ([]candidate, bool) {
	nf, ost := d.nf, d.ost
	cands := make([]candidate, 0, len(ost.cands))
	ci := 0
	for ci < len(ost.cands) && int(ost.cands[ci].call) < d.pre {
		ci++
	}
	cands = append(cands, ost.cands[:ci]...)
	each(0, ci)
	var fresh []candidate
	for k := d.pre; k < len(nf.Calls)-d.suf; k++ {
		end := ci
		for end < len(ost.cands) && int(ost.cands[end].call) == k {
			end++
		}
		olds := ost.cands[ci:end]
		switch d.mid[k-d.pre] {
		case callSame:
			cands = append(cands, olds...)
		case callChanged:
			return nil, false // an edge or a taint reference changed
		default:
			fresh = callCandidates(l, nf, k, fresh[:0])
			if len(fresh) != len(olds) {
				return nil, false
			}
			for j := range fresh {
				// A scope read from another file's constant is decided
				// with the text after it (so is one a tail parameter's
				// callers may end): redone by a full link.
				if fresh[j].cref != nil || olds[j].cref != nil || fresh[j].lead != nil || olds[j].lead != nil || fresh[j].tailArg != nil || olds[j].tailArg != nil || !sameRefs(fresh[j].refs, olds[j].refs) || !sameRefs(fresh[j].payload, olds[j].payload) || !samePass(fresh[j].pass, olds[j].pass) || fresh[j].passKind != olds[j].passKind {
					return nil, false
				}
			}
			cands = append(cands, fresh...)
		}
		each(ci, end)
		ci = end
	}
	cands = append(cands, ost.cands[ci:]...)
	each(ci, len(ost.cands))
	setSuppressions(nf, cands)
	return cands, true
}

// setSuppressions finds the suppression covering each candidate of nf.
func setSuppressions(nf *facts.File, cands []candidate) {
	for j := range cands {
		cd := &cands[j]
		cd.supp = -1
		if len(nf.Suppressions) > 0 {
			cd.supp = int32(suppressionFor(nf, candidateSpan(nf, cd).Start.Line, cd.rule.Capability))
		}
	}
}

// updatedStatic is newFileStatic for nf, a new version of old (whose static
// is ost) that a full link needs (its call graph changed).
func updatedStatic(l *Linker, old, nf *facts.File, ost *fileStatic) *fileStatic {
	if lang.For(nf.Lang).TypedAcrossPackage() || old.Lang != nf.Lang {
		return newFileStatic(l, nf)
	}
	d := &fileDiff{i: -1, old: old, nf: nf, ost: ost, names: sameNames(old, nf)}
	d.diffCalls()
	return d.static(l)
}

// parallelCompareCalls is the number of calls from which relinkFile
// compares them on a second goroutine (below it, starting one costs more
// than it saves).
const parallelCompareCalls = 1000

// compareChunk is how many calls a goroutine takes at a time.
const compareChunk = 256

type callChange uint8

const (
	callSame     callChange = iota
	callLiterals            // only literal values changed: match the rules again
	callChanged             // the call graph or taint may differ
)

func compareCall(a, b *facts.Call) callChange {
	switch {
	case sameCall(a, b, true):
		return callSame
	case a.Store || b.Store:
		// A store decides the scope of other calls of the file
		// (overrideStores): their candidates are made again.
		return callChanged
	case sameCall(a, b, false):
		return callLiterals
	}
	return callChanged
}

func sameCallee(a, b *facts.Callee) bool {
	return a.Kind == b.Kind && a.Name == b.Name && a.Class == b.Class && a.Module == b.Module && a.Func == b.Func
}

func sameTool(a, b *facts.Tool) bool {
	if a.Name != b.Name || a.NameRef != b.NameRef || a.NameExpr != b.NameExpr || a.ViaModule != b.ViaModule || a.SDK != b.SDK || a.Handler != b.Handler || a.Dispatcher != b.Dispatcher ||
		(a.HandlerRef == nil) != (b.HandlerRef == nil) || len(a.Inputs) != len(b.Inputs) ||
		(a.Table == nil) != (b.Table == nil) || a.Table != nil && *a.Table != *b.Table || !slices.Equal(a.Binds, b.Binds) ||
		!sameMap(a.Annotations, b.Annotations) && !maps.Equal(a.Annotations, b.Annotations) {
		return false
	}
	if a.HandlerRef != nil && !sameCallee(a.HandlerRef, b.HandlerRef) {
		return false
	}
	for i := range a.Inputs {
		x, y := &a.Inputs[i], &b.Inputs[i]
		if x.Index != y.Index || x.Name != y.Name || !slices.Equal(x.Prefix, y.Prefix) {
			return false
		}
	}
	return true
}

// sameCall compares two calls but for their positions; literal values
// (argument values, the key of an access) count only when lits is set.
func sameCall(a, b *facts.Call, lits bool) bool {
	if a.Module != b.Module || a.Member != b.Member || a.Func != b.Func || a.Access != b.Access || a.New != b.New || a.Store != b.Store ||
		a.Spread != b.Spread || !sameRefs(a.KeyRefs, b.KeyRefs) || (a.Recv == nil) != (b.Recv == nil) ||
		(lits && a.Key != b.Key) {
		return false
	}
	if a.Recv != nil && !sameArg(a.Recv, b.Recv, lits) {
		return false
	}
	return sameArgs(a.Args, b.Args, lits)
}

func sameArgs(a, b []facts.Arg, lits bool) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || &a[0] == &b[0] {
		return true // ranged extraction shares the lists it keeps
	}
	for i := range a {
		if !sameArg(&a[i], &b[i], lits) {
			return false
		}
	}
	return true
}

func sameArg(a, b *facts.Arg, lits bool) bool {
	if a.Name != b.Name || a.Func != b.Func || a.Inst != b.Inst || a.Pass != b.Pass || a.Lead != b.Lead || !sameTail(a.Tail, b.Tail) || len(a.Props) != len(b.Props) || !sameRefs(a.Refs, b.Refs) || !sameConst(a.Const, b.Const) ||
		(lits && (a.Value != b.Value || a.Known != b.Known || a.Prefix != b.Prefix || a.Number != b.Number || a.Env != b.Env || a.Default != b.Default || a.DefaultPrefix != b.DefaultPrefix)) {
		return false
	}
	return (len(a.Props) == 0 || sameProps(a.Props, b.Props, lits)) && sameArgs(a.Elems, b.Elems, lits)
}

// sameTail compares two tail parameters (facts.Arg.Tail), nil or not.
func sameTail(a, b *facts.ParamRef) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}

// sameProps compares property maps. Values are compared as copies: the
// address of a copy passed down this recursion would move it to the heap.
func sameProps(a, b map[string]facts.Arg, lits bool) bool {
	for k, pa := range a {
		pb, ok := b[k]
		if !ok || pa.Name != pb.Name || pa.Func != pb.Func || pa.Inst != pb.Inst || pa.Pass != pb.Pass || pa.Lead != pb.Lead || !sameTail(pa.Tail, pb.Tail) || len(pa.Props) != len(pb.Props) || !sameRefs(pa.Refs, pb.Refs) || !sameConst(pa.Const, pb.Const) ||
			(lits && (pa.Value != pb.Value || pa.Known != pb.Known || pa.Prefix != pb.Prefix || pa.Number != pb.Number || pa.Env != pb.Env || pa.Default != pb.Default || pa.DefaultPrefix != pb.DefaultPrefix)) ||
			(len(pa.Props) > 0 && !sameProps(pa.Props, pb.Props, lits)) || !sameArgs(pa.Elems, pb.Elems, lits) {
			return false
		}
	}
	return true
}

func sameRefs(a, b []facts.ParamRef) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || &a[0] == &b[0] {
		return true // ranged extraction shares the lists it keeps
	}
	for i := range a {
		if a[i].Fn != b[i].Fn || a[i].Param != b[i].Param || !slices.Equal(a[i].Path, b[i].Path) {
			return false
		}
	}
	return true
}

// sameConst compares constant references. A reference is compared even
// when literals are not: which file's constant a scope comes from is read
// by the link (constScopeOf), so a change is redone as an edit of the
// call, not kept as a literal one.
func sameConst(a, b *facts.ConstRef) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// samePass compares candidates' pass parameters (constprop.go).
func samePass(a, b *facts.ParamRef) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}
