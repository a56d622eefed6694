package ranged

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/bigserver"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/lang/jsts"
	"github.com/mcpriv/mcpriv/analysis/lang/python"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

func hooks(path string, lang source.Lang) Hooks {
	return Hooks{
		Parse: func(src []byte) (*sitter.Tree, error) { return parse.Parse(context.Background(), lang, src, nil) },
		Extract: func(src []byte, tree *sitter.Tree) (*facts.File, error) {
			if lang.Family() == "python" {
				return python.Extract(path, src, tree)
			}
			return jsts.Extract(path, lang, src, tree)
		},
	}
}

// withFull returns h whose Full parses next from scratch, and a func
// closing that tree.
func withFull(h Hooks, lang source.Lang, next []byte) (Hooks, func()) {
	var tree *sitter.Tree
	h.Full = func() (*sitter.Tree, error) {
		if tree == nil {
			t, err := parse.Parse(context.Background(), lang, next, nil)
			if err != nil {
				return nil, err
			}
			tree = t
		}
		return tree, nil
	}
	return h, func() {
		if tree != nil {
			tree.Close()
		}
	}
}

// full extracts text from scratch and returns its facts and state.
func full(t testing.TB, path string, lang source.Lang, text []byte) (*facts.File, *State) {
	h := hooks(path, lang)
	tree, err := h.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	f, err := h.Extract(text, tree)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f, New(lang, text, nil, tree, f)
}

// snippets are what the random edits type.
var snippets = []string{"x", "x", "x", "\n", " ", "(", ")", "{", "}", "\"", "'", ":", ",", ".", "=",
	"// note\n", "# note\n", "helper1(p)", "helper_1(p)", "fs", "server", "mcp", "let q = 1;\n", "q = 2\n",
	"function extra() { return fs.readFile(\"/x\"); }\n", "def extra():\n    return open(\"/x\")\n",
	"\n    os.system(\"ls\")\n", "await fs.unlink(p);\n", "// mcpriv-ignore file.write: reason\n"}

type corpusFile struct {
	name string
	lang source.Lang
	text string
}

func corpus(t testing.TB) []corpusFile {
	c := []corpusFile{{"big.ts", source.TypeScript, bigserver.TypeScript(420)}, {"big.py", source.Python, bigserver.Python(480)},
		// CRLF line ends and non-ASCII text before and after the edits.
		{"crlf.ts", source.TypeScript, strings.ReplaceAll("// héllo 😀\n"+bigserver.TypeScript(112), "\n", "\r\n")},
		{"crlf.py", source.Python, strings.ReplaceAll("# héllo 😀\n"+bigserver.Python(128), "\n", "\r\n")}}
	files, _ := filepath.Glob("../../testdata/servers/*/*")
	more, _ := filepath.Glob("../../testdata/servers/*/*/*")
	// MCPRIV_RANGED_CORPUS adds the sources under a directory, e.g. the real
	// servers .ci/realworld.sh downloads (~/.cache/mcpriv/realworld).
	if dir := os.Getenv("MCPRIV_RANGED_CORPUS"); dir != "" {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.Contains(p, "/node_modules/") && !strings.HasSuffix(p, ".d.ts") {
				more = append(more, p)
			}
			return nil
		})
	}
	for _, p := range append(files, more...) {
		lang := source.DetectLang(p)
		if !Supported(lang) {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil || len(b) > 200_000 || len(b) < 200 {
			continue
		}
		c = append(c, corpusFile{p, lang, string(b)})
	}
	return c
}

// tally checks ranged updates of one file against whole-file extractions
// and counts them, for the randomized tests.
type tally struct {
	t                         *testing.T
	cf                        corpusFile
	h                         Hooks
	steps, ranged, mismatches int
	reasons                   map[string]int
}

func newTally(t *testing.T, cf corpusFile) *tally {
	return &tally{t: t, cf: cf, h: hooks(cf.name, cf.lang), reasons: map[string]int{}}
}

