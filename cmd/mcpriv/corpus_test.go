package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/corpus"
)

// The scorer end to end, with the real engine, on a tiny server of ours
// (testdata/corpus-score/servers/tiny) linked into a corpus cache the way
// .ci/corpus.sh links test/LIST/NAME. Its labels are chosen so that each
// figure has a known value: one label row is deliberately wrong (a miss),
// one sensitive call deliberately unlabelled (a false alarm).
func TestCorpusScore(t *testing.T) {
	fixture, err := filepath.Abs(filepath.Join("testdata", "corpus-score"))
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	link := filepath.Join(cache, "test", "github-python", "acme+tiny")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(fixture, "servers", "tiny"), link); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "score.json")
	code, stdout, stderr := runCLI(t, "corpus", "score", "-labels", filepath.Join(fixture, "labels"),
		"-split", filepath.Join(fixture, "split.tsv"), "-corpus", cache, "-json", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep corpus.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	var py corpus.Metrics
	for _, g := range rep.Groups {
		if g.Name == corpus.GroupPython {
			py = g.All
		}
	}
	// Sites: open (13), subprocess.run (labelled 20, found 19), os.remove
	// (25) match; the row at 26 names no call (a miss); os.getenv (8) is
	// not labelled (a false alarm).
	if s := py.Sites; s.Labelled != 4 || s.Matched != 3 || s.Missed != 1 || s.TruePositives != 3 || s.FalsePositives != 1 ||
		*s.Precision != 0.75 || *s.Recall != 0.75 {
		t.Errorf("sites %+v", s)
	}
	if len(rep.FalseAlarms) != 1 || rep.FalseAlarms[0].Line != 8 || rep.FalseAlarms[0].Capability != "system.env" {
		t.Errorf("false alarms %+v, want os.getenv on line 8", rep.FalseAlarms)
	}
	if len(rep.Misses) != 1 || rep.Misses[0].Line != 26 {
		t.Errorf("misses %+v, want the row at 26", rep.Misses)
	}
	// Taint: open and subprocess.run agree; os.remove is labelled "-"
	// while its path comes from tool input (claimed).
	if tm := py.Taint; tm.Sites != 3 || tm.Agree != 2 || tm.Claimed != 1 || tm.Missed != 0 {
		t.Errorf("taint %+v", tm)
	}
	// Tools: read_note, run and remove/file.delete found; remove/file.write
	// and missing_tool/network.client are labelled but not reported.
	if tl := py.Tools; tl.TruePositives != 3 || tl.FalsePositives != 0 || tl.FalseNegatives != 2 || *tl.F1 != 0.75 ||
		tl.LabelledTools != 4 || tl.FoundTools != 3 || tl.ExtraTools != 0 {
		t.Errorf("tools %+v", tl)
	}
	if py.ServerSets.Servers != 1 || py.ServerSets.Exact != 0 || py.NotNames != 0 {
		t.Errorf("server sets %+v, not names %d", py.ServerSets, py.NotNames)
	}
	if !strings.Contains(stdout, "| python | 1 | 4 | 0.75 (3/4) | 0.75 (3/4) | 0.75 (P 1.00, R 0.60) | 0/1 (0%) | 0.67 (2/3; 1 claimed) | 0 |") {
		t.Errorf("markdown table:\n%s", stdout)
	}
}

func TestCorpusScoreMissingServer(t *testing.T) {
	fixture := filepath.Join("testdata", "corpus-score")
	args := []string{"corpus", "score", "-labels", filepath.Join(fixture, "labels"), "-split", filepath.Join(fixture, "split.tsv"), "-corpus", t.TempDir()}
	code, _, stderr := runCLI(t, args...)
	if code != exitError || !strings.Contains(stderr, "github-python/acme/tiny") || !strings.Contains(stderr, "--skip-missing") {
		t.Errorf("missing server: exit %d, %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, append(args, "-skip-missing")...)
	if code != exitOK || !strings.Contains(stdout, "github-python/acme/tiny: not scored") {
		t.Errorf("--skip-missing: exit %d, %s%s", code, stdout, stderr)
	}
	if code, _, _ := runCLI(t, "corpus"); code != exitError {
		t.Errorf("corpus without subcommand: exit %d", code)
	}
	if code, _, stderr := runCLI(t, "corpus", "score", "-labels", t.TempDir()); code != exitError || !strings.Contains(stderr, "tools.tsv") {
		t.Errorf("labels dir without files: exit %d, %s", code, stderr)
	}
	_, usage, _ := runCLI(t, "help")
	if strings.Contains(usage, "  corpus ") {
		t.Errorf("the usage lists the hidden corpus command:\n%s", usage)
	}
}
