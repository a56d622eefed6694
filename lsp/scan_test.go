package lsp

import (
	"context"
	"strings"
	"sync"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// gatedEngine is the fake engine whose workspace scan (Extract) of files
// named in hold waits until release is closed.
type gatedEngine struct {
	*fakeEngine
	hold    string
	release chan struct{}
}

func (e *gatedEngine) Extract(ctx context.Context, path string, src []byte) (*facts.File, error) {
	if strings.HasSuffix(path, e.hold) {
		<-e.release
	}
	return e.fakeEngine.Extract(ctx, path, src)
}

// While the workspace scan has not reached helper.ts, write_note's
// file.write is unknown: hover and code lens say the analysis is in
// progress instead of "no sensitive capability", and give the whole answer
// once the scan is over.
func TestHoverDuringWorkspaceScan(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	t.Cleanup(open)
	c := startServer(t, fixture(), clientOpts{engine: func(cfg EngineConfig) (Engine, error) {
		return &gatedEngine{fakeEngine: &fakeEngine{cfg: cfg}, hold: "helper.ts", release: release}, nil
	}})
	c.open("src/server.ts", serverTS)
	c.waitDiags("src/server.ts", count(1)) // fetch_page's network.client, from the open file alone

	th := c.hover("src/server.ts", 5, 15)
	if !strings.Contains(th, "tool `write_note`") || !strings.Contains(th, "in progress") || strings.Contains(th, "Uses no sensitive capability") {
		t.Errorf("tool hover during the scan:\n%s", th)
	}
	var lenses []protocol.CodeLens
	c.mustCall("textDocument/codeLens", protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("src/server.ts")}}, &lenses)
	if len(lenses) != 2 || !strings.Contains(lenses[0].Command.Title, "analysing the workspace") || strings.Contains(lenses[0].Command.Title, "no privileges") {
		t.Errorf("lenses during the scan: %+v", lenses)
	}

	open()
	c.waitScanEnd()
	th = c.hover("src/server.ts", 5, 15)
	if strings.Contains(th, "in progress") || !strings.Contains(th, "| `file.write` | file | `/tmp/notes/a.txt` |") {
		t.Errorf("tool hover after the scan:\n%s", th)
	}
	c.mustCall("textDocument/codeLens", protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("src/server.ts")}}, &lenses)
	if len(lenses) != 2 || lenses[0].Command.Title != "mcpriv: file.write · 1 undeclared" {
		t.Errorf("lenses after the scan: %q", lenses[0].Command.Title)
	}
}

// TestOpenDirsFirst: the scan takes the open documents' directories first,
// each part in listing order.
func TestOpenDirsFirst(t *testing.T) {
	all := []string{"/w/a/x.ts", "/w/b/y.ts", "/w/a/z.ts", "/w/c/q.ts", "/w/b/r.ts"}
	first, rest := openDirsFirst(all, func(p string) string { return p }, map[string]bool{"/w/b": true})
	if strings.Join(first, ",") != "/w/b/y.ts,/w/b/r.ts" || strings.Join(rest, ",") != "/w/a/x.ts,/w/a/z.ts,/w/c/q.ts" {
		t.Errorf("first %v, rest %v", first, rest)
	}
}
