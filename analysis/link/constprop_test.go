package link

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/finding"
)

// scanTexts links the files of texts (path → source) in a fresh engine.
func scanTexts(t *testing.T, texts map[string]string) *finding.Result {
	t.Helper()
	e, w := textWorkspace(t, texts)
	return linkAndCheck(e, w.root, w.extract(t, e, nil))
}

// textWorkspace is a fresh engine and a workspace in a temporary root
// holding texts (path → source), its paths sorted.
func textWorkspace(t *testing.T, texts map[string]string) (*testEngine, *workspace) {
	t.Helper()
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	w := &workspace{root: t.TempDir(), texts: texts}
	for p := range texts {
		w.paths = append(w.paths, p)
	}
	slices.Sort(w.paths)
	return e, w
}

// findingAt returns the finding of capability cap on the line holding marker.
func findingAt(t *testing.T, res *finding.Result, texts map[string]string, file, marker string) finding.Finding {
	t.Helper()
	line := -1
	for i, l := range strings.Split(texts[file], "\n") {
		if strings.Contains(l, marker) {
			line = i
			break
		}
	}
	for _, f := range res.Findings {
		if f.File == file && f.Span.Start.Line == line && f.Kind == finding.KindCapability {
			return f
		}
	}
	t.Fatalf("no finding in %s at %q (line %d): %+v", file, marker, line+1, res.Findings)
	return finding.Finding{}
}

type wantScope struct {
	scope   string
	scopes  []string
	dynamic bool
	unknown bool
}

func checkScope(t *testing.T, name string, f finding.Finding, w wantScope) {
	t.Helper()
	if f.Scope != w.scope || !slices.Equal(f.Scopes, w.scopes) || f.ScopeDynamic != w.dynamic || (f.ScopeUnknown != "") != w.unknown {
		t.Errorf("%s: scope %q scopes %q dynamic %v unknown %q, want %q %q %v unknown=%v",
			name, f.Scope, f.Scopes, f.ScopeDynamic, f.ScopeUnknown, w.scope, w.scopes, w.dynamic, w.unknown)
	}
}

