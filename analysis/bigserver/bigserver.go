// Package bigserver writes synthetic MCP servers of a chosen size, for the
// benchmarks and randomized tests that need big files (the language
// server's edit latency, link speed, ranged extraction). Each block is a
// tool and a helper with a file write, a fetch and a call between them,
// the density of sensitive calls real servers have at their busiest.
package bigserver

import (
	"fmt"
	"strings"
)

// TypeScript returns an official-SDK server of at least lines lines.
func TypeScript(lines int) string {
	var b strings.Builder
	b.WriteString("import { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\nimport { promises as fs } from \"node:fs\";\nimport { z } from \"zod\";\n\nconst server = new McpServer({ name: \"big\", version: \"1.0.0\" });\n\n")
	for i, n := 0, 6; n < lines; i++ {
		block := fmt.Sprintf(`// Block %d: a tool and its helpers.
async function helper%d(p: string, body: string): Promise<string> {
  const full = "/srv/data/%d/" + p;
  await fs.writeFile(full, body);
  const items = [1, 2, 3].map((x) => x * %d);
  return items.join(",") + full;
}

server.tool("tool_%d", { path: z.string(), body: z.string() }, async ({ path, body }) => {
  const out = await helper%d(path, body);
  const r = await fetch("https://api%d.example.com/v1/items");
  return { content: [{ type: "text", text: out + (await r.text()) }] };
});

`, i, i, i, i, i, i, i)
		b.WriteString(block)
		n += strings.Count(block, "\n")
	}
	return b.String()
}

// Python returns a FastMCP server of at least lines lines.
func Python(lines int) string {
	var b strings.Builder
	b.WriteString("import os\nimport subprocess\nimport requests\nfrom mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP(\"big\")\n\n")
	for i, n := 0, 7; n < lines; i++ {
		block := fmt.Sprintf(`# Block %d: a tool and its helper.
def helper_%d(p: str, body: str) -> str:
    full = "/srv/data/%d/" + p
    with open(full, "w") as f:
        f.write(body)
    return ",".join(str(x * %d) for x in [1, 2, 3]) + full


@mcp.tool()
def tool_%d(path: str, body: str) -> str:
    """Writes a note and fetches an item."""
    out = helper_%d(path, body)
    r = requests.get("https://api%d.example.com/v1/items", timeout=5)
    return out + r.text


`, i, i, i, i, i, i, i)
		b.WriteString(block)
		n += strings.Count(block, "\n")
	}
	return b.String()
}
