package link

import (
	"slices"
	"testing"
)

// TestConstPropJSConfig follows JS/TS configuration values to the call:
// members of constant objects, of the object a getter returns, CommonJS
// exports (tsc's output), in the file and across files; and keeps open
// what the model or an operator without a stated default chooses.
func TestConstPropJSConfig(t *testing.T) {
	for _, tc := range []struct {
		name       string
		texts      map[string]string
		file, mark string
		want       wantScope
	}{
		{"exported object member", map[string]string{
			"config.ts": "export const CONFIG = { apiUrl: \"https://api.example.com\", timeout: 5 };\n",
			"s.ts":      "import { CONFIG } from \"./config.js\";\nexport const get = (p: string) => fetch(`${CONFIG.apiUrl}/v1/${p}`); // here\n",
		}, "s.ts", "// here", wantScope{scope: "api.example.com"}},
		{"nested member", map[string]string{
			"config.ts": "export const config = {\n  api: { github: { baseUrl: \"https://api.github.com\" } },\n} as const;\n",
			"s.ts":      "import { config } from \"./config.js\";\nexport const get = (p: string) => fetch(config.api.github.baseUrl + \"/repos/\" + p); // here\n",
		}, "s.ts", "// here", wantScope{scope: "api.github.com"}},
		{"destructured member", map[string]string{
			"config.js": "export const CONFIG = { baseUrl: process.env.ACME_URL || \"https://acme.example.com\" };\n",
			"s.js":      "import { CONFIG } from \"./config.js\";\nconst { baseUrl } = CONFIG;\nexport const get = (p) => fetch(`${baseUrl}/x/${p}`); // here\n",
		}, "s.js", "// here", wantScope{scope: "acme.example.com"}},
		{"member the file writes stays unknown", map[string]string{
			"config.js": "export const CONFIG = { baseUrl: \"https://a.example.com\" };\nexport function configure(u) { CONFIG.baseUrl = u; }\n",
			"s.js":      "import { CONFIG } from \"./config.js\";\nexport const get = (p) => fetch(`${CONFIG.baseUrl}/x/${p}`); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"object merged into stays unknown", map[string]string{
			"config.js": "export const CONFIG = { baseUrl: \"https://a.example.com\" };\nexport function configure(o) { Object.assign(CONFIG, o); }\n",
			"s.js":      "import { CONFIG } from \"./config.js\";\nexport const get = (p) => fetch(`${CONFIG.baseUrl}/x/${p}`); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"member with a computed write stays unknown", map[string]string{
			"config.js": "export const CONFIG = { baseUrl: \"https://a.example.com\" };\nexport function set(k, v) { CONFIG[k] = v; }\n",
			"s.js":      "import { CONFIG } from \"./config.js\";\nexport const get = (p) => fetch(`${CONFIG.baseUrl}/x/${p}`); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"member from env without default stays unknown", map[string]string{
			"config.js": "export const CONFIG = { baseUrl: process.env.ACME_URL };\n",
			"s.js":      "import { CONFIG } from \"./config.js\";\nexport const get = (p) => fetch(`${CONFIG.baseUrl}/x/${p}`); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"getter's object across files", map[string]string{
			"config.ts": "export function getConfig() {\n  return { baseUrl: process.env.ACME_URL || \"https://acme.example.com\", token: process.env.ACME_TOKEN };\n}\n",
			"s.ts":      "import { getConfig } from \"./config.js\";\nexport async function get(p: string) {\n  const { baseUrl } = getConfig();\n  return fetch(`${baseUrl}/v2/${p}`); // here\n}\n",
		}, "s.ts", "// here", wantScope{scope: "acme.example.com"}},
		{"getter's object read directly", map[string]string{
			"config.js": "export const getConfig = () => ({ api: { url: \"https://g.example.com\" } });\n",
			"s.js":      "import { getConfig } from \"./config.js\";\nexport const get = (p) => fetch(getConfig().api.url + \"/\" + p); // here\n",
		}, "s.js", "// here", wantScope{scope: "g.example.com"}},
		{"getter in the same file", map[string]string{
			"s.js": "function getConfig() {\n  return { baseUrl: \"https://local.example.com\" };\n}\nexport function get(p) {\n  const cfg = getConfig();\n  return fetch(`${cfg.baseUrl}/${p}`); // here\n}\n",
		}, "s.js", "// here", wantScope{scope: "local.example.com"}},
		{"getter of a singleton an init function sets", map[string]string{
			"config.js": "let config = null;\nexport const init = (token) => { config = { token, baseUrl: \"https://one.example.com/v2\" }; };\nexport const getConfig = () => { if (!config) throw new Error(\"init\"); return config; };\n",
			"s.js":      "import { getConfig } from \"./config.js\";\nexport const get = (p) => fetch(`${getConfig().baseUrl}/${p}`); // here\n",
		}, "s.js", "// here", wantScope{scope: "one.example.com"}},
		{"getter of a variable assigned twice stays unknown", map[string]string{
			"config.js": "let config = null;\nexport const init = () => { config = { baseUrl: \"https://one.example.com\" }; };\nexport const staging = () => { config = { baseUrl: \"https://two.example.com\" }; };\nexport const getConfig = () => config;\n",
			"s.js":      "import { getConfig } from \"./config.js\";\nexport const get = (p) => fetch(`${getConfig().baseUrl}/${p}`); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"getter whose returns disagree stays unknown", map[string]string{
			"config.js": "export function getConfig(prod) {\n  if (prod) return { baseUrl: \"https://a.example.com\" };\n  return { baseUrl: \"https://b.example.com\" };\n}\n",
			"s.js":      "import { getConfig } from \"./config.js\";\nexport const get = (p) => fetch(`${getConfig(true).baseUrl}/${p}`); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"getter returning its argument's value stays unknown", map[string]string{
			"config.js": "export function getConfig(args) {\n  return { baseUrl: args.url };\n}\n",
			"s.js":      "import { getConfig } from \"./config.js\";\nexport const get = (a, p) => fetch(`${getConfig(a).baseUrl}/${p}`); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"getter returning a spread stays unknown", map[string]string{
			"config.js": "import fs from \"fs\";\nexport function getConfig() {\n  return { baseUrl: \"https://a.example.com\", ...JSON.parse(fs.readFileSync(\"c.json\", \"utf8\")) };\n}\n",
			"s.js":      "import { getConfig } from \"./config.js\";\nexport const get = (p) => fetch(`${getConfig().baseUrl}/${p}`); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"compiled CommonJS export", map[string]string{
			"config.js": "\"use strict\";\nObject.defineProperty(exports, \"__esModule\", { value: true });\nexports.API_BASE = exports.TIMEOUT = void 0;\nexports.API_BASE = \"https://cjs.example.com\";\nexports.TIMEOUT = 3;\n",
			"s.js":      "\"use strict\";\nconst config_js_1 = require(\"./config.js\");\nasync function get(p) {\n  return fetch(`${config_js_1.API_BASE}/v1/${p}`); // here\n}\nexports.get = get;\n",
		}, "s.js", "// here", wantScope{scope: "cjs.example.com"}},
		{"compiled CommonJS object export", map[string]string{
			"config.js": "\"use strict\";\nexports.CONFIG = void 0;\nexports.CONFIG = { api: { baseUrl: \"https://obj.example.com\" } };\n",
			"s.js":      "\"use strict\";\nconst config_1 = require(\"./config\");\nexports.get = (p) => fetch(config_1.CONFIG.api.baseUrl + \"/\" + p); // here\n",
		}, "s.js", "// here", wantScope{scope: "obj.example.com"}},
		{"CommonJS export written twice stays unknown", map[string]string{
			"config.js": "exports.API_BASE = \"https://a.example.com\";\nexports.setBase = (b) => { exports.API_BASE = b; };\n",
			"s.js":      "const config = require(\"./config.js\");\nexports.get = (p) => fetch(`${config.API_BASE}/${p}`); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"module.exports object", map[string]string{
			"config.js": "module.exports = { API_BASE: \"https://me.example.com\" };\n",
			"s.js":      "const { API_BASE } = require(\"./config.js\");\nexports.get = (p) => fetch(`${API_BASE}/${p}`); // here\n",
		}, "s.js", "// here", wantScope{scope: "me.example.com"}},
		{"axios instance on an imported base", map[string]string{
			"config.ts": "export const API_BASE = \"https://ax.example.com/v1\";\n",
			"s.ts":      "import axios from \"axios\";\nimport { API_BASE } from \"./config.js\";\nconst api = axios.create({ baseURL: API_BASE });\nexport const list = (id: string) => api.get(`/items/${id}`); // here\n",
		}, "s.ts", "// here", wantScope{scope: "ax.example.com"}},
		{"axios instance on a config member, in a class", map[string]string{
			"config.ts": "export const config = { api: { baseUrl: \"https://cls.example.com\" } };\n",
			"s.ts":      "import axios from \"axios\";\nimport { config } from \"./config.js\";\nexport class Client {\n  private http = axios.create({ baseURL: config.api.baseUrl });\n  list() { return this.http.get(\"/items\"); } // here\n}\n",
		}, "s.ts", "// here", wantScope{scope: "cls.example.com"}},
		{"axios instance on an option with a fallback", map[string]string{
			"s.js": "import axios from \"axios\";\nexport function make(opts) {\n  const api = axios.create({ baseURL: opts.url ?? \"https://fb.example.com\" });\n  return api.get(\"/x\"); // here\n}\n",
		}, "s.js", "// here", wantScope{scope: "fb.example.com", dynamic: true}},
		{"axios instance with a path from tool input stays unknown", map[string]string{
			"s.js": "import axios from \"axios\";\nimport { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\nconst api = axios.create({ baseURL: \"https://ti.example.com\" });\nconst server = new McpServer({ name: \"x\", version: \"1\" });\nserver.tool(\"get\", \"g\", {}, async ({ path }) => {\n  await api.get(\"/\" + path); // here\n  return { content: [] };\n});\n",
		}, "s.js", "// here", wantScope{}},
		{"axios instance on an env base without default stays unknown", map[string]string{
			"s.js": "import axios from \"axios\";\nconst api = axios.create({ baseURL: process.env.API_URL });\nexport const list = () => api.get(\"/items\"); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"field from a constructor parameter, then a path", map[string]string{
			"client.ts": "export class Client {\n  private baseUrl: string;\n  constructor(baseUrl: string) { this.baseUrl = baseUrl; }\n  get(p: string) { return fetch(`${this.baseUrl}/api/v1/${p}`); } // here\n}\n",
			"s.ts":      "import { Client } from \"./client.js\";\nexport const c = new Client(process.env.SVC_URL || \"https://svc.example.com\");\n",
		}, "client.ts", "// here", wantScope{scope: "svc.example.com"}},
		{"field from a constructor option", map[string]string{
			"client.js": "export class Client {\n  constructor(opts) { this.baseUrl = opts.baseUrl; }\n  get(p) { return fetch(this.baseUrl + \"/api/\" + p); } // here\n}\n",
			"s.js":      "import { Client } from \"./client.js\";\nimport { CONFIG } from \"./config.js\";\nexport const c = new Client({ baseUrl: CONFIG.url });\n",
			"config.js": "export const CONFIG = { url: \"https://opt.example.com\" };\n",
		}, "client.js", "// here", wantScope{scope: "opt.example.com"}},
		{"helper parameter then a path, two callers", map[string]string{
			"s.js": "function get(base, p) {\n  return fetch(`${base}/v1/${p}`); // here\n}\nexport const a = (p) => get(\"https://a.example.com\", p);\nexport const b = (p) => get(\"https://b.example.com\", p);\n",
		}, "s.js", "// here", wantScope{scope: "a.example.com", scopes: []string{"a.example.com", "b.example.com"}}},
		{"the text after the parameter decides the host", map[string]string{
			"s.js": "function get(base) {\n  return fetch(base + \"@evil.example.net/x\"); // here\n}\nexport const a = () => get(\"https://a.example.com\");\n",
		}, "s.js", "// here", wantScope{scope: "evil.example.net"}},
		{"a parameter followed by a computed part stays unknown", map[string]string{
			"s.js": "function get(base, p) {\n  return fetch(base + p); // here\n}\nexport const a = (p) => get(\"https://a.example.com\", p);\n",
		}, "s.js", "// here", wantScope{}},
		{"constructor parameter from tool input stays open", map[string]string{
			"client.js": "export class Client {\n  constructor(baseUrl) { this.baseUrl = baseUrl; }\n  get(p) { return fetch(`${this.baseUrl}/api/${p}`); } // here\n}\n",
			"s.js":      "import { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\nimport { Client } from \"./client.js\";\nconst server = new McpServer({ name: \"x\", version: \"1\" });\nserver.tool(\"get\", \"g\", {}, async ({ url }) => {\n  await new Client(url).get(\"x\");\n  return { content: [] };\n});\n",
		}, "client.js", "// here", wantScope{}},
		{"constructor parameter from env without default stays unknown", map[string]string{
			"client.js": "export class Client {\n  constructor(baseUrl) { this.baseUrl = baseUrl; }\n  get(p) { return fetch(`${this.baseUrl}/api/${p}`); } // here\n}\n",
			"s.js":      "import { Client } from \"./client.js\";\nexport const c = new Client(process.env.SVC_URL);\n",
		}, "client.js", "// here", wantScope{}},
		{"new URL on an imported base", map[string]string{
			"config.ts": "export const API_BASE = \"https://u.example.com/api/\";\n",
			"s.ts":      "import { API_BASE } from \"./config.js\";\nexport const get = (id: string) => fetch(new URL(`items/${id}`, API_BASE)); // here\n",
		}, "s.ts", "// here", wantScope{scope: "u.example.com"}},
		{"new URL on a constructor's base", map[string]string{
			"client.js": "export class Client {\n  constructor(o) { this.baseUrl = o.baseUrl; }\n  get(id) {\n    const url = new URL(`/v1/items/${id}`, this.baseUrl);\n    return fetch(url.href); // here\n  }\n}\n",
			"s.js":      "import { Client } from \"./client.js\";\nexport const c = new Client({ baseUrl: \"https://nb.example.com\" });\n",
		}, "client.js", "// here", wantScope{scope: "nb.example.com"}},
		{"new URL on a base with a fallback", map[string]string{
			"s.js": "export const get = (o, id) => fetch(new URL(\"/x/\" + id, o.base ?? \"https://fbu.example.com\")); // here\n",
		}, "s.js", "// here", wantScope{scope: "fbu.example.com", dynamic: true}},
		{"new URL with a scheme-relative path keeps no base host", map[string]string{
			"config.js": "export const API_BASE = \"https://u.example.com\";\n",
			"s.js":      "import { API_BASE } from \"./config.js\";\nexport const get = (h) => fetch(new URL(\"//\" + h, API_BASE)); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"new URL with a path from tool input stays unknown", map[string]string{
			"config.js": "export const API_BASE = \"https://u.example.com\";\n",
			"s.js":      "import { API_BASE } from \"./config.js\";\nexport const get = (p) => fetch(new URL(p, API_BASE)); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"env with an imported default", map[string]string{
			"config.ts": "export const DEFAULT_URL = \"https://def.example.com\";\n",
			"s.ts":      "import { DEFAULT_URL } from \"./config.js\";\nconst base = process.env.SVC_URL ?? DEFAULT_URL;\nexport const get = (p: string) => fetch(`${base}/v1/${p}`); // here\n",
		}, "s.ts", "// here", wantScope{scope: "def.example.com"}},
		{"env with a config member default", map[string]string{
			"config.js": "export const CONFIG = { url: \"https://defm.example.com\" };\n",
			"s.js":      "import { CONFIG } from \"./config.js\";\nexport const get = (p) => fetch((process.env.SVC_URL || CONFIG.url) + \"/\" + p); // here\n",
		}, "s.js", "// here", wantScope{scope: "defm.example.com"}},
		{"destructured option with a default", map[string]string{
			"s.js": "export async function check(options) {\n  const { baseUrl = \"https://dd.example.com\" } = options;\n  return fetch(`${baseUrl}/api/tags`); // here\n}\n",
		}, "s.js", "// here", wantScope{scope: "dd.example.com", dynamic: true}},
		{"parameter with a default", map[string]string{
			"s.js": "export function get(p, base = \"https://pd.example.com\") {\n  return fetch(base + \"/x/\" + p); // here\n}\n",
		}, "s.js", "// here", wantScope{scope: "pd.example.com", dynamic: true}},
		{"static class property", map[string]string{
			"c.ts": "export class Client {\n  static readonly BASE = \"https://st.example.com\";\n  get(p: string) { return fetch(`${Client.BASE}/v1/${p}`); } // here\n}\n",
		}, "c.ts", "// here", wantScope{scope: "st.example.com"}},
		{"tsc's static property after the class", map[string]string{
			"c.js": "\"use strict\";\nclass Client {\n  get(p) { return fetch(Client.BASE + \"/v1/\" + p); } // here\n}\nexports.Client = Client;\nClient.BASE = \"https://tsc.example.com\";\n",
		}, "c.js", "// here", wantScope{scope: "tsc.example.com"}},
		{"static class property of another file", map[string]string{
			"c.ts": "export class Api {\n  static BASE = \"https://sx.example.com\";\n}\n",
			"s.ts": "import { Api } from \"./c.js\";\nexport const get = (p: string) => fetch(`${Api.BASE}/x/${p}`); // here\n",
		}, "s.ts", "// here", wantScope{scope: "sx.example.com"}},
		{"static property written elsewhere stays unknown", map[string]string{
			"c.ts": "export class Client {\n  static BASE = \"https://st.example.com\";\n  static use(u: string) { Client.BASE = u; }\n  get(p: string) { return fetch(`${Client.BASE}/v1/${p}`); } // here\n}\n",
		}, "c.ts", "// here", wantScope{}},
		{"static property of another file written elsewhere stays unknown", map[string]string{
			"c.ts": "export class Api {\n  static BASE = \"https://sx.example.com\";\n}\nexport function point(u: string) { Api.BASE = u; }\n",
			"s.ts": "import { Api } from \"./c.js\";\nexport const get = (p: string) => fetch(`${Api.BASE}/x/${p}`); // here\n",
		}, "s.ts", "// here", wantScope{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := scanTexts(t, tc.texts)
			checkScope(t, tc.name, findingAt(t, res, tc.texts, tc.file, tc.mark), tc.want)
		})
	}
}

