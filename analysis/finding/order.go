package finding

import (
	"slices"
	"strings"
)

// Compare is the order of findings in a Result: file, position,
// capability, rule.
func Compare(a, b *Finding) int {
	if a.File != b.File {
		return strings.Compare(a.File, b.File)
	}
	if a.Span.Start.Offset != b.Span.Start.Offset {
		if a.Span.Start.Offset < b.Span.Start.Offset {
			return -1
		}
		return 1
	}
	if a.Capability != b.Capability {
		return strings.Compare(string(a.Capability), string(b.Capability))
	}
	return strings.Compare(a.Rule, b.Rule)
}

// Sort sorts findings by Compare, stably.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int { return Compare(&a, &b) })
}

// SortMostlySorted sorts findings as Sort does, cheaply when they are
// mostly sorted already: a link returns them sorted and the manifest
// checks append a few.
func SortMostlySorted(fs []Finding) {
	n := 1
	for n < len(fs) && Compare(&fs[n-1], &fs[n]) <= 0 {
		n++
	}
	if n >= len(fs) {
		return
	}
	tail := append([]Finding(nil), fs[n:]...)
	Sort(tail)
	// Merge from the back; on ties the sorted prefix goes first, as a stable
	// sort of the whole would keep it.
	i, j := n-1, len(tail)-1
	for k := len(fs) - 1; j >= 0; k-- {
		if i >= 0 && Compare(&fs[i], &tail[j]) > 0 {
			fs[k] = fs[i]
			i--
		} else {
			fs[k] = tail[j]
			j--
		}
	}
}
