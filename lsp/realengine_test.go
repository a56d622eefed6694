package lsp

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/mcpriv/mcpriv/analysis/bigserver"
	"github.com/mcpriv/mcpriv/analysis/buildout"
	"github.com/mcpriv/mcpriv/analysis/engine"
)

// The tests in this file run the server with the real engine.

func realEngine(cfg EngineConfig) (Engine, error) {
	return engine.New(engine.Options{Excludes: cfg.Excludes, MaxFileSize: cfg.MaxFileSize, Policy: cfg.Policy})
}

func percentile(ds []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// measureEdits opens name with text in a server on the real engine and makes
// edits one-character edits in the middle of the file, alternately typing and
// deleting a character of a path literal so every edit changes a diagnostic.
// It returns the analysis-to-publish time of each run and the client-observed
// didChange-to-publishDiagnostics time (debounce of 1 ms included). The
// client does not decode what it receives (rawClient): its garbage would
// otherwise be collected on the server's time.
func measureEdits(t testing.TB, name, text string, edits int) (runs, observed []time.Duration, phases []RunTimes) {
	return measureEditsAt(t, name, text, "\"/srv/data/", "/srv/data/", "x", edits)
}

// measureEditsAt is measureEdits typing typed (one character) after the
// first occurrence of at on the first line from the middle of the file
// holding marker (from its start when no line after the middle does).
func measureEditsAt(t testing.TB, name, text, marker, at, typed string, edits int) ([]time.Duration, []time.Duration, []RunTimes) {
	return measureEditsIn(t, nil, name, text, marker, at, typed, edits)
}

// measureEditsIn is measureEditsAt in a workspace holding files (paths
// relative to its root) besides name: the edits start once the workspace
// scan has published name.
func measureEditsIn(t testing.TB, files map[string]string, name, text, marker, at, typed string, edits int) ([]time.Duration, []time.Duration, []RunTimes) {
	// Not the named results: the server's hook may still run after the
	// return copies them out.
	var (
		mu       sync.Mutex
		runs     []time.Duration
		phases   []RunTimes
		observed []time.Duration
	)
	root := t.TempDir()
	if files != nil {
		writeFiles(t, root, files)
	}
	a, b := net.Pipe()
	published := make(chan time.Time, 1000)
	go Serve(context.Background(), a, Options{NewEngine: realEngine, Debounce: time.Millisecond,
		runHook: func(rt RunTimes) { mu.Lock(); runs = append(runs, rt.Total); phases = append(phases, rt); mu.Unlock() }})
	nameBytes := []byte(name)
	conn := newRawClient(b, func(body []byte) {
		if bytes.Contains(body[:min(len(body), 4096)], nameBytes) {
			published <- time.Now()
		}
	})
	defer b.Close()
	if _, err := conn.call("initialize", map[string]any{"rootUri": pathToURI(root), "capabilities": map[string]any{}}); err != nil {
		t.Fatal(err)
	}
	_ = conn.notify("initialized", map[string]any{})
	if files != nil {
		select {
		case <-published: // the scan reached name
		case <-time.After(120 * time.Second):
			t.Fatal("the workspace scan published nothing for the edited file")
		}
	}
	uri := pathToURI(root + "/" + name)
	_ = conn.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: uri, Version: 1, Text: text}})
	// In a scanned workspace the file's diagnostics were sent already and
	// opening it changes none of them: nothing may be published.
	wait := 60 * time.Second
	if files != nil {
		wait = time.Second
	}
	select {
	case <-published:
	case <-time.After(wait):
		if files == nil {
			t.Fatal("no diagnostics for the opened file")
		}
	}
	lines := strings.Split(text, "\n")
	target := -1
	for _, from := range []int{len(lines) / 2, 0} {
		for i := from; i < len(lines) && target < 0; i++ {
			if strings.Contains(lines[i], marker) {
				target = i
			}
		}
	}
	col := uint32(strings.Index(lines[target], at) + len(at))
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	runs, phases = nil, nil
	mu.Unlock()
	for i := 0; i < edits; i++ {
		ch := TextDocumentContentChangeEvent{Range: rangePtr(pos(uint32(target), col), pos(uint32(target), col)), Text: typed}
		if i%2 == 1 {
			ch = TextDocumentContentChangeEvent{Range: rangePtr(pos(uint32(target), col), pos(uint32(target), col+1)), Text: ""}
		}
		start := time.Now()
		_ = conn.notify("textDocument/didChange", DidChangeTextDocumentParams{TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}, Version: int32(i + 2)}, ContentChanges: []TextDocumentContentChangeEvent{ch}})
		select {
		case at := <-published:
			observed = append(observed, at.Sub(start))
		case <-time.After(30 * time.Second):
			t.Fatalf("edit %d: no diagnostics", i)
		}
	}
	// A run's hook is called after its publish: wait for the last one.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		mu.Lock()
		n := len(runs)
		mu.Unlock()
		if n >= edits {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	return append([]time.Duration(nil), runs...), observed, append([]RunTimes(nil), phases...)
}

