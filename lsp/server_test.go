package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

const serverTS = `import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { saveNote } from "./helper.js";

const server = new McpServer({ name: "notes", version: "1.0.0" });

server.tool("write_note", { path: z.string() }, async ({ path, text }) => {
  await saveNote(path, text);
  return { content: [] };
});

server.tool("fetch_page", {}, async () => {
  const r = await fetch("https://api.example.com/v1/page");
  return { content: [{ type: "text", text: await r.text() }] };
});
`

const helperTS = `import { promises as fs } from "node:fs";

export async function saveNote(p: string, t: string) {
  await fs.writeFile("/tmp/notes/a.txt", t);
}
`

func fixture() map[string]string {
	return map[string]string{"src/server.ts": serverTS, "src/helper.ts": helperTS}
}

func byCode(ds []diagnostic, code string) *diagnostic {
	for i := range ds {
		if ds[i].Code == code {
			return &ds[i]
		}
	}
	return nil
}

func TestDiagnostics(t *testing.T) {
	c := startServer(t, fixture(), clientOpts{})
	c.open("src/server.ts", serverTS)
	ds := c.waitDiags("src/server.ts", count(1))
	d := ds[0]
	if d.Code != "network.client" || d.Source != "mcpriv" || d.CodeDescription == nil || !strings.Contains(string(d.CodeDescription.Href), "#networkclient") {
		t.Errorf("diagnostic header: %+v", d)
	}
	// `fetch` on line 11 (0-based), columns 18–23.
	if d.Range != (rangeOf(pos(11, 18), pos(11, 23))) {
		t.Errorf("range = %+v", d.Range)
	}
	if d.Severity != protocol.DiagnosticSeverityInformation {
		t.Errorf("severity without a manifest = %v, want information", d.Severity)
	}
	if d.Data == nil || d.Data.Capability != "network.client" || d.Data.Scope != "api.example.com" && d.Data.Scope != "https://api.example.com/v1/page" ||
		len(d.Data.Tools) != 1 || d.Data.Tools[0] != "fetch_page" || d.Data.Manifest != "no-manifest" || d.Data.ManifestURI != c.uri(ManifestName) {
		t.Errorf("data = %+v", d.Data)
	}
	if len(d.RelatedInformation) != 1 || d.RelatedInformation[0].Location.URI != c.uri("src/server.ts") ||
		d.RelatedInformation[0].Location.Range.Start != (pos(10, 12)) {
		t.Errorf("related = %+v", d.RelatedInformation)
	}
	// The unopened helper was analysed by the workspace scan; its call is reached by write_note.
	hd := c.waitDiags("src/helper.ts", count(1))
	if hd[0].Code != "file.write" || len(hd[0].Data.Tools) != 1 || hd[0].Data.Tools[0] != "write_note" {
		t.Errorf("helper diagnostic = %+v / %+v", hd[0], hd[0].Data)
	}
	c.mu.Lock()
	var begin, end bool
	for _, p := range c.progress {
		begin = begin || p.Kind == "begin"
		end = end || p.Kind == "end"
	}
	c.mu.Unlock()
	if !begin || !end {
		t.Errorf("workspace scan progress: begin %v end %v", begin, end)
	}
	c.shutdown()
}

func TestEditsUpdateDiagnosticsAcrossFiles(t *testing.T) {
	c := startServer(t, fixture(), clientOpts{})
	c.open("src/helper.ts", helperTS)
	c.waitDiags("src/helper.ts", count(1))

	// Add a second write in the helper: incremental insert at the end of line 3.
	c.change("src/helper.ts", TextDocumentContentChangeEvent{Range: rangePtr(pos(3, 44), pos(3, 44)),
		Text: "\n  await fs.writeFile(\"/tmp/notes/b.txt\", t);"})
	ds := c.waitDiags("src/helper.ts", count(2))
	if ds[1].Range.Start.Line != 4 {
		t.Errorf("second write at line %d, want 4", ds[1].Range.Start.Line)
	}
	// Editing the importer changes which tool reaches the helper: drop the
	// import and the helper's calls are reached by the server only.
	c.open("src/server.ts", serverTS)
	c.change("src/server.ts", TextDocumentContentChangeEvent{Range: rangePtr(pos(1, 0), pos(2, 0)), Text: ""})
	c.waitDiags("src/helper.ts", func(ds []diagnostic) bool {
		return len(ds) == 2 && len(ds[0].Data.Tools) == 0 && ds[0].Data.Server
	})
}

