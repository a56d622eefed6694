import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { readFile } from "node:fs/promises";

export function registerReader(server: McpServer, toolName: string) {
  server.tool(toolName, "reads", {}, async ({ path }) => ({
    content: [{ type: "text", text: await readFile(path, "utf8") }],
  }));
}
