package finding

// Dedupe removes the findings that repeat another at the same place, in
// place, and returns the shortened slice: two rules of one capability
// matching one call (a user's rule next to a built-in one) are one use of
// the capability, and a check finding (same kind, rule and message at the
// same span) is one problem. Of repeated capability findings the riskiest
// stays (the first on a tie). fs must be sorted by file and span start, as
// Engine.Check leaves them, so repeats are in the same run.
func Dedupe(fs []Finding) []Finding {
	out := fs[:0]
	run := 0 // start in out of the run of findings at the current file and offset
	for i := range fs {
		f := &fs[i]
		if len(out) > 0 {
			last := &out[len(out)-1]
			if last.File != f.File || last.Span.Start.Offset != f.Span.Start.Offset {
				run = len(out)
			}
		}
		dup := -1
		for j := run; j < len(out); j++ {
			if same(&out[j], f) {
				dup = j
				break
			}
		}
		switch {
		case dup < 0:
			out = append(out, *f)
		case f.Risk > out[dup].Risk:
			out[dup] = *f
		}
	}
	clear(fs[len(out):])
	return out
}

// same reports whether a and b are one finding reported twice.
func same(a, b *Finding) bool {
	if a.Kind != b.Kind || a.File != b.File || a.Span != b.Span || a.Capability != b.Capability {
		return false
	}
	if a.Kind == KindCapability {
		return true
	}
	return a.Rule == b.Rule && a.Message == b.Message
}
