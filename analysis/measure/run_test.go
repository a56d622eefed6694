package measure_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcpriv/mcpriv/analysis/engine"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/measure"
	"github.com/mcpriv/mcpriv/analysis/render"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixtureCorpus is the test corpus: the repository's example servers, two
// servers of our own (Rust only, no code), and entries the fake fetcher
// turns into a failed download, an over-large package and a server whose
// analysis never ends.
const fixtureCorpus = `# fixture corpus
dir:../../testdata/servers/files-go
dir:../../testdata/servers/files-js-lowlevel
dir:../../testdata/servers/git-py
dir:../../testdata/servers/lowlevel-py
dir:../../testdata/servers/notes-ts
dir:../../testdata/servers/weather-mcpgo
dir:testdata/servers/rust-only
dir:testdata/servers/empty
dir:testdata/servers/missing
npm:broken-package@1.0.0
npm:huge-package@2.0.0
npm:slow-server@0.1.0
`

// fakeFetcher serves dir: entries from the disk and fakes the npm ones: no
// network in tests.
type fakeFetcher struct {
	slowDir string
	calls   atomic.Int32
}

func (f *fakeFetcher) Fetch(ctx context.Context, e measure.Entry) (string, string, error) {
	f.calls.Add(1)
	switch e.ID {
	case "npm:broken-package@1.0.0":
		return "", "", errors.New("npm pack: 404 Not Found - broken-package@1.0.0")
	case "npm:huge-package@2.0.0":
		return "", "", fmt.Errorf("%w: more than 268435456 bytes unpacked", measure.ErrTooLarge)
	case "npm:slow-server@0.1.0":
		return f.slowDir, "sha256:slow", nil
	}
	return (&measure.Cache{}).Fetch(ctx, e)
}

// slowAnalyzer never finishes the slow server (until its context ends).
type slowAnalyzer struct {
	measure.Analyzer
	slowDir string
}

