package rules

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcpriv/mcpriv/analysis/capability"
)

func TestEmbeddedFilesLoad(t *testing.T) {
	names, err := embedded.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, e := range names {
		data, err := embedded.ReadFile(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		rs, err := parseFile("embedded:"+e.Name(), data)
		if err != nil {
			t.Errorf("%s: %v", e.Name(), err)
		}
		counts[e.Name()] = len(rs)
	}
	for _, want := range []string{"node-builtins.yaml", "node-libs.yaml", "python-stdlib.yaml", "python-libs.yaml", "go-stdlib.yaml", "go-libs.yaml"} {
		if counts[want] == 0 {
			t.Errorf("embedded rule file %s missing or empty", want)
		}
	}
	s := mustDefault(t)
	if s2, _ := Default(); s2 != s {
		t.Error("Default is not cached")
	}
	if s.Rule("js.fs.read") == nil || s.Rule("no.such.rule") != nil {
		t.Error("Rule lookup by ID is wrong")
	}
	if r := s.Rule("js.fs.read"); r.Source != "embedded:node-builtins.yaml" {
		t.Errorf("Source = %q", r.Source)
	}
}

// TestRuleInvariants checks the data itself: unique IDs, valid
// capabilities, messages, IDs prefixed by their family, and coverage of
// every capability in every family whose platform has such an API.
func TestRuleInvariants(t *testing.T) {
	s := mustDefault(t)
	rules := s.Rules()
	seen := map[string]bool{}
	covered := map[string]map[capability.ID]bool{}
	for i, r := range rules {
		if seen[r.ID] {
			t.Errorf("duplicate rule id %s", r.ID)
		}
		seen[r.ID] = true
		if i > 0 && rules[i-1].ID >= r.ID {
			t.Errorf("Rules not sorted at %s", r.ID)
		}
		if !capability.Valid(r.Capability) {
			t.Errorf("%s: invalid capability %q", r.ID, r.Capability)
		}
		if strings.TrimSpace(r.Message) == "" || strings.TrimSpace(r.Note) == "" {
			t.Errorf("%s: empty message or note", r.ID)
		}
		if r.Message != strings.ToLower(r.Message[:1])+r.Message[1:] || strings.HasSuffix(r.Message, ".") {
			t.Errorf("%s: message %q should start lower-case and have no final period", r.ID, r.Message)
		}
		if !strings.HasPrefix(r.ID, r.Language+".") {
			t.Errorf("%s: id does not start with its family %q", r.ID, r.Language)
		}
		if covered[r.Language] == nil {
			covered[r.Language] = map[capability.ID]bool{}
		}
		covered[r.Language][r.Capability] = true
	}
	// Go has no way to evaluate Go source at run time in the standard library.
	noAPI := map[string]capability.ID{"go": capability.SystemCode}
	for _, fam := range Families {
		for _, c := range capability.All() {
			if !covered[fam][c.ID] && noAPI[fam] != c.ID {
				t.Errorf("family %s has no rule for %s", fam, c.ID)
			}
		}
	}
}

func writeRules(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const goodRule = `language: js
rules:
  - id: js.acme.upload
    capability: network.client
    modules: ["@acme/sdk"]
    calls: [Client().upload]
    scope: [{arg: 0, kind: url}]
    message: uploads a file to Acme
`

func TestLoadUserDir(t *testing.T) {
	dir := writeRules(t, map[string]string{
		"acme.yaml": goodRule,
		// Replaces the embedded rule of the same ID.
		"override.yml": `rules:
  - id: js.global.fetch
    language: js
    capability: network.client
    modules: [globalThis]
    calls: [fetch]
    message: fetches (site rule)
`,
		"notes.txt": "not a rule file: ignored",
	})
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Rule("js.global.fetch"); r == nil || r.Message != "fetches (site rule)" || r.Source != filepath.Join(dir, "override.yml") {
		t.Errorf("override not applied: %+v", r)
	}
	ms := s.Match("js", call("@acme/sdk", "Client().upload", lit("https://up.acme.io/x")))
	if len(ms) != 1 || ms[0].Rule.ID != "js.acme.upload" || ms[0].Scope.Value != "up.acme.io" {
		t.Errorf("user rule match = %+v", ms)
	}
	if s.Words("js")["acme"] == false {
		t.Error("user rule module not in Words")
	}
	// The default set is untouched.
	if d := mustDefault(t); d.Rule("js.acme.upload") != nil || d.Rule("js.global.fetch").Message == "fetches (site rule)" {
		t.Error("Load changed the default set")
	}
	// An empty file is fine.
	if _, err := Load(writeRules(t, map[string]string{"empty.yaml": "# nothing yet\n"})); err != nil {
		t.Errorf("empty file: %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // substrings of the error, in order of appearance
	}{
		{"broken yaml", "language: js\nrules:\n  - id: x\n    calls: [a, b\n", []string{"bad.yaml:3: did not find expected"}},
		{"tab indent", "language: js\nrules:\n\t- id: x\n", []string{"bad.yaml:3: found character that cannot start any token"}},
		{"not a mapping", "- 1\n- 2\n", []string{"bad.yaml:1:1", `"rules" list`}},
		{"no rules list", "language: js\n", []string{"bad.yaml:1:1", `no "rules" list`}},
		{"unknown capability", strings.Replace(goodRule, "network.client", "network.clinet", 1),
			[]string{"bad.yaml:4:17", `unknown capability "network.clinet"`, `did you mean "network.client"`}},
		{"unknown field", strings.Replace(goodRule, "    message:", "    mesage: x\n    message:", 1),
			[]string{"bad.yaml:8:5", `unknown field "mesage"`, `did you mean "message"`}},
		{"unknown nested field", strings.Replace(goodRule, "{arg: 0, kind: url}", "{arg: 0, knd: url}", 1),
			[]string{"bad.yaml:7:22", `unknown field "knd"`}},
		{"bad regexp", strings.Replace(goodRule, "    message:", "    when: [{arg: 1, matches: \"(w\"}]\n    message:", 1),
			[]string{"bad.yaml:8:", "bad regular expression"}},
		{"driver outside go", strings.Replace(goodRule, "    message:", "    when: [{driver: true, matches: sqlite}]\n    message:", 1),
			[]string{"bad.yaml:8:", "a driver condition is for Go rules"}},
		{"condition tests nothing", strings.Replace(goodRule, "    message:", "    when: [{arg: 1}]\n    message:", 1),
			[]string{"bad.yaml:8:12", "condition tests nothing"}},
		{"empty modules", strings.Replace(goodRule, `["@acme/sdk"]`, "[]", 1), []string{"bad.yaml:5:14", "no modules"}},
		{"no calls", strings.Replace(goodRule, "    calls: [Client().upload]\n", "", 1), []string{"bad.yaml:3:5", "no calls and no access paths"}},
		{"bad call path", strings.Replace(goodRule, "Client().upload", "Client().*.upload", 1), []string{"bad.yaml:6:13", "is not an identifier"}},
		{"bad scope kind", strings.Replace(goodRule, "kind: url", "kind: uri", 1), []string{"bad.yaml:7:", `unknown scope kind "uri"`}},
		{"bad arg index", strings.Replace(goodRule, "arg: 0", "arg: -3", 1), []string{"bad.yaml:7:", "out of range"}},
		{"bad taint index", strings.Replace(goodRule, "    message:", "    taint: [0, -1]\n    message:", 1),
			[]string{"bad.yaml:8:16", "taint arg -1 out of range", "-2 for the receiver"}},
		{"read key without access", strings.Replace(goodRule, "arg: 0", "arg: -1", 1), []string{"bad.yaml:7:", "needs access paths"}},
		{"arg not a number", strings.Replace(goodRule, "arg: 0", "arg: zero", 1), []string{"bad.yaml:7:", "cannot unmarshal"}},
		{"bad language", strings.Replace(goodRule, "language: js", "language: ruby", 1), []string{"bad.yaml:1:11", `unknown language "ruby"`}},
		{"no language", strings.Replace(goodRule, "language: js\n", "", 1), []string{"bad.yaml:", "no language"}},
		{"glob outside go", strings.Replace(goodRule, `"@acme/sdk"`, `"@acme/*"`, 1), []string{"bad.yaml:5:", "only for Go module paths"}},
		{"module without identifier", strings.Replace(goodRule, `"@acme/sdk"`, `"@/-"`, 1), []string{"bad.yaml:5:", "has no identifier"}},
		{"global without name", strings.Replace(strings.Replace(goodRule, `"@acme/sdk"`, "globalThis", 1), "Client().upload", `""`, 1), []string{"bad.yaml:5:", "must start with a global name"}},
		{"bad id", strings.Replace(goodRule, "js.acme.upload", "Upload Rule", 1), []string{"bad.yaml:3:9", "must look like"}},
		{"no message", strings.Replace(goodRule, "    message: uploads a file to Acme\n", "", 1), []string{"bad.yaml:3:5", "no message"}},
		{"payload also taint", strings.Replace(goodRule, "    message:", "    taint: [1]\n    payload: [1]\n    message:", 1), []string{"bad.yaml:9:", "also a taint (target) arg"}},
		{"bad risk", strings.Replace(goodRule, "    message:", "    risk: extreme\n    message:", 1), []string{"bad.yaml:8:11", "unknown risk"}},
		{"example not code", strings.Replace(goodRule, "    message:", "    examples: {match: [42], noMatch: [x]}\n    message:", 1), []string{"bad.yaml:8:", "an example is a string of code"}},
		{"empty example", strings.Replace(goodRule, "    message:", "    examples: {match: [\"\"], noMatch: [x]}\n    message:", 1), []string{"bad.yaml:8:", "match example 1 has no code"}},
		{"example of another language", strings.Replace(goodRule, "    message:", "    examples: {match: [{code: x, file: a.py}], noMatch: [x]}\n    message:", 1),
			[]string{"bad.yaml:8:", `example file "a.py" is not a js file`}},
		{"example file with a path", strings.Replace(goodRule, "    message:", "    examples: {match: [{code: x, file: src/a.ts}], noMatch: [x]}\n    message:", 1),
			[]string{"bad.yaml:8:", "must be a plain file name"}},
		{"scope on noMatch", strings.Replace(goodRule, "    message:", "    examples: {match: [x], noMatch: [{code: x, scope: h}]}\n    message:", 1),
			[]string{"bad.yaml:8:", "a noMatch example cannot expect a scope"}},
		{"unknown example field", strings.Replace(goodRule, "    message:", "    examples: {match: [{code: x, scpe: h}], noMatch: [x]}\n    message:", 1),
			[]string{"bad.yaml:8:", `unknown field "scpe"`, `did you mean "scope"`}},
		{"default and fixed", strings.Replace(goodRule, "{arg: 0, kind: url}", "{fixed: api.acme.io, default: api.acme.io, kind: host}", 1),
			[]string{"bad.yaml:7:", "fixed or has a default, not both"}},
		{"default not a host", strings.Replace(goodRule, "{arg: 0, kind: url}", "{arg: -2, key: baseURL, default: \"https://api.acme.io/v1\", kind: url}", 1),
			[]string{"bad.yaml:7:", "is not a host name"}},
		{"default on the receiver without a key", strings.Replace(goodRule, "{arg: 0, kind: url}", "{arg: -2, default: api.acme.io, kind: url}", 1),
			[]string{"bad.yaml:7:", "needs the key of the constructor option"}},
		{"env without default", strings.Replace(goodRule, "{arg: 0, kind: url}", "{arg: 0, env: ACME_URL, kind: url}", 1),
			[]string{"bad.yaml:7:", "set default too"}},
		{"duplicate id", goodRule + strings.SplitN(goodRule, "rules:\n", 2)[1], []string{"bad.yaml:9:9", `duplicate rule id "js.acme.upload" (first at line 3)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeRules(t, map[string]string{"bad.yaml": tt.text})
			s, err := Load(dir)
			if err == nil {
				t.Fatalf("Load succeeded (%d rules), want an error", len(s.Rules()))
			}
			if s != nil {
				t.Error("Load returned a set with an error")
			}
			msg := err.Error()
			at := 0
			for _, w := range tt.want {
				i := strings.Index(msg[at:], w)
				if i < 0 {
					t.Fatalf("error %q lacks %q (after offset %d)", msg, w, at)
				}
				at += i
			}
			if !strings.Contains(msg, filepath.Join(dir, "bad.yaml")) {
				t.Errorf("error %q does not name the file", msg)
			}
		})
	}
}

func TestLoadMissingDir(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "rule directory") {
		t.Errorf("missing dir: %v", err)
	}
}

func TestLoadHugeFile(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "huge.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxRuleFile + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("huge file: %v", err)
	}
}

// TestLoadHostileFiles is the attack of issue 14 item 8: a pipe named
// *.yaml in a rules directory hung "scan --rules" and the language server's
// initialize; a link to /dev/zero or a 50 GB sparse file ran it out of
// memory. Each is refused at once, with an error naming the file.
func TestLoadHostileFiles(t *testing.T) {
	type hostile struct {
		name string
		make func(p string) error
	}
	cases := []hostile{
		{"fifo.yaml", func(p string) error { return syscall.Mkfifo(p, 0o644) }},
		{"zero.yaml", func(p string) error { return os.Symlink("/dev/zero", p) }},
		{"sparse.yml", func(p string) error {
			f, err := os.Create(p)
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Truncate(50 << 30)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, c.name)
			if err := c.make(p); err != nil {
				t.Skip(err)
			}
			done := make(chan error, 1)
			go func() { _, err := Load(dir); done <- err }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), p) {
					t.Errorf("Load: %v, want an error naming %s", err, p)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Load hangs")
			}
		})
	}
	// A pipe given as the directory itself.
	fifo := filepath.Join(t.TempDir(), "rules")
	if syscall.Mkfifo(fifo, 0o644) == nil {
		done := make(chan error, 1)
		go func() { _, err := Load(fifo); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a directory") {
				t.Errorf("Load(pipe): %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("Load of a pipe as the directory hangs")
		}
	}
}

// FuzzParseFile checks that no rule file text makes the loader panic, and
// that every error is positioned in the file.
func FuzzParseFile(f *testing.F) {
	f.Add(goodRule)
	f.Add("rules: [{id: a.b, language: go, capability: file.read, modules: ['x/*'], calls: ['*'], message: m}]")
	f.Add("rules:\n  - &a {id: x}\n  - *a\n")
	f.Add("language: [\n")
	f.Fuzz(func(t *testing.T, text string) {
		rs, err := parseFile("f.yaml", []byte(text))
		if err != nil && !strings.HasPrefix(err.Error(), "f.yaml") {
			t.Fatalf("error not positioned: %v", err)
		}
		byID := map[string]*Rule{}
		for _, r := range rs {
			byID[r.ID] = r
		}
		s := build(byID)
		for _, r := range rs {
			for _, m := range r.Modules {
				s.Match(r.Language, call(m, "x", lit("y")))
			}
		}
	})
}
