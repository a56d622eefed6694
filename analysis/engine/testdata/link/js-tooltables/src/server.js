import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { tools } from "./tools/index.js";
import { labels } from "./tools/labels.js";
import { adminTools } from "./admin/all.cjs";
import { PingTool } from "./single/ping.js";
import { RegisterTool, registerNamed } from "./single/register.js";
import os from "node:os";
import { presets } from "preset-tools";

const server = new McpServer({ name: "tables", version: "1.0.0" });
const apiKey = process.env.API_KEY;

for (const tool of tools) {
  server.tool(tool.name, tool.description, {}, async (args) => {
    return await tool.handler(apiKey, args);
  });
}

adminTools.forEach((t) => server.registerTool(t.name, { description: t.description }, t.handler));

labels.forEach((label) => {
  server.tool(label.title, "d", {}, async () => ({ content: [{ type: "text", text: os.hostname() }] }));
});

// Look-alike: a library's array is not the project's tool table.
for (const p of presets) {
  server.tool(p.name, "d", {}, p.run);
}

RegisterTool(server, PingTool);
RegisterTool(server, {
  name: "list_dir",
  description: "List a directory",
  schema: {},
  handler: async (args) => (await import("node:fs/promises")).readdir(args.dir),
});
registerNamed(server, loadOptions());

function loadOptions() {
  return JSON.parse(process.argv[2] ?? "{}");
}
