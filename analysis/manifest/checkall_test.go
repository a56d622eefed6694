package manifest

import (
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

func TestCheckAll(t *testing.T) {
	root := filepath.FromSlash("/ws")
	disk := map[string]string{
		filepath.FromSlash("/ws/git/" + FileName): "tools:\n  git_status:\n    system.exec: [git]\n",
		filepath.FromSlash("/ws/" + FileName):     "tools:\n  fetch:\n    network.client: [example.com]\n    file.wirte: [/x]\n",
	}
	var reads []string
	read := func(p string) ([]byte, bool) {
		reads = append(reads, p)
		s, ok := disk[p]
		return []byte(s), ok
	}
	for _, abs := range []bool{false, true} {
		reads = nil
		file := func(p string) string {
			if abs {
				return "/ws/" + p
			}
			return p
		}
		res := &finding.Result{
			Findings: []finding.Finding{
				capFinding(capability.SystemExec, "subprocess.run", "git", "program", false, "git_status"),
				capFinding(capability.NetworkClient, "fetch", "example.com", "host", false, "fetch"),
				capFinding(capability.NetworkClient, "fetch", "evil.example", "host", false, "fetch"),
			},
			Tools: []finding.Tool{{Name: "git_status", File: file("git/src/server.py")}, {Name: "fetch", File: file("fetch/index.ts")}},
		}
		res.Findings[0].File = file("git/src/server.py")
		res.Findings[1].File = file("fetch/index.ts")
		res.Findings[2].File = file("fetch/index.ts")
		CheckAll(root, res, read)
		states := []finding.ManifestState{res.Findings[0].Manifest, res.Findings[1].Manifest, res.Findings[2].Manifest}
		if !reflect.DeepEqual(states, []finding.ManifestState{finding.Declared, finding.Declared, finding.OutOfScope}) {
			t.Errorf("abs=%v: states %v", abs, states)
		}
		var extra []string
		for _, f := range res.Findings[3:] {
			extra = append(extra, f.Rule+" "+f.File)
		}
		sort.Strings(extra)
		wantFile := FileName
		if abs {
			wantFile = "/ws/" + FileName
		}
		if !reflect.DeepEqual(extra, []string{RuleInvalid + " " + wantFile}) {
			t.Errorf("abs=%v: extra findings %v", abs, extra)
		}
		seen := map[string]int{}
		for _, r := range reads {
			seen[r]++
			if seen[r] > 1 {
				t.Errorf("%s read twice", r)
			}
		}
		if got := len(Disagreements(res)); got != 2 {
			t.Errorf("Disagreements = %d, want 2 (out of scope, invalid)", got)
		}
	}
}

func TestCheckAllNoManifest(t *testing.T) {
	res := &finding.Result{Findings: []finding.Finding{capFinding(capability.FileRead, "open", "/x", "path", true)}}
	CheckAll("/ws", res, func(string) ([]byte, bool) { return nil, false })
	if res.Findings[0].Manifest != finding.NoManifest || len(res.Findings) != 1 {
		t.Errorf("%+v", res.Findings)
	}
	if len(Disagreements(res)) != 1 {
		t.Error("no manifest while the code uses capabilities: --check must fail")
	}
}
