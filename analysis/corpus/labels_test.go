package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadLabels(t *testing.T) {
	l, err := ReadLabels(scoreFixture)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Tools) != 7 || len(l.Sites) != 13 || len(l.Files) != 4 {
		t.Fatalf("read %d tools, %d sites, files of %d servers", len(l.Tools), len(l.Sites), len(l.Files))
	}
	s := l.Sites[0]
	if s.Server != (ServerKey{"github-go", "acme/go"}) || s.File != "internal/mem/mem.go" || s.Line != 7 ||
		s.Cap != "memory.unsafe" || strings.Join(s.Tools, ",") != "t1" || s.Taint != TaintNone || s.Note != "unsafe.Pointer" || s.Row != 2 {
		t.Errorf("first site %+v", s)
	}
	if l.Sites[1].Tools != nil {
		t.Errorf("a site reached by the server only has tools %v", l.Sites[1].Tools)
	}
	if idle := l.Tools[2]; idle.Tool != "idle" || idle.Caps != nil {
		t.Errorf("tool with '-' capabilities: %+v", idle)
	}
	keys := l.Servers()
	if len(keys) != 4 || keys[0] != (ServerKey{"github-go", "acme/go"}) || keys[3] != (ServerKey{"npm-mcp", "bundle-pkg"}) {
		t.Errorf("servers %v", keys)
	}
	only := l.Only(func(k ServerKey) bool { return k.List == "npm-mcp" })
	if len(only.Tools) != 1 || len(only.Sites) != 1 || len(only.Files) != 1 {
		t.Errorf("Only kept %d tools, %d sites, %d file sets", len(only.Tools), len(only.Sites), len(only.Files))
	}
}

// Every malformed row is an error naming its file and line.
func TestReadLabelsMalformed(t *testing.T) {
	tools := ToolsHeader + "\ngithub-go\ta/b\tt\tfile.read\n"
	sites := SitesHeader + "\ngithub-go\ta/b\tmain.go\t3\tfile.read\tt\t-\tnote\n"
	files := FilesHeader + "\ngithub-go\ta/b\tmain.go\n"
	for _, tc := range []struct {
		file, text, err string
	}{
		{ToolsFile, "list\tserver\ttool\n", "tools.tsv:1: want header"},
		{ToolsFile, ToolsHeader + "\ngithub-go\ta/b\tt\tfile.reed\n", `tools.tsv:2: unknown capability "file.reed" (did you mean file.read?)`},
		{ToolsFile, ToolsHeader + "\ngithub-go\ta/b\tt\n", "tools.tsv:2: want 4 tab-separated columns"},
		{ToolsFile, tools + "github-go\ta/b\tt\t-\n", "tools.tsv:3: tool t of github-go/a/b already labelled on line 2"},
		{ToolsFile, ToolsHeader + "\ngithub-go\t\tt\t-\n", "tools.tsv:2: column 2 is empty"},
		{ToolsFile, "", "tools.tsv: empty"},
		{SitesFile, SitesHeader + "\ngithub-go\ta/b\tmain.go\tx\tfile.read\tt\t-\tn\n", `sites.tsv:2: line "x" is not a line number`},
		{SitesFile, SitesHeader + "\ngithub-go\ta/b\tmain.go\t0\tfile.read\tt\t-\tn\n", `sites.tsv:2: line "0"`},
		{SitesFile, SitesHeader + "\ngithub-go\ta/b\tmain.go\t3\tfile.read\tt\tyes\tn\n", `sites.tsv:2: taint "yes"`},
		{SitesFile, SitesHeader + "\ngithub-go\ta/b\t../x.go\t3\tfile.read\tt\t-\tn\n", `sites.tsv:2: file "../x.go"`},
		{SitesFile, SitesHeader + "\ngithub-go\ta/b\t/x.go\t3\tfile.read\tt\t-\tn\n", `sites.tsv:2: file "/x.go"`},
		{SitesFile, sites + "github-go\ta/b\tmain.go\t3\tfile.read\tu\ttarget\tother\n", "sites.tsv:3: main.go:3 file.read of github-go/a/b already labelled on line 2"},
		{SitesFile, SitesHeader + "\ngithub-go\ta/b\tmain.go\t3\tfile.read\n", "sites.tsv:2: want 8 tab-separated columns"},
		{FilesFile, files + "github-go\ta/b\tmain.go\n", "files.tsv:3: main.go of github-go/a/b listed twice"},
		{FilesFile, FilesHeader + "\ngithub-go\ta/b\t./main.go\n", `files.tsv:2: file "./main.go"`},
	} {
		dir := t.TempDir()
		texts := map[string]string{ToolsFile: tools, SitesFile: sites, FilesFile: files}
		texts[tc.file] = tc.text
		for name, text := range texts {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, err := ReadLabels(dir)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s %q: error %v, want one containing %q", tc.file, tc.text, err, tc.err)
		}
	}
	// The note column may be left out; a missing file is an error.
	dir := t.TempDir()
	for name, text := range map[string]string{ToolsFile: tools, SitesFile: SitesHeader + "\ngithub-go\ta/b\tmain.go\t3\tfile.read\tt\t-\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ReadLabels(dir); err == nil || !strings.Contains(err.Error(), "files.tsv") {
		t.Errorf("without files.tsv: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, FilesFile), []byte(files), 0o644); err != nil {
		t.Fatal(err)
	}
	if l, err := ReadLabels(dir); err != nil || l.Sites[0].Note != "" {
		t.Errorf("a row without note: %v", err)
	}
}
