package lsp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync/atomic"
	"time"

	sitter "github.com/smacker/go-tree-sitter"
	"go.lsp.dev/protocol"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/ranged"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// worker is the analysis goroutine: it waits for a kick, lets the edits
// settle for the debounce time, then parses, extracts, links and publishes.
// Only it touches syntax trees, so trees need no locking.
func (s *Server) worker() {
	defer s.wg.Done()
	w := &workerState{
		trees:       map[string]*treeState{},
		parsers:     map[source.Lang]*sitter.Parser{},
		fullParsers: map[source.Lang]*sitter.Parser{},
		states:      map[string]*ranged.State{},
		unverified:  map[string]bool{},
		verified:    make(chan verifyResult),
	}
	defer func() {
		for _, t := range w.trees {
			t.close()
		}
	}()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	verify := time.NewTimer(time.Hour)
	verify.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-s.wake:
			// Debounce: every kick restarts the quiet period.
			timer.Reset(s.opts.Debounce)
			verify.Stop()
			continue
		case <-verify.C:
			s.verifyRanged(w)
			continue
		case r := <-w.verified:
			s.installVerified(r, w)
			continue
		case <-timer.C:
		}
		s.mu.Lock()
		ctx, cancel := context.WithCancel(s.ctx)
		s.runCancel = cancel
		gen := s.gen
		s.mu.Unlock()
		s.runOnce(ctx, gen, w)
		cancel()
		s.mu.Lock()
		s.runCancel = nil
		again := s.gen != gen
		s.mu.Unlock()
		if again {
			timer.Reset(s.opts.Debounce)
		} else if len(w.unverified) > 0 && s.opts.VerifyDelay > 0 {
			verify.Reset(s.opts.VerifyDelay)
		}
	}
}

// workerState is what only the analysis worker touches: syntax trees of
// open documents, parsers, and the ranged-extraction state of each document.
type workerState struct {
	trees   map[string]*treeState
	parsers map[source.Lang]*sitter.Parser
	// fullParsers parse whole documents for ranged updates, on a goroutine
	// of their own while parsers parse the compact texts.
	fullParsers map[source.Lang]*sitter.Parser
	states      map[string]*ranged.State
	// unverified documents had facts updated by range since their last
	// whole-file extraction.
	unverified map[string]bool
	// verified receives the checks verifyRanged started.
	verified chan verifyResult
}

type parseJob struct {
	path    string
	lang    source.Lang
	version int32
	text    []byte
	lines   *source.Lines
	edits   []parseEdit
	full    bool
}

type parseEdit = sitterEdit

// runOnce analyses what changed since the last run.
func (s *Server) runOnce(ctx context.Context, gen uint64, w *workerState) {
	defer func() {
		if r := recover(); r != nil {
			s.logf(msgError, "internal error during analysis: %v", r)
		}
	}()
	start := time.Now()
	defer func() {
		// Wake request handlers waiting for this run (waitAnalysed, waitIdle).
		s.mu.Lock()
		s.stats.Runs++
		s.stats.LastRun = time.Since(start)
		s.stats.phases.Total = s.stats.LastRun
		if s.opts.runHook != nil {
			s.opts.runHook(s.stats.phases)
		}
		s.stats.phases = RunTimes{}
		close(s.updated)
		s.updated = make(chan struct{})
		s.mu.Unlock()
	}()

	s.mu.Lock()
	eng := s.engine
	var jobs []parseJob
	for path, d := range s.docs {
		if !d.dirty {
			continue
		}
		d.dirty = false
		if s.excludedLocked(s.rootOfLocked(path), path) {
			// Not analysed, as the CLI would not: the editor says so
			// (skipReasonLocked) instead of showing a result of its own.
			delete(s.files, path)
			continue
		}
		jobs = append(jobs, parseJob{path: path, lang: d.lang, version: d.version, text: d.text, lines: d.lines,
			edits: append([]parseEdit(nil), d.edits...), full: d.full})
		d.edits = d.edits[:0]
		d.full = false
	}
	roots := s.dirtyRoots
	s.dirtyRoots = map[string]bool{}
	limit := s.settings.MaxFileSize
	if limit <= 0 {
		limit = source.DefaultMaxSize
	}
	s.mu.Unlock()

	// Trees of closed documents are freed here, the only goroutine that owns them.
	s.mu.Lock()
	for p, t := range w.trees {
		if _, open := s.docs[p]; !open {
			t.close()
			delete(w.trees, p)
			delete(w.states, p)
			delete(w.unverified, p)
		}
	}
	s.mu.Unlock()

	if eng == nil {
		return
	}
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].path < jobs[j].path })
	for i, j := range jobs {
		if j.lang == "" {
			continue
		}
		// A buffer the CLI would not analyse on disk is not analysed here
		// either, and says so the same way (a finding, not silence).
		var why string
		if int64(len(j.text)) > limit {
			why = fmt.Sprintf("skipped: %d bytes is over the size limit of %d bytes", len(j.text), limit)
		} else if err := source.CheckText(j.text); err != nil {
			why = err.Error()
		}
		if why != "" {
			s.logOnce(j.path+"#"+why, msgInfo, "mcpriv: %s: %s", j.path, why)
			if t := w.trees[j.path]; t != nil {
				t.close()
				delete(w.trees, j.path)
			}
			delete(w.states, j.path)
			delete(w.unverified, j.path)
			s.mu.Lock()
			if _, open := s.docs[j.path]; open {
				s.files[j.path] = &fileFacts{open: true, version: j.version, text: j.text, lines: j.lines, unanalysed: why}
			}
			s.mu.Unlock()
			continue
		}
		f, err := s.parseAndExtract(ctx, eng, j, w)
		if err != nil {
			if ctx.Err() != nil {
				// A newer edit arrived: put the rest back for the next run. The
				// edits already applied to a tree stay applied (needsParse).
				s.requeue(jobs[i:])
				return
			}
			s.logOnce(j.path+"#"+err.Error(), msgWarning, "mcpriv: %s: %v", j.path, err)
		}
		if f == nil {
			continue
		}
		s.mu.Lock()
		if _, open := s.docs[j.path]; open {
			s.files[j.path] = &fileFacts{facts: f, open: true, version: j.version, text: j.text, lines: j.lines}
		}
		s.mu.Unlock()
	}
	for root := range roots {
		s.relink(root, eng)
	}
}

