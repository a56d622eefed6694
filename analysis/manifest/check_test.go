package manifest

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/source"
)

func capFinding(id capability.ID, api, scope, kind string, server bool, tools ...string) finding.Finding {
	return finding.Finding{
		Kind: finding.KindCapability, File: "src/index.ts", Capability: id, Class: id.Class(),
		API: api, Rule: "js.rule", Message: "orig", Tools: tools, Server: server, Scope: scope, ScopeKind: kind,
		Span: source.Span{Start: source.Pos{Line: 9}},
	}
}

const checkManifest = `version: 1
server:
  network.server: ["127.0.0.1:3000"]
  system.env: [GITHUB_TOKEN, "NOTES_*"]
tools:
  search_issues:
    network.client: [api.github.com]
  save_note:
    file.write: ["${ROOT}/notes/**", "/var/unused/**"]
  delete_note:
    file.delete: ["${ROOT}/notes/**"]
    system.exec: [git]
  ghost:
    file.read: ["*"]
`

func TestCheckStates(t *testing.T) {
	tests := []struct {
		name      string
		f         finding.Finding
		state     finding.ManifestState
		undecl    []string
		rule, msg string
	}{
		{"declared by the tool", capFinding(capability.NetworkClient, "fetch", "api.github.com", "host", false, "search_issues"),
			finding.Declared, nil, "js.rule", "orig"},
		{"declared by the server for a tool", capFinding(capability.SystemEnv, "process.env", "GITHUB_TOKEN", "env", false, "search_issues"),
			finding.Declared, nil, "js.rule", "orig"},
		{"env prefix grant", capFinding(capability.SystemEnv, "process.env", "NOTES_DIR", "env", true),
			finding.Declared, nil, "js.rule", "orig"},
		{"path in glob", capFinding(capability.FileWrite, "fs.writeFile", "${ROOT}/notes/a.md", "path", false, "save_note"),
			finding.Declared, nil, "js.rule", "orig"},
		{"unknown scope is covered by any grant", capFinding(capability.FileWrite, "fs.writeFile", "", "", false, "save_note"),
			finding.Declared, nil, "js.rule", "orig"},
		// Issue 14 items 5, 6: a literal whose scope cannot be inferred is
		// never covered by a narrow grant.
		{"unknown literal scope is not covered by a narrow grant", unknownScope(capFinding(capability.NetworkClient, "fetch", "", "", false, "search_issues"), "a non-ASCII host"),
			finding.OutOfScope, []string{"search_issues"}, RuleOutOfScope,
			`fetch connects to the network where its literal argument cannot say (a non-ASCII host), outside the network.client grant of tool search_issues [api.github.com] (add "*": only "*" covers a scope that cannot be inferred)`},
		{"unknown literal path is not covered by a narrow grant", unknownScope(capFinding(capability.FileWrite, "fs.writeFile", "", "", false, "save_note"), `".." climbs out of ${HOME}`),
			finding.OutOfScope, []string{"save_note"}, RuleOutOfScope, `cannot say (".." climbs out of ${HOME})`},
		{"unknown literal scope is covered by \"*\"", unknownScope(capFinding(capability.FileRead, "fs.readFile", "", "", false, "ghost"), "x"),
			finding.Declared, nil, "js.rule", "orig"},
		{"undeclared for a tool", capFinding(capability.FileWrite, "fs.writeFile", "/tmp/notes/x", "path", false, "search_issues"),
			finding.Undeclared, []string{"search_issues"}, RuleUndeclared,
			`fs.writeFile writes files but tool search_issues declares no file.write (add "/tmp/notes/x")`},
		{"undeclared, non-literal", capFinding(capability.SystemCode, "eval", "", "", false, "save_note"),
			finding.Undeclared, []string{"save_note"}, RuleUndeclared,
			`eval evaluates code chosen at run time but tool save_note declares no system.code (add "*")`},
		{"undeclared, unknown path", capFinding(capability.FileRead, "fs.readFile", "", "", false, "save_note"),
			finding.Undeclared, []string{"save_note"}, RuleUndeclared, `(add "*": the argument is not a literal)`},
		{"undeclared for server and one of two tools", capFinding(capability.FileDelete, "fs.rm", "${ROOT}/notes/x", "path", true, "save_note", "delete_note"),
			finding.Undeclared, []string{"save_note", ""}, RuleUndeclared,
			"but tool save_note and server (start-up code) declare no file.delete"},
		{"out of scope", capFinding(capability.NetworkClient, "fetch", "https://evil.example/x", "url", false, "search_issues"),
			finding.OutOfScope, []string{"search_issues"}, RuleOutOfScope,
			`fetch connects to the network "https://evil.example/x", outside the network.client grant of tool search_issues [api.github.com] (add "evil.example")`},
		{"listen wider than granted", capFinding(capability.NetworkServer, "app.listen", "3000", "port", true),
			finding.OutOfScope, []string{""}, RuleOutOfScope, `[127.0.0.1:3000] (add "3000")`},
		{"path escapes the grant", capFinding(capability.FileDelete, "fs.rm", "${ROOT}/notes/../../etc", "path", false, "delete_note"),
			finding.OutOfScope, []string{"delete_note"}, RuleOutOfScope, `(add "*"`},
		{"prefix path", capFinding(capability.FileWrite, "fs.writeFile", "/tmp/notes/**", "path", false, "search_issues"),
			finding.Undeclared, []string{"search_issues"}, RuleUndeclared, `(add "/tmp/notes/**": only the start of the argument is known)`},
		{"command line program", capFinding(capability.SystemExec, "child_process.exec", "git status --short", "command", false, "delete_note"),
			finding.Declared, nil, "js.rule", "orig"},
		{"other program", capFinding(capability.SystemExec, "child_process.exec", "rm -rf /", "command", false, "delete_note"),
			finding.OutOfScope, []string{"delete_note"}, RuleOutOfScope, `(add "rm")`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, errs := Parse("mcp-capabilities.yaml", []byte(checkManifest))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			res := &finding.Result{Findings: []finding.Finding{tc.f}}
			Check(m, res, nil)
			f := res.Findings[0]
			if f.Manifest != tc.state || !reflect.DeepEqual(f.UndeclaredFor, tc.undecl) || f.Rule != tc.rule {
				t.Errorf("state %s undeclaredFor %q rule %s; want %s %q %s", f.Manifest, f.UndeclaredFor, f.Rule, tc.state, tc.undecl, tc.rule)
			}
			if !strings.Contains(f.Message, tc.msg) {
				t.Errorf("message %q does not contain %q", f.Message, tc.msg)
			}
		})
	}
}