func TestManifestChecksAndActions(t *testing.T) {
	files := fixture()
	files[ManifestName] = "version: 1\ntools:\n  write_note:\n    file.write: [\"/tmp/notes/a.txt\"]\n    network.client: [api.example.com]\n"
	c := startServer(t, files, clientOpts{})
	c.open("src/server.ts", serverTS)
	ds := c.waitDiags("src/server.ts", count(1))
	if ds[0].Data.Manifest != "undeclared" || ds[0].Severity != protocol.DiagnosticSeverityWarning || len(ds[0].Data.UndeclaredFor) != 1 || ds[0].Data.UndeclaredFor[0] != "fetch_page" {
		t.Fatalf("undeclared fetch: %+v %+v", ds[0], ds[0].Data)
	}
	// The helper's write is declared: information.
	hd := c.waitDiags("src/helper.ts", count(1))
	if hd[0].Data.Manifest != "declared" || hd[0].Severity != protocol.DiagnosticSeverityInformation {
		t.Errorf("declared write: %+v", hd[0].Data)
	}
	// The manifest itself: network.client of write_note is unused.
	md := c.waitDiags(ManifestName, func(ds []diagnostic) bool { return byCode(ds, "unused-grant") != nil })
	unused := byCode(md, "unused-grant")
	if unused.Range.Start != (pos(4, 4)) {
		t.Errorf("unused grant at %+v, want 4:4", unused.Range.Start)
	}

	// Quick fix on the unopened manifest: declare fetch for fetch_page.
	acts := c.codeActions("src/server.ts", ds[0].Range)
	var declare *CodeAction
	var titles []string
	for i := range acts {
		titles = append(titles, acts[i].Title)
		if strings.Contains(acts[i].Title, "fetch_page") && strings.HasPrefix(acts[i].Title, "Declare") {
			declare = &acts[i]
		}
	}
	if declare == nil || declare.Edit == nil || declare.Kind != "quickfix" {
		t.Fatalf("no declare action among %q", titles)
	}
	edits := declare.Edit.Changes[c.uri(ManifestName)]
	if len(edits) == 0 || declare.Edit.DocumentChanges != nil {
		t.Fatalf("declare edit must use changes on the manifest: %+v", declare.Edit)
	}
	got := applyTextEdits(t, files[ManifestName], edits)
	if !strings.Contains(got, "fetch_page:") || !strings.Contains(got, "api.example.com") || !strings.Contains(got, "/tmp/notes/a.txt") {
		t.Errorf("manifest after the fix:\n%s", got)
	}
	// Editing the (opened) manifest re-checks open files: declare fetch_page.
	c.open(ManifestName, files[ManifestName])
	c.change(ManifestName, TextDocumentContentChangeEvent{Text: got})
	c.waitDiags("src/server.ts", func(ds []diagnostic) bool { return len(ds) == 1 && ds[0].Data.Manifest == "declared" })

	// Remove the unused grant from the manifest.
	md = c.waitDiags(ManifestName, func(ds []diagnostic) bool { return byCode(ds, "unused-grant") != nil })
	unused = byCode(md, "unused-grant")
	acts = c.codeActions(ManifestName, unused.Range)
	if len(acts) != 1 || !strings.HasPrefix(acts[0].Title, "Remove unused grant") {
		t.Fatalf("manifest actions: %+v", acts)
	}
	pruned := applyTextEdits(t, got, acts[0].Edit.Changes[c.uri(ManifestName)])
	if strings.Contains(pruned, "network.client: [api.example.com]\n  fetch_page") || strings.Count(pruned, "network.client") != 1 {
		t.Errorf("after removing the unused grant:\n%s", pruned)
	}
	c.change(ManifestName, TextDocumentContentChangeEvent{Text: pruned})
	c.waitDiags(ManifestName, count(0))

	// Hover on a manifest key explains the capability.
	if h := c.hover(ManifestName, 3, 8); !strings.Contains(h, "`file.write`") || !strings.Contains(h, "Allows code that creates") {
		t.Errorf("manifest hover: %q", h)
	}
}

