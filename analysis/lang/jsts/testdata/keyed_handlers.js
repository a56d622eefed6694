// A dispatcher picking the handler from a map another file exports, by the
// tool name: one keyed-table tool the link expands.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { toolHandlers, formatters } from "./handlers.js";
import * as lib from "some-library";

const server = new Server({ name: "keyed", version: "1.0.0" }, { capabilities: { tools: {} } });
const client = lib.connect();

server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const toolName = request.params.name;
  const handler = toolHandlers[toolName];
  if (!handler) {
    throw new Error(`Unknown tool: ${toolName}`);
  }
  const result = await handler(client, request.params.arguments);
  // Look-alikes: a map picked by something other than the tool name, and
  // a library's object picked by the tool name.
  const format = formatters[result.kind];
  lib.registry[toolName]("x");
  return format(result);
});

// Look-alike: a keyed map read outside a dispatcher.
export function describe(name) {
  return toolHandlers[name];
}
