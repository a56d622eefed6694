package manifest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// The attacks of issue 14 on the manifest, items 8, 13 and 14: each test
// first builds the input that fooled mcpriv.

// TestOddLineBreaks: yaml.v3 ends lines at a lone \r, NEL, U+2028 and
// U+2029; editors do not agree, and mcpriv's edits (by "\n" lines) broke
// the document or removed the wrong grant. Such a manifest is refused with
// a positioned error, by the reader and by every writer.
func TestOddLineBreaks(t *testing.T) {
	for name, brk := range map[string]string{"CR": "\r", "NEL": "\u0085", "LS": "\u2028", "PS": "\u2029"} {
		t.Run(name, func(t *testing.T) {
			// What an editor shows as one comment line holds a grant for YAML.
			src := "version: 1\ntools:\n  a:\n    file.read: [/a]  # é note" + brk + "  b:\n    system.exec: [sh]\n"
			m, errs := Parse("m.yaml", []byte(src))
			if !m.Broken || len(errs) != 1 || !strings.Contains(errs[0].Message, "line break") {
				t.Fatalf("Parse: broken=%v %v", m.Broken, errs)
			}
			at := strings.Index(src, brk)
			sp := errs[0].Span.Start
			// Line 3 (0-based), after "    file.read: [/a]  # é note": é is one
			// UTF-16 unit and one code point.
			if sp.Offset != at || sp.Line != 3 || sp.Col16 != len([]rune("    file.read: [/a]  # é note")) {
				t.Errorf("error at %+v, want offset %d line 3", sp, at)
			}
			if m.Tool("b") != nil {
				t.Error("a grant hidden behind the line break was read")
			}
			if _, err := RemoveGrant([]byte(src), "a", capability.FileRead, ""); err == nil {
				t.Error("RemoveGrant edited the manifest")
			}
			if _, err := AddGrant([]byte(src), "c", capability.FileRead, "/c"); err == nil {
				t.Error("AddGrant edited the manifest")
			}
			if _, err := Update([]byte(src), &finding.Result{Tools: []finding.Tool{{Name: "c"}}}); err == nil {
				t.Error("Update edited the manifest")
			}
		})
	}
	// In a quoted scalar U+2028 folds like any line break: refused too.
	if m, _ := Parse("m.yaml", []byte("tools:\n  \"a\u2028b\": {}\n")); !m.Broken {
		t.Error("U+2028 inside quotes was accepted")
	}
}

// TestBOMPositions: a byte-order mark is not a column (it showed as 1:2).
func TestBOMPositions(t *testing.T) {
	src := source.BOM + "vérsion: 2\ntools:\n  😀: {file.reed: [x]}\n"
	_, errs := Parse("m.yaml", []byte(src))
	if len(errs) != 2 {
		t.Fatalf("errs = %v", errs)
	}
	if p := errs[0].Span.Start; p.Line != 0 || p.Col != 0 || p.Col16 != 0 {
		t.Errorf("unknown key at %+v, want 0:0", p)
	}
	// file.reed after "  😀: {": the emoji is two UTF-16 units.
	if p := errs[1].Span.Start; p.Line != 2 || p.Col != 6 || p.Col16 != 7 {
		t.Errorf("unknown capability at %+v, want line 2, col 6, UTF-16 col 7", p)
	}
}

// TestAwkwardToolNames: tool names YAML reads as syntax ("?" and ":" in a
// flow mapping) were written plain: invalid YAML, exit 0. Every writer now
// quotes what must be quoted and re-reads its output.
func TestAwkwardToolNames(t *testing.T) {
	names := []string{"?", ":", "? x", "a: b", "- a", "&x", "*x", "!t", "%", "@", "`", "|", ">", "~", "null", "true",
		"1", "0x10", "a,b", "{a}", "[a]", "#a", "a #b", " a", "a ", "é😀", "a\tb", "'", "\"", "\\", "=", "<<"}
	for _, base := range []string{
		"",
		"version: 1\ntools:\n  t:\n    file.read: [/x]\n",
		"{version: 1, tools: {t: {file.read: [/x]}}}\n",
		"tools: {}\n",
		"version: 1\r\ntools:\r\n  t: {}\r\n",
	} {
		for _, name := range names {
			edits, err := AddGrant([]byte(base), name, capability.FileRead, "/y")
			if err != nil {
				t.Errorf("AddGrant(%q) into %q: %v", name, base, err)
				continue
			}
			out := Apply([]byte(base), edits)
			m, errs := Parse("m.yaml", out)
			if len(errs) > 0 || m.Tool(name) == nil || m.Tool(name).Lookup(capability.FileRead) == nil {
				t.Errorf("AddGrant(%q) into %q gave\n%s\nerrors %v", name, base, out, errs)
			}
		}
	}
	// Create quotes the same names.
	res := &finding.Result{}
	for _, n := range names {
		res.Tools = append(res.Tools, finding.Tool{Name: n})
	}
	out, err := Create(res)
	if err != nil {
		t.Fatal(err)
	}
	m, errs := Parse("m.yaml", out)
	if len(errs) > 0 || len(m.Tools) != len(names) {
		t.Errorf("Create: %d tools, errors %v\n%s", len(m.Tools), errs, out)
	}
}