func TestCreateManifestQuickFix(t *testing.T) {
	for _, tc := range []struct {
		name      string
		docChange bool
	}{{"changes", false}, {"documentChanges", true}} {
		t.Run(tc.name, func(t *testing.T) {
			caps := defaultCaps()
			caps["workspace"].(map[string]any)["workspaceEdit"] = map[string]any{"documentChanges": tc.docChange, "resourceOperations": []string{"create"}}
			c := startServer(t, fixture(), clientOpts{caps: caps})
			c.open("src/server.ts", serverTS)
			ds := c.waitDiags("src/server.ts", count(1))
			acts := c.codeActions("src/server.ts", rangeOf(ds[0].Range.Start, ds[0].Range.Start))
			var create *CodeAction
			for i := range acts {
				if strings.HasPrefix(acts[i].Title, "Create "+ManifestName) {
					create = &acts[i]
					break
				}
			}
			if create == nil {
				t.Fatalf("no create action: %+v", acts)
			}
			var text string
			if tc.docChange {
				if len(create.Edit.DocumentChanges) != 2 {
					t.Fatalf("documentChanges = %+v", create.Edit.DocumentChanges)
				}
				b, _ := json.Marshal(create.Edit.DocumentChanges)
				if !strings.Contains(string(b), `"kind":"create"`) {
					t.Errorf("no create operation: %s", b)
				}
				var tde []protocol.TextDocumentEdit
				_ = json.Unmarshal(b, &tde)
				text = tde[1].Edits[0].NewText
			} else {
				text = create.Edit.Changes[c.uri(ManifestName)][0].NewText
			}
			if !strings.Contains(text, "version: 1") || !strings.Contains(text, "fetch_page") || !strings.Contains(text, "network.client") {
				t.Errorf("created manifest:\n%s", text)
			}
		})
	}
}

func TestSuppressAndDeclareAll(t *testing.T) {
	src := "import fs from \"fs\";\r\nserver.tool(\"w\", {}, async () => {\r\n\t\tfs.writeFile(\"/a\", \"x\");\r\n\t\tfs.writeFile(process.argv[2], \"y\");\r\n});\r\n"
	c := startServer(t, map[string]string{"s.ts": src}, clientOpts{})
	c.open("s.ts", src)
	ds := c.waitDiags("s.ts", count(2))
	acts := c.codeActions("s.ts", ds[0].Range)
	var sup *CodeAction
	for i := range acts {
		if strings.HasPrefix(acts[i].Title, "Suppress") {
			sup = &acts[i]
		}
	}
	if sup == nil {
		t.Fatalf("no suppression action: %+v", acts)
	}
	got := applyTextEdits(t, src, sup.Edit.Changes[c.uri("s.ts")])
	if !strings.Contains(got, "\r\n\t\t// mcpriv-ignore: file.write -- TODO: reason\r\n\t\tfs.writeFile(\"/a\"") {
		t.Errorf("suppression inserted wrongly:\n%q", got)
	}
	all := c.codeActions("s.ts", protocol.Range{}, KindDeclareAll)
	if len(all) != 1 || all[0].Kind != KindDeclareAll || len(all[0].Diagnostics) != 2 {
		t.Fatalf("declare-all: %+v", all)
	}
	text := all[0].Edit.Changes[c.uri(ManifestName)][0].NewText
	// The literal path stays listed beside the "*" the computed one needs.
	if !strings.Contains(text, "- /a\n") || !strings.Contains(text, `- "*"  # scope not known for fs.writeFile at s.ts:4`) || !strings.Contains(text, "  w:") {
		t.Errorf("declare-all manifest:\n%s", text)
	}
	// A non-literal argument is declared as "*" and the title says so.
	acts = c.codeActions("s.ts", ds[1].Range, "quickfix")
	if len(acts) == 0 || !strings.Contains(acts[0].Title, "not a literal") {
		t.Errorf("wide grant title: %+v", acts)
	}
	for _, a := range acts {
		if a.Kind != "quickfix" {
			t.Errorf("only=quickfix returned %q", a.Kind)
		}
	}
}

