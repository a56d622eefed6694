package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/mcpriv/mcpriv/analysis/buildout"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// scanWorkspace extracts the facts of every file of every root in the
// background, reporting $/progress, then links and publishes. Open documents
// keep their buffer's facts.
func (s *Server) scanWorkspace(ctx context.Context) {
	s.scanRoots(ctx, s.markScanning())
}

// markScanning registers a workspace scan of the current roots, which
// scanRoots ends: results linked until then are partial. A caller that
// starts the scan on another goroutine marks it first, so that no link in
// between passes for a whole one.
func (s *Server) markScanning() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	roots := append([]string(nil), s.roots...)
	for _, r := range roots {
		s.scanning[r]++
	}
	return roots
}

// scanRoots is scanWorkspace of roots, marked by markScanning.
func (s *Server) scanRoots(ctx context.Context, roots []string) {
	s.mu.Lock()
	eng := s.engine
	progress := s.caps.workDoneProgress
	s.progressSeq++
	token := protocol.NewProgressToken(fmt.Sprintf("mcpriv-scan-%d", s.progressSeq))
	s.mu.Unlock()
	var endOnce sync.Once
	end := func(scanned bool) {
		endOnce.Do(func() {
			s.mu.Lock()
			for _, r := range roots {
				if s.scanning[r]--; s.scanning[r] <= 0 {
					delete(s.scanning, r)
				}
				if scanned {
					s.dirtyRoots[r] = true
				}
			}
			s.mu.Unlock()
			if scanned {
				s.kick()
			}
		})
	}
	defer end(false)
	if eng == nil || len(roots) == 0 {
		return
	}
	if progress {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := s.call(cctx, protocol.MethodWorkDoneProgressCreate, &protocol.WorkDoneProgressCreateParams{Token: *token}, nil)
		cancel()
		progress = err == nil
	}
	// Params by pointer: ProgressToken's MarshalJSON has a pointer receiver.
	report := func(v any) {
		if progress {
			s.notify(protocol.MethodProgress, &protocol.ProgressParams{Token: *token, Value: v})
		}
	}
	zero := uint32(0)
	report(&workDoneProgressBegin{Kind: protocol.WorkDoneProgressKindBegin, Title: "mcpriv: analysing workspace", Percentage: &zero})

	type entry struct{ root, path string }
	var all []entry
	for _, root := range roots {
		files, skipped, err := eng.Files(ctx, root)
		if err != nil {
			s.logf(msgWarning, "mcpriv: listing %s: %v", root, err)
			continue
		}
		b := rootBuilds{}
		var unread []finding.FileError
		for _, fe := range skipped {
			s.logf(msgLog, "mcpriv: %s: %s", fe.File, fe.Message)
			if fe.BuiltFrom != "" {
				b.left = append(b.left, buildout.Dir{Path: fe.File, From: fe.BuiltFrom})
			} else {
				unread = append(unread, fe)
			}
		}
		for _, f := range files {
			if _, ok := buildout.Output(s.relPath(root, s.absPath(root, f))); ok {
				b.analysed = true // compiled-only: a new source would change that
				break
			}
		}
		s.mu.Lock()
		s.builds[root] = b
		// What the listing could not read (a symlink, a file over the size
		// limit, an unreadable directory) is a finding, as in the CLI.
		for _, fe := range unread {
			p := s.absPath(root, fe.File)
			if ff := s.files[p]; ff == nil || !ff.open {
				s.files[p] = &fileFacts{unanalysed: fe.Message}
			}
		}
		// Build output the listing now leaves out leaves the store.
		for path, ff := range s.files {
			if !ff.open && s.rootOfLocked(path) == root && s.excludedLocked(root, path) {
				delete(s.files, path)
			}
		}
		s.mu.Unlock()
		for _, f := range files {
			p := s.absPath(root, f)
			if s.excluded(root, p) {
				continue
			}
			all = append(all, entry{root, p})
		}
	}
	// The open documents' neighbourhood first (the files of their
	// directories), then a link, so the files the editor shows get
	// diagnostics that account for it long before a large scan ends.
	s.mu.Lock()
	openDirs := map[string]bool{}
	for p := range s.docs {
		openDirs[filepath.Dir(p)] = true
	}
	s.mu.Unlock()
	first, rest := openDirsFirst(all, func(e entry) string { return e.path }, openDirs)
	var done atomic.Int64
	var mu sync.Mutex
	last := time.Now()
	extract := func(batch []entry) bool {
		jobs := make(chan entry)
		var wg sync.WaitGroup
		for w := 0; w < max(1, min(runtime.GOMAXPROCS(0), len(batch))); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for e := range jobs {
					s.extractFromDisk(ctx, eng, e.path)
					n := done.Add(1)
					mu.Lock()
					if time.Since(last) > 200*time.Millisecond {
						last = time.Now()
						report(&protocol.WorkDoneProgressReport{Kind: protocol.WorkDoneProgressKindReport,
							Message: fmt.Sprintf("%d/%d files", n, len(all)), Percentage: uint32(100 * n / int64(len(all)))})
					}
					mu.Unlock()
				}
			}()
		}
		for _, e := range batch {
			if ctx.Err() != nil {
				break
			}
			jobs <- e
		}
		close(jobs)
		wg.Wait()
		if ctx.Err() != nil {
			report(&protocol.WorkDoneProgressEnd{Kind: protocol.WorkDoneProgressKindEnd, Message: "cancelled"})
			return false
		}
		return true
	}
	if !extract(first) {
		return
	}
	if len(first) > 0 && len(rest) > 0 {
		s.mu.Lock()
		for _, e := range first {
			s.dirtyRoots[e.root] = true
		}
		s.mu.Unlock()
		s.kick()
	}
	if !extract(rest) {
		return
	}
	end(true)
	report(&protocol.WorkDoneProgressEnd{Kind: protocol.WorkDoneProgressKindEnd, Message: fmt.Sprintf("%d files analysed", len(all))})
}

