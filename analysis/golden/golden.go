// Package golden compares test output with golden files. It is imported by
// tests only; its -update flag rewrites the files instead of comparing.
package golden

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

// Update is the -update flag of every test binary that imports this package.
var Update = flag.Bool("update", false, "rewrite golden files instead of comparing with them")

// Check compares got with the file at path, or writes it there with -update.
// A difference is reported line by line (- only in the file, + only in got).
func Check(t testing.TB, path, got string) {
	t.Helper()
	if *Update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (review, then run with -update):\n%s", path, Diff(string(want), got))
	}
}

// Diff lists the lines that differ between want and got, by position: a
// line of want as "-", of got as "+", with its 1-based number.
func Diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var x, y string
		if i < len(w) {
			x = w[i]
		}
		if i < len(g) {
			y = g[i]
		}
		if x == y {
			continue
		}
		if i < len(w) {
			fmt.Fprintf(&b, "%4d - %s\n", i+1, x)
		}
		if i < len(g) {
			fmt.Fprintf(&b, "%4d + %s\n", i+1, y)
		}
	}
	return b.String()
}