func TestCheckNoManifest(t *testing.T) {
	for _, m := range []*Manifest{nil, {Broken: true}} {
		res := &finding.Result{
			Findings: []finding.Finding{capFinding(capability.FileRead, "fs.readFile", "/x", "path", true, "b", "a")},
			Tools:    []finding.Tool{{Name: "a", Capabilities: []capability.ID{capability.FileRead}}},
		}
		Check(m, res, nil)
		f := res.Findings[0]
		if f.Manifest != finding.NoManifest || !reflect.DeepEqual(f.UndeclaredFor, []string{"a", "b", ""}) || f.Rule != "js.rule" {
			t.Errorf("%+v", f)
		}
		if len(res.Findings) != 1 {
			t.Errorf("no manifest: no unused or unknown-tool findings, got %v", res.Findings[1:])
		}
		if p := (finding.Policy{}).Severity(&f); p != finding.Info {
			t.Errorf("no manifest must be low severity, got %s", p)
		}
	}
}

func TestCheckManifestFindings(t *testing.T) {
	m, _ := Parse("mcp-capabilities.yaml", []byte(checkManifest))
	res := &finding.Result{
		Findings: []finding.Finding{
			capFinding(capability.NetworkServer, "app.listen", "127.0.0.1:3000", "port", true),
			capFinding(capability.SystemEnv, "process.env", "GITHUB_TOKEN", "env", true),
			capFinding(capability.NetworkClient, "fetch", "api.github.com", "host", false, "search_issues"),
			capFinding(capability.FileWrite, "fs.writeFile", "${ROOT}/notes/a.md", "path", false, "save_note"),
			capFinding(capability.FileDelete, "fs.unlink", "", "", false, "delete_note"),
			capFinding(capability.FileDelete, "fs.unlink", "", "", false, "delete_note"),
			// Another server's file: not governed by this manifest.
			{Kind: finding.KindCapability, File: "other/x.ts", Capability: capability.SystemExec, Tools: []string{"delete_note"}},
		},
		Tools: []finding.Tool{
			{Name: "search_issues", File: "src/index.ts", Capabilities: []capability.ID{capability.NetworkClient},
				Annotations: map[string]bool{"openWorldHint": false, "readOnlyHint": true},
				NameSpan:    source.Span{Start: source.Pos{Line: 20, Col: 4}}},
			{Name: "save_note", File: "src/index.ts", Capabilities: []capability.ID{capability.FileWrite}},
			{Name: "delete_note", File: "src/index.ts", Capabilities: []capability.ID{capability.FileDelete},
				Annotations: map[string]bool{"readOnlyHint": true, "destructiveHint": false}},
			{Name: "other_tool", File: "other/x.ts", Annotations: map[string]bool{"readOnlyHint": true},
				Capabilities: []capability.ID{capability.SystemExec}},
		},
	}
	Check(m, res, func(f string) bool { return strings.HasPrefix(f, "src/") })
	if f := res.Findings[6]; f.Manifest != finding.NotChecked {
		t.Errorf("ungoverned file checked: %+v", f)
	}
	var got []string
	for _, f := range res.Findings[7:] {
		got = append(got, string(f.Kind)+" "+f.Rule+" "+f.File+":"+strconv.Itoa(f.Span.Start.Line)+":"+strconv.Itoa(f.Span.Start.Col)+" "+f.Message)
	}
	want := []string{
		"hint-mismatch manifest.hint-mismatch src/index.ts:20:4 tool search_issues declares openWorldHint: false but it connects to the network (fetch at src/index.ts:10)",
		"hint-mismatch manifest.hint-mismatch src/index.ts:0:0 tool delete_note declares readOnlyHint: true but it deletes files (fs.unlink at src/index.ts:10)",
		"hint-mismatch manifest.hint-mismatch src/index.ts:0:0 tool delete_note declares destructiveHint: false but it deletes files (fs.unlink at src/index.ts:10)",
		`invalid-manifest manifest.unknown-tool mcp-capabilities.yaml:12:2 tool "ghost" is not registered by the code (registered: delete_note, save_note, search_issues)`,
		`unused-grant manifest.unused mcp-capabilities.yaml:3:29 scope "NOTES_*" of the server's system.env is not needed by any call (excess privilege: remove it)`,
		`unused-grant manifest.unused mcp-capabilities.yaml:8:37 scope "/var/unused/**" of tool save_note's file.write is not needed by any call (excess privilege: remove it)`,
		"unused-grant manifest.unused mcp-capabilities.yaml:11:4 tool delete_note is granted system.exec but no code it reaches runs programs (excess privilege: remove the grant)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range res.Findings[:6] {
		if f.Manifest != finding.Declared {
			t.Errorf("%s %s: %s %s", f.API, f.Scope, f.Manifest, f.Message)
		}
	}
}

