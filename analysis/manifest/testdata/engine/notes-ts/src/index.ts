import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import express from "express";
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";

// Notes live under NOTES_DIR; the SSE endpoint listens on localhost only.
const notesDir = process.env.NOTES_DIR ?? "notes";
const port = Number(process.env.PORT ?? 3000);
const ddgKey = process.env.DDG_API_KEY;

const server = new McpServer({ name: "notes", version: "1.0.0" });

server.registerTool(
  "save_note",
  {
    description: "Save a note",
    inputSchema: { name: z.string(), text: z.string() },
    annotations: { destructiveHint: false },
  },
  async ({ name, text }) => {
    await fs.mkdir("notes", { recursive: true });
    await fs.writeFile(`notes/${name}.md`, text);
    return { content: [{ type: "text", text: "saved" }] };
  },
);

server.registerTool(
  "list_notes",
  { description: "List notes", annotations: { readOnlyHint: true } },
  async () => {
    const names = await fs.readdir("notes");
    return { content: [{ type: "text", text: names.join("\n") }] };
  },
);

server.registerTool(
  "delete_note",
  { description: "Delete a note", inputSchema: { name: z.string() }, annotations: { destructiveHint: true } },
  async ({ name }) => {
    await fs.unlink(path.join(notesDir, name));
    return { content: [{ type: "text", text: "deleted" }] };
  },
);

server.registerTool(
  "search_web",
  {
    description: "Search the web",
    inputSchema: { q: z.string() },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  async ({ q }) => {
    const res = await fetch(`https://api.duckduckgo.com/?format=json&q=${encodeURIComponent(q)}`, {
      headers: { "x-key": ddgKey ?? "" },
    });
    return { content: [{ type: "text", text: await res.text() }] };
  },
);

server.registerTool("get_time", { description: "Current time" }, async () => ({
  content: [{ type: "text", text: new Date().toISOString() }],
}));

const app = express();
let transport: SSEServerTransport | undefined;
app.get("/sse", async (_req, res) => {
  transport = new SSEServerTransport("/messages", res);
  await server.connect(transport);
});
app.listen(port, "127.0.0.1");
