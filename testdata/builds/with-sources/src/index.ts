import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { readFile } from "node:fs/promises";

const server = new McpServer({ name: "echo", version: "0.1.0" });

server.tool("read_motd", "Read the message of the day", {}, async () => {
  const text = await readFile("/etc/motd", "utf8");
  return { content: [{ type: "text", text }] };
});

server.tool("echo", "Echo the message back", { message: z.string() }, async ({ message }) => ({
  content: [{ type: "text", text: message }],
}));

await server.connect(new StdioServerTransport());
