// A small MCP server for the language server's end-to-end test: save_note
// writes a file (undeclared in the manifest), fetch_page makes a request the
// manifest grants.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { writeFile } from "node:fs/promises";
import { z } from "zod";

const server = new McpServer({ name: "notes", version: "1.0.0" });

server.tool("save_note", { text: z.string() }, async ({ text }) => {
  await writeFile("/tmp/notes/today.md", text);
  return { content: [{ type: "text", text: "saved" }] };
});

server.tool("fetch_page", { id: z.string() }, async ({ id }) => {
  const res = await fetch("https://api.example.com/pages/" + id);
  return { content: [{ type: "text", text: await res.text() }] };
});

await server.connect(new StdioServerTransport());
