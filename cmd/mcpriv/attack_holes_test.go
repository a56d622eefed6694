package main

import (
	"encoding/json"
	"slices"
	"testing"
)

// The holes issue 14 left documented in docs/security.md, closed class-wide:
// calls through tables of functions by a computed key, and mutual recursion
// through object and class methods. Each case is the attack, then a
// look-alike that must not change.

type holeFinding struct {
	Capability string   `json:"capability"`
	Tainted    bool     `json:"tainted"`
	Tools      []string `json:"tools"`
	Line       int      `json:"line"`
}

func holeScan(t *testing.T, dir string) []holeFinding {
	t.Helper()
	code, out, errs := runCLI(t, "scan", "--no-progress", "--format", "json", dir)
	if code != exitOK {
		t.Fatalf("scan: exit %d: %s", code, errs)
	}
	var res struct {
		Findings []holeFinding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

// assertAllReached: at least want privileged calls, every one tainted by
// tool input and attributed to tool "run"; the gate fails at warning.
func assertAllReached(t *testing.T, dir string, want int) {
	t.Helper()
	fs := holeScan(t, dir)
	if len(fs) < want {
		t.Fatalf("%d findings, want at least %d: %+v", len(fs), want, fs)
	}
	for _, f := range fs {
		if !f.Tainted || !slices.Contains(f.Tools, "run") {
			t.Errorf("line %d %s: tainted %v, tools %v; want tainted, reached from run", f.Line, f.Capability, f.Tainted, f.Tools)
		}
	}
	if code, _, _ := runCLI(t, "scan", "--no-progress", "--fail-on", "warning", dir); code != exitFindings {
		t.Errorf("scan --fail-on warning: exit %d, want %d", code, exitFindings)
	}
}

const jsHead = "const { McpServer } = require(\"@modelcontextprotocol/sdk/server/mcp.js\");\nconst child_process = require(\"child_process\");\n" +
	"const server = new McpServer({ name: \"demo\", version: \"1.0.0\" });\n"

const goHead = "package main\n\nimport (\n\t\"context\"\n\t\"os\"\n\t\"os/exec\"\n\n\t\"github.com/mark3labs/mcp-go/mcp\"\n\t\"github.com/mark3labs/mcp-go/server\"\n)\n\n"

func goMain(body string) string {
	return "func main() {\n\ts := server.NewMCPServer(\"demo\", \"1.0.0\")\n" +
		"\ts.AddTool(mcp.NewTool(\"run\"), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {\n" +
		"\t\tcmd, _ := req.RequireString(\"cmd\")\n\t\tname, _ := req.RequireString(\"name\")\n" + body +
		"\t\treturn nil, nil\n\t})\n\tserver.ServeStdio(s)\n}\n"
}

// TestAttackTableDispatch: HANDLERS[name](cmd) outside the SDKs' dispatch
// forms used to reach none of the table's functions (their calls were
// found, untainted and attributed to no tool); now every function of the
// table, whether written in its literal or stored later, gets the tool
// input.
func TestAttackTableDispatch(t *testing.T) {
	pyFns := "import subprocess\n\n\ndef a(cmd):\n    os.system(cmd)\n\n\ndef b(cmd):\n    subprocess.run(cmd, shell=True)\n\n\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  int
	}{
		{"python literal", map[string]string{"server.py": pyServer(pyFns +
			"HANDLERS = {\"a\": a, \"b\": b, \"c\": lambda cmd: os.popen(cmd)}\n\n\n" +
			"@mcp.tool()\ndef run(name: str, cmd: str) -> str:\n    \"\"\"Run it.\"\"\"\n    HANDLERS[name](cmd)\n    return \"ok\"\n")}, 3},
		{"python stored after the tool, get", map[string]string{"server.py": pyServer(pyFns + "HANDLERS = {}\n\n\n" +
			"@mcp.tool()\ndef run(name: str, cmd: str) -> str:\n    \"\"\"Run it.\"\"\"\n    fn = HANDLERS.get(name)\n    fn(cmd)\n    return \"ok\"\n\n\n" +
			"HANDLERS[\"a\"] = a\nHANDLERS[\"b\"] = b\n")}, 2},
		{"python get called directly", map[string]string{"server.py": pyServer(pyFns + "TOOLS = {\"a\": a}\n\n\n" +
			"@mcp.tool()\ndef run(name: str, cmd: str) -> str:\n    \"\"\"Run it.\"\"\"\n    return str(TOOLS.get(name, b)(cmd))\n")}, 2},
		{"javascript literal and stores", map[string]string{"index.js": jsHead +
			"function a(x) { child_process.execSync(x); }\nconst handlers = { a, b: (x) => child_process.exec(x) };\n" +
			"handlers[\"c\"] = function (x) { child_process.spawn(x); };\nhandlers.d = (x) => child_process.execFile(x);\n" +
			"server.tool(\"run\", {}, async ({ name, cmd }) => {\n  handlers[name](cmd);\n  return { content: [] };\n});\n"}, 4},
		{"javascript through a variable, optional call", map[string]string{"index.js": jsHead +
			"const ops = {};\nops[`k${1}`] = (x) => child_process.fork(x);\nops.e = (x) => child_process.execSync(x);\n" +
			"server.tool(\"run\", {}, async ({ name, cmd }) => {\n  const h = ops[name];\n  h?.(cmd);\n  return { content: [] };\n});\n"}, 2},
		{"go map literal and init store", map[string]string{"go.mod": goMod, "main.go": goHead +
			"func a(ctx context.Context, x string) { exec.Command(x).Run() }\n\n" +
			"var handlers = map[string]func(context.Context, string){\n\t\"a\": a,\n\t\"b\": func(ctx context.Context, x string) { exec.CommandContext(ctx, x).Run() },\n}\n\n" +
			goMain("\t\thandlers[name](ctx, cmd)\n") +
			"\nfunc init() {\n\thandlers[\"c\"] = func(ctx context.Context, x string) { os.RemoveAll(x) }\n}\n"}, 3},
		{"go comma-ok and slice", map[string]string{"go.mod": goMod, "main.go": goHead +
			"var steps = []func(string){func(x string) { exec.Command(x).Run() }}\n\n" +
			"var handlers = map[string]func(context.Context, string){}\n\n" +
			"func b(ctx context.Context, x string) { os.Remove(x) }\n\n" +
			goMain("\t\tif h, ok := handlers[name]; ok {\n\t\t\th(ctx, cmd)\n\t\t}\n\t\tsteps[len(name)](cmd)\n") +
			"\nfunc init() {\n\thandlers[\"b\"] = b\n}\n"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertAllReached(t, attackFiles(t, tc.files), tc.want)
		})
	}
}

// TestAttackTableLookAlike: a table indexed by a computed key that holds
// no functions does not make the functions of another table run, and a
// table of functions nobody calls through gives its functions no taint.
func TestAttackTableLookAlike(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
	}{
		{"python", map[string]string{"server.py": pyServer("def a(cmd):\n    os.system(cmd)\n\n\n" +
			"CMDS = {\"a\": a}\nNAMES = {\"a\": \"ls\"}\n\n\n" +
			"@mcp.tool()\ndef run(name: str, cmd: str) -> str:\n    \"\"\"Run it.\"\"\"\n    return NAMES[name] + cmd\n")}},
		{"javascript", map[string]string{"index.js": jsHead +
			"const cmds = { a: (x) => child_process.execSync(x) };\nconst names = { a: \"ls\" };\n" +
			"server.tool(\"run\", {}, async ({ name, cmd }) => {\n  const n = names[name];\n  return { content: [{ type: \"text\", text: n + cmd }] };\n});\n"}},
		{"go", map[string]string{"go.mod": goMod, "main.go": goHead +
			"var cmds = map[string]func(string){\"a\": func(x string) { exec.Command(x).Run() }}\n\nvar names = map[string]string{\"a\": \"ls\"}\n\n" +
			"var _ = os.Getpid\n\n" + goMain("\t\t_ = names[name] + cmd\n")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := holeScan(t, attackFiles(t, tc.files))
			n := 0
			for _, f := range fs {
				if f.Capability != "system.exec" {
					continue
				}
				n++
				if f.Tainted || len(f.Tools) > 0 {
					t.Errorf("line %d: tainted %v, tools %v; the table is never called", f.Line, f.Tainted, f.Tools)
				}
			}
			if n != 1 {
				t.Errorf("%d exec findings, want 1: %+v", n, fs)
			}
		})
	}
}

