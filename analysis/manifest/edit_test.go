package manifest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// grantSetOf lists a manifest's grants as "section|capability|scope".
func grantSetOf(t *testing.T, data []byte) map[string]bool {
	t.Helper()
	m, errs := Parse("m.yaml", data)
	if len(errs) > 0 {
		t.Fatalf("manifest does not parse cleanly: %v\n%s", errs[0].Message, data)
	}
	out := map[string]bool{}
	for _, sec := range append([]Section{m.Server}, m.Tools...) {
		for _, g := range sec.Entries {
			for _, s := range g.Scopes {
				out[sec.Name+"|"+string(g.Capability)+"|"+s.Value] = true
			}
		}
	}
	return out
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestEditsRoundTrip(t *testing.T) {
	tests := []struct {
		name, in string
		remove   bool
		tool     string
		cap      capability.ID
		scope    string
	}{
		{"commented-add-scope-block", "commented.yaml", false, "", capability.SystemEnv, "NOTES_TOKEN"},
		{"commented-add-scope-flow", "commented.yaml", false, "search_issues", capability.NetworkClient, "uploads.github.com"},
		{"commented-add-cap", "commented.yaml", false, "save_note", capability.FileRead, "${ROOT}/notes/**"},
		{"commented-add-tool", "commented.yaml", false, "export_notes", capability.FileWrite, "${TMP}/export.zip"},
		{"commented-add-server-cap", "commented.yaml", false, "", capability.SystemInfo, "*"},
		{"commented-remove-scope", "commented.yaml", true, "", capability.SystemEnv, "NOTES_*"},
		{"commented-remove-grant", "commented.yaml", true, "save_note", capability.FileWrite, ""},
		{"commented-remove-last-scope", "commented.yaml", true, "search_issues", capability.NetworkClient, "api.github.com"},
		{"flow-add-scope", "flow.yaml", false, "fetch_url", capability.NetworkClient, "example.org"},
		{"flow-add-multiline", "flow.yaml", false, "run", capability.SystemExec, "node"},
		{"flow-add-server-cap", "flow.yaml", false, "", capability.NetworkServer, ":8080"},
		{"flow-remove-first", "flow.yaml", true, "fetch_url", capability.NetworkClient, "*.example.com"},
		{"flow-remove-last", "flow.yaml", true, "fetch_url", capability.NetworkClient, "api.github.com:443"},
		{"flow-remove-only", "flow.yaml", true, "", capability.SystemEnv, "GITHUB_TOKEN"},
		{"odd-add-scope", "odd-indent.yaml", false, "list_dir", capability.FileRead, "${HOME}/.cache/**"},
		{"odd-add-cap", "odd-indent.yaml", false, "read_file", capability.FileWrite, "${ROOT}/**"},
		{"odd-add-tool", "odd-indent.yaml", false, "stat", capability.FileRead, "/proc/self/status"},
		{"odd-remove-scope", "odd-indent.yaml", true, "read_file", capability.FileRead, "~/.config/app/*.json"},
		{"crlf-add-scope", "crlf.yaml", false, "shell", capability.SystemEnv, "SHELL"},
		{"crlf-add-server", "crlf.yaml", false, "", capability.SystemEnv, "HOME"},
		{"crlf-remove-grant", "crlf.yaml", true, "shell", capability.SystemExec, ""},
		{"comments-only-add", "comments-only.yaml", false, "t", capability.NetworkClient, "api.example.com"},
		{"noeol-add-scope", "noeol.yaml", false, "a", capability.FileRead, "/etc/resolv.conf"},
		{"noeol-add-tool", "noeol.yaml", false, "b", capability.SystemExec, "git"},
		{"noeol-remove", "noeol.yaml", true, "a", capability.FileRead, ""},
		{"nulls-server", "nulls.yaml", false, "", capability.SystemEnv, "PORT"},
		{"nulls-idle", "nulls.yaml", false, "idle", capability.FileRead, "${ROOT}/**"},
		{"nulls-quiet", "nulls.yaml", false, "quiet", capability.SystemExec, "git"},
		{"nulls-empty", "nulls.yaml", false, "empty", capability.NetworkClient, "*"},
		{"flow-nulls-tool", "flow-nulls.yaml", false, "a", capability.FileRead, "/x"},
		{"flow-nulls-grant", "flow-nulls.yaml", false, "b", capability.FileRead, "/y"},
		{"flow-nulls-scope", "flow-nulls.yaml", false, "b", capability.SystemEnv, "B"},
		{"flow-nulls-new-tool", "flow-nulls.yaml", false, "c", capability.SystemExec, "git"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata/edit", tc.in))
			if err != nil {
				t.Fatal(err)
			}
			var edits []Edit
			if tc.remove {
				edits, err = RemoveGrant(in, tc.tool, tc.cap, tc.scope)
			} else {
				edits, err = AddGrant(in, tc.tool, tc.cap, tc.scope)
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(edits) == 0 {
				t.Fatal("no edits")
			}
			out := Apply(in, edits)
			golden(t, "edit/out/"+tc.name+".yaml", out)

			// Semantics: exactly the intended grant changed.
			before, after := grantSetOf(t, in), grantSetOf(t, out)
			want := map[string]bool{}
			for k := range before {
				want[k] = true
			}
			key := tc.tool + "|" + string(tc.cap) + "|"
			switch {
			case !tc.remove:
				want[key+tc.scope] = true
			case tc.scope == "":
				for k := range want {
					if strings.HasPrefix(k, key) {
						delete(want, k)
					}
				}
			default:
				delete(want, key+tc.scope)
			}
			if strings.Join(keys(after), "\n") != strings.Join(keys(want), "\n") {
				t.Errorf("grants after edit:\n%s\nwant:\n%s", strings.Join(keys(after), "\n"), strings.Join(keys(want), "\n"))
			}
			// Adds only insert: the input is a subsequence of the output, so
			// no comment, key or quote of the user's moved or changed.
			// (A written null, "~", is replaced by the new grants.)
			if !tc.remove && !bytes.Contains(in, []byte("~")) && !isSubsequence(in, out) {
				t.Errorf("the edit changed text it should have kept")
			}
			// Line endings stay as they were.
			if bytes.Contains(in, []byte("\r\n")) && bytes.Count(out, []byte("\n")) != bytes.Count(out, []byte("\r\n")) {
				t.Errorf("mixed line endings:\n%q", out)
			}
			// Applying the same add again changes nothing.
			if !tc.remove {
				again, err := AddGrant(out, tc.tool, tc.cap, tc.scope)
				if err != nil || len(again) != 0 {
					t.Errorf("re-adding: %v, %v", again, err)
				}
			}
		})
	}
}

func TestEditErrors(t *testing.T) {
	in := []byte("version: 1\ntools:\n  a:\n    file.read: [x]\n")
	tests := []struct {
		name string
		run  func() ([]Edit, error)
	}{
		{"unknown capability", func() ([]Edit, error) { return AddGrant(in, "a", "file.wirte", "/x") }},
		{"bad scope", func() ([]Edit, error) { return AddGrant(in, "a", capability.NetworkClient, "https://x.com/a") }},
		{"bad yaml", func() ([]Edit, error) { return AddGrant([]byte("a: [\n"), "a", capability.FileRead, "/x") }},
		{"remove missing grant", func() ([]Edit, error) { return RemoveGrant(in, "a", capability.FileWrite, "") }},
		{"remove missing scope", func() ([]Edit, error) { return RemoveGrant(in, "a", capability.FileRead, "y") }},
		{"remove missing tool", func() ([]Edit, error) { return RemoveGrant(in, "b", capability.FileRead, "") }},
		{"root not a mapping", func() ([]Edit, error) { return AddGrant([]byte("- a\n"), "", capability.FileRead, "/x") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if e, err := tc.run(); err == nil {
				t.Errorf("want an error, got edits %v", e)
			}
		})
	}
}

func TestApplyDropsOverlaps(t *testing.T) {
	got := string(Apply([]byte("abcdef"), []Edit{{4, 5, "E"}, {0, 2, "X"}, {1, 3, "Y"}, {6, 6, "!"}, {9, 10, "bad"}}))
	if got != "XcdEf!" {
		t.Errorf("got %q", got)
	}
}

func isSubsequence(a, b []byte) bool {
	i := 0
	for j := 0; i < len(a) && j < len(b); j++ {
		if a[i] == b[j] {
			i++
		}
	}
	return i == len(a)
}

// FuzzEdits: on any manifest that parses cleanly, an accepted AddGrant or
// RemoveGrant must give a manifest that parses cleanly and holds exactly the
// intended grants.
func FuzzEdits(f *testing.F) {
	for _, name := range []string{"commented.yaml", "flow.yaml", "odd-indent.yaml", "crlf.yaml", "nulls.yaml", "noeol.yaml", "flow-nulls.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata/edit", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "save_note", uint8(9), "/tmp/x/**", false)
		f.Add(data, "", uint8(4), "A_*", true)
		f.Add(data, "fetch_url", uint8(0), "*.example.com", true)
	}
	for _, src := range []string{
		"{version: 1, tools: {a: {file.read: [x]}}}\n",
		"tools: {a: {}, b: {system.env: [A, B]}}\nserver: {}\n",
		"---\nversion: 1\ntools:\n  a:\n    file.read:\n      - /x  # c\n      # - /y\n...\n",
		"tools:\n  a:\n    network.client: [a.com,  # first\n      b.com]\n",
	} {
		f.Add([]byte(src), "a", uint8(7), "/z", false)
		f.Add([]byte(src), "b", uint8(4), "B", true)
		f.Add([]byte(src), "", uint8(0), "*", false)
	}
	// Issue 14: "?" and ":" were written plain into flow mappings; odd line
	// breaks, a byte-order mark and a second document.
	for _, src := range []string{
		"{version: 1, tools: {a: {file.read: [x]}}}\n",
		"tools: {}\n",
		"\xef\xbb\xbfversion: 1\ntools:\n  a: {}\n",
		"tools:\n  a: {file.read: [x]}  # c\u2028  b: {file.read: [y]}\n",
		"tools:\r  a: {file.read: [x]}\r",
		"version: 1\n---\ntools: {}\n",
	} {
		for _, tool := range []string{"?", ":", "? x", "a: b", "-", "#"} {
			f.Add([]byte(src), tool, uint8(7), "/z", false)
		}
		f.Add([]byte(src), "a", uint8(7), "x", true)
	}
	ids := capability.IDs()
	f.Fuzz(func(t *testing.T, data []byte, tool string, capIdx uint8, scope string, remove bool) {
		m, errs := Parse("f.yaml", data)
		if len(errs) > 0 || m.Broken {
			return
		}
		id := capability.ID(ids[int(capIdx)%len(ids)])
		before := grantSetOf(t, data)
		var edits []Edit
		var err error
		if remove {
			edits, err = RemoveGrant(data, tool, id, scope)
		} else {
			edits, err = AddGrant(data, tool, id, scope)
		}
		if err != nil {
			return
		}
		out := Apply(data, edits)
		m2, errs := Parse("f.yaml", out)
		if len(errs) > 0 || m2.Broken {
			t.Fatalf("edit broke the manifest: %v\n--- in\n%q\n--- out\n%q", errs, data, out)
		}
		after := grantSetOf(t, out)
		key := tool + "|" + string(id) + "|"
		for k := range before {
			if !after[k] && !(remove && strings.HasPrefix(k, key) && (scope == "" || k == key+scope)) {
				t.Fatalf("grant %s lost\n--- in\n%q\n--- out\n%q", k, data, out)
			}
		}
		for k := range after {
			if !before[k] && !(!remove && k == key+scope) {
				t.Fatalf("grant %s appeared\n--- in\n%q\n--- out\n%q", k, data, out)
			}
		}
		if !remove && !after[key+scope] {
			t.Fatalf("grant %s%s missing\n--- in\n%q\n--- out\n%q", key, scope, data, out)
		}
	})
}

