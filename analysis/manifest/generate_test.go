package manifest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// servers are the example servers: engine results modelled on real MCP
// servers (testdata/servers/*/result.json).
var servers = []string{"notes-ts", "git-py", "fetch-go", "filesystem-ts"}

func loadResult(t *testing.T, name string) *finding.Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata/servers", name, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res finding.Result
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	return &res
}

// checkClean parses manifest text, checks res against it and fails on
// anything but declared findings.
func checkClean(t *testing.T, text []byte, res *finding.Result) {
	t.Helper()
	m, errs := Parse(FileName, text)
	if len(errs) > 0 {
		t.Fatalf("generated manifest is invalid: %s\n%s", errs[0].Message, text)
	}
	n := len(res.Findings)
	Check(m, res, nil)
	for _, f := range res.Findings[:n] {
		if f.Manifest != finding.Declared {
			t.Errorf("%s %s %q for %v: %s (%s)", f.API, f.Capability, f.Scope, f.Tools, f.Manifest, f.Message)
		}
	}
	for _, f := range res.Findings[n:] {
		if f.Kind != finding.KindHintMismatch {
			t.Errorf("manifest finding on a generated manifest: %s %s", f.Rule, f.Message)
		}
	}
}

func TestCreateExampleServers(t *testing.T) {
	for _, name := range servers {
		t.Run(name, func(t *testing.T) {
			out := mustCreate(t, loadResult(t, name))
			golden(t, "servers/"+name+"/"+FileName, out)
			checkClean(t, out, loadResult(t, name))
			// Least privilege: removing any scope leaves some call uncovered,
			// except a tool's copy of a server grant (tools list what they do).
			m, _ := Parse(FileName, out)
			for _, sec := range append([]Section{m.Server}, m.Tools...) {
				for _, g := range sec.Entries {
					for _, s := range g.Scopes {
						if sec.Name != "" && covered(m, "", mustKind(g.Capability), g.Capability, s.Value) {
							continue
						}
						if s.Value != "*" && slices.ContainsFunc(g.Scopes, func(x Scope) bool { return x.Value == "*" }) {
							continue // kept beside "*" by design: what the literals need stays listed
						}
						edits, err := RemoveGrant(out, sec.Name, g.Capability, s.Value)
						if err != nil {
							t.Fatal(err)
						}
						smaller, _ := Parse(FileName, Apply(out, edits))
						res := loadResult(t, name)
						Check(smaller, res, nil)
						needed := false
						for _, f := range res.Findings {
							needed = needed || (f.Kind == finding.KindCapability && f.Manifest != finding.Declared)
						}
						if !needed {
							t.Errorf("%s %s %q is not needed", sec.Name, g.Capability, s.Value)
						}
					}
				}
			}
		})
	}
}

func TestCreateHintMismatchesOnExamples(t *testing.T) {
	// The example servers hold annotation mistakes real servers make.
	want := map[string][]string{
		"notes-ts": nil,
		"git-py":   {"tool git_status declares readOnlyHint: true but it runs programs", "tool git_log declares readOnlyHint: true", "tool git_diff declares readOnlyHint: true"},
		"fetch-go": {"tool fetch declares readOnlyHint: true but it writes files", "tool fetch_robots declares openWorldHint: false but it connects to the network"},
	}
	for name, msgs := range want {
		res := loadResult(t, name)
		Check(nil, res, nil)
		var got []string
		for _, f := range res.Findings {
			if f.Kind == finding.KindHintMismatch {
				got = append(got, f.Message)
			}
		}
		if len(got) != len(msgs) {
			t.Errorf("%s: got %q", name, got)
			continue
		}
		for i := range msgs {
			if !strings.HasPrefix(got[i], msgs[i]) {
				t.Errorf("%s: %q does not start with %q", name, got[i], msgs[i])
			}
		}
	}
}

func TestCreateEmpty(t *testing.T) {
	out := mustCreate(t, &finding.Result{})
	m, errs := Parse(FileName, out)
	if len(errs) > 0 || len(m.Tools) != 0 || len(m.Server.Entries) != 0 {
		t.Errorf("%v %+v\n%s", errs, m, out)
	}
	if !bytes.HasPrefix(out, []byte("# Least-privilege manifest")) {
		t.Errorf("no header comment:\n%s", out)
	}
}

