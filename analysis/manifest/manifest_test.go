package manifest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

func TestParsePositions(t *testing.T) {
	src := "version: 1\n" +
		"server:\n" +
		"  system.env: [GITHUB_TOKEN, 'NOTES_*']\n" +
		"tools:\n" +
		"  \"🔍search\": {network.client: [\"api.github.com\"]}\n" +
		"  delete_file:\n" +
		"    file.delete:\n" +
		"      - ${ROOT}/**   # only the workspace\n"
	m, errs := Parse("mcp-capabilities.yaml", []byte(src))
	if len(errs) > 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	env := m.Server.Lookup(capability.SystemEnv)
	if env == nil || len(env.Scopes) != 2 {
		t.Fatalf("server system.env = %+v", env)
	}
	search := m.Tool("🔍search")
	if search == nil {
		t.Fatal("tool 🔍search missing")
	}
	del := m.Tool("delete_file").Lookup(capability.FileDelete)
	type pos struct{ line, col, col16, endCol int }
	tests := []struct {
		name string
		got  func() (int, int, int, int)
		want pos
	}{
		{"env key", func() (int, int, int, int) {
			s := env.Span
			return s.Start.Line, s.Start.Col, s.Start.Col16, s.End.Col
		}, pos{2, 2, 2, 12}},
		{"plain scope in flow list", func() (int, int, int, int) {
			s := env.Scopes[0].Span
			return s.Start.Line, s.Start.Col, s.Start.Col16, s.End.Col
		}, pos{2, 15, 15, 27}},
		{"single-quoted scope", func() (int, int, int, int) {
			s := env.Scopes[1].Span
			return s.Start.Line, s.Start.Col, s.Start.Col16, s.End.Col
		}, pos{2, 29, 29, 38}},
		{"tool name with an astral character", func() (int, int, int, int) {
			s := search.Span
			return s.Start.Line, s.Start.Col, s.Start.Col16, s.End.Col
		}, pos{4, 2, 2, 11}},
		{"capability after it: code points vs UTF-16", func() (int, int, int, int) {
			s := search.Entries[0].Span
			return s.Start.Line, s.Start.Col, s.Start.Col16, s.End.Col
		}, pos{4, 14, 15, 28}},
		{"block scope before a comment", func() (int, int, int, int) {
			s := del.Scopes[0].Span
			return s.Start.Line, s.Start.Col, s.Start.Col16, s.End.Col
		}, pos{7, 8, 8, 18}},
	}
	for _, tc := range tests {
		l, c, c16, ec := tc.got()
		if (pos{l, c, c16, ec}) != tc.want {
			t.Errorf("%s: got line %d col %d col16 %d endCol %d, want %+v", tc.name, l, c, c16, ec, tc.want)
		}
	}
	if got := src[del.Scopes[0].Span.Start.Offset:del.Scopes[0].Span.End.Offset]; got != "${ROOT}/**" {
		t.Errorf("scope span covers %q", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line, col int // 0-based position of the first finding
		msg       string
		broken    bool
	}{
		{"syntax", "version: 1\ntools:\n  a: [x\n", 1, 0, // yaml.v3 names the line of the enclosing key
			"YAML syntax error", true},
		{"tab indentation", "version: 1\ntools:\n\ta: {}\n", 2, 0, "YAML syntax error", true},
		{"not a mapping", "- a\n- b\n", 0, 0, "must be a mapping", true},
		{"bad version", "version: 2\n", 0, 9, "unsupported manifest version", false},
		{"unknown top-level key", "version: 1\nservers: {}\n", 1, 0, `unknown top-level key "servers"`, false},
		{"capability at top level", "file.read: [x]\n", 0, 0, "must sit under server", false},
		{"unknown capability", "tools:\n  a:\n    file.wirte: [/tmp/x]\n", 2, 4, "did you mean file.write?", false},
		{"scopes not a list", "server:\n  system.env: {A: 1}\n", 1, 14, "must be a list of strings", false},
		{"scope not a string", "server:\n  system.env: [[A]]\n", 1, 15, "must be a string", false},
		{"boolean scope", "server:\n  system.env: [true]\n", 1, 15, "must be a string", false},
		{"empty scope list", "server:\n  system.env: []\n", 1, 14, "empty scope list", false},
		{"no scopes", "server:\n  system.env:\n", 1, 2, "has no scopes", false},
		{"url as host", "tools:\n  f:\n    network.client: [\"https://api.github.com/x\"]\n", 2, 21, "write the host, not a URL: api.github.com", false},
		{"bad port", "server:\n  network.server: [\"localhost:http\"]\n", 1, 19, "bad port", false},
		{"bad glob", "tools:\n  f:\n    file.read: [\"/a/b**\"]\n", 2, 16, `"**" must be a whole path segment`, false},
		{"bad placeholder", "tools:\n  f:\n    file.read: [\"${WORK}/**\"]\n", 2, 16, "unknown placeholder ${WORK}", false},
		{"bad env pattern", "server:\n  system.env: [\"A*B\"]\n", 1, 15, "may only end an env pattern", false},
		{"command line as program", "tools:\n  f:\n    system.exec: [git status]\n", 2, 18, "not a command line: git", false},
		{"scope on scopeless capability", "server:\n  system.code: [eval]\n", 1, 16, `takes no scope`, false},
		{"duplicate tool", "tools:\n  a: {}\n  a: {}\n", 2, 2, `duplicate key "a" (first on line 2)`, false},
		{"duplicate capability", "server:\n  system.env: [A]\n  system.env: [B]\n", 2, 2, "duplicate key", false},
		{"tools not a mapping", "tools: [a, b]\n", 0, 7, "tools must be a mapping", false},
		{"grants not a mapping", "tools:\n  a: [file.read]\n", 1, 5, "must be a mapping from capability", false},
		{"empty tool name", "tools:\n  \"\": {}\n", 1, 2, "non-empty string", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, errs := Parse("m.yaml", []byte(tc.src))
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			e := errs[0]
			if e.Kind != finding.KindInvalidManifest || e.Rule != RuleInvalid || e.File != "m.yaml" {
				t.Errorf("finding = %+v", e)
			}
			if !strings.Contains(e.Message, tc.msg) {
				t.Errorf("message %q does not contain %q", e.Message, tc.msg)
			}
			if e.Span.Start.Line != tc.line || e.Span.Start.Col != tc.col {
				t.Errorf("at %d:%d, want %d:%d (%s)", e.Span.Start.Line, e.Span.Start.Col, tc.line, tc.col, e.Message)
			}
			if m == nil || m.Broken != tc.broken {
				t.Errorf("Broken = %v, want %v", m != nil && m.Broken, tc.broken)
			}
		})
	}
}

