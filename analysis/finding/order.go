package analysis

import "github.com/mcpriv/mcpriv/analysis/finding"

// sortResultFindings sorts findings as sortFindings does, cheaply when they
// are mostly sorted already: Link returns them sorted and the manifest
// checks append a few.
func sortResultFindings(fs []finding.Finding) {
	n := 1
	for n < len(fs) && compareFindings(&fs[n-1], &fs[n]) <= 0 {
		n++
	}
	if n >= len(fs) {
		return
	}
	tail := append([]finding.Finding(nil), fs[n:]...)
	sortFindings(tail)
	// Merge from the back; on ties the sorted prefix goes first, as a stable
	// sort of the whole would keep it.
	i, j := n-1, len(tail)-1
	for k := len(fs) - 1; j >= 0; k-- {
		if i >= 0 && compareFindings(&fs[i], &tail[j]) > 0 {
			fs[k] = fs[i]
			i--
		} else {
			fs[k] = tail[j]
			j--
		}
	}
}
