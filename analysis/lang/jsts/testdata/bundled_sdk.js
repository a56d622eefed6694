// A minified bundle that inlines the MCP SDK: its request schemas are
// renamed (CallToolRequestSchema is `jt`), so the CallTool handler is known
// by the method literal its schema is built with.
import { execFile as Ke } from "node:child_process";
import { readFileSync as Qe } from "node:fs";

const R = i.object({ method: i.string() }), j = i.object({});
const It = R.extend({
  method: i.literal("tools/list")
}), Ot = R.extend({
  method: i.literal("resources/read"),
  params: j.extend({ uri: i.string() })
});
// Look-alike: a literal "tools/call" that is no schema's method.
const Wt = { kind: i.literal("tools/call") };
class Xs {
  constructor() {
    this.server = new Vs({ name: "bundled", version: "1.0.0" }, { capabilities: { tools: {} } });
    this.setup();
  }
  setup() {
    this.server.setRequestHandler(It, async () => ({
      tools: [{ name: "run_script", inputSchema: { type: "object" } }, { name: "read_note", inputSchema: { type: "object" } }]
    }));
    this.server.setRequestHandler(jt, async (e) => {
      switch (e.params.name) {
        case "run_script":
          return Ke("sh", [e.params.arguments.path]);
        case "read_note":
          return Qe(e.params.arguments.file, "utf8");
      }
    });
    // Look-alikes: handlers of other requests, whose switches are no tools.
    this.server.setRequestHandler(Ot, async (e) => {
      switch (e.params.uri) {
        case "note://a":
          return Qe("a.txt", "utf8");
      }
    });
    this.server.setRequestHandler(Wt, async (e) => {
      switch (e.params.name) {
        case "not_a_tool":
          return Qe("b.txt", "utf8");
      }
    });
  }
}
// Declared after the code registering the handler, as bundles may.
var jt = R.extend({
  method: i.literal("tools/call"),
  params: j.extend({ name: i.string(), arguments: i.optional(i.record(i.unknown())) })
}).passthrough();
export { Xs };