// TestConstProp follows literals through parameters to the call, per call
// site, and keeps what it cannot follow open.
func TestConstProp(t *testing.T) {
	for _, tc := range []struct {
		name   string
		texts  map[string]string
		file   string
		marker string
		want   wantScope
	}{
		{"py recursion adds nothing", map[string]string{"s.py": `import requests
def fetch(url, n):
    if n > 0:
        return fetch(url, n - 1)
    return requests.get(url)  # here
fetch("https://a.example.com/x", 3)
`}, "s.py", "# here", wantScope{scope: "a.example.com"}},
		{"py mutual recursion", map[string]string{"s.py": `import requests
def ping(url):
    return pong(url)
def pong(url):
    requests.get(url)  # here
    return ping(url)
ping("https://a.example.com/")
pong("https://b.example.com/")
`}, "s.py", "# here", wantScope{scope: "a.example.com", scopes: []string{"a.example.com", "b.example.com"}}},
		{"py never called", map[string]string{"s.py": `import requests
def fetch(url):
    return requests.get(url)  # here
`}, "s.py", "# here", wantScope{}},
		{"py missing argument", map[string]string{"s.py": `import requests
def fetch(url=None):
    return requests.get(url)  # here
fetch("https://a.example.com/")
fetch()
`}, "s.py", "# here", wantScope{scope: "a.example.com", dynamic: true}},
		{"py literal with no scope", map[string]string{"s.py": `import requests
def fetch(url):
    return requests.get(url)  # here
fetch("https://a.example.com/")
fetch("https:\\\\evil.example.com")
`}, "s.py", "# here", wantScope{unknown: true}},
		{"py chain deeper than the limit stays open", map[string]string{"s.py": `import requests
def f0(u):
    return requests.get(u)  # here
def f1(u):
    return f0(u)
def f2(u):
    return f1(u)
def f3(u):
    return f2(u)
def f4(u):
    return f3(u)
def f5(u):
    return f4(u)
def f6(u):
    return f5(u)
def f7(u):
    return f6(u)
def f8(u):
    return f7(u)
def f9(u):
    return f8(u)
f9("https://deep.example.com/")
f1("https://near.example.com/")
`}, "s.py", "# here", wantScope{scope: "near.example.com", dynamic: true}},
		{"ts method parameter", map[string]string{"s.ts": `class Api {
  get(url: string) { return fetch(url); } // here
  run() { return this.get("https://a.example.com/"); }
}
`}, "s.ts", "// here", wantScope{scope: "a.example.com"}},
		{"ts method on a receiver of unknown class", map[string]string{"s.ts": `class Api {
  get(url: string) { return fetch(url); } // here
}
export function run(x: any) { return x.get("https://a.example.com/"); }
`}, "s.ts", "// here", wantScope{}},
		{"ts default parameter is no pass: its default beside \"*\"", map[string]string{"s.ts": `function get(url = "https://d.example.com") { return fetch(url); } // here
get("https://a.example.com/");
`}, "s.ts", "// here", wantScope{scope: "d.example.com", dynamic: true}},
		{"ts reassigned variable", map[string]string{"s.ts": `function get(url: string) { let u = url; u = u + "/x"; return fetch(u); } // here
get("https://a.example.com");
`}, "s.ts", "// here", wantScope{}},
		{"ts either of two parameters", map[string]string{"s.ts": `function get(a: string, b: string, c: boolean) { return fetch(c ? a : b); } // here
get("https://a.example.com/", "https://b.example.com/", true);
`}, "s.ts", "// here", wantScope{}},
		{"go method on a receiver", map[string]string{"go.mod": "", "c.go": `package main

import "net/http"

type C struct{}

func (c *C) get(url string) { http.Get(url) } // here

func main() {
	c := &C{}
	c.get("https://a.example.com/")
	c.get("https://b.example.com/")
}
`}, "c.go", "// here", wantScope{scope: "a.example.com", scopes: []string{"a.example.com", "b.example.com"}}},
		{"go field of a struct parameter", map[string]string{"go.mod": "", "c.go": `package main

import "net/http"

type Opts struct{ URL string }

func get(o Opts) { http.Get(o.URL) } // here

func main() {
	get(Opts{URL: "https://a.example.com/"})
}
`}, "c.go", "// here", wantScope{scope: "a.example.com"}},
		{"go merged variable is no pass", map[string]string{"go.mod": "", "c.go": `package main

import "net/http"

func get(a, b string, c bool) {
	u := a
	if c {
		u = b
	}
	http.Get(u) // here
}

func main() {
	get("https://a.example.com/", "https://b.example.com/", true)
}
`}, "c.go", "// here", wantScope{}},
		{"js imported constant in a template", map[string]string{
			"config.ts": "export const API_BASE = \"https://api.example.com\";\n",
			"s.ts":      "import { API_BASE } from \"./config.js\";\nexport async function get(id) {\n  return fetch(`${API_BASE}/v1/items/${id}`); // here\n}\n",
		}, "s.ts", "// here", wantScope{scope: "api.example.com"}},
		{"js imported constant concatenated", map[string]string{
			"config.js": "export const BASE = \"https://api.example.com/\";\n",
			"s.js":      "import { BASE } from \"./config\";\nexport const get = (p) => fetch(BASE + \"v1/\" + p); // here\n",
		}, "s.js", "// here", wantScope{scope: "api.example.com"}},
		{"js namespace import", map[string]string{
			"config.js": "export const BASE = \"https://ns.example.com\";\n",
			"s.js":      "import * as cfg from \"./config.js\";\nexport const get = (p) => fetch(`${cfg.BASE}/${p}`); // here\n",
		}, "s.js", "// here", wantScope{scope: "ns.example.com"}},
		{"js imported constant passed to a helper", map[string]string{
			"config.js": "export const BASE = \"https://helper.example.com\";\n",
			"h.js":      "export function get(url) {\n  return fetch(url); // here\n}\n",
			"s.js":      "import { BASE } from \"./config.js\";\nimport { get } from \"./h.js\";\nget(`${BASE}/x`);\n",
		}, "h.js", "// here", wantScope{scope: "helper.example.com"}},
		{"js the text after the constant decides the host", map[string]string{
			"config.js": "export const BASE = \"https://api.example.com\";\n",
			"s.js":      "import { BASE } from \"./config.js\";\nexport const get = () => fetch(BASE + \"@evil.example.net/x\"); // here\n",
		}, "s.js", "// here", wantScope{scope: "evil.example.net"}},
		{"js constant not found stays dynamic", map[string]string{
			"config.js": "export let BASE = \"https://api.example.com\";\nexport function set(b) { BASE = b; }\n",
			"s.js":      "import { BASE } from \"./config.js\";\nexport const get = () => fetch(`${BASE}/x`); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"js exported object member", map[string]string{
			"config.js": "export const config = { api: \"https://api.example.com\" };\n",
			"s.js":      "import { config } from \"./config.js\";\nexport const get = () => fetch(`${config.api}/x`); // here\n",
		}, "s.js", "// here", wantScope{scope: "api.example.com"}},
		{"js a library's constant is not followed", map[string]string{
			"s.js": "import { BASE } from \"some-lib\";\nexport const get = () => fetch(`${BASE}/x`); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"js numeric constant in a template", map[string]string{
			"s.js": "const PORT = 3000;\nexport const ping = () => fetch(`http://localhost:${PORT}/json`); // here\n",
		}, "s.js", "// here", wantScope{scope: "localhost:3000"}},
		{"js numeric constant that prints otherwise", map[string]string{
			"s.js": "const PORT = 0x10;\nexport const ping = () => fetch(`http://localhost:${PORT}/json`); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"js port chosen by the caller", map[string]string{
			"s.js": "export const ping = (port) => fetch(`http://localhost:${port}@evil.example.net/`); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"js option default in a constructor, read in a method", map[string]string{
			"s.js": "export class C {\n  constructor(opts) { this.baseUrl = opts.baseUrl ?? \"https://api.example.com\"; }\n  get(p) { return fetch(`${this.baseUrl}/v1/${p}`); } // here\n}\n",
		}, "s.js", "// here", wantScope{scope: "api.example.com", dynamic: true}},
		{"js field a setter reassigns stays unknown", map[string]string{
			"s.js": "export class C {\n  constructor() { this.baseUrl = \"https://a.example.com\"; }\n  get(p) { return fetch(`${this.baseUrl}/v1/${p}`); } // here\n  setUrl(u) { this.baseUrl = u; }\n}\n",
		}, "s.js", "// here", wantScope{}},
		{"js field initialiser", map[string]string{
			"s.js": "export class C {\n  baseUrl = \"https://a.example.com\";\n  get(p) { return fetch(`${this.baseUrl}/v1/${p}`); } // here\n}\n",
		}, "s.js", "// here", wantScope{scope: "a.example.com"}},
		{"js option default with ||", map[string]string{
			"s.js": "export const get = (o) => fetch((o.url || \"https://d.example.com\") + \"/x\"); // here\n",
		}, "s.js", "// here", wantScope{scope: "d.example.com", dynamic: true}},
		{"js tool input with a default stays open", map[string]string{
			"s.js": "import { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\nconst server = new McpServer({ name: \"x\", version: \"1\" });\nserver.tool(\"get\", \"g\", {}, async ({ url }) => {\n  await fetch(url ?? \"https://d.example.com\"); // here\n  return { content: [] };\n});\n",
		}, "s.js", "// here", wantScope{scope: "d.example.com", dynamic: true}},
		{"js default too short to name a host", map[string]string{
			"s.js": "export const get = (o) => fetch((o.base || \"https://api.\") + o.rest); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"js constant with a prefix too short", map[string]string{
			"config.js": "export const SCHEME = \"https://\";\n",
			"s.js":      "import { SCHEME } from \"./config.js\";\nexport const get = (h) => fetch(SCHEME + h); // here\n",
		}, "s.js", "// here", wantScope{}},
		{"js hex number after a constant is not its digits", map[string]string{
			"config.js": "export const BASE = \"https://api\";\n",
			"s.js":      "import { BASE } from \"./config.js\";\nexport const get = () => fetch(BASE + 0x10 + \".example.com/x\"); // here\n",
		}, "s.js", "// here", wantScope{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			texts := tc.texts
			if _, ok := texts["go.mod"]; ok {
				texts["go.mod"] = "module example.com/c\n\ngo 1.23\n"
			}
			res := scanTexts(t, texts)
			checkScope(t, tc.name, findingAt(t, res, texts, tc.file, tc.marker), tc.want)
		})
	}
}

