package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// A fresh round of variants of issue 14's attacks (session 7), each with
// what must happen. The ones that succeeded before are fixed: Python
// nested past the grammar's indentation, Python with lone CR line ends,
// invisible format characters in tool names, and a literal grant credited
// beside values that are not literals (analysis/manifest TestScopeAttacks).

// TestAttackDepthVariants: nestings other than the (dicts,
// subscripts, comprehensions, blocks, templates, JSX, composite literals,
// closures, switch) either show the call or fail the gate too deep.
func TestAttackDepthVariants(t *testing.T) {
	const n = 3000
	rep := strings.Repeat
	pyBlocks := func(width, depth int) string {
		var b strings.Builder
		b.WriteString("@mcp.tool()\ndef run(cmd: str) -> str:\n" + rep(" ", width) + "\"\"\"Run it.\"\"\"\n")
		for i := 1; i <= depth; i++ {
			b.WriteString(rep(" ", width*i) + "if cmd:\n")
		}
		b.WriteString(rep(" ", width*(depth+1)) + "os.system(cmd)\n" + rep(" ", width) + "return \"ok\"\n")
		return pyServer(b.String())
	}
	goStmt := func(s string) map[string]string {
		return map[string]string{"go.mod": goMod, "main.go": goTool("\t\t" + s)}
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
	}{
		{"python dicts", map[string]string{"s.py": pyTool(rep(`{"a": `, n) + "os.system(cmd)" + rep("}", n))}},
		{"python subscripts", map[string]string{"s.py": pyTool(rep("cmd[", n) + "os.system(cmd)" + rep("]", n))}},
		{"python comprehensions", map[string]string{"s.py": pyTool(rep("[x for x in ", 400) + "[os.system(cmd)]" + rep("]", 400))}},
		{"python unary minus", map[string]string{"s.py": pyTool(rep("-", n) + "os.system(cmd)")}},
		{"python blocks indented 8", map[string]string{"s.py": pyBlocks(8, 40)}},
		{"python blocks indented 4", map[string]string{"s.py": pyBlocks(4, 70)}},
		{"javascript arrays", map[string]string{"index.js": jsTool("const a = " + rep("[", n) + "child_process.execSync(cmd)" + rep("]", n))}},
		{"javascript ternaries", map[string]string{"index.js": jsTool("const a = " + rep("cmd ? 1 : ", n) + "child_process.execSync(cmd)")}},
		{"javascript templates", map[string]string{"index.js": jsTool("const a = " + rep("`${", n) + "child_process.execSync(cmd)" + rep("}`", n))}},
		{"javascript arrows", map[string]string{"index.js": jsTool("const a = " + rep("() => ", n) + "child_process.execSync(cmd)")}},
		{"javascript blocks", map[string]string{"index.js": jsTool(rep("{", n) + "child_process.execSync(cmd);" + rep("}", n))}},
		{"javascript awaits", map[string]string{"index.js": jsTool(rep("await ", n) + "child_process.execSync(cmd)")}},
		{"jsx elements", map[string]string{"index.jsx": jsTool("const a = " + rep("<a>{", n) + "child_process.execSync(cmd)" + rep("}</a>", n))}},
		{"go closures", goStmt("_ = " + rep("func() any { return ", n) + "exec.Command(cmd).Run()" + rep(" }()", n))},
		{"go composite literals", goStmt("_ = " + rep("[]any{", n) + "exec.Command(cmd).Run()" + rep("}", n))},
		{"go switches", goStmt(rep("switch { case true: ", n) + "exec.Command(cmd).Run()" + rep(" }", n))},
		{"go negations", goStmt("_ = " + rep("!", n) + "(exec.Command(cmd).Run() == nil)")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := attackFiles(t, tc.files)
			fs := scanJSON(t, dir)
			if !hasRule(fs, "mcpriv.too-deep") && countExec(fs, true) == 0 {
				t.Fatalf("neither a tainted exec nor a too-deep finding: %+v", fs)
			}
			if code, _, _ := runCLI(t, "scan", "--no-progress", "--fail-on", "warning", dir); code != exitFindings {
				t.Errorf("scan --fail-on warning: exit %d, want %d", code, exitFindings)
			}
		})
	}
}

// TestAttackLineEnds: a BOM, lone CRs and CRLFs mixed. CPython and Node
// read a lone CR as a line end; the Python grammar did not, so the file
// was one syntax error, its tool lost and its exec untainted. Positions
// count lone CRs as line ends and the BOM as no column.
func TestAttackLineEnds(t *testing.T) {
	for _, tc := range []struct {
		name, file, text, want string
	}{
		{"python", "s.py", "\ufefffrom mcp.server.fastmcp import FastMCP\rimport os\r\n\rmcp = FastMCP(\"demo\")\r\n\r\n@mcp.tool()\rdef run(cmd: str) -> str:\r    \"\"\"Run it.\"\"\"\r\n    return str(os.system(cmd))\r", "s.py:9:16:"},
		{"python, CR only", "s.py", "from mcp.server.fastmcp import FastMCP\rimport os\r\rmcp = FastMCP(\"demo\")\r\r\r@mcp.tool()\rdef run(cmd: str) -> str:\r    \"\"\"Run it.\"\"\"\r    return str(os.system(cmd))\r", "s.py:10:16:"},
		{"javascript", "index.js", "\ufeffconst { McpServer } = require(\"@modelcontextprotocol/sdk/server/mcp.js\");\rconst child_process = require(\"child_process\");\r\nconst server = new McpServer({ name: \"demo\", version: \"1.0.0\" });\rserver.tool(\"run\", {}, async ({ cmd }) => {\r\n  child_process.execSync(cmd);\r  return { content: [] };\n});\n", "index.js:5:3:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := attackFiles(t, map[string]string{tc.file: tc.text})
			if countExec(scanJSON(t, dir), true) != 1 {
				t.Errorf("want one tainted exec: %+v", scanJSON(t, dir))
			}
			_, out, _ := runCLI(t, "scan", "--no-progress", dir)
			if !strings.Contains(out, tc.want) || !strings.Contains(out, "[tools: run]") {
				t.Errorf("want the exec at %s in tool run:\n%s", tc.want, out)
			}
		})
	}
}

