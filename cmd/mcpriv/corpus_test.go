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

// The scope benchmark end to end, with the real engine, on three tiny
// servers of ours (testdata/corpus-scopes/servers): a Python server with a
// literal host, a model-chosen URL and a host only git reaches (a miss by
// construction); a Go program with a literal host, program and path; a JS
// server whose only host is the model's ("*" only everywhere).
func TestCorpusScopes(t *testing.T) {
	fixture, err := filepath.Abs(filepath.Join("testdata", "corpus-scopes"))
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	for _, s := range []struct{ list, name, dir string }{
		{"github-python", "acme+tiny", "py"}, {"github-go", "acme+tinygo", "go"}, {"npm-mcp", "tiny-js", "js"},
	} {
		link := filepath.Join(cache, "test", s.list, s.name)
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(fixture, "servers", s.dir), link); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "scopes.json")
	code, stdout, stderr := runCLI(t, "corpus", "scopes", "-labels", filepath.Join(fixture, "labels"), "-corpus", cache, "-json", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep corpus.ScopeReport
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	var all corpus.ScopeGroup
	for _, g := range rep.Groups {
		if g.Name == corpus.GroupOverall {
			all = g
		}
	}
	if all.Servers != 3 || all.Rows != 9 {
		t.Fatalf("overall: %d servers, %d rows; want 3, 9", all.Servers, all.Rows)
	}
	for src, m := range map[string]corpus.ScopeMetrics{"findings": all.Findings, "manifest": all.Manifest} {
		// api.example.com and api.example.org found, github.com (behind git) not.
		if h := m.Hosts; h.Labelled != 3 || h.Recalled != 2 || h.Reported != 2 || h.Correct != 2 {
			t.Errorf("%s hosts %+v", src, h)
		}
		if p := m.Programs; p.Labelled != 2 || p.Recalled != 2 || p.Reported != 2 || p.Correct != 2 {
			t.Errorf("%s programs %+v", src, p)
		}
		if p := m.Paths; p.Labelled != 2 || p.Recalled != 2 || p.Reported != 2 || p.Correct != 2 {
			t.Errorf("%s paths %+v", src, p)
		}
		// Only tiny-js has nothing but "*"; the model's URL stays open in
		// both servers that have one.
		if m.NetworkGrants != 3 || m.StarOnly != 1 || m.UnboundedLabelled != 2 || m.UnboundedKept != 2 {
			t.Errorf("%s: star-only %d/%d, unbounded kept %d/%d", src, m.StarOnly, m.NetworkGrants, m.UnboundedKept, m.UnboundedLabelled)
		}
	}
	for _, s := range rep.Servers {
		if s.Server.Name == "acme/tiny" && (len(s.Manifest.Hosts.Missed) != 1 || s.Manifest.Hosts.Missed[0] != "github.com") {
			t.Errorf("acme/tiny missed %v, want github.com", s.Manifest.Hosts.Missed)
		}
	}
	if !strings.Contains(stdout, "| npm-mcp/tiny-js | – | – | – | yes |") {
		t.Errorf("markdown:\n%s", stdout)
	}

	// A labelled server not on disk stops the run unless --skip-missing.
	args := []string{"corpus", "scopes", "-labels", filepath.Join(fixture, "labels"), "-corpus", t.TempDir()}
	if code, _, stderr := runCLI(t, args...); code != exitError || !strings.Contains(stderr, "--skip-missing") {
		t.Errorf("missing servers: exit %d, %s", code, stderr)
	}
	if code, stdout, _ := runCLI(t, append(args, "-skip-missing")...); code != exitOK || !strings.Contains(stdout, "npm-mcp/tiny-js: not scored") {
		t.Errorf("--skip-missing: exit %d, %s", code, stdout)
	}
	if code, _, stderr := runCLI(t, "corpus", "scopes", "-labels", t.TempDir()); code != exitError || !strings.Contains(stderr, "scopes.tsv") {
		t.Errorf("labels dir without scopes.tsv: exit %d, %s", code, stderr)
	}
}