// TestWriterLimits: the writer never produces what the reader refuses.
func TestWriterLimits(t *testing.T) {
	// 7,000 tools each with a grant: read back whole (the node count of a
	// written manifest is not an alias bomb).
	res := &finding.Result{}
	for i := 0; i < 7000; i++ {
		name := fmt.Sprintf("tool_%04d", i)
		res.Tools = append(res.Tools, finding.Tool{Name: name})
		f := capFinding(capability.NetworkClient, "fetch", fmt.Sprintf("h%d.example.com", i), "host", false, name)
		res.Findings = append(res.Findings, f)
	}
	out, err := Create(res)
	if err != nil {
		t.Fatalf("7,000 tools: %v", err)
	}
	if m, errs := Parse("m.yaml", out); len(errs) > 0 || len(m.Tools) != 7000 {
		t.Errorf("7,000 tools read back as %d, errors %v", len(m.Tools), errs[:min(len(errs), 3)])
	}
	// A 3 MB tool name: larger than MaxSize, refused by the writer.
	big := &finding.Result{Tools: []finding.Tool{{Name: strings.Repeat("n", 3<<20)}}}
	if _, err := Create(big); err == nil || !strings.Contains(err.Error(), "could not read back") {
		t.Errorf("Create with a 3 MB name: %v", err)
	}
	if _, err := AddGrant([]byte("version: 1\n"), strings.Repeat("n", 3<<20), capability.FileRead, "/x"); err == nil {
		t.Error("AddGrant wrote a manifest over MaxSize")
	}
	// A name YAML cannot hold as it is (not UTF-8): an error, not a renamed tool.
	if _, err := Create(&finding.Result{Tools: []finding.Tool{{Name: "a\xffb"}}}); err == nil {
		t.Error("Create wrote a tool name that reads back differently")
	}
}

// TestLongListIsNotABomb: 30,000 hosts written out were refused as an alias
// bomb; aliases that expand are still refused.
func TestLongListIsNotABomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\ntools:\n  t:\n    network.client:\n")
	for i := 0; i < 30000; i++ {
		fmt.Fprintf(&b, "      - h%d.example.com\n", i)
	}
	m, errs := Parse("m.yaml", []byte(b.String()))
	if len(errs) > 0 || m.Broken || len(m.Tool("t").Entries[0].Scopes) != 30000 {
		t.Errorf("30,000 hosts: broken=%v errs=%v", m.Broken, errs[:min(len(errs), 3)])
	}
	// 30 aliases of a 1,000-host list: 30,000 nodes reached through aliases.
	b.Reset()
	b.WriteString("hosts: &h [")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&b, "h%d.example.com, ", i)
	}
	b.WriteString("x.example.com]\ntools:\n")
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, "  t%d: {network.client: *h}\n", i)
	}
	if m, errs := Parse("m.yaml", []byte(b.String())); !m.Broken || len(errs) == 0 || !strings.Contains(errs[len(errs)-1].Message, "alias bomb") {
		t.Errorf("expanding aliases: broken=%v %v", m.Broken, errs)
	}
}

// TestSecondDocument: a second YAML document was silently ignored, and with
// it whatever it said.
func TestSecondDocument(t *testing.T) {
	for _, src := range []string{
		"version: 1\ntools:\n  a: {}\n---\ntools:\n  a:\n    system.exec: [\"*\"]\n",
		"---\nversion: 1\n...\n---\n",
		"version: 1\n---\n[unclosed\n",
	} {
		m, errs := Parse("m.yaml", []byte(src))
		if !m.Broken || len(errs) == 0 {
			t.Errorf("%q: broken=%v errs=%v", src, m.Broken, errs)
			continue
		}
		if _, err := AddGrant([]byte(src), "a", capability.FileRead, "/x"); err == nil {
			t.Errorf("%q: AddGrant edited a two-document manifest", src)
		}
	}
	// One document with its markers is fine.
	if m, errs := Parse("m.yaml", []byte("---\nversion: 1\n...\n")); m.Broken || len(errs) > 0 {
		t.Errorf("one document with markers: %v", errs)
	}
}

