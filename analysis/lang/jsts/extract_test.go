package jsts

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

func syms(f *facts.File, access bool) []string {
	var out []string
	for _, c := range f.Calls {
		if c.Access == access {
			s := c.Module + ":" + c.Member
			if c.Key != "" {
				s += "[" + c.Key + "]"
			}
			out = append(out, s)
		}
	}
	return out
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestResolution checks that calls resolve through bindings to canonical symbols.
func TestResolution(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // calls that must be present
		access    []string // accesses that must be present
	}{
		{"default import CJS interop", `import fs from "fs"; fs.readFile(p)`, []string{"fs:readFile"}, nil},
		{"namespace import", `import * as cp from "child_process"; cp.exec(c)`, []string{"child_process:exec"}, nil},
		{"named alias", `import { exec as run } from "node:child_process"; run(c)`, []string{"child_process:exec"}, nil},
		{"promises member", `import { promises as fs } from "fs"; fs.rm(p)`, []string{"fs:promises.rm"}, nil},
		{"fs/promises", `import fs from "node:fs/promises"; fs.unlink(p)`, []string{"fs:promises.unlink"}, nil},
		{"dns/promises", `import { resolve4 } from "dns/promises"; resolve4(h)`, []string{"dns:promises.resolve4"}, nil},
		{"stream/promises", `const { pipeline } = require("stream/promises"); pipeline(a, b)`, []string{"stream:promises.pipeline"}, nil},
		{"axios module value", `import axios from "axios"; axios(cfg); axios.get(u)`, []string{"axios:", "axios:get"}, nil},
		{"require", `const cp = require("child_process"); cp.spawn(c)`, []string{"child_process:spawn"}, nil},
		{"require destructure", `const { exec, spawn: sp } = require("child_process"); exec(a); sp(b)`, []string{"child_process:exec", "child_process:spawn"}, nil},
		{"require promises destructure", `const { promises: fs } = require("fs"); fs.readFile(p)`, []string{"fs:promises.readFile"}, nil},
		{"getter returning a client", `import axios from "axios"; class A { get http() { return axios.create({}) } get2(u) { return this.http.get(u) } }`, []string{"axios:create().get"}, nil},
		{"getter on an instance", `import { Pool } from "pg"; class Db { get pool() { return new Pool() } } export function f(s) { return new Db().pool.query(s) }`, []string{"pg:Pool().query"}, nil},
		{"this client from constructor", `import axios from "axios"; class A { constructor() { this.client = axios.create({}) } get(u) { return this.client.get(u) } }`, []string{"axios:create().get"}, nil},
		{"class field client", `import { Client } from "pg"; class A { private client = new Client(); q(s: string) { return this.client.query(s) } }`, []string{"pg:Client().query"}, nil},
		{"factory return", `export async function f(u) { return api().get(u) } import axios from "axios"; function api() { return axios.create({}) }`, []string{"axios:create().get"}, nil},
		{"require inline", `require("fs").readFileSync(p)`, []string{"fs:readFileSync"}, nil},
		{"require member", `const fsp = require("fs").promises; fsp.stat(p)`, []string{"fs:promises.stat"}, nil},
		{"reassign member", `const cp = require("child_process"); const s = cp.spawn; s(c)`, []string{"child_process:spawn"}, nil},
		{"reassign module", `import fs from "fs"; let f = fs; f.rm(p)`, []string{"fs:rm"}, nil},
		{"promisify member", `import util from "util"; import { exec } from "child_process"; const e = util.promisify(exec); e(c)`, []string{"child_process:exec", "util:promisify"}, nil},
		{"promisify named", `const { promisify } = require("util"); const cp = require("child_process"); const r = promisify(cp.exec); r(c)`, []string{"child_process:exec"}, nil},
		{"tsc", `const child_process_1 = require("child_process"); (0, child_process_1.exec)(c)`, []string{"child_process:exec"}, nil},
		{"tsc importDefault", `const fs_1 = __importDefault(require("fs")); fs_1.default.readFileSync(p)`, []string{"fs:readFileSync"}, nil},
		{"importStar", `const os = __importStar(require("os")); os.hostname()`, []string{"os:hostname"}, nil},
		{"webpack external namespace", `const __WEBPACK_EXTERNAL_MODULE_node_os__ = require("node:os"); __WEBPACK_EXTERNAL_MODULE_node_os__["default"].platform()`, []string{"os:platform"}, nil},
		{"builtin namespace default", `import * as os from "os"; os.default.homedir()`, []string{"os:homedir"}, nil},
		{"package default stays", `import * as ky from "ky"; ky.default.get(u)`, []string{"ky:default.get"}, nil},
		{"esbuild", `var import_fs = require("fs"); (0, import_fs.readFileSync)(p)`, []string{"fs:readFileSync"}, nil},
		{"toESM", `var import_x = __toESM(require("child_process")); import_x.default.exec(c)`, []string{"child_process:exec"}, nil},
		{"__require", `var n = __require("net"); n.connect(1)`, []string{"net:connect"}, nil},
		{"babel", `var _fs = _interopRequireDefault(require("fs")); _fs.default.writeFileSync(p, d)`, []string{"fs:writeFileSync"}, nil},
		{"webpack string id", `var f = __webpack_require__("fs"); f.readFileSync(p)`, []string{"fs:readFileSync"}, nil},
		{"ncc id", `var e = {5: (m) => { m.exports = require("fs") }, 6: (m) => { m.exports = require("os") }}; const f = __nccwpck_require__(5); f.readFileSync(p)`, []string{"fs:readFileSync"}, nil},
		{"webpack array table", `var t = [function(m){ m.exports = require("child_process") }, function(m, e, r){ const c = r(0); c.exec(x) }]`, []string{"child_process:exec"}, nil},
		{"dynamic import", `await import("./x.js"); await import(name)`, []string{"globalThis:import"}, nil},
		{"dynamic import value", `const { exec } = await import("child_process"); exec(c)`, []string{"child_process:exec"}, nil},
		{"require non-literal", `require(name)`, []string{"globalThis:require"}, nil},
		{"fetch", `fetch(u)`, []string{"globalThis:fetch"}, nil},
		{"global roots", `globalThis.fetch(u); window.fetch(u); global.fetch(u); self.fetch(u)`, []string{"globalThis:fetch"}, nil},
		{"new globals", `new WebSocket(u); new SharedArrayBuffer(8); new Function(s); Function(s); eval(s)`, []string{"globalThis:WebSocket", "globalThis:SharedArrayBuffer", "globalThis:Function", "globalThis:eval"}, nil},
		{"process", `process.kill(1); Buffer.allocUnsafe(1); Buffer.alloc(1)`, []string{"globalThis:process.kill", "globalThis:Buffer.allocUnsafe", "globalThis:Buffer.alloc"}, nil},
		{"env", `const h = process.env.HOME; const { PATH } = process.env; f(process.env)`, nil, []string{"globalThis:process.env[HOME]", "globalThis:process.env[PATH]", "globalThis:process.env"}},
		{"instance new", `import pg from "pg"; const c = new pg.Client(o); c.query(q)`, []string{"pg:Client().query"}, nil},
		{"instance create", `import axios from "axios"; const api = axios.create(); api.get(u)`, []string{"axios:create().get"}, nil},
		{"instance chain", `import { Octokit } from "@octokit/rest"; new Octokit().rest.issues.get(x)`, []string{"@octokit/rest:Octokit().rest.issues.get"}, nil},
		{"instance await", `import { Pool } from "pg"; async function f() { const c = await new Pool().connect(); c.query(q) }`, []string{"pg:Pool().connect().query"}, nil},
		{"class field", `import { Octokit } from "octokit"; class A { constructor() { this.gh = new Octokit() } m() { this.gh.rest.repos.get(x) } }`, []string{"octokit:Octokit().rest.repos.get"}, nil},
		{"ts field type", `import { Pool } from "pg"; class A { private db: Pool; m() { this.db.query(q) } }`, []string{"pg:Pool().query"}, nil},
		{"ts param type", `import { Client } from "pg"; function f(client: Client) { client.query(q) }`, []string{"pg:Client().query"}, nil},
		{"project import", `import { readIt } from "./helpers.js"; readIt(p)`, []string{"./helpers.js:readIt"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := extractSrc(t, "x.ts", []byte(tc.src))
			calls, acc := syms(f, false), syms(f, true)
			for _, w := range tc.want {
				if !has(calls, w) {
					t.Errorf("missing call %s; calls %v", w, calls)
				}
			}
			for _, w := range tc.access {
				if !has(acc, w) {
					t.Errorf("missing access %s; accesses %v", w, acc)
				}
			}
		})
	}
}

