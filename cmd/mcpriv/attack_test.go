package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Attacks of issue 14 on the gate: a server's own code tries to make
// `scan --fail-on` and `manifest --check` pass while it runs a command.
// Each case is first the attack as the issue describes it, then what must
// happen: the command is seen, or the gate fails on code it could not see.

// attackFiles writes files (slash paths) into a new directory.
func attackFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type attackFinding struct {
	Kind       string `json:"kind"`
	Rule       string `json:"rule"`
	Severity   string `json:"severity"`
	Capability string `json:"capability"`
	Tainted    bool   `json:"tainted"`
	File       string `json:"file"`
}

// scanJSON scans dir and returns its findings.
func scanJSON(t *testing.T, dir string, extra ...string) []attackFinding {
	t.Helper()
	code, out, errs := runCLI(t, append(append([]string{"scan", "--no-progress", "--format", "json"}, extra...), dir)...)
	if code != exitOK {
		t.Fatalf("scan --format json: exit %d, stderr %s", code, errs)
	}
	var res struct {
		Findings []attackFinding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

// assertGateFails: every --fail-on level fails, and a manifest generated
// from what was seen does not pass --check.
func assertGateFails(t *testing.T, dir string, extra ...string) {
	t.Helper()
	for _, level := range []string{"hint", "info", "warning", "error"} {
		if code, _, errs := runCLI(t, append(append([]string{"scan", "--no-progress", "--fail-on", level}, extra...), dir)...); code != exitFindings {
			t.Errorf("scan --fail-on %s: exit %d, want %d (stderr %s)", level, code, exitFindings, errs)
		}
	}
	if code, _, errs := runCLI(t, append(append([]string{"manifest", "--no-progress"}, extra...), dir)...); code != exitOK {
		t.Fatalf("manifest: exit %d: %s", code, errs)
	}
	if code, out, _ := runCLI(t, append(append([]string{"manifest", "--check", "--no-progress"}, extra...), dir)...); code != exitFindings {
		t.Errorf("manifest --check: exit %d, want %d; stdout:\n%s", code, exitFindings, out)
	}
}

func hasRule(fs []attackFinding, rule string) bool {
	for _, f := range fs {
		if f.Rule == rule {
			if f.Severity != "error" || f.Kind != "unanalysed" {
				return false
			}
			return true
		}
	}
	return false
}

func countExec(fs []attackFinding, tainted bool) int {
	n := 0
	for _, f := range fs {
		if f.Capability == "system.exec" && (!tainted || f.Tainted) {
			n++
		}
	}
	return n
}

const goMod = "module demo\n\ngo 1.22\n\nrequire github.com/mark3labs/mcp-go v0.30.0\n"

func pyServer(body string) string {
	return "from mcp.server.fastmcp import FastMCP\nimport os\n\nmcp = FastMCP(\"demo\")\n\n\n" + body
}

func pyTool(expr string) string {
	return pyServer("@mcp.tool()\ndef run(cmd: str) -> str:\n    \"\"\"Run it.\"\"\"\n    return str(" + expr + ")\n")
}

func jsTool(stmt string) string { return jsToolWith("", stmt) }

// jsToolWith is jsTool with declarations before the tool.
func jsToolWith(decls, stmt string) string {
	return "const { McpServer } = require(\"@modelcontextprotocol/sdk/server/mcp.js\");\nconst child_process = require(\"child_process\");\n" +
		"const server = new McpServer({ name: \"demo\", version: \"1.0.0\" });\n" + decls +
		"server.tool(\"run\", {}, async ({ cmd }) => {\n  " + stmt + ";\n  return { content: [] };\n});\n"
}

func goTool(stmt string) string {
	return "package main\n\nimport (\n\t\"context\"\n\t\"os/exec\"\n\n\t\"github.com/mark3labs/mcp-go/mcp\"\n\t\"github.com/mark3labs/mcp-go/server\"\n)\n\n" +
		"func main() {\n\ts := server.NewMCPServer(\"demo\", \"1.0.0\")\n" +
		"\ts.AddTool(mcp.NewTool(\"run\"), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {\n" +
		"\t\tcmd, _ := req.RequireString(\"cmd\")\n" + stmt + "\n\t\treturn nil, nil\n\t})\n\tserver.ServeStdio(s)\n}\n"
}

// TestAttackTooDeep: a call nested past the extractors' depth bound is
// not dropped silently: the subtree is an error finding (mcpriv.too-deep)
// that fails the gate at every level.
func TestAttackTooDeep(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
	}{
		{"python not", map[string]string{"server.py": pyTool(strings.Repeat("not ", 1000) + "os.system(cmd)")}},
		{"python parens", map[string]string{"server.py": pyTool(strings.Repeat("(", 1000) + "os.system(cmd)" + strings.Repeat(")", 1000))}},
		{"python calls", map[string]string{"server.py": pyTool(strings.Repeat("str(", 1000) + "os.system(cmd)" + strings.Repeat(")", 1000))}},
		{"python lambdas", map[string]string{"server.py": pyTool(strings.Repeat("(lambda: ", 600) + "os.system(cmd)" + strings.Repeat(")()", 600))}},
		{"python power", map[string]string{"server.py": pyTool(strings.Repeat("2 ** ", 1000) + "os.system(cmd)")}},
		{"go blocks", map[string]string{"go.mod": goMod, "main.go": goTool(strings.Repeat("{", 600) + "exec.Command(cmd).Run()" + strings.Repeat("}", 600))}},
		{"go expressions", map[string]string{"go.mod": goMod, "main.go": goTool("_ = " + strings.Repeat("(", 1000) + "exec.Command(cmd).Run()" + strings.Repeat(")", 1000))}},
		{"js parens", map[string]string{"index.js": jsTool(strings.Repeat("(", 3000) + "child_process.execSync(cmd)" + strings.Repeat(")", 3000))}},
		{"js arrays", map[string]string{"index.js": jsTool(strings.Repeat("[", 3000) + "child_process.execSync(cmd)" + strings.Repeat("]", 3000))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := attackFiles(t, tc.files)
			fs := scanJSON(t, dir)
			if countExec(fs, false) == 0 && !hasRule(fs, "mcpriv.too-deep") {
				t.Fatalf("the nested call is neither found nor reported as too deep: %+v", fs)
			}
			assertGateFails(t, dir)
		})
	}
}

// TestAttackSkippedFile: odd bytes do not make source "binary"; a file
// that is skipped (a real binary, over the size limit) is an error finding
// that fails the gate, unless excluded on purpose.
func TestAttackSkippedFile(t *testing.T) {
	exec := pyTool("os.system(cmd)")
	for _, tc := range []struct {
		name     string
		text     string
		extra    []string
		analysed bool
	}{
		{"NUL in a comment", "# \x00\n" + exec, nil, true},
		{"Latin-1 comment", "# " + strings.Repeat("\xe9", 1000) + "\n" + exec, nil, true},
		{"NUL after 8 KiB", exec + "# " + strings.Repeat("x", 9000) + "\x00\n", nil, true},
		{"binary magic", "\x7fELF\x02\x01\x01\n" + exec, nil, false},
		{"many NULs", exec + "#" + strings.Repeat("\x00", 4000) + "\n", nil, false},
		{"over the size limit", exec + "#" + strings.Repeat("x", 4000) + "\n", []string{"--max-file-size", "2k"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := attackFiles(t, map[string]string{"server.py": tc.text})
			fs := scanJSON(t, dir, tc.extra...)
			if tc.analysed {
				// Seen like any call: it fails --fail-on and goes into the manifest.
				if countExec(fs, true) != 1 {
					t.Fatalf("want the tainted os.system call analysed, got %+v", fs)
				}
				if code, _, _ := runCLI(t, "scan", "--no-progress", "--fail-on", "warning", dir); code != exitFindings {
					t.Errorf("scan --fail-on warning: exit %d, want %d", code, exitFindings)
				}
				if code, _, errs := runCLI(t, "manifest", "--no-progress", dir); code != exitOK {
					t.Fatalf("manifest: exit %d: %s", code, errs)
				}
				if m, err := os.ReadFile(filepath.Join(dir, "mcp-capabilities.yaml")); err != nil || !strings.Contains(string(m), "system.exec") {
					t.Errorf("the generated manifest does not grant system.exec (%v):\n%s", err, m)
				}
				return
			}
			if !hasRule(fs, "mcpriv.skipped") {
				t.Fatalf("want an error finding mcpriv.skipped, got %+v", fs)
			}
			assertGateFails(t, dir, tc.extra...)
			{
				// Excluded on purpose: no longer counted.
				ex := append([]string{"--exclude", "server.py"}, tc.extra...)
				if hasRule(scanJSON(t, dir, ex...), "mcpriv.skipped") {
					t.Error("an excluded file is still reported as skipped")
				}
			}
		})
	}
}

// TestAttackRoot: a PATH that is a symlink to a directory is scanned (not
// an empty tree), and a root that cannot be read is exit 2, not "0 files".
func TestAttackRoot(t *testing.T) {
	dir := attackFiles(t, map[string]string{"real/server.py": pyTool("os.system(cmd)")})
	link := filepath.Join(dir, "link")
	if err := os.Symlink("real", link); err != nil {
		t.Fatal(err)
	}
	if n := countExec(scanJSON(t, link), true); n != 1 {
		t.Errorf("symlinked root: %d tainted exec findings, want 1", n)
	}
	if code, _, _ := runCLI(t, "scan", "--no-progress", "--fail-on", "warning", link); code != exitFindings {
		t.Errorf("symlinked root: scan --fail-on warning exit %d, want %d", code, exitFindings)
	}
	t.Chdir(link) // a working directory reached through a symlink
	if n := countExec(scanJSON(t, "."), true); n != 1 {
		t.Errorf("symlinked working directory: %d tainted exec findings, want 1", n)
	}

	locked := filepath.Join(dir, "locked")
	if err := os.Mkdir(locked, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(locked, "server.py"), []byte(pyTool("os.system(cmd)")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(locked, 0o755)
	if _, err := os.ReadDir(locked); err == nil {
		t.Log("running with privileges that read any directory: the unreadable root is not tested")
		return
	}
	if code, _, errs := runCLI(t, "scan", "--no-progress", locked); code != exitError {
		t.Errorf("unreadable root: exit %d, want %d (stderr %s)", code, exitError, errs)
	}
}

// TestAttackMutualRecursion: tool → f0(x) → f1(x) → f0(x), each running
// x: both calls are tainted (warning), in every language.
func TestAttackMutualRecursion(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
	}{
		{"python", map[string]string{"server.py": pyServer("def f0(x, n):\n    os.system(x)\n    if n:\n        f1(x, n - 1)\n\n\n" +
			"def f1(x, n):\n    os.system(x)\n    if n:\n        f0(x, n - 1)\n\n\n" +
			"@mcp.tool()\ndef run(cmd: str) -> str:\n    \"\"\"Run it.\"\"\"\n    f0(cmd, 3)\n    return \"ok\"\n")}},
		{"javascript", map[string]string{"index.js": jsToolWith("function f0(x, n) {\n  child_process.execSync(x);\n  if (n) f1(x, n - 1);\n}\n"+
			"function f1(x, n) {\n  child_process.execSync(x);\n  if (n) f0(x, n - 1);\n}\n", "f0(cmd, 3)")}},
		{"go", map[string]string{"go.mod": goMod, "main.go": goTool("\t\tf0(cmd, 3)") +
			"\nfunc f0(x string, n int) {\n\texec.Command(x).Run()\n\tif n > 0 {\n\t\tf1(x, n-1)\n\t}\n}\n" +
			"\nfunc f1(x string, n int) {\n\texec.Command(x).Run()\n\tif n > 0 {\n\t\tf0(x, n-1)\n\t}\n}\n"}},
		{"python three-cycle entered in the middle", map[string]string{"server.py": pyServer(
			"def f0(x):\n    os.system(x)\n    f1(x)\n\n\ndef f1(x):\n    os.system(x)\n    f2(x)\n\n\ndef f2(x):\n    os.system(x)\n    f0(x)\n\n\n" +
				"@mcp.tool()\ndef run(cmd: str) -> str:\n    \"\"\"Run it.\"\"\"\n    f1(cmd)\n    return \"ok\"\n")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := attackFiles(t, tc.files)
			fs := scanJSON(t, dir)
			want := countExec(fs, false)
			if want < 2 {
				t.Fatalf("%d exec findings, want at least 2: %+v", want, fs)
			}
			if got := countExec(fs, true); got != want {
				t.Errorf("%d of %d exec findings tainted: %+v", got, want, fs)
			}
			if code, _, _ := runCLI(t, "scan", "--no-progress", "--fail-on", "warning", dir); code != exitFindings {
				t.Errorf("scan --fail-on warning: exit %d, want %d", code, exitFindings)
			}
		})
	}
}

// TestAttackGoModNotRegular: a go.mod that is a symlink to /dev/zero, a
// sparse 50 GB file or a FIFO neither exhausts memory nor hangs the scan;
// the module's code is still analysed.
func TestAttackGoModNotRegular(t *testing.T) {
	for _, kind := range []string{"dev-zero", "sparse", "fifo"} {
		t.Run(kind, func(t *testing.T) {
			dir := attackFiles(t, map[string]string{"main.go": goTool("\t\texec.Command(cmd).Run()")})
			gomod := filepath.Join(dir, "go.mod")
			switch kind {
			case "dev-zero":
				if err := os.Symlink("/dev/zero", gomod); err != nil {
					t.Fatal(err)
				}
			case "sparse":
				f, err := os.Create(gomod)
				if err != nil {
					t.Fatal(err)
				}
				if err := f.Truncate(50 << 30); err != nil {
					t.Skipf("no sparse file here: %v", err)
				}
				f.Close()
			case "fifo":
				if err := syscall.Mkfifo(gomod, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			done := make(chan []attackFinding, 1)
			go func() { done <- scanJSON(t, dir) }()
			select {
			case fs := <-done:
				if countExec(fs, true) != 1 {
					t.Errorf("want the tainted exec.Command found, got %+v", fs)
				}
			case <-time.After(2 * time.Minute): // a hang guard, not a timing assertion
				t.Fatal("scan did not return: it is blocked on go.mod")
			}
		})
	}
}
