package jsts

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// Misses found by a precision/recall hunt on published MCP servers.

// TestEnvValueMethods: a method call on an environment value is a read of
// process.env (the value is a string), not a process.env member call.
func TestEnvValueMethods(t *testing.T) {
	tests := []struct {
		name, src string
		key       string
		keyRefs   bool
	}{
		{"optional chain method", `const k = process.env.API_KEY?.trim();`, "API_KEY", false},
		{"method", `const k = process.env.API_KEY.trim();`, "API_KEY", false},
		{"property of value", `if (process.env.API_KEY.length > 0) {}`, "API_KEY", false},
		{"literal subscript method", `const k = process.env["API_KEY"].split(",");`, "API_KEY", false},
		{"computed subscript method", `function f(n) { return process.env[n]?.trim() }`, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := extractSrc(t, "x.ts", []byte(tc.src))
			found := false
			for _, c := range f.Calls {
				if !c.Access {
					t.Errorf("unexpected call %s:%s", c.Module, c.Member)
					continue
				}
				if c.Module == "globalThis" && c.Member == "process.env" && c.Key == tc.key && (len(c.KeyRefs) > 0) == tc.keyRefs {
					found = true
				}
			}
			if !found {
				t.Errorf("no process.env access with key %q: %v", tc.key, syms(f, true))
			}
		})
	}
}

// TestReturnedInstances: a local function's returned library value flows to its callers.
func TestReturnedInstances(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"factory", `import { FirecrawlApp } from "@mendable/firecrawl-js";
function mk() { return new FirecrawlApp(cfg) }
const c = mk(); c.scrapeUrl(u);`, []string{"@mendable/firecrawl-js:FirecrawlApp().scrapeUrl"}},
		{"arrow factory called before its declaration", `import { Client } from "pg";
async function main() { const db = await connect(); await db.query(q) }
const connect = async () => { const c = new Client(); await c.connect(); return c };`, []string{"pg:Client().query"}},
		{"hoisted declaration", `import { Client } from "pg";
async function main() { const db = await connect(); await db.query(q) }
let cached;
async function connect() { if (cached) return cached; cached = new Client(); return cached }`, []string{"pg:Client().query"}},
		{"puppeteer ensureBrowser", `import puppeteer from "puppeteer";
let browser;
let page;
async function ensureBrowser() {
  if (!browser) { browser = await puppeteer.launch({ headless: true }); }
  if (!page) { page = await browser.newPage(); }
  return page;
}
async function navigate(url) { const page = await ensureBrowser(); await page.goto(url); }`, []string{"puppeteer:launch().newPage().goto"}},
		{"module let used in another function", `import puppeteer from "puppeteer";
let browser;
async function close() { await browser.close() }
async function start() { browser = await puppeteer.launch() }`, []string{"puppeteer:launch().close"}},
		{"field reset to null elsewhere", `import mysql from "mysql2/promise";
class Db {
  async connect(dsn) { this.pool = mysql.createPool(dsn) }
  async close() { this.pool = null }
  async tables() { return this.pool.query("SHOW TABLES") }
}`, []string{"mysql2/promise:createPool().query"}},
		{"class expression of a bundle", `import mysql from "mysql2/promise";
var _Db = class _Db {
  async connect(dsn) { this.pool = mysql.createPool(dsn) }
  async tables() { const c = await this.pool.getConnection(); return c.query(q) }
};`, []string{"mysql2/promise:createPool().getConnection().query"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := extractSrc(t, "x.ts", []byte(tc.src))
			calls := syms(f, false)
			for _, w := range tc.want {
				if !has(calls, w) {
					t.Errorf("missing call %s; calls %v", w, calls)
				}
			}
		})
	}
}

