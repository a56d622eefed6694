package measure

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// Analyzer is the part of the engine a measurement needs (engine.Engine).
type Analyzer interface {
	Scan(ctx context.Context, root string, progress func(done, total int)) (*finding.Result, error)
	Files(ctx context.Context, root string) ([]string, []finding.FileError, error)
}

// Options configure a run.
type Options struct {
	Out      string // output directory: servers.jsonl is the journal
	Fetcher  Fetcher
	Analyzer Analyzer
	// Jobs is the number of servers analysed at once; FetchJobs the number
	// of downloads at once (both at least 1).
	Jobs, FetchJobs int
	// Timeout bounds one server's analysis (0: none).
	Timeout time.Duration
	// MaxBytes bounds the analysable source of one server (0: none).
	MaxBytes int64
	Shard    Shard
	// Retry reruns servers recorded as failed downloads or timeouts.
	Retry bool
	// Progress is called after each server (from one goroutine at a time).
	Progress func(Progress)
}

// Progress is the state of a run.
type Progress struct {
	Total   int // servers in this shard
	Skipped int // done by an earlier run
	Done    int // done by this run
	Failed  int // of Done, not analysed
	Current string
}

// RunInfo is the cost of a run (run.json): it is kept out of the summary,
// which must not depend on timing.
type RunInfo struct {
	Shard        string  `json:"shard,omitempty"`
	Servers      int     `json:"servers"`
	Skipped      int     `json:"skipped"`
	WallSeconds  float64 `json:"wallSeconds"`
	AnalysisSecs float64 `json:"analysisSeconds"` // sum over servers done by this run
	FetchSecs    float64 `json:"fetchSeconds"`
	Jobs         int     `json:"jobs"`
	FetchJobs    int     `json:"fetchJobs"`
	PeakMemoryKB int64   `json:"peakMemoryKB"` // Linux VmHWM of the measuring process (downloads excluded)
	Interrupted  bool    `json:"interrupted"`
}

// JournalName is the records file in an output directory.
const JournalName = "servers.jsonl"

