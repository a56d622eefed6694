package lang_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
	"github.com/mcpriv/mcpriv/analysis/suppress"
)

// The conformance suite every registered extractor passes: on every
// fixture of the repository's analysis packages and on hostile snippets,
// the facts satisfy facts.Validate and two extractions are identical; and
// suppression comments mean the same in every language.

// extract parses and extracts src as path.
func extract(t *testing.T, path string, src []byte) *facts.File {
	t.Helper()
	l := source.DetectLang(path)
	tree, err := parse.Parse(context.Background(), l, src, nil)
	if err != nil {
		t.Fatalf("%s: parse: %v", path, err)
	}
	defer tree.Close()
	f, err := lang.Extract(path, l, src, tree)
	if err != nil && f == nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f
}

func conform(t *testing.T, path string, src []byte) {
	t.Helper()
	a := extract(t, path, src)
	if err := facts.Validate(a, len(src)); err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	b := extract(t, path, src)
	if !reflect.DeepEqual(a, b) {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		t.Errorf("%s: two extractions differ:\n%s\n%s", path, ja, jb)
	}
}

// exts are the extensions of the registered languages' sample files.
var exts = map[string]string{"js": ".js", "python": ".py", "go": ".go"}

func TestConformanceFixtures(t *testing.T) {
	if len(lang.All()) != len(exts) {
		t.Fatalf("%d languages registered, %d known to this test: add the new one's extension and snippets", len(lang.All()), len(exts))
	}
	seen := map[string]int{}
	for _, dir := range []string{"jsts/testdata", "python/testdata", "golang/testdata", "../engine/testdata", "../ranged/testdata", "../../testdata"} {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			l := source.DetectLang(p)
			if l == "" {
				return nil
			}
			src, err := source.ReadFile(p, 0)
			if err != nil {
				return nil // binary or oversized fixtures test the reader, not the extractor
			}
			seen[l.Family()]++
			conform(t, filepath.ToSlash(p), src)
			return nil
		})
	}
	for _, x := range lang.All() {
		if seen[x.Family()] < 5 {
			t.Errorf("%s: only %d fixtures", x.Family(), seen[x.Family()])
		}
	}
	t.Logf("fixtures by language: %v", seen)
}

// hostile are snippets no extractor may fail on: broken syntax, deep
// nesting, odd bytes, huge lines. %s is where the language's call goes.
var hostile = []string{
	"",
	"\n\n\n",
	"\ufeff",
	"((((((((((((((((((((((((((((((((((((((((",
	strings.Repeat("[", 5000),
	strings.Repeat("f(", 2000) + strings.Repeat(")", 2000),
	"\"unterminated",
	"'''",
	"/* unterminated",
	"# \u00e9\u00e8 \U0001F600 \u2028 \u00a0",
	"x = \"\x00\x01\x02\"",
	strings.Repeat("a", 200000),
	"\r\n\r\n\rx\r",
	"mcpriv-ignore",
	"// mcpriv-ignore: \n# mcpriv-ignore: *,, -- \n/* mcpriv-ignore: file.write -- r */",
	"if if if else while def func class import from package",
	"import\nfrom\nrequire(\nexport default\n",
	"@mcp.tool()\n@server.tool(\nserver.tool(\"x\", {}, async (a) => { exec(a.cmd",
	"func main() { exec.Command(os.Args[1]).Run() ",
	"def f(*args, **kw):\n  os.system(kw['x']\n",
}

func TestConformanceHostile(t *testing.T) {
	for _, x := range lang.All() {
		for i, s := range hostile {
			conform(t, "hostile/"+x.Family()+"/"+strings.Repeat("x", i%3+1)+exts[x.Family()], []byte(s))
		}
	}
}

// TestConformanceSuppressions writes the same suppression in every
// language, in each place a comment can stand, and requires the same
// meaning: which lines it covers.
func TestConformanceSuppressions(t *testing.T) {
	type form struct{ comment, block string }
	forms := map[string]form{
		"js":     {"// %s", "/* %s */"},
		"python": {"# %s", ""},
		"go":     {"// %s", "/* %s */"},
	}
	body := map[string][3]string{ // three statements, one per line
		"js":     {"const a = 1;", "fetch(u);", "const b = 2;"},
		"python": {"a = 1", "requests.get(u)", "b = 2"},
		"go":     {"a := 1", "http.Get(u)", "b := 2"},
	}
	wrap := map[string]func(lines []string) string{
		"js":     func(l []string) string { return strings.Join(l, "\n") + "\n" },
		"python": func(l []string) string { return strings.Join(l, "\n") + "\n" },
		"go": func(l []string) string {
			for i := range l {
				l[i] = "\t" + l[i]
			}
			return "package p\n\nfunc f() {\n" + strings.Join(l, "\n") + "\n}\n"
		},
	}
	const s = "mcpriv-ignore: network.client -- reviewed"
	// Each case: where the comment goes, and which of the three statement
	// lines it covers.
	cases := []struct {
		name   string
		place  func(f form, b [3]string) ([]string, bool)
		covers [3]bool
	}{
		{"alone above", func(f form, b [3]string) ([]string, bool) {
			return []string{b[0], "  " + sprintf(f.comment, s), b[1], b[2]}, true
		}, [3]bool{false, true, false}},
		{"trailing", func(f form, b [3]string) ([]string, bool) {
			return []string{b[0], b[1] + "  " + sprintf(f.comment, s), b[2]}, true
		}, [3]bool{false, true, false}},
		{"trailing the line above", func(f form, b [3]string) ([]string, bool) {
			return []string{b[0] + " " + sprintf(f.comment, s), b[1], b[2]}, true
		}, [3]bool{true, false, false}},
		{"block before code", func(f form, b [3]string) ([]string, bool) {
			if f.block == "" {
				return nil, false
			}
			return []string{b[0], sprintf(f.block, s) + " " + b[1], b[2]}, true
		}, [3]bool{false, true, false}},
		{"block alone above", func(f form, b [3]string) ([]string, bool) {
			if f.block == "" {
				return nil, false
			}
			return []string{b[0], sprintf(f.block, s), b[1], b[2]}, true
		}, [3]bool{false, true, false}},
	}
	for _, x := range lang.All() {
		fam := x.Family()
		for _, tc := range cases {
			lines, ok := tc.place(forms[fam], body[fam])
			if !ok {
				continue
			}
			src := wrap[fam](append([]string(nil), lines...))
			f := extract(t, "s"+exts[fam], []byte(src))
			if len(f.Suppressions) != 1 {
				t.Errorf("%s %s: %d suppressions in\n%s", fam, tc.name, len(f.Suppressions), src)
				continue
			}
			sup := &f.Suppressions[0]
			all := strings.Split(src, "\n")
			for k, stmt := range body[fam] {
				line := -1
				for n, l := range all {
					if strings.Contains(l, stmt) {
						line = n
					}
				}
				if got := suppress.Covers(sup, line); got != tc.covers[k] {
					t.Errorf("%s %s: covers %q: %v, want %v\n%s", fam, tc.name, stmt, got, tc.covers[k], src)
				}
			}
		}
	}
}

func sprintf(format, s string) string { return strings.Replace(format, "%s", s, 1) }