// TestRequireFunctions: createRequire results and esbuild's __require shim load modules.
func TestRequireFunctions(t *testing.T) {
	shim := `var P = (e => typeof require < "u" ? require : typeof Proxy < "u" ? new Proxy(e, { get: (a, b) => (typeof require < "u" ? require : a)[b] }) : e)(function (e) { if (typeof require < "u") return require.apply(this, arguments); throw Error('Dynamic require of "' + e + '" is not supported') });`
	tests := []struct {
		name, src string
		want      []string
		not       []string
	}{
		{"createRequire named require", `import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const fs = require("fs"); fs.readFileSync(p); require(x);`, []string{"fs:readFileSync", "globalThis:require"}, nil},
		{"createRequire other name", `import { createRequire } from "module";
const req = createRequire(import.meta.url);
req("child_process").execSync(c); req(x);`, []string{"child_process:execSync", "globalThis:require"}, nil},
		{"module default createRequire", `import module from "node:module";
const load = module.createRequire(import.meta.url);
load("os").hostname();`, []string{"os:hostname"}, nil},
		{"esbuild shim", shim + `var a = P("https"); a.request(o); P("fs").readFileSync(p);`, []string{"https:request", "fs:readFileSync"}, []string{"globalThis:require"}},
		{"esbuild shim non-literal", shim + `P(name);`, []string{"globalThis:require"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := extractSrc(t, "x.js", []byte(tc.src))
			calls := syms(f, false)
			for _, w := range tc.want {
				if !has(calls, w) {
					t.Errorf("missing call %s; calls %v", w, calls)
				}
			}
			for _, w := range tc.not {
				if has(calls, w) {
					t.Errorf("unexpected call %s; calls %v", w, calls)
				}
			}
		})
	}
	f := extractSrc(t, "x.js", []byte(`import { createRequire } from "module"; const require = createRequire(import.meta.url); require("./local.js").run(x);`))
	if !has(syms(f, false), "./local.js:run") {
		t.Errorf("project require through createRequire: %v", syms(f, false))
	}
}

// TestURLObjects: a URL object's value is its literal URL.
func TestURLObjects(t *testing.T) {
	tests := []struct {
		name, src, value string
		prefix           bool
	}{
		{"absolute", `fetch(new URL("https://h.example/x"));`, "https://h.example/x", false},
		{"relative with base", `fetch(new URL("/p", "https://h.example"));`, "https://h.example/p", false},
		{"relative template with base", "fetch(new URL(`/repos/${id}`, \"https://api.github.com/\"));", "https://api.github.com/repos/", true},
		{"href", `fetch(new URL("https://h.example/x").href);`, "https://h.example/x", false},
		{"toString", `const u = new URL("/x", "https://h.example"); fetch(u.toString());`, "https://h.example/x", false},
		{"via variable", `const API = "https://api.example.com"; const u = new URL("/v1/items", API); fetch(u);`, "https://api.example.com/v1/items", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := extractSrc(t, "x.js", []byte(tc.src))
			c := findCall(t, f, "globalThis", "fetch")
			a := c.Args[0]
			if !a.Known || a.Value != tc.value || a.Prefix != tc.prefix {
				t.Errorf("arg %+v, want %q prefix=%v", a, tc.value, tc.prefix)
			}
		})
	}
	f := extractSrc(t, "x.js", []byte(`function f(p) { fetch(new URL(p, base)) }`))
	if a := findCall(t, f, "globalThis", "fetch").Args[0]; a.Known || len(a.Refs) != 1 {
		t.Errorf("unknown URL: %+v", a)
	}
}

// TestReassignedTaint: a variable's value is the union of its assignments.
func TestReassignedTaint(t *testing.T) {
	src := `import fs from "fs/promises";
server.tool("read", {}, async (args) => {
  let p = args.path;
  if (p === ".") { p = process.cwd(); }
  await fs.readFile(p);
  let u = "https://a.example";
  if (args.alt) u = "https://b.example";
  await fetch(u);
});`
	f := extractSrc(t, "x.ts", []byte(src))
	h := f.Tools[0].Handler
	r := findCall(t, f, "fs", "promises.readFile")
	if want := []facts.ParamRef{{Fn: h, Param: 0, Path: []string{"path"}}}; !reflect.DeepEqual(r.Args[0].Refs, want) {
		t.Errorf("readFile refs %+v, want %+v", r.Args[0].Refs, want)
	}
	if a := findCall(t, f, "globalThis", "fetch").Args[0]; !a.Known || !a.Prefix || a.Value != "https://" {
		t.Errorf("two literals merge into their common prefix, got %+v", a)
	}
	f = extractSrc(t, "x.js", []byte(`let u = "https://api.example.com"; if (v) u = u + "/v2"; fetch(u);`))
	if a := findCall(t, f, "globalThis", "fetch").Args[0]; !a.Known || !a.Prefix || a.Value != "https://api.example.com" {
		t.Errorf("extended literal: %+v", a)
	}
}