// BenchmarkEditLatency prints the analysis-to-publish latency after a
// one-character edit of a 10,000-line file (targets: p50 ≤ 5 ms, p99 ≤ 25 ms,
// debounce excluded).
//
//	go test -run '^$' -bench EditLatency -benchtime 1x ./lsp
func BenchmarkEditLatency(b *testing.B) {
	gc := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(-1)
	defer func() { debug.SetGCPercent(gc); debug.SetMemoryLimit(limit) }()
	TuneRuntime() // as `mcpriv lsp` does
	ts, py := bigserver.TypeScript(10000), bigserver.Python(10000)
	ws, wsFile := workspace1000(), "src/helpers001.ts"
	for _, tc := range []struct {
		name, text, marker, at, typed string
		edits                         int
	}{
		// Typing in a path literal in the middle of the file: the ranged path.
		{"big.ts", ts, "\"/srv/data/", "/srv/data/", "x", 600},
		{"big.py", py, "\"/srv/data/", "/srv/data/", "x", 600},
		// Typing in a call's name: the call graph changes, so link is full.
		{"big.ts-call", ts, "const out = await helper", "const out = await helper", "x", 200},
		{"big.py-call", py, "out = helper_", "out = helper_", "x", 200},
		// Typing "(" into an argument list: the file is broken every other
		// edit, and a ranged result must agree with the file's own parse.
		{"big.ts-broken", ts, "await fs.writeFile(full, body)", "await fs.writeFile(full", "(", 200},
		{"big.py-broken", py, "with open(full, \"w\")", "with open(full", "(", 200},
		// Typing in an import every tool uses: the whole-file path.
		{"big.ts-whole", ts, "from \"node:fs\"", "from \"node:f", "x", 40},
		{"big.py-whole", py, "import requests", "import reque", "x", 40},
		// A path literal in one file of a 1,000-file workspace.
		{"ws1000", ws[wsFile], "\"/data/", "\"/data/", "x", 400},
	} {
		b.Run(tc.name, func(b *testing.B) {
			file, files := strings.SplitN(tc.name, "-", 2)[0], map[string]string(nil)
			if tc.name == "ws1000" {
				file, files = wsFile, ws
			}
			runs, observed, phases := measureEditsIn(b, files, file, tc.text, tc.marker, tc.at, tc.typed, tc.edits*b.N)
			var parse, extract, link, publish, other []time.Duration
			for _, p := range phases {
				parse, extract, link, publish = append(parse, p.Parse), append(extract, p.Extract), append(link, p.Link), append(publish, p.Publish)
				other = append(other, p.Total-p.Parse-p.Extract-p.Link-p.Publish)
			}
			b.Logf("%s phases p50/p99: parse (whole-file runs only) %v/%v, extract (ranged or whole) %v/%v, link+check %v/%v, publish %v/%v, other %v/%v", tc.name,
				percentile(parse, .5), percentile(parse, .99), percentile(extract, .5), percentile(extract, .99),
				percentile(link, .5), percentile(link, .99), percentile(publish, .5), percentile(publish, .99),
				percentile(other, .5), percentile(other, .99))
			b.ReportMetric(float64(percentile(runs, 0.5).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(percentile(runs, 0.99).Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(percentile(observed, 0.5).Microseconds())/1000, "client-p50-ms")
			b.ReportMetric(float64(percentile(observed, 0.99).Microseconds())/1000, "client-p99-ms")
			b.Logf("%s (%d lines, %d bytes): %d runs; analysis→publish p50 %v p99 %v; didChange→publishDiagnostics p50 %v p99 %v",
				tc.name, strings.Count(tc.text, "\n"), len(tc.text), len(runs), percentile(runs, 0.5), percentile(runs, 0.99),
				percentile(observed, 0.5), percentile(observed, 0.99))
		})
	}
}

// TestEditLatencyRealEngine keeps the latency path honest in ordinary test
// runs: edits of a big file publish every time, with the real engine.
func TestEditLatencyRealEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	runs, observed, _ := measureEdits(t, "mid.ts", bigserver.TypeScript(2000), 20)
	if len(observed) != 20 || len(runs) < 20 {
		t.Fatalf("%d publishes, %d runs for 20 edits", len(observed), len(runs))
	}
	t.Logf("2k-line TS: analysis→publish p50 %v max %v", percentile(runs, 0.5), percentile(runs, 1))
}

func heapMB() float64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// TestMemoryLongSession opens a 1,000-file workspace with the real engine,
// then makes 10,000 edits (100 bursts of 100, each burst analysed once after
// the debounce) and checks that memory stays flat. Figures are logged.
func TestMemoryLongSession(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	gc := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(-1)
	defer func() { debug.SetGCPercent(gc); debug.SetMemoryLimit(limit) }()
	TuneRuntime() // as `mcpriv lsp` does
	files := workspace1000()
	root := t.TempDir()
	writeFiles(t, root, files)
	base := heapMB()
	a, b := net.Pipe()
	var mu sync.Mutex
	runs := 0
	go Serve(context.Background(), a, Options{NewEngine: realEngine, Debounce: 2 * time.Millisecond,
		runHook: func(RunTimes) { mu.Lock(); runs++; mu.Unlock() }})
	scanned := make(chan struct{}, 1)
	published := make(chan struct{}, 1)
	conn := jsonrpc2.NewConn(jsonrpc2.NewStream(b))
	conn.Go(context.Background(), jsonrpc2.AsyncHandler(replyWith(func(ctx context.Context, req jsonrpc2.Request) (any, error) {
		switch req.Method() {
		case "$/progress":
			if strings.Contains(string(req.Params()), `"end"`) {
				scanned <- struct{}{}
			}
		case "textDocument/publishDiagnostics":
			if strings.Contains(string(req.Params()), "helpers001.ts") {
				select {
				case published <- struct{}{}:
				default:
				}
			}
		}
		return nil, nil
	})))
	defer conn.Close()
	ctx := context.Background()
	start := time.Now()
	if _, err := conn.Call(ctx, "initialize", map[string]any{"rootUri": pathToURI(root), "capabilities": map[string]any{"window": map[string]any{"workDoneProgress": true}}}, nil); err != nil {
		t.Fatal(err)
	}
	_ = conn.Notify(ctx, "initialized", map[string]any{})
	select {
	case <-scanned:
	case <-time.After(120 * time.Second):
		t.Fatal("workspace scan did not end")
	}
	<-published
	scan := time.Since(start)
	opened := heapMB()
	rssOpened := rssMB()

	name := root + "/src/helpers001.ts"
	uri := pathToURI(name)
	text := files["src/helpers001.ts"]
	_ = conn.Notify(ctx, "textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: uri, Version: 1, Text: text}})
	version := int32(1)
	var mid float64
	for burst := 0; burst < 100; burst++ {
		for k := 0; k < 100; k++ {
			version++
			// Type into the path literal and delete again: the diagnostic's scope changes.
			ch := TextDocumentContentChangeEvent{Range: rangePtr(pos(3, 29), pos(3, 29)), Text: "y"}
			if version%2 == 1 {
				ch = TextDocumentContentChangeEvent{Range: rangePtr(pos(3, 29), pos(3, 30)), Text: ""}
			}
			_ = conn.Notify(ctx, "textDocument/didChange", DidChangeTextDocumentParams{TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}, Version: version}, ContentChanges: []TextDocumentContentChangeEvent{ch}})
		}
		// Wait until the burst is analysed (a request waits for analysis).
		if _, err := conn.Call(ctx, "textDocument/hover", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: pos(3, 10)}, nil); err != nil {
			t.Fatal(err)
		}
		if burst == 9 {
			mid = heapMB()
		}
	}
	after := heapMB()
	rssAfter := rssMB()
	mu.Lock()
	n := runs
	mu.Unlock()
	t.Logf("1,000-file workspace: scan %v; Go heap %.1f MB before, %.1f MB open (RSS %.1f MB); after 10,000 edits (%d analysis runs): heap %.1f MB (after 1,000: %.1f MB), RSS %.1f MB",
		scan.Round(time.Millisecond), base, opened, rssOpened, n, after, mid, rssAfter)
	if after > mid*1.25+10 {
		t.Errorf("heap grows over the session: %.1f MB after 1,000 edits, %.1f MB after 10,000", mid, after)
	}
}

