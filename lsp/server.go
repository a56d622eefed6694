// Package lsp is mcpriv's language server: `mcpriv lsp` over stdio.
//
// The design follows gopls: a thin protocol layer (this file) translates LSP
// messages into operations on server state — open documents, per-file facts
// and the latest linked result of each workspace root — and back. Parsing,
// extraction and linking run on one analysis goroutine, never on the
// connection's read loop; edits bump a generation counter that cancels a
// parse in progress, and a short debounce coalesces keystrokes. Handlers only
// translate engine results (finding.Finding, finding.Tool) into LSP types.
//
// docs/lsp.md is the user-facing reference: capabilities, settings, commands,
// diagnostic codes and data.
package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// Command names (workspace/executeCommand). The editor plugins rely on them.
const (
	CmdScanWorkspace      = "mcpriv.scanWorkspace"
	CmdGenerateManifest   = "mcpriv.generateManifest"
	CmdShowToolPrivileges = "mcpriv.showToolPrivileges"
)

// KindDeclareAll is the source action that declares every undeclared use in a file.
const KindDeclareAll = "source.mcpriv.declareAll"

// Options configure a server.
type Options struct {
	// NewEngine builds the analysis engine for a configuration; it is called
	// at start-up and again when settings that affect analysis change.
	NewEngine func(EngineConfig) (Engine, error)
	// Debounce is the quiet time after an edit before analysis starts (default 40ms).
	Debounce time.Duration
	// ParseTimeout bounds one parse (default 2s); the previous diagnostics stay
	// shown meanwhile.
	ParseTimeout time.Duration
	// Logf receives the server's own log lines (stderr in `mcpriv lsp`); may be nil.
	Logf func(format string, args ...any)
	// Version is reported in serverInfo.
	Version string
	// VerifyDelay is the idle time after which a document whose facts were
	// updated by range is re-extracted whole and any difference published
	// (default 400ms; negative disables the check).
	VerifyDelay time.Duration

	// runHook, when set (tests and benchmarks), receives the duration of each
	// analysis run: from its start after the debounce to its last publish.
	runHook func(RunTimes)
	// rangedHook, when set (tests), sees each ranged result before it is
	// installed, and may alter it to simulate a wrong one.
	rangedHook func(path string, f *facts.File)
	// created, when set (tests), receives the server once it is built.
	created func(*Server)
}

// RunTimes breaks one analysis run down by phase.
type RunTimes struct {
	Total, Parse, Extract, Link, Publish time.Duration
}

// ErrExitWithoutShutdown is returned by Serve when the client sent exit
// before shutdown (the LSP says the process should then exit with code 1).
var ErrExitWithoutShutdown = errors.New("exit without shutdown")

// Serve runs a server on rwc until the client sends exit or closes the
// stream. It returns nil after a clean shutdown and exit.
func Serve(ctx context.Context, rwc io.ReadWriteCloser, opts Options) error {
	s := newServer(opts)
	if opts.created != nil {
		opts.created(s)
	}
	stream := newHeaderStream(rwc, func(err error) { s.logf(msgWarning, "skipped a malformed message: %v", err) })
	conn := jsonrpc2.NewConn(stream)
	s.conn, s.stream = conn, stream
	conn.Go(ctx, s.dispatch)
	defer s.stop()
	select {
	case <-s.exited:
		closeConn(conn)
	case <-conn.Done():
	case <-ctx.Done():
		closeConn(conn)
	}
	s.mu.Lock()
	shut, exited := s.shutdown, s.exitSeen
	s.mu.Unlock()
	switch {
	case exited && !shut:
		return ErrExitWithoutShutdown
	case exited:
		return nil
	}
	if err := conn.Err(); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if !shut {
		return errors.New("the client closed the connection without shutdown and exit")
	}
	return nil
}

