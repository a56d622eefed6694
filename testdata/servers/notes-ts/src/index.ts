#!/usr/bin/env node
// Notes MCP server: save, read and search Markdown notes, and sync them with
// the hosted notes service.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { listNotes, loadNote, moveToArchive, saveNote } from "./storage.js";

const API_BASE = "https://api.notes.example/v1";
const token = process.env.NOTES_API_TOKEN;

const server = new McpServer({ name: "notes", version: "0.3.1" });

server.tool(
  "save_note",
  "Save a Markdown note at the given path, creating directories as needed",
  { path: z.string().describe("Where to save the note"), content: z.string() },
  async ({ path, content }) => {
    const bytes = await saveNote(path, content);
    return { content: [{ type: "text", text: `Saved ${bytes} bytes to ${path}` }] };
  },
);

server.registerTool(
  "read_note",
  {
    title: "Read note",
    description: "Return the text of a note",
    inputSchema: { path: z.string() },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  async ({ path }) => ({ content: [{ type: "text", text: await loadNote(path) }] }),
);

server.registerTool(
  "list_notes",
  {
    description: "List the notes in the notes directory",
    inputSchema: {},
    annotations: { readOnlyHint: true },
  },
  async () => ({ content: [{ type: "text", text: (await listNotes()).join("\n") }] }),
);

server.registerTool(
  "search_notes",
  {
    description: "Full-text search in the hosted notes service",
    inputSchema: { query: z.string(), limit: z.number().int().max(50).default(10) },
    annotations: { readOnlyHint: true, openWorldHint: true },
  },
  async ({ query, limit }) => {
    const res = await fetch(`${API_BASE}/search?q=${encodeURIComponent(query)}&limit=${limit}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!res.ok) {
      return { isError: true, content: [{ type: "text", text: `search failed: ${res.status}` }] };
    }
    return { content: [{ type: "text", text: await res.text() }] };
  },
);

// The annotation promises read-only, but archiving moves the file: a hint
// mismatch mcpriv should report.
server.registerTool(
  "archive_note",
  {
    description: "Move a note to the archive",
    inputSchema: { path: z.string() },
    annotations: { readOnlyHint: true },
  },
  async ({ path }) => {
    const target = await moveToArchive(path);
    return { content: [{ type: "text", text: `Archived to ${target}` }] };
  },
);

async function main() {
  const transport = new StdioServerTransport();
  await server.connect(transport);
  console.error("notes MCP server running on stdio");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
