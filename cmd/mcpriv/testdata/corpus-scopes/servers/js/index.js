// A tiny server of ours for the scope benchmark's end-to-end test: its
// only host is the model's.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

const server = new McpServer({ name: "tiny-js", version: "1.0.0" });

server.tool("get", { url: z.string() }, async ({ url }) => {
  const res = await fetch(url);
  return { content: [{ type: "text", text: await res.text() }] };
});
