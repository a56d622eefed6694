package golang

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func extract(t testing.TB, path string, src []byte) *facts.File {
	t.Helper()
	tree, err := parse.Parse(context.Background(), source.Go, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Extract(path, src, tree)
	if err != nil {
		t.Fatalf("Extract(%s): %v", path, err)
	}
	return f
}

// TestGolden compares the compact text form of each fixture's facts with
// testdata/<name>.golden. Run with -update after reviewing a change.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.go.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".go.txt")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := render(extract(t, "srv/"+name+".go", src))
			golden := strings.TrimSuffix(file, ".go.txt") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("facts differ from %s (run with -update after review):\n%s", golden, diff(string(want), got))
			}
		})
	}
}

// diff lists the lines only in want (-) or only in got (+).
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for _, l := range w {
		if !slices.Contains(g, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
