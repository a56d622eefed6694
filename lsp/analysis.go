package lsp

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	sitter "github.com/smacker/go-tree-sitter"
	"go.lsp.dev/protocol"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// worker is the analysis goroutine: it waits for a kick, lets the edits
// settle for the debounce time, then parses, extracts, links and publishes.
// Only it touches syntax trees, so trees need no locking.
func (s *Server) worker() {
	defer s.wg.Done()
	trees := map[string]*treeState{}
	parsers := map[source.Lang]*sitter.Parser{}
	defer func() {
		for _, t := range trees {
			t.close()
		}
	}()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-s.wake:
			// Debounce: every kick restarts the quiet period.
			timer.Reset(s.opts.Debounce)
			continue
		case <-timer.C:
		}
		s.mu.Lock()
		ctx, cancel := context.WithCancel(s.ctx)
		s.runCancel = cancel
		gen := s.gen
		s.mu.Unlock()
		s.runOnce(ctx, gen, trees, parsers)
		cancel()
		s.mu.Lock()
		s.runCancel = nil
		again := s.gen != gen
		s.mu.Unlock()
		if again {
			timer.Reset(s.opts.Debounce)
		}
	}
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
func (s *Server) runOnce(ctx context.Context, gen uint64, trees map[string]*treeState, parsers map[source.Lang]*sitter.Parser) {
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
	for p, t := range trees {
		if _, open := s.docs[p]; !open {
			t.close()
			delete(trees, p)
		}
	}
	s.mu.Unlock()

	if eng == nil {
		return
	}
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].path < jobs[j].path })
	for i, j := range jobs {
		if j.lang == "" || int64(len(j.text)) > limit {
			if j.lang != "" {
				s.logOnce(j.path+"#size", msgInfo, "%s is larger than maxFileSize (%d bytes): not analysed", j.path, limit)
			}
			continue
		}
		f, err := s.parseAndExtract(ctx, eng, j, trees, parsers)
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

// parseAndExtract brings the document's tree up to date — incrementally when
// it can — and extracts facts from it.
func (s *Server) parseAndExtract(ctx context.Context, eng Engine, j parseJob, trees map[string]*treeState, parsers map[source.Lang]*sitter.Parser) (*facts.File, error) {
	t := trees[j.path]
	if t != nil && (j.full || t.lang != j.lang) {
		t.close()
		t = nil
	}
	if t == nil {
		t = &treeState{lang: j.lang}
		trees[j.path] = t
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
	tree, err := parseBounded(parsers, j.lang, j.text, t.tree, s.opts.ParseTimeout)
	t1 := time.Now()
	if err != nil {
		// Pathological input or a time-out: drop the tree so the next edit
		// starts afresh, and keep the previous facts (and diagnostics).
		t.close()
		delete(trees, j.path)
		return nil, err
	}
	s.mu.Lock()
	s.stats.Parses++
	s.mu.Unlock()
	if t.tree != nil {
		t.tree.Close()
	}
	t.tree, t.needsParse = tree, false
	f, err := eng.ExtractTree(filepath.ToSlash(j.path), j.text, tree)
	s.mu.Lock()
	s.stats.phases.Parse += t1.Sub(t0)
	s.stats.phases.Extract += time.Since(t1)
	s.mu.Unlock()
	return f, err
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
		busy := d != nil && s.engine != nil && (d.dirty || s.runCancel != nil)
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
