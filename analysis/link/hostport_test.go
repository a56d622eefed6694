package link

import (
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// TestHostPortDefaults: a URL built from a host and a port that come from
// environment variables with literal defaults (issue 15) has the defaults'
// scope and names the variable, in the three languages; a port or host the
// model or the operator chooses with no default leaves the scope open.
func TestHostPortDefaults(t *testing.T) {
	const pyTool = "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP(\"s\")\n"
	const jsTool = "import { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\nimport { z } from \"zod\";\nconst server = new McpServer({ name: \"s\", version: \"1\" });\n"
	for _, tc := range []struct {
		name  string
		file  string
		text  string
		want  wantScope
		env   string
		extra map[string]string
	}{
		// JS/TS.
		{"js numeric env default port", "s.ts", `const PORT = process.env.PORT || 3100;
export async function get() { return fetch(` + "`http://localhost:${PORT}/api`" + `); } // here
`, wantScope{scope: "localhost:3100"}, "PORT", nil},
		{"js numeric env default port with ??", "s.ts", `const PORT = process.env.PORT ?? 3100;
export async function get() { return fetch("http://127.0.0.1:" + PORT + "/api"); } // here
`, wantScope{scope: "127.0.0.1:3100"}, "PORT", nil},
		{"js host and port env defaults", "s.ts", `const HOST = process.env.HOST || "localhost";
const PORT = process.env.PORT || 3100;
export async function get() { return fetch(` + "`http://${HOST}:${PORT}/api`" + `); } // here
`, wantScope{scope: "localhost:3100"}, "HOST", nil},
		{"js port env default, host literal, string default", "s.ts", `const PORT = process.env.PORT || "8931";
export async function get() { return fetch(` + "`http://localhost:${PORT}/mcp`" + `); } // here
`, wantScope{scope: "localhost:8931"}, "PORT", nil},
		{"js env port with no default stays open", "s.ts", `const PORT = process.env.PORT;
export async function get() { return fetch(` + "`http://localhost:${PORT}/api`" + `); } // here
`, wantScope{}, "", nil},
		{"js env port with a non-literal default stays open", "s.ts", `export async function get(port: number) {
  const p = process.env.PORT || port;
  return fetch(` + "`http://localhost:${p}/api`" + `); // here
}
`, wantScope{}, "", nil},
		{"js tool-input port stays open", "s.ts", jsTool + `server.tool("get", { port: z.number() }, async ({ port }) => {
  const r = await fetch(` + "`http://localhost:${port}/api`" + `); // here
  return { content: [{ type: "text", text: await r.text() }] };
});
`, wantScope{}, "", nil},
		// Python.
		{"py int of env default port", "s.py", `import os, requests
HOST = os.getenv("HOST", "localhost")
PORT = int(os.getenv("PORT", "9000"))
def get():
    return requests.get(f"http://{HOST}:{PORT}/api")  # here
`, wantScope{scope: "localhost:9000"}, "HOST", nil},
		{"py numeric env default port", "s.py", `import os, requests
PORT = os.environ.get("PORT", 9100)
def get():
    return requests.get(f"http://localhost:{PORT}/api")  # here
`, wantScope{scope: "localhost:9100"}, "PORT", nil},
		{"py concatenated env default host", "s.py", `import os, requests
HOST = os.getenv("HOST", "localhost")
def get():
    return requests.get("http://" + HOST + ":9000/api")  # here
`, wantScope{scope: "localhost:9000"}, "HOST", nil},
		{"py int of env port with no default stays open", "s.py", `import os, requests
PORT = int(os.getenv("PORT"))
def get():
    return requests.get(f"http://localhost:{PORT}/api")  # here
`, wantScope{}, "", nil},
		{"py int of a parameter stays open", "s.py", `import requests
def get(port):
    return requests.get(f"http://localhost:{int(port)}/api")  # here
`, wantScope{}, "", nil},
		{"py tool-input port stays open", "s.py", pyTool + `import requests
@mcp.tool()
def get(port: int) -> str:
    return requests.get(f"http://localhost:{port}/api").text  # here
`, wantScope{}, "", nil},
		// Go: env defaults of host and port already give the scope.
		{"go host and port env defaults", "main.go", `package main

import (
	"cmp"
	"fmt"
	"net/http"
	"os"
)

func get() {
	host := cmp.Or(os.Getenv("HOST"), "localhost")
	port := cmp.Or(os.Getenv("PORT"), "8080")
	http.Get(fmt.Sprintf("http://%s:%s/x", host, port)) // here
}
`, wantScope{scope: "localhost:8080"}, "", map[string]string{"go.mod": "module example.com/s\n\ngo 1.22\n"}},
		{"go env port with no default stays open", "main.go", `package main

import (
	"fmt"
	"net/http"
	"os"
)

func get() {
	http.Get(fmt.Sprintf("http://localhost:%s/x", os.Getenv("PORT"))) // here
}
`, wantScope{}, "", map[string]string{"go.mod": "module example.com/s\n\ngo 1.22\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			texts := map[string]string{tc.file: tc.text}
			for k, v := range tc.extra {
				texts[k] = v
			}
			marker := "// here"
			if tc.file == "s.py" {
				marker = "# here"
			}
			res := scanTexts(t, texts)
			f := findingAt(t, res, texts, tc.file, marker)
			checkScope(t, tc.name, f, tc.want)
			if f.ScopeEnv != tc.env {
				t.Errorf("%s: scopeEnv %q, want %q", tc.name, f.ScopeEnv, tc.env)
			}
		})
	}
}

const goMain = "package main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\n"

// TestTailEndsOrigin: a literal origin with no path, or a fallback's, right
// before a parameter (`${base}${path}`, base + path) names its host when
// every value the callers pass for that parameter starts with "/", "?" or
// "#"; a caller passing other text, a value that is not literal, tool input
// or no caller at all leaves it open.
func TestTailEndsOrigin(t *testing.T) {
	const pyTool = "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP(\"s\")\n"
	const jsTool = "import { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\nimport { z } from \"zod\";\nconst server = new McpServer({ name: \"s\", version: \"1\" });\n"
	for _, tc := range []struct {
		name, file, text string
		want             wantScope
		env              string
	}{
		{"js literal origin then path", "s.js", "async function get(path) { return fetch(`https://api.example.com${path}`); } // here\nexport const a = () => get(\"/users\");\nexport const b = (id) => get(`/items/${id}`);\n",
			wantScope{scope: "api.example.com"}, ""},
		{"js field fallback then path", "s.js", "export class C {\n  constructor(o = {}) { this.base = o.base || \"https://api.example.com\"; }\n  async req(p) { return fetch(`${this.base}${p}`); } // here\n  users() { return this.req(\"/users\"); }\n}\n",
			wantScope{scope: "api.example.com", dynamic: true}, ""},
		{"js env default then path", "s.js", "const API = process.env.API_URL || \"https://api.example.com\";\nasync function get(p) { return fetch(API + p); } // here\nexport const a = () => get(\"?q=1\");\n",
			wantScope{scope: "api.example.com"}, "API_URL"},
		{"js caller text that extends the host stays open", "s.js", "async function get(p) { return fetch(`https://api.example.com${p}`); } // here\nexport const a = () => get(\"/users\");\nexport const b = () => get(\".evil.example.net/x\");\n",
			wantScope{}, ""},
		{"js caller passing a computed value stays open", "s.js", "async function get(p) { return fetch(`https://api.example.com${p}`); } // here\nexport const a = (x) => get(\"/\" + x);\nexport const b = (x) => get(x.trim());\n",
			wantScope{}, ""},
		{"js no caller stays open", "s.js", "export async function get(p) { return fetch(`https://api.example.com${p}`); } // here\n",
			wantScope{}, ""},
		{"js tool-input path stays open", "s.ts", jsTool + "async function get(p: string) { return fetch(`https://api.example.com${p}`); } // here\nserver.tool(\"get\", { p: z.string() }, async ({ p }) => {\n  const r = await get(p);\n  return { content: [{ type: \"text\", text: await r.text() }] };\n});\n",
			wantScope{}, ""},
		{"py literal origin then path", "s.py", "import requests\ndef get(path):\n    return requests.get(f\"https://api.example.com{path}\")  # here\ndef a():\n    return get(\"/users\")\ndef b(i):\n    return get(f\"/items/{i}\")\n",
			wantScope{scope: "api.example.com"}, ""},
		{"py attribute fallback then path", "s.py", "import requests\nclass C:\n    def __init__(self, base=None):\n        self.base = base or \"https://api.example.com\"\n    def req(self, p):\n        return requests.get(self.base + p)  # here\n    def users(self):\n        return self.req(\"/users\")\n",
			wantScope{scope: "api.example.com", dynamic: true}, ""},
		{"py env default then path", "s.py", "import os, requests\nAPI = os.getenv(\"API_URL\", \"https://api.example.com\")\ndef get(p):\n    return requests.get(f\"{API}{p}\")  # here\ndef a():\n    return get(\"#x\")\n",
			wantScope{scope: "api.example.com"}, "API_URL"},
		{"py caller text that extends the host stays open", "s.py", "import requests\ndef get(p):\n    return requests.get(\"https://api.example.com\" + p)  # here\ndef a():\n    return get(\"@evil.example.net/\")\n",
			wantScope{}, ""},
		{"py tool-input path stays open", "s.py", pyTool + "import requests\ndef get(p):\n    return requests.get(f\"https://api.example.com{p}\")  # here\n@mcp.tool()\ndef fetch(p: str) -> str:\n    return get(p).text\n",
			wantScope{}, ""},
		// Go.
		{"go field then path through NewRequest and Do", "main.go", goMain + `type C struct{ base string }

func New() *C { return &C{base: "https://api.example.com"} }

func (c *C) get(path string) error {
	req, err := http.NewRequest("GET", c.base+path, nil)
	if err != nil {
		return err
	}
	_, err = http.DefaultClient.Do(req) // here
	return err
}

func main() {
	c := New()
	c.get("/users")
	c.get(fmt.Sprintf("/items/%d", 1))
}
`, wantScope{scope: "api.example.com"}, ""},
		{"go Sprintf of a field and a path", "main.go", goMain + `type C struct{ base string }

func New() *C { return &C{base: "https://api.example.com"} }

func (c *C) get(path string) { http.Get(fmt.Sprintf("%s%s", c.base, path)) } // here

func main() { New().get("?q=1") }
`, wantScope{scope: "api.example.com"}, ""},
		{"go literal origin in a format then path", "main.go", goMain + `func get(path string) { http.Get(fmt.Sprintf("https://api.example.com%s", path)) } // here

func main() { get("/x") }
`, wantScope{scope: "api.example.com"}, ""},
		{"go caller text that extends the host stays open", "main.go", goMain + `type C struct{ base string }

func New() *C { return &C{base: "https://api.example.com"} }

func (c *C) get(path string) { http.Get(c.base + path) } // here

func main() { New().get(".evil.example.net/"); fmt.Println() }
`, wantScope{}, ""},
		{"go caller passing a computed value stays open", "main.go", goMain + `func get(path string) { http.Get("https://api.example.com" + path) } // here

func main() { get(fmt.Sprint(1)) }
`, wantScope{}, ""},
		{"go tool-input path stays open", "main.go", `package main

import (
	"context"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type Args struct {
	Path string ` + "`json:\"path\"`" + `
}

func get(path string) { http.Get("https://api.example.com" + path) } // here

func fetch(ctx context.Context, req *mcp.CallToolRequest, args Args) (*mcp.CallToolResult, any, error) {
	get(args.Path)
	return nil, nil, nil
}

func main() {
	s := mcp.NewServer(&mcp.Implementation{Name: "x", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "fetch"}, fetch)
}
`, wantScope{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			texts := map[string]string{tc.file: tc.text}
			if tc.file == "main.go" {
				texts["go.mod"] = "module example.com/c\n\ngo 1.23\n"
			}
			marker := "// here"
			if strings.HasSuffix(tc.file, ".py") {
				marker = "# here"
			}
			res := scanTexts(t, texts)
			f := findingAt(t, res, texts, tc.file, marker)
			checkScope(t, tc.name, f, tc.want)
			if f.ScopeEnv != tc.env {
				t.Errorf("%s: scopeEnv %q, want %q", tc.name, f.ScopeEnv, tc.env)
			}
		})
	}
}

// TestRelinkTail edits the callers' paths of a tail parameter: the
// incremental link equals a full link, and the scope follows.
func TestRelinkTail(t *testing.T) {
	lib := "export async function get(p) { return fetch(`https://api.example.com${p}`); }\n"
	use := "import { get } from \"./lib.js\";\nexport const a = () => get(\"/users\");\n"
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	w := &workspace{root: t.TempDir(), paths: []string{"lib.js", "use.js"}, texts: map[string]string{"lib.js": lib, "use.js": use}}
	res := linkAndCheck(e, w.root, w.extract(t, e, nil))
	if len(res.Findings) != 1 || res.Findings[0].Scope != "api.example.com" {
		t.Fatalf("before the edits: %+v", res.Findings)
	}
	cur := map[string]string{}
	for _, edit := range []struct{ file, from, to, want string }{
		{"use.js", "\"/users\"", "\".evil.example.net/\"", ""},
		{"use.js", "\".evil.example.net/\"", "\"?q=1\"", "api.example.com"},
		{"lib.js", "api.example.com", "api.example.org", "api.example.org"},
		{"use.js", "export const a", "export const b = (x) => get(x);\nexport const a", ""},
	} {
		want := relinkEdit(t, e, w, cur, edit.file, edit.from, edit.to)
		var net []finding.Finding
		for _, f := range want.Findings {
			if f.Capability == capability.NetworkClient {
				net = append(net, f)
			}
		}
		if len(net) != 1 || net[0].Scope != edit.want {
			t.Errorf("%s %q → %q: network findings %+v, want scope %q", edit.file, edit.from, edit.to, net, edit.want)
		}
	}
}
