package golang

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/golden"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

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
			goldenPath := strings.TrimSuffix(file, ".go.txt") + ".golden"
			golden.Check(t, goldenPath, got)
		})
	}
}