func TestParseKeepsValidEntries(t *testing.T) {
	src := "tools:\n  a:\n    file.read: [\"/ok/**\", \"${BAD}\"]\n    file.write: [/w]\n    file.wirte: [/x]\n"
	m, errs := Parse("m.yaml", []byte(src))
	if len(errs) != 2 {
		t.Fatalf("want 2 errors, got %v", errs)
	}
	a := m.Tool("a")
	if a.Lookup(capability.FileRead) != nil {
		t.Error("a grant with an invalid scope must be ignored by the checks")
	}
	if g := a.Lookup(capability.FileWrite); g == nil || g.Scopes[0].Value != "/w" {
		t.Errorf("valid sibling grant lost: %+v", a)
	}
}

func TestParseAliases(t *testing.T) {
	src := "x-hosts: &hosts [api.github.com]\n"
	if _, errs := Parse("m.yaml", []byte(src)); len(errs) != 1 {
		t.Fatalf("unknown key must be reported: %v", errs)
	}
	src = "server:\n  network.client: &hosts [api.github.com]\ntools:\n  a:\n    network.client: *hosts\n"
	m, errs := Parse("m.yaml", []byte(src))
	if len(errs) > 0 {
		t.Fatalf("aliases are valid YAML: %v", errs)
	}
	if g := m.Tool("a").Lookup(capability.NetworkClient); g == nil || g.Scopes[0].Value != "api.github.com" {
		t.Errorf("alias not followed: %+v", m.Tool("a"))
	}
}

