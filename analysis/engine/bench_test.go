package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/bigserver"
	"github.com/mcpriv/mcpriv/analysis/facts"
)

// Synthetic corpora shaped like real MCP servers: mostly ordinary code with
// a sprinkling of sensitive calls and tool registrations. Generated, so the
// benchmarks need no download.

func genJSModule(i int) string {
	return fmt.Sprintf(`
/***/ "./src/mod%[1]d.ts":
/***/ ((module, exports, __webpack_require__) => {
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.handler%[1]d = exports.Helper%[1]d = void 0;
const fs_1 = __webpack_require__("fs");
const path_1 = __webpack_require__("path");
class Helper%[1]d {
    constructor(root) { this.root = root; this.cache = new Map(); this.items = []; }
    resolve(name) { return path_1.join(this.root, String(name).replace(/[^a-z0-9_.-]/gi, "_")); }
    summarize(rows) {
        return rows.filter((r) => r && r.enabled).map((r, k) => ({ id: r.id ?? k, title: (r.title || "").trim(), tags: [...(r.tags || [])].sort() }))
            .reduce((acc, r) => { acc[r.id] = r; return acc; }, {});
    }
    async load(name) {
        if (this.cache.has(name)) return this.cache.get(name);
        const text = await fs_1.promises.readFile(this.resolve(name), "utf8");
        const value = JSON.parse(text);
        this.cache.set(name, value);
        return value;
    }
}
exports.Helper%[1]d = Helper%[1]d;
async function handler%[1]d(args) {
    const h = new Helper%[1]d("/srv/data");
    const data = await h.load(args.name);
    const lines = [];
    for (let k = 0; k < 10; k++) { lines.push("row " + k + ": " + JSON.stringify(data[k] ?? null)); }
    if (args.save) { fs_1.writeFileSync(h.resolve(args.name + ".out"), lines.join("\n")); }
    return { content: [{ type: "text", text: lines.join("\n") }] };
}
exports.handler%[1]d = handler%[1]d;
/***/ }),
`, i)
}

func genJSBundle(size int) []byte {
	var b strings.Builder
	b.WriteString("/******/ (() => { // webpackBootstrap\n/******/ \tvar __webpack_modules__ = ({\n")
	b.WriteString(`/***/ "fs": /***/ ((module) => { "use strict"; module.exports = require("fs"); }),
/***/ "path": /***/ ((module) => { "use strict"; module.exports = require("path"); }),
/***/ "child_process": /***/ ((module) => { "use strict"; module.exports = require("child_process"); }),
`)
	for i := 0; b.Len() < size; i++ {
		b.WriteString(genJSModule(i))
	}
	b.WriteString(`/******/ });
/******/ var __webpack_module_cache__ = {};
/******/ function __webpack_require__(moduleId) { var m = __webpack_module_cache__[moduleId]; if (m !== undefined) return m.exports;
/******/ var module = __webpack_module_cache__[moduleId] = { exports: {} }; __webpack_modules__[moduleId](module, module.exports, __webpack_require__); return module.exports; }
/******/ })();
`)
	return []byte(b.String())
}

func genPy(i int) string {
	return fmt.Sprintf(`

class Store%[1]d:
    """Keeps rows in memory and on disk."""

    def __init__(self, root: str):
        self.root = root
        self.rows = {}

    def key(self, name: str) -> str:
        return "".join(c if c.isalnum() else "_" for c in name)

    def summarize(self, rows):
        out = []
        for k, r in enumerate(rows):
            if not r or not r.get("enabled"):
                continue
            out.append({"id": r.get("id", k), "title": (r.get("title") or "").strip(), "tags": sorted(r.get("tags", []))})
        return {r["id"]: r for r in out}

    def save(self, name: str, text: str) -> None:
        with open(os.path.join(self.root, self.key(name)), "w") as f:
            f.write(text)


@mcp.tool()
def tool_%[1]d(name: str, text: str = "") -> str:
    s = Store%[1]d("/srv/data")
    rows = [{"id": k, "enabled": k %% 2 == 0, "title": f"row {k}"} for k in range(20)]
    summary = s.summarize(rows)
    if text:
        s.save(name, text)
    return json.dumps(summary)
`, i)
}