func TestHoverAndCodeLens(t *testing.T) {
	files := fixture()
	files[ManifestName] = "version: 1\ntools:\n  write_note:\n    file.write: [\"/tmp/notes/**\"]\n"
	c := startServer(t, files, clientOpts{})
	c.open("src/server.ts", serverTS)
	c.waitDiags("src/server.ts", count(1))
	// Until the workspace scan has analysed helper.ts, write_note's
	// file.write is unknown (TestHoverDuringWorkspaceScan).
	c.waitScanEnd()
	h := c.hover("src/server.ts", 11, 20)
	for _, want := range []string{"`network.client`", "Class **network**", "Why it is risky", "`fetch_page`", "not declared for `fetch_page`", "api.example.com"} {
		if !strings.Contains(h, want) {
			t.Errorf("hover lacks %q:\n%s", want, h)
		}
	}
	th := c.hover("src/server.ts", 5, 15)
	if !strings.Contains(th, "tool `write_note`") || !strings.Contains(th, "| `file.write` | file | `/tmp/notes/a.txt` | high | declared |") {
		t.Errorf("tool hover:\n%s", th)
	}
	if h := c.hover("src/server.ts", 0, 0); h != "" {
		t.Errorf("hover on an import: %q", h)
	}
	var lenses []protocol.CodeLens
	c.mustCall("textDocument/codeLens", protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("src/server.ts")}}, &lenses)
	if len(lenses) != 2 {
		t.Fatalf("lenses: %+v", lenses)
	}
	if lenses[0].Range.Start.Line != 5 || lenses[0].Command.Title != "mcpriv: file.write" || lenses[0].Command.Command != CmdShowToolPrivileges {
		t.Errorf("lens 0: %+v %+v", lenses[0], lenses[0].Command)
	}
	if lenses[1].Command.Title != "mcpriv: network.client · 1 undeclared" {
		t.Errorf("lens 1: %+v", lenses[1].Command)
	}
	var md string
	c.mustCall("workspace/executeCommand", protocol.ExecuteCommandParams{Command: CmdShowToolPrivileges, Arguments: []any{"fetch_page"}}, &md)
	if !strings.Contains(md, "**undeclared**") {
		t.Errorf("showToolPrivileges:\n%s", md)
	}
	err := c.call("workspace/executeCommand", protocol.ExecuteCommandParams{Command: CmdShowToolPrivileges, Arguments: []any{"nope"}}, &md)
	if err == nil {
		t.Error("showToolPrivileges of an unknown tool succeeded")
	}
}

func TestCommands(t *testing.T) {
	c := startServer(t, fixture(), clientOpts{})
	c.open("src/server.ts", serverTS)
	c.waitDiags("src/server.ts", count(1))
	var sum map[string]any
	c.mustCall("workspace/executeCommand", protocol.ExecuteCommandParams{Command: CmdScanWorkspace}, &sum)
	if sum["findings"] != float64(2) || sum["tools"] != float64(2) {
		t.Errorf("scan summary: %v", sum)
	}
	var gen map[string]any
	c.mustCall("workspace/executeCommand", protocol.ExecuteCommandParams{Command: CmdGenerateManifest}, &gen)
	c.mu.Lock()
	applied := append([]WorkspaceEdit(nil), c.applied...)
	c.mu.Unlock()
	if gen["applied"] != true || len(applied) != 1 {
		t.Fatalf("generateManifest: %v, %d edits", gen, len(applied))
	}
	text := applied[0].Changes[c.uri(ManifestName)][0].NewText
	for _, want := range []string{"write_note", "fetch_page", "/tmp/notes/a.txt", "api.example.com"} {
		if !strings.Contains(text, want) {
			t.Errorf("generated manifest lacks %q:\n%s", want, text)
		}
	}
	if err := c.call("workspace/executeCommand", protocol.ExecuteCommandParams{Command: "mcpriv.nope"}, nil); err == nil {
		t.Error("unknown command succeeded")
	}
}

