package facts

// MaxPath bounds ParamRef.Path.
const MaxPath = 4

// Equal reports whether r and o name the same parameter and path.
func (r ParamRef) Equal(o ParamRef) bool {
	if r.Fn != o.Fn || r.Param != o.Param || len(r.Path) != len(o.Path) {
		return false
	}
	for i := range r.Path {
		if r.Path[i] != o.Path[i] {
			return false
		}
	}
	return true
}

// UnionRefs returns the refs of a and b without duplicates, at most max of
// them (a's first). It never modifies a or b and may return either, so ref
// slices must be treated as immutable once built.
func UnionRefs(a, b []ParamRef, max int) []ParamRef {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	var out []ParamRef // nil while b adds nothing new
	for _, r := range b {
		cur := a
		if out != nil {
			cur = out
		}
		if containsRef(cur, r) {
			continue
		}
		if len(cur) >= max {
			break
		}
		if out == nil {
			out = append(make([]ParamRef, 0, len(a)+len(b)), a...)
		}
		out = append(out, r)
	}
	if out == nil {
		return a
	}
	return out
}

func containsRef(rs []ParamRef, r ParamRef) bool {
	for _, x := range rs {
		if x.Equal(r) {
			return true
		}
	}
	return false
}

// ExtendRefs returns refs with steps appended to every path, which stops
// growing at MaxPath. It returns nil for no refs.
func ExtendRefs(refs []ParamRef, steps ...string) []ParamRef {
	if len(refs) == 0 {
		return nil
	}
	out := make([]ParamRef, len(refs))
	for i, r := range refs {
		p := append(make([]string, 0, len(r.Path)+len(steps)), r.Path...)
		for _, s := range steps {
			if len(p) < MaxPath {
				p = append(p, s)
			}
		}
		out[i] = ParamRef{Fn: r.Fn, Param: r.Param, Path: p}
	}
	return out
}
