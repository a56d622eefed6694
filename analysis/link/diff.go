package link

import (
	"maps"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/lang"
)

// A link after an edit starts by comparing each changed file with its
// version in the root's latest link, once: relink (positions and literals
// changed), graphLink (the calls a function makes changed) and the statics
// of a full link all read the same comparison.

// linkDiff compares the files of a link with the root's latest link: the
// same number of files, the changed ones at the same index with the same
// path and language. nil when the files cannot be compared so.
type linkDiff struct {
	snap  *linkSnapshot
	files []*fileDiff // the changed files, by index
}

// fileDiff compares nf, a new version of old (files[i]), with it.
type fileDiff struct {
	i       int
	old, nf *facts.File
	ost     *fileStatic // old's static (before Go type rewrites)

	// names: the functions have the same names and classes, index by index,
	// so byName stands.
	names bool
	// shape: the files differ at most in their functions' LocalCalls and
	// Refs and in their calls: imports, exports, constants, types, tools
	// and everything else of the functions are the same, so every name
	// table, function index and tool root stands.
	shape bool
	// fns lists the functions whose LocalCalls or Refs differ (when shape).
	fns []int
	// pre and suf count the calls at the start and at the end that are the
	// same (callSame) in both versions; they do not overlap.
	pre, suf int
	// mid compares the calls between them, index by index, when both
	// versions have as many calls.
	mid []callChange

	st *fileStatic // static's memo
}

// diffSnapshot compares files with snap, or returns nil when relink and
// graphLink cannot start from it.
func diffSnapshot(snap *linkSnapshot, files []*facts.File) *linkDiff {
	if snap == nil || len(snap.given) != len(files) {
		return nil
	}
	ld := &linkDiff{snap: snap}
	for i, f := range files {
		old := snap.given[i]
		if f == old {
			continue
		}
		// Go files are typed across the package (type rewrites): not here.
		if len(ld.files) == maxRelinkChanged || f == nil || old == nil || f.Path != old.Path || f.Lang != old.Lang ||
			lang.For(f.Lang).TypedAcrossPackage() || snap.base[i] == nil {
			return nil
		}
		ld.files = append(ld.files, &fileDiff{i: i, old: old, nf: f, ost: snap.base[i]})
	}
	for _, d := range ld.files {
		d.compare()
	}
	return ld
}

// compare fills the comparison. The calls are most of the work on a big
// file: another core compares them meanwhile, and when both versions have
// as many calls (most edits), both cores share them in chunks once the
// rest is compared.
func (d *fileDiff) compare() {
	n := len(d.nf.Calls)
	switch {
	case n < parallelCompareCalls:
		d.compareShape()
		d.diffCalls()
	case n != len(d.old.Calls):
		d.compareShifted()
	default:
		status := make([]callChange, n)
		var next atomic.Int64
		compare := func() {
			for {
				lo := int(next.Add(compareChunk)) - compareChunk
				if lo >= n {
					return
				}
				for k := lo; k < min(lo+compareChunk, n); k++ {
					status[k] = compareCall(&d.old.Calls[k], &d.nf.Calls[k])
				}
			}
		}
		var wg sync.WaitGroup
		wg.Go(compare)
		d.compareShape()
		compare()
		wg.Wait()
		pre, suf := 0, 0
		for pre < n && status[pre] == callSame {
			pre++
		}
		for suf < n-pre && status[n-1-suf] == callSame {
			suf++
		}
		d.pre, d.suf = pre, suf
		if pre+suf < n {
			d.mid = status[pre : n-suf]
		}
	}
}