func genGo(i int) string {
	return fmt.Sprintf(`
type store%[1]d struct {
	root string
	rows map[string][]byte
}

func (s *store%[1]d) key(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' {
			return '_'
		}
		return r
	}, name)
}

func (s *store%[1]d) summarize(rows []map[string]any) map[string]any {
	out := map[string]any{}
	for k, r := range rows {
		if r == nil {
			continue
		}
		out[fmt.Sprint(k)] = r["title"]
	}
	return out
}

func (s *store%[1]d) save(name string, data []byte) error {
	return os.WriteFile(filepath.Join(s.root, s.key(name)), data, 0o600)
}

func handle%[1]d(ctx context.Context, req *mcp.CallToolRequest, in input) (*mcp.CallToolResult, any, error) {
	s := &store%[1]d{root: "/srv/data"}
	if err := s.save(in.Name, []byte(in.Text)); err != nil {
		return nil, nil, err
	}
	return &mcp.CallToolResult{}, s.summarize(nil), nil
}
`, i)
}

// writeCorpus writes files of about perFile bytes until total bytes, and
// returns the directory.
func writeCorpus(b *testing.B, lang string, total int) string {
	dir := b.TempDir()
	written, n := 0, 0
	for written < total {
		var name, text string
		switch lang {
		case "js":
			name = fmt.Sprintf("dist/bundle%d.js", n)
			text = string(genJSBundle(256 << 10))
		case "python":
			var s strings.Builder
			s.WriteString("import json\nimport os\nfrom mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP(\"bench\")\n")
			for k := 0; s.Len() < 64<<10; k++ {
				s.WriteString(genPy(n*1000 + k))
			}
			name, text = fmt.Sprintf("pkg/mod%d.py", n), s.String()
		case "go":
			var s strings.Builder
			s.WriteString("package main\n\nimport (\n\t\"context\"\n\t\"fmt\"\n\t\"os\"\n\t\"path/filepath\"\n\t\"strings\"\n\n\t\"github.com/modelcontextprotocol/go-sdk/mcp\"\n)\n\ntype input struct{ Name, Text string }\n")
			for k := 0; s.Len() < 64<<10; k++ {
				s.WriteString(genGo(n*1000 + k))
			}
			name, text = fmt.Sprintf("cmd/f%d.go", n), s.String()
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
		written += len(text)
		n++
	}
	return dir
}

// BenchmarkScan measures whole-tree scans (walk, read, parse, extract, link)
// of 8 MB per language on all cores; MB/s is in the output.
func BenchmarkScan(b *testing.B) {
	for _, lang := range []string{"js", "python", "go"} {
		b.Run(lang, func(b *testing.B) {
			dir := writeCorpus(b, lang, 8<<20)
			benchScan(b, dir)
		})
	}
}

// BenchmarkBundle9MB measures one 9 MB bundled JavaScript file.
func BenchmarkBundle9MB(b *testing.B) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.js"), genJSBundle(9<<20), 0o644); err != nil {
		b.Fatal(err)
	}
	benchScan(b, dir)
}

func benchScan(b *testing.B, dir string) { benchScanOpts(b, dir, Options{}) }

// BenchmarkScanWarmCache is BenchmarkScan of all three languages with the
// facts cache on disk filled by a first run (--cache-dir): nothing is
// parsed, facts are read back, checked and linked.
func BenchmarkScanWarmCache(b *testing.B) {
	dir := b.TempDir()
	for _, lang := range []string{"js", "python", "go"} {
		if err := os.CopyFS(filepath.Join(dir, lang), os.DirFS(writeCorpus(b, lang, 8<<20))); err != nil {
			b.Fatal(err)
		}
	}
	benchScanOpts(b, dir, Options{CacheDir: b.TempDir()})
}