// TestLookalikes checks that names that only look like library symbols
// produce no library or global call.
func TestLookalikes(t *testing.T) {
	tests := []struct{ name, src string }{
		{"regexp literal exec", `function f(s) { /x/.exec(s) }`},
		{"regexp var exec", `function f(s) { const re = /x/g; re.exec(s) }`},
		{"cursor execute", `function f(cursor) { cursor.execute("select 1") }`},
		{"array map", `[1, 2].map((x) => x); const a = []; a.map(String)`},
		{"local fetch", `function fetch(u) { return u } fetch("https://x")`},
		{"local exec", `const exec = (c) => c; exec("rm -rf /")`},
		{"param fs", `function f(fs) { fs.readFile("/etc/passwd") }`},
		{"param open", `function f(open) { open("x") }`},
		{"strings and comments", `const s = "require('fs').readFileSync('x')"; // fetch(u)
/* exec("ls") */`},
		{"shadowed in block", `import fs from "fs"; function f() { const fs = { readFile() {} }; fs.readFile("x") }`},
		{"shadowed param", `import { exec } from "child_process"; function f(exec) { exec("x") }`},
		{"catch param", `try { } catch (fetch) { fetch("x") }`},
		{"intrinsics", `function f(s, o) { JSON.parse(s); Object.keys(o); Math.max(1); console.log(s); new Map(); Promise.all([]) }`},
		{"typeof", `if (typeof fetch === "function") {}`},
		{"method named get is not a getter", `class Store { get(k) { return k } read(k) { return this.get(k) } }`},
		{"getter of a plain value", `class A { get items() { return [] } f() { return this.items.map(String) } }`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := extractSrc(t, "x.ts", []byte(tc.src))
			if len(f.Calls) != 0 {
				t.Errorf("want no library calls, got %v %v", syms(f, false), syms(f, true))
			}
		})
	}
}