func (d *fileDiff) compareShape() {
	a, b := d.old, d.nf
	d.names = sameNames(a, b)
	if !d.names || a.Package != b.Package || a.Build != b.Build || len(a.Imports) != len(b.Imports) || len(a.Tools) != len(b.Tools) ||
		!sameMap(a.Exports, b.Exports) && !maps.Equal(a.Exports, b.Exports) ||
		!sameMap(a.Constants, b.Constants) && !maps.Equal(a.Constants, b.Constants) ||
		!sameMap(a.Types, b.Types) && !maps.Equal(a.Types, b.Types) ||
		!maps.EqualFunc(a.Lists, b.Lists, slices.Equal) ||
		!maps.EqualFunc(a.Stores, b.Stores, func(x, y []facts.Arg) bool { return sameArgs(x, y, true) }) {
		return
	}
	for i := range a.Imports {
		x, y := &a.Imports[i], &b.Imports[i]
		if x.Spec != y.Spec || x.Local != y.Local || x.Name != y.Name {
			return
		}
	}
	for i := range a.Tools {
		if !sameTool(&a.Tools[i], &b.Tools[i]) {
			return
		}
	}
	var fns []int
	for j := range a.Functions {
		x, y := &a.Functions[j], &b.Functions[j]
		if !sameFunctionHead(x, y) {
			return
		}
		if !sameFunctionCalls(x, y) {
			fns = append(fns, j)
		}
	}
	d.shape, d.fns = true, fns
}

// compareShifted compares two versions of a big file whose call counts
// differ, on both cores: another core scans the unchanged calls at the
// start while this one compares the rest and then scans those at the end;
// once the start is found, the other core scans the end from its inner
// side, until the two meet. The ends found need not be the longest (the
// scans stop where they meet): any unchanged calls at the ends will do.
func (d *fileDiff) compareShifted() {
	oc, nc := d.old.Calls, d.nf.Calls
	n, o := len(nc), len(oc)
	m := min(n, o)
	same := func(j int) bool { return compareCall(&oc[o-1-j], &nc[n-1-j]) == callSame } // j-th from the end
	var (
		mu      sync.Mutex
		preDone bool
		pre     int // the start's progress, then its length
		lo      int // the end: [0, lo) checked from the outside
		hi      int // and [hi, m-pre) from the inside
		outMiss = -1
		inMiss  = -1 // the smallest mismatch found from the inside
	)
	var wg sync.WaitGroup
	wg.Go(func() {
		k := 0
		for {
			mu.Lock()
			limit := m - lo
			pre = k
			mu.Unlock()
			if k >= limit {
				break
			}
			end := min(k+compareChunk, limit)
			for k < end && compareCall(&oc[k], &nc[k]) == callSame {
				k++
			}
			if k < end {
				break
			}
		}
		mu.Lock()
		pre, preDone, hi = k, true, m-k
		mu.Unlock()
		for {
			mu.Lock()
			if outMiss >= 0 || hi <= lo {
				mu.Unlock()
				return
			}
			top := hi
			hi = max(hi-compareChunk, lo)
			bottom := hi
			mu.Unlock()
			for j := top - 1; j >= bottom; j-- {
				if !same(j) {
					inMiss = j // only this goroutine writes it; read after Wait
				}
			}
		}
	})
	d.compareShape()
	for {
		mu.Lock()
		if !preDone && lo >= m-pre || preDone && lo >= hi {
			mu.Unlock()
			break
		}
		from := lo
		lo = min(lo+compareChunk, m-pre)
		if preDone {
			lo = min(lo, hi)
		}
		to := lo
		mu.Unlock()
		j := from
		for j < to && same(j) {
			j++
		}
		if j < to {
			mu.Lock()
			outMiss = j
			mu.Unlock()
			break
		}
	}
	wg.Wait()
	suf := m - pre
	switch {
	case outMiss >= 0:
		suf = min(outMiss, suf)
	case inMiss >= 0:
		suf = min(inMiss, suf)
	}
	d.pre, d.suf = pre, suf
}

// diffCalls finds the unchanged calls at both ends, and compares those
// between when the counts agree.
func (d *fileDiff) diffCalls() {
	oc, nc := d.old.Calls, d.nf.Calls
	n, o := len(nc), len(oc)
	pre := 0
	for pre < n && pre < o && compareCall(&oc[pre], &nc[pre]) == callSame {
		pre++
	}
	suf := 0
	for suf < n-pre && suf < o-pre && compareCall(&oc[o-1-suf], &nc[n-1-suf]) == callSame {
		suf++
	}
	d.pre, d.suf = pre, suf
	if n == o && pre+suf < n {
		d.mid = make([]callChange, n-pre-suf)
		d.mid[0] = compareCall(&oc[pre], &nc[pre])
		for k := pre + 1; k < n-suf; k++ {
			d.mid[k-pre] = compareCall(&oc[k], &nc[k])
		}
	}
}

