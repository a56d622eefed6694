package link

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestTableDispatchArgs: the objects a dispatcher passes to the handler it
// picks from a table (toolHandlers[name](client, args), tool.handler(api,
// args)) bind to each handler's parameters as an ordinary call's would: a
// project class instance's methods and a library instance's calls run for
// each tool. Look-alike: a dispatcher passing a plain config object gives
// its handlers' `cfg.get(…)` no capability.
func TestTableDispatchArgs(t *testing.T) {
	client := `import axios from "axios";
import { readFileSync } from "node:fs";
export class HAClient {
  constructor(o) { this.http = axios.create({ baseURL: o.url }); }
  async getState(id) { return (await this.http.get("/api/states/" + id)).data; }
  readConfig() { return readFileSync("/config/configuration.yaml", "utf8"); }
}
`
	keyedHandlers := `export const toolHandlers = {
  get_state: async (client, args) => client.getState(args.entity_id),
  read_config: async (client, args) => client.readConfig(),
  echo: async (client, args) => args.text,
};
`
	keyedServer := func(pass string) string {
		return `import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { HAClient } from "./ha-client.js";
import { toolHandlers } from "./lib/handlers.js";
const server = new Server({ name: "x", version: "1" }, { capabilities: { tools: {} } });
const haClient = new HAClient({ url: "http://ha.local:8123" });
const config = { mode: "read" };
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const { name, arguments: args } = request.params;
  const handler = toolHandlers[name];
  if (!handler) throw new Error("unknown tool " + name);
  return await handler(` + pass + `, args);
});
`
	}
	foundTools := `export const getUser = { name: "get_user", handler: async (api, args) => api.get("/users/" + args.id) };
export const putUser = { name: "put_user", handler: async (api, args) => api.put("/users/" + args.id, args.body) };
export const tools = [getUser, putUser];
`
	foundServer := func(decl string) string {
		return `import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import axios from "axios";
import { tools } from "./tools.js";
const server = new Server({ name: "x", version: "1" }, { capabilities: { tools: {} } });
` + decl + `
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const tool = tools.find((t) => t.name === request.params.name);
  if (!tool) throw new Error("unknown tool");
  return tool.handler(api, request.params.arguments);
});
`
	}
	for _, tc := range []struct {
		name  string
		texts map[string]string
		want  map[string][]string
	}{
		{"keyed project client", map[string]string{"ha-client.js": client, "lib/handlers.js": keyedHandlers, "server.js": keyedServer("haClient")},
			map[string][]string{"get_state": {"network.client"}, "read_config": {"file.read"}, "echo": {}}},
		{"keyed plain config", map[string]string{"ha-client.js": client, "lib/handlers.js": keyedHandlers, "server.js": keyedServer("config")},
			map[string][]string{"get_state": {}, "read_config": {}, "echo": {}}},
		{"found library client", map[string]string{"tools.js": foundTools, "server.js": foundServer(`const api = axios.create({ baseURL: "https://api.example.com" });`)},
			map[string][]string{"get_user": {"network.client"}, "put_user": {"network.client"}}},
		{"found plain config", map[string]string{"tools.js": foundTools, "server.js": foundServer(`const api = { get: (k) => k, put: (k, v) => v };`)},
			map[string][]string{"get_user": {}, "put_user": {}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := scanTexts(t, tc.texts)
			got := toolCaps(res)
			if !maps.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("tools %v, want %v", got, tc.want)
			}
		})
	}
}

// TestRelinkTableDispatchArgs edits what a table dispatcher passes its
// handlers (an instance, then a plain object, then the instance back) and
// what a handler calls on it: each incremental link must equal a full link
// of the edited files, and the handler's capability must follow the edit.
func TestRelinkTableDispatchArgs(t *testing.T) {
	texts := map[string]string{
		"ha-client.js": `import axios from "axios";
export class HAClient {
  constructor(o) { this.http = axios.create({ baseURL: o.url }); }
  async getState(id) { return (await this.http.get("/api/states/" + id)).data; }
  async ping() { return 1; }
}
`,
		"handlers.js": `export const toolHandlers = {
  get_state: async (client, args) => client.getState(args.entity_id),
};
`,
		"server.js": `import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { HAClient } from "./ha-client.js";
import { toolHandlers } from "./handlers.js";
const server = new Server({ name: "x", version: "1" }, { capabilities: { tools: {} } });
const haClient = new HAClient({ url: "http://ha.local:8123" });
const config = { mode: "read" };
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const { name, arguments: args } = request.params;
  const handler = toolHandlers[name];
  return await handler(haClient, args);
});
`,
	}
	steps := []struct {
		file, old, new string
		want           []string
	}{
		{"server.js", "handler(haClient, args)", "handler(config, args)", []string{}},
		{"server.js", "handler(config, args)", "handler(haClient, args)", []string{"network.client"}},
		{"handlers.js", "client.getState(", "client.ping(", []string{}},
		{"handlers.js", "client.ping(", "\n  client.getState(", []string{"network.client"}},
	}
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	w := &workspace{root: t.TempDir(), paths: []string{"ha-client.js", "handlers.js", "server.js"}, texts: texts}
	linkAndCheck(e, w.root, w.extract(t, e, nil))
	edited := map[string]string{}
	for i, s := range steps {
		text, ok := edited[s.file]
		if !ok {
			text = texts[s.file]
		}
		if !strings.Contains(text, s.old) {
			t.Fatalf("step %d: %q not in %s", i, s.old, s.file)
		}
		edited[s.file] = strings.Replace(text, s.old, s.new, 1)
		got := linkAndCheck(e, w.root, w.extract(t, e, edited))
		fresh, err := newTestEngine()
		if err != nil {
			t.Fatal(err)
		}
		want := linkAndCheck(fresh, w.root, w.extract(t, fresh, edited))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("step %d: the incremental result differs from a full link:\n%s", i, diffResults(got, want))
		}
		var caps []string
		for _, tl := range want.Tools {
			if tl.Name == "get_state" {
				caps = []string{}
				for _, c := range tl.Capabilities {
					caps = append(caps, string(c))
				}
			}
		}
		if !slices.Equal(caps, s.want) {
			t.Errorf("step %d: get_state has %v, want %v", i, caps, s.want)
		}
	}
}
