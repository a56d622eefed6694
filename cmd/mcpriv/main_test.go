package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/source"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fakeScanner returns canned results per root and reports progress the way
// the engine does: from several goroutines.
type fakeScanner struct {
	mu      sync.Mutex
	results map[string]*finding.Result
	err     map[string]error
	roots   []string
}

func (f *fakeScanner) Scan(_ context.Context, root string, progress func(done, total int)) (*finding.Result, error) {
	f.mu.Lock()
	f.roots = append(f.roots, root)
	f.mu.Unlock()
	if progress != nil {
		var wg sync.WaitGroup
		for i := 1; i <= 4; i++ {
			wg.Add(1)
			go func() { defer wg.Done(); progress(i, 4) }()
		}
		wg.Wait()
	}
	if err := f.err[root]; err != nil {
		return nil, err
	}
	if r, ok := f.results[root]; ok {
		return r, nil
	}
	return &finding.Result{Root: root}, nil
}

func withFake(t *testing.T, f *fakeScanner) {
	t.Helper()
	old := newEngine
	newEngine = func(*scanConfig) (scanner, error) { return f, nil }
	t.Cleanup(func() { newEngine = old })
}

func sev(file string, line int, s finding.Severity, c capability.ID) finding.Finding {
	return finding.Finding{
		Kind: finding.KindCapability, File: file, Capability: c, Class: c.Class(), API: "api." + string(c),
		Rule: "test." + string(c), Message: "uses " + string(c), Severity: s, Tools: []string{"t"},
		Span: source.Span{Start: source.Pos{Line: line, Col: 2, Col16: 2}, End: source.Pos{Line: line, Col: 6, Col16: 6}},
	}
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestFailOn(t *testing.T) {
	dir := t.TempDir()
	withFake(t, &fakeScanner{results: map[string]*finding.Result{dir: {
		Findings: []finding.Finding{sev("a.ts", 0, finding.Info, capability.SystemEnv), sev("a.ts", 3, finding.Warning, capability.FileRead)},
		Files:    1,
	}}})
	for _, tc := range []struct {
		failOn string
		want   int
	}{
		{"", exitOK}, {"none", exitOK}, {"hint", exitFindings}, {"info", exitFindings},
		{"warning", exitFindings}, {"error", exitOK}, {"fatal", exitError},
	} {
		t.Run(tc.failOn, func(t *testing.T) {
			args := []string{"scan", "--no-progress", dir}
			if tc.failOn != "" {
				args = append(args, "--fail-on", tc.failOn)
			}
			if code, _, stderr := runCLI(t, args...); code != tc.want {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.want, stderr)
			}
		})
	}
	// Suppressed findings never fail a build.
	withFake(t, &fakeScanner{results: map[string]*finding.Result{dir: {
		Suppressed: []finding.Finding{sev("a.ts", 0, finding.Error, capability.SystemExec)},
	}}})
	if code, _, _ := runCLI(t, "scan", dir, "--fail-on", "hint"); code != exitOK {
		t.Errorf("suppressed finding failed the scan: exit %d", code)
	}
}

func TestUsage(t *testing.T) {
	withFake(t, &fakeScanner{})
	for _, tc := range []struct {
		args       []string
		code       int
		out, errIn string
	}{
		{nil, exitError, "", "Usage:"},
		{[]string{"-h"}, exitOK, "Commands:", ""},
		{[]string{"frobnicate"}, exitError, "", `unknown command "frobnicate"`},
		{[]string{"scan", "-h"}, exitOK, "--fail-on", ""},
		{[]string{"scan", "--format", "yaml"}, exitError, "", `unknown --format "yaml"`},
		{[]string{"scan", "--jobs", "-1"}, exitError, "", "--jobs"},
		{[]string{"scan", "--max-file-size", "lots"}, exitError, "", "invalid size"},
		{[]string{"scan", "--bogus"}, exitError, "", "mcpriv scan -h"},
		{[]string{"scan", filepath.Join(t.TempDir(), "missing")}, exitError, "", "no such file or directory"},
		{[]string{"help", "scan"}, exitOK, "Usage: mcpriv scan", ""},
		{[]string{"help", "nope"}, exitError, "", "unknown command"},
		{[]string{"version"}, exitOK, "mcpriv ", ""},
		{[]string{"--version"}, exitOK, "mcpriv ", ""},
		{[]string{"capabilities", "-h"}, exitOK, "markdown", ""},
		{[]string{"rules", "--language", "cobol"}, exitError, "", "unknown --language"},
		{[]string{"rules", "--capability", "file.wrte"}, exitError, "", "did you mean file.write"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errs := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errs, tc.errIn) {
				t.Errorf("exit %d (want %d)\nstdout %q (want %q)\nstderr %q (want %q)", code, tc.code, out, tc.out, errs, tc.errIn)
			}
			if tc.code == exitOK && errs != "" {
				t.Errorf("stderr not empty on success: %q", errs)
			}
		})
	}
}