// step updates st (nil: no state) to next by range and compares the result
// with want, the whole-file facts of next; it returns the state to go on
// from: the ranged one, or wantSt when the update was refused or wrong.
func (y *tally) step(st *State, next []byte, want *facts.File, wantSt *State, what string) *State {
	y.steps++
	hf, done := withFull(y.h, y.cf.lang, next)
	got, gotSt, err := st.Update(next, nil, hf)
	done()
	if err != nil {
		y.reasons[err.Error()]++
		return wantSt
	}
	y.ranged++
	if g, w := Canonical(got), Canonical(want); !bytes.Equal(g, w) {
		y.mismatches++
		if y.mismatches <= 3 {
			y.t.Errorf("%s: ranged facts differ from whole-file facts\n%s", what, firstDiff(g, w))
		}
		return wantSt
	}
	return gotSt
}

// report logs the counts (and, with MCPRIV_RANGED_REASONS set, why updates
// were refused) and fails when fewer than min of the steps were ranged in
// the big files.
func (y *tally) report(unit string, min float64) {
	if os.Getenv("MCPRIV_RANGED_REASONS") != "" {
		for r, k := range y.reasons {
			y.t.Logf("  %4d × %s", k, r)
		}
	}
	share := float64(y.ranged) / float64(max(y.steps, 1))
	y.t.Logf("%s: %d %s, %d ranged (%.0f%%), %d mismatches", y.cf.name, y.steps, unit, y.ranged, 100*share, y.mismatches)
	if strings.HasPrefix(y.cf.name, "big.") && share < min {
		y.t.Errorf("only %d of %d %s were ranged", y.ranged, y.steps, unit)
	}
}

// TestRandomEditsMatchWholeFile applies random edits and checks that every
// ranged result equals a whole-file extraction of the same text.
func TestRandomEditsMatchWholeFile(t *testing.T) {
	n := editCount(150, 60)
	for _, cf := range corpus(t) {
		t.Run(filepath.Base(cf.name), func(t *testing.T) {
			rng := rand.New(rand.NewSource(int64(len(cf.text))))
			orig := []byte(cf.text)
			_, origSt := full(t, cf.name, cf.lang, orig)
			text, st := orig, origSt
			y := newTally(t, cf)
			for i := 0; i < n; i++ {
				at := rng.Intn(len(text) + 1)
				var next []byte
				if rng.Intn(3) == 0 && len(text) > 0 {
					end := min(len(text), at+1+rng.Intn(8))
					next = append(append([]byte{}, text[:at]...), text[end:]...)
				} else {
					s := snippets[rng.Intn(len(snippets))]
					next = append(append(append([]byte{}, text[:at]...), s...), text[at:]...)
				}
				want, wantSt := full(t, cf.name, cf.lang, next)
				text, st = next, y.step(st, next, want, wantSt, fmt.Sprintf("edit %d at %d", i, at))
				if i%4 == 3 { // two-edit chains at most from the original: random edits soon make garbage
					text, st = orig, origSt
				}
			}
			y.report("edits", 0)
		})
	}
}

func firstDiff(a, b []byte) string {
	i := commonPrefix(a, b)
	lo := max(0, i-300)
	return fmt.Sprintf("ranged: …%s…\nwhole:  …%s…", a[lo:min(len(a), i+200)], b[lo:min(len(b), i+200)])
}

// BenchmarkUpdate measures a one-character edit in the middle of a
// 10,000-line file, typed and deleted in turn.
//
//	go test -run '^$' -bench Update ./analysis/ranged
func BenchmarkUpdate(b *testing.B) {
	for _, tc := range []struct {
		name string
		lang source.Lang
		text string
	}{{"big.ts", source.TypeScript, bigserver.TypeScript(10000)}, {"big.py", source.Python, bigserver.Python(10000)}} {
		b.Run(tc.name, func(b *testing.B) {
			text := []byte(tc.text)
			_, st := full(b, tc.name, tc.lang, text)
			at := len(text)/2 + bytes.Index(text[len(text)/2:], []byte("/srv/data/")) + len("/srv/data/")
			typed := append(append(append([]byte{}, text[:at]...), 'x'), text[at:]...)
			h := hooks(tc.name, tc.lang)
			// The language server has the line index of each version already.
			typedLines, textLines := source.NewLines(typed), source.NewLines(text)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				next, lines := typed, typedLines
				if i%2 == 1 {
					next, lines = text, textLines
				}
				_, ns, err := st.Update(next, lines, h)
				if err != nil {
					b.Fatal(err)
				}
				st = ns
			}
		})
	}
}

