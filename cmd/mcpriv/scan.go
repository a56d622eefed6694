package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mcpriv/mcpriv/analysis/engine"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/safefile"
	"github.com/mcpriv/mcpriv/cmd/mcpriv/report"
	"github.com/mcpriv/mcpriv/rules"
)

const scanHelp = `Analyse MCP servers and report the privileges their code uses.

Each PATH (default ".") is scanned as its own root: a directory is walked
(node_modules, .git, vendor, venv, testdata … are skipped), a file is analysed
alone. Files are analysed in parallel. A file that cannot be read, is binary
or is larger than --max-file-size is reported and the scan goes on.

Findings are checked against mcp-capabilities.yaml (the nearest ancestor
directory of a file holding one). Paths in the text and SARIF output are
relative to the current directory; in JSON they are relative to the PATH
(see docs/json-output.md).

Exit codes: 0 no finding at or above --fail-on; 1 some finding at or above
--fail-on; 2 usage error, or a PATH could not be scanned at all.`

// scanConfig is the parsed command line of `mcpriv scan`.
type scanConfig struct {
	format       string
	failOn       string
	rulesDirs    listFlag
	excludes     listFlag
	noDefExclude bool
	maxSize      sizeFlag
	jobs         int
	cacheDir     string
	noProgress   bool
	showDeclared bool
	output       string
	stats        bool
	paths        []string
}

var failOnLevels = map[string]int{"none": 0, "hint": 1, "info": 2, "warning": 3, "error": 4}

func runScan(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	var cfg scanConfig
	fs := newFlagSet("scan", "[PATH...]", scanHelp, stderr)
	fs.StringVar(&cfg.format, "format", "text", "output `format`: text, json or sarif")
	fs.StringVar(&cfg.failOn, "fail-on", "none", "exit with 1 when a finding has at least this `severity`: none, hint, info, warning or error")
	engineFlags(fs, &cfg)
	fs.BoolVar(&cfg.showDeclared, "show-declared", false, "also list calls the manifest declares within scope (as info)")
	fs.StringVar(&cfg.output, "o", "", "write the report to `FILE` instead of stdout")
	fs.BoolVar(&cfg.stats, "stats", false, "print timing, throughput and peak memory to stderr")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	cfg.paths = fs.Args()
	if len(cfg.paths) == 0 {
		cfg.paths = []string{"."}
	}
	switch cfg.format {
	case "text", "json", "sarif":
	default:
		return usageError(fs, stderr, "unknown --format %q (want text, json or sarif)", cfg.format)
	}
	if _, ok := failOnLevels[cfg.failOn]; !ok {
		return usageError(fs, stderr, "unknown --fail-on %q (want none, hint, info, warning or error)", cfg.failOn)
	}
	if cfg.jobs < 0 {
		return usageError(fs, stderr, "--jobs must not be negative")
	}

	eng, err := newEngine(&cfg)
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv scan: %v\n", err)
		return exitError
	}

	out := stdout
	var outFile *os.File
	if cfg.output != "" && cfg.output != "-" {
		outFile, err = safefile.Create(cfg.output) // never through a link
		if err != nil {
			fmt.Fprintf(stderr, "mcpriv scan: %v\n", err)
			return exitError
		}
		out = outFile
	}

	var bar *progressBar
	if !cfg.noProgress && isTerminal(stderr) {
		bar = newProgressBar(stderr)
	}
	start := time.Now()
	results, fatal := scanRoots(ctx, eng, cfg.paths, bar, stderr)
	elapsed := time.Since(start)
	bar.Stop()
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "mcpriv scan: interrupted")
		closeOutput(outFile, stderr)
		return exitError
	}

	if fatal && len(results) == 0 {
		closeOutput(outFile, stderr)
		return exitError // nothing was scanned: an empty report would mislead
	}
	res, opts := prepare(results, cfg.format)
	if cfg.stats {
		printStats(stderr, res, elapsed, cfg.jobs)
	}
	opts.Version = mcprivVersion()
	opts.Color = out == stdout && isTerminal(stdout) && os.Getenv("NO_COLOR") == ""
	switch cfg.format {
	case "text":
		err = report.Text(out, res, opts)
	case "json":
		err = report.JSON(out, res, opts)
	case "sarif":
		err = report.SARIF(out, res, opts)
	}
	if err == nil && outFile != nil {
		err = outFile.Close()
		outFile = nil
	}
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv scan: writing the report: %v\n", err)
		closeOutput(outFile, stderr)
		return exitError
	}
	if fatal {
		return exitError
	}
	if failed(res, cfg.failOn) {
		return exitFindings
	}
	return exitOK
}

