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
	entries, err := ReadLists(listsDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("the corpus lists are empty")
	}
	golden.Check(t, filepath.Join("..", "..", "testdata", "corpus", "split.tsv"), Format(entries))

	// One server, one part: a repository in two lists, or with two subpaths, is never split.
	part := map[string]string{}
	for _, e := range entries {
		if p, ok := part[e.Name]; ok && p != e.Split {
			t.Errorf("%s is in both parts", e.Name)
		}
		part[e.Name] = e.Split
	}
}
