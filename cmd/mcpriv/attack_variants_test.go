package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// Variants of issue 14's attacks on the engine code added after it was
// closed the first time: constant propagation, tool tables and registries,
// object flow. Each must end in a call that is seen or a gate that fails
// on code that was not: never a silent gap.

// goTable is a Go server registering n tools from a table with AddTools.
func goTable(n int) string {
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n\t\"context\"\n\t\"os/exec\"\n\n\t\"github.com/mark3labs/mcp-go/mcp\"\n\t\"github.com/mark3labs/mcp-go/server\"\n)\n\n")
	b.WriteString("func h(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {\n\tcmd, _ := req.RequireString(\"cmd\")\n\texec.Command(cmd).Run()\n\treturn nil, nil\n}\n\n")
	b.WriteString("var tools = []server.ServerTool{\n")
	for i := range n {
		fmt.Fprintf(&b, "\t{Tool: mcp.NewTool(\"t%d\"), Handler: h},\n", i)
	}
	b.WriteString("}\n\nfunc main() {\n\ts := server.NewMCPServer(\"demo\", \"1.0.0\")\n\ts.AddTools(tools...)\n\tserver.ServeStdio(s)\n}\n")
	return b.String()
}

// jsTable is a JS server registering n tools from a table in a loop.
func jsTable(n int) string {
	var b strings.Builder
	b.WriteString("const { McpServer } = require(\"@modelcontextprotocol/sdk/server/mcp.js\");\nconst child_process = require(\"child_process\");\n")
	b.WriteString("const server = new McpServer({ name: \"demo\", version: \"1.0.0\" });\nconst tools = [\n")
	for i := range n {
		fmt.Fprintf(&b, "  { name: \"t%d\", handler: async ({ cmd }) => { child_process.execSync(cmd); return { content: [] }; } },\n", i)
	}
	b.WriteString("];\nfor (const t of tools) server.tool(t.name, {}, t.handler);\n")
	return b.String()
}

// TestAttackToolTableTooLarge: a tool table longer than the extractors keep
// (512 entries) registered the first 512 tools and dropped the rest
// silently; now the registration is an mcpriv.too-deep finding that fails
// the gate. A table within the bound registers every tool and is not
// reported.
func TestAttackToolTableTooLarge(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		tools int
		cut   bool
	}{
		{"js 600", map[string]string{"index.js": jsTable(600)}, 512, true},
		{"js 500", map[string]string{"index.js": jsTable(500)}, 500, false},
		{"go 600", map[string]string{"go.mod": goMod, "main.go": goTable(600)}, 512, true},
		{"go 500", map[string]string{"go.mod": goMod, "main.go": goTable(500)}, 500, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := attackFiles(t, tc.files)
			fs := scanJSON(t, dir)
			if got := hasRule(fs, "mcpriv.too-deep"); got != tc.cut {
				t.Fatalf("too-deep finding %v, want %v", got, tc.cut)
			}
			if n := scanTools(t, dir); n != tc.tools {
				t.Errorf("%d tools, want %d", n, tc.tools)
			}
			if countExec(fs, true) == 0 {
				t.Errorf("no tainted exec finding: %+v", fs)
			}
			if tc.cut {
				assertGateFails(t, dir)
			}
		})
	}
}

