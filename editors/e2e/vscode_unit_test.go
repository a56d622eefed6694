package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// TestVSCodeUnit runs the extension's own unit tests (editors/vscode/test:
// settings scopes and untrusted-workspace behaviour, server path, manifest
// and report commands) with node's test runner, so CI runs them too.
func TestVSCodeUnit(t *testing.T) {
	npm := requireProgram(t, "npm")
	dir := filepath.Join(repoRoot(), "editors", "vscode")
	requireFile(t, filepath.Join(dir, "node_modules", ".bin", "esbuild"), "the extension's npm packages (cd editors/vscode && npm ci)")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "test")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("npm test: %v\n%s", err, tail(string(out)))
	}
	// node --test prints "# pass N" and "# fail N": a run of no test passes
	// nothing, so require some.
	pass := regexp.MustCompile(`(?m)^# pass (\d+)$`).FindSubmatch(out)
	fail := regexp.MustCompile(`(?m)^# fail (\d+)$`).FindSubmatch(out)
	if pass == nil || fail == nil {
		t.Fatalf("npm test printed no test summary:\n%s", tail(string(out)))
	}
	if n, _ := strconv.Atoi(string(pass[1])); n == 0 {
		t.Fatalf("npm test ran no test:\n%s", tail(string(out)))
	}
	if string(fail[1]) != "0" {
		t.Fatalf("npm test: %s failed:\n%s", fail[1], tail(string(out)))
	}
	t.Logf("extension unit tests: %s passed", pass[1])
}
