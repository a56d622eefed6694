package analysis

import (
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
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

// maxRelinkChanged bounds the files relink compares; an edit changes one.
const maxRelinkChanged = 4

// relink returns the result of linking files from the root's latest link,
// or nil when a full link is needed.
func (c *linkCache) relink(e *Engine, root string, files []*facts.File) *finding.Result {
	snap := c.snapshot(root)
	if snap == nil || len(snap.given) != len(files) {
		return nil
	}
	var changed []int
	for i, f := range files {
		old := snap.given[i]
		if f == old {
			continue
		}
		// Go files are typed across the package (type rewrites): not here.
		if len(changed) == maxRelinkChanged || f == nil || old == nil || f.Path != old.Path || f.Lang != old.Lang ||
			f.Lang.Family() == "go" || snap.out.files[i] != old {
			return nil
		}
		changed = append(changed, i)
	}
	prev := snap.out
	out := &linkOut{files: slices.Clone(prev.files), statics: slices.Clone(prev.statics),
		links: slices.Clone(prev.links), bads: slices.Clone(prev.bads), tools: prev.tools}
	base := slices.Clone(snap.base)
	for _, i := range changed {
		st, ls, ok := relinkFile(e, snap.given[i], files[i], snap.base[i], prev.links[i])
		if !ok {
			return nil
		}
		out.files[i], out.statics[i], base[i], out.links[i] = files[i], st, st, ls
		out.bads[i] = fileBadSuppressions(files[i], st, ls)
	}
	c.store(root, &linkSnapshot{given: slices.Clone(files), base: base, out: out})
	return out.assemble(root)
}

// relinkFile derives the fileStatic and links of nf, a new version of old
// (whose are ost and ols), when the call graph cannot tell them apart.
func relinkFile(e *Engine, old, nf *facts.File, ost *fileStatic, ols []linked) (*fileStatic, []linked, bool) {
	if len(old.Calls) != len(nf.Calls) {
		return nil, nil, false
	}
	// The comparison is most of the work: on a big file, another core
	// compares calls meanwhile, and both share the rest in chunks.
	status := make([]callChange, len(nf.Calls))
	var next atomic.Int64
	var stop atomic.Bool // the graph differs: the comparison is moot
	compareCalls := func() {
		for !stop.Load() {
			lo := int(next.Add(compareChunk)) - compareChunk
			if lo >= len(nf.Calls) {
				return
			}
			for k := lo; k < min(lo+compareChunk, len(nf.Calls)); k++ {
				status[k] = compareCall(&old.Calls[k], &nf.Calls[k])
			}
		}
	}
	var same bool
	if len(nf.Calls) >= parallelCompareCalls {
		var wg sync.WaitGroup
		wg.Go(compareCalls)
		same = sameGraph(old, nf)
		stop.Store(!same)
		compareCalls()
		wg.Wait()
	} else if same = sameGraph(old, nf); same {
		compareCalls()
	}
	if !same {
		return nil, nil, false
	}
	st := &fileStatic{byName: ost.byName, pyModules: ost.pyModules, goTypeCalls: ost.goTypeCalls}
	var ls []linked
	if len(ost.cands) > 0 || len(nf.Suppressions) > 0 {
		ls = make([]linked, 0, len(ost.cands))
	}
	cands, ok := reuseCandidates(e, nf, ost, status, func(lo, hi int) {
		ls = append(ls, ols[lo:hi]...)
	})
	if !ok {
		return nil, nil, false
	}
	st.cands, st.order = cands, candidateOrder(nf, cands)
	return st, ls, true
}

// reuseCandidates builds the candidates of nf, a new version of the file
// whose static is ost, from status, the comparison of each call with the
// old one at the same index: an unchanged call keeps its candidates, a call
// whose literals changed is matched again and must ask the same taint
// questions (relinkFile keeps the old links), a changed call fails. each
// sees the range of old candidates of every call.
func reuseCandidates(e *Engine, nf *facts.File, ost *fileStatic, status []callChange, each func(lo, hi int)) ([]candidate, bool) {
	cands := make([]candidate, 0, len(ost.cands))
	ci := 0
	var fresh []candidate
	for k := range nf.Calls {
		end := ci
		for end < len(ost.cands) && int(ost.cands[end].call) == k {
			end++
		}
		olds := ost.cands[ci:end]
		switch {
		case status[k] == callSame:
			cands = append(cands, olds...)
		case status[k] == callChanged:
			return nil, false // an edge or a taint reference changed
		default:
			fresh = callCandidates(e, nf, k, fresh[:0])
			if len(fresh) != len(olds) {
				return nil, false
			}
			for j := range fresh {
				if !sameRefs(fresh[j].refs, olds[j].refs) {
					return nil, false
				}
			}
			cands = append(cands, fresh...)
		}
		each(ci, end)
		ci = end
	}
	if ci != len(ost.cands) {
		return nil, false
	}
	for j := range cands {
		cd := &cands[j]
		cd.supp = -1
		if len(nf.Suppressions) > 0 {
			cd.supp = int32(suppressionFor(nf, candidateSpan(nf, cd).Start.Line, cd.rule.Capability))
		}
	}
	return cands, true
}

// updatedStatic is newFileStatic for nf, a new version of old (whose static
// is ost) that a full link needs (its call graph changed). Matching every
// call of a big file against the rules is a good part of a link, and an
// edit changes calls in one place: the calls before and after it that did
// not change keep their candidates, and only those between are matched.
func updatedStatic(e *Engine, old, nf *facts.File, ost *fileStatic) *fileStatic {
	if nf.Lang.Family() == "go" || old.Lang != nf.Lang {
		return newFileStatic(e, nf)
	}
	n, o := len(nf.Calls), len(old.Calls)
	pre := 0
	for pre < n && pre < o && compareCall(&old.Calls[pre], &nf.Calls[pre]) == callSame {
		pre++
	}
	suf := 0
	for suf < n-pre && suf < o-pre && compareCall(&old.Calls[o-1-suf], &nf.Calls[n-1-suf]) == callSame {
		suf++
	}
	cands := make([]candidate, 0, len(ost.cands)+8)
	i := 0
	for ; i < len(ost.cands) && int(ost.cands[i].call) < pre; i++ {
		cands = append(cands, ost.cands[i])
	}
	for k := pre; k < n-suf; k++ {
		cands = callCandidates(e, nf, k, cands)
	}
	for ; i < len(ost.cands); i++ {
		if c := int(ost.cands[i].call); c >= o-suf {
			cd := ost.cands[i]
			cd.call = int32(c + n - o)
			cands = append(cands, cd)
		}
	}
	for j := range cands {
		cd := &cands[j]
		cd.supp = -1
		if len(nf.Suppressions) > 0 {
			cd.supp = int32(suppressionFor(nf, candidateSpan(nf, cd).Start.Line, cd.rule.Capability))
		}
	}
	st := &fileStatic{byName: functionNames(nf), pyModules: ost.pyModules}
	st.cands, st.order = slices.Clip(cands), candidateOrder(nf, cands)
	return st
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
	case sameCall(a, b, false):
		return callLiterals
	}
	return callChanged
}

