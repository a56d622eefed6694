package link

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/bigserver"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// workspace is a tree's sources by slash path relative to its root.
type workspace struct {
	root  string
	paths []string
	texts map[string]string
}

func loadWorkspace(t *testing.T, root string) *workspace {
	t.Helper()
	w := &workspace{root: root, texts: map[string]string{}}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(p) {
		case ".ts", ".js", ".mjs", ".py", ".go":
		default:
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		w.paths = append(w.paths, rel)
		w.texts[rel] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(w.paths)
	return w
}

// extract returns the facts of every file, texts overriding the workspace's.
func (w *workspace) extract(t *testing.T, e *testEngine, texts map[string]string) []*facts.File {
	t.Helper()
	var out []*facts.File
	for _, p := range w.paths {
		text, ok := texts[p]
		if !ok {
			text = w.texts[p]
		}
		if f, _ := e.ExtractFull(context.Background(), p, []byte(text)); f != nil {
			out = append(out, f) // binary or oversized files have none, as in a scan
		}
	}
	return out
}

// linkAndCheck is what the language server runs after an edit.
func linkAndCheck(e *testEngine, root string, files []*facts.File) *finding.Result {
	res := e.Link(root, files)
	e.Check(root, res, nil)
	return res
}

// edits are the changes a keystroke or a paste makes, from ones the call
// graph does not see (positions, literals, comments) to ones it does.
var edits = []struct {
	name string
	edit func(string) string
}{
	{"shift", func(s string) string { return "\n" + s }},
	{"literal", func(s string) string { return replaceNth(s, `"/`, `"/x`, 1) }},
	{"literal-late", func(s string) string { return replaceNth(s, `"/`, `"/tmp/`, 3) }},
	{"url", func(s string) string { return replaceNth(s, `https://`, `https://x.`, 1) }},
	// Literals that move tool input between a call's target and its payload.
	{"url-query", func(s string) string { return replaceNth(s, `/items/`, `/items?id=`, 1) }},
	{"shell", func(s string) string { return replaceNth(s, `"soffice"`, `"sh"`, 1) }},
	{"ignore", func(s string) string { return addIgnore(s, "file.write", "a reason") }},
	{"ignore-bad", func(s string) string { return addIgnore(s, "file.wrte", "") }},
	{"rename", func(s string) string { return renameFirstFunction(s) }},
	{"tool-name", func(s string) string { return replaceNth(s, `"tool_`, `"renamed_`, 1) }},
	{"drop-line", func(s string) string { return dropLineWith(s, "writeFile") }},
	{"dup-line", func(s string) string { return dupLineWith(s, "writeFile") }},
}

// dupLineWith repeats the first line holding word: a new call.
func dupLineWith(s, word string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.Contains(l, word) {
			return strings.Join(append(lines[:i+1:i+1], lines[i:]...), "\n")
		}
	}
	return s
}

func replaceNth(s, old, new string, n int) string {
	at := -1
	for i := 0; i < n; i++ {
		k := strings.Index(s[at+1:], old)
		if k < 0 {
			return s
		}
		at += 1 + k
	}
	return s[:at] + new + s[at+len(old):]
}

// addIgnore puts a suppression comment above the middle line of s.
func addIgnore(s, caps, reason string) string {
	lines := strings.Split(s, "\n")
	mid := len(lines) / 2
	indent := lines[mid][:len(lines[mid])-len(strings.TrimLeft(lines[mid], " \t"))]
	marker := "//"
	if strings.Contains(s, "\ndef ") || strings.Contains(s, "\nimport ") && !strings.Contains(s, ";") {
		marker = "#"
	}
	comment := indent + marker + " mcpriv-ignore: " + caps
	if reason != "" {
		comment += " -- " + reason
	}
	return strings.Join(append(lines[:mid:mid], append([]string{comment}, lines[mid:]...)...), "\n")
}

var funcName = regexp.MustCompile(`(?m)(?:function |def |func )([A-Za-z_][A-Za-z0-9_]*)`)

func renameFirstFunction(s string) string {
	m := funcName.FindStringSubmatchIndex(s)
	if m == nil {
		return s
	}
	return s[:m[3]] + "Renamed" + s[m[3]:]
}

func dropLineWith(s, word string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.Contains(l, word) {
			return strings.Join(append(lines[:i:i], lines[i+1:]...), "\n")
		}
	}
	return s
}