// TestAttackDeepChains: chains through every recursion added since issue 14
// first closed — constants across variables and files, concatenations of
// 100,000 terms, nested object literals and registries, import cycles —
// either give the call (the gate fails on it) or a too-deep finding.
func TestAttackDeepChains(t *testing.T) {
	const n = 3000
	var jsConst, pyConst, goConst strings.Builder
	jsConst.WriteString("const c0 = \"https://evil.com/x\";\n")
	pyConst.WriteString("C0 = \"https://evil.com/x\"\n")
	goConst.WriteString("const c0 = \"ls\"\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&jsConst, "const c%d = c%d;\n", i, i-1)
		fmt.Fprintf(&pyConst, "C%d = C%d\n", i, i-1)
		fmt.Fprintf(&goConst, "const c%d = c%d\n", i, i-1)
	}
	concat := strings.Repeat(` + "a"`, 100_000)
	nest := 3000
	fileChain := func(ext string, n int, file func(i int) string) map[string]string {
		fs := map[string]string{}
		for i := range n {
			fs[fmt.Sprintf("m%d.%s", i, ext)] = file(i)
		}
		return fs
	}
	with := func(fs map[string]string, name, text string) map[string]string {
		fs[name] = text
		return fs
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
	}{
		{"js constants", map[string]string{"index.js": jsToolWith(jsConst.String(), fmt.Sprintf("fetch(c%d); child_process.execSync(cmd + c%d)", n-1, n-1))}},
		{"python constants", map[string]string{"server.py": pyServer(pyConst.String() + "\n\n@mcp.tool()\ndef run(cmd: str) -> str:\n    \"\"\"Run it.\"\"\"\n    return str(os.system(cmd + C" + fmt.Sprint(n-1) + "))\n")}},
		{"go constants", map[string]string{"go.mod": goMod, "main.go": goTool("\t\texec.Command(c"+fmt.Sprint(n-1)+", cmd).Run()") + goConst.String()}},
		{"js concatenation", map[string]string{"index.js": jsTool("child_process.execSync(cmd" + concat + ")")}},
		{"python concatenation", map[string]string{"server.py": pyTool("os.system(cmd" + concat + ")")}},
		{"go concatenation", map[string]string{"go.mod": goMod, "main.go": goTool("\t\texec.Command(cmd" + concat + ").Run()")}},
		{"js nested object", map[string]string{"index.js": jsToolWith("const o = "+strings.Repeat("{ a: ", nest)+"{ run: (x) => child_process.execSync(x) }"+strings.Repeat(" }", nest)+";\n",
			"o"+strings.Repeat(".a", nest)+".run(cmd)")}},
		{"python nested registry", map[string]string{"server.py": pyServer("def h(x):\n    os.system(x)\n\n\nT = " + strings.Repeat("{'a': ", nest) + "{'run': h}" + strings.Repeat("}", nest) +
			"\n\n\n@mcp.tool()\ndef run(cmd: str) -> str:\n    \"\"\"Run it.\"\"\"\n    T" + strings.Repeat("['a']", nest) + "['run'](cmd)\n    return 'ok'\n")}},
		{"js nested tool table", map[string]string{"index.js": "const { McpServer } = require(\"@modelcontextprotocol/sdk/server/mcp.js\");\nconst child_process = require(\"child_process\");\n" +
			"const server = new McpServer({ name: \"demo\", version: \"1.0.0\" });\nconst tools = " + strings.Repeat("[", nest) +
			"{ name: \"run\", handler: async ({ cmd }) => { child_process.execSync(cmd); return { content: [] }; } }" + strings.Repeat("]", nest) +
			";\nfor (const t of tools.flat(Infinity)) server.tool(t.name, {}, t.handler);\n"}},
		{"js call chain over 300 files", with(fileChain("js", 300, func(i int) string {
			if i == 299 {
				return "const child_process = require('child_process');\nexports.f299 = function (u) { child_process.execSync(u); };\n"
			}
			return fmt.Sprintf("const m = require('./m%d');\nexports.f%d = function (u) { m.f%d(u); };\n", i+1, i, i+1)
		}), "index.js", jsToolWith("const m0 = require('./m0');\n", "m0.f0(cmd)"))},
		{"python call chain over 300 files", with(fileChain("py", 300, func(i int) string {
			if i == 299 {
				return "import os\n\n\ndef f299(u):\n    os.system(u)\n"
			}
			return fmt.Sprintf("from m%d import f%d\n\n\ndef f%d(u):\n    f%d(u)\n", i+1, i+1, i, i+1)
		}), "server.py", pyServer("from m0 import f0\n\n\n@mcp.tool()\ndef run(cmd: str) -> str:\n    \"\"\"Run it.\"\"\"\n    f0(cmd)\n    return 'ok'\n"))},
		{"python relative import chain of 20 modules", with(fileChain("py", 20, func(i int) string {
			if i == 19 {
				return "import os\n\n\ndef f19(u):\n    os.system(u)\n"
			}
			return fmt.Sprintf("from .m%d import f%d\n\n\ndef f%d(u):\n    f%d(u)\n", i+1, i+1, i, i+1)
		}), "server.py", pyServer("from .m0 import f0\n\n\n@mcp.tool()\ndef run(cmd: str) -> str:\n    \"\"\"Run it.\"\"\"\n    f0(cmd)\n    return 'ok'\n"))},
		{"js constant import cycle", map[string]string{"index.js": jsToolWith("const { A } = require('./a');\n", "child_process.execSync(A + cmd)"),
			"a.js": "const { B } = require('./b');\nexports.A = B;\n", "b.js": "const { A } = require('./a');\nexports.B = A;\n"}},
		{"python constant import cycle", map[string]string{"server.py": pyServer("from a import A\n\n\n@mcp.tool()\ndef run(cmd: str) -> str:\n    \"\"\"Run it.\"\"\"\n    os.system(A + cmd)\n    return 'ok'\n"),
			"a.py": "from b import B\nA = B\n", "b.py": "from a import A\nB = A\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := attackFiles(t, tc.files)
			fs := scanJSON(t, dir)
			if hasRule(fs, "mcpriv.too-deep") {
				assertGateFails(t, dir)
				return
			}
			// Seen: the command runs tool input, which fails --fail-on warning.
			if countExec(fs, true) == 0 {
				t.Fatalf("the call is neither found tainted nor reported as too deep: %+v", fs)
			}
			if code, _, _ := runCLI(t, "scan", "--no-progress", "--fail-on", "warning", dir); code != exitFindings {
				t.Errorf("scan --fail-on warning: exit %d, want %d", code, exitFindings)
			}
		})
	}
}