// Run measures the entries of the shard, skipping those the journal in
// opts.Out already holds, appending one record per server as it finishes.
// Cancelling ctx stops the run; what finished is in the journal, and a
// rerun continues. It returns every record of the shard (old and new).
func Run(ctx context.Context, entries []Entry, opts Options) ([]Server, RunInfo, error) {
	start := time.Now()
	info := RunInfo{Jobs: max(opts.Jobs, 1), FetchJobs: max(opts.FetchJobs, 1)}
	if opts.Shard.N > 1 {
		info.Shard = fmt.Sprintf("%d/%d", opts.Shard.K, opts.Shard.N)
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return nil, info, err
	}
	journal := filepath.Join(opts.Out, JournalName)
	old, err := ReadJournal(journal, true)
	if err != nil {
		return nil, info, err
	}
	byID := map[string]Server{}
	for _, s := range old {
		byID[s.ID] = s
	}
	var todo []Entry
	var shard []Entry
	for _, e := range entries {
		if !opts.Shard.Has(e) {
			continue
		}
		shard = append(shard, e)
		if s, ok := byID[e.ID]; ok && !(opts.Retry && retryable(s)) {
			continue
		}
		todo = append(todo, e)
	}
	prog := Progress{Total: len(shard), Skipped: len(shard) - len(todo)}
	info.Skipped = prog.Skipped

	f, err := os.OpenFile(journal, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, info, err
	}
	var mu sync.Mutex
	var werr error
	record := func(s Server) {
		line, _ := json.Marshal(s)
		mu.Lock()
		defer mu.Unlock()
		// One write per record: a kill leaves whole lines, or a torn last
		// line that the next run cuts off.
		if _, err := f.Write(append(line, '\n')); err != nil && werr == nil {
			werr = err
		}
		byID[s.ID] = s
		prog.Done++
		if s.Status != StatusAnalysed {
			prog.Failed++
		}
		prog.Current = s.ID
		info.AnalysisSecs += float64(s.AnalysisMillis) / 1000
		info.FetchSecs += float64(s.FetchMillis) / 1000
		if opts.Progress != nil {
			opts.Progress(prog)
		}
	}
	if opts.Progress != nil {
		opts.Progress(prog)
	}

	type fetched struct {
		e       Entry
		dir     string
		s       Server
		fetchMS int64
	}
	feed := make(chan Entry)
	ready := make(chan fetched, max(opts.Jobs, 1))
	var fwg, awg sync.WaitGroup
	for i := 0; i < max(opts.FetchJobs, 1); i++ {
		fwg.Add(1)
		go func() {
			defer fwg.Done()
			for e := range feed {
				t0 := time.Now()
				dir, digest, err := opts.Fetcher.Fetch(ctx, e)
				s := newRecord(e)
				s.Digest = digest
				s.FetchMillis = time.Since(t0).Milliseconds()
				if ctx.Err() != nil {
					continue // interrupted: not recorded, the rerun fetches it again
				}
				if err != nil {
					s.fail(ReasonDownload, err)
					if errors.Is(err, ErrTooLarge) {
						s.Reason = ReasonTooLarge
					}
					record(s)
					continue
				}
				select {
				case ready <- fetched{e, dir, s, s.FetchMillis}:
				case <-ctx.Done():
				}
			}
		}()
	}
	for i := 0; i < max(opts.Jobs, 1); i++ {
		awg.Add(1)
		go func() {
			defer awg.Done()
			for it := range ready {
				s, ok := analyse(ctx, opts, it.dir, it.s)
				if ok {
					record(s)
				}
			}
		}()
	}
	go func() {
		defer close(feed)
		pf, batched := opts.Fetcher.(Prefetcher)
		if !batched {
			for _, e := range todo {
				select {
				case feed <- e:
				case <-ctx.Done():
					return
				}
			}
			return
		}
		// Batches are downloaded by FetchJobs workers ahead of the
		// per-server fetches, which then find them in the cache; the
		// servers still reach the feed in corpus order.
		sem := make(chan struct{}, max(opts.FetchJobs, 1))
		order := make(chan chan []Entry, max(opts.FetchJobs, 1))
		go func() {
			defer close(order)
			for i := 0; i < len(todo); i += BatchSize {
				chunk := todo[i:min(i+BatchSize, len(todo))]
				done := make(chan []Entry, 1)
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					return
				}
				select {
				case order <- done:
				case <-ctx.Done():
					<-sem
					return
				}
				go func() {
					pf.Prefetch(ctx, chunk)
					<-sem
					done <- chunk
				}()
			}
		}()
		for done := range order {
			chunk := <-done
			for _, e := range chunk {
				select {
				case feed <- e:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	fwg.Wait()
	close(ready)
	awg.Wait()
	if err := f.Close(); err != nil && werr == nil {
		werr = err
	}
	info.Servers = len(shard)
	info.WallSeconds = time.Since(start).Seconds()
	info.PeakMemoryKB = PeakMemoryKB()
	info.Interrupted = ctx.Err() != nil
	var out []Server
	for _, e := range shard {
		if s, ok := byID[e.ID]; ok {
			out = append(out, s)
		}
	}
	if werr != nil {
		return out, info, fmt.Errorf("writing %s: %w", journal, werr)
	}
	if ctx.Err() != nil {
		return out, info, ctx.Err()
	}
	return out, info, nil
}

func retryable(s Server) bool {
	return s.Reason == ReasonDownload || s.Reason == ReasonTimeout
}

func newRecord(e Entry) Server {
	name, ver := e.Name, e.Version
	if e.Source == SourceGit || e.Source == SourceDir {
		name = filepath.Base(e.Name)
		if name == "." || name == string(filepath.Separator) {
			name = e.Name
		}
		if e.Subdir != "" {
			name += "/" + e.Subdir
		}
	}
	return Server{ID: e.ID, Source: e.Source, Name: name, Version: ver, Status: StatusAnalysed,
		Languages: []string{}, SDKs: []string{}, Tools: []Tool{}, Capabilities: []capability.ID{},
		Classes: []capability.Class{}, ServerCapabilities: []capability.ID{}, Mismatches: []Mismatch{}}
}

func (s *Server) fail(reason string, err error) {
	s.Status = StatusFailed
	s.Reason = reason
	if err != nil {
		s.Detail = err.Error()
		if len(s.Detail) > 500 {
			s.Detail = s.Detail[:500] + "…"
		}
	}
}

// analyse scans one fetched tree within the per-server timeout. The engine
// stops on cancellation between files; a scan stuck beyond that is left
// behind (it ends with the process) so one server cannot stop the run. ok
// is false when the run itself was cancelled: the server is then not
// recorded and the rerun analyses it.
func analyse(ctx context.Context, opts Options, dir string, s Server) (Server, bool) {
	t0 := time.Now()
	sctx := ctx
	cancel := func() {}
	if opts.Timeout > 0 {
		sctx, cancel = context.WithTimeout(ctx, opts.Timeout)
	}
	defer cancel()
	type outcome struct {
		s  Server
		ok bool
	}
	ch := make(chan outcome, 1)
	go func(in Server) { // a copy: the timeout path below writes s
		out, ok := scanTree(sctx, opts, dir, in)
		ch <- outcome{out, ok}
	}(s)
	var o outcome
	select {
	case o = <-ch:
	case <-sctx.Done():
	}
	if ctx.Err() != nil {
		return s, false
	}
	if sctx.Err() != nil {
		s.fail(ReasonTimeout, fmt.Errorf("analysis took longer than %s", opts.Timeout))
		s.AnalysisMillis = time.Since(t0).Milliseconds()
		return s, true
	}
	o.s.AnalysisMillis = time.Since(t0).Milliseconds()
	return o.s, o.ok
}

func scanTree(ctx context.Context, opts Options, dir string, s Server) (Server, bool) {
	// A subpath may name one file: it is analysed alone.
	if _, err := os.Stat(dir); err != nil {
		s.fail(ReasonNoSource, err)
		return s, true
	}
	files, notes, err := opts.Analyzer.Files(ctx, dir)
	if ctx.Err() != nil {
		return s, false
	}
	if err != nil {
		s.fail(ReasonAnalysisErr, err)
		return s, true
	}
	var total int64
	for _, f := range files {
		if fi, err := os.Lstat(f); err == nil {
			total += fi.Size()
		}
	}
	if opts.MaxBytes > 0 && total > opts.MaxBytes {
		s.fail(ReasonTooLarge, fmt.Errorf("%d bytes of source in %d files is over the limit of %d bytes", total, len(files), opts.MaxBytes))
		return s, true
	}
	s.OtherLanguages = otherLanguagesIn(listAll(dir, 50000))
	if len(files) == 0 {
		if len(s.OtherLanguages) > 0 {
			s.fail(ReasonLanguage, fmt.Errorf("only %s source", joinAnd(s.OtherLanguages)))
		} else {
			msg := "no JavaScript, TypeScript, Python or Go file outside tests and dependencies"
			if len(notes) > 0 {
				msg += fmt.Sprintf(" (%d skipped: %s)", len(notes), notes[0].Message)
			}
			s.fail(ReasonNoSource, errors.New(msg))
		}
		return s, true
	}
	res, err := opts.Analyzer.Scan(ctx, dir, nil)
	if ctx.Err() != nil {
		return s, false
	}
	if err != nil {
		s.fail(ReasonAnalysisErr, err)
		return s, true
	}
	s.fill(res, files)
	return s, true
}

// listAll lists up to limit files under dir, skipping dependency and VCS
// directories; symlinks are not followed.
func listAll(dir string, limit int) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", ".git", "vendor", "third_party", ".venv", "venv":
				if p != dir {
					return fs.SkipDir
				}
			}
			return nil
		}
		out = append(out, p)
		if len(out) >= limit {
			return fs.SkipAll
		}
		return nil
	})
	return out
}