// TestRelinkMatchesFullLink edits each file of each tree and checks that
// linking the edited facts after the original ones (reusing the previous
// link) gives the result of an engine that never saw them.
func TestRelinkMatchesFullLink(t *testing.T) {
	dirs, err := filepath.Glob("../engine/testdata/link/*")
	if err != nil {
		t.Fatal(err)
	}
	var trees []*workspace
	for _, d := range dirs {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			trees = append(trees, loadWorkspace(t, d))
		}
	}
	big := &workspace{root: t.TempDir(), paths: []string{"big.py", "big.ts"},
		texts: map[string]string{"big.ts": bigserver.TypeScript(600), "big.py": bigserver.Python(600)}}
	trees = append(trees, big)

	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	relinked, full := 0, 0
	for _, w := range trees {
		root, _ := filepath.Abs(w.root)
		for _, p := range w.paths {
			for _, ed := range edits {
				text := ed.edit(w.texts[p])
				if text == w.texts[p] {
					continue
				}
				t.Run(fmt.Sprintf("%s/%s/%s", filepath.Base(w.root), p, ed.name), func(t *testing.T) {
					linkAndCheck(e, root, w.extract(t, e, nil))
					edited := w.extract(t, e, map[string]string{p: text})
					snap := e.linkCache().snapshot(root)
					got := linkAndCheck(e, root, edited)
					if e.linkCache().snapshot(root).out.statics[0] != nil && snapReused(snap, e.linkCache().snapshot(root)) {
						relinked++
					} else {
						full++
					}

					fresh, err := newTestEngine()
					if err != nil {
						t.Fatal(err)
					}
					want := linkAndCheck(fresh, root, w.extract(t, fresh, map[string]string{p: text}))
					if !reflect.DeepEqual(got, want) {
						t.Errorf("relinked result differs from a full link:\n%s", diffResults(got, want))
					}
				})
			}
		}
	}
	t.Logf("%d edits relinked, %d linked in full", relinked, full)
	if relinked == 0 || full == 0 {
		t.Errorf("the edits should exercise both paths: %d relinked, %d in full", relinked, full)
	}
}

// snapReused reports whether next was made by relink from prev: the
// statics of unchanged files are carried over without the index, and a
// relink shares the tool list.
func snapReused(prev, next *linkSnapshot) bool {
	return prev != nil && next != nil && len(prev.out.tools) > 0 && len(next.out.tools) > 0 &&
		&prev.out.tools[0] == &next.out.tools[0]
}

// relinkAndFull links the edited texts twice: with e, which starts from its
// previous link (the incremental path), and with a fresh engine (the plain
// computation). Callers compare the two.
// relinkEdit replaces from with to in file (its text in cur, else w's),
// requires the incremental link of all edits so far to equal a full link,
// and returns the full link's result.
func relinkEdit(t *testing.T, e *testEngine, w *workspace, cur map[string]string, file, from, to string) *finding.Result {
	t.Helper()
	old, ok := cur[file]
	if !ok {
		old = w.texts[file]
	}
	cur[file] = strings.Replace(old, from, to, 1)
	got, want := relinkAndFull(t, e, w, maps.Clone(cur))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s %q → %q: the incremental result differs from a full link:\n%s", file, from, to, diffResults(got, want))
	}
	return want
}

func relinkAndFull(t *testing.T, e *testEngine, w *workspace, edited map[string]string) (got, want *finding.Result) {
	t.Helper()
	got = linkAndCheck(e, w.root, w.extract(t, e, edited))
	fresh, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	return got, linkAndCheck(fresh, w.root, w.extract(t, fresh, edited))
}

func diffResults(a, b *finding.Result) string {
	var out strings.Builder
	n := max(len(a.Findings), len(b.Findings))
	for i := 0; i < n && out.Len() < 2000; i++ {
		var x, y finding.Finding
		if i < len(a.Findings) {
			x = a.Findings[i]
		}
		if i < len(b.Findings) {
			y = b.Findings[i]
		}
		if !reflect.DeepEqual(x, y) {
			fmt.Fprintf(&out, "finding %d:\n  got  %+v\n  want %+v\n", i, x, y)
		}
	}
	if !reflect.DeepEqual(a.Tools, b.Tools) {
		fmt.Fprintf(&out, "tools:\n  got  %+v\n  want %+v\n", a.Tools, b.Tools)
	}
	if !reflect.DeepEqual(a.Suppressed, b.Suppressed) {
		fmt.Fprintf(&out, "suppressed:\n  got  %+v\n  want %+v\n", a.Suppressed, b.Suppressed)
	}
	return out.String()
}

