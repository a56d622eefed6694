package lsp

import (
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// dupTS registers "get" in both branches of a switch, after non-ASCII text.
const dupTS = `import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import * as fs from "node:fs/promises";
const server = new McpServer({ name: "x", version: "1" });
const mode = "légacy 🚀";
if (process.env.LEGACY) {
  /* 🚀 */ server.tool("get", "d", {}, async () => fetch("https://api.example.com/x"));
} else {
  /* é */ server.registerTool("get", { description: "d" }, async (a) => fs.writeFile("/tmp/n", a.t));
}
`

// TestToolSitesLensAndHover: a name registered at two sites is one tool
// (one entry in the scan), yet each registration keeps its lens and hover,
// with the tool's merged capabilities.
func TestToolSitesLensAndHover(t *testing.T) {
	c := startServer(t, map[string]string{"src/dup.ts": dupTS}, clientOpts{})
	c.open("src/dup.ts", dupTS)
	c.waitScanEnd()
	var lenses []protocol.CodeLens
	c.mustCall("textDocument/codeLens", protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("src/dup.ts")}}, &lenses)
	if len(lenses) != 2 || lenses[0].Range.Start.Line != 5 || lenses[1].Range.Start.Line != 7 {
		t.Fatalf("lenses: %+v", lenses)
	}
	for _, l := range lenses {
		if l.Command == nil || l.Command.Title != lenses[0].Command.Title || !strings.Contains(l.Command.Title, "file.write") || !strings.Contains(l.Command.Title, "network.client") {
			t.Errorf("lens %+v", l.Command)
		}
	}
	// "get" at UTF-16 column 33 on line 7 (é is one unit), 30 on line 5 (🚀 is two).
	for _, at := range [][2]uint32{{5, 31}, {7, 34}} {
		if h := c.hover("src/dup.ts", at[0], at[1]); !strings.Contains(h, "tool `get`") || !strings.Contains(h, "`file.write`") || !strings.Contains(h, "`network.client`") {
			t.Errorf("hover at %v: %q", at, h)
		}
	}
	var sum map[string]any
	c.mustCall("workspace/executeCommand", protocol.ExecuteCommandParams{Command: CmdScanWorkspace}, &sum)
	if sum["tools"] != float64(1) {
		t.Errorf("scan summary: %v", sum)
	}
}
