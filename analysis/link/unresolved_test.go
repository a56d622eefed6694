package link

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/manifest"
)

// A tool named by an expression the analysis cannot resolve (a parameter,
// self.name) is reported under a placeholder naming the place and the
// expression: never under the expression as if it were a name, in the tool
// summaries, in the findings it reaches, or in a generated manifest.
func TestUnresolvedToolName(t *testing.T) {
	cases := []struct {
		name, path, src, expr string
		line                  int // 1-based line of the name expression
	}{
		{"ts", "src/index.ts", `import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { execSync } from "node:child_process";
const server = new McpServer({ name: "x", version: "1" });
export function addTool(toolName: string) {
  server.tool(toolName, "runs ls", async () => {
    execSync("ls");
    return { content: [] };
  });
}
`, "toolName", 5},
		{"python", "server.py", `import subprocess
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("x")

def register(tool_name):
    def run():
        subprocess.run(["ls"])
    mcp.add_tool(run, name=tool_name)
`, "tool_name", 9},
		{"go", "main.go", `package main

import (
	"context"
	"os/exec"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func register(s *server.MCPServer, toolName string) {
	s.AddTool(mcp.NewTool(toolName), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		exec.Command("ls").Run()
		return nil, nil
	})
}
`, "toolName", 12},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := newTestEngine()
			if err != nil {
				t.Fatal(err)
			}
			f, err := e.ExtractFull(context.Background(), c.path, []byte(c.src))
			if err != nil {
				t.Fatal(err)
			}
			root := t.TempDir()
			res := e.Link(root, []*facts.File{f})
			if len(res.Tools) != 1 {
				t.Fatalf("tools %+v, want one", res.Tools)
			}
			tool := res.Tools[0]
			want := finding.UnresolvedToolLabel(c.path, c.line-1, c.expr)
			if !tool.NameUnresolved || tool.Expression != c.expr || tool.Name != want {
				t.Fatalf("tool %+v, want unresolved %q named %q", tool, c.expr, want)
			}
			if !strings.HasPrefix(want, "unresolved tool at "+c.path+":") {
				t.Fatalf("placeholder %q does not say where the tool is", want)
			}
			var reached bool
			for _, fd := range res.Findings {
				if fd.Kind != finding.KindCapability {
					continue
				}
				if slices.Contains(fd.Tools, c.expr) {
					t.Errorf("finding %s lists the expression %q as a tool", fd.API, c.expr)
				}
				if slices.Contains(fd.Tools, want) && !fd.Server {
					reached = true
				}
			}
			if !reached {
				t.Errorf("no finding is attributed to the placeholder %q (only to server?): %+v", want, res.Findings)
			}

			g, err := manifest.Generate(res, manifest.GenerateOptions{Root: root, Target: filepath.Join(root, manifest.FileName)})
			if err != nil {
				t.Fatal(err)
			}
			text := string(g.Text)
			if strings.Contains(text, c.expr) || strings.Contains(text, "unresolved") {
				t.Errorf("the manifest names the unresolved tool:\n%s", text)
			}
			if !strings.Contains(text, "system.exec") {
				t.Errorf("the manifest does not grant what the unresolved tool needs (to server):\n%s", text)
			}
			var noted bool
			for _, n := range g.Notes {
				noted = noted || strings.Contains(n, c.expr) && strings.Contains(n, "could not resolve")
			}
			if !noted {
				t.Errorf("no notice about the unresolved name in %q", g.Notes)
			}
		})
	}
}
