package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestParseSnippets(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		want    map[string]string
		wantErr bool
	}{
		{
			name: "two snippets, unmarked blocks ignored",
			doc:  "# t\n```sh\nignored\n```\n<!-- e2e:ale -->\n```vim\nlet a = 1\n```\ntext\n<!-- e2e:eglot -->\n\n```elisp\n(setq x 1)\n```\n",
			want: map[string]string{"ale": "let a = 1\n", "eglot": "(setq x 1)\n"},
		},
		{name: "none", doc: "```vim\nx\n```\n", wantErr: true},
		{name: "duplicate", doc: "<!-- e2e:a -->\n```\n1\n```\n<!-- e2e:a -->\n```\n2\n```\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSnippets(tt.doc)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d snippets %v, want %v", len(got), got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("snippet %q = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// TestDocs checks what the tests cannot run: every editor has a section, the
// tested snippets exist, the JSON is JSON, and every setting documented in
// docs/editors.md is one the VS Code extension contributes.
func TestDocs(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot(), "docs", "editors.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, h := range []string{"## VS Code", "## Neovim", "## Vim + ALE", "## Emacs + eglot", "## Helix", "## Zed", ":checkhealth mcpriv", "require('mcpriv').setup"} {
		if !strings.Contains(doc, h) {
			t.Errorf("docs/editors.md lacks %q", h)
		}
	}
	snips, err := parseSnippets(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ale", "eglot"} {
		if !strings.Contains(snips[name], "mcpriv") {
			t.Errorf("snippet %q missing or does not start mcpriv: %q", name, snips[name])
		}
	}
	blocks := regexp.MustCompile("(?s)```json\\n(.*?)```").FindAllStringSubmatch(doc, -1)
	if len(blocks) == 0 {
		t.Error("no JSON block (Zed settings)")
	}
	for _, m := range blocks {
		var v any
		if err := json.Unmarshal([]byte(m[1]), &v); err != nil {
			t.Errorf("JSON block does not parse: %v\n%s", err, m[1])
		}
	}

	var pkg struct {
		Contributes struct {
			Configuration struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"configuration"`
		} `json:"contributes"`
	}
	pb, err := os.ReadFile(filepath.Join(repoRoot(), "editors", "vscode", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(pb, &pkg); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"severity", "excludes", "showDeclared", "ruleDirs", "maxFileSize"} {
		if !strings.Contains(doc, "| `"+key+"` |") {
			t.Errorf("docs/editors.md settings table lacks %s", key)
		}
		if _, ok := pkg.Contributes.Configuration.Properties["mcpriv."+key]; !ok {
			t.Errorf("editors/vscode/package.json does not contribute mcpriv.%s", key)
		}
	}
}

// TestFixture guards the scenario the editor tests rely on: save_note writes
// through fs.writeFile and the manifest does not declare it yet.
func TestFixture(t *testing.T) {
	dir := filepath.Join(repoRoot(), "editors", "e2e", "fixture")
	src, err := os.ReadFile(filepath.Join(dir, "src", "index.ts"))
	if err != nil {
		t.Fatal(err)
	}
	man, err := os.ReadFile(filepath.Join(dir, "mcp-capabilities.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(src), "fs.writeFile(") != 1 || !strings.Contains(string(src), `"save_note"`) {
		t.Error("fixture src/index.ts must register save_note and call fs.writeFile once")
	}
	if strings.Contains(string(man), "save_note") || strings.Contains(string(man), "file.write") {
		t.Error("fixture manifest must not declare save_note's file.write: the quick-fix tests add it")
	}
}