// TestTypingMatchesWholeFile makes the edits of someone typing in a valid
// file — a character inside a string or a name, a new line, a comment, a
// deleted character of a name — chained, and checks every ranged result
// against a whole-file extraction. Most of them must be ranged: that is
// the point of the package.
func TestTypingMatchesWholeFile(t *testing.T) {
	n := editCount(80, 30)
	for _, cf := range corpus(t) {
		t.Run(filepath.Base(cf.name), func(t *testing.T) {
			rng := rand.New(rand.NewSource(7))
			text := []byte(cf.text)
			_, st := full(t, cf.name, cf.lang, text)
			if st == nil {
				t.Skip("the file does not parse cleanly")
			}
			y := newTally(t, cf)
			for i := 0; i < n; i++ {
				next := typingEdit(rng, text, cf.lang)
				want, wantSt := full(t, cf.name, cf.lang, next)
				if wantSt == nil || len(want.ParseErrors) > 0 {
					continue // the edit broke the file: TestTypingStatement types through broken code
				}
				text, st = next, y.step(st, next, want, wantSt, fmt.Sprintf("edit %d", i))
			}
			y.report("valid edits", 0.8)
		})
	}
}

// typingEdit returns text after one edit of the kinds typing makes.
func typingEdit(rng *rand.Rand, text []byte, lang source.Lang) []byte {
	insert := func(at int, s string) []byte {
		return append(append(append([]byte{}, text[:at]...), s...), text[at:]...)
	}
	pick := func(c byte) int { // a random occurrence of c
		for tries := 0; tries < 50; tries++ {
			at := rng.Intn(len(text))
			if j := bytes.IndexByte(text[at:], c); j >= 0 {
				return at + j
			}
		}
		return -1
	}
	comment := "// "
	if lang.Family() == "python" {
		comment = "# "
	}
	switch rng.Intn(5) {
	case 0: // a character inside a string
		if at := pick('"'); at >= 0 {
			return insert(at+1, string(rune('a'+rng.Intn(26))))
		}
	case 1: // a character at the end of a name
		for tries := 0; tries < 50; tries++ {
			at := rng.Intn(len(text))
			if isIdent(text[at]) && at+1 < len(text) && !isIdent(text[at+1]) {
				return insert(at+1, string(rune('a'+rng.Intn(26))))
			}
		}
	case 2: // a new line after a line
		if at := pick('\n'); at >= 0 {
			return insert(at+1, "\n")
		}
	case 3: // a comment line
		if at := pick('\n'); at >= 0 {
			end := at + 1
			indent := 0
			for end+indent < len(text) && text[end+indent] == ' ' {
				indent++
			}
			return insert(end, strings.Repeat(" ", indent)+comment+"note é😀\n")
		}
	case 4: // delete a character of a long name
		for tries := 0; tries < 50; tries++ {
			at := rng.Intn(len(text) - 3)
			if isIdent(text[at]) && isIdent(text[at+1]) && isIdent(text[at+2]) && text[at] > '9' {
				return append(append([]byte{}, text[:at+1]...), text[at+2:]...)
			}
		}
	}
	return insert(len(text), "\n")
}

