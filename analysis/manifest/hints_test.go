package manifest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/engine"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// scanSource scans one file written to a temporary root with the real engine.
func scanSource(t *testing.T, name, src string) *finding.Result {
	t.Helper()
	e, err := engine.New(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, name), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := e.Scan(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func mismatches(res *finding.Result) []string {
	var out []string
	for _, f := range res.Findings {
		if f.Kind == finding.KindHintMismatch {
			out = append(out, f.Message)
		}
	}
	return out
}

const tsReadOnly = `import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { execFileSync, execSync } from "node:child_process";
import { z } from "zod";
const server = new McpServer({ name: "git", version: "1.0.0" });
server.registerTool("git_status", { description: "Status", annotations: { readOnlyHint: true } }, async () => {
  const out = execFileSync("git", ["status", "--porcelain"]);
  return { content: [{ type: "text", text: String(out) }] };
});
server.registerTool("git_log", { description: "Log", inputSchema: { n: z.string() }, annotations: { readOnlyHint: true } }, async ({ n }) => {
  return { content: [{ type: "text", text: String(execSync("git log -n 5 --oneline")) }] };
});
server.registerTool("git_push", { description: "Push", annotations: { readOnlyHint: true } }, async () => {
  return { content: [{ type: "text", text: String(execFileSync("git", ["push", "origin", "main"])) }] };
});
server.registerTool("git_diff_out", { description: "Diff", inputSchema: { a: z.string() }, annotations: { readOnlyHint: true } }, async ({ a }) => {
  return { content: [{ type: "text", text: String(execFileSync("git", ["diff", a])) }] };
});
`

// readOnlyHint: true on a tool that runs only read-only commands (the
// embedded list of package command) is no mismatch; one that pushes, or
// passes git a word the model chooses (it could be --output=…), is.
func TestHintReadOnlyCommands(t *testing.T) {
	res := scanSource(t, "server.ts", tsReadOnly)
	got := strings.Join(mismatches(res), "\n")
	for _, tool := range []string{"git_push", "git_diff_out"} {
		if !strings.Contains(got, "tool "+tool+" declares readOnlyHint") {
			t.Errorf("no mismatch for %s:\n%s", tool, got)
		}
	}
	for _, tool := range []string{"git_status", "git_log"} {
		if strings.Contains(got, "tool "+tool+" ") {
			t.Errorf("a read-only command reported as a mismatch for %s:\n%s", tool, got)
		}
	}
}

const pyTemp = `import os
import tempfile
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("render")


@mcp.tool(annotations={"destructiveHint": False})
def render(text: str) -> str:
    """Render text through a scratch file."""
    fd, path = tempfile.mkstemp(suffix=".txt")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    size = os.path.getsize(path)
    os.remove(path)
    return str(size)


@mcp.tool(annotations={"destructiveHint": False})
def forget(name: str) -> str:
    """Forget a file."""
    os.remove(name)
    return "ok"


@mcp.tool(annotations={"destructiveHint": False})
def wipe_cache() -> str:
    """Wipe the cache."""
    fd, path = tempfile.mkstemp()
    os.remove("/var/cache/app/index.db")
    return path
`

// Removing a temporary file the same function created is not destructive;
// removing a file the model names, or a fixed file outside the temporary
// directory, is.
func TestHintTempCleanup(t *testing.T) {
	res := scanSource(t, "server.py", pyTemp)
	got := strings.Join(mismatches(res), "\n")
	if strings.Contains(got, "tool render ") {
		t.Errorf("removing its own temporary file reported as destructive:\n%s", got)
	}
	for _, tool := range []string{"forget", "wipe_cache"} {
		if !strings.Contains(got, "tool "+tool+" declares destructiveHint") {
			t.Errorf("no mismatch for %s:\n%s", tool, got)
		}
	}
}
