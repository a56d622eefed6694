package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestFactsCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ts := write("server.ts", `import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { exec as run } from "node:child_process";
import { z } from "zod";

const server = new McpServer({ name: "demo", version: "1.0.0" });
server.registerTool("run", { inputSchema: { cmd: z.string() }, annotations: { readOnlyHint: true } }, async ({ cmd }) => {
  run("git " + cmd); // mcpriv-ignore: system.exec -- the tool's purpose
  return { content: [{ type: "text", text: process.env.HOME ?? "" }] };
});
`)
	py := write("app.py", "import os\n\n# ünïcödé\nos.system(f\"ls {d}\")\nos.open(p, os.O_WRONLY | os.O_CREAT)\n")
	broken := write("broken.py", "import subprocess\nsubprocess.run(\n")
	goFile := write("main.go", "package main\n\nimport o \"os\"\n\nfunc main() { o.Getenv(\"HOME\") }\n")
	write("notes.txt", "x")
	rulesDir := ruleDir(t, map[string]string{"r.yaml": `language: python
rules:
  - id: python.acme.system
    capability: system.exec
    modules: [os]
    calls: [system]
    message: runs a shell
`})
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"typescript", []string{ts}, exitOK, []string{
			`2:1     "node:child_process"  exec as run`,
			`#1   (anonymous)({cmd})  6:103  in #0`,
			`7:3     child_process.exec  in #1  → js.child_process.shell`,
			`args: ("git "+… ←#1.param0.cmd)`,
			`globalThis.process.env [read key "HOME"]  in #1  → js.process.env`,
			`6:1     "run"  ts-sdk  handler #1  input: param 0  readOnlyHint=true`,
			`7:22    system.exec -- "the tool's purpose"  (this line)`,
		}, ""},
		{"python, positions in characters", []string{py}, exitOK, []string{
			`4:1     os.system  in #0  → python.os.shell`,
			`args: ("ls "+…)`,
			`5:1     os.open  in #0  → python.os.open-write`,
			`args: (?, os.O_WRONLY|os.O_CREAT)`,
		}, ""},
		{"user rules", []string{"--rules", rulesDir, py}, exitOK, []string{`os.system  in #0  → python.acme.system, python.os.shell`}, ""},
		{"syntax error", []string{broken}, exitOK, []string{"syntax errors (facts from the rest of the file stand):", "subprocess.run"}, ""},
		{"go alias", []string{goFile}, exitOK, []string{`3:8     "os"  o`, `os.Getenv  in #1  → go.os.env`}, ""},
		{"not source", []string{filepath.Join(dir, "notes.txt")}, exitError, nil, "not a JavaScript, TypeScript, Python or Go file"},
		{"missing", []string{filepath.Join(dir, "nope.ts")}, exitError, nil, "no such file"},
		{"too large", []string{"--max-file-size", "10", ts}, exitError, nil, "size limit"},
		{"no file", nil, exitError, nil, "want exactly one FILE"},
		{"two files", []string{ts, py}, exitError, nil, "want exactly one FILE"},
		{"bad format", []string{"--format", "yaml", ts}, exitError, nil, "unknown --format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkCLI(t, append([]string{"facts"}, tc.args...), tc.code, tc.stdout, tc.stderr)
		})
	}

	for _, flag := range [][]string{{"--json"}, {"--format", "json"}} {
		code, out, errOut := runCLI(t, append(append([]string{"facts"}, flag...), py)...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", flag, code, errOut)
		}
		var got struct {
			Facts struct {
				Lang  string `json:"lang"`
				Calls []struct {
					Module string `json:"module"`
					Member string `json:"member"`
				} `json:"calls"`
			} `json:"facts"`
			Matches []struct {
				Call  int      `json:"call"`
				Rules []string `json:"rules"`
			} `json:"matches"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v: %v\n%s", flag, err, out)
		}
		if got.Facts.Lang != "python" || len(got.Matches) == 0 {
			t.Fatalf("%v: unexpected output %s", flag, out)
		}
		m := got.Matches[0]
		if c := got.Facts.Calls[m.Call]; c.Module != "os" || c.Member != "system" || m.Rules[0] != "python.os.shell" {
			t.Errorf("%v: match %+v is on %+v", flag, m, c)
		}
	}
}