// A missing PATH is fatal (exit 2) but the other PATHs are still scanned
// and reported; with several PATHs every file path carries its PATH.
func TestMultiplePaths(t *testing.T) {
	base := t.TempDir()
	t.Chdir(base)
	for _, d := range []string{"a", "b"} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile("b/one.py", []byte("x = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fake := &fakeScanner{results: map[string]*finding.Result{
		"a":        {Findings: []finding.Finding{sev("src/x.ts", 1, finding.Warning, capability.FileWrite)}, Files: 2},
		"b/one.py": {Findings: []finding.Finding{sev("one.py", 0, finding.Info, capability.SystemEnv)}, Files: 1},
	}}
	withFake(t, fake)
	code, out, errs := runCLI(t, "scan", "a", "missing", "b/one.py", "--format", "json")
	if code != exitError || !strings.Contains(errs, "missing: no such file") {
		t.Fatalf("exit %d stderr %q, want 2 and the missing path named", code, errs)
	}
	var doc struct {
		Findings []struct{ File string }
		Files    int
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(doc.Findings) != 2 || doc.Findings[0].File != "a/src/x.ts" || doc.Findings[1].File != "b/one.py" || doc.Files != 3 {
		t.Errorf("merged findings %+v files %d", doc.Findings, doc.Files)
	}
	// One PATH: JSON paths are relative to it, text paths start with it.
	code, out, _ = runCLI(t, "scan", "--format", "json", "a")
	if code != exitOK || !strings.Contains(out, `"file": "src/x.ts"`) {
		t.Errorf("single PATH JSON: exit %d\n%s", code, out)
	}
	_, out, _ = runCLI(t, "scan", "a")
	if !strings.HasPrefix(out, "a/src/x.ts:2:3: warning: file.write") {
		t.Errorf("single PATH text:\n%s", out)
	}
	// SARIF: relative to the working directory, the checkout in CI.
	_, out, _ = runCLI(t, "scan", "a", "--format", "sarif")
	if !strings.Contains(out, `"uri": "a/src/x.ts"`) {
		t.Errorf("SARIF uri not relative to the working directory:\n%s", out)
	}
	// A PATH outside the working directory is its own %SRCROOT%.
	outside := t.TempDir()
	fake.results[outside] = &finding.Result{Findings: []finding.Finding{sev("src/y.ts", 0, finding.Warning, capability.FileRead)}}
	_, out, _ = runCLI(t, "scan", outside, "--format", "sarif")
	if !strings.Contains(out, `"uri": "src/y.ts"`) || !strings.Contains(out, `"uri": "file://`+filepath.ToSlash(outside)+`/"`) {
		t.Errorf("SARIF for a PATH outside the working directory:\n%s", out)
	}
}

func TestOutputFile(t *testing.T) {
	dir := t.TempDir()
	withFake(t, &fakeScanner{results: map[string]*finding.Result{dir: {
		Findings: []finding.Finding{sev("a.go", 0, finding.Error, capability.SystemExec)}}}})
	outPath := filepath.Join(dir, "out.sarif")
	code, stdout, _ := runCLI(t, "scan", dir, "--format", "sarif", "-o", outPath, "--fail-on", "error")
	if code != exitFindings || stdout != "" {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	data, err := os.ReadFile(outPath)
	if err != nil || !bytes.Contains(data, []byte(`"ruleId": "system.exec"`)) {
		t.Errorf("report file: %v\n%s", err, data)
	}
	if code, _, errs := runCLI(t, "scan", dir, "-o", filepath.Join(dir, "no", "such", "dir", "x")); code != exitError || errs == "" {
		t.Errorf("unwritable -o: exit %d stderr %q", code, errs)
	}
}

func TestEngineError(t *testing.T) {
	dir := t.TempDir()
	withFake(t, &fakeScanner{err: map[string]error{dir: errors.New("walk failed")}})
	if code, _, errs := runCLI(t, "scan", dir); code != exitError || !strings.Contains(errs, "walk failed") {
		t.Errorf("exit %d stderr %q", code, errs)
	}
}

func TestFlagsAnywhere(t *testing.T) {
	dir := t.TempDir()
	fake := &fakeScanner{}
	withFake(t, fake)
	code, out, errs := runCLI(t, "scan", dir, "--format", "json", "--exclude", "dist/**", "--exclude", "*.min.js")
	if code != exitOK || !strings.HasPrefix(out, "{") {
		t.Fatalf("exit %d stdout %q stderr %q", code, out, errs)
	}
	if len(fake.roots) != 1 || fake.roots[0] != dir {
		t.Errorf("scanned %v", fake.roots)
	}
	// After "--" everything is a PATH, even what looks like a flag.
	fake.roots = nil
	code, _, errs = runCLI(t, "scan", "--", "--format")
	if code != exitError || !strings.Contains(errs, "--format: no such file") {
		t.Errorf("exit %d stderr %q", code, errs)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1000": 1000, "1k": 1024, "16M": 16 << 20, "16MiB": 16 << 20, "2G": 2 << 30, "512KB": 512 << 10} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5", "k", "1.5M", "99999999999999999999", "9000000000G"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}

// The bar never appears when stderr is not a terminal, whatever the flags.
func TestProgressOffWithoutTerminal(t *testing.T) {
	dir := t.TempDir()
	withFake(t, &fakeScanner{})
	code, _, errs := runCLI(t, "scan", dir)
	if code != exitOK || errs != "" {
		t.Errorf("exit %d, stderr %q: want no progress output on a buffer", code, errs)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if isTerminal(w) || isTerminal(&bytes.Buffer{}) {
		t.Errorf("a pipe or a buffer taken for a terminal")
	}
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Errorf("a regular file taken for a terminal")
	}
}

// syncBuffer is a bytes.Buffer safe for the bar's goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestProgressBar(t *testing.T) {
	var out syncBuffer
	bar := newProgressBar(&out)
	cb := bar.Callback("srv")
	var wg sync.WaitGroup
	// Thousands of updates from many goroutines redraw only a few times.
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < 4000; i += 8 {
				cb(i+1, 4000)
			}
		}()
	}
	wg.Wait()
	time.Sleep(3 * progressInterval)
	drawn := out.String()
	bar.Stop()
	if !strings.Contains(drawn, "scanning srv [##############################] 4000/4000 files") {
		t.Errorf("final state not drawn: %q", drawn)
	}
	if n := strings.Count(drawn, "\r"); n == 0 || n > 10 {
		t.Errorf("%d redraws for 4000 updates in ~300ms; want a few", n)
	}
	if all := out.String(); !strings.HasSuffix(all, "\r\x1b[K") {
		t.Errorf("bar not erased at the end: %q", all)
	}
	var nilBar *progressBar
	nilBar.Stop() // no bar: no-op
}

