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
	read := func(p string) ([]byte, bool, error) {
		reads = append(reads, p)
		s, ok := disk[p]
		return []byte(s), ok, nil
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
	CheckAll("/ws", res, func(string) ([]byte, bool, error) { return nil, false, nil })
	if res.Findings[0].Manifest != finding.NoManifest || len(res.Findings) != 1 {
		t.Errorf("%+v", res.Findings)
	}
	if len(Disagreements(res)) != 1 {
		t.Error("no manifest while the code uses capabilities: --check must fail")
	}
}

// TestCheckAllInterleaved checks that grouping by file does not depend on
// the findings of a file coming in one run: files governed by different
// manifests alternate, a suppression sits between them, and a file's
// findings come back after another file's.
func TestCheckAllInterleaved(t *testing.T) {
	root := filepath.FromSlash("/ws")
	disk := map[string]string{
		filepath.FromSlash("/ws/a/" + FileName): "tools:\n  ta:\n    network.client: [a.example]\n",
		filepath.FromSlash("/ws/" + FileName):   "tools:\n  tb:\n    network.client: [b.example]\n",
	}
	read := func(p string) ([]byte, bool, error) {
		s, ok := disk[p]
		return []byte(s), ok, nil
	}
	at := func(file, host, tool string) finding.Finding {
		f := capFinding(capability.NetworkClient, "fetch", host, "host", false, tool)
		f.File = file
		return f
	}
	res := &finding.Result{
		Findings: []finding.Finding{
			{Kind: finding.KindSuppression, File: "a/x.ts"},
			at("a/x.ts", "a.example", "ta"),
			at("b/y.ts", "b.example", "tb"),
			{Kind: finding.KindSuppression, File: "b/y.ts"},
			at("a/x.ts", "b.example", "ta"), // declared for tb in the root manifest only
			at("b/y.ts", "a.example", "tb"), // declared for ta in a/ only
		},
		Tools: []finding.Tool{{Name: "ta", File: "a/x.ts"}, {Name: "tb", File: "b/y.ts"}},
	}
	CheckAll(root, res, read)
	var got []finding.ManifestState
	for _, i := range []int{1, 2, 4, 5} {
		got = append(got, res.Findings[i].Manifest)
	}
	want := []finding.ManifestState{finding.Declared, finding.Declared, finding.OutOfScope, finding.OutOfScope}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("states %v, want %v", got, want)
	}
	for _, f := range res.Findings[6:] {
		t.Errorf("unexpected extra finding %s %s: %s", f.Rule, f.File, f.Message)
	}
}

// TestCheckAllEmptyFileFirst checks that a capability finding without a
// file is grouped even when it is the first capability finding but not the
// first finding.
func TestCheckAllEmptyFileFirst(t *testing.T) {
	root := filepath.FromSlash("/ws")
	disk := map[string]string{
		filepath.FromSlash("/ws/a/" + FileName): "tools:\n  ta:\n    network.client: [a.example]\n",
	}
	read := func(p string) ([]byte, bool, error) {
		s, ok := disk[p]
		return []byte(s), ok, nil
	}
	noFile := capFinding(capability.FileRead, "open", "/x", "path", true)
	noFile.File = ""
	inA := capFinding(capability.NetworkClient, "fetch", "a.example", "host", false, "ta")
	inA.File = "a/x.ts"
	res := &finding.Result{
		Findings: []finding.Finding{{Kind: finding.KindSuppression, File: "a/x.ts"}, noFile, inA},
		Tools:    []finding.Tool{{Name: "ta", File: "a/x.ts"}},
	}
	CheckAll(root, res, read)
	if got := res.Findings[1].Manifest; got != finding.NoManifest {
		t.Errorf("finding without a file: %q, want %q", got, finding.NoManifest)
	}
	if got := res.Findings[2].Manifest; got != finding.Declared {
		t.Errorf("finding in a/: %q, want %q", got, finding.Declared)
	}
}

// TestFinderMatchesFind asks the memoising finder about directories inside,
// at, above and beside root, in orders that make it answer from memory, and
// holds every answer to Find's.
func TestFinderMatchesFind(t *testing.T) {
	manifests := map[string]bool{}
	for _, p := range []string{"/ws/" + FileName, "/ws/a/" + FileName, "/ws/a/b/c/" + FileName, "/" + FileName, "/other/" + FileName, "rel/x/" + FileName} {
		manifests[filepath.FromSlash(p)] = true
	}
	exists := func(p string) bool { return manifests[p] }
	dirs := []string{
		"/ws/a/b/c/d/e", "/ws/a/b/c", "/ws/a/b", "/ws/a/b/", "/ws/a/./b/../b", "/ws/a", "/ws", "/ws/z/y",
		"/", "/other", "/other/sub", "/wsx/a", "/ws/..", "rel/x/y", "rel", ".", "x/y",
	}
	for _, root := range []string{"/ws", "/ws/", "/ws/a/b", "/", "/nowhere", "rel", "rel/x", ".", ""} {
		for _, order := range [][]string{dirs, reversed(dirs)} {
			for _, nilExists := range []bool{false, true} {
				ex := exists
				if nilExists {
					ex = nil
				}
				f := newFinder(filepath.FromSlash(root))
				for _, d := range order {
					d = filepath.FromSlash(d)
					if got, want := f.find(d, ex), Find(d, filepath.FromSlash(root), ex); got != want {
						t.Errorf("root %q, dir %q (nil exists %v): finder %q, Find %q", root, d, nilExists, got, want)
					}
				}
			}
		}
	}
}

func reversed(s []string) []string {
	r := make([]string, len(s))
	for i, v := range s {
		r[len(s)-1-i] = v
	}
	return r
}
