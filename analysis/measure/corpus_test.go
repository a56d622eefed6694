package measure

import (
	"strings"
	"testing"
)

func TestParseEntry(t *testing.T) {
	tests := []struct {
		line string
		want Entry
		err  string
	}{
		{"npm:@scope/pkg@1.2.3", Entry{ID: "npm:@scope/pkg@1.2.3", Source: "npm", Name: "@scope/pkg", Version: "1.2.3"}, ""},
		{"@scope/pkg@1.2.3", Entry{ID: "npm:@scope/pkg@1.2.3", Source: "npm", Name: "@scope/pkg", Version: "1.2.3"}, ""},
		{"chrome-devtools-mcp@1.11.0", Entry{ID: "npm:chrome-devtools-mcp@1.11.0", Source: "npm", Name: "chrome-devtools-mcp", Version: "1.11.0"}, ""},
		{"go:github.com/a/b@v1.0.0", Entry{ID: "go:github.com/a/b@v1.0.0", Source: "go", Name: "github.com/a/b", Version: "v1.0.0"}, ""},
		{"go:github.com/a/b@v1.0.0/cmd/srv", Entry{ID: "go:github.com/a/b@v1.0.0/cmd/srv", Source: "go", Name: "github.com/a/b", Version: "v1.0.0", Subdir: "cmd/srv"}, ""},
		{"git:/m/repo", Entry{ID: "git:/m/repo@HEAD", Source: "git", Name: "/m/repo", Version: "HEAD"}, ""},
		{"git:/m/repo@v2:pkg/x", Entry{ID: "git:/m/repo@v2:pkg/x", Source: "git", Name: "/m/repo", Version: "v2", Subdir: "pkg/x"}, ""},
		{"git:/m/a@b/repo:.", Entry{ID: "git:/m/a@b/repo@HEAD", Source: "git", Name: "/m/a@b/repo", Version: "HEAD"}, ""},
		{"dir:./x/../y", Entry{ID: "dir:y", Source: "dir", Name: "y"}, ""},
		{"npm:pkg", Entry{}, "want npm:NAME@VERSION"},
		{"npm:pkg@", Entry{}, "want npm:NAME@VERSION"},
		{"npm:--evil@1", Entry{}, "not an npm package"},
		{"npm:pkg@--registry=x", Entry{}, "not an npm package"},
		{"go:mod@-x", Entry{}, "not a Go module"},
		{"git:/m/r@-x", Entry{}, "want git:DIR"},
		{"git:/m/r:../../etc", Entry{}, "leaves the tree"},
		{"svn:foo", Entry{}, "unknown source"},
	}
	for _, tt := range tests {
		got, err := ParseEntry(tt.line)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseEntry(%q) error = %v, want %q", tt.line, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseEntry(%q) = %+v, %v; want %+v", tt.line, got, err, tt.want)
		}
	}
}

func TestParseCorpus(t *testing.T) {
	text := "# comment\n\na@1\nnpm:a@1\nowner/repo\tsub/dir\tnote\nowner/other\t.\n"
	es, err := ParseCorpus(strings.NewReader(text), "list", "/mirror")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	want := "npm:a@1 git:/mirror/owner+repo@HEAD:sub/dir git:/mirror/owner+other@HEAD"
	if strings.Join(ids, " ") != want {
		t.Errorf("ids = %v, want %s", ids, want)
	}
	if _, err := ParseCorpus(strings.NewReader("owner/repo\t.\n"), "list", ""); err == nil || !strings.Contains(err.Error(), "--mirror") {
		t.Errorf("TSV without mirror: %v", err)
	}
	_, err = ParseCorpus(strings.NewReader("ok@1\nbad\nsvn:x\n"), "list", "")
	if err == nil || !strings.Contains(err.Error(), "list:2:") || !strings.Contains(err.Error(), "list:3:") {
		t.Errorf("every bad line named: %v", err)
	}
}

func TestShard(t *testing.T) {
	if _, err := ParseShard("0/3"); err == nil {
		t.Error("0/3 accepted")
	}
	if _, err := ParseShard("4/3"); err == nil {
		t.Error("4/3 accepted")
	}
	if _, err := ParseShard("1/3x"); err == nil {
		t.Error("1/3x accepted")
	}
	var es []Entry
	for i := 0; i < 200; i++ {
		e, _ := ParseEntry("pkg" + strings.Repeat("x", i%7) + "@1." + string(rune('0'+i%10)) + "." + strings.Repeat("1", i/10+1))
		es = append(es, e)
	}
	seen := map[string]int{}
	for k := 1; k <= 3; k++ {
		sh, err := ParseShard(string(rune('0'+k)) + "/3")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range es {
			if sh.Has(e) {
				seen[e.ID]++
				n++
			}
		}
		if n == 0 {
			t.Errorf("shard %d/3 is empty", k)
		}
	}
	for _, e := range es {
		if seen[e.ID] != 1 {
			t.Errorf("%s is in %d shards", e.ID, seen[e.ID])
		}
	}
}