// TestToolForms: registrations real servers write beyond the SDK examples.
func TestToolForms(t *testing.T) {
	type want struct {
		name, sdk  string
		dispatched bool
		inputs     []facts.ToolInput
		calls      []string // library calls owned by the tool's handler
	}
	low := []facts.ToolInput{{Index: 0, Prefix: []string{"params", "arguments"}}}
	tests := []struct {
		name, src string
		want      []want
	}{
		{"wrapped low-level handler", `import { execFile } from "child_process";
server.setRequestHandler(CallToolRequestSchema, withTelemetry(async (request) => {
  switch (request.params.name) {
    case "run": execFile("git", [request.params.arguments.cmd]); return {};
    case "get": return fetch(request.params.arguments.url);
  }
}));`, []want{{"run", "ts-sdk-lowlevel", true, low, []string{"child_process:execFile"}}, {"get", "ts-sdk-lowlevel", true, low, []string{"globalThis:fetch"}}}},
		{"wrapped high-level handler", `server.tool("x", { u: z.string() }, wrap(async (args) => { await fetch(args.u) }));`,
			[]want{{"x", "ts-sdk", false, []facts.ToolInput{{Index: 0}}, []string{"globalThis:fetch"}}}},
		{"negative guard", `import fs from "fs";
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  if (request.params.name !== "read") throw new Error("unknown tool");
  return fs.readFileSync(request.params.arguments.path);
});`, []want{{"read", "ts-sdk-lowlevel", true, low, []string{"fs:readFileSync"}}}},
		{"negative guard pair", `import fs from "fs";
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const { name, arguments: args } = request.params;
  if (name !== "a" && name !== "b") { throw new Error("unknown tool"); }
  fs.rmSync(args.path);
});`, []want{{"a", "ts-sdk-lowlevel", true, low, []string{"fs:rmSync"}}, {"b", "ts-sdk-lowlevel", true, low, []string{"fs:rmSync"}}}},
		{"helper dispatcher", `import fs from "fs";
server.setRequestHandler(CallToolRequestSchema, async (request) => handleToolCall(request.params.name, request.params.arguments ?? {}));
async function handleToolCall(name, args) {
  switch (name) {
    case "read": return fs.readFileSync(args.path);
    case "get": return fetch(args.url);
  }
}`, []want{{"read", "ts-sdk-lowlevel", true, []facts.ToolInput{{Index: 1}}, []string{"fs:readFileSync"}}, {"get", "ts-sdk-lowlevel", true, []facts.ToolInput{{Index: 1}}, []string{"globalThis:fetch"}}}},
		{"helper dispatcher after destructuring", `import fs from "fs";
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const { name, arguments: args = {} } = request.params;
  return await dispatchTool(name, args);
});
function dispatchTool(tool, input) {
  if (tool === "read") return fs.readFileSync(input.path);
  throw new Error("unknown");
}`, []want{{"read", "ts-sdk-lowlevel", true, []facts.ToolInput{{Index: 1}}, []string{"fs:readFileSync"}}}},
		{"fastmcp", `import { FastMCP } from "fastmcp";
const server = new FastMCP({ name: "s", version: "1.0.0" });
server.addTool({
  name: "fetch_page",
  description: "Fetch a page",
  parameters: z.object({ url: z.string() }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  execute: async (args, context) => { return await fetch(args.url) },
});`, []want{{"fetch_page", "fastmcp-ts", false, []facts.ToolInput{{Index: 0}}, []string{"globalThis:fetch"}}}},
		{"loop over a tool table", `import fs from "fs";
const tools = [
  { name: "read_file", description: "r", schema: {}, handler: async (args) => fs.readFileSync(args.path) },
  { name: "fetch_url", description: "f", schema: {}, handler: async (args) => fetch(args.url) },
];
for (const t of tools) {
  server.tool(t.name, t.description, t.schema, t.handler);
}`, []want{{"read_file", "ts-sdk", false, []facts.ToolInput{{Index: 0}}, []string{"fs:readFileSync"}},
			{"fetch_url", "ts-sdk", false, []facts.ToolInput{{Index: 0}}, []string{"globalThis:fetch"}}}},
		{"forEach over tool modules", `import { execFile } from "child_process";
const RUN = "run_cmd";
const runTool = { name: RUN, inputSchema: {}, annotations: { destructiveHint: true }, handler: runIt };
function runIt(args) { execFile("git", [args.cmd]); }
const getTool = { name: "get_page", inputSchema: {}, handler: getIt };
function getIt({ url }) { return fetch(url); }
[runTool, getTool].forEach((tool) => {
  server.registerTool(tool.name, { description: "d", inputSchema: tool.inputSchema, annotations: tool.annotations }, tool.handler);
});`, []want{{"run_cmd", "ts-sdk", false, []facts.ToolInput{{Index: 0}}, []string{"child_process:execFile"}},
			{"get_page", "ts-sdk", false, []facts.ToolInput{{Index: 0}}, []string{"globalThis:fetch"}}}},
		{"handler map in a dispatcher", `import fs from "fs";
async function readFile(args) { return fs.readFileSync(args.path); }
const handlers = {
  read_file: readFile,
  fetch_url: async (args) => fetch(args.url),
};
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const { name, arguments: args } = request.params;
  const handler = handlers[name];
  if (!handler) throw new Error("unknown tool " + name);
  return await handler(args);
});`, []want{{"read_file", "ts-sdk-lowlevel", true, []facts.ToolInput{{Index: 0}}, []string{"fs:readFileSync"}},
			{"fetch_url", "ts-sdk-lowlevel", true, []facts.ToolInput{{Index: 0}}, []string{"globalThis:fetch"}}}},
		{"find by name in a dispatcher", `import fs from "fs";
const tools = [
  { name: "write_file", inputSchema: {}, run: async (a) => fs.writeFileSync(a.path, a.text) },
  { name: "get_url", inputSchema: {}, run: async (a) => fetch(a.url) },
];
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const tool = tools.find((t) => t.name === request.params.name);
  if (!tool) throw new Error("unknown");
  return tool.run(request.params.arguments);
});`, []want{{"write_file", "ts-sdk-lowlevel", true, []facts.ToolInput{{Index: 0}}, []string{"fs:writeFileSync"}},
			{"get_url", "ts-sdk-lowlevel", true, []facts.ToolInput{{Index: 0}}, []string{"globalThis:fetch"}}}},
		{"wrapped handlers of a table", `import fs from "fs";
const tools = [
  { name: "read_file", definition: {}, handler: async (args) => fs.readFileSync(args.path) },
  { name: "fetch_url", definition: {}, handler: async (args) => fetch(args.url) },
];
tools.forEach((tool) => {
  server.registerTool(tool.name, tool.definition, wrapToolHandler(tool.handler, tool.name));
});`, []want{{"read_file", "ts-sdk", false, []facts.ToolInput{{Index: 0}}, []string{"fs:readFileSync"}},
			{"fetch_url", "ts-sdk", false, []facts.ToolInput{{Index: 0}}, []string{"globalThis:fetch"}}}},
		{"wrapped named handler and a trailing option", `import fs from "fs";
async function readIt(args) { return fs.readFileSync(args.path); }
server.tool("read", "d", {}, wrap(readIt, "read"));
server.tool("get", "d", {}, track(env, async (a) => fetch(a.u)), opts ? { annotations: opts } : undefined);`,
			[]want{{"read", "ts-sdk", false, []facts.ToolInput{{Index: 0}}, []string{"fs:readFileSync"}},
				{"get", "ts-sdk", false, []facts.ToolInput{{Index: 0}}, []string{"globalThis:fetch"}}}},
		{"factory called with literals", `import fs from "fs";
const GET = "get_url";
makeTool("read_file", async (args) => fs.readFileSync(args.path));
makeTool(GET, async (args) => fetch(args.url));
function makeTool(name, fn) {
  server.tool(name, "a tool", {}, fn);
}`, []want{{"read_file", "ts-sdk", false, []facts.ToolInput{{Index: 0}}, []string{"fs:readFileSync"}},
			{"get_url", "ts-sdk", false, []facts.ToolInput{{Index: 0}}, []string{"globalThis:fetch"}}}},
		{"factory method with its own handler", `import { execFile } from "child_process";
class Tools {
  constructor(server) { this.server = server; }
  add(name, cmd) {
    this.server.registerTool(name, { description: "runs " + cmd }, async (args) => execFile(cmd, [args.arg]));
  }
  all() { this.add("git_status", "git"); this.add("ls_dir", "ls"); }
}`, []want{{"git_status", "ts-sdk", false, []facts.ToolInput{{Index: 0}}, []string{"child_process:execFile"}},
			{"ls_dir", "ts-sdk", false, []facts.ToolInput{{Index: 0}}, []string{"child_process:execFile"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := extractSrc(t, "x.ts", []byte(tc.src))
			if len(f.Tools) != len(tc.want) {
				t.Fatalf("tools %+v, want %d", f.Tools, len(tc.want))
			}
			for i, w := range tc.want {
				tl := f.Tools[i]
				if tl.Name != w.name || tl.SDK != w.sdk || (tl.Dispatcher >= 0) != w.dispatched || !reflect.DeepEqual(tl.Inputs, w.inputs) {
					t.Errorf("tool %d: %+v, want %+v", i, tl, w)
					continue
				}
				if tl.Handler <= 0 {
					t.Errorf("tool %s: no handler", w.name)
					continue
				}
				var owned []string
				for _, c := range f.Calls {
					if within(f, c.Func, tl.Handler) {
						owned = append(owned, c.Module+":"+c.Member)
					}
				}
				for _, wc := range w.calls {
					if !has(owned, wc) {
						t.Errorf("tool %s: call %s not in its handler; handler calls %v", w.name, wc, owned)
					}
				}
				// A handler is not a Ref of the registering code (a table's
				// handlers are Refs of the code that builds the table: the
				// link ignores Refs to tool handlers).
				if strings.Contains(tc.name, "table") || strings.Contains(tc.name, "map") || strings.Contains(tc.name, "by name") || strings.Contains(tc.name, "modules") || strings.Contains(tc.name, "factory") || strings.Contains(tc.name, "wrapped named") {
					continue
				}
				for _, r := range f.Functions[0].Refs {
					if r.Func == tl.Handler {
						t.Errorf("tool %s: handler recorded as a ref of the top level", w.name)
					}
				}
			}
			if tc.name == "fastmcp" {
				if a := f.Tools[0].Annotations; !a["readOnlyHint"] || !a["openWorldHint"] {
					t.Errorf("fastmcp annotations %v", a)
				}
			}
		})
	}
}

// within reports whether function fn is h or nested in it.
func within(f *facts.File, fn, h int) bool {
	for i := 0; fn >= 0 && i < 64; i++ {
		if fn == h {
			return true
		}
		fn = f.Functions[fn].Parent
	}
	return false
}

// Look-alikes of tool tables: loops, maps and finds that register no tool,
// or whose names cannot be read from the table.
func TestToolTableLookalikes(t *testing.T) {
	tests := []struct {
		name, src string
		refs      []string // NameRef (or NameExpr) of each tool, in order; "" for none
	}{
		{"loop that registers nothing", `const items = [{ name: "a" }, { name: "b" }];
const names = [];
for (const item of items) names.push(item.name);`, nil},
		{"handler map outside a dispatcher", `const handlers = { a: async (x) => fetch(x) };
function run(key, x) { return handlers[key](x); }`, nil},
		{"find on another key in a dispatcher", `const users = [{ id: "u1", run: (a) => fetch(a) }];
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const u = users.find((x) => x.id === request.params.arguments.id);
  return u.run(request.params.arguments);
});`, nil},
		{"for-in over keys", `const table = { a: 1, b: 2 };
for (const k in table) server.tool(k, "d", {}, async () => ({}));`, []string{"k"}},
		{"handler built by an unknown factory", `server.tool("x", "d", {}, makeHandler(config));`, nil},
		{"exported factory", `export function makeTool(server, name, fn) { server.tool(name, "d", {}, fn); }`, []string{"name"}},
		{"factory named by its caller's parameter", `function makeTool(name, fn) { server.tool(name, "d", {}, fn); }
export function wrap(n) { makeTool(n, async () => ({})); }`, []string{"n"}},
		{"nested factory named by its caller's parameter", `function setup(server) {
  const reg = (name, fn) => { server.tool(name, "d", {}, fn); };
  const tool = (name, fn) => reg(name, fn);
  return tool;
}`, []string{"name"}},
		{"elements of unknown shape", `for (const t of [makeA(), makeB()]) server.tool(t.name, t.description, {}, t.handler);`, []string{"t.name"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := extractSrc(t, "x.ts", []byte(tc.src))
			if len(f.Tools) != len(tc.refs) {
				t.Fatalf("tools %+v, want %d", f.Tools, len(tc.refs))
			}
			for i, tl := range f.Tools {
				if tl.Name != "" || tl.NameRef+tl.NameExpr != tc.refs[i] {
					t.Errorf("tool %d: %+v, want unresolved %q", i, tl, tc.refs[i])
				}
			}
		})
	}
}
