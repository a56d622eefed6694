package link

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

type taintSrc struct {
	tool  int
	field string
}

// taintKey is a taint question: a parameter of a function (-1: the
// receiver), the access path read from it, interned (pathTable), and the
// one tool a dispatcher's case restricts it to (-1: any).
type taintKey struct {
	fn    fnID
	path  pathID
	param int
	tool  int
}

// taintEntry is a memoised taint answer and the height of the question:
// the longest chain of questions it asked below it (0: none).
type taintEntry struct {
	srcs   []taintSrc
	height int32
}

// maxTaintDepth is the greatest question height an incremental link
// trusts (graphLink); taint itself follows chains of any length.
const maxTaintDepth = 12

// taintFrame is a question in progress or in an unfinished strongly
// connected component of questions (Tarjan's algorithm): its DFS number.
type taintFrame struct{ index int32 }

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
// function holding the use (for dispatchers: which case). low is the
// smallest DFS number of an unfinished question the answer leaned on
// (noLow: none), for the caller's cycle bookkeeping.
func (ix *index) taint(file int, callFn int, ref facts.ParamRef) (srcs []taintSrc, height, low int32) {
	return ix.ask(file, callFn, ref, 0, false)
}

// taintJoined is taint of a caller's reference, which reads the path
// suffix of the callee's question from what it names: the question's path
// is the reference's followed by suffix, cut to maxTaintPath.
func (ix *index) taintJoined(file int, callFn int, ref facts.ParamRef, suffix pathID) (srcs []taintSrc, height, low int32) {
	return ix.ask(file, callFn, ref, suffix, true)
}

func (ix *index) ask(file int, callFn int, ref facts.ParamRef, suffix pathID, joined bool) (srcs []taintSrc, height, low int32) {
	f := ix.files[file]
	decl := ix.taintDecl(file, callFn, ref)
	if decl < 0 {
		return nil, -1, noLow
	}
	fn := ix.base[file] + fnID(decl)
	if !ix.taintLive(fn, ref.Param) {
		// No tool input is reachable from this parameter through any
		// chain of callers: the answer is empty whatever the path, and
		// no question is asked (see taintLive).
		return nil, -1, noLow
	}
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
	var p pathID
	if joined {
		p = ix.paths.joinMemo(ref.Path, suffix)
	} else {
		p = ix.paths.intern(ref.Path)
	}
	return ix.taintOf(fn, ref.Param, p, only)
}

const noLow = int32(math.MaxInt32)

// maxTaintStack bounds the open taint questions: each is a frame of the Go
// stack (about 1 KB over two calls), and a stack overflow kills the
// process, not the goroutine.
var maxTaintStack = int(20000) // a variable for the tests only

// maxTaintHeld bounds the sources held in the answers of one link (24
// bytes each): where tool input reaches much of a big bundle, each of
// millions of questions holds a long list of the inputs it reaches.
var maxTaintHeld = int64(8_000_000) // a variable for the tests only

// taintCheck, set by tests only, is given every candidate's taint answer
// to compare it with the plain computation.
var taintCheck func(ix *index, file, callFn int, ref facts.ParamRef, srcs []taintSrc)

// maxTaintQuestions bounds the questions of one link: access paths
// multiply them along long chains of callers in a big bundle, and a link
// must end.
var maxTaintQuestions = int32(2_000_000) // a variable for the tests only

// deepTaintFinding reports a taint question not followed (taintOf's bound):
// the taint of calls reached through function fn may be missing.
func (ix *index) deepTaintFinding() []finding.Finding {
	if ix.taintDeep < 0 {
		return nil
	}
	fi := int(ix.owner[ix.taintDeep])
	f := ix.files[fi]
	fn := &f.Functions[ix.taintDeep-ix.base[fi]]
	return []finding.Finding{{Kind: finding.KindUnanalysed, File: f.Path, Span: fn.Span, CallSpan: fn.Span,
		Rule: finding.RuleTooDeep, Server: true, Tools: []string{},
		Message: fmt.Sprintf("callers chained too deep or too many to follow tool input (over %d open or %d asked questions, or %d sources held): the taint of calls reached through this function may be missing", maxTaintStack, maxTaintQuestions, maxTaintHeld)}}
}