// benchScanOpts scans dir once to warm up (and fill a disk cache), then
// b.N times with fresh engines. peak-RSS-MB is the process's high-water
// mark over those runs (reset after the warm-up where Linux allows; run one
// benchmark per process to read it as that benchmark's alone).
func benchScanOpts(b *testing.B, dir string, opts Options) {
	// Throughput counts the bytes of the files analysed, as --stats does.
	first, err := New(opts)
	if err != nil {
		b.Fatal(err)
	}
	warm, err := first.Scan(context.Background(), dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(warm.Bytes)
	warm, first = nil, nil
	resetPeakRSS()
	b.ReportAllocs()
	b.ResetTimer()
	var findings int
	var peak uint64
	for i := 0; i < b.N; i++ {
		e, err := New(opts) // a fresh engine: no facts in memory
		if err != nil {
			b.Fatal(err)
		}
		res, err := e.Scan(context.Background(), dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		findings = len(res.Findings)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	b.ReportMetric(float64(findings), "findings")
	b.ReportMetric(float64(peak)/(1<<20), "heap-MB")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
}

// resetPeakRSS returns the warm-up's memory to the system and resets the
// high-water mark (Linux: clear_refs 5), so the mark covers what follows.
func resetPeakRSS() {
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS is the process's resident-set high-water mark in bytes (0 where
// /proc does not tell).
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkScanDir scans the tree named by MCPRIV_BENCH_DIR (for example the
// cache of .ci/realworld.sh), to measure real servers; skipped when unset.
func BenchmarkScanDir(b *testing.B) {
	dir := os.Getenv("MCPRIV_BENCH_DIR")
	if dir == "" {
		b.Skip("set MCPRIV_BENCH_DIR to a tree of MCP servers")
	}
	benchScan(b, dir)
}

// BenchmarkScanRoots scans each directory listed (one a line) in the file
// named by MCPRIV_BENCH_ROOTS, one root after another, as the CLI does with
// several PATHs (for example the harness's ROOTS_FILE); skipped when unset.
func BenchmarkScanRoots(b *testing.B) {
	list := os.Getenv("MCPRIV_BENCH_ROOTS")
	if list == "" {
		b.Skip("set MCPRIV_BENCH_ROOTS to a file listing server directories")
	}
	data, err := os.ReadFile(list)
	if err != nil {
		b.Fatal(err)
	}
	roots := strings.Fields(string(data))
	var bytes int64
	scan := func() int {
		e, err := New(Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		bytes = 0
		for _, r := range roots {
			res, err := e.Scan(context.Background(), r, nil)
			if err != nil {
				b.Fatal(err)
			}
			n += len(res.Findings)
			bytes += res.Bytes
		}
		return n
	}
	scan()
	b.SetBytes(bytes)
	resetPeakRSS()
	b.ReportAllocs()
	b.ResetTimer()
	var findings int
	for i := 0; i < b.N; i++ {
		findings = scan()
	}
	b.ReportMetric(float64(findings), "findings")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
}

// editedFacts extracts text at p and a copy of it with one path literal in
// the middle changed, as the language server does after a keystroke.
func editedFacts(b *testing.B, e *Engine, p, text string) (before, after *facts.File) {
	mid := strings.Index(text[len(text)/2:], "/srv/data/") + len(text)/2 + len("/srv/data/")
	return extractPair(b, e, p, text, text[:mid]+"x"+text[mid:])
}

// graphEditedFacts is editedFacts with an edit the call graph sees: a new
// call in the middle of the file.
func graphEditedFacts(b *testing.B, e *Engine, p, text string) (before, after *facts.File) {
	mid := strings.Index(text[len(text)/2:], "\n") + len(text)/2 + 1
	line := "fetch(\"https://x.example.com\");\n"
	if strings.HasSuffix(p, ".py") {
		line = "requests.get(\"https://x.example.com\")\n"
	}
	return extractPair(b, e, p, text, text[:mid]+line+text[mid:])
}

// callEditedFacts is editedFacts with the edit the language server's
// -call benchmark types: a letter into the name of a called helper in the
// middle of the file, so the call no longer resolves.
func callEditedFacts(b *testing.B, e *Engine, p, text string) (before, after *facts.File) {
	marker := "const out = await helper"
	if strings.HasSuffix(p, ".py") {
		marker = "out = helper_"
	}
	mid := strings.Index(text[len(text)/2:], marker) + len(text)/2 + len(marker)
	return extractPair(b, e, p, text, text[:mid]+"x"+text[mid:])
}

func extractPair(b *testing.B, e *Engine, p, text, edited string) (before, after *facts.File) {
	var err error
	if before, err = e.ExtractFull(context.Background(), p, []byte(text)); err != nil {
		b.Fatal(err)
	}
	if after, err = e.ExtractFull(context.Background(), p, []byte(edited)); err != nil {
		b.Fatal(err)
	}
	return before, after
}

// BenchmarkLinkBig measures Link+Check after a one-file edit, as the
// language server runs them on every keystroke: a 10,000-line TypeScript or
// Python file whose facts change each iteration (a literal; in the -graph
// variants a new call; in the -call variants a helper's name typed into,
// so a call no longer resolves), and a 1,000-file
// workspace where one file's facts change and the others keep their
// pointers.
//
//	go test -run '^$' -bench LinkBig -benchmem ./analysis
func BenchmarkLinkBig(b *testing.B) {
	e, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	root := b.TempDir()
	run := func(b *testing.B, files []*facts.File, changed int, alt [2]*facts.File) {
		var findings int
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			files[changed] = alt[i%2]
			res := e.Link(root, files)
			e.Check(root, res, nil)
			findings = len(res.Findings)
		}
		b.ReportMetric(float64(findings), "findings")
	}
	for _, tc := range []struct{ name, text string }{{"ts10k", bigserver.TypeScript(10000)}, {"py10k", bigserver.Python(10000)}} {
		b.Run(tc.name, func(b *testing.B) {
			ext := ".ts"
			if tc.name == "py10k" {
				ext = ".py"
			}
			before, after := editedFacts(b, e, filepath.ToSlash(filepath.Join(root, "big"+ext)), tc.text)
			run(b, []*facts.File{before}, 0, [2]*facts.File{after, before})
		})
		b.Run(tc.name+"-graph", func(b *testing.B) {
			ext := ".ts"
			if tc.name == "py10k" {
				ext = ".py"
			}
			before, after := graphEditedFacts(b, e, filepath.ToSlash(filepath.Join(root, "big"+ext)), tc.text)
			run(b, []*facts.File{before}, 0, [2]*facts.File{after, before})
		})
		b.Run(tc.name+"-call", func(b *testing.B) {
			ext := ".ts"
			if tc.name == "py10k" {
				ext = ".py"
			}
			before, after := callEditedFacts(b, e, filepath.ToSlash(filepath.Join(root, "big"+ext)), tc.text)
			run(b, []*facts.File{before}, 0, [2]*facts.File{after, before})
		})
	}
	b.Run("ws1000", func(b *testing.B) {
		// 1,000 files of about 100 lines, half TypeScript, half Python.
		var files []*facts.File
		for i := 0; i < 1000; i++ {
			var p, text string
			if i%2 == 0 {
				p, text = fmt.Sprintf("src/m%d/server.ts", i), bigserver.TypeScript(100)
			} else {
				p, text = fmt.Sprintf("pkg/m%d/server.py", i), bigserver.Python(100)
			}
			f, err := e.ExtractFull(context.Background(), filepath.ToSlash(filepath.Join(root, p)), []byte(text))
			if err != nil {
				b.Fatal(err)
			}
			files = append(files, f)
		}
		const changed = 500
		before, after := editedFacts(b, e, files[changed].Path, bigserver.TypeScript(100))
		files[changed] = before
		run(b, files, changed, [2]*facts.File{after, before})
	})
}
