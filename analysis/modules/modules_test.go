package modules

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

func goFile(p string, imports ...string) *facts.File {
	f := &facts.File{Path: p, Lang: source.Go}
	for _, s := range imports {
		f.Imports = append(f.Imports, facts.Import{Spec: s})
	}
	return f
}

// TestInferModule: a subtree of a module scanned without its go.mod gets
// the module path its own imports imply; a library import whose tail
// happens to be a scanned directory's name loses to the prefix more
// directories agree on, a tie or no match gives none, and a go.mod in
// view always wins.
func TestInferModule(t *testing.T) {
	const mod = "github.com/acme/mono/cmd/mcp"
	cases := []struct {
		name  string
		gomod string // written at the root when set
		files []*facts.File
		want  string // module path of every directory ("" none)
	}{
		{"subtree", "", []*facts.File{
			goFile("main.go", mod+"/toolbox", mod+"/k8s", "github.com/other/lib/k8s"),
			goFile("toolbox/manager.go", mod+"/k8s", "github.com/other/lib/k8s"),
			goFile("k8s/client.go", "sigs.k8s.io/controller-runtime/pkg/client"),
		}, mod},
		{"tie", "", []*facts.File{
			goFile("main.go", "example.com/a/k8s", "example.com/b/tools"),
			goFile("k8s/client.go"),
			goFile("tools/t.go"),
		}, ""},
		{"no package of the tree imported", "", []*facts.File{
			goFile("main.go", "github.com/other/lib/x"),
			goFile("k8s/client.go"),
		}, ""},
		{"go.mod in view", "module example.com/real\n", []*facts.File{
			goFile("main.go", mod+"/k8s"),
			goFile("k8s/client.go"),
		}, "example.com/real"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			if tc.gomod != "" {
				if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte(tc.gomod), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			mods := NewGoModules().ForFiles(root, tc.files)
			for _, f := range tc.files {
				m := mods[GoDir(root, f.Path)]
				if m.Path != tc.want {
					t.Errorf("%s: module %q, want %q", f.Path, m.Path, tc.want)
				}
				if tc.want != "" && m.Dir != root {
					t.Errorf("%s: module root %q, want %q", f.Path, m.Dir, root)
				}
			}
		})
	}
}
