package link

import (
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// plainTaint is the taint computation before interned paths and pruning
// (taintLive), kept as the reference the tests compare with: every
// question is asked and keyed by its joined path, and no bound applies.
type plainTaint struct {
	ix       *index
	memo     map[plainKey][]taintSrc
	inFlight map[plainKey]int32
	stack    []plainKey
	next     int32
	asked    int
}

type plainKey struct {
	fn          fnID
	param, tool int
	path        string
}

func newPlainTaint(ix *index) *plainTaint {
	return &plainTaint{ix: ix, memo: map[plainKey][]taintSrc{}, inFlight: map[plainKey]int32{}}
}

func (pt *plainTaint) taint(file int, callFn int, ref facts.ParamRef) ([]taintSrc, int32) {
	ix := pt.ix
	f := ix.files[file]
	decl := ix.taintDecl(file, callFn, ref)
	if decl < 0 {
		return nil, noLow
	}
	fn := ix.base[file] + fnID(decl)
	only := -1
	if len(ix.caseTool) > 0 {
		for j := callFn; j > 0 && j < len(f.Functions) && j != decl; j = f.Functions[j].Parent {
			if t, ok := ix.caseTool[[2]fnID{fn, ix.base[file] + fnID(j)}]; ok {
				only = t
				break
			}
		}
	}
	return pt.taintOf(fn, ref.Param, ref.Path, only)
}

func (pt *plainTaint) taintOf(fn fnID, param int, p []string, only int) ([]taintSrc, int32) {
	ix := pt.ix
	key := plainKey{fn: fn, param: param, path: strings.Join(p, "\x00"), tool: only}
	if r, ok := pt.memo[key]; ok {
		return r, noLow
	}
	if fr, ok := pt.inFlight[key]; ok {
		return nil, fr
	}
	pt.asked++
	me := pt.next
	pt.next++
	pt.inFlight[key] = me
	pt.stack = append(pt.stack, key)
	low := me
	var out []taintSrc
	for _, t := range ix.rootTools[fn] {
		if only >= 0 && t != only {
			continue
		}
		for _, in := range ix.tools[t].t.Inputs {
			if in.Index != param {
				continue
			}
			if field, ok := inputField(in, p); ok {
				out = append(out, taintSrc{tool: t, field: field})
			}
		}
	}
	for _, cs := range ix.callers[fn] {
		var refs []facts.ParamRef
		if param == -1 {
			refs = cs.recv
		} else if param >= 0 && param < len(cs.args) {
			refs = argRefs(&cs.args[param], nil, 2)
		}
		callerFile := int(ix.owner[cs.caller])
		callerIdx := int(cs.caller - ix.base[callerFile])
		for _, r := range refs {
			joined := append(append([]string(nil), r.Path...), p...)
			if len(joined) > 4 {
				joined = joined[:4]
			}
			r.Path = joined
			srcs, l := pt.taint(callerFile, callerIdx, r)
			out = append(out, srcs...)
			low = min(low, l)
		}
	}
	out = dedupeTaint(out)
	if low < me {
		return out, low
	}
	for {
		k := pt.stack[len(pt.stack)-1]
		pt.stack = pt.stack[:len(pt.stack)-1]
		delete(pt.inFlight, k)
		pt.memo[k] = out
		if k == key {
			break
		}
	}
	return out, noLow
}
