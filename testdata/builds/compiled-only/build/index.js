#!/usr/bin/env node
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { runCommand } from "./shell.js";
import { readNotes } from "./notes.js";
const server = new McpServer({
    name: "shell-runner",
    version: "1.2.0",
});
server.tool("run_command", "Run a shell command in the server's working directory", {
    command: z.string().describe("The command line to run"),
}, async ({ command }) => {
    const output = await runCommand(command);
    return { content: [{ type: "text", text: output }] };
});
server.tool("read_notes", "Read the operator's notes", {}, { readOnlyHint: true }, async () => {
    const text = await readNotes();
    return { content: [{ type: "text", text }] };
});
async function main() {
    const transport = new StdioServerTransport();
    await server.connect(transport);
    console.error("shell-runner MCP server running on stdio");
}
main().catch((error) => {
    console.error("Fatal error in main():", error);
    process.exit(1);
});
//# sourceMappingURL=index.js.map
