package lang_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/analysis/source"
	"github.com/mcpriv/mcpriv/rules"
)

// languageTest matches code that decides by the language: a comparison with
// or case of a source.Lang constant or a rule family name.
var languageTest = regexp.MustCompile(`source\.(JavaScript|TypeScript|TSX|Python|Go)\b|(==|!=)\s*"(js|python|go)"|case\s+"(js|python|go)"`)

// languageHomes are where deciding by the language belongs: the registry
// and the language packages, the file-type and grammar tables a new
// language edits anyway, and the places docs/architecture.md ("Adding a
// language") names as changing only when a language departs from those
// there are. Each is a path prefix, with why. (analysis/source, which holds
// the extensions, families and names, names its constants unqualified.)
var languageHomes = map[string]string{
	"analysis/lang/":    "the registry and the extractors",
	"analysis/parse/":   "one tree-sitter grammar per language",
	"analysis/modules/": "Go modules: go.mod files of Go sources (ForFiles)",
	"rules/words.go":    "the pre-filter word of a module name: Python imports spell only its first dotted part",
	"rules/validate.go": `"*" segments are a Go module path's`,
}

// TestNoLanguageSwitchOutsideRegistry: the engine, the link, the rules and
// the front-ends ask lang.For / lang.All instead of switching on the
// language (issue 10: such switches were spread over about 14 files). A
// new one fails here until it is a Language method or listed above.
func TestNoLanguageSwitchOutsideRegistry(t *testing.T) {
	root := filepath.Join("..", "..")
	seen := 0
	used := map[string]bool{}
	for _, dir := range []string{"analysis", "lsp", "cmd", "rules"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return fs.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			rel = filepath.ToSlash(rel)
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			seen++
			for i, line := range strings.Split(string(b), "\n") {
				if !languageTest.MatchString(line) || strings.HasPrefix(strings.TrimSpace(line), "//") {
					continue
				}
				home := false
				for prefix := range languageHomes {
					if strings.HasPrefix(rel, prefix) {
						home, used[prefix] = true, true
					}
				}
				if !home {
					t.Errorf("%s:%d decides by the language outside the registry (make it a lang.Language method): %s", rel, i+1, strings.TrimSpace(line))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if seen < 100 {
		t.Fatalf("only %d Go files read", seen)
	}
	for prefix := range languageHomes {
		if !used[prefix] {
			t.Errorf("languageHomes lists %s, where nothing decides by the language any more", prefix)
		}
	}
}

// TestRuleFamiliesAreTheRegistry: every registered language has a rule
// family and every family a language, so a new language cannot be half
// added (rules.Families is also the rule schema's language enum).
func TestRuleFamiliesAreTheRegistry(t *testing.T) {
	var fams []string
	for _, x := range lang.All() {
		fams = append(fams, x.Family())
		if lang.ForFamily(x.Family()) != x {
			t.Errorf("ForFamily(%q) is not the registered language", x.Family())
		}
		if x.LineComment() == "" || source.DetectLang(x.ExampleFile()).Family() != x.Family() {
			t.Errorf("%s: line comment %q, example file %q", x.Family(), x.LineComment(), x.ExampleFile())
		}
	}
	if want := slices.Sorted(slices.Values(rules.Families)); !slices.Equal(slices.Sorted(slices.Values(fams)), want) {
		t.Errorf("registered languages %v, rule families %v", fams, want)
	}
}
