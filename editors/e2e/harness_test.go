// Package e2e runs mcpriv's language server inside real editors — Neovim,
// Vim with ALE, Emacs with eglot and VS Code (code-server in headless
// Chromium) — against the fixture MCP server in fixture/, and checks what a
// user would see: diagnostics, hover, code lens, and a quick-fix that adds a
// grant to mcp-capabilities.yaml on disk.
//
// A missing editor skips its test on a developer machine and fails it when
// CI=true. The VS Code tier takes minutes, so it runs only with
// MCPRIV_E2E_VSCODE=1 (.ci/editors.sh sets it).
//
// Environment:
//
//	MCPRIV_BIN         server binary to test (default: go build ./cmd/mcpriv)
//	MCPRIV_E2E_KEEP    keep each test's workspace and logs (printed) instead of deleting them
//	MCPRIV_E2E_VSCODE  1: run the VS Code tier (see vscode_test.go for its variables)
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildPath != "" {
		os.RemoveAll(filepath.Dir(buildPath)) // the binary built by serverBinary
	}
	os.Exit(code)
}

// inCI reports whether missing editors are failures rather than skips.
func inCI() bool { return os.Getenv("CI") == "true" }

// requireProgram returns the path of an editor, skipping the test when it is
// missing (failing it in CI).
func requireProgram(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, "%s is not installed (.ci/editors.sh installs it)", name)
	}
	return p
}

func requireFile(t *testing.T, path, what string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		missing(t, "%s not found at %s (.ci/editors.sh installs it)", what, path)
	}
}

func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	if inCI() {
		t.Fatalf("CI=true and "+format, args...)
	}
	t.Skipf(format, args...)
}

// repoRoot is the module root: the directory above editors/e2e holding go.mod.
var repoRoot = sync.OnceValue(func() string {
	dir, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			panic("go.mod not found above " + dir)
		}
	}
})

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// serverBinary returns MCPRIV_BIN, or builds cmd/mcpriv once per test run.
func serverBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("MCPRIV_BIN"); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(abs); err != nil {
			t.Fatalf("MCPRIV_BIN: %v", err)
		}
		return abs
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mcpriv-e2e-bin-")
		if err != nil {
			buildErr = err
			return
		}
		// The binary must be called mcpriv: the documented editor configs run "mcpriv lsp".
		buildPath = filepath.Join(dir, "mcpriv")
		cmd := exec.Command("go", "build", "-o", buildPath, "./cmd/mcpriv")
		cmd.Dir = repoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/mcpriv: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildPath
}

// workspace is a fresh copy of the fixture server; the tests edit its manifest.
type workspace struct {
	Dir, File, Manifest string
}

func newWorkspace(t *testing.T) workspace {
	t.Helper()
	dir := keepDir(t, "ws")
	src := filepath.Join(repoRoot(), "editors", "e2e", "fixture")
	if err := copyTree(src, dir); err != nil {
		t.Fatal(err)
	}
	return workspace{
		Dir:      dir,
		File:     filepath.Join(dir, "src", "index.ts"),
		Manifest: filepath.Join(dir, "mcp-capabilities.yaml"),
	}
}