func closeOutput(f *os.File, stderr io.Writer) {
	if f != nil {
		if err := f.Close(); err != nil {
			fmt.Fprintf(stderr, "mcpriv scan: %v\n", err)
		}
	}
}

// newEngine is the engine constructor; tests replace it to feed the
// command hand-built results.
var newEngine = func(cfg *scanConfig) (scanner, error) { return newScanEngine(cfg) }

// newScanEngine builds the engine from the command line. Declared findings
// are hidden unless asked for: in CI only what needs attention should show.
func newScanEngine(cfg *scanConfig) (*engine.Engine, error) {
	opts := engine.Options{
		MaxFileSize:       int64(cfg.maxSize),
		Excludes:          cfg.excludes,
		NoDefaultExcludes: cfg.noDefExclude,
		Jobs:              cfg.jobs,
		Policy:            finding.Policy{HideDeclared: !cfg.showDeclared},
		CacheDir:          cfg.cacheDir,
	}
	if len(cfg.rulesDirs) > 0 {
		rs, err := rules.Load(cfg.rulesDirs...)
		if err != nil {
			return nil, fmt.Errorf("loading rules: %w", err)
		}
		opts.Rules = rs
	}
	return engine.New(opts)
}

// rootResult is one PATH's scan.
type rootResult struct {
	path string // as given on the command line
	dir  string // the directory paths in res are relative to
	res  *finding.Result
}

// rootsAtOnce is how many PATHs are scanned at once. The engine bounds the
// files analysed at once and the bytes in flight across all of them; the
// overlap keeps every core busy while one PATH links (one core) or waits
// for its last large file.
const rootsAtOnce = 2

// scanRoots scans the PATHs (files within a PATH are analysed in parallel
// by the engine, and two PATHs overlap) and returns their results in
// command-line order. A PATH that cannot be scanned at all is reported on
// stderr, makes the scan fatal, and does not stop the other PATHs.
func scanRoots(ctx context.Context, eng scanner, paths []string, bar *progressBar, stderr io.Writer) ([]rootResult, bool) {
	type slot struct {
		started, stop bool // stop: interrupted, nothing after it counts
		res           *rootResult
		msg           string
	}
	slots := make([]slot, len(paths))
	sem := make(chan struct{}, rootsAtOnce)
	var wg sync.WaitGroup
	for i, p := range paths {
		sem <- struct{}{}
		if ctx.Err() != nil {
			<-sem
			break
		}
		slots[i].started = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			sl := &slots[i]
			st, err := os.Stat(p)
			if err != nil {
				sl.msg = fmt.Sprintf("mcpriv scan: %v\n", describeStatError(p, err))
				return
			}
			dir := p
			if !st.IsDir() {
				dir = filepath.Dir(p)
			}
			var progress func(done, total int)
			if bar != nil {
				progress = bar.Callback(p)
			}
			res, err := scanInterruptible(ctx, eng, p, progress)
			if err != nil {
				if ctx.Err() != nil {
					sl.stop = true
					return
				}
				sl.msg = fmt.Sprintf("mcpriv scan: %s: %v\n", p, err)
				return
			}
			sl.res = &rootResult{path: p, dir: dir, res: res}
		}()
	}
	wg.Wait()
	var out []rootResult
	fatal := false
	for _, sl := range slots {
		if !sl.started || sl.stop {
			break
		}
		if sl.res == nil {
			fmt.Fprint(stderr, sl.msg)
			fatal = true
			continue
		}
		out = append(out, *sl.res)
	}
	return out, fatal
}