func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	s := ""
	for i, x := range xs {
		switch {
		case i == 0:
		case i == len(xs)-1:
			s += " and "
		default:
			s += ", "
		}
		s += x
	}
	return s
}

// ReadJournal reads a servers.jsonl; a later record of an ID replaces an
// earlier one. With repair, a torn last line (a run killed mid-write) is
// cut off the file; without it, it is ignored. A malformed line elsewhere
// is an error: the file is not ours, or was edited.
func ReadJournal(path string, repair bool) ([]Server, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Server
	index := map[string]int{}
	good := 0
	r := bufio.NewReader(bytes.NewReader(data))
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if len(line) == 0 && err == io.EOF {
			break
		}
		var s Server
		complete := err == nil
		if jerr := json.Unmarshal(line, &s); jerr != nil || s.ID == "" {
			if !complete {
				break // torn last line
			}
			return nil, fmt.Errorf("%s:%d: not a server record", path, n)
		}
		if !complete {
			break // a record without its newline may be cut: redo it
		}
		good += len(line)
		if i, ok := index[s.ID]; ok {
			out[i] = s
		} else {
			index[s.ID] = len(out)
			out = append(out, s)
		}
	}
	if repair && good < len(data) {
		if err := os.Truncate(path, int64(good)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// WriteJournal writes records sorted by ID (the final, stable form).
func WriteJournal(path string, servers []Server) error {
	sorted := append([]Server(nil), servers...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	var buf bytes.Buffer
	for _, s := range sorted {
		line, err := json.Marshal(s)
		if err != nil {
			return err
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	return writeAtomic(path, buf.Bytes())
}

// PeakMemoryKB is the process's peak resident memory in kB (Linux VmHWM;
// 0 where unknown).
func PeakMemoryKB() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			var kb int64
			fmt.Sscanf(string(bytes.TrimSpace(v)), "%d", &kb)
			return kb
		}
	}
	return 0
}

// Merge reads the journals of shard output directories and combines them:
// every record once (a later directory's record of an ID wins), the run
// costs summed.
func Merge(dirs []string) ([]Server, RunInfo, error) {
	var info RunInfo
	byID := map[string]Server{}
	for _, d := range dirs {
		recs, err := ReadJournal(filepath.Join(d, JournalName), false)
		if err != nil {
			return nil, info, err
		}
		if recs == nil {
			return nil, info, fmt.Errorf("%s: no %s", d, JournalName)
		}
		for _, s := range recs {
			byID[s.ID] = s
		}
		var ri RunInfo
		if data, err := os.ReadFile(filepath.Join(d, RunInfoName)); err == nil && json.Unmarshal(data, &ri) == nil {
			info.WallSeconds = max(info.WallSeconds, ri.WallSeconds)
			info.AnalysisSecs += ri.AnalysisSecs
			info.FetchSecs += ri.FetchSecs
			info.Interrupted = info.Interrupted || ri.Interrupted
			info.Jobs = max(info.Jobs, ri.Jobs)
			info.FetchJobs = max(info.FetchJobs, ri.FetchJobs)
			info.PeakMemoryKB = max(info.PeakMemoryKB, ri.PeakMemoryKB)
		}
	}
	out := make([]Server, 0, len(byID))
	for _, s := range byID {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	info.Servers = len(out)
	info.Shard = fmt.Sprintf("merged from %d", len(dirs))
	return out, info, nil
}

// RunInfoName and SummaryName are the other files of an output directory.
const (
	RunInfoName = "run.json"
	SummaryName = "summary.json"
)
