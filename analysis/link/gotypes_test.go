package link

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

func TestLongestTypeKey(t *testing.T) {
	types := map[string]string{
		"GetClientFn()":   "gh\x00Client()",
		"Server.client":   "gh\x00Client()",
		"Server.client()": "http\x00Client()",
		"C":               "gh\x00Client()",
	}
	for _, tc := range []struct {
		s, sym, rest string
		ok           bool
	}{
		{"GetClientFn().Users.Get", "gh\x00Client()", ".Users.Get", true},
		{"Server.client.Do", "gh\x00Client()", ".Do", true},
		{"Server.client().Do", "http\x00Client()", ".Do", true}, // the longer key wins
		{"Server.clients.Do", "", "", false},                    // not at a boundary
		{"C.Users.Get", "gh\x00Client()", ".Users.Get", true},
		{"Cx.Users.Get", "", "", false},
		{"GetClientFn", "", "", false},
		{"", "", "", false},
	} {
		sym, rest, ok := longestTypeKey(types, tc.s)
		if sym != tc.sym || rest != tc.rest || ok != tc.ok {
			t.Errorf("longestTypeKey(%q) = %q, %q, %v; want %q, %q, %v", tc.s, sym, rest, ok, tc.sym, tc.rest, tc.ok)
		}
	}
}

// TestResolveGoTypes links synthetic facts of a module with two packages and
// checks each call's rewrite, and that the facts given to the index (the
// engine's cache) are left as they were.
func TestResolveGoTypes(t *testing.T) {
	const gh = "github.com/google/go-github/v79/github"
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	types := &facts.File{Path: "srv/types.go", Lang: source.Go, Package: "srv:srv",
		Functions: []facts.Function{{Parent: -1}, {Name: "Export", Class: "Embeds", Parent: 0}},
		Types: map[string]string{
			"GetClientFn()":  gh + "\x00Client()",
			"Server.client":  gh + "\x00Client()",
			"Server.deps":    "type:Deps\x00",
			"Deps.get":       "type:GetClientFn\x00",
			"Loop.next":      "type:Loop\x00",
			"Server.raw":     "example.com/m/raw\x00Client()",
			"Server.missing": "type:Nowhere\x00",
			"Embeds.Client":  gh + "\x00Client()",
			"Embeds.name":    "net/http\x00Client()",
			"Outer.Embeds":   "type:Embeds\x00",
			"Two.Client":     gh + "\x00Client()",
			"Two.Base":       "type:Base\x00",
		}}
	raw := &facts.File{Path: "raw/raw.go", Lang: source.Go, Package: "raw:raw",
		Functions: []facts.Function{{Parent: -1}},
		Types: map[string]string{
			"GetFn()":       "example.com/m/raw\x00Client()",
			"Client.HTTP":   "net/http\x00Client()",
			"Factory.Get()": "type:Client\x00",
		}}
	cases := []struct{ mod, member, wantMod, wantMember string }{
		{"type:GetClientFn", "().Users.Get", gh, "Client().Users.Get"},
		{"type:Server", ".client.Issues.ListByRepo", gh, "Client().Issues.ListByRepo"},
		{"type:Server", ".deps.get().Git.GetRef", gh, "Client().Git.GetRef"}, // a chain of named types
		{"type:Server", ".raw.HTTP.Get", "net/http", "Client().Get"},         // into another package
		{"example.com/m/raw", "GetFn()().HTTP.Do", "net/http", "Client().Do"},
		{"example.com/m/raw", "GetFn()().Base", "example.com/m/raw", "Client().Base"}, // resolved as far as known
		// A method of another package's type returning a type of that package.
		{"example.com/m/raw", "Factory().Get().List", "example.com/m/raw", "Client().List"},
		{"example.com/m/raw", "Factory().Get().HTTP.Do", "net/http", "Client().Do"},
		{"type:Loop", ".next.next.next.next.next.Do", "type:Loop", ".next.next.next.next.next.Do"},
		{"type:Server", ".missing.Do", "type:Server", ".missing.Do"},
		{"type:Server", ".other.Do", "type:Server", ".other.Do"},
		{"type:Unknown", ".Do", "type:Unknown", ".Do"},
		{"net/http", "Client().Do", "net/http", "Client().Do"},  // a library instance: untouched
		{"type:Embeds", ".Users.Get", gh, "Client().Users.Get"}, // promoted from an embedded field
		{"type:Outer", ".Users.Get", gh, "Client().Users.Get"},  // through two embedded levels
		{"type:Embeds", ".name.Do", "net/http", "Client().Do"},  // a named field still wins
		{"type:Embeds", ".Export", "type:Embeds", ".Export"},    // its own method, not the embedded client's
		{"type:Two", ".Users.Get", "type:Two", ".Users.Get"},    // which embedded field: unknown
	}
	tools := &facts.File{Path: "srv/tools.go", Lang: source.Go, Package: "srv:srv",
		Functions: []facts.Function{{Parent: -1}}}
	for _, tc := range cases {
		tools.Calls = append(tools.Calls, facts.Call{Module: tc.mod, Member: tc.member})
	}
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	files := []*facts.File{types, tools, raw}
	ix := newIndex(e.Linker, root, files, e.gomod.ForFiles(root, files))
	ix.build()
	got := ix.files[1].Calls
	for i, tc := range cases {
		if got[i].Module != tc.wantMod || got[i].Member != tc.wantMember {
			t.Errorf("%s %q → %s %q; want %s %q", tc.mod, tc.member, got[i].Module, got[i].Member, tc.wantMod, tc.wantMember)
		}
		if c := tools.Calls[i]; c.Module != tc.mod || c.Member != tc.member {
			t.Errorf("the cached facts were changed: %s %q", c.Module, c.Member)
		}
	}
	if files[1] != tools || ix.files[1] == tools {
		t.Error("the caller's file slice was changed, or the rewritten file was not copied")
	}
	if ix.files[0] != types {
		t.Error("a file without rewrites was copied")
	}
}
