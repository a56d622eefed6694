package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// repoRoot is where the goldens are generated from, so paths in them read
// testdata/servers/<name>/… whatever machine runs the test.
var repoRoot, _ = filepath.Abs(filepath.Join("..", ".."))

func servers(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(repoRoot, "testdata", "servers"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	if len(out) < 6 {
		t.Fatalf("found %d example servers, want at least 6", len(out))
	}
	return out
}

// normalise replaces what differs between machines: the absolute checkout
// path in SARIF's %SRCROOT%.
func normalise(out string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(repoRoot) + "/"}
	return strings.ReplaceAll(out, u.String(), "file:///SRCROOT/")
}

var formatExt = map[string]string{"text": "txt", "json": "json", "sarif": "sarif"}

func TestScanGolden(t *testing.T) {
	t.Chdir(repoRoot)
	for _, name := range servers(t) {
		for format, ext := range formatExt {
			t.Run(name+"."+ext, func(t *testing.T) {
				root := "testdata/servers/" + name
				code, out, errs := runCLI(t, "scan", "--no-progress", "--format", format, root)
				if code != exitOK {
					t.Fatalf("exit %d, stderr:\n%s", code, errs)
				}
				if errs != "" {
					t.Errorf("stderr not empty: %q", errs)
				}
				got := normalise(out)
				path := filepath.Join(repoRoot, "testdata", "scan", name+"."+ext)
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./cmd/mcpriv -run TestScanGolden -update)", err)
				}
				if got != string(want) {
					t.Errorf("output differs from %s (run with -update and review the diff):\n%s", path, firstDiff(got, string(want)))
				}
			})
		}
	}
}

// The parallel scan prints the same bytes whatever the number of workers,
// and --fail-on agrees with what was printed.
func TestScanDeterministicAndFailOn(t *testing.T) {
	t.Chdir(repoRoot)
	for _, name := range servers(t) {
		root := "testdata/servers/" + name
		_, one, _ := runCLI(t, "scan", "--jobs", "1", "--format", "json", root)
		_, many, _ := runCLI(t, "scan", "--jobs", "8", "--format", "json", root)
		if one != many {
			t.Errorf("%s: --jobs 1 and --jobs 8 differ", name)
		}
		var doc struct {
			Findings []struct{ Severity string }
		}
		if err := json.Unmarshal([]byte(one), &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := exitOK
		if len(doc.Findings) > 0 {
			want = exitFindings
		}
		if code, _, _ := runCLI(t, "scan", "--fail-on", "hint", root); code != want {
			t.Errorf("%s: --fail-on hint exit %d with %d findings", name, code, len(doc.Findings))
		}
		if code, _, _ := runCLI(t, "scan", "--fail-on", "none", root); code != exitOK {
			t.Errorf("%s: --fail-on none exit %d", name, code)
		}
	}
}

// Files that cannot be analysed are listed and the scan goes on.
func TestScanFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("server.py", []byte("import subprocess\nfrom mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP(\"x\")\n\n@mcp.tool()\ndef run(cmd: str) -> str:\n    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout\n"))
	write("bundle.js", append([]byte("var a = 1;\x00\x01\x02"), bytes.Repeat([]byte{0}, 64)...))
	write("huge.ts", bytes.Repeat([]byte("export const x = 1;\n"), 200)) // 4000 bytes
	write("broken.ts", []byte("export function f( {{{{ ((( \n\"unterminated"))
	unreadable := "secret.js"
	if runtime.GOOS != "windows" && os.Getuid() != 0 {
		write(unreadable, []byte("require('fs').readFileSync('/etc/passwd')\n"))
		if err := os.Chmod(filepath.Join(dir, unreadable), 0); err != nil {
			t.Fatal(err)
		}
	} else if err := os.Symlink(filepath.Join(dir, "gone.js"), filepath.Join(dir, unreadable)); err != nil {
		// root reads everything: a dangling symlink is unreadable for everyone.
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "scan", "--no-progress", "--max-file-size", "1k", "--format", "json", dir)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	var doc struct {
		Errors []struct {
			File, Message string
			Skipped       bool
		}
		Tools []struct{ Name string }
		Files int
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	byFile := map[string]bool{}
	for _, e := range doc.Errors {
		byFile[e.File] = e.Skipped
	}
	for file, skipped := range map[string]bool{"bundle.js": true, "huge.ts": true} {
		if s, ok := byFile[file]; !ok || s != skipped {
			t.Errorf("%s: listed %v skipped %v; want listed, skipped %v (errors %+v)", file, ok, s, skipped, doc.Errors)
		}
	}
	if _, ok := byFile[unreadable]; !ok {
		// The walk may drop a dangling symlink as not a regular file; it
		// must not stop the scan either way.
		t.Logf("%s not listed (errors %+v)", unreadable, doc.Errors)
	}
	if doc.Files < 2 {
		t.Errorf("%d files analysed; want server.py and broken.ts", doc.Files)
	}
	if len(doc.Tools) != 1 || doc.Tools[0].Name != "run" {
		t.Errorf("tools %+v: the good file was not analysed", doc.Tools)
	}
	// The text report lists them too.
	_, text, _ := runCLI(t, "scan", "--no-progress", "--max-file-size", "1k", dir)
	if !strings.Contains(text, "skipped:") || !strings.Contains(text, "huge.ts") {
		t.Errorf("text report does not list skipped files:\n%s", text)
	}
}

// A PATH that is a file is scanned alone, paths relative to its directory.
func TestScanSingleFile(t *testing.T) {
	t.Chdir(repoRoot)
	code, out, errs := runCLI(t, "scan", "--format", "json", "testdata/servers/lowlevel-py/server.py")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Tools []struct{ File string }
		Files int
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Files != 1 {
		t.Errorf("%d files analysed, want 1", doc.Files)
	}
	for _, tool := range doc.Tools {
		if tool.File != "server.py" {
			t.Errorf("tool file %q, want server.py", tool.File)
		}
	}
}

// firstDiff shows where two outputs part, with a little context: whole
// SARIF logs are too long to compare by eye in a test failure.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			from := max(0, i-3)
			ctx := strings.Join(g[from:i], "\n")
			return fmt.Sprintf("line %d:\n%s\n- want: %s\n+ got:  %s", i+1, ctx, wl, gl)
		}
	}
	return "(no difference)"
}

