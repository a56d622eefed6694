package jsts

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

var update = flag.Bool("update", false, "rewrite golden files")

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
			golden := strings.TrimSuffix(path, filepath.Ext(path)) + filepath.Ext(path) + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if got != string(want) {
				t.Errorf("facts differ from %s (run with -update to accept):\n%s", golden, got)
			}
		})
	}
}