func unknownScope(f finding.Finding, why string) finding.Finding {
	f.ScopeUnknown, f.ScopeKind = why, "path"
	return f
}

func TestCheckServerGrantCreditedOnlyWhenNeeded(t *testing.T) {
	// The tool's own grant covers the call: the same server grant is excess.
	m, _ := Parse("m.yaml", []byte("server:\n  network.client: [api.github.com]\ntools:\n  a:\n    network.client: [api.github.com]\n"))
	res := &finding.Result{
		Findings: []finding.Finding{capFinding(capability.NetworkClient, "fetch", "api.github.com", "host", false, "a")},
		Tools:    []finding.Tool{{Name: "a"}},
	}
	Check(m, res, nil)
	if len(res.Findings) != 2 || res.Findings[1].Rule != RuleUnused || res.Findings[1].Span.Start.Line != 1 {
		t.Errorf("want the server grant reported unused: %+v", res.Findings[1:])
	}
}

func TestGrant(t *testing.T) {
	tests := []struct {
		f     finding.Finding
		scope string
		exact bool
	}{
		{capFinding(capability.NetworkClient, "", "https://API.GitHub.com/repos", "url", false), "api.github.com", true},
		{capFinding(capability.NetworkClient, "", "api.github.com", "host", false), "api.github.com", true},
		{capFinding(capability.NetworkClient, "", "http://localhost:8080/x", "url", false), "localhost:8080", true},
		{capFinding(capability.NetworkClient, "", "[::1]:5432", "host", false), "[::1]:5432", true},
		{capFinding(capability.NetworkClient, "", "[::1]", "host", false), "[::1]", true},
		{capFinding(capability.NetworkClient, "", "", "", false), "*", false},
		{capFinding(capability.NetworkServer, "", "3000", "port", false), "3000", true},
		{capFinding(capability.NetworkServer, "", "127.0.0.1:3000", "port", false), "127.0.0.1:3000", true},
		{capFinding(capability.FileRead, "", "/etc/../etc/hosts", "path", false), "/etc/hosts", true},
		{capFinding(capability.FileRead, "", "~/.npmrc", "path", false), "${HOME}/.npmrc", true},
		{capFinding(capability.FileRead, "", "config.json", "path", false), "${CWD}/config.json", true},
		{capFinding(capability.FileWrite, "", "/tmp/notes/", "path", false), "/tmp/notes/**", false},
		{capFinding(capability.FileWrite, "", "/tmp/notes/**", "path", false), "/tmp/notes/**", false},
		{capFinding(capability.FileWrite, "", "${ROOT}/../x", "path", false), "*", false},
		{capFinding(capability.SystemExec, "", "git status", "command", false), "git", true},
		{capFinding(capability.SystemExec, "", "/usr/bin/git", "program", false), "/usr/bin/git", true},
		{capFinding(capability.SystemEnv, "", "GITHUB_TOKEN", "env", false), "GITHUB_TOKEN", true},
		{capFinding(capability.SystemEnv, "", "APP_*", "env", false), "APP_*", false},
		{capFinding(capability.SystemEnv, "", "bad-name", "env", false), "*", false},
		{capFinding(capability.SystemCode, "", "", "", false), "*", true},
		{capFinding(capability.MemoryNative, "", "libfoo.so", "library", false), "libfoo.so", true},
		{unknownScope(capFinding(capability.NetworkClient, "", "", "", false), "why"), "*", false},
	}
	for _, tc := range tests {
		id, scope, exact := Grant(&tc.f)
		if id != tc.f.Capability || scope != tc.scope || exact != tc.exact {
			t.Errorf("Grant(%s %q) = %s %q %v, want %q %v", tc.f.Capability, tc.f.Scope, id, scope, exact, tc.scope, tc.exact)
		}
	}
}

