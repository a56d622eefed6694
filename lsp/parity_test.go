package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"go.lsp.dev/protocol"

	"github.com/mcpriv/mcpriv/analysis/engine"
	"github.com/mcpriv/mcpriv/analysis/manifest"
)

// TestFrontEndParity: the CLI (the mcpriv binary) and the language server
// (the real engine) give the same findings, tools, taint and generated
// manifest on the same tree, compared byte for byte in one canonical
// serialization. It fails when either front-end applies a policy of its own:
// which manifest governs a file, which build output is analysed, how
// annotations are judged, what is reported twice.
func TestFrontEndParity(t *testing.T) {
	bin := mcprivBinary(t)
	cases := map[string]string{
		"monorepo":      "../cmd/mcpriv/testdata/manifest/monorepo",
		"compiled-only": "../testdata/builds/compiled-only",
		"with-sources":  "../testdata/builds/with-sources",
		// Tools named by expressions the engine cannot resolve: the
		// placeholder label must read the same in both front-ends.
		"unresolved-names": "testdata/parity/unresolved-names",
		// Scopes from constant propagation (a helper's URL from its callers'
		// literals, open to tool input too), environment and library
		// defaults, a scope no runtime agrees on, both taint roles, object
		// flow across Python files and a tool table registered in a loop.
		"scopes": "testdata/parity/scopes",
	}
	cases["skipped-files"] = skippedFilesTree(t)
	servers, _ := filepath.Glob("../testdata/servers/*")
	for _, s := range servers {
		if st, err := os.Stat(s); err == nil && st.IsDir() {
			cases[filepath.Base(s)] = s
		}
	}
	if len(cases) < 9 {
		t.Fatalf("only %d fixture trees", len(cases))
	}
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			src := cases[name]
			cli := cliCanonical(t, bin, copyDir(t, src))
			lsp := lspCanonical(t, copyDir(t, src))
			if cli.findings == "" && cli.tools == "" {
				t.Fatal("the CLI found nothing: the comparison would be empty")
			}
			for _, w := range mustShow[name] {
				if !strings.Contains(cli.findings+"\n"+cli.tools, w) {
					t.Errorf("the CLI's view lacks %q: the fixture no longer covers it\n%s", w, cli.findings)
				}
			}
			for _, part := range []struct{ what, cli, lsp string }{
				{"findings", cli.findings, lsp.findings},
				{"tools", cli.tools, lsp.tools},
				{"generated manifest", cli.manifest, lsp.manifest},
			} {
				if part.cli != part.lsp {
					t.Errorf("%s differ:\n--- CLI\n%s\n--- language server\n%s", part.what, part.cli, part.lsp)
				}
			}
		})
	}
}

// mustShow are what a fixture tree is there for: were the analysis to stop
// producing it, the comparison would pass on less.
var mustShow = map[string][]string{
	"scopes": {
		`scope="news.example.org" scopes=news.example.org,status.example.com dynamic=true`, // constant propagation
		`tainted=true(url target)`,
		`env="WEATHER_API_URL"`, `env="REGISTRY_URL"`, // literal defaults of env reads
		`env="OPENAI_BASE_URL" override="baseURL"`, // a client library's default host
		`unknown="\"..\" climbs out`,
		`tainted=true(body payload)`,
		"python.httpx.request tools=upload", // an instance from another module
		"git_log src/table.js system.exec", "git_status src/table.js system.exec",
	},
	// The newer registration forms: a FastMCP subclass, the project's own
	// decorator, a loop over a dict of handlers, a registry of handler classes.
	"registry-py": {"disk_usage src/ops_mcp/server.py file.read", "read_text src/ops_mcp/tools/files.py file.read",
		"uptime src/ops_mcp/tools/procs.py system.exec", "kill_process src/ops_mcp/lowlevel.py system.process"},
}

