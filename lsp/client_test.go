package lsp

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// testClient is an in-process LSP client connected to a server over a pipe.
type testClient struct {
	t        *testing.T
	conn     jsonrpc2.Conn
	done     chan error
	root     string
	mu       sync.Mutex
	diags    map[protocol.DocumentURI]publishedDiags
	logs     []protocol.LogMessageParams
	progress []progressValue
	applied  []WorkspaceEdit
	changed  chan struct{}
	versions map[protocol.DocumentURI]int32
	config   string // answer to workspace/configuration
	// lensRefreshes counts workspace/codeLens/refresh requests.
	lensRefreshes int
}

// diagnostic is a published protocol.Diagnostic with its data decoded.
type diagnostic struct {
	protocol.Diagnostic
	Data *DiagnosticData `json:"data"` // shadows protocol's any
}

type publishedDiags struct {
	URI         protocol.DocumentURI `json:"uri"`
	Version     *int32               `json:"version"`
	Diagnostics []diagnostic         `json:"diagnostics"`
}

// progressValue is the value of a $/progress notification: the fields of
// begin, report and end.
type progressValue struct {
	Kind       protocol.WorkDoneProgressKind `json:"kind"`
	Title      string                        `json:"title"`
	Message    string                        `json:"message"`
	Percentage *uint32                       `json:"percentage"`
}

type clientOpts struct {
	engine   func(EngineConfig) (Engine, error)
	config   string
	caps     map[string]any
	initOpts any
	folders  []string
	options  func(*Options) // adjusts the server's options
}

func defaultCaps() map[string]any {
	return map[string]any{
		"workspace": map[string]any{
			"applyEdit":             true,
			"workspaceEdit":         map[string]any{"documentChanges": false},
			"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true},
		},
		"window": map[string]any{"workDoneProgress": true},
	}
}

// startServer starts a server on root (written from files) and initializes it.
func startServer(t *testing.T, files map[string]string, o clientOpts) *testClient {
	t.Helper()
	root := t.TempDir()
	root, _ = filepath.EvalSymlinks(root)
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return startServerAt(t, root, o)
}

func startServerAt(t *testing.T, root string, o clientOpts) *testClient {
	t.Helper()
	a, b := net.Pipe()
	c := &testClient{t: t, root: root, done: make(chan error, 1), diags: map[protocol.DocumentURI]publishedDiags{},
		changed: make(chan struct{}, 1), versions: map[protocol.DocumentURI]int32{}, config: o.config}
	eng := o.engine
	if eng == nil {
		eng = newFakeEngine
	}
	opts := Options{NewEngine: eng, Debounce: 5 * time.Millisecond}
	if o.options != nil {
		o.options(&opts)
	}
	go func() {
		c.done <- Serve(context.Background(), a, opts)
	}()
	c.conn = jsonrpc2.NewConn(jsonrpc2.NewStream(b))
	c.conn.Go(context.Background(), jsonrpc2.AsyncHandler(replyWith(c.handle)))
	t.Cleanup(func() {
		c.conn.Close()
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
			t.Error("server did not stop after the connection closed")
		}
	})
	caps := o.caps
	if caps == nil {
		caps = defaultCaps()
	}
	folders := o.folders
	if folders == nil {
		folders = []string{root}
	}
	var wf []protocol.WorkspaceFolder
	for _, f := range folders {
		wf = append(wf, protocol.WorkspaceFolder{URI: string(pathToURI(f)), Name: filepath.Base(f)})
	}
	var res map[string]any
	c.call("initialize", map[string]any{"processId": nil, "rootUri": pathToURI(root), "capabilities": caps,
		"workspaceFolders": wf, "initializationOptions": o.initOpts}, &res)
	if _, ok := res["capabilities"]; !ok {
		t.Fatalf("initialize result without capabilities: %v", res)
	}
	c.notify("initialized", map[string]any{})
	return c
}

// replyWith adapts a function returning the result to a jsonrpc2.Handler.
func replyWith(h func(ctx context.Context, req jsonrpc2.Request) (any, error)) jsonrpc2.Handler {
	return func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
		res, err := h(ctx, req)
		return reply(ctx, res, err)
	}
}

func (c *testClient) handle(ctx context.Context, req jsonrpc2.Request) (any, error) {
	var params json.RawMessage = append([]byte(nil), req.Params()...)
	switch req.Method() {
	case "textDocument/publishDiagnostics":
		var p publishedDiags
		if err := json.Unmarshal(params, &p); err != nil {
			c.t.Errorf("bad publishDiagnostics: %v", err)
		}
		c.mu.Lock()
		c.diags[p.URI] = p
		c.mu.Unlock()
	case "window/logMessage":
		var p protocol.LogMessageParams
		_ = json.Unmarshal(params, &p)
		c.mu.Lock()
		c.logs = append(c.logs, p)
		c.mu.Unlock()
	case "$/progress":
		var p struct {
			Token any
			Value progressValue
		}
		_ = json.Unmarshal(params, &p)
		if tok, _ := p.Token.(string); tok == "" {
			c.t.Errorf("$/progress without a token: %s", params)
		}
		c.mu.Lock()
		c.progress = append(c.progress, p.Value)
		c.mu.Unlock()
	case "workspace/applyEdit":
		var p ApplyWorkspaceEditParams
		_ = json.Unmarshal(params, &p)
		c.mu.Lock()
		c.applied = append(c.applied, p.Edit)
		c.mu.Unlock()
		return protocol.ApplyWorkspaceEditResponse{Applied: true}, nil
	case "client/registerCapability", "window/workDoneProgress/create":
		return nil, nil
	case "workspace/codeLens/refresh":
		c.mu.Lock()
		c.lensRefreshes++
		c.mu.Unlock()
		return nil, nil
	case "workspace/configuration":
		c.mu.Lock()
		cfg := c.config
		c.mu.Unlock()
		if cfg == "" {
			cfg = "null"
		}
		return json.RawMessage("[" + cfg + "]"), nil
	}
	select {
	case c.changed <- struct{}{}:
	default:
	}
	return nil, nil
}

