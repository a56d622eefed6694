package link

import (
	"testing"
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
