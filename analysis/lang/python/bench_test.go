package python

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// generated builds a large module in the style of generated API clients:
// many functions, classes, dict tables and calls.
func generated(size int) []byte {
	var b bytes.Buffer
	b.WriteString("import os\nimport requests\nfrom pathlib import Path\nfrom mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP('gen')\n\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `class Model%[1]d:
    session: requests.Session

    def __init__(self, base):
        self.base = base
        self.client = requests.Session()

    def get_%[1]d(self, item_id: str, params: dict | None = None) -> dict:
        url = f"{self.base}/v1/items/{item_id}"
        r = self.client.get(url, params=params or {}, timeout=30)
        r.raise_for_status()
        return {"id": item_id, "data": [x.strip() for x in r.json()["items"]]}


@mcp.tool(name="tool_%[1]d")
def tool_%[1]d(path: str, mode: str = "r") -> str:
    p = Path(os.environ.get("ROOT_%[1]d", "/srv")) / path
    with open(p, mode) as fh:
        return fh.read() + str(%[1]d)


TABLE_%[1]d = {"a": tool_%[1]d, "b": [1, 2, 3], "c": "x" * %[1]d}

`, i)
	}
	return b.Bytes()
}

// benchSize is the generated input size (multi-MB, like large generated modules).
const benchSize = 4 << 20

func BenchmarkExtract(b *testing.B) {
	src := generated(benchSize)
	tree, err := parse.Parse(context.Background(), source.Python, src, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tree.Close()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := Extract("gen.py", src, tree)
		if err != nil || len(f.Tools) == 0 {
			b.Fatalf("extract: %v (%d tools)", err, len(f.Tools))
		}
	}
}

// BenchmarkParse is the reference: extraction should cost well under it.
func BenchmarkParse(b *testing.B) {
	src := generated(benchSize)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		tree, err := parse.Parse(context.Background(), source.Python, src, nil)
		if err != nil {
			b.Fatal(err)
		}
		tree.Close()
	}
}