// openDirsFirst splits a workspace listing into the files in dirs (the
// open documents' directories) and the rest, each in listing order.
func openDirsFirst[E any](all []E, path func(E) string, dirs map[string]bool) (first, rest []E) {
	for _, e := range all {
		if dirs[filepath.Dir(path(e))] {
			first = append(first, e)
		} else {
			rest = append(rest, e)
		}
	}
	return first, rest
}

// extractFromDisk reads and extracts one unopened file into the facts store.
func (s *Server) extractFromDisk(ctx context.Context, eng Engine, path string) {
	s.mu.Lock()
	_, open := s.docs[path]
	s.mu.Unlock()
	if open || langOf(path) == "" {
		return
	}
	src, err := s.readSource(path)
	if err != nil {
		why := s.fileErrorMessage(path, err)
		s.mu.Lock()
		if errors.Is(err, fs.ErrNotExist) {
			delete(s.files, path) // gone: nothing to say about it
		} else if _, open := s.docs[path]; !open {
			s.files[path] = &fileFacts{unanalysed: why}
		}
		s.mu.Unlock()
		return
	}
	// Not cancellable on purpose: a cancellable context makes the pinned
	// tree-sitter binding race on the pooled parser's cancellation flag.
	// ExtractFull when the engine has it: its plain Extract skips files that
	// name no rule word, but such a file can still sit on the call path from
	// a tool to a sensitive call, and the index needs its functions.
	var f *facts.File
	if full, ok := eng.(interface {
		ExtractFull(context.Context, string, []byte) (*facts.File, error)
	}); ok {
		f, err = full.ExtractFull(context.WithoutCancel(ctx), filepath.ToSlash(path), src)
	} else {
		f, err = eng.Extract(context.WithoutCancel(ctx), filepath.ToSlash(path), src)
	}
	var why string
	if err != nil {
		s.logOnce(path+"#"+err.Error(), msgLog, "mcpriv: %s: %v", path, err)
		why = s.fileErrorMessage(path, err)
	}
	if f == nil && why == "" {
		return
	}
	s.mu.Lock()
	if _, open := s.docs[path]; !open {
		s.files[path] = &fileFacts{facts: f, unanalysed: why}
	}
	s.mu.Unlock()
}