// TestAttackInvisibleToolNames: invisible format characters in a tool
// name (a zero-width space, a soft hyphen, tag characters) are written
// escaped in the text report, so "r\u200bun" does not read as "run".
func TestAttackInvisibleToolNames(t *testing.T) {
	names := []string{"r\u200bun", "r\u00adun", "run\U000e0041", "r\u2060un", "r\u180eun", "r\u3164un", "r\u200dun"}
	var decls strings.Builder
	for _, n := range names {
		decls.WriteString("server.tool(\"" + n + "\", {}, async ({ cmd }) => { child_process.execSync(cmd); return { content: [] }; });\n")
	}
	dir := attackFiles(t, map[string]string{"index.js": jsToolWith(decls.String(), "child_process.execSync(cmd)")})
	_, out, _ := runCLI(t, "scan", "--no-progress", dir)
	for _, r := range out {
		if unicode.Is(unicode.Cf, r) || r == 0x3164 {
			t.Fatalf("the report holds %U as is:\n%s", r, out)
		}
	}
	for _, want := range []string{`r\u200bun`, `r\u00adun`, `run\U000e0041`} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %s:\n%s", want, out)
		}
	}
}

// TestAttackLinkLoops: links that loop inside the tree are not followed
// and do not hang the scan; a root that is a loop is exit 2.
func TestAttackLinkLoops(t *testing.T) {
	dir := attackFiles(t, map[string]string{"src/index.js": jsTool("child_process.execSync(cmd)")})
	for _, l := range [][2]string{{"..", "src/up"}, {"b", "src/a"}, {"a", "src/b"}, {"loop.js", "src/loop.js"}} {
		if err := os.Symlink(l[0], filepath.Join(dir, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	if countExec(scanJSON(t, dir), true) != 1 {
		t.Error("want the one tainted exec")
	}
	loop := filepath.Join(t.TempDir(), "loop")
	if err := os.Symlink("loop", loop); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "scan", "--no-progress", loop); code != exitError || errs == "" {
		t.Errorf("scan of a looping root: exit %d (%q), want 2 with a message", code, errs)
	}
}

// TestAttackRulesDirLinks: a rules directory reached through a link is
// read; a rule file that is a link loop or a device is an
// error naming it (exit 2), never a hang or an empty rule set.
func TestAttackRulesDirLinks(t *testing.T) {
	src := attackFiles(t, map[string]string{"index.js": jsTool("child_process.execSync(cmd)")})
	for _, tc := range []struct {
		name string
		make func(dir string) error
		want string
	}{
		{"loop", func(d string) error { return os.Symlink("x.yaml", filepath.Join(d, "x.yaml")) }, "x.yaml"},
		{"device", func(d string) error { return os.Symlink("/dev/zero", filepath.Join(d, "zero.yaml")) }, "zero.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			rules := filepath.Join(base, "rules")
			if err := os.Mkdir(rules, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := tc.make(rules); err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(base, "link")
			if err := os.Symlink(rules, link); err != nil {
				t.Fatal(err)
			}
			for _, r := range []string{rules, link} {
				code, _, errs := runCLI(t, "scan", "--no-progress", "--rules", r, src)
				if code != exitError || !strings.Contains(errs, tc.want) {
					t.Errorf("--rules %s: exit %d, stderr %q; want 2 naming %s", r, code, errs, tc.want)
				}
			}
		})
	}
}

// TestAttackAliasBombs: a manifest of nested anchors (10^12 strings when
// expanded) is refused as invalid and fails the check; a rule file
// repeating one anchored rule 5,000 times is read within its limits.
func TestAttackAliasBombs(t *testing.T) {
	var m strings.Builder
	m.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		m.WriteString(fmt.Sprintf("a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 10), ", ")))
	}
	m.WriteString("tools:\n  run:\n    system.exec: *a11\n")
	dir := attackFiles(t, map[string]string{"index.js": jsTool("child_process.execSync(cmd)"), "mcp-capabilities.yaml": m.String()})
	code, out, _ := runCLI(t, "manifest", "--check", "--no-progress", dir)
	if code != exitFindings || !strings.Contains(out, "alias") {
		t.Errorf("manifest --check: exit %d, want %d naming the aliases:\n%s", code, exitFindings, out)
	}

	rules := filepath.Join(t.TempDir(), "rules")
	if err := os.Mkdir(rules, 0o755); err != nil {
		t.Fatal(err)
	}
	r := "language: js\nrules:\n  - &r0\n    id: js.x\n    capability: system.exec\n    message: runs\n    modules: [child_process]\n    calls: [execSync]\n" + strings.Repeat("  - *r0\n", 5000)
	if err := os.WriteFile(filepath.Join(rules, "bomb.yaml"), []byte(r), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "scan", "--no-progress", "--rules", rules, dir); code != exitError || errs == "" {
		t.Errorf("--rules with 5,000 aliased rules: exit %d, stderr %q; want 2 with a message", code, errs)
	}
}