const handWritten = `# Hand-written grants for the notes server.
version: 1

server:
  network.server: ["127.0.0.1:3000"]   # SSE transport
  system.env:
    - NOTES_DIR

tools:
  # Keep search on DuckDuckGo.
  search_web:
    network.client: ["*.duckduckgo.com"]
  save_note:
    file.write: ["${CWD}/notes/**"]
  old_tool:
    file.read: ["/var/old/**"]   # unused, kept until --prune
`

func TestUpdateKeepsHandEdits(t *testing.T) {
	res := loadResult(t, "notes-ts")
	edits, err := Update([]byte(handWritten), res)
	if err != nil {
		t.Fatal(err)
	}
	out := Apply([]byte(handWritten), edits)
	golden(t, "update/notes-ts.yaml", out)
	if !isSubsequence([]byte(handWritten), out) {
		t.Error("update changed hand-written text")
	}
	// Everything the code needs is now declared.
	m, errs := Parse(FileName, out)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	Check(m, res, nil)
	for _, f := range res.Findings {
		if f.Kind == finding.KindCapability && f.Manifest != finding.Declared {
			t.Errorf("still %s: %s", f.Manifest, f.Message)
		}
	}
	// Hand-written wider grants are kept, not duplicated.
	if g := m.Tool("search_web").Lookup(capability.NetworkClient); len(g.Scopes) != 1 {
		t.Errorf("search_web network.client = %+v", g.Scopes)
	}
	// A second update has nothing to do.
	again, err := Update(out, res)
	if err != nil || len(again) != 0 {
		t.Errorf("second update: %v %v", again, err)
	}
	// Edits touch only inserted lines.
	for _, e := range edits {
		if e.Start != e.End {
			t.Errorf("update replaced text: %+v", e)
		}
	}
}

func TestUpdateMissingAndBroken(t *testing.T) {
	res := loadResult(t, "git-py")
	edits, err := Update(nil, res)
	if err != nil || len(edits) != 1 || edits[0].NewText != string(mustCreate(t, res)) {
		t.Errorf("empty manifest: want Create, got %v %v", edits, err)
	}
	if _, err := Update([]byte("tools: [\n"), res); err == nil {
		t.Error("broken manifest: want an error")
	}
}

func TestDiff(t *testing.T) {
	tests := []struct{ old, new string }{
		{"a\nb\nc\n", "a\nb\nc\n"},
		{"a\nc\n", "a\nb\nc\n"},
		{"a\nb\nc\n", "a\nc\n"},
		{"a\nb\nc", "x\nb\ny"},
		{"", "a\n"},
		{"a\r\nb\r\n", "a\r\nz\r\nb\r\n"},
	}
	for _, tc := range tests {
		got := string(Apply([]byte(tc.old), Diff([]byte(tc.old), []byte(tc.new))))
		if got != tc.new {
			t.Errorf("Diff(%q, %q) applied = %q", tc.old, tc.new, got)
		}
	}
	if e := Diff([]byte("a\nb\nc\n"), []byte("a\nB\nc\n")); len(e) != 1 || e[0].Start != 2 || e[0].End != 4 || e[0].NewText != "B\n" {
		t.Errorf("minimal edit: %+v", e)
	}
}

func mustKind(id capability.ID) capability.ScopeKind {
	info, _ := capability.Lookup(id)
	return info.Scope
}

func TestUpdateKeepsHandNarrowedGrants(t *testing.T) {
	// delete_note's argument is not a literal: Create wrote "*", the user
	// narrowed it; an update must not widen it again.
	res := loadResult(t, "notes-ts")
	star := regexp.MustCompile(`file\.delete: \["\*"\]  # [^\n]*`)
	narrowed := star.ReplaceAllLiteral(mustCreate(t, res), []byte(`file.delete: ["${ROOT}/**"]`))
	if bytes.Equal(narrowed, mustCreate(t, res)) {
		t.Fatal("fixture did not change")
	}
	edits, err := Update(narrowed, res)
	if err != nil || len(edits) != 0 {
		t.Errorf("update widened a hand-narrowed grant: %v %v", edits, err)
	}
	// A literal scope says nothing for a computed argument: the update adds
	// the "*" the call needs beside it.
	literal := star.ReplaceAllLiteral(mustCreate(t, res), []byte(`file.delete: ["${CWD}/notes/a.md"]`))
	edits, err = Update(literal, res)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(Apply(literal, edits)); !strings.Contains(got, `file.delete: ["${CWD}/notes/a.md", "*"]`) {
		t.Errorf("update did not add \"*\" beside a literal scope:\n%s", got)
	}
}

func mustCreate(t testing.TB, res *finding.Result) []byte {
	t.Helper()
	out, err := Create(res)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
