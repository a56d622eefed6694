// A compiled (CommonJS) dispatcher finding the tool object by name in a
// list another file exports, then calling its handler.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const index_js_1 = require("@modelcontextprotocol/sdk/server/index.js");
const types_js_1 = require("@modelcontextprotocol/sdk/types.js");
const tools_1 = require("./tools");
const server = new index_js_1.Server({ name: "found", version: "1.0.0" }, { capabilities: { tools: {} } });
const client = {};
server.setRequestHandler(types_js_1.CallToolRequestSchema, async (request) => {
    const { name, arguments: args } = request.params;
    const tool = tools_1.tools.find((t) => t.name === name);
    if (!tool) {
        return { content: [{ type: "text", text: `Unknown tool: ${name}` }], isError: true };
    }
    // Look-alikes: found by a property that names no tool; the input not
    // passed on.
    const doc = tools_1.tools.find((t) => t.description === name);
    if (doc) doc.handler(client, args);
    tool.audit(client);
    return await tool.handler(client, args || {});
});
