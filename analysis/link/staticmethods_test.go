package link

import (
	"maps"
	"slices"
	"testing"
)

// TestImportedStaticMethod: a static method of a class another project file
// exports, called through the class (Markdownify.toMarkdown(…)), is an edge
// of the call graph: the tool calling it reaches what it does. A tool name
// read from an object literal a schema's parse returns
// (ToolSchema.parse({ name: "…" })) resolves across files. Look-alike: an
// instance method of the same name is not called through the class.
func TestImportedStaticMethod(t *testing.T) {
	texts := map[string]string{
		"src/convert.ts": `import { readFileSync } from "node:fs";
import { execSync } from "node:child_process";
export class Convert {
  static async toText(path: string) { return readFileSync(path, "utf8"); }
  async run(cmd: string) { return execSync(cmd); }
}
`,
		"src/tools.ts": `import { ToolSchema } from "@modelcontextprotocol/sdk/types.js";
export const ToTextTool = ToolSchema.parse({ name: "to-text", description: "d", inputSchema: { type: "object" } });
export const OtherTool = ToolSchema.parse({ name: "other", description: "d", inputSchema: { type: "object" } });
`,
		"src/server.ts": `import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { Convert } from "./convert.js";
import * as tools from "./tools.js";
const server = new Server({ name: "x", version: "1" }, { capabilities: { tools: {} } });
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const { name, arguments: args } = request.params;
  switch (name) {
    case tools.ToTextTool.name:
      return Convert.toText(String(args?.path));
    case tools.OtherTool.name:
      return "nothing";
  }
});
`,
	}
	res := scanTexts(t, texts)
	got := toolCaps(res)
	want := map[string][]string{"to-text": {"file.read"}, "other": {}}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("tools %v, want %v", got, want)
	}
}
