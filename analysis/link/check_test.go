package link

import (
	"strings"
	"testing"
)

// TestCheckModeReports corrupts the latest link of a root (the tools
// reaching a call), makes the next link a relink of it, and requires check
// mode to report the difference with a full link; without check mode the
// corruption goes through unseen, which is what check mode is for.
func TestCheckModeReports(t *testing.T) {
	const server = `import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { readFile } from "node:fs/promises";
const server = new McpServer({ name: "s", version: "1" });
server.tool("read", {}, async () => {
  return { content: [{ type: "text", text: await readFile("/etc/a") }] };
});
`
	for _, check := range []bool{false, true} {
		e, err := newTestEngine()
		if err != nil {
			t.Fatal(err)
		}
		var reports []string
		e.SetCheck(nil)
		if check {
			e.SetCheck(func(err error) { reports = append(reports, err.Error()) })
		}
		w := &workspace{root: t.TempDir(), paths: []string{"server.ts"}, texts: map[string]string{"server.ts": server}}
		e.Link(w.root, w.extract(t, e, nil))
		snap := e.cache.snapshot(mustAbs(t, w.root))
		for i := range snap.out.links {
			for k := range snap.out.links[i] {
				snap.out.links[i][k].tools = []string{"bogus"}
			}
		}
		edited := strings.Replace(server, "/etc/a", "/etc/b", 1)
		e.Link(w.root, w.extract(t, e, map[string]string{"server.ts": edited}))
		switch {
		case check && (len(reports) != 1 || !strings.Contains(reports[0], "relink")):
			t.Errorf("check mode reported %q, want one difference of a relink", reports)
		case !check && len(reports) > 0:
			t.Errorf("reports without check mode: %q", reports)
		}
	}
}
