package jsts

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/golden"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

func extractSrc(t testing.TB, name string, src []byte) *facts.File {
	t.Helper()
	lang := source.DetectLang(name)
	if lang == "" {
		lang = source.TypeScript
	}
	tree, err := parse.Parse(context.Background(), lang, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Extract(name, lang, src, tree)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

// TestGolden compares a compact text form of each fixture's facts with its
// .golden file (go test -run TestGolden -update rewrites them).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.[jt]s")
	if err != nil {
		t.Fatal(err)
	}
	tsx, _ := filepath.Glob("testdata/*.tsx")
	files = append(files, tsx...)
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := dump(extractSrc(t, path, src))
			goldenPath := path + ".golden"
			golden.Check(t, goldenPath, got)
		})
	}
}
