package link

import (
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

type taintSrc struct {
	tool  int
	field string
}

type taintKey struct {
	fn    fnID
	param int
	path  string
	tool  int // restrict to one tool (-1: any)
}

// taintEntry is a memoised taint answer and the height of the question:
// the longest chain of questions it asked below it (0: none).
type taintEntry struct {
	srcs   []taintSrc
	height int32
}

// maxTaintDepth bounds the chains of callers taint follows.
const maxTaintDepth = 12

// taintDecl returns the function declaring the parameter a reference
// names, used in function callFn of file (-1: none, no question is asked).
func (ix *index) taintDecl(file int, callFn int, ref facts.ParamRef) int {
	nf := len(ix.files[file].Functions)
	decl := ref.Fn
	if decl < 0 || decl >= nf {
		decl = callFn
	}
	if decl < 0 || decl >= nf {
		return -1
	}
	return decl
}

// taint returns the tool inputs a parameter reference of function fn derives
// from, and the height of the question asked (-1: none). callFn is the
// function holding the use (for dispatchers: which case).
func (ix *index) taint(file int, callFn int, ref facts.ParamRef, depth int) ([]taintSrc, int32) {
	f := ix.files[file]
	decl := ix.taintDecl(file, callFn, ref)
	if decl < 0 {
		return nil, -1
	}
	fn := ix.base[file] + fnID(decl)
	only := -1
	// A use inside one case of a dispatcher (or a closure in it) is that
	// tool's input: find the case body among the use's enclosing functions.
	if len(ix.caseTool) > 0 {
		for j := callFn; j > 0 && j < len(f.Functions) && j != decl; j = f.Functions[j].Parent {
			if t, ok := ix.caseTool[[2]fnID{fn, ix.base[file] + fnID(j)}]; ok {
				only = t
				break
			}
		}
	}
	return ix.taintOf(fn, ref.Param, ref.Path, only, depth)
}

func (ix *index) taintOf(fn fnID, param int, p []string, only int, depth int) ([]taintSrc, int32) {
	key := taintKey{fn: fn, param: param, path: strings.Join(p, "\x00"), tool: only}
	if r, ok := ix.taintMemo[key]; ok {
		return r.srcs, r.height
	}
	if ix.inFlight[key] || depth > maxTaintDepth {
		ix.taintCut = true
		return nil, 0
	}
	ix.inFlight[key] = true
	defer delete(ix.inFlight, key)

	var out []taintSrc
	height := int32(0)
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
			srcs, h := ix.taint(callerFile, callerIdx, r, depth+1)
			out = append(out, srcs...)
			height = max(height, h+1)
		}
	}
	out = dedupeTaint(out)
	ix.taintMemo[key] = taintEntry{srcs: out, height: height}
	return out, height
}

// inputField maps a parameter path to the tool input field it reads.
func inputField(in facts.ToolInput, p []string) (string, bool) {
	n := min(len(in.Prefix), len(p))
	for i := 0; i < n; i++ {
		if in.Prefix[i] != p[i] {
			return "", false
		}
	}
	switch {
	case in.Name != "":
		return in.Name, true
	case len(p) > len(in.Prefix):
		return p[len(in.Prefix)], true
	}
	return "arguments", true
}

func argRefs(a *facts.Arg, out []facts.ParamRef, depth int) []facts.ParamRef {
	out = append(out, a.Refs...)
	if depth > 0 {
		for k := range a.Props {
			p := a.Props[k]
			out = argRefs(&p, out, depth-1)
		}
		for k := range a.Elems {
			out = argRefs(&a.Elems[k], out, depth-1)
		}
	}
	return out
}

// dedupeTaint drops repeated sources, keeping the first occurrence: the
// order says which argument the source came from, and the first is reported.
func dedupeTaint(in []taintSrc) []taintSrc {
	if len(in) < 2 {
		return in
	}
	seen := make(map[taintSrc]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// linkTaint decides a candidate's tool-input taint, and notes the height of
// its questions.
func (ix *index) linkTaint(l *linked, file int, c *facts.Call, cd *candidate) {
	var srcs []taintSrc
	for _, ref := range cd.refs {
		s, h := ix.taint(file, c.Func, ref, 0)
		srcs = append(srcs, s...)
		ix.rootHeight = max(ix.rootHeight, h)
	}
	srcs = dedupeTaint(srcs)
	l.tainted, l.taintTool, l.taintSource = false, "", ""
	if len(srcs) > 0 {
		l.tainted = true
		l.taintTool = ix.tools[srcs[0].tool].name
		l.taintSource = srcs[0].field
	}
}