// TestIncrementalFactsRealEngine: the real extractors give the same facts on
// the incrementally re-parsed tree as on a fresh parse, over random edits.
func TestIncrementalFactsRealEngine(t *testing.T) {
	eng, err := realEngine(EngineConfig{})
	if err != nil {
		t.Fatal(err)
	}
	incrementalMatchesFresh(t, eng, 2000)
}

// TestExcluded: the server excludes what the engine excludes (defaults, test
// files, the user's patterns) for the file and each directory above it, plus
// the build output the engine's listing left out.
func TestExcluded(t *testing.T) {
	eng, err := realEngine(EngineConfig{Excludes: []string{"fixtures", "gen/**"}})
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	// As if the listing left dist/ and build/ out (their sources are in the
	// tree) and found out/ to be the only code there is.
	s := &Server{engine: eng, builds: map[string]rootBuilds{root: {
		left:     []buildout.Dir{{Path: "dist", From: "src/"}, {Path: "build", From: "src/"}},
		analysed: true,
	}}}
	for _, tc := range []struct {
		rel  string
		want bool
	}{
		{"src/server.ts", false},
		{"server.py", false},
		{"node_modules/x/index.ts", true},
		{"src/.venv/lib/a.py", true},
		{"src/server.test.ts", true},
		{"tests/test_server.py", true},
		{"pkg/handler_test.go", true},
		{"testing.go", false},
		{"dist/index.js", true},
		{"build/lib/a.py", true},
		{"out/main.js", false},
		{"src/dist/x.js", false},
		{"src/output.ts", false},
		{"a/fixtures/b.ts", true},
		{"gen/x/y.go", true},
		{"src/gen.ts", false},
	} {
		if got := s.excludedLocked(root, filepath.Join(root, filepath.FromSlash(tc.rel))); got != tc.want {
			t.Errorf("excluded(%q) = %v, want %v", tc.rel, got, tc.want)
		}
	}
	if (&Server{}).excludedLocked(root, filepath.Join(root, "src", "a.ts")) {
		t.Error("a file is excluded without an engine")
	}
}

