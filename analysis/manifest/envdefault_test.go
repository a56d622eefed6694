package manifest_test

import (
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/manifest"
)

// netFinding returns the network.client finding on the 1-based line.
func netFinding(t *testing.T, res *finding.Result, line int) finding.Finding {
	t.Helper()
	for _, f := range res.Findings {
		if f.Capability == capability.NetworkClient && f.Span.Start.Line+1 == line {
			return f
		}
	}
	t.Fatalf("no network.client finding on line %d", line)
	return finding.Finding{}
}

// TestEnvDefaults: a URL from an environment variable with a literal
// default has the default's host as its scope and names the variable; one
// without a default (or a default that is not a literal) stays unknown.
// The manifest grants the default host with a comment naming the variable,
// and --check treats the call as a call to its default.
func TestEnvDefaults(t *testing.T) {
	type want struct {
		line       int
		scope, env string
	}
	tests := []struct {
		name, file, src string
		want            []want
	}{
		{"python", "server.py", `import os, requests, httpx
BASE = os.environ.get("SEMGREP_URL", "https://semgrep.dev")
def f(q, u):
    requests.get(BASE + "/api/search", params=q)
    httpx.get(os.getenv("REG_URL", "https://registry.example.com/v2"))
    requests.get(f"{BASE}/api/x")
    requests.get(os.getenv("NO_DEFAULT"))
    requests.get(os.environ.get("FROM_INPUT", u))
    requests.get(os.environ["PLAIN"])
`, []want{{4, "semgrep.dev", "SEMGREP_URL"}, {5, "registry.example.com", "REG_URL"}, {6, "semgrep.dev", "SEMGREP_URL"},
			{7, "", ""}, {8, "", ""}, {9, "", ""}}},
		{"typescript", "index.ts", `const API = process.env.API_URL ?? "https://api.example.com";
export async function f(u: string) {
  await fetch(` + "`${API}/v1/items`" + `);
  await fetch(process.env.HOOK_URL || "https://hooks.example.com/x");
  await fetch(process.env.NO_DEFAULT);
  await fetch(process.env.FROM_INPUT ?? u);
  await fetch("https://plain.example.com/" + (process.env.SUFFIX ?? ""));
}
`, []want{{3, "api.example.com", "API_URL"}, {4, "hooks.example.com", "HOOK_URL"}, {5, "", ""}, {6, "", ""},
			{7, "plain.example.com", ""}}},
		{"go", "main.go", `package main

import (
	"cmp"
	"flag"
	"net/http"
	"os"
)

var api = flag.String("api", "https://flag.example.com", "API base")

func f(u string) {
	http.Get(cmp.Or(os.Getenv("API_URL"), "https://api.example.com") + "/v1")
	base := os.Getenv("BASE_URL")
	if base == "" {
		base = "https://base.example.com"
	}
	http.Get(base)
	http.Get(os.Getenv("NO_DEFAULT"))
	http.Get(cmp.Or(os.Getenv("FROM_INPUT"), u))
	http.Get(*api + "/v1")
	http.Get(*flag.String("plain", "", "no default") + "/x")
}
`, []want{{13, "api.example.com", "API_URL"}, {18, "base.example.com", "BASE_URL"}, {19, "", ""}, {20, "", ""},
			{21, "flag.example.com", "-api"}, {22, "", ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := scanSource(t, tc.file, tc.src)
			for _, w := range tc.want {
				f := netFinding(t, res, w.line)
				if f.Scope != w.scope || f.ScopeEnv != w.env {
					t.Errorf("line %d: scope %q env %q, want %q env %q", w.line, f.Scope, f.ScopeEnv, w.scope, w.env)
				}
			}
			text, err := manifest.Create(res)
			if err != nil {
				t.Fatal(err)
			}
			first := tc.want[0]
			if !strings.Contains(string(text), first.scope) || !strings.Contains(string(text), "# default of $"+first.env) {
				t.Errorf("the manifest does not grant %s noting $%s:\n%s", first.scope, first.env, text)
			}
			// --check: a grant of the default hosts plus "*" for the rest
			// declares every call; without "*" the unknown ones are out of scope.
			m, errs := manifest.Parse(manifest.FileName, text)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			manifest.Check(m, res, nil)
			for _, f := range res.Findings {
				if f.Kind == finding.KindCapability && f.Manifest != finding.Declared {
					t.Errorf("generated manifest leaves %s at line %d %s", f.API, f.Span.Start.Line+1, f.Manifest)
				}
				if f.Kind == finding.KindUnusedGrant {
					t.Errorf("generated manifest has an unused grant: %s", f.Message)
				}
			}
		})
	}
}
