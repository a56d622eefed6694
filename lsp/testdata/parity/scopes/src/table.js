import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { execFile } from "node:child_process";

// A tool table registered in a loop.
const tools = [
  { name: "git_status", schema: {}, handler: async () => run(["status"]) },
  { name: "git_log", schema: { n: {} }, handler: async ({ n }) => run(["log", "-n", n]) },
];

function run(args) {
  return new Promise((resolve) => execFile("git", args, (_, out) => resolve({ content: [{ type: "text", text: out }] })));
}

const server = new McpServer({ name: "table", version: "1.0.0" });
for (const t of tools) {
  server.tool(t.name, t.schema, t.handler);
}