// closeConn closes the connection without waiting forever: Close waits for
// the read goroutine, and a read blocked on a non-pollable stdin (a pipe
// opened in blocking mode) does not end when the file is closed. The process
// exits right after Serve returns, which ends that read too.
func closeConn(conn jsonrpc2.Conn) {
	go conn.Close()
	select {
	case <-conn.Done():
	case <-time.After(time.Second):
	}
}

const (
	msgError   = protocol.MessageTypeError
	msgWarning = protocol.MessageTypeWarning
	msgInfo    = protocol.MessageTypeInfo
	msgLog     = protocol.MessageTypeLog
)

// Server is one language server session.
type Server struct {
	opts   Options
	conn   jsonrpc2.Conn
	stream *headerStream // notifications go straight to it (headerStream.notify)
	// inflight maps the ids of running calls to their cancel functions, for
	// $/cancelRequest. (jsonrpc2.CancelHandler is not used: the server's own
	// handler context, not jsonrpc2's, is the one to cancel.)
	inflight sync.Map // jsonrpc2.ID → context.CancelFunc

	ctx    context.Context // lives until exit; background work uses it
	cancel context.CancelFunc
	exited chan struct{}
	wg     sync.WaitGroup

	mu          sync.Mutex
	initialized bool
	shutdown    bool
	exitSeen    bool
	caps        clientCaps
	settings    Settings
	engine      Engine
	engineErr   error
	roots       []string
	docs        map[string]*document            // open documents by absolute path
	files       map[string]*fileFacts           // facts of every known file by absolute path
	results     map[string]*rootResult          // latest result by root
	published   map[protocol.DocumentURI]string // last diagnostics sent, to send only changes
	builds      map[string]rootBuilds           // build output of each root, from its last listing
	dirtyRoots  map[string]bool                 // roots to re-link on the next run
	scanning    map[string]int                  // roots with a workspace scan in progress (how many)
	loggedOnce  map[string]bool                 // extraction errors already logged
	gen         uint64                          // bumped by every edit; a run started at an older gen is stale
	runCancel   context.CancelFunc              // cancels the parse in progress
	wake        chan struct{}                   // analysis worker signal (buffer 1)
	updated     chan struct{}                   // closed and replaced after each run: hover waiters
	stats       Stats
	progressSeq int
}

// Stats are counters for tests and benchmarks.
type Stats struct {
	Runs      int           // analysis runs completed
	Parses    int           // incremental or full parses
	LastRun   time.Duration // analysis start to last publish of the latest run
	phases    RunTimes      // of the run in progress
	Published int           // publishDiagnostics notifications sent
	// Ranged counts edits analysed by range (analysis/ranged), Whole those
	// needing a whole-file extraction; Verified counts idle whole-file checks
	// of ranged results and Mismatches those that found a difference.
	Ranged, Whole, Verified, Mismatches int
}

func newServer(opts Options) *Server {
	if opts.Debounce <= 0 {
		opts.Debounce = 40 * time.Millisecond
	}
	if opts.ParseTimeout <= 0 {
		opts.ParseTimeout = 2 * time.Second
	}
	if opts.VerifyDelay == 0 {
		opts.VerifyDelay = 400 * time.Millisecond
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		opts: opts, ctx: ctx, cancel: cancel, exited: make(chan struct{}),
		docs: map[string]*document{}, files: map[string]*fileFacts{}, results: map[string]*rootResult{},
		published: map[protocol.DocumentURI]string{}, builds: map[string]rootBuilds{}, dirtyRoots: map[string]bool{}, scanning: map[string]int{}, loggedOnce: map[string]bool{},
		wake: make(chan struct{}, 1), updated: make(chan struct{}),
	}
	s.wg.Add(1)
	go s.worker()
	return s
}

func (s *Server) stop() {
	s.cancel()
	s.wg.Wait()
	s.mu.Lock()
	s.docs = map[string]*document{}
	s.mu.Unlock()
}