// skippedFilesTree is a server beside files neither front-end can analyse:
// a binary source file (UTF-16) and one that is a symlink. Both
// must report them as not analysed, the same way.
func skippedFilesTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("index.js", `const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");
const fs = require("fs");
const server = new McpServer({ name: "notes", version: "1.0.0" });
server.tool("save_note", { text: {} }, async ({ text }) => {
  fs.writeFileSync("/tmp/note.txt", text);
  return { content: [] };
});
`)
	// UTF-16 text: binary to both (a stray NUL alone is analysed).
	write("helper.js", "c\x00p\x00.\x00e\x00x\x00e\x00c\x00S\x00y\x00n\x00c\x00(\x00)\x00")
	if err := os.Symlink("index.js", filepath.Join(dir, "linked.js")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// canonical is one front-end's view of a tree, serialized.
type canonical struct {
	findings, tools, manifest string
}

// scopeFields are a finding's scope details beside its scope, as the JSON
// and the diagnostic's data both name them.
type scopeFields struct {
	Scopes                                []string
	ScopeDynamic                          bool
	ScopeUnknown, ScopeEnv, ScopeOverride string
}

func (s scopeFields) String() string {
	return fmt.Sprintf("scopes=%s dynamic=%v unknown=%q env=%q override=%q", strings.Join(s.Scopes, ","), s.ScopeDynamic, s.ScopeUnknown, s.ScopeEnv, s.ScopeOverride)
}

func canonFinding(file string, line, col, endLine, endCol int, kind, capability, rule string, tools []string, server bool,
	tainted bool, taintSource, taintRole, scope string, sc scopeFields, state, severity, message string) string {
	if kind == "capability" && scope == "" {
		scope = "*"
	}
	return fmt.Sprintf("%s:%d:%d-%d:%d %s %s %s tools=%s server=%v tainted=%v(%s %s) scope=%q %s manifest=%s %s %q",
		file, line, col, endLine, endCol, kind, capability, rule, strings.Join(tools, ","), server, tainted, taintSource, taintRole,
		scope, sc, state, severity, message)
}

func joinSorted(lines []string) string {
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// cliCanonical runs `mcpriv scan --format json --show-declared` and `mcpriv
// manifest` on root.
func cliCanonical(t *testing.T, bin, root string) canonical {
	t.Helper()
	out, err := exec.Command(bin, "scan", "--format", "json", "--show-declared", "--no-progress", root).Output()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("mcpriv scan: %v\n%s", err, out)
	}
	var res struct {
		Findings []struct {
			File, Kind, Capability, Rule, Severity, Message, TaintSource, TaintRole, Scope, Manifest string
			Line, Column, EndLine, EndColumn                                                         int
			Tools                                                                                    []string
			Server, Tainted                                                                          bool
			scopeFields
		}
		Tools []struct {
			Name, File   string
			Line         int
			Capabilities []string
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("mcpriv scan output: %v\n%s", err, out)
	}
	var c canonical
	var lines []string
	for _, f := range res.Findings {
		lines = append(lines, canonFinding(f.File, f.Line, f.Column, f.EndLine, f.EndColumn, f.Kind, f.Capability, f.Rule, f.Tools,
			f.Server, f.Tainted, f.TaintSource, f.TaintRole, f.Scope, f.scopeFields, f.Manifest, f.Severity, f.Message))
	}
	c.findings = joinSorted(lines)
	lines = nil
	for _, tl := range res.Tools {
		// No line: the JSON gives the name literal's, the lens the registration's.
		lines = append(lines, fmt.Sprintf("%s %s %s", tl.Name, tl.File, strings.Join(tl.Capabilities, ",")))
	}
	c.tools = joinSorted(lines)

	target := filepath.Join(root, manifest.FileName)
	before, _ := os.ReadFile(target)
	if out, err := exec.Command(bin, "manifest", "--no-progress", root).CombinedOutput(); err != nil {
		t.Fatalf("mcpriv manifest: %v\n%s", err, out)
	}
	after, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		c.manifest = string(after)
	}
	return c
}

// lspCanonical opens every file the engine analyses in a language server on
// the real engine and reads back its diagnostics, code lenses and
// mcpriv.generateManifest edit.
func lspCanonical(t *testing.T, root string) canonical {
	t.Helper()
	eng, err := engine.New(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, _, err := eng.Files(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	c := startServerAt(t, root, clientOpts{engine: realEngine})
	c.mustCall("workspace/executeCommand", protocol.ExecuteCommandParams{Command: CmdScanWorkspace}, nil)
	texts := map[string]string{} // slash-separated relative path → text
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		rel = filepath.ToSlash(rel)
		texts[rel] = c.openFile(rel)
	}
	c.mustCall("workspace/executeCommand", protocol.ExecuteCommandParams{Command: CmdScanWorkspace}, nil)
	c.settle()

	severities := map[protocol.DiagnosticSeverity]string{protocol.DiagnosticSeverityError: "error",
		protocol.DiagnosticSeverityWarning: "warning", protocol.DiagnosticSeverityInformation: "info", protocol.DiagnosticSeverityHint: "hint"}
	var out canonical
	var lines []string
	c.mu.Lock()
	for uri, p := range c.diags {
		path, err := uriToPath(uri)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		text, ok := texts[rel]
		if !ok {
			b, _ := os.ReadFile(path)
			text = string(b)
		}
		for _, d := range p.Diagnostics {
			if d.Data == nil {
				t.Errorf("%s: a diagnostic without data: %+v", rel, d)
				continue
			}
			sl, sc := codePoints(text, d.Range.Start)
			el, ec := codePoints(text, d.Range.End)
			lines = append(lines, canonFinding(rel, sl, sc, el, ec, d.Data.Kind, d.Data.Capability, d.Data.Rule, d.Data.Tools,
				d.Data.Server, d.Data.Tainted, d.Data.TaintSource, d.Data.TaintRole, d.Data.Scope,
				scopeFields{d.Data.Scopes, d.Data.ScopeDynamic, d.Data.ScopeUnknown, d.Data.ScopeEnv, d.Data.ScopeOverride},
				d.Data.Manifest, severities[d.Severity], d.Message))
		}
	}
	c.mu.Unlock()
	out.findings = joinSorted(lines)

	lines = nil
	for rel := range texts {
		var lenses []protocol.CodeLens
		c.mustCall("textDocument/codeLens", protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri(rel)}}, &lenses)
		for _, l := range lenses {
			if l.Command == nil || len(l.Command.Arguments) == 0 {
				t.Errorf("%s: a code lens without a tool: %+v", rel, l)
				continue
			}
			title := strings.TrimPrefix(l.Command.Title, "mcpriv: ")
			if strings.HasPrefix(title, "unresolved tool name (") {
				_, title, _ = strings.Cut(title, ") · ")
			}
			caps, _, _ := strings.Cut(title, " · ")
			if caps == "no privileges" {
				caps = ""
			}
			lines = append(lines, fmt.Sprintf("%v %s %s", l.Command.Arguments[0], rel, strings.ReplaceAll(caps, ", ", ",")))
		}
	}
	out.tools = joinSorted(lines)

	c.mu.Lock()
	n := len(c.applied)
	c.mu.Unlock()
	var gen map[string]any
	c.mustCall("workspace/executeCommand", protocol.ExecuteCommandParams{Command: CmdGenerateManifest}, &gen)
	c.mu.Lock()
	applied := append([]WorkspaceEdit(nil), c.applied[n:]...)
	c.mu.Unlock()
	if gen["applied"] == true {
		if len(applied) != 1 {
			t.Fatalf("generateManifest applied %d edits", len(applied))
		}
		target := filepath.Join(root, manifest.FileName)
		old, _ := os.ReadFile(target)
		edits := applied[0].Changes[c.uri(manifest.FileName)]
		if len(edits) == 0 {
			t.Fatalf("generateManifest edited no %s: %+v", manifest.FileName, applied[0])
		}
		out.manifest = applyTextEdits(t, string(old), edits)
	}
	return out
}

