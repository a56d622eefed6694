package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/measure"
	"github.com/mcpriv/mcpriv/analysis/render"
)

const measureHelp = `Measure a corpus of MCP servers: the privileges each server and each of its
tools use, aggregated over the corpus (docs/measure.md).

Each CORPUS is a list file, one server a line:
  npm:NAME@VERSION            npm pack into the cache (no package script runs)
  go:MODULE@VERSION[/SUBDIR]  go mod download into the cache
  git:DIR[@REV][:SUBPATH]     git archive of a local git directory
  dir:PATH                    a directory, analysed in place
  NAME@VERSION                npm (the plain list format)
  OWNER/NAME<TAB>SUBPATH      a repository snapshot under --mirror (git)
Blank lines and lines starting with # are ignored.

Downloads go to a content-addressed cache and run in parallel; the results
are appended to OUT/servers.jsonl as each server finishes, so a rerun skips
what is done and an interrupted run loses only the servers in flight. Every
server ends with a result or a reason (download-failed,
no-analysable-source, language-not-analysed, timeout, too-large,
analysis-failed). At the end OUT holds servers.jsonl, summary.json,
report.md, report.html and run.json.

  mcpriv measure merge [-o OUT] DIR...   combines the outputs of --shard runs

Exit codes: 0 done; 2 usage error, unreadable corpus, or interrupted (rerun
to continue).`

type measureConfig struct {
	out          string
	cache        string
	mirror       string
	jobs         int
	fetchJobs    int
	timeout      time.Duration
	fetchTimeout time.Duration
	maxSize      sizeFlag
	shard        string
	retry        bool
	noProgress   bool
	scan         scanConfig
}

func runMeasure(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "merge" {
		return runMeasureMerge(args[1:], stdout, stderr)
	}
	cfg := measureConfig{maxSize: 256 << 20}
	fs := newFlagSet("measure", "CORPUS...", measureHelp, stderr)
	fs.StringVar(&cfg.out, "o", "measure-out", "output `DIR`")
	fs.StringVar(&cfg.cache, "cache", defaultMeasureCache(), "download cache `DIR`")
	fs.StringVar(&cfg.mirror, "mirror", "", "`DIR` of repository snapshots (OWNER+NAME) for OWNER/NAME lines")
	fs.IntVar(&cfg.jobs, "jobs", 1, "servers analysed at once")
	fs.IntVar(&cfg.fetchJobs, "fetch-jobs", 4, "downloads at once")
	fs.DurationVar(&cfg.timeout, "timeout", 5*time.Minute, "analysis time limit per server")
	fs.DurationVar(&cfg.fetchTimeout, "fetch-timeout", 5*time.Minute, "download time limit per server")
	fs.Var(&cfg.maxSize, "max-size", "largest server: unpacked archive and analysable source, in `bytes` (suffixes k, M, G)")
	fs.StringVar(&cfg.shard, "shard", "", "measure only part `K/N` of the corpus (merge the parts with \"mcpriv measure merge\")")
	fs.BoolVar(&cfg.retry, "retry", false, "rerun servers recorded as download-failed or timeout")
	fs.BoolVar(&cfg.noProgress, "no-progress", false, "no progress bar on stderr")
	fs.Var(&cfg.scan.rulesDirs, "rules", "also load rule files from `DIR` (repeatable)")
	fs.Var(&cfg.scan.excludes, "exclude", "do not analyse paths matching `GLOB` (repeatable)")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() == 0 {
		return usageError(fs, stderr, "no CORPUS given")
	}
	if cfg.jobs < 1 || cfg.fetchJobs < 1 {
		return usageError(fs, stderr, "--jobs and --fetch-jobs must be at least 1")
	}
	var shard measure.Shard
	if cfg.shard != "" {
		var err error
		if shard, err = measure.ParseShard(cfg.shard); err != nil {
			return usageError(fs, stderr, "%v", err)
		}
	}
	var entries []measure.Entry
	seen := map[string]bool{}
	for _, p := range fs.Args() {
		f, err := os.Open(p)
		if err != nil {
			fmt.Fprintf(stderr, "mcpriv measure: %v\n", err)
			return exitError
		}
		es, err := measure.ParseCorpus(f, p, cfg.mirror)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "mcpriv measure: %v\n", err)
			return exitError
		}
		for _, e := range es {
			if !seen[e.ID] {
				seen[e.ID] = true
				entries = append(entries, e)
			}
		}
	}
	// One file at a time per server: servers are the parallel unit. Declared
	// calls stay in the result: the measurement counts what the code does.
	cfg.scan.jobs, cfg.scan.showDeclared, cfg.scan.maxSize = 1, true, 16<<20
	eng := &freshEngine{cfg: &cfg.scan}
	if _, err := newScanEngine(&cfg.scan); err != nil {
		fmt.Fprintf(stderr, "mcpriv measure: %v\n", err)
		return exitError
	}
	cache := &measure.Cache{Dir: cfg.cache, MaxBytes: int64(cfg.maxSize), Timeout: cfg.fetchTimeout}
	opts := measure.Options{Out: cfg.out, Fetcher: cache, Analyzer: eng, Jobs: cfg.jobs, FetchJobs: cfg.fetchJobs,
		Timeout: cfg.timeout, MaxBytes: int64(cfg.maxSize), Shard: shard, Retry: cfg.retry}
	var bar *measureBar
	if !cfg.noProgress {
		bar = newMeasureBar(stderr, isTerminal(stderr))
		opts.Progress = bar.update
	}
	servers, info, err := measure.Run(ctx, entries, opts)
	bar.stop()
	interrupted := errors.Is(err, context.Canceled) || ctx.Err() != nil
	if err != nil && !interrupted {
		fmt.Fprintf(stderr, "mcpriv measure: %v\n", err)
		return exitError
	}
	if werr := render.WriteMeasure(cfg.out, servers, info, !interrupted); werr != nil {
		fmt.Fprintf(stderr, "mcpriv measure: %v\n", werr)
		return exitError
	}
	failed := 0
	for _, s := range servers {
		if s.Status != measure.StatusAnalysed {
			failed++
		}
	}
	fmt.Fprintf(stderr, "mcpriv measure: %d of %d servers done (%d not analysed), %d skipped as done before; analysis %.1fs, downloads %.1fs, wall %.1fs, peak memory %d MB; report in %s\n",
		len(servers), info.Servers, failed, info.Skipped, info.AnalysisSecs, info.FetchSecs, info.WallSeconds, info.PeakMemoryKB/1024,
		filepath.Join(cfg.out, "report.html"))
	if interrupted {
		fmt.Fprintln(stderr, "mcpriv measure: interrupted: run the same command again to continue")
		return exitError
	}
	return exitOK
}

