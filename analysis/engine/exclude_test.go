package engine

import (
	"strings"
	"testing"
)

// TestExcludeManyDoubleStars: an exclude pattern of twelve "**" (the CLI's
// --exclude, the language server's "excludes" setting, which a workspace
// may set) is matched in polynomial time: this returned only after the
// heat death of the universe with the backtracking matcher.
func TestExcludeManyDoubleStars(t *testing.T) {
	pattern := strings.Repeat("**/a/", 12) + "b"
	e, err := New(Options{Excludes: []string{pattern}})
	if err != nil {
		t.Fatal(err)
	}
	if e.Excluded(strings.Repeat("a/", 60)+"c.ts", false) {
		t.Error("excluded a path the pattern does not match")
	}
	if !e.Excluded(strings.Repeat("a/", 60)+"b", false) {
		t.Error("did not exclude a matching path")
	}
}