// settle waits until no notification has arrived for a while.
func (c *testClient) settle() {
	for {
		select {
		case <-c.changed:
		case <-time.After(300 * time.Millisecond):
			return
		}
	}
}

// codePoints turns an LSP position (UTF-16 columns) into the CLI's 1-based
// line and code-point column.
func codePoints(text string, p protocol.Position) (int, int) {
	lines := strings.Split(text, "\n")
	if int(p.Line) >= len(lines) {
		return int(p.Line) + 1, int(p.Character) + 1
	}
	units, col := 0, 0
	for _, r := range lines[p.Line] {
		if units >= int(p.Character) {
			break
		}
		units += len(utf16.Encode([]rune{r}))
		col++
	}
	return int(p.Line) + 1, col + 1
}

// Issue 10, item 1: mcpriv.generateManifest on the monorepo writes only
// read_config into the root manifest; plugins/weather/mcp-capabilities.yaml
// governs get_alerts.
func TestGenerateManifestLeavesNestedManifests(t *testing.T) {
	root := copyDir(t, "../cmd/mcpriv/testdata/manifest/monorepo")
	nested := filepath.Join(root, "plugins", "weather", manifest.FileName)
	before, err := os.ReadFile(nested)
	if err != nil {
		t.Fatal(err)
	}
	got := lspCanonical(t, root).manifest
	m, errs := manifest.Parse(manifest.FileName, []byte(got))
	if len(errs) > 0 {
		t.Fatalf("generated manifest: %s\n%s", errs[0].Message, got)
	}
	if m.Tool("read_config") == nil || m.Tool("get_alerts") != nil {
		t.Errorf("the root manifest must hold read_config alone:\n%s", got)
	}
	if after, _ := os.ReadFile(nested); !bytes.Equal(before, after) {
		t.Error("the nested manifest changed")
	}
}