func runMeasureMerge(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("measure merge", "DIR...", "Combine the output directories of \"mcpriv measure --shard K/N\" runs into one:\nservers.jsonl, summary.json, report.md, report.html and run.json, the same\nas one run over the whole corpus would write.", stderr)
	out := fs.String("o", "measure-out", "output `DIR`")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() == 0 {
		return usageError(fs, stderr, "no DIR given")
	}
	servers, info, err := measure.Merge(fs.Args())
	if err == nil {
		err = render.WriteMeasure(*out, servers, info, true)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv measure merge: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stderr, "mcpriv measure merge: %d servers from %d directories into %s\n", len(servers), fs.NArg(), *out)
	return exitOK
}

func defaultMeasureCache() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "mcpriv-measure-cache")
	}
	return filepath.Join(dir, "mcpriv", "measure")
}

// measureBar draws "measure [####....] 120/606 (3 failed) ETA 4m10s" on a
// terminal, or one line every 5% elsewhere (logs of a batch job).
type measureBar struct {
	w     io.Writer
	tty   bool
	mu    sync.Mutex
	start time.Time
	last  string
	step  int
}

func newMeasureBar(w io.Writer, tty bool) *measureBar {
	return &measureBar{w: w, tty: tty, start: time.Now(), step: -1}
}

func (b *measureBar) update(p measure.Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	done := p.Skipped + p.Done
	eta := "?"
	if p.Done > 0 {
		per := time.Since(b.start) / time.Duration(p.Done)
		eta = (per * time.Duration(p.Total-done)).Round(time.Second).String()
	}
	const width = 30
	fill := 0
	if p.Total > 0 {
		fill = width * done / p.Total
	}
	line := fmt.Sprintf("measure [%s%s] %d/%d servers (%d not analysed, %d done before) ETA %s",
		strings.Repeat("#", fill), strings.Repeat(".", width-fill), done, p.Total, p.Failed, p.Skipped, eta)
	if b.tty {
		fmt.Fprintf(b.w, "\r\x1b[K%s", line)
		b.last = line
		return
	}
	if step := 20 * done / max(p.Total, 1); step != b.step || done == p.Total {
		b.step = step
		fmt.Fprintln(b.w, line)
	}
}

func (b *measureBar) stop() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tty && b.last != "" {
		fmt.Fprint(b.w, "\r\x1b[K")
	}
}

// freshEngine analyses each server with a new engine: the facts cache of
// one server is of no use to the next, and dropping it bounds the memory of
// a run of any length by its largest server.
type freshEngine struct{ cfg *scanConfig }

func (f *freshEngine) Scan(ctx context.Context, root string, progress func(done, total int)) (*finding.Result, error) {
	eng, err := newScanEngine(f.cfg)
	if err != nil {
		return nil, err
	}
	return eng.Scan(ctx, root, progress)
}

func (f *freshEngine) Files(ctx context.Context, root string) ([]string, []finding.FileError, error) {
	eng, err := newScanEngine(f.cfg)
	if err != nil {
		return nil, nil, err
	}
	return eng.Files(ctx, root)
}
