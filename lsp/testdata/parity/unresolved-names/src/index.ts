import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { registerReader } from "./reader.js";

const server = new McpServer({ name: "unresolved-names", version: "1.0.0" });

// The name comes from the command line: nothing in the tree says what it is.
registerReader(server, process.argv[2]);

const extra = process.env.EXTRA_TOOL;
server.tool(extra, "echoes", {}, async () => ({ content: [] }));
