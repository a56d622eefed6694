// Modelled on servers that hand the tool name and arguments to one helper,
// and on FastMCP (TypeScript) servers.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { FastMCP } from "fastmcp";
import FirecrawlApp from "@mendable/firecrawl-js";
import { z } from "zod";
import fs from "node:fs/promises";

function createClient() {
  return new FirecrawlApp({ apiKey: process.env.FIRECRAWL_API_KEY });
}

const client = createClient();

const server = new Server({ name: "helper", version: "1.0.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(CallToolRequestSchema, async (request) =>
  handleToolCall(request.params.name, request.params.arguments ?? {}),
);

async function handleToolCall(name: string, args: Record<string, unknown>) {
  switch (name) {
    case "scrape":
      return client.scrapeUrl(String(args.url), { formats: ["markdown"] });
    case "read_file": {
      let p = String(args.path);
      if (p === ".") {
        p = process.cwd();
      }
      return fs.readFile(p, "utf-8");
    }
    default:
      throw new Error(`unknown tool ${name}`);
  }
}

const fast = new FastMCP({ name: "fast", version: "1.0.0" });
fast.addTool({
  name: "fetch_page",
  description: "Fetch a web page",
  parameters: z.object({ url: z.string() }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  execute: async (args, context) => {
    const res = await fetch(new URL(args.url, "https://docs.example.com"));
    return res.text();
  },
});
fast.start({ transportType: "stdio" });
