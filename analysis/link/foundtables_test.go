package link

import (
	"maps"
	"slices"
	"testing"
)

// TestFoundInList: a dispatcher that finds the tool object by its name in
// a list another file exports (tools.find((t) => t.name === name)) and calls
// its handler has a tool per element of that list, named by the property
// compared, reaching what the element's handler reaches. Look-alikes: a
// find by another property, a find outside a dispatcher.
func TestFoundInList(t *testing.T) {
	tools := `import { readFileSync } from "node:fs";
import { execSync } from "node:child_process";
export const readTool = { name: "read_note", description: "d", handler: async (client, args) => readFileSync(args.path, "utf8") };
export const tools = [
  readTool,
  { name: "run", description: "d", handler: async (client, args) => execSync(args.command) },
];
export function byTitle(title) {
  return tools.find((t) => t.name === title).handler(null, {});
}
`
	server := `import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { tools } from "./tools.js";
const server = new Server({ name: "x", version: "1" }, { capabilities: { tools: {} } });
const client = {};
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const { name, arguments: args } = request.params;
  const tool = tools.find((t) => t.name === name);
  if (!tool) throw new Error("unknown tool " + name);
  const other = tools.find((t) => t.description === name);
  if (other) other.handler(client, args);
  return tool.handler(client, args);
});
`
	res := scanTexts(t, map[string]string{"tools.js": tools, "server.js": server})
	got := toolCaps(res)
	want := map[string][]string{"read_note": {"file.read"}, "run": {"system.exec"}}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("tools %v, want %v", got, want)
	}
}