func findCall(t *testing.T, f *facts.File, module, member string) facts.Call {
	t.Helper()
	for _, c := range f.Calls {
		if c.Module == module && c.Member == member && !c.Access {
			return c
		}
	}
	t.Fatalf("no call %s:%s in %v", module, member, syms(f, false))
	return facts.Call{}
}

// TestTaintAndArgs checks argument values and taint paths.
func TestTaintAndArgs(t *testing.T) {
	src := `import { exec } from "child_process";
import fs from "fs";
import path from "path";
const API = "https://api.github.com";
server.tool("run", {}, async ({ cmd, opts }) => {
  await new Promise((r) => exec(cmd, r));
});
export function h(args, request) {
  const { name, arguments: a } = request.params;
  fs.readFileSync(path.join("/root", a.path.trim()));
  fetch(` + "`${API}/repos/${args.owner}`" + `, { method: "GET", headers: { x: 1 } });
  fetch(API + "/x");
  exec(...a.list);
  exec(["git", name]);
}`
	f := extractSrc(t, "x.js", []byte(src))
	// Closure capture: exec in the inner arrow refers to the handler's param.
	e := findCall(t, f, "child_process", "exec")
	handler := f.Tools[0].Handler
	if e.Func == handler {
		t.Errorf("exec attributed to the handler, want the inner arrow")
	}
	if want := []facts.ParamRef{{Fn: handler, Param: 0, Path: []string{"cmd"}}}; !reflect.DeepEqual(e.Args[0].Refs, want) {
		t.Errorf("closure refs %+v, want %+v", e.Args[0].Refs, want)
	}
	if f.Functions[e.Func].Parent != handler {
		t.Errorf("inner arrow parent %d, want %d", f.Functions[e.Func].Parent, handler)
	}
	if got := f.Functions[handler].ParamFields[0]; !reflect.DeepEqual(got, []string{"cmd", "opts"}) {
		t.Errorf("ParamFields %v", got)
	}
	r := findCall(t, f, "fs", "readFileSync")
	hIdx := f.Exports["h"]
	if want := []facts.ParamRef{{Fn: hIdx, Param: 1, Path: []string{"params", "arguments", "path"}}}; !reflect.DeepEqual(r.Args[0].Refs, want) {
		t.Errorf("path.join taint %+v, want %+v", r.Args[0].Refs, want)
	}
	var fetches []facts.Call
	for _, c := range f.Calls {
		if c.Member == "fetch" {
			fetches = append(fetches, c)
		}
	}
	if len(fetches) != 2 {
		t.Fatalf("fetch calls %d", len(fetches))
	}
	a0 := fetches[0].Args[0]
	if !a0.Known || !a0.Prefix || a0.Value != "https://api.github.com/repos/" {
		t.Errorf("template arg %+v", a0)
	}
	if len(a0.Refs) != 1 || !reflect.DeepEqual(a0.Refs[0].Path, []string{"owner"}) {
		t.Errorf("template refs %+v", a0.Refs)
	}
	if p := fetches[0].Args[1].Props; p["method"].Value != "GET" || p["headers"].Props != nil {
		t.Errorf("props %+v (one level only)", p)
	}
	if a := fetches[1].Args[0]; !a.Known || a.Prefix || a.Value != "https://api.github.com/x" {
		t.Errorf("concatenated constant %+v", a)
	}
	var spread, elems bool
	for _, c := range f.Calls {
		if c.Member == "exec" && c.Spread {
			spread = true
		}
		if c.Member == "exec" && len(c.Args) == 1 && len(c.Args[0].Elems) == 2 && c.Args[0].Elems[0].Value == "git" {
			elems = true
			if len(c.Args[0].Elems[1].Refs) != 1 || !reflect.DeepEqual(c.Args[0].Elems[1].Refs[0].Path, []string{"params", "name"}) {
				t.Errorf("element taint %+v", c.Args[0].Elems[1].Refs)
			}
		}
	}
	if !spread || !elems {
		t.Errorf("spread %v elems %v", spread, elems)
	}
	if f.Constants["API"] != "https://api.github.com" {
		t.Errorf("constants %v", f.Constants)
	}
}

