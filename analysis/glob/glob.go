// Package glob matches slash-separated paths against patterns whose "**"
// segments span any number of path segments (zero included), in time
// linear in the product of the pattern's and the path's segment counts:
// the pattern is simulated as an NFA over its segments, never by
// backtracking, so a pattern of many "**" (which a workspace's settings
// or a manifest may hold) cannot make a match take exponential time.
// Within one segment, "*", "?" and [classes] follow path.Match, whose own
// matching is polynomial.
package glob

import (
	"path"
	"strings"
)

// Match reports whether slash path name matches pattern, "**" segments
// spanning directories. A malformed segment pattern matches nothing.
func Match(pattern, name string) bool {
	ok, _ := Segments(strings.Split(pattern, "/"), strings.Split(name, "/"), SegmentMatch)
	return ok
}

// SegmentMatch is path.Match on one segment, false on a bad pattern.
func SegmentMatch(pattern, name string) bool {
	ok, _ := path.Match(pattern, name)
	return ok
}

// Segments reports whether the name segments match the pattern segments,
// "**" matching any run of segments and seg deciding the others, and how
// many times it called seg: at most len(pattern) × len(name).
func Segments(pattern, name []string, seg func(pattern, name string) bool) (ok bool, steps int) {
	// cur[i]: the first j name segments can leave the pattern at position i.
	cur := make([]bool, len(pattern)+1)
	next := make([]bool, len(pattern)+1)
	cur[0] = true
	closeStars(pattern, cur)
	for _, n := range name {
		clear(next)
		any := false
		for i, on := range cur[:len(pattern)] {
			if !on {
				continue
			}
			if pattern[i] == "**" {
				next[i], any = true, true // "**" consumes n and may consume more
				continue
			}
			steps++
			if seg(pattern[i], n) {
				next[i+1], any = true, true
			}
		}
		if !any {
			return false, steps
		}
		closeStars(pattern, next)
		cur, next = next, cur
	}
	return cur[len(pattern)], steps
}

// closeStars adds the positions after "**" segments that may match
// nothing.
func closeStars(pattern []string, set []bool) {
	for i, p := range pattern {
		if set[i] && p == "**" {
			set[i+1] = true
		}
	}
}
