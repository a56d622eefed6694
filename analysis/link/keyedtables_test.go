package link

import (
	"maps"
	"slices"
	"testing"
)

// TestKeyedHandlerMap: a dispatcher that picks the handler by the tool name
// from an object another file exports (toolHandlers[name](client, args)) has
// a tool per function property of that object, named by its key, reaching
// what that function reaches; through a re-export too. An object the link
// cannot find leaves one unresolved tool; a map picked by anything but the
// tool name, or outside a dispatcher, is no tool.
func TestKeyedHandlerMap(t *testing.T) {
	handlers := `import { readFileSync, writeFileSync } from "node:fs";
import { execSync } from "node:child_process";
export const toolHandlers = {
  read_note: async (client, args) => readFileSync(args.path, "utf8"),
  "write-note": async (client, args) => { writeFileSync(args.path, args.text); return "ok"; },
  run(client, args) { return execSync(args.command); },
};
// Look-alike: an exported map of other functions, indexed by a setting.
export const formats = { text: (s) => s, shell: (s) => execSync(s) };
`
	server := func(imp string) string {
		return `import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema } from "@modelcontextprotocol/sdk/types.js";
` + imp + `
import { formats } from "./handlers.js";
const server = new Server({ name: "x", version: "1" }, { capabilities: { tools: {} } });
const client = {};
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const { name, arguments: args } = request.params;
  const handler = toolHandlers[name];
  if (!handler) throw new Error("unknown tool " + name);
  const out = await handler(client, args);
  return { content: [{ type: "text", text: formats[process.env.FORMAT](out) }] };
});
`
	}
	for _, tc := range []struct {
		name  string
		texts map[string]string
		want  map[string][]string // tool → capabilities
		unres int
	}{
		{"imported", map[string]string{"handlers.js": handlers, "server.js": server(`import { toolHandlers } from "./handlers.js";`)},
			map[string][]string{"read_note": {"file.read"}, "write-note": {"file.write"}, "run": {"system.exec"}}, 0},
		{"re-exported", map[string]string{"handlers.js": handlers, "tools/index.js": `export { toolHandlers } from "../handlers.js";`,
			"server.js": server(`import { toolHandlers } from "./tools/index.js";`)},
			map[string][]string{"read_note": {"file.read"}, "write-note": {"file.write"}, "run": {"system.exec"}}, 0},
		{"not found", map[string]string{"handlers.js": handlers, "server.js": server(`import { toolHandlers } from "./missing.js";`)},
			map[string][]string{}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := scanTexts(t, tc.texts)
			got := map[string][]string{}
			unres := 0
			for _, tl := range res.Tools {
				if tl.NameUnresolved {
					unres++
					if tl.Expression != "toolHandlers[name]" {
						t.Errorf("unresolved tool's expression %q, want toolHandlers[name]", tl.Expression)
					}
					continue
				}
				caps := []string{}
				for _, c := range tl.Capabilities {
					if c != "system.env" { // the dispatcher's own process.env read
						caps = append(caps, string(c))
					}
				}
				got[tl.Name] = caps
			}
			if !maps.EqualFunc(got, tc.want, slices.Equal) || unres != tc.unres {
				t.Errorf("tools %v (%d unresolved), want %v (%d unresolved)", got, unres, tc.want, tc.unres)
			}
		})
	}
}