// TestRelinkConstProp edits a literal a caller in another file passes: the
// incremental link must redo the scope of the call it reaches.
func TestRelinkConstProp(t *testing.T) {
	helpers := "import requests\n\ndef fetch(url):\n    return requests.get(url)\n"
	server := "from helpers import fetch\n\ndef main():\n    fetch(\"https://a.example.com/\")\n"
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	w := &workspace{root: t.TempDir(), paths: []string{"helpers.py", "server.py"}, texts: map[string]string{"helpers.py": helpers, "server.py": server}}
	before := linkAndCheck(e, w.root, w.extract(t, e, nil))
	edited := map[string]string{"server.py": strings.Replace(server, "a.example.com", "b.example.com", 1)}
	got, want := relinkAndFull(t, e, w, edited)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after the edit the incremental result differs from a full link:\n%s", diffResults(got, want))
	}
	if len(before.Findings) != 1 || before.Findings[0].Scope != "a.example.com" || len(want.Findings) != 1 || want.Findings[0].Scope != "b.example.com" {
		t.Errorf("the scope should follow the edited literal: before %+v, after %+v", before.Findings, want.Findings)
	}
}

// TestRelinkConstRef edits the constant another file imports, then the
// text written after it: each incremental link must equal a full link.
func TestRelinkConstRef(t *testing.T) {
	config := "export const BASE = \"https://a.example.com\";\nexport const OTHER = 1;\n"
	server := "import { BASE } from \"./config.js\";\nexport async function get(id) {\n  return fetch(`${BASE}/v1/${id}`);\n}\n"
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	w := &workspace{root: t.TempDir(), paths: []string{"config.js", "server.js"}, texts: map[string]string{"config.js": config, "server.js": server}}
	res := linkAndCheck(e, w.root, w.extract(t, e, nil))
	if len(res.Findings) != 1 || res.Findings[0].Scope != "a.example.com" {
		t.Fatalf("before the edits: %+v", res.Findings)
	}
	cur := map[string]string{}
	for _, edit := range []struct {
		file, from, to, want string
	}{
		{"config.js", "a.example.com", "b.example.com", "b.example.com"},
		{"server.js", "/v1/", ".c.example.org/", "b.example.com.c.example.org"},
		{"config.js", "export const BASE", "export let BASE", ""},
		{"config.js", "export let BASE", "export const BASE", "b.example.com.c.example.org"},
		{"server.js", "${BASE}", "${OTHER}", ""},
	} {
		want := relinkEdit(t, e, w, cur, edit.file, edit.from, edit.to)
		if len(want.Findings) != 1 || want.Findings[0].Scope != edit.want {
			t.Errorf("%s %q → %q: findings %+v, want scope %q", edit.file, edit.from, edit.to, want.Findings, edit.want)
		}
	}
}