// logf sends a window/logMessage and copies it to Options.Logf.
func (s *Server) logf(level protocol.MessageType, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if s.opts.Logf != nil {
		s.opts.Logf("%s", msg)
	}
	if s.stream != nil {
		if raw, err := marshalPayload(&protocol.LogMessageParams{Type: level, Message: msg}); err == nil {
			_ = s.stream.notify(s.ctx, protocol.MethodWindowLogMessage, raw)
		}
	}
}

// notify sends a notification; failures mean the client is gone and are only logged.
func (s *Server) notify(method string, params any) {
	if s.stream == nil {
		return
	}
	raw, err := marshalPayload(params)
	if err == nil {
		err = s.stream.notify(s.ctx, method, raw)
	}
	if err != nil && s.opts.Logf != nil {
		s.opts.Logf("notify %s: %v", method, err)
	}
}

// call sends a request to the client and decodes its result into result
// (which may be nil).
func (s *Server) call(ctx context.Context, method string, params, result any) error {
	raw, err := marshalPayload(params)
	if err != nil {
		return err
	}
	var res json.RawMessage
	if _, err := s.conn.Call(ctx, method, raw, &res); err != nil {
		return err
	}
	if result == nil || len(res) == 0 {
		return nil
	}
	return json.Unmarshal(res, result)
}

// releaseKey holds, in a handler's context, the function that lets the
// connection read the next message while the handler goes on (release).
type releaseKey struct{}

// dispatch is the connection's jsonrpc2.Handler. jsonrpc2 calls it on its
// read loop, one message at a time; the handler runs on a goroutine of its
// own and dispatch returns when it has replied or called release. So
// messages are handled in order — an edit is applied before the hover that
// follows it — yet a request waiting for analysis does not hold up the
// edits behind it.
func (s *Server) dispatch(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	released := make(chan struct{})
	var once sync.Once
	rel := func() { once.Do(func() { close(released) }) }
	go func() {
		defer rel()
		result, err := s.handle(context.WithValue(ctx, releaseKey{}, rel), req)
		if _, isCall := req.(*jsonrpc2.Call); !isCall {
			return
		}
		if err == nil {
			var raw json.RawMessage
			if raw, err = marshalPayload(result); err == nil {
				result = raw
			} else {
				err = jsonrpc2.Errorf(jsonrpc2.InternalError, "encoding the result of %s: %v", req.Method(), err)
			}
		}
		if err != nil {
			result = nil
		}
		// Replies go out on the connection's context, not the server's:
		// shutdown cancels the server's, and its reply must still be sent.
		if rerr := reply(ctx, result, err); rerr != nil && s.opts.Logf != nil {
			s.opts.Logf("reply to %s: %v", req.Method(), rerr)
		}
	}()
	<-released
	return nil
}