// keepDir is t.TempDir unless MCPRIV_E2E_KEEP is set; then the directory
// survives the test and its path is logged, for post-mortems.
func keepDir(t *testing.T, name string) string {
	t.Helper()
	if os.Getenv("MCPRIV_E2E_KEEP") == "" {
		return t.TempDir()
	}
	d, err := os.MkdirTemp("", "mcpriv-e2e-"+strings.ReplaceAll(t.Name(), "/", "_")+"-"+name+"-")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("kept: %s", d)
	return d
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if d.Name() == "node_modules" || d.Name() == "build" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// isolatedEnv runs an editor with its own HOME and XDG directories, so no
// user config is read and nothing (logs, shada, caches) is left behind.
func isolatedEnv(t *testing.T, extra map[string]string) []string {
	t.Helper()
	home := keepDir(t, "home")
	env := []string{}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "HOME", strings.HasPrefix(k, "XDG_"), k == "VIMINIT", k == "MYVIMRC", k == "EMACSLOADPATH":
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		"XDG_STATE_HOME="+filepath.Join(home, ".local", "state"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"TERM=dumb",
	)
	for k, v := range extra {
		env = append(env, k+"="+v)
	}
	return env
}

// step is one check reported by an editor script.
type step struct {
	Name   string          `json:"name"`
	OK     bool            `json:"ok"`
	MS     int             `json:"ms"`
	Detail json.RawMessage `json:"detail"`
}

type report struct {
	OK    bool            `json:"ok"`
	Steps []step          `json:"steps"`
	Error json.RawMessage `json:"error"`
}

// runEditor runs an editor script that writes a JSON report to $OUT, then
// checks that every wanted step is present and passed.
func runEditor(t *testing.T, timeout time.Duration, env []string, want []string, name string, args ...string) report {
	t.Helper()
	out := filepath.Join(keepDir(t, "out"), "result.json")
	env = append(env, "OUT="+out)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.Dir = filepath.Join(repoRoot(), "editors", "e2e")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second // the server may hold the pipes after the editor dies
	start := time.Now()
	runErr := cmd.Run()
	elapsed := time.Since(start)

	var r report
	b, readErr := os.ReadFile(out)
	if readErr == nil {
		readErr = json.Unmarshal(b, &r)
	}
	if readErr != nil {
		t.Fatalf("%s wrote no report (%v); exit: %v; ctx: %v\nstdout:\n%s\nstderr:\n%s",
			name, readErr, runErr, ctx.Err(), tail(stdout.String()), tail(stderr.String()))
	}
	t.Logf("%s finished in %v (exit: %v)", filepath.Base(name), elapsed.Round(time.Millisecond), runErr)
	seen := map[string]bool{}
	for _, s := range r.Steps {
		seen[s.Name] = true
		if s.OK {
			t.Logf("  ok   %-22s %6d ms", s.Name, s.MS)
		} else {
			t.Errorf("  FAIL %-22s %6d ms  %s", s.Name, s.MS, clip(string(s.Detail), 2000))
		}
	}
	for _, w := range want {
		if !seen[w] {
			t.Errorf("step %q did not run", w)
		}
	}
	if len(r.Error) > 0 && string(r.Error) != "null" {
		t.Errorf("script error: %s", clip(string(r.Error), 3000))
	}
	if runErr == nil && !r.OK {
		t.Errorf("%s exited 0 but its report says a step failed", name)
	}
	if runErr != nil && r.OK {
		t.Errorf("%s reported success but exited with %v", name, runErr)
	}
	if t.Failed() {
		t.Logf("stderr:\n%s", tail(stderr.String()))
	}
	return r
}

func tail(s string) string {
	const n = 4000
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

var snippetRE = regexp.MustCompile("(?s)<!-- e2e:([a-z0-9-]+) -->\\s*```[a-z]*\\n(.*?)```")

// docSnippets returns the configuration snippets of docs/editors.md that
// carry an `<!-- e2e:NAME -->` marker: the tests run exactly what the
// documentation tells users to paste.
func docSnippets() (map[string]string, error) {
	b, err := os.ReadFile(filepath.Join(repoRoot(), "docs", "editors.md"))
	if err != nil {
		return nil, err
	}
	return parseSnippets(string(b))
}

func parseSnippets(doc string) (map[string]string, error) {
	out := map[string]string{}
	for _, m := range snippetRE.FindAllStringSubmatch(doc, -1) {
		if _, dup := out[m[1]]; dup {
			return nil, fmt.Errorf("snippet %q appears twice", m[1])
		}
		out[m[1]] = m[2]
	}
	if len(out) == 0 {
		return nil, errors.New("no <!-- e2e:NAME --> snippets found")
	}
	return out, nil
}

// snippetFile writes a documented snippet to a file for an editor to load.
func snippetFile(t *testing.T, name, ext string) string {
	t.Helper()
	snips, err := docSnippets()
	if err != nil {
		t.Fatalf("docs/editors.md: %v", err)
	}
	s, ok := snips[name]
	if !ok {
		t.Fatalf("docs/editors.md has no <!-- e2e:%s --> snippet", name)
	}
	p := filepath.Join(keepDir(t, "snippet"), name+ext)
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
