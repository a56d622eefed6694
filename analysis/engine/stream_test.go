package engine

import (
	"context"
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/finding"
)

// streamTree is the fixture servers plus a bundle and a Python and a Go
// package big enough to stream in pieces.
func streamTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "testdata", "servers"))); err != nil {
		t.Fatal(err)
	}
	write := func(p, text string) {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("bundled/dist/index.js", string(genJSBundle(300<<10)))
	var py, gosrc strings.Builder
	py.WriteString("import json\nimport os\nfrom mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP(\"bench\")\n")
	gosrc.WriteString("package main\n\nimport (\n\t\"context\"\n\t\"fmt\"\n\t\"os\"\n\t\"path/filepath\"\n\t\"strings\"\n\n\t\"github.com/modelcontextprotocol/go-sdk/mcp\"\n)\n\ntype input struct{ Name, Text string }\n")
	for k := 0; k < 20; k++ {
		py.WriteString(genPy(k))
		gosrc.WriteString(genGo(k))
	}
	write("pysrv/server.py", py.String())
	write("gosrv/main.go", gosrc.String())
	return dir
}

// resultJSON is a result as the JSON report would carry it, without the
// notices of the facts cache (the only thing a cache may add).
func resultJSON(t *testing.T, res *finding.Result) string {
	t.Helper()
	c := *res
	c.Errors = nil
	for _, e := range res.Errors {
		if !strings.Contains(e.Message, "facts cache") {
			c.Errors = append(c.Errors, e)
		}
	}
	data, err := json.Marshal(&c)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func scanWith(t *testing.T, dir string, opts Options) (*Engine, *finding.Result) {
	t.Helper()
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Scan(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e, res
}

// TestDiskCacheEqualsPlain: a scan with a cold facts cache, then a warm one
// (which parses nothing), and one after an entry was damaged, all equal the
// plain scan.
func TestDiskCacheEqualsPlain(t *testing.T) {
	dir := streamTree(t)
	_, plain := scanWith(t, dir, Options{})
	if len(plain.Findings) < 20 || len(plain.Tools) < 10 {
		t.Fatalf("the tree proves little: %d findings, %d tools", len(plain.Findings), len(plain.Tools))
	}
	want := resultJSON(t, plain)
	cache := t.TempDir()

	cold, res := scanWith(t, dir, Options{CacheDir: cache})
	if got := resultJSON(t, res); got != want {
		t.Fatalf("cold cache: result differs from the plain scan\n got %s\nwant %s", got, want)
	}
	if cold.parses.Load() == 0 {
		t.Fatal("the cold scan parsed nothing")
	}
	warm, res := scanWith(t, dir, Options{CacheDir: cache})
	if got := resultJSON(t, res); got != want {
		t.Fatalf("warm cache: result differs from the plain scan\n got %s\nwant %s", got, want)
	}
	if n := warm.parses.Load(); n != 0 {
		t.Fatalf("the warm scan parsed %d files", n)
	}

	// Damage every entry: each is noted, ignored and extracted again.
	var entries []string
	filepath.WalkDir(cache, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			entries = append(entries, p)
		}
		return nil
	})
	if len(entries) == 0 {
		t.Fatal("the cache holds no entries")
	}
	for i, p := range entries {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)-1-i%len(data)] ^= 1
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	damaged, res := scanWith(t, dir, Options{CacheDir: cache})
	if got := resultJSON(t, res); got != want {
		t.Fatalf("damaged cache: result differs from the plain scan\n got %s\nwant %s", got, want)
	}
	notes := 0
	for _, e := range res.Errors {
		if strings.Contains(e.Message, "facts cache entry ignored") {
			if !e.Skipped {
				t.Errorf("a damaged entry is an error, not a notice: %+v", e)
			}
			notes++
		}
	}
	if notes != len(entries) || damaged.parses.Load() != int64(len(entries)) {
		t.Fatalf("%d damaged entries: %d notices, %d files parsed again", len(entries), notes, damaged.parses.Load())
	}
	// The damaged entries were replaced.
	again, _ := scanWith(t, dir, Options{CacheDir: cache})
	if n := again.parses.Load(); n != 0 {
		t.Fatalf("after repair the scan parsed %d files", n)
	}
}

// TestInFlightEqualsPlain: scans with every budget of bytes in flight (one
// file at a time, a few, all) and any number of jobs give the same result.
func TestInFlightEqualsPlain(t *testing.T) {
	dir := streamTree(t)
	_, plain := scanWith(t, dir, Options{Jobs: 1, InFlight: 1 << 40})
	want := resultJSON(t, plain)
	for _, opts := range []Options{{Jobs: 4, InFlight: 1}, {Jobs: 3, InFlight: 64 << 10}, {Jobs: 8, InFlight: 1 << 40}} {
		if _, res := scanWith(t, dir, opts); resultJSON(t, res) != want {
			t.Errorf("jobs %d, in flight %d: result differs from the plain scan", opts.Jobs, opts.InFlight)
		}
	}
}

// TestInFlightBound: concurrent holders never exceed the budget together,
// except one file larger than the whole budget, which runs alone.
func TestInFlightBound(t *testing.T) {
	const budget = 1000
	b := newInFlight(budget)
	var used, peak atomic.Int64
	var alone atomic.Bool
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			r := rand.New(rand.NewSource(seed))
			for i := 0; i < 200; i++ {
				n := int64(r.Intn(600))
				if i%50 == 0 {
					n = 5000 // larger than the budget
				}
				held := b.acquire(n)
				now := used.Add(held)
				if n > budget && now != held {
					alone.Store(true)
				}
				for {
					p := peak.Load()
					if now <= p || peak.CompareAndSwap(p, now) {
						break
					}
				}
				if now > budget && now != held {
					t.Errorf("%d bytes in flight with a budget of %d", now, budget)
				}
				used.Add(-held)
				b.release(held)
			}
		}(int64(g))
	}
	wg.Wait()
	if alone.Load() {
		t.Error("a file over the budget ran beside others")
	}
	if peak.Load() < budget/2 {
		t.Errorf("peak %d: the budget never let files run together", peak.Load())
	}
}

// TestConcurrentScansEqualPlain: scans of several roots running at once on
// one engine (the CLI overlaps PATHs) share its budget and job slots and
// give each root the result of a scan of it alone.
func TestConcurrentScansEqualPlain(t *testing.T) {
	base := filepath.Join("..", "..", "testdata", "servers")
	ents, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	var roots, want []string
	for _, e := range ents {
		if e.IsDir() && len(roots) < 6 {
			root := filepath.Join(base, e.Name())
			_, res := scanWith(t, root, Options{Jobs: 1})
			roots, want = append(roots, root), append(want, resultJSON(t, res))
		}
	}
	if len(roots) < 2 {
		t.Fatalf("%d fixture servers", len(roots))
	}
	e, err := New(Options{Jobs: 2, InFlight: 32 << 10})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]*finding.Result, len(roots))
	errs := make([]error, len(roots))
	var wg sync.WaitGroup
	for i, root := range roots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = e.Scan(context.Background(), root, nil)
		}()
	}
	wg.Wait()
	for i := range roots {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if resultJSON(t, got[i]) != want[i] {
			t.Errorf("%s: a scan beside others differs from a scan alone", roots[i])
		}
	}
}