// static is newFileStatic for nf. Matching every call of a big file
// against the rules is a good part of a link, and an edit changes calls in
// one place: the calls before and after it that did not change keep their
// candidates, and only those between are matched.
func (d *fileDiff) static(l *Linker) *fileStatic {
	if d.st != nil {
		return d.st
	}
	old, nf, ost := d.old, d.nf, d.ost
	if lang.For(nf.Lang).TypedAcrossPackage() || old.Lang != nf.Lang {
		d.st = newFileStatic(l, nf)
		return d.st
	}
	n, o := len(nf.Calls), len(old.Calls)
	if hasStore(nf.Calls[d.pre:n-d.suf]) || hasStore(old.Calls[d.pre:o-d.suf]) {
		// A store decides the scope of other calls (overrideStores).
		d.st = newFileStatic(l, nf)
		return d.st
	}
	cands := make([]candidate, 0, len(ost.cands)+8)
	i := 0
	for ; i < len(ost.cands) && int(ost.cands[i].call) < d.pre; i++ {
	}
	cands = append(cands, ost.cands[:i]...)
	for k := d.pre; k < n-d.suf; k++ {
		cands = callCandidates(l, nf, k, cands)
	}
	for ; i < len(ost.cands); i++ {
		if c := int(ost.cands[i].call); c >= o-d.suf {
			cd := ost.cands[i]
			cd.call = int32(c + n - o)
			cands = append(cands, cd)
		}
	}
	setSuppressions(nf, cands)
	st := &fileStatic{byName: ost.byName, pyModules: ost.pyModules, typeCalls: typeCalls(nf)}
	if !d.names {
		st.byName = functionNames(nf)
	}
	st.cands, st.order = slices.Clip(cands), candidateOrder(nf, cands)
	d.st = st
	return st
}

// sameNames reports whether two versions of a file have the same functions
// by name and class, index by index: their byName tables are equal.
func sameNames(a, b *facts.File) bool {
	if len(a.Functions) != len(b.Functions) {
		return false
	}
	for j := range a.Functions {
		if a.Functions[j].Name != b.Functions[j].Name || a.Functions[j].Class != b.Functions[j].Class {
			return false
		}
	}
	return true
}

// sameFunctionHead compares two versions of a function but for the calls
// it makes (LocalCalls, Refs), positions and Returns: what a function
// returns is the extractor's business (it shapes the references of the
// calls that use the value), Link never reads it.
func sameFunctionHead(a, b *facts.Function) bool {
	if a.Name != b.Name || a.Class != b.Class || a.Parent != b.Parent || len(a.Params) != len(b.Params) {
		return false
	}
	if len(a.Params) > 0 && &a.Params[0] != &b.Params[0] && !slices.Equal(a.Params, b.Params) {
		return false
	}
	// Ranged extraction keeps a function's map when it keeps the function:
	// the same map needs no walk (nor a look at its header).
	if sameMap(a.ParamFields, b.ParamFields) {
		return true
	}
	if len(a.ParamFields) != len(b.ParamFields) {
		return false
	}
	for k, v := range a.ParamFields {
		if w, ok := b.ParamFields[k]; !ok || !slices.Equal(v, w) {
			return false
		}
	}
	return true
}

// sameMap reports whether two maps are one.
func sameMap[K comparable, V any](a, b map[K]V) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// sameFunctionCalls compares the calls two versions of a function make to
// project functions (LocalCalls, Refs) but for positions and literals.
func sameFunctionCalls(a, b *facts.Function) bool {
	if len(a.LocalCalls) != len(b.LocalCalls) || len(a.Refs) != len(b.Refs) {
		return false
	}
	if len(a.LocalCalls) > 0 && &a.LocalCalls[0] == &b.LocalCalls[0] && (len(a.Refs) == 0 || &a.Refs[0] == &b.Refs[0]) {
		return true // shared by ranged extraction: the same lists
	}
	for i := range a.LocalCalls {
		x, y := &a.LocalCalls[i], &b.LocalCalls[i]
		if !sameCallee(&x.Callee, &y.Callee) || !sameRefs(x.Receiver, y.Receiver) || x.ReceiverPass != y.ReceiverPass || !sameArgs(x.Args, y.Args, false) {
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
