package link

import (
	"fmt"
	"strings"
	"testing"
)

// TestToolTableBound: a loop over tool objects listed in other files
// expands to one tool per object up to maxTableTools; past it the
// registration stays one unresolved tool, never a table cut short.
func TestToolTableBound(t *testing.T) {
	list := func(prefix string, n int) string {
		var b strings.Builder
		b.WriteString("export const " + prefix + " = [\n")
		for i := range n {
			fmt.Fprintf(&b, "  { name: %q, handler: async (a) => a },\n", fmt.Sprintf("%s_%d", prefix, i))
		}
		b.WriteString("];\n")
		return b.String()
	}
	server := func(lists string) string {
		return `import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { a } from "./a.js";
import { b } from "./b.js";
const server = new McpServer({ name: "x", version: "1" });
const all = [` + lists + `];
for (const tool of all) server.tool(tool.name, "d", {}, tool.handler);
`
	}
	for _, tc := range []struct {
		lists      string
		tools      int
		unresolved bool
	}{
		{"...a", 300, false},
		{"...a, ...b", 0, true},
	} {
		res := scanTexts(t, map[string]string{"a.js": list("a", 300), "b.js": list("b", 300), "server.js": server(tc.lists)})
		named, unresolved := 0, 0
		for _, tl := range res.Tools {
			if tl.NameUnresolved {
				unresolved++
			} else {
				named++
			}
		}
		if named != tc.tools || (unresolved == 1) != tc.unresolved {
			t.Errorf("[%s]: %d named tools, %d unresolved; want %d named, unresolved %v", tc.lists, named, unresolved, tc.tools, tc.unresolved)
		}
	}
}