// blockingScanner never returns on its own, like an engine stuck opening a
// FIFO.
type blockingScanner struct{ started chan struct{} }

func (b blockingScanner) Scan(context.Context, string, func(int, int)) (*finding.Result, error) {
	close(b.started)
	select {}
}

func TestInterruptStuckScan(t *testing.T) {
	dir := t.TempDir()
	b := blockingScanner{started: make(chan struct{})}
	old := newEngine
	newEngine = func(*scanConfig) (scanner, error) { return b, nil }
	t.Cleanup(func() { newEngine = old })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var out, errb bytes.Buffer
	go func() { done <- run(ctx, []string{"scan", dir}, nil, &out, &errb) }()
	<-b.started
	cancel()
	select {
	case code := <-done:
		if code != exitError || !strings.Contains(errb.String(), "interrupted") || out.Len() != 0 {
			t.Errorf("exit %d stdout %q stderr %q", code, out.String(), errb.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("scan did not return after cancellation")
	}
}

func TestJoinSymbol(t *testing.T) {
	for _, tc := range [][3]string{
		{"fs", "writeFile", "fs.writeFile"},
		{"axios", "", "axios"},
		{"@anthropic-ai/sdk", "().messages.create", "@anthropic-ai/sdk().messages.create"},
		{"pg", "Client().query", "pg.Client().query"},
	} {
		if got := joinSymbol(tc[0], tc[1]); got != tc[2] {
			t.Errorf("joinSymbol(%q, %q) = %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
}

func TestRulesCommand(t *testing.T) {
	dir := t.TempDir()
	rule := "rules:\n  - id: js.acme.upload\n    language: js\n    capability: network.client\n    modules: [\"@acme/sdk\"]\n    calls: [\"Client().upload\"]\n    message: uploads to the Acme cloud\n"
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "rules", "--rules", dir, "--language", "js", "--capability", "network")
	if code != exitOK || !strings.Contains(out, "js.acme.upload  network.client  ("+filepath.Join(dir, "acme.yaml")+")\n    @acme/sdk.Client().upload\n") {
		t.Errorf("exit %d stderr %q\n%s", code, errs, out)
	}
	if strings.Contains(out, "file.") || strings.Contains(out, "python.") {
		t.Errorf("filters not applied:\n%s", out)
	}
	_, all, _ := runCLI(t, "rules", "--format", "json")
	var list []struct{ ID, Capability string }
	if err := json.Unmarshal([]byte(all), &list); err != nil || len(list) == 0 {
		t.Fatalf("rules --format json: %v (%d rules)", err, len(list))
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "bad.yaml"), []byte("rules:\n  - id: x\n    capability: net.client\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "rules", "--rules", bad); code != exitError || !strings.Contains(errs, "bad.yaml:") {
		t.Errorf("bad rule file: exit %d stderr %q", code, errs)
	}
	if code, _, errs := runCLI(t, "scan", "--rules", bad, t.TempDir()); code != exitError || !strings.Contains(errs, "bad.yaml:") {
		t.Errorf("scan with a bad rule file: exit %d stderr %q", code, errs)
	}
}