func (c *testClient) call(method string, params, result any) error {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := c.conn.Call(ctx, method, params, result)
	return err
}

func (c *testClient) mustCall(method string, params, result any) {
	c.t.Helper()
	if err := c.call(method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *testClient) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *testClient) path(name string) string              { return filepath.Join(c.root, filepath.FromSlash(name)) }
func (c *testClient) uri(name string) protocol.DocumentURI { return pathToURI(c.path(name)) }

func (c *testClient) open(name, text string) {
	c.t.Helper()
	c.mu.Lock()
	c.versions[c.uri(name)] = 1
	c.mu.Unlock()
	lang := "typescript"
	if strings.HasSuffix(name, ".yaml") {
		lang = "yaml"
	}
	c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: c.uri(name), LanguageID: protocol.LanguageIdentifier(lang), Version: 1, Text: text}})
}

func (c *testClient) change(name string, changes ...TextDocumentContentChangeEvent) int32 {
	c.t.Helper()
	c.mu.Lock()
	c.versions[c.uri(name)]++
	v := c.versions[c.uri(name)]
	c.mu.Unlock()
	c.notify("textDocument/didChange", DidChangeTextDocumentParams{TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: c.uri(name)}, Version: v}, ContentChanges: changes})
	return v
}

// waitDiags waits until the diagnostics of name satisfy ok.
func (c *testClient) waitDiags(name string, ok func([]diagnostic) bool) []diagnostic {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		p, seen := c.diags[c.uri(name)]
		c.mu.Unlock()
		if seen && ok(p.Diagnostics) {
			return p.Diagnostics
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("timed out waiting for diagnostics of %s; last: %+v (seen %v)", name, p.Diagnostics, seen)
		}
		select {
		case <-c.changed:
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// waitScanEnd waits for the end of a workspace scan's progress.
func (c *testClient) waitScanEnd() {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		c.mu.Lock()
		ended := false
		for _, p := range c.progress {
			ended = ended || p.Kind == protocol.WorkDoneProgressKindEnd
		}
		c.mu.Unlock()
		if ended {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatal("the workspace scan did not end")
		}
		select {
		case <-c.changed:
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func count(n int) func([]diagnostic) bool { return func(d []diagnostic) bool { return len(d) == n } }

func (c *testClient) hover(name string, line, col uint32) string {
	c.t.Helper()
	var h *protocol.Hover
	c.mustCall("textDocument/hover", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri(name)}, Position: pos(line, col)}, &h)
	if h == nil {
		return ""
	}
	return h.Contents.Value
}

func (c *testClient) codeActions(name string, r protocol.Range, only ...protocol.CodeActionKind) []CodeAction {
	c.t.Helper()
	var out []CodeAction
	c.mustCall("textDocument/codeAction", protocol.CodeActionParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri(name)}, Range: r,
		Context: protocol.CodeActionContext{Diagnostics: []protocol.Diagnostic{}, Only: only}}, &out)
	return out
}

func (c *testClient) shutdown() {
	c.t.Helper()
	c.mustCall("shutdown", nil, nil)
	c.notify("exit", nil)
	select {
	case err := <-c.done:
		if err != nil {
			c.t.Errorf("Serve after shutdown and exit: %v", err)
		}
		c.done <- nil
	case <-time.After(5 * time.Second):
		c.t.Fatal("server did not exit")
	}
}

// applyEdits applies LSP text edits to text (UTF-16 positions).
func applyTextEdits(t *testing.T, text string, edits []protocol.TextEdit) string {
	t.Helper()
	// Apply from the last edit backwards so earlier offsets stay valid.
	type bed struct {
		s, e int
		txt  string
	}
	var bs []bed
	for _, e := range edits {
		doc := newDocument("file:///x", "/x", 0, []byte(text))
		bs = append(bs, bed{doc.lines.OffsetUTF16(int(e.Range.Start.Line), int(e.Range.Start.Character)),
			doc.lines.OffsetUTF16(int(e.Range.End.Line), int(e.Range.End.Character)), e.NewText})
	}
	for i := len(bs) - 1; i >= 0; i-- {
		for j := 0; j < i; j++ {
			if bs[j].s > bs[j+1].s {
				bs[j], bs[j+1] = bs[j+1], bs[j]
			}
		}
	}
	for i := len(bs) - 1; i >= 0; i-- {
		text = text[:bs[i].s] + bs[i].txt + text[bs[i].e:]
	}
	return text
}

func netPipe() (net.Conn, net.Conn) { return net.Pipe() }

func pos(line, char uint32) protocol.Position { return protocol.Position{Line: line, Character: char} }

func rangeOf(start, end protocol.Position) protocol.Range {
	return protocol.Range{Start: start, End: end}
}

func rangePtr(start, end protocol.Position) *protocol.Range {
	r := rangeOf(start, end)
	return &r
}