func TestCheckNoRegisteredTools(t *testing.T) {
	// Tool names the extractors could not read: no unknown-tool errors.
	m, _ := Parse("m.yaml", []byte("tools:\n  a:\n    file.read: [/x]\n"))
	res := &finding.Result{Findings: []finding.Finding{capFinding(capability.FileRead, "open", "/x", "path", false, "a")}}
	res.Tools = nil
	Check(m, res, nil)
	for _, f := range res.Findings[1:] {
		if f.Rule == RuleUnknownTool {
			t.Errorf("unexpected %s", f.Message)
		}
	}
}

// scopesFinding is a network.client finding that values from several call
// sites reach (finding.Scopes), some not literals when dynamic.
func scopesFinding(dynamic bool, scopes ...string) finding.Finding {
	f := capFinding(capability.NetworkClient, "requests.get", scopes[0], "host", false, "a")
	if len(scopes) > 1 {
		f.Scopes = scopes
	}
	f.ScopeDynamic = dynamic
	return f
}

// TestCheckScopes: every scope reaching a call must be granted.
func TestCheckScopes(t *testing.T) {
	for _, tc := range []struct {
		grant string
		f     finding.Finding
		want  finding.ManifestState
	}{
		{"[a.example.com, b.example.com]", scopesFinding(false, "a.example.com", "b.example.com"), finding.Declared},
		{"[a.example.com]", scopesFinding(false, "a.example.com", "b.example.com"), finding.OutOfScope},
		{"[b.example.com]", scopesFinding(false, "a.example.com", "b.example.com"), finding.OutOfScope},
		// The values that are not literals (tool input passed by another
		// caller, a fallback's other value) need "*" beside the literal
		// scopes: a literal grant never covers them (issue 14).
		{"[a.example.com]", scopesFinding(true, "a.example.com"), finding.OutOfScope},
		{`[a.example.com, "*"]`, scopesFinding(true, "a.example.com"), finding.Declared},
		{"[b.example.com]", scopesFinding(true, "a.example.com"), finding.OutOfScope},
		{`["*"]`, scopesFinding(true, "a.example.com", "b.example.com"), finding.Declared},
	} {
		m, errs := Parse("m.yaml", []byte("tools:\n  a:\n    network.client: "+tc.grant+"\n"))
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		res := &finding.Result{Findings: []finding.Finding{tc.f}, Tools: []finding.Tool{{Name: "a"}}}
		Check(m, res, nil)
		if got := res.Findings[0].Manifest; got != tc.want {
			t.Errorf("grant %s, scopes %q dynamic %v: %s, want %s (%s)", tc.grant, tc.f.Scopes, tc.f.ScopeDynamic, got, tc.want, res.Findings[0].Message)
		}
	}
}