// billionLaughs builds the classic alias bomb: 10 levels of 10 references
// (10^10 scalars once expanded).
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [lol]\n")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("tools:\n  t:\n    network.client: *a10\n")
	return b.String()
}

func TestParseRefusesAliasBombAndHugeFiles(t *testing.T) {
	tests := []struct {
		name, src, msg string
	}{
		{"billion laughs", billionLaughs(), "alias bomb"},
		{"oversized", "version: 1\n" + strings.Repeat("# padding\n", MaxSize/10+1), "larger than"},
		{"binary", "version: 1\n\x00\x01", "not a text file"},
		{"deep nesting", "tools:\n  t:\n    file.read: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			m, errs := Parse("m.yaml", []byte(tc.src))
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			if tc.msg != "" && !strings.Contains(errs[0].Message, tc.msg) {
				t.Errorf("message %q, want %q", errs[0].Message, tc.msg)
			}
			if tc.msg != "" && !m.Broken {
				t.Error("want Broken")
			}
		})
	}
}

func TestParseCRLFAndEmpty(t *testing.T) {
	m, errs := Parse("m.yaml", []byte("version: 1\r\ntools:\r\n  a:\r\n    file.read: [/x]  \r\n"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	s := m.Tool("a").Entries[0].Scopes[0].Span
	if s.Start.Line != 3 || s.Start.Col != 16 || s.End.Col != 18 {
		t.Errorf("CRLF span %+v", s)
	}
	m, _ = Parse("m.yaml", []byte("\xef\xbb\xbfserver:\n  system.env: [A]\n"))
	if sp := m.Server.Span; sp.Start.Offset != 3 || sp.End.Offset != 9 {
		t.Errorf("span after a byte-order mark: %+v", sp)
	}
	for _, src := range []string{"", "# only a comment\n", "---\n", "~\n"} {
		m, errs := Parse("m.yaml", []byte(src))
		if len(errs) > 0 || m.Broken || len(m.Tools) != 0 {
			t.Errorf("%q: %v %+v", src, errs, m)
		}
	}
}

func TestFind(t *testing.T) {
	root := filepath.FromSlash("/w")
	have := map[string]bool{
		filepath.FromSlash("/w/servers/git/" + FileName): true,
		filepath.FromSlash("/w/" + FileName):             true,
		filepath.FromSlash("/" + FileName):               true, // above the root: never used
	}
	exists := func(p string) bool { return have[p] }
	tests := []struct{ dir, want string }{
		{"/w/servers/git/src/tools", "/w/servers/git/" + FileName},
		{"/w/servers/git", "/w/servers/git/" + FileName},
		{"/w/servers/fs/src", "/w/" + FileName},
		{"/w", "/w/" + FileName},
		{"/elsewhere/x", "/w/" + FileName},
	}
	for _, tc := range tests {
		if got := Find(filepath.FromSlash(tc.dir), root, exists); got != filepath.FromSlash(tc.want) {
			t.Errorf("Find(%s) = %s, want %s", tc.dir, got, tc.want)
		}
	}
	if got := Find(filepath.FromSlash("/w/a"), root, func(string) bool { return false }); got != filepath.FromSlash("/w/"+FileName) {
		t.Errorf("no manifest anywhere: %s", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"version: 1\nserver:\n  system.env: [A]\ntools:\n  a: {file.read: [\"${ROOT}/**\"]}\n",
		billionLaughs(), "a: [\n", "tools:\n  \"\\u00e9\": ~\n", "&a [*a]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, errs := Parse("f.yaml", data)
		if m == nil {
			t.Fatal("nil manifest")
		}
		for _, e := range errs {
			if e.Span.Start.Offset < 0 || e.Span.End.Offset > len(data) || e.Span.End.Offset < e.Span.Start.Offset {
				t.Fatalf("span out of range: %+v", e.Span)
			}
		}
	})
}
