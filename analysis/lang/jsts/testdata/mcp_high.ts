import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { readFile, writeFile } from "node:fs/promises";
import { handleDelete } from "./handlers.js";

const server = new McpServer({ name: "demo", version: "1.0.0" });
const ECHO = "echo";

server.tool("ping", async () => ({ content: [{ type: "text", text: "pong" }] }));

server.tool("read_file", "Read a file", { path: z.string() }, async ({ path }) => {
  const text = await readFile(path, "utf8");
  return { content: [{ type: "text", text }] };
});

server.tool(ECHO, { message: z.string() }, async ({ message }) => ({ content: [{ type: "text", text: message }] }));

server.tool(
  "write_file",
  "Write a file",
  { path: z.string(), content: z.string() },
  { destructiveHint: true, readOnlyHint: false },
  async (args) => {
    await writeFile(args.path, args.content);
    return { content: [] };
  },
);

server.registerTool(
  "delete_file",
  {
    title: "Delete",
    description: "Delete a file",
    inputSchema: { path: z.string() },
    annotations: { destructiveHint: true, idempotentHint: true },
  },
  handleDelete,
);

async function listDir(args: { dir: string }) {
  return args.dir;
}
server.tool("list_dir", "List", { dir: z.string() }, listDir);
server.tool(TOOL_NAMES.SEARCH, "Search", {}, async () => ({ content: [] }));

export class Srv {
  constructor(private server: McpServer) {}
  register() {
    this.server.tool("inner", async () => ({ content: [] }));
  }
}