// TestAttackMethodRecursion: tool → obj.f0(x) → this.f1(x) → obj.f0(x),
// each running x, through object literals, classes, static methods,
// methods of other instances and Go method values: every exec is tainted.
func TestAttackMethodRecursion(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  int
	}{
		{"python self", map[string]string{"server.py": pyServer("class Runner:\n    def f0(self, x, n):\n        os.system(x)\n        if n:\n            self.f1(x, n - 1)\n\n" +
			"    def f1(self, x, n):\n        os.system(x)\n        if n:\n            self.f0(x, n - 1)\n\n\nobj = Runner()\n\n\n" +
			"@mcp.tool()\ndef run(cmd: str) -> str:\n    \"\"\"Run it.\"\"\"\n    obj.f0(cmd, 3)\n    return \"ok\"\n")}, 2},
		{"python two classes, static and class methods", map[string]string{"server.py": pyServer(
			"class A:\n    def __init__(self):\n        self.b = B(self)\n\n    def f0(self, x):\n        os.system(x)\n        self.b.f1(x)\n\n\n" +
				"class B:\n    def __init__(self, a):\n        self.a = a\n\n    def f1(self, x):\n        os.system(x)\n        self.a.f0(x)\n\n\n" +
				"class C:\n    @staticmethod\n    def g0(x):\n        os.system(x)\n        C.g1(x)\n\n    @classmethod\n    def g1(cls, x):\n        os.system(x)\n        cls.g0(x)\n\n\n" +
				"@mcp.tool()\ndef run(cmd: str) -> str:\n    \"\"\"Run it.\"\"\"\n    A().f0(cmd)\n    C.g0(cmd)\n    return \"ok\"\n")}, 4},
		{"javascript object literal", map[string]string{"index.js": jsHead +
			"const obj = {\n  f0(x, n) { child_process.execSync(x); if (n) this.f1(x, n - 1); },\n  f1(x, n) { child_process.execSync(x); if (n) obj.f0(x, n - 1); },\n};\n" +
			"const o = {\n  g0: function (x) { child_process.execSync(x); o.g1(x); },\n  g1: (x) => { child_process.execSync(x); o[\"g0\"](x); },\n};\n" +
			"server.tool(\"run\", {}, async ({ cmd }) => {\n  obj.f0(cmd, 3);\n  o.g0(cmd);\n  return { content: [] };\n});\n"}, 4},
		{"javascript class", map[string]string{"index.js": jsHead +
			"class R {\n  g0 = (x, n) => { child_process.execSync(x); if (n) this.g1(x, n - 1); };\n  g1(x, n) { child_process.execSync(x); if (n) this.g0(x, n - 1); }\n" +
			"  static s0(x) { child_process.execSync(x); R.s1(x); }\n  static s1(x) { child_process.execSync(x); this.s0(x); }\n}\n" +
			"server.tool(\"run\", {}, async ({ cmd }) => {\n  new R().g0(cmd, 3);\n  R.s0(cmd);\n  return { content: [] };\n});\n"}, 4},
		{"go methods and method values", map[string]string{"go.mod": goMod, "main.go": goHead +
			"type A struct{ b *B }\n\ntype B struct{ a *A }\n\n" +
			"func (a *A) f0(x string) {\n\texec.Command(x).Run()\n\ta.b.f1(x)\n}\n\n" +
			"func (b *B) f1(x string) {\n\tos.RemoveAll(x)\n\tf := b.a.f0\n\tf(x)\n}\n\n" +
			"var a = &A{b: &B{}}\n\n" + goMain("\t\ta.f0(cmd)\n")}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertAllReached(t, attackFiles(t, tc.files), tc.want)
		})
	}
}
