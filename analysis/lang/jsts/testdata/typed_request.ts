// The CallTool handler's request typed with the SDK's protocol types: the
// request is data, read field by field, so the switch on its name is the
// tool dispatch.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, type CallToolRequest } from "@modelcontextprotocol/sdk/types.js";
import type * as Types from "@modelcontextprotocol/sdk/types.js";
import { Pool } from "pg";
import { exec } from "node:child_process";
import { writeFile } from "node:fs/promises";

const server = new Server({ name: "typed", version: "1.0.0" }, { capabilities: { tools: {} } });

server.setRequestHandler(CallToolRequestSchema, async (request: CallToolRequest) => {
  const { name, arguments: args } = request.params;
  switch (name) {
    case "run":
      exec(String(args?.command));
      return { content: [] };
    case "save":
      await writeFile(String(args?.path), "x");
      return { content: [] };
  }
  throw new Error(`unknown tool ${name}`);
});

// Look-alike: a parameter typed with a client class stays its instance.
export async function count(db: Pool) {
  return db.query("select count(*) from t");
}

export function describe(req: Types.CallToolRequest) {
  return req.params.name;
}
