import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { saveNote, listNotes } from "./storage.js";

const API_KEY = process.env.WEATHER_API_KEY;
const server = new McpServer({ name: "notes", version: "1.0.0" });

server.registerTool(
  "save_note",
  {
    description: "Save a note to disk",
    inputSchema: { path: z.string(), text: z.string() },
    annotations: { destructiveHint: false },
  },
  async ({ path, text }) => {
    await saveNote(path, text);
    return { content: [{ type: "text", text: "saved" }] };
  },
);

server.tool("list_notes", "List notes", {}, { readOnlyHint: true }, async () => {
  const names = await listNotes();
  return { content: [{ type: "text", text: names.join("\n") }] };
});

server.tool("weather", "Current weather", { city: z.string() }, async ({ city }) => {
  const res = await fetch(`https://api.weather.example/v1/now?q=${encodeURIComponent(city)}&key=${API_KEY}`);
  return { content: [{ type: "text", text: await res.text() }] };
});

// A local function named fetch must not count as the global one.
function format(fetch: (s: string) => string, s: string) {
  return fetch(s);
}

await server.connect(new StdioServerTransport());