// TestReadFileHostile: the manifest as a pipe, a link to /dev/zero, a 50 GB
// sparse file, a directory or a link at all: ReadFile refuses each at once,
// and CheckAll turns the refusal into an invalid-manifest finding that fails
// --check instead of "no manifest".
func TestReadFileHostile(t *testing.T) {
	dir := t.TempDir()
	make := map[string]func(p string) error{
		"fifo": func(p string) error { return syscall.Mkfifo(p, 0o644) },
		"zero": func(p string) error { return os.Symlink("/dev/zero", p) },
		"sparse": func(p string) error {
			f, err := os.Create(p)
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Truncate(50 << 30)
		},
		"dir": func(p string) error { return os.Mkdir(p, 0o755) },
		"link": func(p string) error {
			real := filepath.Join(filepath.Dir(p), "real.yaml")
			os.WriteFile(real, []byte("version: 1\n"), 0o644)
			return os.Symlink(real, p)
		},
	}
	for name, mk := range make {
		t.Run(name, func(t *testing.T) {
			d := filepath.Join(dir, name)
			os.Mkdir(d, 0o755)
			p := filepath.Join(d, FileName)
			if err := mk(p); err != nil {
				t.Skip(err)
			}
			data, exists, err := ReadFile(p)
			if err == nil || !exists || data != nil {
				t.Fatalf("ReadFile = %d bytes, exists %v, err %v", len(data), exists, err)
			}
			res := &finding.Result{Findings: []finding.Finding{capFinding(capability.FileRead, "open", "/x", "path", true)}}
			res.Findings[0].File = "x.ts"
			CheckAll(d, res, func(p string) ([]byte, bool, error) { return ReadFile(p) })
			ds := Disagreements(res)
			found := false
			for _, f := range ds {
				found = found || f.Kind == finding.KindInvalidManifest && strings.Contains(f.Message, "cannot read the manifest")
			}
			if !found {
				t.Errorf("no invalid-manifest finding: %+v", ds)
			}
		})
	}
	if _, exists, err := ReadFile(filepath.Join(dir, "missing.yaml")); exists || err != nil {
		t.Errorf("missing: exists %v, err %v", exists, err)
	}
}

// TestHostileComments: the comments beside generated grants name calls,
// files and environment variables the analysed code chose. A line break
// in one (a file "a\nserver: {}\n#.py", an environment variable
// "X\nversion: 2") ended the comment, so `mcpriv manifest` refused its own
// output (exit 2); a control character reached the reviewer's terminal.
// They are written escaped, and the manifest reads back as generated.
func TestHostileComments(t *testing.T) {
	hostile := "X\nversion: 2\n#\x1b[2K\u2028\r"
	res := &finding.Result{
		Tools: []finding.Tool{{Name: "run"}},
		Findings: []finding.Finding{
			{Kind: finding.KindCapability, Capability: capability.NetworkClient, API: "requests.get", File: "a\nserver: {}\n#\x1b[2K.py",
				Tools: []string{"run"}},
			{Kind: finding.KindCapability, Capability: capability.NetworkClient, API: "requests.get", File: "b.py",
				Scope: "api.x.com", ScopeEnv: hostile, Tools: []string{"run"}},
			{Kind: finding.KindCapability, Capability: capability.FileRead, API: "open", File: "c.py",
				Scope: "/srv/a", ScopeOverride: hostile, Tools: []string{"run"}},
		},
	}
	text, err := Create(res)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	m, errs := Parse("m.yaml", text)
	if len(errs) > 0 {
		t.Fatalf("the generated manifest does not read back: %v\n%s", errs, text)
	}
	if m.Tool("run") == nil || m.Tool("run").Lookup(capability.NetworkClient) == nil || m.Tool("run").Lookup(capability.FileRead) == nil {
		t.Errorf("grants lost:\n%s", text)
	}
	if n := strings.Count(string(text), "\nserver:"); n != 1 {
		t.Errorf("%d server sections:\n%s", n, text)
	}
	for _, bad := range []string{"\x1b", "\r", "\u2028", "\nversion: 2"} {
		if strings.Contains(string(text), bad) {
			t.Errorf("the manifest holds %q:\n%s", bad, text)
		}
	}
	if !strings.Contains(string(text), `X\nversion: 2`) {
		t.Errorf("the variable is not named, escaped, in a comment:\n%s", text)
	}
}