// TestGrantsScopes: a grant per scope, and "*" (not exact) for the values
// that are not literals — never one silently left out.
func TestGrantsScopes(t *testing.T) {
	for _, tc := range []struct {
		f    finding.Finding
		want []GrantOf
	}{
		{scopesFinding(false, "a.example.com"), []GrantOf{{capability.NetworkClient, "a.example.com", true}}},
		{scopesFinding(false, "a.example.com", "b.example.com"), []GrantOf{{capability.NetworkClient, "a.example.com", true}, {capability.NetworkClient, "b.example.com", true}}},
		{scopesFinding(true, "a.example.com"), []GrantOf{{capability.NetworkClient, "a.example.com", true}, {capability.NetworkClient, "*", false}}},
	} {
		if got := Grants(&tc.f, "a"); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Grants(%q %q dynamic %v) = %+v, want %+v", tc.f.Scope, tc.f.Scopes, tc.f.ScopeDynamic, got, tc.want)
		}
	}
	res := &finding.Result{Findings: []finding.Finding{scopesFinding(false, "a.example.com", "b.example.com")}, Tools: []finding.Tool{{Name: "a"}}}
	md := modelOf(res, nil)
	if got := md.tools["a"][capability.NetworkClient]; !reflect.DeepEqual(got, []string{"a.example.com", "b.example.com"}) {
		t.Errorf("generated grant %q, want both hosts", got)
	}
}

// TestCheckScopeUsers: a tool needs only the scopes of the values its own
// callers pass (a helper shared by two tools, each with its own host).
func TestCheckScopeUsers(t *testing.T) {
	f := scopesFinding(false, "a.example.com", "b.example.com")
	f.Tools = []string{"a", "b"}
	f.ScopeUsers = map[string][]string{"a.example.com": {"a"}, "b.example.com": {"b"}}
	for _, tc := range []struct {
		manifest string
		want     finding.ManifestState
	}{
		{"tools:\n  a:\n    network.client: [a.example.com]\n  b:\n    network.client: [b.example.com]\n", finding.Declared},
		{"tools:\n  a:\n    network.client: [b.example.com]\n  b:\n    network.client: [b.example.com]\n", finding.OutOfScope},
	} {
		m, errs := Parse("m.yaml", []byte(tc.manifest))
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		res := &finding.Result{Findings: []finding.Finding{f}, Tools: []finding.Tool{{Name: "a"}, {Name: "b"}}}
		Check(m, res, nil)
		if got := res.Findings[0]; got.Manifest != tc.want {
			t.Errorf("%s: %s, want %s (%s)", tc.manifest, got.Manifest, tc.want, got.Message)
		}
	}
	res := &finding.Result{Findings: []finding.Finding{f}, Tools: []finding.Tool{{Name: "a"}, {Name: "b"}}}
	md := modelOf(res, nil)
	if a, b := md.tools["a"][capability.NetworkClient], md.tools["b"][capability.NetworkClient]; !reflect.DeepEqual(a, []string{"a.example.com"}) || !reflect.DeepEqual(b, []string{"b.example.com"}) {
		t.Errorf("generated grants a %q, b %q: want each tool's own host", a, b)
	}
}