func TestConfiguration(t *testing.T) {
	files := fixture()
	files[ManifestName] = "version: 1\ntools:\n  write_note:\n    file.write: [\"/tmp/notes/**\"]\n"
	c := startServer(t, files, clientOpts{initOpts: map[string]any{"severity": map[string]string{"network.client": "error"}}})
	c.open("src/server.ts", serverTS)
	ds := c.waitDiags("src/server.ts", count(1))
	if ds[0].Severity != protocol.DiagnosticSeverityError {
		t.Errorf("severity override from initializationOptions: %v", ds[0].Severity)
	}
	c.waitDiags("src/helper.ts", count(1))
	c.notify("workspace/didChangeConfiguration", protocol.DidChangeConfigurationParams{Settings: json.RawMessage(
		`{"mcpriv": {"showDeclared": false, "severity": {"network.client": "hint"}}}`)})
	c.waitDiags("src/helper.ts", count(0)) // the declared write is hidden
	c.waitDiags("src/server.ts", func(ds []diagnostic) bool {
		return len(ds) == 1 && ds[0].Severity == protocol.DiagnosticSeverityHint
	})
	// Excludes drop unopened files.
	c.notify("workspace/didChangeConfiguration", protocol.DidChangeConfigurationParams{Settings: json.RawMessage(`{"mcpriv": {"excludes": ["src/helper.ts"]}}`)})
	c.waitDiags("src/helper.ts", count(0))
	// Bad settings are reported, not fatal.
	c.notify("workspace/didChangeConfiguration", protocol.DidChangeConfigurationParams{Settings: json.RawMessage(`{"mcpriv": {"severity": {"file.wrte": "loud"}}}`)})
	c.mustCall("textDocument/hover", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("src/server.ts")}}, nil)
	c.mu.Lock()
	var warned bool
	for _, l := range c.logs {
		warned = warned || strings.Contains(l.Message, "file.wrte")
	}
	c.mu.Unlock()
	if !warned {
		t.Error("bad settings were not reported")
	}
}

func TestWatchedFilesAndMultiRoot(t *testing.T) {
	rootA, rootB := t.TempDir(), t.TempDir()
	_ = os.WriteFile(rootA+"/a.ts", []byte(`server.tool("a", {}, () => fetch("https://a.example"));`), 0o644)
	_ = os.WriteFile(rootB+"/b.ts", []byte(`server.tool("b", {}, () => fs.writeFile("/b", ""));`), 0o644)
	c := startServerAt(t, rootA, clientOpts{folders: []string{rootA, rootB}})
	c.waitDiags("a.ts", count(1))
	if ds := c.waitDiags("../"+lastElem(rootB)+"/b.ts", count(1)); ds[0].Code != "file.write" {
		t.Errorf("second root: %+v", ds)
	}
	// A new file on disk arrives by a watcher event; a deleted one is cleared.
	_ = os.WriteFile(rootA+"/c.ts", []byte(`server.tool("c", {}, () => fs.writeFile("/c", ""));`), 0o644)
	c.notify("workspace/didChangeWatchedFiles", protocol.DidChangeWatchedFilesParams{Changes: []*protocol.FileEvent{{URI: c.uri("c.ts"), Type: protocol.FileChangeTypeCreated}}})
	c.waitDiags("c.ts", count(1))
	_ = os.Remove(rootA + "/a.ts")
	c.notify("workspace/didChangeWatchedFiles", protocol.DidChangeWatchedFilesParams{Changes: []*protocol.FileEvent{{URI: c.uri("a.ts"), Type: protocol.FileChangeTypeDeleted}}})
	c.waitDiags("a.ts", count(0))
	// Excluded directories are ignored even when the watcher reports them.
	_ = os.MkdirAll(rootA+"/node_modules/x", 0o755)
	_ = os.WriteFile(rootA+"/node_modules/x/i.ts", []byte(`fs.writeFile("/i", "")`), 0o644)
	c.notify("workspace/didChangeWatchedFiles", protocol.DidChangeWatchedFilesParams{Changes: []*protocol.FileEvent{{URI: c.uri("node_modules/x/i.ts"), Type: protocol.FileChangeTypeCreated}}})
	c.shutdown()
	c.mu.Lock()
	_, got := c.diags[c.uri("node_modules/x/i.ts")]
	c.mu.Unlock()
	if got {
		t.Error("a file under node_modules got diagnostics")
	}
}