// TestTools checks MCP registrations of both SDK levels.
func TestTools(t *testing.T) {
	src := `import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { handler } from "./h.js";
const s = new McpServer({});
s.tool("a", async () => {});
s.tool("b", "desc", async (x) => {});
s.tool("c", { p: z.string() }, async (x) => {});
s.tool("d", "desc", { p: z.string() }, async (x) => {});
s.tool("e", "desc", {}, { readOnlyHint: true, openWorldHint: false }, async (x) => {});
s.registerTool("f", { description: "d", annotations: { destructiveHint: true } }, handler);
function g(server) { server.tool(Names.G, async () => {}) }
`
	f := extractSrc(t, "x.ts", []byte(src))
	var names []string
	for _, tl := range f.Tools {
		n := tl.Name
		if n == "" {
			n = "ref:" + tl.NameRef
		}
		names = append(names, n)
		if tl.SDK != "ts-sdk" || tl.Dispatcher != -1 || len(tl.Inputs) != 1 || tl.Inputs[0].Index != 0 {
			t.Errorf("tool %s: %+v", n, tl)
		}
	}
	if want := "a b c d e f ref:Names.G"; strings.Join(names, " ") != want {
		t.Fatalf("tools %v, want %s", names, want)
	}
	if e := f.Tools[4]; !reflect.DeepEqual(e.Annotations, map[string]bool{"readOnlyHint": true, "openWorldHint": false}) {
		t.Errorf("annotations %v", e.Annotations)
	}
	ff := f.Tools[5]
	if ff.Handler != -1 || ff.HandlerRef == nil || ff.HandlerRef.Name != "handler" || !ff.Annotations["destructiveHint"] {
		t.Errorf("registerTool: %+v %+v", ff, ff.HandlerRef)
	}
	if !has(syms(f, true), "./h.js:handler") {
		t.Errorf("imported handler not emitted: %v", syms(f, true))
	}
	for _, i := range []int{0, 1, 2, 3, 4, 6} {
		h := f.Tools[i].Handler
		if h <= 0 || h >= len(f.Functions) {
			t.Errorf("tool %d handler %d", i, h)
		}
	}
	// Tool handlers are not Refs of the registering function.
	for _, r := range f.Functions[0].Refs {
		if r.Func == f.Tools[0].Handler {
			t.Errorf("handler recorded as ref")
		}
	}
}

