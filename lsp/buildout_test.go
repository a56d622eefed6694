package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// copyDir copies the directory src (relative to this package) to a
// temporary root.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	root := t.TempDir()
	root, _ = filepath.EvalSymlinks(root)
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(root, rel), 0o755)
		}
		if d.Type()&os.ModeSymlink != 0 {
			to, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(to, filepath.Join(root, rel))
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(root, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func (c *testClient) openFile(name string) string {
	c.t.Helper()
	b, err := os.ReadFile(c.path(name))
	if err != nil {
		c.t.Fatal(err)
	}
	c.open(name, string(b))
	return string(b)
}

func (c *testClient) lenses(name string) []string {
	c.t.Helper()
	var lenses []protocol.CodeLens
	c.mustCall("textDocument/codeLens", protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri(name)}}, &lenses)
	var out []string
	for _, l := range lenses {
		if l.Command != nil {
			out = append(out, l.Command.Title)
		}
	}
	return out
}

// positionOf is the line and (ASCII) column of the first occurrence of sub.
func positionOf(t *testing.T, text, sub string) (uint32, uint32) {
	t.Helper()
	i := strings.Index(text, sub)
	if i < 0 {
		t.Fatalf("%q not in the text", sub)
	}
	line := strings.Count(text[:i], "\n")
	return uint32(line), uint32(i - strings.LastIndex(text[:i], "\n") - 1)
}

// A server published as compiled JavaScript only (issue 10, item 2): its
// build/ is the server's code, and the editor says what `mcpriv scan` says.
func TestBuildOutputIsTheCode(t *testing.T) {
	c := startServerAt(t, copyDir(t, "../testdata/builds/compiled-only"), clientOpts{engine: realEngine})
	c.mustCall("workspace/executeCommand", protocol.ExecuteCommandParams{Command: CmdScanWorkspace}, nil)
	c.openFile("build/index.js")
	shell := c.openFile("build/shell.js")
	c.waitDiags("build/shell.js", count(1))

	lenses := strings.Join(c.lenses("build/index.js"), "\n")
	if !strings.Contains(lenses, "mcpriv: system.exec") || strings.Contains(lenses, "no privileges\nmcpriv: no privileges") {
		t.Errorf("code lenses of build/index.js:\n%s\nwant run_command's system.exec", lenses)
	}
	line, col := positionOf(t, shell, "exec(command")
	h := c.hover("build/shell.js", line, col)
	if !strings.Contains(h, "run_command") || strings.Contains(h, "server start-up") {
		t.Errorf("hover on exec:\n%s\nwant it reached by run_command", h)
	}
	acts := c.codeActions("build/shell.js", rangeOf(pos(line, col), pos(line, col)), protocol.QuickFix)
	var titles []string
	for _, a := range acts {
		titles = append(titles, a.Title)
	}
	if all := strings.Join(titles, "\n"); !strings.Contains(all, "system.exec") || !strings.Contains(all, "for tool `run_command`") || strings.Contains(all, "for server") {
		t.Errorf("quick fixes on exec:\n%s\nwant a grant to tool run_command", all)
	}
}

// Build output next to its sources is left out, as by the CLI, and the
// editor says so instead of stating a result.
func TestBuildOutputLeftOutSaysSo(t *testing.T) {
	c := startServerAt(t, copyDir(t, "../testdata/builds/with-sources"), clientOpts{engine: realEngine})
	c.mustCall("workspace/executeCommand", protocol.ExecuteCommandParams{Command: CmdScanWorkspace}, nil)
	text := c.openFile("build/index.js")
	const want = "not analysed: build output of src/"
	ds := c.waitDiags("build/index.js", count(1))
	if ds[0].Severity != protocol.DiagnosticSeverityHint || !strings.Contains(ds[0].Message, want) {
		t.Errorf("diagnostic %+v, want a hint %q", ds[0], want)
	}
	if l := c.lenses("build/index.js"); len(l) != 1 || !strings.Contains(l[0], want) {
		t.Errorf("code lenses %q, want one saying %q", l, want)
	}
	line, col := positionOf(t, text, "readFile(\"/etc/motd\"")
	if h := c.hover("build/index.js", line, col); !strings.Contains(h, want) || strings.Contains(h, "Reached by") {
		t.Errorf("hover %q, want %q", h, want)
	}
	if acts := c.codeActions("build/index.js", rangeOf(pos(line, col), pos(line, col))); len(acts) != 0 {
		t.Errorf("code actions on a file not analysed: %+v", acts)
	}
	// Closed, the file keeps no notice.
	c.notify("textDocument/didClose", protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("build/index.js")}})
	c.waitDiags("build/index.js", count(0))
	// The sources carry the findings, once.
	var sum map[string]any
	c.mustCall("workspace/executeCommand", protocol.ExecuteCommandParams{Command: CmdScanWorkspace}, &sum)
	if sum["tools"] != float64(2) || sum["findings"] != float64(1) {
		t.Errorf("workspace summary %v, want the 2 tools and 1 finding of src/ alone", sum)
	}
}