func (s *Server) requeue(jobs []parseJob) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range jobs {
		if d := s.docs[j.path]; d != nil {
			d.dirty = true
			s.dirtyRoots[s.rootOfLocked(j.path)] = true
			if j.full {
				d.full = true
			}
		}
	}
	// Roots already taken for this run must be linked by the next one.
	for _, r := range s.roots {
		s.dirtyRoots[r] = true
	}
}

// parseAndExtract brings the document's facts up to date: by range when the
// edit can be confined (analysis/ranged: a small parse and extraction),
// otherwise by an incremental parse of the whole tree and a whole-file
// extraction.
func (s *Server) parseAndExtract(ctx context.Context, eng Engine, j parseJob, w *workerState) (*facts.File, error) {
	t := w.trees[j.path]
	if t != nil && (j.full || t.lang != j.lang) {
		t.close()
		t = nil
	}
	if t == nil {
		t = &treeState{lang: j.lang}
		w.trees[j.path] = t
		delete(w.states, j.path)
	}
	for _, e := range j.edits {
		if t.tree != nil {
			t.tree.Edit(e)
			t.needsParse = true
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	t0 := time.Now()
	if st := w.states[j.path]; st != nil && t.tree != nil {
		// The tree keeps its edits, unparsed, for the next whole-file run.
		f, next, err := st.Update(j.text, j.lines, ranged.Hooks{
			Parse: func(src []byte) (*sitter.Tree, error) {
				return parseBounded(w.parsers, j.lang, src, nil, s.opts.ParseTimeout)
			},
			Extract: func(src []byte, tree *sitter.Tree) (*facts.File, error) {
				return eng.ExtractTree(filepath.ToSlash(j.path), src, tree)
			},
			// Broken code: the file's own incremental parse settles how the
			// parser recovers. The tree stays the worker's.
			Full: func() (*sitter.Tree, error) {
				if !t.needsParse {
					return t.tree, nil
				}
				// Its own parser: it runs while Parse parses compact texts.
				tree, err := parseBounded(w.fullParsers, j.lang, j.text, t.tree, s.opts.ParseTimeout)
				if err != nil {
					return nil, err
				}
				t.tree.Close()
				t.tree, t.needsParse = tree, false
				s.mu.Lock()
				s.stats.Parses++
				s.mu.Unlock()
				return tree, nil
			},
		})
		if err == nil {
			if s.opts.rangedHook != nil {
				s.opts.rangedHook(j.path, f)
			}
			if checkMode() {
				s.checkRanged(eng, j.path, j.lang, j.text, f)
			}
			f.Hash = "" // not computed for ranged facts: nothing reads it for open documents
			w.states[j.path] = next
			w.unverified[j.path] = true
			s.mu.Lock()
			s.stats.Ranged++
			s.stats.phases.Extract += time.Since(t0)
			s.mu.Unlock()
			return f, nil
		}
		delete(w.states, j.path)
		s.mu.Lock()
		s.stats.phases.Extract += time.Since(t0) // the attempt counts too
		s.mu.Unlock()
	}
	f, tree, err := s.wholeFile(eng, j.path, j.lang, j.text, t, w)
	if err != nil || f == nil {
		return f, err
	}
	t1 := time.Now()
	w.states[j.path] = ranged.New(j.lang, j.text, j.lines, tree, f)
	delete(w.unverified, j.path)
	s.mu.Lock()
	s.stats.Whole++
	s.stats.phases.Extract += time.Since(t1) // chunking is part of the extraction
	s.mu.Unlock()
	return f, nil
}

// wholeFile parses text incrementally with t's tree and extracts all of it.
func (s *Server) wholeFile(eng Engine, path string, lang source.Lang, text []byte, t *treeState, w *workerState) (*facts.File, *sitter.Tree, error) {
	t0 := time.Now()
	tree, err := parseBounded(w.parsers, lang, text, t.tree, s.opts.ParseTimeout)
	t1 := time.Now()
	if err != nil {
		// Pathological input or a time-out: drop the tree so the next edit
		// starts afresh, and keep the previous facts (and diagnostics).
		t.close()
		delete(w.trees, path)
		delete(w.states, path)
		return nil, nil, err
	}
	s.mu.Lock()
	s.stats.Parses++
	s.mu.Unlock()
	if t.tree != nil {
		t.tree.Close()
	}
	t.tree, t.needsParse = tree, false
	f, err := eng.ExtractTree(filepath.ToSlash(path), text, tree)
	s.mu.Lock()
	s.stats.phases.Parse += t1.Sub(t0)
	s.stats.phases.Extract += time.Since(t1)
	s.mu.Unlock()
	return f, tree, err
}

// verifyRanged re-extracts, whole, the documents whose facts were updated by
// range, once the editor is idle, and publishes any difference. Ranged
// extraction links chunks by the names they mention, which covers what the
// extractors resolve; this check keeps the rest honest. It runs on a copy
// of the syntax tree in its own goroutine, so an edit arriving meanwhile is
// analysed at once; results for an older version are dropped.
func (s *Server) verifyRanged(w *workerState) {
	s.mu.Lock()
	eng := s.engine
	s.mu.Unlock()
	if eng == nil {
		return
	}
	for p := range w.unverified {
		t := w.trees[p]
		s.mu.Lock()
		d, ff := s.docs[p], s.files[p]
		ready := d != nil && !d.dirty && ff != nil && ff.facts != nil && ff.version == d.version && t != nil && t.tree != nil
		var job verifyJob
		if ready {
			job = verifyJob{path: p, lang: d.lang, version: d.version, text: d.text, lines: d.lines, current: ff.facts, tree: t.tree.Copy()}
		}
		s.mu.Unlock()
		if !ready {
			continue // an edit is pending: its run schedules another check
		}
		delete(w.unverified, p)
		s.wg.Add(1)
		go s.verifyOne(eng, job, w.verified)
	}
}

// verifyJob is one document to re-extract whole; tree is the worker's tree,
// copied, with the edits since its last parse applied but not parsed.
type verifyJob struct {
	path    string
	lang    source.Lang
	version int32
	text    []byte
	lines   *source.Lines
	current *facts.File
	tree    *sitter.Tree
}

// verifyResult is a whole-file extraction of a document at version, and
// whether it equals the ranged facts it checks.
type verifyResult struct {
	path    string
	version int32
	facts   *facts.File
	state   *ranged.State
	same    bool
	// tree is the parse of the document at version: the worker adopts it
	// (its own tree has gathered the edits since its last parse).
	tree *sitter.Tree
}

func (s *Server) verifyOne(eng Engine, j verifyJob, out chan<- verifyResult) {
	defer s.wg.Done()
	defer j.tree.Close()
	defer func() {
		if r := recover(); r != nil {
			s.logf(msgError, "internal error while verifying ranged analysis: %v", r)
		}
	}()
	tree, err := parse.Parse(context.Background(), j.lang, j.text, j.tree)
	if err != nil {
		return
	}
	f, err := eng.ExtractTree(filepath.ToSlash(j.path), j.text, tree)
	if err != nil || f == nil {
		tree.Close()
		return
	}
	r := verifyResult{path: j.path, version: j.version, facts: f, state: ranged.New(j.lang, j.text, j.lines, tree, f),
		same: bytes.Equal(ranged.Canonical(j.current), ranged.Canonical(f)), tree: tree}
	select {
	case out <- r:
	case <-s.ctx.Done():
		tree.Close()
	}
}

// installVerified takes a verification result in the worker: a difference
// replaces the ranged facts and is published.
func (s *Server) installVerified(r verifyResult, w *workerState) {
	s.mu.Lock()
	d, cur := s.docs[r.path], s.files[r.path]
	fresh := d != nil && !d.dirty && d.version == r.version && cur != nil && cur.version == r.version
	if t := w.trees[r.path]; fresh && t != nil && t.lang == d.lang {
		t.close()
		t.tree, t.needsParse = r.tree, false
		r.tree = nil
	}
	if r.tree != nil {
		r.tree.Close()
	}
	if fresh {
		s.stats.Verified++
		w.states[r.path] = r.state
		if !r.same {
			s.stats.Mismatches++
			s.files[r.path] = &fileFacts{facts: r.facts, open: true, version: cur.version, text: cur.text, lines: cur.lines}
		}
	}
	root := s.rootOfLocked(r.path)
	eng := s.engine
	s.mu.Unlock()
	if fresh && !r.same && eng != nil {
		s.logf(msgLog, "mcpriv: %s: the ranged analysis differed from a whole-file one; republished", r.path)
		s.relink(root, eng)
	}
}

func (s *Server) logOnce(key string, level protocol.MessageType, format string, args ...any) {
	s.mu.Lock()
	seen := s.loggedOnce[key]
	if !seen {
		if len(s.loggedOnce) > 10000 { // bounded: a long session must not grow without limit
			s.loggedOnce = map[string]bool{}
		}
		s.loggedOnce[key] = true
	}
	s.mu.Unlock()
	if !seen {
		s.logf(level, format, args...)
	}
}

// waitAnalysed waits until the open document at path has been analysed at
// version (or later), ctx ends, or the timeout passes. Handlers call it so a
// hover right after an edit sees the edit.
func (s *Server) waitAnalysed(ctx context.Context, path string, timeout time.Duration) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		d := s.docs[path]
		ch := s.updated
		// Nothing pending and nothing running: the facts are as fresh as they
		// will get (a file too large or too slow to parse keeps older ones).
		// A root waiting to be linked counts too (a workspace scan that has
		// just ended), unless a scan of it is still running: its partial
		// result is the answer until then (rootResult.partial).
		root := s.rootOfLocked(path)
		busy := d != nil && s.engine != nil && (d.dirty || s.runCancel != nil || s.dirtyRoots[root] && s.scanning[root] == 0)
		s.mu.Unlock()
		if !busy {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return
		case <-deadline.C:
			return
		}
	}
}