// TestRelinkLead edits what a caller passes to a constructor whose
// parameter leads a URL, then the text after it, then a configuration
// member the caller reads: each incremental link must equal a full link.
func TestRelinkLead(t *testing.T) {
	client := "export class Client {\n  constructor(base) { this.base = base; }\n  get(p) { return fetch(`${this.base}/v1/${p}`); }\n}\n"
	server := "import { Client } from \"./client.js\";\nimport { CONFIG } from \"./config.js\";\nexport const c = new Client(\"https://a.example.com\");\nexport const d = new Client(CONFIG.url);\n"
	config := "export const CONFIG = { url: \"https://c.example.com\" };\n"
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	w := &workspace{root: t.TempDir(), paths: []string{"client.js", "config.js", "server.js"},
		texts: map[string]string{"client.js": client, "server.js": server, "config.js": config}}
	res := linkAndCheck(e, w.root, w.extract(t, e, nil))
	if len(res.Findings) != 1 || !slices.Equal(res.Findings[0].Scopes, []string{"a.example.com", "c.example.com"}) {
		t.Fatalf("before the edits: %+v", res.Findings)
	}
	cur := map[string]string{}
	for _, edit := range []struct {
		file, from, to string
		want           []string
	}{
		{"server.js", "a.example.com", "b.example.com", []string{"b.example.com", "c.example.com"}},
		{"client.js", "/v1/", ".x.example.org/", []string{"b.example.com.x.example.org", "c.example.com.x.example.org"}},
		{"config.js", "c.example.com", "e.example.com", []string{"b.example.com.x.example.org", "e.example.com.x.example.org"}},
		{"config.js", "export const CONFIG = {", "export const CONFIG = {};\nexport const OLD = {", []string{"b.example.com.x.example.org"}},
	} {
		want := relinkEdit(t, e, w, cur, edit.file, edit.from, edit.to)
		if len(want.Findings) != 1 {
			t.Fatalf("%s %q → %q: findings %+v", edit.file, edit.from, edit.to, want.Findings)
		}
		f := want.Findings[0]
		scopes := f.Scopes
		if scopes == nil && f.Scope != "" {
			scopes = []string{f.Scope}
		}
		if !slices.Equal(scopes, edit.want) {
			t.Errorf("%s %q → %q: scopes %q (scope %q dynamic %v), want %q", edit.file, edit.from, edit.to, scopes, f.Scope, f.ScopeDynamic, edit.want)
		}
	}
}

// TestConstPropJSEnvDefault: an env read whose default is another file's
// constant keeps naming its variable (scopeEnv); one without a default
// stays unknown.
func TestConstPropJSEnvDefault(t *testing.T) {
	texts := map[string]string{
		"config.ts": "export const DEFAULT_URL = \"https://def.example.com\";\n",
		"s.ts": "import { DEFAULT_URL } from \"./config.js\";\nexport const a = () => fetch(`${process.env.SVC_URL ?? DEFAULT_URL}/v1`); // a\n" +
			"export const b = () => fetch(`${process.env.OTHER_URL}/v1`); // b\n",
	}
	res := scanTexts(t, texts)
	if f := findingAt(t, res, texts, "s.ts", "// a"); f.Scope != "def.example.com" || f.ScopeEnv != "SVC_URL" || f.ScopeDynamic {
		t.Errorf("env with an imported default: scope %q env %q dynamic %v", f.Scope, f.ScopeEnv, f.ScopeDynamic)
	}
	if f := findingAt(t, res, texts, "s.ts", "// b"); f.Scope != "" || f.ScopeEnv != "" {
		t.Errorf("env without a default: scope %q env %q", f.Scope, f.ScopeEnv)
	}
}
