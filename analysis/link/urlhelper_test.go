package link

import (
	"reflect"
	"strings"
	"testing"
)

// TestURLHelperReturn: a call receiving what a URL helper of the project
// returns (buildURL(path) { return `${base}${path}` }) gets the scopes of
// that value per call site: a caller's literal path ends the helper's
// origin, a caller's own parameter is followed to its callers, and a helper
// returning anything else (tool input, an env variable without default,
// another text on another path) leaves the scope as it was.
func TestURLHelperReturn(t *testing.T) {
	const jsTool = "import { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\nimport { z } from \"zod\";\nconst server = new McpServer({ name: \"s\", version: \"1\" });\n"
	for _, tc := range []struct {
		name, file, text string
		want             wantScope
		env              string
	}{
		{"ts method template", "s.ts", `class Api {
  private baseUrl = "https://api.example.com";
  private buildURL(path: string): string { return ` + "`${this.baseUrl}${path}`" + `; }
  async list() { return fetch(this.buildURL("/v1/items")); } // here
}
`, wantScope{scope: "api.example.com"}, ""},
		{"ts helper method below its caller", "s.ts", `class Api {
  private baseUrl = "https://api.example.com";
  async list() { return fetch(this.buildURL("/v1/items")); } // here
  private buildURL(path: string): string { return ` + "`${this.baseUrl}${path}`" + `; }
}
`, wantScope{scope: "api.example.com"}, ""},
		{"ts helper method below its caller over a constructor parameter", "s.ts", `class Api {
  constructor(private baseUrl: string) {}
  async list() { return fetch(this.buildURL("/v1/items")); } // here
  private buildURL(path: string): string { return ` + "`${this.baseUrl}${path}`" + `; }
}
`, wantScope{}, ""},
		{"js method concatenation through a variable", "s.js", `class Api {
  url(p) { return "https://api.example.com" + p; }
  async get(id) {
    const u = this.url("/items/" + id);
    return fetch(u); // here
  }
}
`, wantScope{scope: "api.example.com"}, ""},
		{"js function helper, caller's parameter followed", "s.js", `function endpoint(path) { return ` + "`https://api.example.com${path}`" + `; }
async function get(path) { return fetch(endpoint(path)); } // here
export const a = () => get("/users");
export const b = () => get("?q=1");
`, wantScope{scope: "api.example.com"}, ""},
		{"js arrow helper with an env default", "s.js", `const base = process.env.API_URL ?? "https://api.example.com";
const endpoint = (path) => base + path;
export async function get() { return fetch(endpoint("/users")); } // here
`, wantScope{scope: "api.example.com"}, "API_URL"},
		// Look-alikes that stay open.
		{"js caller text that is no path", "s.js", `function endpoint(path) { return "https://api.example.com" + path; }
export async function get() { return fetch(endpoint(".evil.example.org/")); } // here
`, wantScope{scope: "api.example.com.evil.example.org"}, ""},
		{"js helper with a second return", "s.js", `function endpoint(path, raw) { if (raw) return raw; return "https://api.example.com" + path; }
export async function get(r) { return fetch(endpoint("/users", r)); } // here
`, wantScope{}, ""},
		{"js helper returning two origins", "s.js", `function endpoint(path, eu) { if (eu) return "https://eu.example.com" + path; return "https://api.example.com" + path; }
export async function get() { return fetch(endpoint("/users", true)); } // here
`, wantScope{}, ""},
		{"js helper over an env variable without default", "s.js", `const endpoint = (path) => process.env.API_URL + path;
export async function get() { return fetch(endpoint("/users")); } // here
`, wantScope{}, ""},
		{"js helper with a rest parameter", "s.js", `function endpoint(...parts) { return "https://api.example.com" + parts; }
export async function get() { return fetch(endpoint("/users")); } // here
`, wantScope{}, ""},
		{"js spread arguments", "s.js", `function endpoint(path) { return "https://api.example.com" + path; }
export async function get(a) { return fetch(endpoint(...a)); } // here
`, wantScope{}, ""},
		{"js tool input as the path", "s.js", jsTool + `function endpoint(path) { return "https://api.example.com" + path; }
server.registerTool("get", { inputSchema: { path: z.string() } }, async ({ path }) => {
  const r = await fetch(endpoint(path)); // here
  return { content: [] };
});
`, wantScope{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			texts := map[string]string{tc.file: tc.text}
			res := scanTexts(t, texts)
			f := findingAt(t, res, texts, tc.file, "// here")
			checkScope(t, tc.name, f, tc.want)
			if f.ScopeEnv != tc.env {
				t.Errorf("%s: scopeEnv %q, want %q", tc.name, f.ScopeEnv, tc.env)
			}
		})
	}
}

// TestRelinkURLHelper edits the path a caller in another file passes to a
// function whose URL a helper builds: the incremental link equals a full
// link, and the scope follows the edit.
func TestRelinkURLHelper(t *testing.T) {
	lib := "const endpoint = (p) => `https://api.example.com${p}`;\nexport async function get(p) { return fetch(endpoint(p)); }\n"
	use := "import { get } from \"./lib.js\";\nexport const a = () => get(\"/users\");\n"
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	w := &workspace{root: t.TempDir(), paths: []string{"lib.js", "use.js"}, texts: map[string]string{"lib.js": lib, "use.js": use}}
	before := linkAndCheck(e, w.root, w.extract(t, e, nil))
	if len(before.Findings) != 1 || before.Findings[0].Scope != "api.example.com" {
		t.Fatalf("before the edit: %+v", before.Findings)
	}
	for _, to := range []string{"\".evil.example.org/x\"", "\"/items\""} {
		edited := map[string]string{"use.js": strings.Replace(use, "\"/users\"", to, 1)}
		got, want := relinkAndFull(t, e, w, edited)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the incremental result differs from a full link:\n%s", to, diffResults(got, want))
		}
		wantScope := "api.example.com"
		if strings.Contains(to, "evil") {
			wantScope = ""
		}
		if len(want.Findings) != 1 || want.Findings[0].Scope != wantScope {
			t.Errorf("%s: findings %+v, want scope %q", to, want.Findings, wantScope)
		}
	}
}
