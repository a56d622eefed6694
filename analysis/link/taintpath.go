package link

import (
	"github.com/mcpriv/mcpriv/analysis/facts"
)

// maxTaintPath is the longest access path a taint question carries past
// a call: a caller's path is put before the callee's and the whole is cut
// to this many fields.
const maxTaintPath = 4

// pathID names an access path interned in a pathTable; 0 is the empty path.
type pathID int32

// pathTable interns the access paths of taint questions as a trie: a path
// is its parent (all fields but the last) and its last field. Questions
// are keyed by the ID, so the millions a big bundle asks neither join nor
// hash strings, and each distinct path is stored once.
type pathTable struct {
	ids   map[pathStep]pathID
	nodes []pathNode // ID → node; nodes[0] is the empty path
	buf   []string
}

type pathStep struct {
	parent pathID
	field  string
}

type pathNode struct {
	parent pathID
	field  string
	depth  int32
}

// child returns the path parent followed by field.
func (t *pathTable) child(parent pathID, field string) pathID {
	if t.ids == nil {
		t.ids = map[pathStep]pathID{}
		t.nodes = []pathNode{{}}
	}
	k := pathStep{parent, field}
	if id, ok := t.ids[k]; ok {
		return id
	}
	id := pathID(len(t.nodes))
	t.nodes = append(t.nodes, pathNode{parent: parent, field: field, depth: t.depth(parent) + 1})
	t.ids[k] = id
	return id
}

func (t *pathTable) depth(id pathID) int32 {
	if id == 0 {
		return 0
	}
	return t.nodes[id].depth
}

// intern returns the ID of path p, of any length (a candidate's own
// reference is not cut).
func (t *pathTable) intern(p []string) pathID {
	id := pathID(0)
	for _, f := range p {
		id = t.child(id, f)
	}
	return id
}

// join returns the ID of prefix followed by the path suffix, cut to
// maxTaintPath fields.
func (t *pathTable) join(prefix []string, suffix pathID) pathID {
	if len(prefix) == 0 && t.depth(suffix) <= maxTaintPath {
		return suffix
	}
	id := pathID(0)
	for _, f := range prefix {
		if t.depth(id) == maxTaintPath {
			return id
		}
		id = t.child(id, f)
	}
	for _, f := range t.segs(suffix) {
		if t.depth(id) == maxTaintPath {
			break
		}
		id = t.child(id, f)
	}
	return id
}

// segs returns the fields of path id in order, in a buffer the next call
// reuses.
func (t *pathTable) segs(id pathID) []string {
	n := int(t.depth(id))
	if cap(t.buf) < n {
		t.buf = make([]string, n)
	}
	out := t.buf[:n]
	for i := n - 1; i >= 0; i-- {
		out[i] = t.nodes[id].field
		id = t.nodes[id].parent
	}
	return out
}

// liveKey is a parameter of a function (-1: the receiver).
type liveKey struct {
	fn    fnID
	param int
}

// taintLive reports whether a taint question about parameter param of fn
// can have a source, whatever its path and tool: whether some chain of
// the questions taintOf asks — the callers' references passed for the
// parameter, the callers' callers' … — reaches a parameter of a tool's
// handler or dispatcher that is one of the tool's inputs. A question that
// cannot has the empty answer in any order of asking, and so cannot be in
// a cycle of questions with one that can (it would reach what that one
// reaches): skipping it changes no other answer, only the questions
// counted. In a big bundle most of the code never sees a tool's input,
// and its questions were most of those asked.
//
// The answer is found by a walk of the (function, parameter) graph from
// the question, with an explicit stack: when it meets a tool input, the
// parameters on the stack lead there and are live; when it ends without,
// every parameter it visited reaches only visited ones and is dead.
func (ix *index) taintLive(fn fnID, param int) bool {
	k := liveKey{fn, param}
	if live, ok := ix.live[k]; ok {
		return live
	}
	if ix.live == nil {
		ix.live = map[liveKey]bool{}
	}
	type frame struct {
		k    liveKey
		next []liveKey
	}
	seen := map[liveKey]bool{k: true}
	stack := []frame{{k, ix.liveNext(k)}}
	if ix.liveSource(k) {
		ix.live[k] = true
		return true
	}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if len(top.next) == 0 {
			stack = stack[:len(stack)-1]
			continue
		}
		n := top.next[0]
		top.next = top.next[1:]
		if seen[n] {
			continue
		}
		seen[n] = true
		live, known := ix.live[n]
		if known && !live {
			continue
		}
		if live || ix.liveSource(n) {
			ix.live[n] = true
			for _, fr := range stack {
				ix.live[fr.k] = true
			}
			return true
		}
		stack = append(stack, frame{n, ix.liveNext(n)})
	}
	for s := range seen {
		ix.live[s] = false
	}
	return false
}

// liveSource reports whether parameter k is a tool's input at its
// handler or dispatcher.
func (ix *index) liveSource(k liveKey) bool {
	for _, t := range ix.rootTools[k.fn] {
		for _, in := range ix.tools[t].t.Inputs {
			if in.Index == k.param {
				return true
			}
		}
	}
	return false
}

// liveNext lists the parameters a taint question about k asks about
// (taintOf's walk of the callers, without paths).
func (ix *index) liveNext(k liveKey) []liveKey {
	var out []liveKey
	var buf []facts.ParamRef
	for _, cs := range ix.callers[k.fn] {
		refs := cs.recv
		if k.param != -1 {
			refs = nil
			if k.param >= 0 && k.param < len(cs.args) {
				buf = argRefs(&cs.args[k.param], buf[:0], 2)
				refs = buf
			}
		}
		callerFile := int(ix.owner[cs.caller])
		callerIdx := int(cs.caller - ix.base[callerFile])
		for _, r := range refs {
			if decl := ix.taintDecl(callerFile, callerIdx, r); decl >= 0 {
				out = append(out, liveKey{ix.base[callerFile] + fnID(decl), r.Param})
			}
		}
	}
	return out
}