// TestConstPropUsers: each scope is attributed to the tools whose callers
// pass it, the values that are not literals to the tools passing those.
func TestConstPropUsers(t *testing.T) {
	texts := map[string]string{"s.py": `import requests
from mcp.server.fastmcp import FastMCP
mcp = FastMCP("s")

def fetch(url):
    return requests.get(url)  # here

@mcp.tool()
def status() -> str:
    return fetch("https://status.example.com/")

@mcp.tool()
def uptime() -> str:
    return fetch("https://uptime.example.net/")

@mcp.tool()
def page(url: str) -> str:
    return fetch(url)
`}
	res := scanTexts(t, texts)
	f := findingAt(t, res, texts, "s.py", "# here")
	want := map[string][]string{"status.example.com": {"status"}, "uptime.example.net": {"uptime"}, "*": {"page"}}
	if !reflect.DeepEqual(f.ScopeUsers, want) {
		t.Errorf("scope users %v, want %v", f.ScopeUsers, want)
	}
	for _, tc := range []struct {
		tool    string
		scopes  []string
		dynamic bool
	}{
		{"status", []string{"status.example.com"}, false},
		{"uptime", []string{"uptime.example.net"}, false},
		{"page", nil, true},
	} {
		scopes, dynamic := f.ScopesOf(tc.tool)
		if !slices.Equal(scopes, tc.scopes) || dynamic != tc.dynamic {
			t.Errorf("ScopesOf(%s) = %q %v, want %q %v", tc.tool, scopes, dynamic, tc.scopes, tc.dynamic)
		}
	}
}