// fileErrorMessage is err as the CLI words it in a finding: without the
// path the finding already names.
func (s *Server) fileErrorMessage(path string, err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, path+": ")
	msg = strings.TrimPrefix(msg, filepath.ToSlash(path)+": ")
	s.mu.Lock()
	root := s.rootOfLocked(path)
	s.mu.Unlock()
	return strings.TrimPrefix(msg, s.relPath(root, path)+": ")
}

// refreshFromDisk re-reads a file after it was closed or changed on disk.
func (s *Server) refreshFromDisk(path string) {
	s.mu.Lock()
	eng := s.engine
	root := s.rootOfLocked(path)
	s.mu.Unlock()
	if eng == nil || s.excluded(root, path) {
		// Nothing to read, but the root is re-linked without the buffer (a
		// closed file not analysed loses its notice).
		s.mu.Lock()
		s.dirtyRoots[root] = true
		s.mu.Unlock()
		s.kick()
		return
	}
	s.extractFromDisk(s.ctx, eng, path)
	s.mu.Lock()
	s.dirtyRoots[root] = true
	s.mu.Unlock()
	s.kick()
}

func (s *Server) didChangeWatchedFiles(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.DidChangeWatchedFilesParams
	if err := unmarshalParams(raw, &p); err != nil {
		return nil, err
	}
	var changed []string
	relist := false
	s.mu.Lock()
	for _, ev := range p.Changes {
		if ev == nil {
			continue
		}
		path, err := uriToPath(ev.URI)
		if err != nil {
			continue
		}
		root := s.rootOfLocked(path)
		if filepath.Base(path) == ManifestName {
			s.dirtyRoots[root] = true // re-check every file against the new manifest
			continue
		}
		if _, open := s.docs[path]; open || langOf(path) == "" {
			continue // the buffer, not the disk, is the truth for open files
		}
		if ev.Type != protocol.FileChangeTypeChanged && s.buildsMayChangeLocked(root, path) {
			relist = true
		}
		if ev.Type == protocol.FileChangeTypeDeleted {
			delete(s.files, path)
			s.dirtyRoots[root] = true
			continue
		}
		changed = append(changed, path)
	}
	s.mu.Unlock()
	if relist {
		// Which build output is left out depends on the whole listing.
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.scanWorkspace(s.ctx)
		}()
		return nil, nil
	}
	// Reading files is I/O: not on the connection goroutine.
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for _, path := range changed {
			s.mu.Lock()
			eng, root := s.engine, s.rootOfLocked(path)
			s.mu.Unlock()
			if eng != nil && !s.excluded(root, path) {
				s.extractFromDisk(s.ctx, eng, path)
			}
			s.mu.Lock()
			s.dirtyRoots[root] = true
			s.mu.Unlock()
		}
		s.kick()
	}()
	return nil, nil
}

func (s *Server) didChangeConfiguration(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.DidChangeConfigurationParams
	if err := unmarshalParams(raw, &p); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(p.Settings)
	if err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "invalid settings: %v", err)
	}
	settings, ok, err := parseSettings(raw)
	if err != nil {
		s.logf(msgWarning, "%v", err)
	}
	if !ok {
		// Pull-model clients (VS Code without configurationSection, eglot)
		// send no settings: ask for them.
		s.mu.Lock()
		pull := s.caps.configuration
		s.mu.Unlock()
		if pull {
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				if s.pullConfiguration() {
					s.scanWorkspace(s.ctx)
				}
			}()
		}
		return nil, nil
	}
	s.applySettings(settings)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.scanWorkspace(s.ctx)
	}()
	return nil, nil
}

// pullConfiguration asks the client for the "mcpriv" section
// (workspace/configuration) and applies it; it reports whether it changed.
func (s *Server) pullConfiguration() bool {
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	var res []json.RawMessage
	params := &protocol.ConfigurationParams{Items: []protocol.ConfigurationItem{{Section: "mcpriv"}}}
	if err := s.call(ctx, protocol.MethodWorkspaceConfiguration, params, &res); err != nil || len(res) == 0 {
		return false
	}
	settings, ok, err := parseSettings(json.RawMessage(`{"mcpriv":` + string(res[0]) + `}`))
	if err != nil {
		s.logf(msgWarning, "%v", err)
	}
	if !ok {
		return false
	}
	s.applySettings(settings)
	return true
}

