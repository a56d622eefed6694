package corpus

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
)

var scopesFixture = filepath.Join("testdata", "scopes")

// scopeServers are what the engine is made to report on the fixture's
// servers (testdata/scopes/scopes.tsv): findings with their scopes, and
// the grants of a generated manifest.
func scopeServers() []Server {
	py := &Scan{Version: 1, Findings: []ScanFinding{
		{Capability: "network.client", Scope: "api.example.com"}, // exact
		{Capability: "network.client"},                           // not literal: "*"
		{Capability: "network.client", Scope: "evil.test"},       // not labelled
		{Capability: "file.read", Scope: "${HOME}/.acme/config.json"},
		{Capability: "file.write"},
		{Capability: "system.exec", Scope: "/usr/bin/git"}, // base name git
		{Capability: "system.exec", Scope: "docker"},       // not labelled
		{Capability: "system.env", Scope: "HOME"},          // not a measured capability
		{Kind: "unused-grant", Capability: "network.client", Scope: "unused.test"},
	}}
	goScan := &Scan{Version: 1, Findings: []ScanFinding{
		{Capability: "network.client", Scope: "api.github.com"},     // same domain as github.com
		{Capability: "network.client", Scope: "eu.example.org:443"}, // the wildcard covers it
		{Capability: "network.client", Scope: "x.test", ScopeUnknown: "climbs"},
		{Capability: "file.write", Scope: "${TMP}/**"},
		// Values with two scopes reach one call, and a dynamic one: the
		// labelled github.com, an extra, and "*".
		{Capability: "network.client", Scopes: []string{"github.com", "extra.test"}, ScopeDynamic: true},
	}}
	hello := &Scan{Version: 1, Findings: []ScanFinding{{Capability: "network.client", Scope: "localhost"}}}
	return []Server{
		{Key: ServerKey{"github-python", "acme/py"}, Scan: py, Grants: map[capability.ID][]string{
			"network.client": {"*"}, "file.read": {"${HOME}/.acme/**"}, "file.write": {"/tmp/out"}, "system.exec": {"git"}}},
		{Key: ServerKey{"github-go", "acme/go"}, Scan: goScan, Grants: map[capability.ID][]string{
			"network.client": {"api.github.com", "eu.example.org:443"}, "file.write": {"${TMP}/**"}}},
		{Key: ServerKey{"npm-mcp", "hello"}, Scan: hello, Grants: map[capability.ID][]string{"network.client": {"localhost"}}},
		{Key: ServerKey{"npm-mcp", "unlabelled"}, Scan: hello}, // no scope rows: not scored
	}
}

func scopeGroup(t *testing.T, r *ScopeReport, name string) ScopeGroup {
	t.Helper()
	for _, g := range r.Groups {
		if g.Name == name {
			return g
		}
	}
	t.Fatalf("no group %s in %+v", name, r.Groups)
	return ScopeGroup{}
}

func checkPR(t *testing.T, what string, p PRScore, recalled, labelled, correct, reported int) {
	t.Helper()
	if p.Recalled != recalled || p.Labelled != labelled || p.Correct != correct || p.Reported != reported {
		t.Errorf("%s: recall %d/%d, precision %d/%d; want %d/%d, %d/%d", what, p.Recalled, p.Labelled, p.Correct, p.Reported,
			recalled, labelled, correct, reported)
	}
	if labelled > 0 && (p.Recall == nil || *p.Recall != float64(recalled)/float64(labelled)) {
		t.Errorf("%s: recall ratio %v", what, p.Recall)
	}
	if reported > 0 && (p.Precision == nil || *p.Precision != float64(correct)/float64(reported)) {
		t.Errorf("%s: precision ratio %v", what, p.Precision)
	}
}