// scanInterruptible runs one Scan but returns as soon as ctx ends, even if
// the engine is stuck in a system call it cannot cancel (an open of a FIFO,
// a hung network file system): Ctrl-C must always end mcpriv. The abandoned
// scan dies with the process.
func scanInterruptible(ctx context.Context, eng scanner, root string, progress func(done, total int)) (*finding.Result, error) {
	type outcome struct {
		res *finding.Result
		err error
	}
	ch := make(chan outcome, 1)
	go func() {
		res, err := eng.Scan(ctx, root, progress)
		ch <- outcome{res, err}
	}()
	select {
	case o := <-ch:
		return o.res, o.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// scanner is the part of the engine the scan command needs.
type scanner interface {
	Scan(ctx context.Context, root string, progress func(done, total int)) (*finding.Result, error)
}

func describeStatError(p string, err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s: no such file or directory", p)
	}
	return err
}

// prepare combines the PATHs' results into what the printer of format
// shows. JSON keeps file paths relative to the PATH when there is one PATH
// (the documented contract) and prefixes the PATH otherwise. Text prefixes
// the PATH as written, so paths work from the current directory. SARIF
// makes paths relative to %SRCROOT%: the working directory when every PATH
// lies inside it (in CI, the checkout, so URIs are repository paths), else
// the single PATH itself.
func prepare(results []rootResult, format string) (*finding.Result, report.Options) {
	var opts report.Options
	cwd, _ := os.Getwd()
	prefix := func(r rootResult) string {
		if len(results) == 1 && format == "json" {
			return ""
		}
		return displayDir(r.dir)
	}
	if format == "sarif" {
		dirs := make([]string, len(results))
		for i, r := range results {
			dirs[i] = r.dir
		}
		opts.SourceRoot = sourceRoot(cwd, dirs)
		prefix = func(r rootResult) string {
			abs, err := filepath.Abs(r.dir)
			if err != nil {
				return displayDir(r.dir)
			}
			rel, err := filepath.Rel(opts.SourceRoot, abs)
			if err != nil {
				return displayDir(r.dir)
			}
			return displayDir(rel)
		}
	}
	if len(results) == 1 {
		return relocate(results[0].res, prefix(results[0])), opts
	}
	merged := &finding.Result{}
	for _, r := range results {
		moved := relocate(r.res, prefix(r))
		merged.Findings = append(merged.Findings, moved.Findings...)
		merged.Suppressed = append(merged.Suppressed, moved.Suppressed...)
		merged.Tools = append(merged.Tools, moved.Tools...)
		merged.Errors = append(merged.Errors, moved.Errors...)
		merged.Files += r.res.Files
		merged.Bytes += r.res.Bytes
	}
	return merged, opts
}

// sourceRoot is the SARIF %SRCROOT%: cwd when every dir lies inside it,
// else the single dir, else cwd (URIs then climb out with "..").
func sourceRoot(cwd string, dirs []string) string {
	inside := cwd != ""
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			inside = false
			break
		}
		rel, err := filepath.Rel(cwd, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			inside = false
		}
	}
	if !inside && len(dirs) == 1 {
		if abs, err := filepath.Abs(dirs[0]); err == nil {
			return abs
		}
	}
	return cwd
}

// displayDir is a directory as the user wrote it, cleaned and slash-separated.
func displayDir(dir string) string {
	return path.Clean(filepath.ToSlash(dir))
}

// relocate returns a copy of res with every file path prefixed by dir.
func relocate(res *finding.Result, dir string) *finding.Result {
	if dir == "." || dir == "" || res == nil {
		return res
	}
	join := func(p string) string {
		if p == "" || path.IsAbs(p) {
			return p
		}
		return path.Join(dir, p)
	}
	out := *res
	out.Findings = append([]finding.Finding(nil), res.Findings...)
	for i := range out.Findings {
		out.Findings[i].File = join(out.Findings[i].File)
	}
	out.Suppressed = append([]finding.Finding(nil), res.Suppressed...)
	for i := range out.Suppressed {
		out.Suppressed[i].File = join(out.Suppressed[i].File)
	}
	out.Tools = append([]finding.Tool(nil), res.Tools...)
	for i := range out.Tools {
		t := &out.Tools[i]
		t.File = join(t.File)
		t.Sites = slices.Clone(t.Sites)
		for k := range t.Sites {
			t.Sites[k].File = join(t.Sites[k].File)
		}
	}
	out.Errors = append([]finding.FileError(nil), res.Errors...)
	for i := range out.Errors {
		out.Errors[i].File = join(out.Errors[i].File)
	}
	return &out
}

// failed reports whether res has a finding at or above the --fail-on level.
func failed(res *finding.Result, failOn string) bool {
	min := failOnLevels[failOn]
	if min == 0 {
		return false
	}
	for _, f := range res.Findings {
		if f.Severity.Rank() >= min {
			return true
		}
	}
	return false
}

// printStats reports a scan's cost: files, bytes, wall time, throughput and
// the process's peak resident memory (Linux: VmHWM).
func printStats(w io.Writer, res *finding.Result, elapsed time.Duration, jobs int) {
	mb := float64(res.Bytes) / (1 << 20)
	secs := elapsed.Seconds()
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	rate := 0.0
	if secs > 0 {
		rate = mb / secs
	}
	fmt.Fprintf(w, "mcpriv: %d files, %.1f MB in %.2fs (%.1f MB/s, %d jobs), %d findings, peak memory %s\n",
		res.Files, mb, secs, rate, jobs, len(res.Findings), peakMemory())
}

func peakMemory() string {
	data, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "VmHWM:") {
				return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
			}
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return fmt.Sprintf("%d kB (Go heap)", ms.HeapSys/1024)
}