// TestEditSequence applies quick-fixes one after another to a manifest full
// of comments, as a user accepting several fixes would: every comment that
// is not on a removed line survives, in order.
func TestEditSequence(t *testing.T) {
	data, err := os.ReadFile("testdata/edit/commented.yaml")
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		remove bool
		tool   string
		cap    capability.ID
		scope  string
	}{
		{false, "search_issues", capability.NetworkClient, "uploads.github.com"},
		{false, "", capability.NetworkClient, "telemetry.example.com:443"},
		{true, "", capability.SystemEnv, "NOTES_DIR"},
		{false, "export_notes", capability.FileWrite, "${TMP}/**"},
		{false, "export_notes", capability.FileRead, "${ROOT}/notes/**"},
		{true, "delete_note", capability.FileDelete, ""},
		{false, "delete_note", capability.FileDelete, "${ROOT}/notes/*.md"},
	}
	cur := data
	for _, s := range steps {
		var edits []Edit
		if s.remove {
			edits, err = RemoveGrant(cur, s.tool, s.cap, s.scope)
		} else {
			edits, err = AddGrant(cur, s.tool, s.cap, s.scope)
		}
		if err != nil {
			t.Fatalf("%+v: %v", s, err)
		}
		cur = Apply(cur, edits)
		grantSetOf(t, cur) // parses cleanly after every step
	}
	golden(t, "edit/out/sequence.yaml", cur)
	var comments []string
	for _, l := range strings.Split(string(data), "\n") {
		if i := strings.Index(l, "#"); i >= 0 && !strings.Contains(l, "NOTES_DIR") {
			comments = append(comments, l[i:])
		}
	}
	rest := string(cur)
	for _, c := range comments {
		i := strings.Index(rest, c)
		if i < 0 {
			t.Errorf("comment %q lost or out of order", c)
			continue
		}
		rest = rest[i+len(c):]
	}
}
