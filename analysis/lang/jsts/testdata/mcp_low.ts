import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import fs from "fs/promises";
import { execFile } from "child_process";

enum ToolName {
  ECHO = "echo",
  RUN = "run_cmd",
}

const server = new Server({ name: "low", version: "1" }, { capabilities: { tools: {} } });

server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    { name: "read_file", description: "Read", inputSchema: {}, annotations: { readOnlyHint: true } },
    { name: ToolName.ECHO, description: "Echo", inputSchema: {} },
  ],
}));

server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const { name, arguments: args } = request.params;
  console.error(`calling ${name}`);
  switch (name) {
    case "read_file": {
      const content = await fs.readFile(args.path as string, "utf-8");
      return { content: [{ type: "text", text: content }] };
    }
    case "write_file":
    case "append_file":
      await fs.writeFile(String(args.path), String(args.content));
      return { content: [] };
    case ToolName.ECHO:
      return { content: [{ type: "text", text: String(args.message) }] };
    case ToolName.RUN:
      return handleRun(args);
    case OTHER_TOOL:
      return { content: [] };
    default:
      throw new Error(`Unknown tool: ${name}`);
  }
});

function handleRun(a: any) {
  return new Promise((resolve) => execFile("sh", ["-c", a.cmd], resolve));
}

const server2 = new Server({ name: "if", version: "1" }, { capabilities: { tools: {} } });
server2.setRequestHandler(CallToolRequestSchema, dispatch);

async function dispatch(request: any) {
  if (request.params.name === "fetch_url") {
    return await fetch(request.params.arguments.url);
  } else if (request.params.name === "env" || request.params.name === "environment") {
    return process.env[request.params.arguments.key];
  }
  throw new Error("unknown");
}