// TestTypingStatement types statements character by character at the start
// of lines inside function bodies: most intermediate texts do not parse
// (the ranged path then checks the file's own parse), and every result must
// equal a whole-file extraction.
func TestTypingStatement(t *testing.T) {
	lines := editCount(3, 1)
	stmts := map[string]string{
		"js":     "const q = await fs.readFile(\"/etc/\" + p, \"utf8\");",
		"python": "q = open(\"/etc/\" + p).read()",
	}
	for _, cf := range corpus(t) {
		t.Run(filepath.Base(cf.name), func(t *testing.T) {
			rng := rand.New(rand.NewSource(3))
			orig := []byte(cf.text)
			_, origSt := full(t, cf.name, cf.lang, orig)
			if origSt == nil {
				t.Skip("the file does not parse cleanly")
			}
			y := newTally(t, cf)
			stmt := stmts[cf.lang.Family()]
			for l := 0; l < lines; l++ {
				// The end of an indented line followed by another: a new line
				// typed there is inside the same body.
				at, indent := 0, 0
				for tries := 0; tries < 200 && at == 0; tries++ {
					i := rng.Intn(len(orig))
					j := bytes.LastIndexByte(orig[:i], '\n') + 1 // line start
					e := bytes.IndexByte(orig[j:], '\n')
					if e < 0 {
						continue
					}
					e += j
					ind, next := 0, 0
					for j+ind < e && orig[j+ind] == ' ' {
						ind++
					}
					for e+1+next < len(orig) && orig[e+1+next] == ' ' {
						next++
					}
					if ind >= 2 && next == ind && j+ind < e && orig[e-1] != ',' && orig[e-1] != '(' && orig[e-1] != '{' && orig[e-1] != '[' {
						at, indent = e, ind
					}
				}
				if at == 0 {
					continue
				}
				st := origSt
				typed := "\n" + strings.Repeat(" ", indent) + stmt
				for c := 1; c <= len(typed); c++ {
					next := append(append(append([]byte{}, orig[:at]...), typed[:c]...), orig[at:]...)
					want, wantSt := full(t, cf.name, cf.lang, next)
					st = y.step(st, next, want, wantSt, fmt.Sprintf("typing %q", typed[:c]))
				}
			}
			y.report("keystrokes", 0.5)
		})
	}
}

// editCount is how many edits a randomized test makes: fewer with -short,
// as many as MCPRIV_RANGED_EDITS says when set (the figures in docs/lsp.md
// come from MCPRIV_RANGED_EDITS=1500).
func editCount(normal, short int) int {
	if v, err := strconv.Atoi(os.Getenv("MCPRIV_RANGED_EDITS")); err == nil && v > 0 {
		return v
	}
	if testing.Short() {
		return short
	}
	return normal
}

// FuzzUpdate: any edit of any text either is refused or gives the facts of
// a whole-file extraction; Update never panics.
//
//	go test -fuzz FuzzUpdate ./analysis/ranged
func FuzzUpdate(f *testing.F) {
	f.Add(bigserver.TypeScript(42), 200, 0, "x", false)
	f.Add(bigserver.Python(48), 150, 3, "\n    os.system(p)\n", true)
	f.Add("import os\nx = 1\n", 0, 9, "", true)
	f.Add("const a = 1;\n\nfunction f() { return a; }\n", 14, 0, "function g() {}\n", false)
	f.Fuzz(func(t *testing.T, text string, at, del int, ins string, py bool) {
		lang, name := source.TypeScript, "f.ts"
		if py {
			lang, name = source.Python, "f.py"
		}
		if len(text) > 1<<14 || len(ins) > 256 {
			return
		}
		_, st := full(t, name, lang, []byte(text))
		if st == nil {
			return
		}
		at = min(max(at, 0), len(text))
		end := min(at+max(del, 0)%16, len(text))
		next := []byte(text[:at] + ins + text[end:])
		hf, done := withFull(hooks(name, lang), lang, next)
		defer done()
		got, _, err := st.Update(next, nil, hf)
		if err != nil {
			return
		}
		want, _ := full(t, name, lang, next)
		if g, w := Canonical(got), Canonical(want); !bytes.Equal(g, w) {
			t.Fatalf("ranged facts differ from whole-file facts\n%s", firstDiff(g, w))
		}
	})
}
