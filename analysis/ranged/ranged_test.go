package ranged

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sitter "github.com/smacker/go-tree-sitter"

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

func bigTS(blocks int) string {
	var b strings.Builder
	b.WriteString("import { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\nimport { promises as fs } from \"node:fs\";\nimport { z } from \"zod\";\n\nconst server = new McpServer({ name: \"big\", version: \"1.0.0\" });\n\n")
	for i := 0; i < blocks; i++ {
		fmt.Fprintf(&b, `// Block %d: a tool and its helpers.
async function helper%d(p: string, body: string): Promise<string> {
  const full = "/srv/data/%d/" + p;
  await fs.writeFile(full, body);
  const items = [1, 2, 3].map((x) => x * %d);
  return items.join(",") + full;
}

server.tool("tool_%d", { path: z.string(), body: z.string() }, async ({ path, body }) => {
  const out = await helper%d(path, body);
  const r = await fetch("https://api%d.example.com/v1/items");
  return { content: [{ type: "text", text: out + (await r.text()) }] };
});

`, i, i, i, i, i, i, i)
	}
	return b.String()
}

func bigPy(blocks int) string {
	var b strings.Builder
	b.WriteString("import os\nimport subprocess\nimport requests\nfrom mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP(\"big\")\n\n")
	for i := 0; i < blocks; i++ {
		fmt.Fprintf(&b, `# Block %d: a tool and its helper.
def helper_%d(p: str, body: str) -> str:
    full = "/srv/data/%d/" + p
    with open(full, "w") as f:
        f.write(body)
    return ",".join(str(x * %d) for x in [1, 2, 3]) + full


@mcp.tool()
def tool_%d(path: str, body: str) -> str:
    """Writes a note and fetches an item."""
    out = helper_%d(path, body)
    r = requests.get("https://api%d.example.com/v1/items", timeout=5)
    return out + r.text


`, i, i, i, i, i, i, i)
	}
	return b.String()
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
	c := []corpusFile{{"big.ts", source.TypeScript, bigTS(30)}, {"big.py", source.Python, bigPy(30)}}
	files, _ := filepath.Glob("../../testdata/servers/*/*")
	more, _ := filepath.Glob("../../testdata/servers/*/*/*")
	for _, p := range append(files, more...) {
		lang := source.DetectLang(p)
		if !Supported(lang) {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil || len(b) > 200_000 {
			continue
		}
		c = append(c, corpusFile{p, lang, string(b)})
	}
	return c
}

// TestRandomEditsMatchWholeFile applies random edits and checks that every
// ranged result equals a whole-file extraction of the same text.
func TestRandomEditsMatchWholeFile(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 200
	}
	for _, cf := range corpus(t) {
		t.Run(filepath.Base(cf.name), func(t *testing.T) {
			rng := rand.New(rand.NewSource(int64(len(cf.text))))
			orig := []byte(cf.text)
			_, origSt := full(t, cf.name, cf.lang, orig)
			text, st := orig, origSt
			h := hooks(cf.name, cf.lang)
			ranged, mismatches := 0, 0
			reasons := map[string]int{}
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
				got, gotSt, _, err := st.Update(next, nil, h)
				text = next
				if i%4 == 3 { // two-edit chains at most from the original: random edits soon make garbage
					text, st = orig, origSt
				}
				if err != nil {
					reasons[err.Error()]++
					if i%4 != 3 {
						st = wantSt
					}
					continue
				}
				ranged++
				if g, w := Canonical(got), Canonical(want); !bytes.Equal(g, w) {
					mismatches++
					if mismatches <= 3 {
						t.Errorf("edit %d at %d: ranged facts differ from whole-file facts\n%s", i, at, firstDiff(g, w))
					}
					if i%4 != 3 {
						st = wantSt
					}
					continue
				}
				if i%4 != 3 {
					st = gotSt
				}
			}
			if os.Getenv("MCPRIV_RANGED_REASONS") != "" {
				for r, k := range reasons {
					t.Logf("  %4d × %s", k, r)
				}
			}
			t.Logf("%s: %d edits, %d ranged (%.0f%%), %d mismatches", cf.name, n, ranged, 100*float64(ranged)/float64(n), mismatches)
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
	}{{"big.ts", source.TypeScript, bigTS(667)}, {"big.py", source.Python, bigPy(625)}} {
		b.Run(tc.name, func(b *testing.B) {
			text := []byte(tc.text)
			_, st := full(b, tc.name, tc.lang, text)
			at := len(text)/2 + bytes.Index(text[len(text)/2:], []byte("/srv/data/")) + len("/srv/data/")
			typed := append(append(append([]byte{}, text[:at]...), 'x'), text[at:]...)
			h := hooks(tc.name, tc.lang)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				next := typed
				if i%2 == 1 {
					next = text
				}
				_, ns, _, err := st.Update(next, nil, h)
				if err != nil {
					b.Fatal(err)
				}
				st = ns
			}
		})
	}
}