// workspace1000 is a 1,000-file TypeScript workspace: 100 tool files, each
// importing a helper file with a file write and 20 pure functions.
func workspace1000() map[string]string {
	files := map[string]string{}
	for i := 0; i < 1000; i++ {
		if i%10 == 0 {
			files[fmt.Sprintf("src/tools%03d.ts", i)] = fmt.Sprintf(`import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { save%d } from "./helpers%03d.js";
const server = new McpServer({ name: "s%d", version: "1.0.0" });
server.tool("save_%d", {}, async ({ p }) => { await save%d(p); return { content: [] }; });
server.tool("get_%d", {}, async () => ({ content: [{ type: "text", text: await (await fetch("https://h%d.example.com")).text() }] }));
`, i+1, i+1, i, i, i+1, i, i)
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "import { promises as fs } from \"node:fs\";\n\nexport async function save%d(p: string) {\n  await fs.writeFile(\"/data/%d/\" + p, \"x\");\n}\n", i, i)
		for k := 0; k < 20; k++ {
			fmt.Fprintf(&b, "export function pure%d_%d(a: number, b: number): number {\n  return a * %d + b;\n}\n", i, k, k)
		}
		files[fmt.Sprintf("src/helpers%03d.ts", i)] = b.String()
	}
	return files
}

func writeFiles(t testing.TB, root string, files map[string]string) {
	for name, text := range files {
		p := root + "/" + name
		_ = os.MkdirAll(p[:strings.LastIndexByte(p, '/')], 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