// handle routes one message to its handler. It never panics and never
// returns an error for a notification: failures are logged with
// window/logMessage instead.
func (s *Server) handle(cctx context.Context, req jsonrpc2.Request) (result any, err error) {
	method := req.Method()
	call, isCall := req.(*jsonrpc2.Call)
	// Each handler has a context of its own, cancelled by $/cancelRequest.
	ctx, cancel := context.WithCancel(cctx)
	defer cancel()
	if isCall {
		id := call.ID()
		s.inflight.Store(id, cancel)
		defer s.inflight.Delete(id)
	}
	defer func() {
		if r := recover(); r != nil {
			s.logf(msgError, "internal error in %s: %v\n%s", method, r, debug.Stack())
			result = nil
			if isCall {
				err = jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", method, r)
			} else {
				err = nil
			}
		}
		if err != nil && !isCall {
			s.logf(msgWarning, "%s: %v", method, err)
			err = nil
		}
	}()

	s.mu.Lock()
	inited, shut := s.initialized, s.shutdown
	s.mu.Unlock()
	switch {
	case method == protocol.MethodExit:
		s.mu.Lock()
		s.exitSeen = true
		s.mu.Unlock()
		s.closeExited()
		return nil, nil
	case method == protocol.MethodCancelRequest:
		var p protocol.CancelParams
		if err := json.Unmarshal(req.Params(), &p); err != nil {
			return nil, err
		}
		var id jsonrpc2.ID
		switch v := p.ID.(type) {
		case float64:
			if v != float64(int32(v)) {
				return nil, nil // no request of ours has that id
			}
			id = jsonrpc2.NewNumberID(int32(v))
		case string:
			id = jsonrpc2.NewStringID(v)
		default:
			return nil, nil
		}
		if c, ok := s.inflight.Load(id); ok {
			c.(context.CancelFunc)()
		}
		return nil, nil
	case method == protocol.MethodInitialize:
		if inited {
			return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "initialize was already received")
		}
		return s.initialize(json.RawMessage(req.Params()))
	case !inited:
		if isCall {
			return nil, jsonrpc2.NewError(jsonrpc2.ServerNotInitialized, "the server is not initialized")
		}
		return nil, nil
	case shut && method != protocol.MethodShutdown:
		if isCall {
			return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "the server is shutting down")
		}
		return nil, nil
	}

	h, ok := handlers[method]
	if !ok {
		if isCall {
			return nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not supported: %s", method)
		}
		return nil, nil // $/… and unknown notifications are ignorable
	}
	return h(s, ctx, json.RawMessage(req.Params()))
}

type handlerFunc func(s *Server, ctx context.Context, params json.RawMessage) (any, error)

var handlers map[string]handlerFunc

func init() {
	handlers = map[string]handlerFunc{
		protocol.MethodInitialized:                        (*Server).initializedNote,
		protocol.MethodShutdown:                           (*Server).shutdownReq,
		protocol.MethodTextDocumentDidOpen:                (*Server).didOpen,
		protocol.MethodTextDocumentDidChange:              (*Server).didChange,
		protocol.MethodTextDocumentDidClose:               (*Server).didClose,
		protocol.MethodTextDocumentDidSave:                (*Server).didSave,
		protocol.MethodTextDocumentHover:                  (*Server).hover,
		protocol.MethodTextDocumentCodeAction:             (*Server).codeAction,
		protocol.MethodTextDocumentCodeLens:               (*Server).codeLens,
		protocol.MethodWorkspaceExecuteCommand:            (*Server).executeCommand,
		protocol.MethodWorkspaceDidChangeConfiguration:    (*Server).didChangeConfiguration,
		protocol.MethodWorkspaceDidChangeWatchedFiles:     (*Server).didChangeWatchedFiles,
		protocol.MethodWorkspaceDidChangeWorkspaceFolders: (*Server).didChangeWorkspaceFolders,
	}
}

// release lets the connection read the next message while this handler
// waits (for analysis, or for the client's answer to a request of ours).
func release(ctx context.Context) {
	if rel, ok := ctx.Value(releaseKey{}).(func()); ok {
		rel()
	}
}

func (s *Server) closeExited() {
	select {
	case <-s.exited:
	default:
		close(s.exited)
	}
}

func unmarshalParams(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return jsonrpc2.NewError(jsonrpc2.InvalidParams, "missing params")
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "invalid params: %v", err)
	}
	return nil
}

