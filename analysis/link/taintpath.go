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
	memo  taintMemos
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
// The live parameters are found once per link, backwards from the tools'
// inputs over the path-free graph of questions (a breadth-first walk with
// an explicit queue).
func (ix *index) taintLive(fn fnID, param int) bool {
	if ix.live == nil {
		ix.live = newLiveSet(ix.liveParams(), len(ix.owner))
	}
	return ix.live.has(fn, param)
}

// liveSet holds the live parameters (taintLive) as one word of bits per
// function, parameter p at bit p+1, with a map for parameters past the
// word: taintLive is asked at every question, and hashing a key there was
// a twentieth of a big bundle's link.
type liveSet struct {
	bits []uint64
	more map[liveKey]bool
}

func newLiveSet(live map[liveKey]bool, nfn int) *liveSet {
	s := &liveSet{bits: make([]uint64, nfn), more: map[liveKey]bool{}}
	for k := range live {
		if b := k.param + 1; b >= 0 && b < 64 && k.fn >= 0 && int(k.fn) < nfn {
			s.bits[k.fn] |= 1 << b
		} else {
			s.more[k] = true
		}
	}
	return s
}

func (s *liveSet) has(fn fnID, param int) bool {
	if b := param + 1; b >= 0 && b < 64 && fn >= 0 && int(fn) < len(s.bits) {
		return s.bits[fn]&(1<<b) != 0
	}
	return s.more[liveKey{fn, param}]
}

// liveParams returns the parameters from which a tool input is reachable
// (taintLive).
func (ix *index) liveParams() map[liveKey]bool {
	asks := map[liveKey][]liveKey{} // parameter → the parameters whose questions ask about it
	var buf []facts.ParamRef
	for callee, sites := range ix.callers {
		for _, cs := range sites {
			callerFile := int(ix.owner[cs.caller])
			callerIdx := int(cs.caller - ix.base[callerFile])
			for param := -1; param < len(cs.args); param++ {
				refs := cs.recv
				if param >= 0 {
					buf = argRefs(&cs.args[param], buf[:0], 2)
					refs = buf
				}
				for _, r := range refs {
					if decl := ix.taintDecl(callerFile, callerIdx, r); decl >= 0 {
						to := liveKey{ix.base[callerFile] + fnID(decl), r.Param}
						asks[to] = append(asks[to], liveKey{fnID(callee), param})
					}
				}
			}
		}
	}
	live := map[liveKey]bool{}
	var queue []liveKey
	for fn, tools := range ix.rootTools {
		for _, t := range tools {
			for _, in := range ix.tools[t].toolInputs() {
				if k := (liveKey{fn, in.Index}); !live[k] {
					live[k] = true
					queue = append(queue, k)
				}
			}
		}
	}
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		for _, a := range asks[k] {
			if !live[a] {
				live[a] = true
				queue = append(queue, a)
			}
		}
	}
	return live
}