// TestParseErrors checks that facts survive syntax errors.
func TestParseErrors(t *testing.T) {
	src := "const cp = require('child_process');\nfunction a( {\n}\ncp.exec('ls');\n" + strings.Repeat("}", 80) + "\nfetch(u)\n"
	f := extractSrc(t, "x.js", []byte(src))
	if len(f.ParseErrors) == 0 || len(f.ParseErrors) > maxParseErrors {
		t.Errorf("parse errors %d", len(f.ParseErrors))
	}
	if !has(syms(f, false), "globalThis:fetch") {
		t.Errorf("calls after the error lost: %v", syms(f, false))
	}
}

// TestBadInput checks that nil trees and wrong languages return errors, not panics.
func TestBadInput(t *testing.T) {
	if _, err := Extract("x.js", source.JavaScript, []byte("x"), nil); err == nil {
		t.Error("nil tree: no error")
	}
	tree, err := parse.Parse(context.Background(), source.Python, []byte("x = 1"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Extract("x.py", source.Python, []byte("x = 1"), tree); err == nil {
		t.Error("python: no error")
	}
}

// TestDeepNesting checks that pathological nesting neither crashes nor
// takes long: deep syntax past maxDepth is skipped.
func TestDeepNesting(t *testing.T) {
	n := 60000
	// Each input nests far past maxDepth: the extraction must return (no
	// stack overflow), keep the top level, and report the subtree it did
	// not follow rather than drop its calls silently. How long it takes is
	// BenchmarkDeepNesting's business, not a test's.
	// Two inputs are flat for the extractor (it iterates over them): every
	// call in them is found instead.
	flat := map[string]int{"unclosed": 5000, "sequence": n}
	inputs := map[string]string{
		"arrays":   strings.Repeat("[", n) + strings.Repeat("]", n),
		"parens":   "f(" + strings.Repeat("(", n) + "x" + strings.Repeat(")", n) + ")",
		"pattern":  "const " + strings.Repeat("[", n) + "a" + strings.Repeat("]", n) + " = b;",
		"concat":   "fetch(\"a\"" + strings.Repeat(" + x", n) + ")",
		"literals": "fetch(\"a\"" + strings.Repeat(" + \"abcdefgh\"", n) + ")",
		"calls":    strings.Repeat("f(", n) + strings.Repeat(")", n),
		"closures": strings.Repeat("() => ", n) + "exec(x)",
		"unclosed": strings.Repeat("{ function f() { if (x) { ", 5000),
		"sequence": "(" + strings.Repeat("a, ", n) + "b)",
	}
	for name, src := range inputs {
		t.Run(name, func(t *testing.T) {
			f := extractDeep(t, src)
			if len(f.Functions) == 0 {
				t.Error("no top level")
			}
			if want, ok := flat[name]; ok {
				if len(f.TooDeep) != 0 || len(f.Calls) < want {
					t.Errorf("too deep %v, %d calls, want none too deep and %d calls", f.TooDeep, len(f.Calls), want)
				}
				return
			}
			if len(f.TooDeep) == 0 {
				t.Errorf("nothing reported too deep: %d calls", len(f.Calls))
			}
			if len(f.TooDeep) > facts.MaxTooDeep {
				t.Errorf("%d too-deep spans, want at most %d", len(f.TooDeep), facts.MaxTooDeep)
			}
		})
	}
	// Just within the bound nothing is reported and the call is found.
	f := extractDeep(t, strings.Repeat("(", 100)+"exec(x)"+strings.Repeat(")", 100))
	if len(f.TooDeep) != 0 || len(f.Calls) == 0 {
		t.Errorf("100 parentheses: too deep %v, calls %v", f.TooDeep, f.Calls)
	}
}

func extractDeep(t testing.TB, src string) *facts.File {
	t.Helper()
	tree, err := parse.Parse(context.Background(), source.JavaScript, []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	f, err := Extract("x.js", source.JavaScript, []byte(src), tree)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// BenchmarkDeepNesting measures extraction of hostile nesting, which must
// stay linear in the input.
func BenchmarkDeepNesting(b *testing.B) {
	src := "fetch(\"a\"" + strings.Repeat(" + x", 60000) + ")"
	for b.Loop() {
		extractDeep(b, src)
	}
}

// TestConcurrent extracts one tree from several goroutines (the engine runs
// files in parallel and the LSP may re-extract a cached tree).
func TestConcurrent(t *testing.T) {
	src, err := os.ReadFile("testdata/mcp_low.ts")
	if err != nil {
		t.Fatal(err)
	}
	tree, err := parse.Parse(context.Background(), source.TypeScript, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := dump(extractSrc(t, "testdata/mcp_low.ts", src))
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := Extract("testdata/mcp_low.ts", source.TypeScript, src, tree)
			if err != nil || dump(f) != want {
				errs <- fmt.Sprint(err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent extract differs: %s", e)
	}
}

// TestInstanceArgs: an argument holding a library instance records it
// (Arg.Inst), and a method call on a parameter says whether the receiver
// is the parameter itself (LocalCall.ReceiverPass) or a value computed
// from it, which the link must not type.
func TestInstanceArgs(t *testing.T) {
	src := `import { Client } from "@elastic/elasticsearch";
import { api } from "./http.js";
const es = new Client({ node: "http://localhost:9200" });
const memo = new Map();
find(es, "q");
list(api, memo, { es });
function find(esClient, q) {
  esClient.indices.getMapping({ index: q });
  const res = esClient.search({ q });
  res.hits.map((h) => h);
}
function list(http, cache) {}
`
	f := extractSrc(t, "x.js", []byte(src))
	insts := map[string][]string{}
	for _, fn := range f.Functions {
		for _, lc := range fn.LocalCalls {
			for _, a := range lc.Args {
				insts[lc.Callee.Name] = append(insts[lc.Callee.Name], a.Inst)
				for _, p := range a.Props {
					if p.Inst != "" {
						t.Errorf("%s: a property records instance %q (only top-level arguments do)", lc.Callee.Name, p.Inst)
					}
				}
			}
		}
	}
	if want := []string{"@elastic/elasticsearch\x00Client()", ""}; !reflect.DeepEqual(insts["find"], want) {
		t.Errorf("find args' instances %q, want %q", insts["find"], want)
	}
	if want := []string{"./http.js\x00api", "", ""}; !reflect.DeepEqual(insts["list"], want) {
		t.Errorf("list args' instances %q, want %q", insts["list"], want)
	}
	pass := map[string]bool{}
	for _, fn := range f.Functions {
		if fn.Name == "find" {
			for _, lc := range fn.LocalCalls {
				pass[lc.Callee.Name] = lc.ReceiverPass
			}
		}
	}
	for name, want := range map[string]bool{"getMapping": true, "search": true, "map": false} {
		if got, ok := pass[name]; !ok || got != want {
			t.Errorf("%s: receiver passed on %v (recorded %v), want %v", name, got, ok, want)
		}
	}
}