func lastElem(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

func TestRobustness(t *testing.T) {
	c := startServer(t, fixture(), clientOpts{})
	c.open("src/server.ts", serverTS)
	c.waitDiags("src/server.ts", count(1))
	var werr *jsonrpc2.Error
	err := c.call("textDocument/definition", map[string]any{}, nil)
	if !errors.As(err, &werr) || werr.Code != jsonrpc2.MethodNotFound {
		t.Errorf("unknown method: %v", err)
	}
	err = c.call("textDocument/hover", json.RawMessage(`{"textDocument": 7}`), nil)
	if !errors.As(err, &werr) || werr.Code != jsonrpc2.InvalidParams {
		t.Errorf("bad params: %v", err)
	}
	err = c.call("textDocument/hover", json.RawMessage(`{"textDocument":{"uri":"untitled:1"},"position":{"line":0,"character":0}}`), nil)
	if !errors.As(err, &werr) || werr.Code != jsonrpc2.InvalidParams {
		t.Errorf("non-file URI: %v", err)
	}
	// Out-of-range positions clamp; unopened files answer null.
	for _, at := range []protocol.Position{pos(999, 0), pos(11, 9999), pos(0, 1<<31)} {
		var h *protocol.Hover
		c.mustCall("textDocument/hover", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("src/server.ts")}, Position: at}, &h)
	}
	var h *protocol.Hover
	c.mustCall("textDocument/hover", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("src/helper.ts")}}, &h)
	if h != nil {
		t.Errorf("hover on an unopened file: %+v", h)
	}
	var acts []CodeAction
	c.mustCall("textDocument/codeAction", protocol.CodeActionParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("nope.ts")}}, &acts)
	if acts == nil || len(acts) != 0 {
		t.Errorf("code actions of an unopened file: %+v", acts)
	}
	// Notifications that fail are logged; the connection lives on.
	c.change("src/missing.ts", TextDocumentContentChangeEvent{Text: "x"})
	c.change("src/server.ts", TextDocumentContentChangeEvent{Range: rangePtr(pos(5, 4), pos(2, 0)), Text: "x"})
	c.notify("textDocument/didOpen", json.RawMessage(`{"textDocument": null}`))
	c.notify("$/setTrace", map[string]any{"value": "off"})
	c.notify("$/cancelRequest", map[string]any{"id": 12345})
	c.notify("$/cancelRequest", map[string]any{"id": "abc"})
	c.mustCall("textDocument/hover", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("src/server.ts")}}, nil)
	c.mu.Lock()
	n := len(c.logs)
	c.mu.Unlock()
	if n < 2 {
		t.Errorf("failures were not logged (%d log messages)", n)
	}
	// A request after shutdown is refused; exit ends the server cleanly.
	c.mustCall("shutdown", nil, nil)
	if err := c.call("textDocument/hover", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("src/server.ts")}}, nil); err == nil {
		t.Error("request after shutdown succeeded")
	}
	c.notify("exit", nil)
	if err := <-c.done; err != nil {
		t.Errorf("clean exit: %v", err)
	}
	c.done <- nil
}