// sameGraph reports whether two versions of a file give the same call
// graph, tools and taint references: everything Link reads but positions,
// suppressions and the calls (which relinkFile compares one by one).
func sameGraph(a, b *facts.File) bool {
	if a.Path != b.Path || a.Lang != b.Lang || a.Package != b.Package ||
		len(a.Imports) != len(b.Imports) || len(a.Functions) != len(b.Functions) ||
		len(a.Calls) != len(b.Calls) || len(a.Tools) != len(b.Tools) ||
		!maps.Equal(a.Exports, b.Exports) || !maps.Equal(a.Constants, b.Constants) || !maps.Equal(a.Types, b.Types) {
		return false
	}
	for i := range a.Imports {
		x, y := &a.Imports[i], &b.Imports[i]
		if x.Spec != y.Spec || x.Local != y.Local || x.Name != y.Name {
			return false
		}
	}
	for i := range a.Functions {
		if !sameFunction(&a.Functions[i], &b.Functions[i]) {
			return false
		}
	}
	for i := range a.Tools {
		if !sameTool(&a.Tools[i], &b.Tools[i]) {
			return false
		}
	}
	return true
}

func sameFunction(a, b *facts.Function) bool {
	if a.Name != b.Name || a.Class != b.Class || a.Parent != b.Parent || !slices.Equal(a.Params, b.Params) ||
		len(a.ParamFields) != len(b.ParamFields) || len(a.LocalCalls) != len(b.LocalCalls) || len(a.Refs) != len(b.Refs) ||
		!sameRefs(a.Returns, b.Returns) {
		return false
	}
	for k, v := range a.ParamFields {
		if w, ok := b.ParamFields[k]; !ok || !slices.Equal(v, w) {
			return false
		}
	}
	if len(a.LocalCalls) > 0 && &a.LocalCalls[0] == &b.LocalCalls[0] && (len(a.Refs) == 0 || &a.Refs[0] == &b.Refs[0]) {
		return true // shared by ranged extraction: the same lists
	}
	for i := range a.LocalCalls {
		x, y := &a.LocalCalls[i], &b.LocalCalls[i]
		if !sameCallee(&x.Callee, &y.Callee) || !sameRefs(x.Receiver, y.Receiver) || !sameArgs(x.Args, y.Args, false) {
			return false
		}
	}
	for i := range a.Refs {
		if !sameCallee(&a.Refs[i], &b.Refs[i]) {
			return false
		}
	}
	return true
}

func sameCallee(a, b *facts.Callee) bool {
	return a.Kind == b.Kind && a.Name == b.Name && a.Class == b.Class && a.Func == b.Func
}

func sameTool(a, b *facts.Tool) bool {
	if a.Name != b.Name || a.NameRef != b.NameRef || a.SDK != b.SDK || a.Handler != b.Handler || a.Dispatcher != b.Dispatcher ||
		(a.HandlerRef == nil) != (b.HandlerRef == nil) || len(a.Inputs) != len(b.Inputs) || !maps.Equal(a.Annotations, b.Annotations) {
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
	if a.Module != b.Module || a.Member != b.Member || a.Func != b.Func || a.Access != b.Access || a.New != b.New ||
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
	if a.Name != b.Name || a.Func != b.Func || len(a.Props) != len(b.Props) || !sameRefs(a.Refs, b.Refs) ||
		(lits && (a.Value != b.Value || a.Known != b.Known || a.Prefix != b.Prefix || a.Number != b.Number)) {
		return false
	}
	return (len(a.Props) == 0 || sameProps(a.Props, b.Props, lits)) && sameArgs(a.Elems, b.Elems, lits)
}

// sameProps compares property maps. Values are compared as copies: the
// address of a copy passed down this recursion would move it to the heap.
func sameProps(a, b map[string]facts.Arg, lits bool) bool {
	for k, pa := range a {
		pb, ok := b[k]
		if !ok || pa.Name != pb.Name || pa.Func != pb.Func || len(pa.Props) != len(pb.Props) || !sameRefs(pa.Refs, pb.Refs) ||
			(lits && (pa.Value != pb.Value || pa.Known != pb.Known || pa.Prefix != pb.Prefix || pa.Number != pb.Number)) ||
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
