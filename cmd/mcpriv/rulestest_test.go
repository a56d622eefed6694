package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const passingRule = `language: js
rules:
  - id: js.acme.upload
    capability: network.client
    modules: ["@acme/sdk"]
    calls: [Client().upload]
    scope: [{arg: 0, kind: url}]
    message: uploads a file to Acme
    examples:
      match:
        - code: |
            import { Client } from "@acme/sdk";
            const c = new Client();
            await c.upload("https://up.acme.dev/v1", file);
          scope: up.acme.dev
      noMatch:
        - |
          import { Client } from "./acme-mock.js";
          const c = new Client();
          await c.upload("https://up.acme.dev/v1", file);
`

const failingRule = `language: python
rules:
  - id: python.acme.upload
    capability: network.client
    modules: [acme]
    calls: [Client().upload]
    message: uploads a file to Acme
    examples:
      match:
        - |
          import acme
          acme.upload(path)
      noMatch:
        - |
          import acme
          acme.Client().upload(path)
`

const noExamplesRule = `language: go
rules:
  - id: go.acme.upload
    capability: network.client
    modules: [example.com/acme]
    calls: [Upload]
    message: uploads a file to Acme
`

// checkCLI runs the command and checks its exit code, that stdout holds
// every string of stdout and stderr holds stderr.
func checkCLI(t *testing.T, args []string, code int, stdout []string, stderr string) {
	t.Helper()
	got, out, errOut := runCLI(t, args...)
	if got != code {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", got, code, out, errOut)
	}
	for _, s := range stdout {
		if !strings.Contains(out, s) {
			t.Errorf("stdout lacks %q:\n%s", s, out)
		}
	}
	if !strings.Contains(errOut, stderr) {
		t.Errorf("stderr lacks %q:\n%s", stderr, errOut)
	}
}

func ruleDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRulesTestCommand(t *testing.T) {
	pass := ruleDir(t, map[string]string{"acme.yaml": passingRule})
	fail := ruleDir(t, map[string]string{"acme.yaml": failingRule})
	none := ruleDir(t, map[string]string{"acme.yaml": noExamplesRule})
	broken := ruleDir(t, map[string]string{"acme.yaml": strings.Replace(passingRule, "network.client", "network.clinet", 1)})
	badExample := ruleDir(t, map[string]string{"acme.yaml": strings.Replace(passingRule, "scope: up.acme.dev", "file: x.py", 1)})
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout []string // substrings
		stderr string
	}{
		{"passing dir", []string{pass}, exitOK, []string{"1 rules: 1 passed, 0 failed, 0 without examples"}, ""},
		{"verbose", []string{"-v", pass}, exitOK, []string{"ok    js.acme.upload  (2 examples)"}, ""},
		{"failing dir", []string{fail}, exitFindings, []string{
			"FAIL  python.acme.upload",
			"match example 1 (" + filepath.Join(fail, "acme.yaml") + ":10): did not fire",
			"want: python.acme.upload (network.client) fires",
			"got:  no rule fired",
			"calls: line 2: acme.upload",
			"noMatch example 1 (" + filepath.Join(fail, "acme.yaml") + ":14): fired at line 2",
			"got:  > python.acme.upload (network.client) at line 2: acme.Client().upload",
			"1 rules: 0 passed, 1 failed, 0 without examples",
		}, ""},
		{"no examples", []string{none}, exitFindings, []string{"needs at least one match and one noMatch example", "1 without examples"}, ""},
		{"two dirs", []string{pass, fail}, exitFindings, []string{"2 rules: 1 passed, 1 failed"}, ""},
		{"dir and embedded", []string{"--embedded", "--run", `^(js\.acme|js\.fs\.read$)`, pass}, exitOK, []string{"2 rules: 2 passed"}, ""},
		{"embedded, filtered", []string{"--run", `^go\.exec\.command`}, exitOK, []string{"2 rules: 2 passed, 0 failed"}, ""},
		{"nothing matches --run", []string{"--run", "^nope$"}, exitError, nil, "no rules to test"},
		{"bad --run", []string{"--run", "("}, exitError, nil, "bad --run pattern"},
		{"bad format", []string{"--format", "xml"}, exitError, nil, "unknown --format"},
		{"broken rule file", []string{broken}, exitError, nil, `unknown capability "network.clinet"`},
		{"example of another language", []string{badExample}, exitError, nil, `example file "x.py" is not a js file`},
		{"missing dir", []string{filepath.Join(pass, "nope")}, exitError, nil, "rule directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkCLI(t, append([]string{"rules", "test"}, tc.args...), tc.code, tc.stdout, tc.stderr)
		})
	}
}

func TestRulesTestJSON(t *testing.T) {
	fail := ruleDir(t, map[string]string{"acme.yaml": failingRule})
	code, out, errOut := runCLI(t, "rules", "test", "--format", "json", fail)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d: %s", code, exitFindings, errOut)
	}
	var res []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Cases  []struct {
			Kind    string `json:"kind"`
			Pass    bool   `json:"pass"`
			Problem string `json:"problem"`
		} `json:"cases"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(res) != 1 || res[0].ID != "python.acme.upload" || res[0].Status != "fail" || len(res[0].Cases) != 2 ||
		res[0].Cases[0].Pass || res[0].Cases[0].Problem != "did not fire" || res[0].Cases[1].Kind != "noMatch" {
		t.Errorf("unexpected result: %+v", res)
	}
}

// TestRulesDocExample runs the example rule file of docs/rules.md: its
// examples must pass as written.
func TestRulesDocExample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(docsDir, "rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i := strings.Index(doc, "```yaml\n# A rule file")
	if i < 0 {
		t.Fatal("docs/rules.md: the example rule file is gone")
	}
	block := doc[i+len("```yaml\n"):]
	block = block[:strings.Index(block, "```")]
	dir := ruleDir(t, map[string]string{"acme.yaml": block})
	code, out, errOut := runCLI(t, "rules", "test", dir)
	if code != exitOK || !strings.Contains(out, "1 rules: 1 passed") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}
