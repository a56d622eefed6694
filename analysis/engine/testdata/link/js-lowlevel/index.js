#!/usr/bin/env node
"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const index_js_1 = require("@modelcontextprotocol/sdk/server/index.js");
const stdio_js_1 = require("@modelcontextprotocol/sdk/server/stdio.js");
const types_js_1 = require("@modelcontextprotocol/sdk/types.js");
const child_process_1 = require("child_process");
const fs_1 = __importDefault(require("fs"));
const ToolName = {
    READ: "read_file",
    RUN: "run_command",
};
const server = new index_js_1.Server({ name: "files", version: "0.1.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(types_js_1.ListToolsRequestSchema, async () => ({
    tools: [
        { name: ToolName.READ, description: "Read a file", inputSchema: {}, annotations: { readOnlyHint: true } },
        { name: ToolName.RUN, description: "Run a command", inputSchema: {} },
    ],
}));
server.setRequestHandler(types_js_1.CallToolRequestSchema, async (request) => {
    const { name, arguments: args } = request.params;
    console.error(`calling ${name}`);
    switch (name) {
        case ToolName.READ: {
            const text = await fs_1.default.promises.readFile(args.path, "utf-8");
            return { content: [{ type: "text", text }] };
        }
        case ToolName.RUN: {
            const out = await new Promise((resolve, reject) => {
                (0, child_process_1.execFile)(args.command, args.argv || [], (err, stdout) => err ? reject(err) : resolve(stdout));
            });
            return { content: [{ type: "text", text: out }] };
        }
        default:
            throw new Error(`Unknown tool: ${name}`);
    }
});
async function main() {
    const transport = new stdio_js_1.StdioServerTransport();
    await server.connect(transport);
}
main().catch((e) => { console.error(e); process.exit(1); });
