#!/usr/bin/env node
"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.resolveInWorkspace = resolveInWorkspace;
const index_js_1 = require("@modelcontextprotocol/sdk/server/index.js");
const stdio_js_1 = require("@modelcontextprotocol/sdk/server/stdio.js");
const types_js_1 = require("@modelcontextprotocol/sdk/types.js");
const child_process_1 = require("child_process");
const fs_1 = require("fs");
const path_1 = __importDefault(require("path"));
const util_1 = require("util");
const execFileAsync = (0, util_1.promisify)(child_process_1.execFile);
// The workspace is given on the command line: node dist/index.js /path/to/workspace
const workspace = path_1.default.resolve(process.argv[2] ?? ".");
function resolveInWorkspace(requested) {
    const full = path_1.default.resolve(workspace, requested);
    if (full !== workspace && !full.startsWith(workspace + path_1.default.sep)) {
        throw new Error(`Access denied: ${requested} is outside ${workspace}`);
    }
    return full;
}
const server = new index_js_1.Server({ name: "workspace-files", version: "1.4.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(types_js_1.ListToolsRequestSchema, async () => ({
    tools: [
        { name: "read_file", description: "Read a file of the workspace", inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } },
        { name: "write_file", description: "Create or overwrite a file", inputSchema: { type: "object", properties: { path: { type: "string" }, content: { type: "string" } }, required: ["path", "content"] } },
        { name: "list_directory", description: "List a directory", inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } },
        { name: "delete_file", description: "Delete a file", inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } },
        { name: "search_text", description: "grep the workspace", inputSchema: { type: "object", properties: { pattern: { type: "string" } }, required: ["pattern"] } },
        { name: "disk_usage", description: "Size of a directory", inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } },
    ],
}));
server.setRequestHandler(types_js_1.CallToolRequestSchema, async (request) => {
    const { name, arguments: args } = request.params;
    try {
        switch (name) {
            case "read_file": {
                const file = resolveInWorkspace(String(args?.path));
                const text = await fs_1.promises.readFile(file, "utf-8");
                return { content: [{ type: "text", text }] };
            }
            case "write_file": {
                const file = resolveInWorkspace(String(args?.path));
                await fs_1.promises.writeFile(file, String(args?.content ?? ""), "utf-8");
                return { content: [{ type: "text", text: `Wrote ${file}` }] };
            }
            case "list_directory": {
                const dir = resolveInWorkspace(String(args?.path ?? "."));
                const entries = await fs_1.promises.readdir(dir, { withFileTypes: true });
                const text = entries.map((e) => `${e.isDirectory() ? "[DIR]" : "[FILE]"} ${e.name}`).join("\n");
                return { content: [{ type: "text", text }] };
            }
            case "delete_file": {
                const file = resolveInWorkspace(String(args?.path));
                await fs_1.promises.unlink(file);
                return { content: [{ type: "text", text: `Deleted ${file}` }] };
            }
            case "search_text": {
                const pattern = String(args?.pattern);
                const out = await new Promise((resolve, reject) => {
                    (0, child_process_1.execFile)("grep", ["-rn", "--", pattern, workspace], { maxBuffer: 1 << 20 }, (err, stdout) => {
                        if (err && err.code !== 1) {
                            reject(err);
                            return;
                        }
                        resolve(stdout);
                    });
                });
                return { content: [{ type: "text", text: out || "no matches" }] };
            }
            case "disk_usage": {
                const dir = resolveInWorkspace(String(args?.path ?? "."));
                const { stdout } = await execFileAsync("du", ["-sh", dir]);
                return { content: [{ type: "text", text: stdout.trim() }] };
            }
            default:
                throw new Error(`Unknown tool: ${name}`);
        }
    }
    catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { content: [{ type: "text", text: `Error: ${message}` }], isError: true };
    }
});
async function main() {
    const transport = new stdio_js_1.StdioServerTransport();
    await server.connect(transport);
    console.error(`workspace-files MCP server serving ${workspace}`);
}
main().catch((error) => {
    console.error("Fatal error:", error);
    process.exit(1);
});
//# sourceMappingURL=index.js.map