// applySettings installs new settings and rebuilds the engine with them.
func (s *Server) applySettings(settings Settings) {
	s.mu.Lock()
	s.settings = settings
	s.mu.Unlock()
	s.rebuildEngine()
	// Files now excluded leave the store (the new engine holds the new
	// excludes); a rescan adds the rest.
	s.mu.Lock()
	for path, ff := range s.files {
		if !ff.open && s.excludedLocked(s.rootOfLocked(path), path) {
			delete(s.files, path)
		}
	}
	s.mu.Unlock()
	s.kick()
}

func (s *Server) didChangeWorkspaceFolders(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.DidChangeWorkspaceFoldersParams
	if err := unmarshalParams(raw, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	for _, f := range p.Event.Removed {
		dir, err := uriToPath(protocol.DocumentURI(f.URI))
		if err != nil {
			continue
		}
		for i, r := range s.roots {
			if r == dir {
				s.roots = append(s.roots[:i], s.roots[i+1:]...)
				break
			}
		}
		if rr := s.results[dir]; rr != nil {
			delete(s.results, dir)
			// Clear what was published for the removed root.
			s.mu.Unlock()
			s.publish(&rootResult{root: dir}, rr)
			s.mu.Lock()
		}
		for path, ff := range s.files {
			if !ff.open && within(dir, path) {
				delete(s.files, path)
			}
		}
	}
	for _, f := range p.Event.Added {
		if dir, err := uriToPath(protocol.DocumentURI(f.URI)); err == nil {
			s.roots = dedupRoots(append(s.roots, dir))
		}
	}
	for _, d := range s.docs {
		s.dirtyRoots[s.rootOfLocked(d.path)] = true
	}
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.scanWorkspace(s.ctx)
	}()
	return nil, nil
}

// buildsMayChangeLocked reports whether creating or deleting path may change
// which build output of root is left out.
func (s *Server) buildsMayChangeLocked(root, path string) bool {
	b := s.builds[root]
	if b.analysed || len(b.left) > 0 {
		return true
	}
	_, ok := buildout.Output(s.relPath(root, path))
	return ok
}

// rootBuilds is what the engine's listing of a root said about build output
// (package buildout).
type rootBuilds struct {
	left     []buildout.Dir // directories left out: their sources are analysed
	analysed bool           // some build output is analysed: no sources compile into it
}

// excluded reports whether path is not analysed: the engine's own rule
// (engine.DefaultExcludes, DefaultExcludeFiles and the user's excludes,
// the same rule its Files applies while walking) for the file and every
// directory above it, plus the build output its last listing of the root
// left out. Files arriving by watcher events, and files already in the
// store when the settings change, pass through here.
func (s *Server) excluded(root, path string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.excludedLocked(root, path)
}

func (s *Server) excludedLocked(root, path string) bool {
	return s.skipReasonLocked(root, path) != ""
}

// skipReasonLocked says why path is not analysed ("" when it is), in the
// words the editor shows instead of a result.
func (s *Server) skipReasonLocked(root, path string) string {
	rel := s.relPath(root, path)
	if rel == "" {
		return ""
	}
	if d, ok := buildout.Covering(s.builds[root].left, rel); ok {
		return d.Message()
	}
	if s.engine == nil {
		return ""
	}
	parts := strings.Split(rel, "/")
	for i := range parts[:len(parts)-1] {
		if dir := strings.Join(parts[:i+1], "/"); s.engine.Excluded(dir, true) {
			return "not analysed: " + dir + "/ is excluded (default excludes or the excludes setting)"
		}
	}
	if s.engine.Excluded(rel, false) {
		return "not analysed: excluded (a test file by the default excludes, or the excludes setting)"
	}
	return ""
}

// skipReason is skipReasonLocked for the root holding path.
func (s *Server) skipReason(path string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.skipReasonLocked(s.rootOfLocked(path), path)
}

// relPath is path relative to root, slash-separated ("" for root itself or
// a path outside it).
func (s *Server) relPath(root, path string) string {
	rel, err := filepath.Rel(root, path)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return filepath.ToSlash(rel)
}
