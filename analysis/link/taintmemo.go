package link

import "github.com/mcpriv/mcpriv/analysis/facts"

// Memos of the taint questions' inner loop (taintOf): a big bundle asks
// millions of questions, each walking every call site of its function, and
// recomputing a site's references and the joined path of each was most of
// a link's time (@cloudbase/cloudbase-mcp: argRefs 16 %, join 10 %). Both
// memos are keyed by the address of facts, which never change once
// extracted, so an entry is the plain computation's answer whenever it is
// read; they live in the pathTable, reset with it for each link.
type taintMemos struct {
	refs     map[*facts.Arg][]facts.ParamRef
	prefixes map[prefixKey]pathID
	extends  map[[2]pathID]pathID
}

// prefixKey names a reference's access path by the address of its fields.
type prefixKey struct {
	first *string
	n     int
}

// siteRefs is argRefs(a, nil, 2), the references a call site passes for
// one parameter, computed once per argument and link. The slice is shared:
// callers only read it.
func (ix *index) siteRefs(a *facts.Arg) []facts.ParamRef {
	m := &ix.paths.memo
	if r, ok := m.refs[a]; ok {
		return r
	}
	r := argRefs(a, nil, 2)
	if m.refs == nil {
		m.refs = map[*facts.Arg][]facts.ParamRef{}
	}
	m.refs[a] = r
	return r
}

// joinMemo is join(prefix, suffix): the prefix interned once per reference
// (cut to maxTaintPath, as join cuts it), then extended by the suffix's
// fields once per pair of IDs, which hash as two integers where join hashes
// every field.
func (t *pathTable) joinMemo(prefix []string, suffix pathID) pathID {
	if len(prefix) == 0 {
		return t.join(prefix, suffix)
	}
	m := &t.memo
	pk := prefixKey{first: &prefix[0], n: len(prefix)}
	pid, ok := m.prefixes[pk]
	if !ok {
		pid = t.intern(prefix[:min(len(prefix), maxTaintPath)])
		if m.prefixes == nil {
			m.prefixes = map[prefixKey]pathID{}
		}
		m.prefixes[pk] = pid
	}
	if t.depth(pid) == maxTaintPath || suffix == 0 {
		return pid
	}
	ek := [2]pathID{pid, suffix}
	if id, ok := m.extends[ek]; ok {
		return id
	}
	id := pid
	for _, f := range t.segs(suffix) {
		if t.depth(id) == maxTaintPath {
			break
		}
		id = t.child(id, f)
	}
	if m.extends == nil {
		m.extends = map[[2]pathID]pathID{}
	}
	m.extends[ek] = id
	return id
}