// TestScanPositionsLineBreaks is issue 14 item 13 in the CLI: a byte-order
// mark counted as a column (1:2), and a lone \r did not end a line, so every
// position after it was a line off from what editors and Node show.
func TestScanPositionsLineBreaks(t *testing.T) {
	dir := t.TempDir()
	src := "\ufeffrequire(\"child_process\").exec(\"ls\");\r// é\r/*é😀*/require(\"fs\").writeFileSync(\"/tmp/x\", \"x\");\n"
	if err := os.WriteFile(filepath.Join(dir, "a.js"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "scan", "--no-progress", "--format", "json", dir)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	var rep struct {
		Findings []struct {
			API    string `json:"api"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	// 1-based; columns in code points: "/*é😀*/" is 6.
	want := map[string][2]int{"child_process.exec": {1, 1}, "fs.writeFileSync": {3, 7}}
	for _, f := range rep.Findings {
		w, ok := want[f.API]
		if !ok {
			continue
		}
		delete(want, f.API)
		if f.Line != w[0] || f.Column != w[1] {
			t.Errorf("%s at %d:%d, want %d:%d", f.API, f.Line, f.Column, w[0], w[1])
		}
	}
	if len(want) > 0 {
		t.Errorf("findings missing: %v\n%s", want, out)
	}
}

// Build output is analysed when it is the server's code, and left out, with
// a notice, when its sources are in the tree (the rule the language server
// follows too: package buildout).
func TestScanBuildOutput(t *testing.T) {
	code, out, errs := runCLI(t, "scan", "--format", "json", "../../testdata/builds/compiled-only")
	if code != exitFindings && code != exitOK {
		t.Fatalf("compiled-only: exit %d\n%s", code, errs)
	}
	if !strings.Contains(out, `"system.exec"`) || !strings.Contains(out, `"run_command"`) || strings.Contains(out, `"builtFrom"`) {
		t.Errorf("compiled-only: want build/ analysed (run_command's system.exec):\n%s", out)
	}
	code, out, errs = runCLI(t, "scan", "--format", "json", "../../testdata/builds/with-sources")
	if code != exitFindings && code != exitOK {
		t.Fatalf("with-sources: exit %d\n%s", code, errs)
	}
	if strings.Contains(out, `"build/index.js"`) || strings.Count(out, `"name": "read_motd"`) != 1 {
		t.Errorf("with-sources: build/ analysed next to its sources:\n%s", out)
	}
	if !strings.Contains(out, `"builtFrom": "src/"`) || !strings.Contains(out, "not analysed: build output of src/") {
		t.Errorf("with-sources: no notice for the build output left out:\n%s", out)
	}
	if code, out, _ := runCLI(t, "scan", "--format", "json", "--no-default-excludes", "../../testdata/builds/with-sources"); code == exitError || !strings.Contains(out, `"build/index.js"`) {
		t.Errorf("--no-default-excludes: want build/ analysed too:\n%s", out)
	}
}
