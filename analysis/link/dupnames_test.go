package link

import (
	"slices"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// TestToolRegisteredTwice: a name registered at two sites (both branches of
// a configuration switch) is one tool of the server: listed once, with the
// capabilities of both handlers and the other registrations in Sites. Two
// different names stay two tools.
func TestToolRegisteredTwice(t *testing.T) {
	for _, tc := range []struct {
		name  string
		texts map[string]string
		file  string
		want  map[string][]capability.ID // tool → capabilities
		sites map[string]int             // tool → other registrations
	}{
		{"js list registered in both branches", map[string]string{"server.js": `import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
const server = new McpServer({ name: "x", version: "1" });
const tools = [
  { name: "run", handler: async (a) => execSync(a.cmd).toString() },
  { name: "read", handler: async (a) => readFileSync(a.path, "utf8") },
];
if (process.env.LEGACY) {
  tools.forEach((t) => server.tool(t.name, "d", {}, t.handler));
} else {
  tools.forEach((t) => server.registerTool(t.name, { description: "d" }, t.handler));
}
`}, "server.js", map[string][]capability.ID{"run": {"system.exec"}, "read": {"file.read"}}, map[string]int{"run": 1, "read": 1}},
		{"js literal name, a handler per branch", map[string]string{"server.js": `import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
const server = new McpServer({ name: "x", version: "1" });
if (process.env.LEGACY) {
  server.tool("get", "d", {}, async (a) => execSync(a.cmd).toString());
} else {
  server.tool("get", "d", {}, async (a) => readFileSync(a.path, "utf8"));
}
server.tool("other", "d", {}, async () => "ok");
`}, "server.js", map[string][]capability.ID{"get": {"file.read", "system.exec"}, "other": {}}, map[string]int{"get": 1, "other": 0}},
		{"python name registered twice", map[string]string{"server.py": `import os
import subprocess
from mcp.server.fastmcp import FastMCP
mcp = FastMCP("x")

def legacy(cmd: str) -> str:
    return subprocess.check_output(cmd, shell=True).decode()

def modern(path: str) -> str:
    return open(path).read()

if os.environ.get("LEGACY"):
    mcp.tool(name="get")(legacy)
else:
    mcp.tool(name="get")(modern)
`}, "server.py", map[string][]capability.ID{"get": {"file.read", "system.exec"}}, map[string]int{"get": 1}},
		{"go name registered twice", map[string]string{"go.mod": "module example.com/c\n\ngo 1.23\n", "main.go": `package main

import (
	"context"
	"os"
	"os/exec"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type Args struct {
	Cmd string ` + "`json:\"cmd\"`" + `
}

func legacy(ctx context.Context, req *mcp.CallToolRequest, args Args) (*mcp.CallToolResult, any, error) {
	return nil, nil, exec.Command(args.Cmd).Run()
}

func modern(ctx context.Context, req *mcp.CallToolRequest, args Args) (*mcp.CallToolResult, any, error) {
	_, err := os.ReadFile(args.Cmd)
	return nil, nil, err
}

func main() {
	s := mcp.NewServer(&mcp.Implementation{Name: "x", Version: "1"}, nil)
	if os.Getenv("LEGACY") != "" {
		mcp.AddTool(s, &mcp.Tool{Name: "get"}, legacy)
	} else {
		mcp.AddTool(s, &mcp.Tool{Name: "get"}, modern)
	}
}
`}, "main.go", map[string][]capability.ID{"get": {"file.read", "system.exec"}}, map[string]int{"get": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := scanTexts(t, tc.texts)
			got := map[string]*finding.Tool{}
			for i := range res.Tools {
				tl := &res.Tools[i]
				if got[tl.Name] != nil {
					t.Errorf("tool %q listed twice: %+v and %+v", tl.Name, *got[tl.Name], *tl)
				}
				got[tl.Name] = tl
			}
			for name, caps := range tc.want {
				tl := got[name]
				if tl == nil {
					t.Errorf("no tool %q in %+v", name, res.Tools)
					continue
				}
				if !slices.Equal(tl.Capabilities, caps) && !(len(caps) == 0 && len(tl.Capabilities) == 0) {
					t.Errorf("tool %q has %v, want %v", name, tl.Capabilities, caps)
				}
				if len(tl.Sites) != tc.sites[name] {
					t.Errorf("tool %q has other sites %+v, want %d", name, tl.Sites, tc.sites[name])
				}
				for _, s := range tl.Sites {
					if s.File != tc.file || s.Span == tl.Span || s.Span.Start.Offset <= tl.Span.Start.Offset {
						t.Errorf("tool %q: other site %+v, first at %+v", name, s, tl.Span)
					}
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("tools %v, want %v", res.Tools, tc.want)
			}
		})
	}
}

// TestToolSiteHints: the hints of every registration of a name are
// checked where written, not only the first's.
func TestToolSiteHints(t *testing.T) {
	res := scanTexts(t, map[string]string{"server.js": `import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { writeFileSync } from "node:fs";
const server = new McpServer({ name: "x", version: "1" });
if (process.env.LEGACY) {
  server.registerTool("save", { description: "d" }, async (a) => writeFileSync(a.path, a.text));
} else {
  server.registerTool("save", { description: "d", annotations: { readOnlyHint: true } }, async (a) => writeFileSync(a.path, a.text));
}
`})
	var lines []int
	for _, f := range res.Findings {
		if f.Kind == finding.KindHintMismatch {
			lines = append(lines, f.Span.Start.Line)
		}
	}
	if !slices.Equal(lines, []int{6}) {
		t.Errorf("hint mismatches on lines %v, want [6]; findings %+v", lines, res.Findings)
	}
}