func TestScoreScopes(t *testing.T) {
	labels, err := ReadScopeLabels(scopesFixture)
	if err != nil {
		t.Fatal(err)
	}
	if len(labels) != 11 {
		t.Fatalf("%d rows, want 11", len(labels))
	}
	rep, err := ScoreScopes(labels, scopeServers())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Servers) != 3 {
		t.Fatalf("%d servers scored, want the 3 with scope rows", len(rep.Servers))
	}
	all := scopeGroup(t, rep, GroupOverall)
	if all.Servers != 3 || all.Rows != 11 {
		t.Errorf("overall: %d servers, %d rows", all.Servers, all.Rows)
	}
	f, m := all.Findings, all.Manifest

	// Labelled hosts: api.example.com, localhost (the env default, port
	// dropped, lower case), *.example.org, github.com.
	checkPR(t, "findings hosts", f.Hosts, 2, 4, 2, 7)
	checkPR(t, "findings hosts loose", f.HostsLoose, 3, 4, 4, 7)
	checkPR(t, "manifest hosts", m.Hosts, 0, 4, 0, 3)
	checkPR(t, "manifest hosts loose", m.HostsLoose, 2, 4, 2, 3)
	checkPR(t, "findings paths", f.Paths, 1, 2, 1, 2)
	checkPR(t, "findings paths loose", f.PathsLoose, 2, 2, 2, 2)
	checkPR(t, "manifest paths", m.Paths, 2, 2, 2, 3)
	checkPR(t, "findings programs", f.Programs, 1, 1, 1, 2)
	checkPR(t, "manifest programs", m.Programs, 1, 1, 1, 1)

	// "*"-only: only acme/py's manifest grants network.client as "*" alone.
	if f.NetworkGrants != 3 || f.StarOnly != 0 || m.NetworkGrants != 3 || m.StarOnly != 1 || *m.StarOnlyShare != 1.0/3 {
		t.Errorf("star-only: findings %d/%d, manifest %d/%d", f.StarOnly, f.NetworkGrants, m.StarOnly, m.NetworkGrants)
	}
	// Unbounded labels of acme/py: network.client, file.write and
	// system.exec (env:ACME_EDITOR). The findings leave the first two
	// open; the manifest only network.client (file.write is narrowed to
	// /tmp/out, system.exec to git).
	if f.UnboundedLabelled != 3 || f.UnboundedKept != 2 || m.UnboundedLabelled != 3 || m.UnboundedKept != 1 {
		t.Errorf("unbounded: findings %d/%d, manifest %d/%d", f.UnboundedKept, f.UnboundedLabelled, m.UnboundedKept, m.UnboundedLabelled)
	}

	py := rep.Servers[1]
	if py.Server.Name != "acme/py" {
		t.Fatalf("servers not sorted by list: %+v", rep.Servers)
	}
	if want := []string{"api.example.com", "localhost"}; !reflect.DeepEqual(py.Findings.Hosts.Labelled, want) {
		t.Errorf("acme/py labelled hosts %v, want %v", py.Findings.Hosts.Labelled, want)
	}
	if want := []string{"evil.test"}; !reflect.DeepEqual(py.Findings.Hosts.Extra, want) {
		t.Errorf("acme/py extra hosts %v, want %v", py.Findings.Hosts.Extra, want)
	}
	if !py.Manifest.StarOnly || py.Findings.StarOnly {
		t.Errorf("acme/py star-only: manifest %v, findings %v", py.Manifest.StarOnly, py.Findings.StarOnly)
	}
	if g := scopeGroup(t, rep, GroupGo); g.Servers != 1 || g.Manifest.HostsLoose.Recalled != 2 {
		t.Errorf("go group %+v", g)
	}

	md := rep.Markdown()
	for _, want := range []string{
		"| overall | 3 | 11 | 0.00 (0/4) / 0.00 (0/3) | 0.50 (2/4) / 0.67 (2/3) | 1/3 (33%) |",
		"| github-python/acme/py | api.example.com, localhost | api.example.com, localhost | – | yes |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestScoreScopesNeedsEveryServer(t *testing.T) {
	labels, err := ReadScopeLabels(scopesFixture)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ScoreScopes(labels, scopeServers()[:2]); err == nil || !strings.Contains(err.Error(), "npm-mcp/hello") {
		t.Errorf("err %v, want npm-mcp/hello not scanned", err)
	}
}

