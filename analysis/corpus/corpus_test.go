package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/golden"
)

// The values were computed independently: int(sha1(name).hexdigest(), 16) % 5 in Python.
func TestSplitOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  int
	}{
		{"chrome-devtools-mcp", 0},
		{"@storybook/mcp", 3},
		{"oraios/serena", 2},
		{"tuannvm/mcp-trino", 4},
		{"0xca1x/frida-mcp", 4},
		{"", 0},
		{"a", 2},
	} {
		want := Dev
		if tc.mod == 0 {
			want = Test
		}
		if got := SplitOf(tc.name); got != want {
			t.Errorf("SplitOf(%q) = %s, want %s (sha1 mod 5 = %d)", tc.name, got, want, tc.mod)
		}
	}
}

func TestReadListMalformed(t *testing.T) {
	for _, tc := range []struct{ file, text, err string }{
		{"npm-mcp.txt", "nover\n", "npm-mcp.txt:1: want name@version"},
		{"npm-mcp.txt", "ok@1\n@scope/noversion\n", "npm-mcp.txt:2:"},
		{"npm-mcp.txt", "trailing@\n", "npm-mcp.txt:1:"},
		{"github-go.tsv", "owner/name\n", "github-go.tsv:1: want OWNER/NAME"},
		{"github-go.tsv", "noslash\t.\tnote\n", "github-go.tsv:1:"},
		{"memory.tsv", "a/b\t../../etc\tnote\n", "memory.tsv:1:"},
		{"memory.tsv", "a/b\t/abs\tnote\n", "memory.tsv:1:"},
		{"memory.tsv", "a/b/c\t.\tnote\n", "memory.tsv:1:"},
	} {
		_, err := readList(strings.NewReader(tc.text), tc.file)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("readList(%q, %q): error %v, want one containing %q", tc.file, tc.text, err, tc.err)
		}
	}
}

func TestReadList(t *testing.T) {
	got, err := readList(strings.NewReader("# comment\n\n@scope/pkg@1.2.3\nplain@0.1.0-beta.1\r\nplain@0.1.0-beta.1\n"), "npm-mcp.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{List: "npm-mcp", Name: "@scope/pkg", Subpath: ".", Version: "1.2.3", Split: SplitOf("@scope/pkg")},
		{List: "npm-mcp", Name: "plain", Subpath: ".", Version: "0.1.0-beta.1", Split: SplitOf("plain")},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries %v, want %v", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	tsv, err := readList(strings.NewReader("o/r\tsrc/\tnote\no/r\t.\tother note\n"), "github-ts.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(tsv) != 2 || tsv[0].Subpath != "src" || tsv[1].Subpath != "." || tsv[0].Split != tsv[1].Split {
		t.Errorf("github-ts entries = %+v, want subpaths src and . in one split", tsv)
	}
}

func TestReadSplitRoundTrip(t *testing.T) {
	in := []Entry{{List: "npm-mcp", Name: "x", Subpath: ".", Split: Test}, {List: "memory", Name: "a/b", Subpath: "src", Split: Dev}}
	out, err := ReadSplit(strings.NewReader(Format(in)))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0] != in[0] || out[1] != in[1] {
		t.Errorf("round trip = %+v, want %+v", out, in)
	}
	for _, bad := range []string{"", "list\tname\n", Header + "\nnpm-mcp\tx\t.\tmaybe\n", Header + "\nnpm-mcp\tx\n"} {
		if _, err := ReadSplit(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadSplit(%q) accepted a malformed file", bad)
		}
	}
}

// listsDir finds the shared lists: $MCPRIV_CORPUS_LISTS, or ../shared/corpus
// beside the repository, where CI puts them.
func listsDir(t *testing.T) string {
	if d := os.Getenv("MCPRIV_CORPUS_LISTS"); d != "" {
		return d
	}
	d, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus lists missing at %s: CI has them beside the repository", d)
		}
		t.Skipf("corpus lists not found at %s (set MCPRIV_CORPUS_LISTS)", d)
	}
	return d
}

// TestSplitFile recomputes the split from the lists and compares it with
// the file in the repository; -update rewrites the file.
func TestSplitFile(t *testing.T) {
	dir := listsDir(t)
	f, err := os.Open(filepath.Join("..", "..", "testdata", "corpus", "same.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	same, err := ReadSame(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := ReadLists(dir, same)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("the corpus lists are empty")
	}
	golden.Check(t, filepath.Join("..", "..", "testdata", "corpus", "split.tsv"), Format(entries))

	// One server, one part: a repository in two lists, or with two
	// subpaths, or published on npm too, is never split.
	part := map[string]string{}
	for _, e := range entries {
		key := e.Name
		if repo, ok := same[e.Name]; ok && e.Version != "" {
			key = repo
		}
		if p, ok := part[key]; ok && p != e.Split {
			t.Errorf("%s is in both parts", key)
		}
		part[key] = e.Split
	}
}

func TestReadSame(t *testing.T) {
	same, err := ReadSame(strings.NewReader(SameHeader + "\n@s/pkg\towner/repo\n"))
	if err != nil || len(same) != 1 || same["@s/pkg"] != "owner/repo" {
		t.Fatalf("ReadSame = %v, %v", same, err)
	}
	for _, bad := range []string{"", "npm\n", SameHeader + "\npkg\n", SameHeader + "\npkg\tnoslash\n", SameHeader + "\np\ta/b\np\tc/d\n"} {
		if _, err := ReadSame(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadSame(%q) accepted a malformed table", bad)
		}
	}
}

// An npm package built from a listed repository takes the repository's part,
// and the table may not name servers that are not listed.
func TestReadListsSame(t *testing.T) {
	dir := t.TempDir()
	// "chrome-devtools-mcp" hashes to test, "oraios/serena" to dev.
	files := map[string]string{
		"npm-mcp.txt":       "chrome-devtools-mcp@1.0.0\n",
		"github-python.tsv": "oraios/serena\t.\tnote\n",
		"github-go.tsv":     "", "github-ts.tsv": "", "memory.tsv": "",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadLists(dir, map[string]string{"chrome-devtools-mcp": "oraios/serena"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Split != Dev || got[1].Split != Dev {
		t.Errorf("entries = %+v, want both in dev", got)
	}
	if _, err := ReadLists(dir, map[string]string{"chrome-devtools-mcp": "other/repo"}); err == nil {
		t.Error("a table naming an unlisted repository was accepted")
	}
	if _, err := ReadLists(dir, map[string]string{"unlisted": "oraios/serena"}); err == nil {
		t.Error("a table naming an unlisted package was accepted")
	}
	os.Remove(filepath.Join(dir, "memory.tsv"))
	if _, err := ReadLists(dir, nil); err == nil {
		t.Error("a missing list was accepted")
	}
}