// taintOf answers a taint question: the sources of the question itself and
// of every question reachable from it through callers. Questions call each
// other in cycles under recursion (f0 → f1 → f0), so this is Tarjan's
// strongly connected components over the questions: a question in a cycle
// is answered only when the cycle's first question completes, and every
// question of the cycle gets that answer (they reach the same sources). A
// memo of "untainted" while a cycle is in progress would lose the taint
// that enters the cycle elsewhere.
func (ix *index) taintOf(fn fnID, param int, p pathID, only int) ([]taintSrc, int32, int32) {
	key := taintKey{fn: fn, param: param, path: p, tool: only}
	if r, ok := ix.taintMemo[key]; ok {
		return r.srcs, r.height, noLow
	}
	if fr, ok := ix.inFlight[key]; ok {
		// In progress or in an unfinished cycle: the cycle's first question
		// collects what this one reaches.
		ix.taintCut = true
		return nil, 0, fr.index
	}
	if len(ix.taintStack) >= maxTaintStack || ix.taintNext >= maxTaintQuestions || ix.taintHeld >= maxTaintHeld {
		// A chain of callers this long only comes from generated code or an
		// attempt to exhaust the stack: the question is not followed, and
		// the link says so (deepTaintFinding) instead of crashing.
		ix.taintCut = true
		if ix.taintDeep < 0 {
			ix.taintDeep = fn
		}
		return nil, 0, noLow
	}
	me := ix.taintNext
	ix.taintNext++
	ix.inFlight[key] = taintFrame{index: me}
	ix.taintStack = append(ix.taintStack, key)
	low := me

	var out []taintSrc
	// shared: out is a memoised answer itself (a single contribution is
	// not copied); appending to it copies, as its capacity is its length.
	shared := false
	height := int32(0)
	if roots := ix.rootTools[fn]; len(roots) > 0 {
		segs := ix.paths.segs(p)
		for _, t := range roots {
			if only >= 0 && t != only {
				continue
			}
			for _, in := range ix.tools[t].toolInputs() {
				if in.Index != param {
					continue
				}
				if field, ok := inputField(in, segs); ok {
					out = append(out, taintSrc{tool: t, field: field})
				}
			}
		}
	}
	for _, cs := range ix.callers[fn] {
		var refs []facts.ParamRef
		if param == -1 {
			refs = cs.recv
		} else if param >= 0 && param < len(cs.args) {
			refs = ix.siteRefs(&cs.args[param])
		}
		callerFile := int(ix.owner[cs.caller])
		callerIdx := int(cs.caller - ix.base[callerFile])
		for _, r := range refs {
			srcs, h, l := ix.taintJoined(callerFile, callerIdx, r, p)
			switch {
			case len(srcs) == 0:
			case len(out) == 0:
				out, shared = srcs[:len(srcs):len(srcs)], true
			default:
				out, shared = append(out, srcs...), false
			}
			height = max(height, h+1)
			low = min(low, l)
		}
	}
	if !shared {
		out = dedupeTaint(out)
		ix.taintHeld += int64(len(out))
	}
	if low < me {
		return out, height, low // part of a cycle whose first question is still open
	}
	// The first question of its component: everything the component reaches
	// is in out; each question of it has this answer.
	for {
		k := ix.taintStack[len(ix.taintStack)-1]
		ix.taintStack = ix.taintStack[:len(ix.taintStack)-1]
		delete(ix.inFlight, k)
		ix.taintMemo[k] = taintEntry{srcs: out, height: height}
		if k == key {
			break
		}
	}
	return out, height, noLow
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
		// In key order: the first source found is the one reported.
		if len(a.Props) == 1 {
			for _, p := range a.Props {
				out = argRefs(&p, out, depth-1)
			}
		} else if len(a.Props) > 1 {
			for _, k := range slices.Sorted(maps.Keys(a.Props)) {
				p := a.Props[k]
				out = argRefs(&p, out, depth-1)
			}
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
	if len(in) <= 32 {
		// Few: a scan of the kept ones is cheaper than a map.
		out := in[:0]
	next:
		for _, s := range in {
			for _, k := range out {
				if k == s {
					continue next
				}
			}
			out = append(out, s)
		}
		return out
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
// The payload is asked about only when the target is not tainted: the
// target is the stronger role and the one reported.
func (ix *index) linkTaint(l *linked, file int, c *facts.Call, cd *candidate) {
	l.tainted, l.taintTool, l.taintSource, l.taintRole = false, "", "", ""
	role := finding.TaintTarget
	srcs := ix.refsTaint(file, c, cd.refs)
	if len(srcs) == 0 {
		role = finding.TaintPayload
		srcs = ix.refsTaint(file, c, cd.payload)
	}
	if len(srcs) > 0 {
		l.tainted = true
		l.taintTool = ix.tools[srcs[0].tool].name
		l.taintSource = srcs[0].field
		l.taintRole = role
	}
}

// refsTaint returns the tool inputs the references of call c derive from.
func (ix *index) refsTaint(file int, c *facts.Call, refs []facts.ParamRef) []taintSrc {
	var srcs []taintSrc
	for _, ref := range refs {
		s, h, _ := ix.taint(file, c.Func, ref)
		if taintCheck != nil {
			taintCheck(ix, file, c.Func, ref, s)
		}
		srcs = append(srcs, s...)
		ix.rootHeight = max(ix.rootHeight, h)
	}
	return dedupeTaint(srcs)
}