// scanTools scans dir and returns how many tools it found.
func scanTools(t *testing.T, dir string) int {
	t.Helper()
	code, out, errs := runCLI(t, "scan", "--no-progress", "--format", "json", dir)
	if code != exitOK {
		t.Fatalf("scan: exit %d: %s", code, errs)
	}
	var res struct {
		Tools []json.RawMessage `json:"tools"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	return len(res.Tools)
}

// TestAttackStarArgsWrapper is item 12 through the CLI: a call with more
// positional arguments than parameters and a keyword, to a *args/**kwargs
// wrapper, is analysed whole (no internal error in the report) and the
// command it runs is found.
func TestAttackStarArgsWrapper(t *testing.T) {
	dir := attackFiles(t, map[string]string{"server.py": pyServer("def f(*args, **kwargs):\n    os.system(args[0])\n\n\n" +
		"@mcp.tool()\ndef run(cmd: str) -> str:\n    \"\"\"Run it.\"\"\"\n    f(cmd, \"b\", \"c\", kw=1)\n    return \"ok\"\n")})
	code, out, errs := runCLI(t, "scan", "--no-progress", "--format", "json", dir)
	if code != exitOK || strings.Contains(out, "panic") || strings.Contains(out, "internal") || strings.Contains(errs, "panic") {
		t.Fatalf("exit %d, stderr %s, report:\n%s", code, errs, out)
	}
	fs := scanJSON(t, dir)
	for _, f := range fs {
		if f.Kind == "unanalysed" {
			t.Errorf("unanalysed: %+v", f)
		}
	}
	if countExec(fs, false) == 0 {
		t.Fatalf("os.system not found: %+v", fs)
	}
}