func TestLifecycleErrors(t *testing.T) {
	a, b := netPipe()
	done := make(chan error, 1)
	go func() { done <- Serve(t.Context(), a, Options{NewEngine: newFakeEngine}) }()
	conn := jsonrpc2.NewConn(jsonrpc2.NewStream(b))
	conn.Go(t.Context(), jsonrpc2.MethodNotFoundHandler)
	var werr *jsonrpc2.Error
	_, err := conn.Call(t.Context(), "textDocument/hover", map[string]any{}, nil)
	if !errors.As(err, &werr) || werr.Code != jsonrpc2.ServerNotInitialized {
		t.Errorf("request before initialize: %v", err)
	}
	if _, err := conn.Call(t.Context(), "initialize", map[string]any{"capabilities": map[string]any{}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Call(t.Context(), "initialize", map[string]any{"capabilities": map[string]any{}}, nil); err == nil {
		t.Error("second initialize succeeded")
	}
	_ = conn.Notify(t.Context(), "exit", nil)
	if err := <-done; !errors.Is(err, ErrExitWithoutShutdown) {
		t.Errorf("exit without shutdown: %v", err)
	}
	conn.Close()
}

// TestPulledConfiguration: clients that answer workspace/configuration (and
// send didChangeConfiguration without settings) are asked; Lua's empty
// tables ([] for {}) are accepted.
func TestPulledConfiguration(t *testing.T) {
	caps := defaultCaps()
	caps["workspace"].(map[string]any)["configuration"] = true
	c := startServer(t, fixture(), clientOpts{caps: caps, config: `{"severity": {"file.write": "error"}, "excludes": []}`})
	c.open("src/helper.ts", helperTS)
	c.waitDiags("src/helper.ts", func(ds []diagnostic) bool {
		return len(ds) == 1 && ds[0].Severity == protocol.DiagnosticSeverityError
	})
	c.mu.Lock()
	c.config = `{"severity": [], "showDeclared": true}`
	c.mu.Unlock()
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": nil})
	c.waitDiags("src/helper.ts", func(ds []diagnostic) bool {
		return len(ds) == 1 && ds[0].Severity == protocol.DiagnosticSeverityInformation
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range c.logs {
		if strings.Contains(l.Message, "settings") {
			t.Errorf("settings rejected: %s", l.Message)
		}
	}
}

func TestParseSettings(t *testing.T) {
	for _, tc := range []struct {
		in     string
		ok     bool
		errIn  string
		sev    string
		declar bool
	}{
		{`{"mcpriv": {"severity": {"system.exec": "error"}, "showDeclared": false}}`, true, "", "error", false},
		{`{"severity": {"system.exec": "hint"}}`, true, "", "hint", true},
		{`{"mcpriv": {"severity": [], "excludes": {}, "ruleDirs": null}}`, true, "", "", true},
		{`{"python": {"x": 1}}`, false, "", "", true},
		{`{"mcpriv": null}`, false, "", "", true},
		{`null`, false, "", "", true},
		{`[1]`, false, "not a JSON object", "", true},
		{`{"mcpriv": {"severity": {"system.exek": "loud"}}}`, true, "system.exek", "", true},
		{`{"mcpriv": {"maxFileSize": -1}}`, true, "negative", "", true},
	} {
		s, ok, err := parseSettings(json.RawMessage(tc.in))
		if ok != tc.ok || (err == nil) != (tc.errIn == "") || (err != nil && !strings.Contains(err.Error(), tc.errIn)) {
			t.Errorf("%s: ok %v err %v", tc.in, ok, err)
			continue
		}
		if got := string(s.engineConfig().Policy.Capability["system.exec"]); got != tc.sev {
			t.Errorf("%s: system.exec severity %q, want %q", tc.in, got, tc.sev)
		}
		if s.showDeclared() != tc.declar {
			t.Errorf("%s: showDeclared %v", tc.in, s.showDeclared())
		}
	}
}

// TestCancelRequest: a hover waiting for a slow analysis ends with
// RequestCancelled when the client cancels it, and the server goes on.
func TestCancelRequest(t *testing.T) {
	slow := func(cfg EngineConfig) (Engine, error) {
		return &fakeEngine{cfg: cfg, linkDelay: 300 * time.Millisecond}, nil
	}
	c := startServer(t, fixture(), clientOpts{engine: slow})
	c.open("src/server.ts", serverTS)
	c.waitDiags("src/server.ts", count(1))
	c.change("src/server.ts", TextDocumentContentChangeEvent{Range: rangePtr(pos(0, 0), pos(0, 0)), Text: " "})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := c.conn.Call(ctx, "textDocument/hover", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("src/server.ts")}, Position: pos(11, 20)}, nil)
		errc <- err
	}()
	time.Sleep(50 * time.Millisecond)
	// jsonrpc2's Call does not send $/cancelRequest itself: send it, then stop waiting.
	c.notify("$/cancelRequest", map[string]any{"id": 2})
	select {
	case err := <-errc:
		var werr *jsonrpc2.Error
		if !errors.As(err, &werr) || werr.Code != -32800 {
			t.Errorf("cancelled hover: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("the cancelled hover was not answered")
	}
	cancel()
	if h := c.hover("src/server.ts", 11, 21); !strings.Contains(h, "network.client") {
		t.Errorf("hover after the cancelled one: %q", h)
	}
}

// TestInitializeOddCapabilities: a capability in a shape protocol v0.12.0
// does not expect (here workspace.workspaceFolders as an object) is logged
// and ignored; the rest of the capabilities still count.
func TestInitializeOddCapabilities(t *testing.T) {
	caps := defaultCaps()
	caps["workspace"].(map[string]any)["workspaceFolders"] = map[string]any{"supported": true}
	c := startServer(t, fixture(), clientOpts{caps: caps})
	c.open("src/server.ts", serverTS)
	c.waitDiags("src/server.ts", count(1))
	c.mustCall("workspace/executeCommand", protocol.ExecuteCommandParams{Command: CmdGenerateManifest}, nil)
	c.mu.Lock()
	applied, progress := len(c.applied), len(c.progress)
	var warned bool
	for _, l := range c.logs {
		warned = warned || strings.Contains(l.Message, "initialize:") && l.Type == protocol.MessageTypeWarning
	}
	c.mu.Unlock()
	if applied != 1 || progress == 0 {
		t.Errorf("capabilities next to the odd one were lost: %d edits applied, %d progress reports", applied, progress)
	}
	if !warned {
		t.Error("the odd capability was not logged")
	}
	c.shutdown()
}

// TestCodeLensRefresh: when what the lenses show changes (here a manifest
// edit declares the missing grant), clients that support it are asked to
// refresh their code lenses; others are not.
func TestCodeLensRefresh(t *testing.T) {
	for _, support := range []bool{true, false} {
		files := fixture()
		files[ManifestName] = "version: 1\ntools:\n  write_note:\n    file.write: [\"/tmp/notes/a.txt\"]\n"
		caps := defaultCaps()
		caps["workspace"].(map[string]any)["codeLens"] = map[string]any{"refreshSupport": support}
		c := startServer(t, files, clientOpts{caps: caps})
		c.open("src/server.ts", serverTS)
		c.waitDiags("src/server.ts", func(ds []diagnostic) bool { return len(ds) == 1 && ds[0].Data.Manifest == "undeclared" })
		c.open(ManifestName, files[ManifestName])
		c.change(ManifestName, TextDocumentContentChangeEvent{Text: files[ManifestName] + "  fetch_page:\n    network.client: [\"*\"]\n"})
		c.waitDiags("src/server.ts", func(ds []diagnostic) bool { return len(ds) == 1 && ds[0].Data.Manifest == "declared" })
		deadline := time.Now().Add(5 * time.Second)
		for {
			c.mu.Lock()
			n := c.lensRefreshes
			c.mu.Unlock()
			if support && n > 0 || !support && time.Now().After(deadline.Add(-4500*time.Millisecond)) {
				if !support && n != 0 {
					t.Errorf("refresh sent to a client without refreshSupport")
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no workspace/codeLens/refresh after the lenses changed (support=%v)", support)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestQuickFixUnknownScope: a call whose URL is computed is covered only by
// "*", never by the literal host granted for another call; the quick-fix
// adds "*" beside the literal host, which stays (analysis/manifest decides,
// as for `mcpriv manifest`). An env default's hover names the variable.
func TestQuickFixUnknownScope(t *testing.T) {
	src := "import { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\n" +
		"const server = new McpServer({ name: \"f\", version: \"1.0.0\" });\n" +
		"const API = process.env.API_URL ?? \"https://api.example.com\";\n" +
		"server.tool(\"fetch_page\", {}, async ({ url }) => {\n" +
		"  await fetch(`${API}/v1`);\n" +
		"  await fetch(url);\n" +
		"  return { content: [] };\n" +
		"});\n"
	man := "version: 1\ntools:\n  fetch_page:\n    network.client: [api.example.com]\n"
	c := startServer(t, map[string]string{"s.ts": src, ManifestName: man}, clientOpts{engine: realEngine})
	c.open("s.ts", src)
	// process.env (undeclared), the env-default fetch, the computed fetch.
	ds := c.waitDiags("s.ts", count(3))
	if ds[1].Data.Manifest != "declared" || ds[1].Data.ScopeEnv != "API_URL" || ds[1].Data.Scope != "api.example.com" {
		t.Errorf("env default fetch: %+v", ds[1].Data)
	}
	if ds[2].Data.Manifest != "out-of-scope" {
		t.Fatalf("computed fetch under a literal-only grant: %+v", ds[2].Data)
	}
	if h := c.hover("s.ts", 4, 9); !strings.Contains(h, "the default of `$API_URL`") {
		t.Errorf("hover does not name the variable: %q", h)
	}
	acts := c.codeActions("s.ts", ds[2].Range, "quickfix")
	var fix *CodeAction
	for i := range acts {
		if strings.HasPrefix(acts[i].Title, "Declare network.client \"*\" for tool `fetch_page`") {
			fix = &acts[i]
		}
	}
	if fix == nil {
		t.Fatalf("no fix adding \"*\": %+v", acts)
	}
	got := applyTextEdits(t, man, fix.Edit.Changes[c.uri(ManifestName)])
	if !strings.Contains(got, `network.client: [api.example.com, "*"]`) {
		t.Errorf("manifest after the fix:\n%s", got)
	}
}
