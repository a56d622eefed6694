package glob

import (
	"math/rand"
	"path"
	"strings"
	"testing"
)

// backtrack is the recursive matcher this package replaces: exact on
// small inputs, exponential in the number of "**" on large ones.
func backtrack(ps, ns []string) bool {
	for len(ps) > 0 {
		if ps[0] == "**" {
			for k := 0; k <= len(ns); k++ {
				if backtrack(ps[1:], ns[k:]) {
					return true
				}
			}
			return false
		}
		if len(ns) == 0 {
			return false
		}
		if ok, _ := path.Match(ps[0], ns[0]); !ok {
			return false
		}
		ps, ns = ps[1:], ns[1:]
	}
	return len(ns) == 0
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"a/b", "a/b", true},
		{"a/*", "a/b", true},
		{"a/*", "a/b/c", false},
		{"a/**", "a", true},
		{"a/**", "a/b/c", true},
		{"**/c", "c", true},
		{"**/c", "a/b/c", true},
		{"**/c", "a/b/cd", false},
		{"a/**/b/**/c", "a/b/c", true},
		{"a/**/b/**/c", "a/x/y/b/z/c", true},
		{"a/**/b/**/c", "a/x/y/z/c", false},
		{"**", "", true},
		{"**", "x/y", true},
		{"**/**", "x", true},
		{"src/**/*.test.ts", "src/a/b/x.test.ts", true},
		{"src/**/*.test.ts", "src/x.test.ts", true},
		{"src/**/*.test.ts", "lib/x.test.ts", false},
		{"[", "[", false},
		{"a/?", "a/bc", false},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.name); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

// TestSegmentsAgreesWithBacktracking compares with the recursive matcher
// on random small patterns and paths.
func TestSegmentsAgreesWithBacktracking(t *testing.T) {
	r := rand.New(rand.NewSource(14))
	psegs := []string{"**", "*", "a", "b", "?", "a*", "[ab]"}
	nsegs := []string{"a", "b", "ab", "c", "ba"}
	for i := 0; i < 20000; i++ {
		ps := make([]string, 1+r.Intn(6))
		for j := range ps {
			ps[j] = psegs[r.Intn(len(psegs))]
		}
		ns := make([]string, r.Intn(7))
		for j := range ns {
			ns[j] = nsegs[r.Intn(len(nsegs))]
		}
		got, steps := Segments(ps, ns, SegmentMatch)
		if want := backtrack(ps, ns); got != want {
			t.Fatalf("Segments(%q, %q) = %v, backtracking says %v", ps, ns, got, want)
		}
		if steps > len(ps)*len(ns) {
			t.Fatalf("Segments(%q, %q) took %d steps, bound %d", ps, ns, steps, len(ps)*len(ns))
		}
	}
}

// TestManyDoubleStars is issue 14 item 10: twelve "**" against a path
// that almost matches made the backtracking matcher run for ever. The
// NFA simulation's work is bounded by pattern × path segments.
func TestManyDoubleStars(t *testing.T) {
	pattern := strings.Repeat("**/a/", 12) + "b"
	name := strings.Repeat("a/", 60) + "c"
	ps, ns := strings.Split(pattern, "/"), strings.Split(name, "/")
	ok, steps := Segments(ps, ns, SegmentMatch)
	if ok {
		t.Fatal("matched a path without b")
	}
	if steps > len(ps)*len(ns) {
		t.Fatalf("%d steps for %d×%d segments", steps, len(ps), len(ns))
	}
	if !Match(pattern, strings.Repeat("a/", 60)+"b") {
		t.Error("missed the matching path")
	}
}

func BenchmarkManyDoubleStars(b *testing.B) {
	pattern := strings.Repeat("**/a/", 12) + "b"
	name := strings.Repeat("a/", 60) + "c"
	for b.Loop() {
		Match(pattern, name)
	}
}