func TestParseScopeValue(t *testing.T) {
	for _, c := range []struct {
		in, scope, variable string
		unbounded, bad      bool
	}{
		{in: "*", unbounded: true},
		{in: "api.x.com", scope: "api.x.com"},
		{in: "env:X_URL default api.x.com", scope: "api.x.com", variable: "env:X_URL"},
		{in: "flag:--server default localhost", scope: "localhost", variable: "flag:--server"},
		{in: "env:X_URL", variable: "env:X_URL", unbounded: true},
		{in: "api.x.com default y", bad: true},
		{in: "env: default y", bad: true},
		{in: "env:X default *", bad: true},
		{in: "env:X default ", bad: true},
	} {
		scope, variable, unb, err := ParseScopeValue(c.in)
		if (err != nil) != c.bad || scope != c.scope || variable != c.variable || unb != c.unbounded {
			t.Errorf("%q: %q %q %v %v", c.in, scope, variable, unb, err)
		}
	}
}

func TestReadScopeLabelsRejects(t *testing.T) {
	head := ScopesHeader + "\n"
	for name, c := range map[string]struct{ body, want string }{
		"header":         {"list\tserver\n", "want header"},
		"columns":        {head + "npm-mcp\tx\tnetwork.client\thost\n", "columns"},
		"capability":     {head + "npm-mcp\tx\tnetwork.cleint\thost\ta.com\tn\n", "did you mean network.client"},
		"kind":           {head + "npm-mcp\tx\tnetwork.client\tport\ta.com\tn\n", "kind \"port\""},
		"kind mismatch":  {head + "npm-mcp\tx\tfile.read\thost\ta.com\tn\n", "does not take host"},
		"url not host":   {head + "npm-mcp\tx\tnetwork.client\thost\thttps://a.com/v1\tn\n", "write the host"},
		"bad default":    {head + "npm-mcp\tx\tnetwork.client\thost\tenv:A default https://a.com\tn\n", "write the host"},
		"duplicate":      {head + "npm-mcp\tx\tsystem.exec\tprogram\tgit\tn\nnpm-mcp\tx\tsystem.exec\tprogram\tgit\tm\n", "already labelled on line 2"},
		"none with cap":  {head + "npm-mcp\tx\tnetwork.client\tnone\t-\tn\n", "a none row"},
		"none and scope": {head + "npm-mcp\tx\t-\tnone\t-\tn\nnpm-mcp\tx\tsystem.exec\tprogram\tgit\tn\n", "a none row and a scope"},
	} {
		_, err := readScopeLabels(strings.NewReader(c.body), ScopesFile)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", name, err, c.want)
		}
	}
}

func TestNormHost(t *testing.T) {
	for in, want := range map[string]string{
		"API.Example.com":  "api.example.com",
		"localhost:3100":   "localhost",
		"127.0.0.1:8888":   "127.0.0.1",
		"[::1]:80":         "::1",
		"[::1]":            "::1",
		"example.com.":     "example.com",
		"*.example.org":    "*.example.org",
		"::1":              "::1",
		"host:with:colons": "host:with:colons",
	} {
		if got := normHost(in); got != want {
			t.Errorf("normHost(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAbsPath(t *testing.T) {
	for in, want := range map[string]string{
		".env":               "${CWD}/.env",
		"./logs/x.log":       "${CWD}/logs/x.log",
		"/etc/x":             "/etc/x",
		"${HOME}/.x/**":      "${HOME}/.x/**",
		"~/.x":               "~/.x",
		`C:\Program Files\x`: `C:\Program Files\x`,
		"**/*.md":            "**/*.md",
	} {
		if got := absPath(in); got != want {
			t.Errorf("absPath(%q) = %q, want %q", in, got, want)
		}
	}
}