func (s *Server) initialize(raw json.RawMessage) (any, error) {
	var p protocol.InitializeParams
	if len(raw) == 0 {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "missing params")
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		// protocol v0.12.0 types the client capabilities of LSP 3.16; a client
		// that sends one in another shape (a later LSP) is still served:
		// encoding/json has decoded every other field.
		var terr *json.UnmarshalTypeError
		if !errors.As(err, &terr) {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "invalid params: %v", err)
		}
		defer s.logf(msgWarning, "initialize: %v (ignored)", err)
	}
	var roots []string
	for _, f := range p.WorkspaceFolders {
		if dir, err := uriToPath(protocol.DocumentURI(f.URI)); err == nil {
			roots = append(roots, dir)
		}
	}
	if len(roots) == 0 && p.RootURI != "" {
		if dir, err := uriToPath(p.RootURI); err == nil {
			roots = append(roots, dir)
		}
	}
	if len(roots) == 0 && p.RootPath != "" && filepath.IsAbs(p.RootPath) {
		roots = append(roots, filepath.Clean(p.RootPath))
	}
	var settings Settings
	opts, serr := json.Marshal(p.InitializationOptions)
	if serr == nil {
		settings, _, serr = parseSettings(opts)
	}

	s.mu.Lock()
	s.initialized = true
	s.caps = readClientCaps(p.Capabilities)
	s.roots = dedupRoots(roots)
	s.settings = settings
	s.mu.Unlock()
	if serr != nil {
		s.logf(msgWarning, "%v", serr)
	}
	s.rebuildEngine()

	return &initializeResult{
		Capabilities: serverCapabilities{
			ServerCapabilities: protocol.ServerCapabilities{
				TextDocumentSync: &textDocumentSyncOptions{
					TextDocumentSyncOptions: protocol.TextDocumentSyncOptions{OpenClose: true, Change: protocol.TextDocumentSyncKindIncremental},
					Save:                    &saveOptions{IncludeText: false},
				},
				HoverProvider:          true,
				CodeActionProvider:     &protocol.CodeActionOptions{CodeActionKinds: []protocol.CodeActionKind{protocol.QuickFix, KindDeclareAll}},
				ExecuteCommandProvider: &protocol.ExecuteCommandOptions{Commands: []string{CmdScanWorkspace, CmdGenerateManifest, CmdShowToolPrivileges}},
				Workspace: &protocol.ServerCapabilitiesWorkspace{
					WorkspaceFolders: &protocol.ServerCapabilitiesWorkspaceFolders{Supported: true, ChangeNotifications: true},
				},
			},
			PositionEncoding: "utf-16",
			CodeLensProvider: &codeLensOptions{ResolveProvider: false},
		},
		ServerInfo: &protocol.ServerInfo{Name: "mcpriv", Version: s.opts.Version},
	}, nil
}