func (s slowAnalyzer) Scan(ctx context.Context, root string, progress func(done, total int)) (*finding.Result, error) {
	if root == s.slowDir {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return s.Analyzer.Scan(ctx, root, progress)
}

func setup(t *testing.T) ([]measure.Entry, *fakeFetcher, measure.Analyzer) {
	t.Helper()
	es, err := measure.ParseCorpus(strings.NewReader(fixtureCorpus), "fixture", "")
	if err != nil {
		t.Fatal(err)
	}
	slow := t.TempDir()
	os.WriteFile(filepath.Join(slow, "index.js"), []byte("require('child_process').exec('ls')\n"), 0o644)
	eng, err := engine.New(engine.Options{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	return es, &fakeFetcher{slowDir: slow}, slowAnalyzer{eng, slow}
}

// opts: the per-server timeout is generous (only the slow fake server, which
// waits for its context, may reach it) so that a loaded CI machine cannot
// time out a real fixture.
func opts(out string, f measure.Fetcher, a measure.Analyzer) measure.Options {
	return measure.Options{Out: out, Fetcher: f, Analyzer: a, Jobs: 2, FetchJobs: 2, Timeout: 5 * time.Second, MaxBytes: 64 << 20}
}

func TestGoldenSummary(t *testing.T) {
	es, f, a := setup(t)
	out := t.TempDir()
	servers, info, err := measure.Run(context.Background(), es, opts(out, f, a))
	if err != nil {
		t.Fatal(err)
	}
	if len(servers) != len(es) || info.Servers != len(es) {
		t.Fatalf("%d records for %d servers", len(servers), len(es))
	}
	reasons := map[string]string{}
	for _, s := range servers {
		reasons[s.ID] = s.Reason
	}
	for id, want := range map[string]string{
		"npm:broken-package@1.0.0":          measure.ReasonDownload,
		"npm:huge-package@2.0.0":            measure.ReasonTooLarge,
		"npm:slow-server@0.1.0":             measure.ReasonTimeout,
		"dir:testdata/servers/rust-only":    measure.ReasonLanguage,
		"dir:testdata/servers/empty":        measure.ReasonNoSource,
		"dir:testdata/servers/missing":      measure.ReasonDownload,
		"dir:../../testdata/servers/git-py": "",
	} {
		if reasons[id] != want {
			t.Errorf("%s: reason %q, want %q", id, reasons[id], want)
		}
	}
	got := measure.MarshalSummary(measure.Summarize(servers))
	golden := filepath.Join("testdata", "summary.golden.json")
	if *update {
		os.WriteFile(golden, got, 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("summary differs from %s (run with -update and review the diff):\n%s", golden, got)
	}
}

// TestResume interrupts a run after three servers (as a kill would: the
// context ends while others are in flight), reruns it, and checks that the
// rerun skips what was done and ends with the same records as one
// uninterrupted run.
func TestResume(t *testing.T) {
	es, f, a := setup(t)
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	o := opts(out, f, a)
	o.Progress = func(p measure.Progress) {
		if p.Done >= 3 {
			cancel()
		}
	}
	first, info, err := measure.Run(ctx, es, o)
	if !errors.Is(err, context.Canceled) || !info.Interrupted {
		t.Fatalf("interrupted run: err %v, interrupted %v", err, info.Interrupted)
	}
	if len(first) < 3 || len(first) == len(es) {
		t.Fatalf("interrupted run recorded %d of %d servers", len(first), len(es))
	}
	// A kill mid-write leaves a torn last line: the rerun must cut it off.
	journal := filepath.Join(out, measure.JournalName)
	jf, _ := os.OpenFile(journal, os.O_APPEND|os.O_WRONLY, 0)
	jf.WriteString(`{"id":"npm:torn@1","sta`)
	jf.Close()

	var skipped int
	o = opts(out, f, a)
	o.Progress = func(p measure.Progress) { skipped = p.Skipped }
	before := f.calls.Load()
	second, info, err := measure.Run(context.Background(), es, o)
	if err != nil {
		t.Fatal(err)
	}
	if skipped != len(first) || info.Skipped != len(first) {
		t.Errorf("rerun skipped %d (info %d), want %d", skipped, info.Skipped, len(first))
	}
	if fetched := int(f.calls.Load() - before); fetched != len(es)-len(first) {
		t.Errorf("rerun fetched %d servers, want %d", fetched, len(es)-len(first))
	}
	if len(second) != len(es) {
		t.Fatalf("rerun: %d records, want %d", len(second), len(es))
	}
	whole, _, err := measure.Run(context.Background(), es, opts(t.TempDir(), f, a))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := measure.MarshalSummary(measure.Summarize(second)), measure.MarshalSummary(measure.Summarize(whole)); !bytes.Equal(a, b) {
		t.Errorf("resumed summary differs from one run:\n%s\n---\n%s", a, b)
	}
	recs, err := measure.ReadJournal(journal, false)
	if err != nil || len(recs) != len(es) {
		t.Errorf("journal after the rerun: %d records, %v", len(recs), err)
	}
}

// TestShardMerge runs the corpus as three shards and merges them: the
// summary is byte-identical to one run's.
func TestShardMerge(t *testing.T) {
	es, f, a := setup(t)
	oneDir := t.TempDir()
	servers, info, err := measure.Run(context.Background(), es, opts(oneDir, f, a))
	if err != nil {
		t.Fatal(err)
	}
	if err := render.WriteMeasure(oneDir, servers, info, true); err != nil {
		t.Fatal(err)
	}
	var dirs []string
	total := 0
	for k := 1; k <= 3; k++ {
		d := t.TempDir()
		o := opts(d, f, a)
		o.Shard = measure.Shard{K: k, N: 3}
		part, info, err := measure.Run(context.Background(), es, o)
		if err != nil {
			t.Fatal(err)
		}
		total += len(part)
		if err := render.WriteMeasure(d, part, info, true); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, d)
	}
	if total != len(es) {
		t.Fatalf("shards hold %d servers, want %d", total, len(es))
	}
	merged, minfo, err := measure.Merge(dirs)
	if err != nil {
		t.Fatal(err)
	}
	mergedDir := t.TempDir()
	if err := render.WriteMeasure(mergedDir, merged, minfo, true); err != nil {
		t.Fatal(err)
	}
	a1, _ := os.ReadFile(filepath.Join(oneDir, measure.SummaryName))
	a2, _ := os.ReadFile(filepath.Join(mergedDir, measure.SummaryName))
	if len(a1) == 0 || !bytes.Equal(a1, a2) {
		t.Errorf("merged summary.json differs from one run's:\n%s\n---\n%s", a2, a1)
	}
	if _, _, err := measure.Merge([]string{t.TempDir()}); err == nil {
		t.Error("merging a directory without servers.jsonl succeeded")
	}
}

func TestReadJournalRejectsForeignLines(t *testing.T) {
	p := filepath.Join(t.TempDir(), "servers.jsonl")
	os.WriteFile(p, []byte("{\"id\":\"a\"}\nnot json\n{\"id\":\"b\"}\n"), 0o644)
	if _, err := measure.ReadJournal(p, true); err == nil || !strings.Contains(err.Error(), ":2:") {
		t.Errorf("err = %v, want line 2 named", err)
	}
}