// parseBounded parses src with the worker's own parser for lang, reusing old
// (already edited) for an incremental parse. Parse time is bounded with
// tree-sitter's own timeout instead of a cancellable context: the pinned
// binding's ParseCtx arms a goroutine that can set the parser's cancellation
// flag after a parse has finished, poisoning the parser for the next call
// (see the report; parse.Parse shares that flaw through its pool).
func parseBounded(parsers map[source.Lang]*sitter.Parser, lang source.Lang, src []byte, old *sitter.Tree, limit time.Duration) (*sitter.Tree, error) {
	p := parsers[lang]
	if p == nil {
		l := parse.Language(lang)
		if l == nil {
			return nil, fmt.Errorf("no grammar for %s", lang)
		}
		p = sitter.NewParser()
		p.SetLanguage(l)
		parsers[lang] = p
	}
	p.SetOperationLimit(int(limit / time.Microsecond))
	tree, err := p.ParseCtx(context.Background(), old, src)
	if err != nil {
		p.Reset() // a parse stopped by the limit would otherwise resume on the next call
		if errors.Is(err, sitter.ErrOperationLimit) {
			return nil, fmt.Errorf("parsing took longer than %v; previous results are kept", limit)
		}
		return nil, err
	}
	return tree, nil
}

// checkMode reports whether check mode is on (engine.CheckEnv=1): every
// ranged extraction is also done on the whole file and compared with it.
func checkMode() bool { return os.Getenv("MCPRIV_CHECK") == "1" }

// rangedCheckFailures counts the ranged extractions check mode found to
// differ from whole-file ones.
var rangedCheckFailures atomic.Int64

// checkRanged is check mode for a ranged extraction f of text: a
// whole-file extraction must give the same facts.
func (s *Server) checkRanged(eng Engine, path string, lang source.Lang, text []byte, f *facts.File) {
	tree, err := parse.Parse(context.Background(), lang, text, nil)
	if err != nil {
		s.logf(msgError, "check mode: parsing %s: %v", path, err)
		rangedCheckFailures.Add(1)
		return
	}
	defer tree.Close()
	full, err := eng.ExtractTree(filepath.ToSlash(path), text, tree)
	if err != nil || full == nil || !bytes.Equal(ranged.Canonical(f), ranged.Canonical(full)) {
		rangedCheckFailures.Add(1)
		s.logf(msgError, "check mode: the ranged extraction of %s differs from a whole-file extraction (%v)", path, err)
	}
}