// A call whose argument is not a literal is covered only by what the
// manifest says for computed values ("*", paths under ${ROOT}), never by
// the literal scopes listed for other calls; "*" credited, the literals
// beside it stay used by their own calls.
func TestCheckDynamicNeedsOpenScope(t *testing.T) {
	dyn := func(id capability.ID) finding.Finding { return capFinding(id, "fetch", "", "", false, "t") }
	tests := []struct {
		grant string
		f     finding.Finding
		want  finding.ManifestState
	}{
		{`network.client: [api.github.com]`, dyn(capability.NetworkClient), finding.OutOfScope},
		{`network.client: ["*.github.com"]`, dyn(capability.NetworkClient), finding.OutOfScope},
		{`network.client: [api.github.com, "*"]`, dyn(capability.NetworkClient), finding.Declared},
		{`file.read: ["${HOME}/**"]`, dyn(capability.FileRead), finding.OutOfScope},
		{`file.read: ["/srv/data/**"]`, dyn(capability.FileRead), finding.OutOfScope},
		{`file.read: ["${ROOT}/**"]`, dyn(capability.FileRead), finding.Declared},
		{`file.read: ["${ROOT}"]`, dyn(capability.FileRead), finding.Declared},
		{`system.exec: [git]`, dyn(capability.SystemExec), finding.OutOfScope},
		{`system.env: ["APP_*"]`, dyn(capability.SystemEnv), finding.OutOfScope},
		{`network.server: ["3000"]`, dyn(capability.NetworkServer), finding.OutOfScope},
		// Literal calls beside a "*" keep their literal scope used.
		{`network.client: [api.github.com, "*"]`, capFinding(capability.NetworkClient, "fetch", "https://api.github.com/x", "url", false, "t"), finding.Declared},
	}
	for _, tc := range tests {
		m, errs := Parse("m.yaml", []byte("tools:\n  t:\n    "+tc.grant+"\n"))
		if len(errs) > 0 {
			t.Fatalf("%s: %v", tc.grant, errs)
		}
		res := &finding.Result{Findings: []finding.Finding{tc.f}, Tools: []finding.Tool{{Name: "t"}}}
		Check(m, res, nil)
		if got := res.Findings[0].Manifest; got != tc.want {
			t.Errorf("%s, scope %q: %s, want %s (%s)", tc.grant, tc.f.Scope, got, tc.want, res.Findings[0].Message)
		}
		if tc.want == finding.OutOfScope && !strings.Contains(res.Findings[0].Message, `add "*"`) {
			t.Errorf("%s: the message does not say what to add: %s", tc.grant, res.Findings[0].Message)
		}
	}
	// Both uses together: nothing unused.
	m, _ := Parse("m.yaml", []byte("tools:\n  t:\n    network.client: [api.github.com, \"*\"]\n"))
	res := &finding.Result{Findings: []finding.Finding{dyn(capability.NetworkClient),
		capFinding(capability.NetworkClient, "fetch", "https://api.github.com/x", "url", false, "t")}, Tools: []finding.Tool{{Name: "t"}}}
	Check(m, res, nil)
	for _, f := range res.Findings[2:] {
		t.Errorf("unexpected %s: %s", f.Rule, f.Message)
	}
}