func dedupRoots(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range in {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// rebuildEngine builds the engine from the current settings and re-analyses
// everything with it.
func (s *Server) rebuildEngine() {
	s.mu.Lock()
	cfg := s.settings.engineConfig()
	s.mu.Unlock()
	var eng Engine
	var err error
	if s.opts.NewEngine == nil {
		err = errors.New("no analysis engine configured")
	} else {
		eng, err = s.opts.NewEngine(cfg)
	}
	if err != nil {
		s.logf(msgError, "mcpriv: cannot start the analysis engine: %v", err)
	}
	s.mu.Lock()
	if err == nil {
		s.engine = eng
	}
	s.engineErr = err
	// Facts depend on the extractors only, but excludes and the size limit
	// change which files count: rescanning is the simple, correct answer.
	for _, d := range s.docs {
		d.dirty = true
	}
	for _, r := range s.roots {
		s.dirtyRoots[r] = true
	}
	s.mu.Unlock()
}

func (s *Server) initializedNote(ctx context.Context, _ json.RawMessage) (any, error) {
	s.mu.Lock()
	dyn := s.caps.watchFiles
	pull := s.caps.configuration
	s.mu.Unlock()
	roots := s.markScanning()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if dyn {
			s.registerWatchers()
		}
		if pull {
			s.pullConfiguration()
		}
		s.scanRoots(s.ctx, roots)
	}()
	return nil, nil
}

func (s *Server) registerWatchers() {
	params := &protocol.RegistrationParams{Registrations: []protocol.Registration{{
		ID: "mcpriv-watch", Method: protocol.MethodWorkspaceDidChangeWatchedFiles,
		RegisterOptions: protocol.DidChangeWatchedFilesRegistrationOptions{Watchers: []protocol.FileSystemWatcher{
			{GlobPattern: "**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx,py,go}"},
			{GlobPattern: "**/" + ManifestName},
		}},
	}}}
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	if err := s.call(ctx, protocol.MethodClientRegisterCapability, params, nil); err != nil {
		s.logf(msgLog, "file watching not registered: %v", err)
	}
}

func (s *Server) shutdownReq(ctx context.Context, _ json.RawMessage) (any, error) {
	s.mu.Lock()
	s.shutdown = true
	s.mu.Unlock()
	s.cancel() // stop background work; exit follows
	return nil, nil
}

// --- documents ---

func (s *Server) didOpen(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.DidOpenTextDocumentParams
	if err := unmarshalParams(raw, &p); err != nil {
		return nil, err
	}
	path, err := uriToPath(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	d := newDocument(p.TextDocument.URI, path, p.TextDocument.Version, []byte(p.TextDocument.Text))
	s.mu.Lock()
	s.docs[path] = d
	s.markDirtyLocked(d)
	s.mu.Unlock()
	s.kick()
	return nil, nil
}

func (s *Server) didChange(ctx context.Context, raw json.RawMessage) (any, error) {
	var p DidChangeTextDocumentParams
	if err := unmarshalParams(raw, &p); err != nil {
		return nil, err
	}
	path, err := uriToPath(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	d := s.docs[path]
	if d == nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("didChange for a document that is not open: %s", p.TextDocument.URI)
	}
	err = d.apply(p.TextDocument.Version, p.ContentChanges)
	s.markDirtyLocked(d)
	s.mu.Unlock()
	s.kick()
	return nil, err
}

func (s *Server) didClose(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.DidCloseTextDocumentParams
	if err := unmarshalParams(raw, &p); err != nil {
		return nil, err
	}
	path, err := uriToPath(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	d := s.docs[path]
	delete(s.docs, path)
	if d != nil {
		// The buffer may differ from the disk: fall back to the disk's facts.
		delete(s.files, path)
		s.dirtyRoots[s.rootOfLocked(path)] = true
	}
	s.mu.Unlock()
	if d != nil {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.refreshFromDisk(path)
		}()
	}
	return nil, nil
}

func (s *Server) didSave(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.DidSaveTextDocumentParams
	if err := unmarshalParams(raw, &p); err != nil {
		return nil, err
	}
	path, err := uriToPath(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	if filepath.Base(path) == ManifestName {
		// Unopened files governed by it are checked against the saved text.
		s.mu.Lock()
		s.dirtyRoots[s.rootOfLocked(path)] = true
		s.mu.Unlock()
		s.kick()
	}
	return nil, nil
}

func (s *Server) markDirtyLocked(d *document) {
	d.dirty = true
	s.dirtyRoots[s.rootOfLocked(d.path)] = true
}

// rootOfLocked returns the workspace root holding path (the deepest one), or
// path's directory for a file outside every root.
func (s *Server) rootOfLocked(path string) string {
	best := ""
	for _, r := range s.roots {
		if within(r, path) && len(r) > len(best) {
			best = r
		}
	}
	if best == "" {
		return filepath.Dir(path)
	}
	return best
}

func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// kick starts a new generation: a parse in progress for an older one is
// cancelled and the worker wakes up.
func (s *Server) kick() {
	s.mu.Lock()
	s.gen++
	if s.runCancel != nil {
		s.runCancel()
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// langOf returns the language a path is analysed as.
func langOf(path string) source.Lang { return source.DetectLang(path) }

// readSource reads a workspace file within the size limit.
func (s *Server) readSource(path string) ([]byte, error) {
	s.mu.Lock()
	limit := s.settings.MaxFileSize
	s.mu.Unlock()
	return source.ReadFile(path, limit)
}

// fileExists reports whether path is a regular file on disk.
func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

var _ = finding.Result{}