// TestLinkConcurrent links several roots at once on one engine, each
// alternating between two versions of a file, and checks every result.
func TestLinkConcurrent(t *testing.T) {
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]string{"a/server.ts": bigserver.TypeScript(200), "b/server.py": bigserver.Python(200)}
	w := &workspace{root: t.TempDir(), paths: []string{"a/server.ts", "b/server.py"}, texts: base}
	edited := map[string]string{"a/server.ts": replaceNth(base["a/server.ts"], `"/`, `"/x`, 2)}
	versions := [2][]*facts.File{w.extract(t, e, nil), w.extract(t, e, edited)}
	var want [2]*finding.Result
	for v := range versions {
		fresh, err := newTestEngine()
		if err != nil {
			t.Fatal(err)
		}
		want[v] = linkAndCheck(fresh, w.root, versions[v])
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		root := w.root
		if g%2 == 1 {
			root = filepath.Join(w.root, "..", filepath.Base(w.root)) // another spelling of the same root
		}
		wg.Go(func() {
			for i := 0; i < 20; i++ {
				v := (i + g) % 2
				if got := linkAndCheck(e, root, versions[v]); !reflect.DeepEqual(got.Findings, want[v].Findings) || !reflect.DeepEqual(got.Tools, want[v].Tools) {
					t.Errorf("goroutine %d, link %d: result differs from a full link", g, i)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestLinkCacheBounded checks that a root keeps only the files of its
// latest link, and that few roots are kept.
func TestLinkCacheBounded(t *testing.T) {
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	w := &workspace{root: t.TempDir(), paths: []string{"a.ts", "b.ts"}, texts: map[string]string{"a.ts": bigserver.TypeScript(50), "b.ts": bigserver.TypeScript(60)}}
	files := w.extract(t, e, nil)
	e.Link(w.root, files)
	e.Link(w.root, files[:1])
	abs, _ := filepath.Abs(w.root)
	if snap := e.linkCache().snapshot(abs); snap == nil || len(snap.given) != 1 || len(snap.base) != 1 {
		t.Fatalf("after linking one file the root keeps %v", snap)
	}
	for i := 0; i < maxCachedRoots+3; i++ {
		e.Link(filepath.Join(w.root, fmt.Sprint(i)), files)
	}
	c := e.linkCache()
	c.mu.Lock()
	n := len(c.roots)
	c.mu.Unlock()
	if n != maxCachedRoots {
		t.Errorf("%d roots cached, want %d", n, maxCachedRoots)
	}
}

// TestRelinkAccessKey is issue 10's reproduction: an edit from
// process.env.HOME to process.env.PATH changes only the literal key of an
// access; the relinked result must take the new scope, as a full link does.
func TestRelinkAccessKey(t *testing.T) {
	const server = `import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
const server = new McpServer({ name: "s", version: "1" });
server.tool("home", {}, async () => {
  return { content: [{ type: "text", text: process.env.HOME }] };
});
`
	for _, tc := range []struct{ path, text, from, to string }{
		{"server.ts", server, "process.env.HOME", "process.env.PATH"},
		{"server.py", "import os\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP(\"s\")\n\n@mcp.tool()\ndef home() -> str:\n    return os.environ[\"HOME\"]\n", `os.environ["HOME"]`, `os.environ["PATH"]`},
	} {
		e, err := newTestEngine()
		if err != nil {
			t.Fatal(err)
		}
		w := &workspace{root: t.TempDir(), paths: []string{tc.path}, texts: map[string]string{tc.path: tc.text}}
		before := linkAndCheck(e, w.root, w.extract(t, e, nil))
		edited := strings.Replace(tc.text, tc.from, tc.to, 1)
		got, want := relinkAndFull(t, e, w, map[string]string{tc.path: edited})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: after %s → %s the relinked result differs from a full link:\n%s", tc.path, tc.from, tc.to, diffResults(got, want))
		}
		if reflect.DeepEqual(before.Findings, want.Findings) {
			t.Errorf("%s: the edit changes no finding, so the test shows nothing: %+v", tc.path, want.Findings)
		}
	}
}

// TestRelinkOptionStore: an edit of the literal a client option is
// assigned after construction (client.baseURL = "…") changes the scope of
// another call of the file (overrideStores); the relinked result must take
// it, as a full link does.
func TestRelinkOptionStore(t *testing.T) {
	const js = `import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import OpenAI from "openai";
const server = new McpServer({ name: "s", version: "1" });
const client = new OpenAI();
client.baseURL = "https://a.example.com/v1";
server.tool("ask", {}, async () => {
  await client.chat.completions.create({ model: "m", messages: [] });
  return { content: [] };
});
`
	const py = "from openai import OpenAI\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP(\"s\")\nclient = OpenAI()\n" +
		"client.base_url = \"https://a.example.com/v1\"\n\n@mcp.tool()\ndef ask() -> str:\n    return str(client.chat.completions.create(model=\"m\"))\n"
	for _, tc := range []struct{ path, text, from, to string }{
		{"server.ts", js, "a.example.com", "b.example.com"},
		{"server.py", py, "a.example.com", "b.example.com"},
		{"server.py", py, `"https://a.example.com/v1"`, `"https://a.example.com" + input()`},
	} {
		e, err := newTestEngine()
		if err != nil {
			t.Fatal(err)
		}
		w := &workspace{root: t.TempDir(), paths: []string{tc.path}, texts: map[string]string{tc.path: tc.text}}
		before := linkAndCheck(e, w.root, w.extract(t, e, nil))
		edited := strings.Replace(tc.text, tc.from, tc.to, 1)
		got, want := relinkAndFull(t, e, w, map[string]string{tc.path: edited})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: after %s → %s the relinked result differs from a full link:\n%s", tc.path, tc.from, tc.to, diffResults(got, want))
		}
		if reflect.DeepEqual(before.Findings, want.Findings) {
			t.Errorf("%s: the edit changes no finding, so the test shows nothing: %+v", tc.path, want.Findings)
		}
	}
}
