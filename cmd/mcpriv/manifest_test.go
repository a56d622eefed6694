package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcpriv/mcpriv/analysis/manifest"
)

var manifestTestdata = filepath.Join("testdata", "manifest")

// runManifestCLI runs `mcpriv manifest args…` in-process.
func runManifestCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runManifest(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// copyTree copies the directory src into a new temporary directory (outside
// any testdata directory, which the engine skips) and returns it.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// server copies an example server of testdata/servers.
func server(t *testing.T, name string) string {
	t.Helper()
	return copyTree(t, filepath.Join(repoRoot, "testdata", "servers", name))
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func writeFile(t *testing.T, p, text string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// parseClean parses a manifest and fails the test on any error.
func parseClean(t *testing.T, text string) *manifest.Manifest {
	t.Helper()
	m, errs := manifest.Parse(manifest.FileName, []byte(text))
	for _, e := range errs {
		t.Errorf("written manifest has an error: %d:%d %s", e.Span.Start.Line+1, e.Span.Start.Col+1, e.Message)
	}
	return m
}

func scopes(m *manifest.Manifest, tool, id string) []string {
	sec := m.Section(tool)
	if sec == nil {
		return nil
	}
	var out []string
	for _, e := range sec.Entries {
		if string(e.Capability) == id {
			for _, s := range e.Scopes {
				out = append(out, s.Value)
			}
		}
	}
	return out
}

func TestManifestCreate(t *testing.T) {
	dir := server(t, "notes-ts")
	target := filepath.Join(dir, manifest.FileName)
	code, _, stderr := runManifestCLI(t, dir)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	text := readFile(t, target)
	m := parseClean(t, text)
	var names []string
	for _, s := range m.Tools {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, ","); got != "archive_note,list_notes,read_note,save_note,search_notes" {
		t.Errorf("tools = %s", got)
	}
	if got := scopes(m, "search_notes", "network.client"); len(got) != 1 || got[0] != "api.notes.example" {
		t.Errorf("search_notes network.client = %v, want the literal host", got)
	}
	if !strings.Contains(stderr, "created ") || !strings.Contains(stderr, "5 tools") {
		t.Errorf("summary missing:\n%s", stderr)
	}
	// A non-literal path gives "*", with a note that names the call.
	if !regexp.MustCompile(`note: tool read_note: file.read "\*": \S+ at \S+src/storage.ts:\d+:\d+ takes an argument that is not a literal`).MatchString(stderr) {
		t.Errorf("no note for the \"*\" grant:\n%s", stderr)
	}
	if st, _ := os.Stat(target); st.Mode().Perm() != 0o644 {
		t.Errorf("new manifest mode %v, want 0644", st.Mode().Perm())
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(tmp) > 0 {
		t.Errorf("temporary files left: %v", tmp)
	}

	// The new manifest agrees with the code, and a second run changes nothing.
	if code, out, errs := runManifestCLI(t, "--check", dir); code != exitOK || !strings.Contains(out, "manifest agrees with the code") {
		t.Errorf("--check after create: exit %d\n%s%s", code, out, errs)
	}
	code, _, stderr = runManifestCLI(t, dir)
	if code != exitOK || !strings.Contains(stderr, "is up to date") {
		t.Errorf("second run: exit %d\n%s", code, stderr)
	}
	if readFile(t, target) != text {
		t.Errorf("second run changed the manifest")
	}
}

func TestManifestUpdateKeepsHandEdits(t *testing.T) {
	dir := server(t, "notes-ts")
	target := filepath.Join(dir, manifest.FileName)
	old := readFile(t, filepath.Join(manifestTestdata, "notes-narrowed.yaml"))
	writeFile(t, target, old)
	if runtime.GOOS != "windows" {
		if err := os.Chmod(target, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runManifestCLI(t, dir)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("an update printed to stdout:\n%s", stdout)
	}
	text := readFile(t, target)
	// An update only adds: every line of the old file is still there, in order.
	rest := text
	for _, l := range strings.SplitAfter(old, "\n") {
		i := strings.Index(rest, l)
		if i < 0 {
			t.Fatalf("line %q of the hand-written manifest is gone:\n%s", l, text)
		}
		rest = rest[i+len(l):]
	}
	m := parseClean(t, text)
	if got := scopes(m, "read_note", "file.read"); len(got) != 1 || got[0] != "${ROOT}/**" {
		t.Errorf("read_note file.read = %v: the hand-narrowed grant was widened", got)
	}
	for _, tool := range []string{"save_note", "list_notes", "archive_note"} {
		if m.Tool(tool) == nil {
			t.Errorf("tool %s was not added", tool)
		}
	}
	if got := scopes(m, "search_notes", "system.exec"); len(got) != 1 {
		t.Errorf("system.exec = %v: an update without --prune must not remove grants", got)
	}
	if !regexp.MustCompile(`updated \S+: \d+ added, 0 removed`).MatchString(stderr) ||
		!strings.Contains(stderr, "1 grant no code needs: run with --prune") {
		t.Errorf("summary:\n%s", stderr)
	}
	if st, _ := os.Stat(target); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the file's own 0600", st.Mode().Perm())
	}
}

func TestManifestPrune(t *testing.T) {
	tests := []struct {
		name     string
		server   string
		manifest string // "" keeps the server's own
		gone     string // a line --prune removes
		kept     []string
	}{
		{"unused grant with a comment above", "weather-mcpgo", "", `file.read: ["${TMP}/weather-cache/**"]`,
			[]string{"# Left over from a removed on-disk cache", "network.server: [\"8080\"]   # SSE transport"}},
		{"unused capability next to a used one", "notes-ts", filepath.Join(manifestTestdata, "notes-narrowed.yaml"), "system.exec: [git]",
			[]string{"# Reviewed by the security team", `file.read: ["${ROOT}/**"]   # narrowed by hand`, "network.client: [api.notes.example]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := server(t, tt.server)
			target := filepath.Join(dir, manifest.FileName)
			if tt.manifest != "" {
				writeFile(t, target, readFile(t, tt.manifest))
			}
			if !strings.Contains(readFile(t, target), tt.gone) {
				t.Fatalf("fixture lacks %q", tt.gone)
			}
			code, _, stderr := runManifestCLI(t, "--prune", dir)
			if code != exitOK {
				t.Fatalf("exit %d:\n%s", code, stderr)
			}
			text := readFile(t, target)
			if strings.Contains(text, tt.gone) {
				t.Errorf("--prune kept %q:\n%s", tt.gone, text)
			}
			for _, k := range tt.kept {
				if !strings.Contains(text, k) {
					t.Errorf("--prune lost %q:\n%s", k, text)
				}
			}
			if !regexp.MustCompile(`updated \S+: \d+ added, 1 removed`).MatchString(stderr) {
				t.Errorf("summary:\n%s", stderr)
			}
			parseClean(t, text)
			if code, out, errs := runManifestCLI(t, "--check", dir); code != exitOK {
				t.Errorf("--check after --prune: exit %d\n%s%s", code, out, errs)
			}
		})
	}
}

func TestManifestCheck(t *testing.T) {
	tests := []struct {
		name     string
		server   string
		manifest string // "-" removes the manifest, "" keeps the server's own
		code     int
		stdout   string // regexp
		stderr   string
	}{
		{"unused grant", "weather-mcpgo", "", exitFindings,
			`(?m)^\S*weather-mcpgo/mcp-capabilities.yaml:12:5: tool get_alerts is granted file.read but .* \[manifest.unused\]$`,
			"1 disagreement between the code and the manifest"},
		{"agrees", "weather-mcpgo", "version: 1\nserver:\n  network.server: [\"8080\"]\ntools:\n  get_forecast:\n    network.client: [api.openweathermap.org]\n    system.env: [OPENWEATHER_API_KEY]\n  get_alerts:\n    network.client: [api.weather.gov]\n",
			exitOK, `^manifest agrees with the code\n$`, ""},
		{"undeclared call", "weather-mcpgo", "version: 1\nserver:\n  network.server: [\"8080\"]\ntools:\n  get_forecast:\n    network.client: [api.openweathermap.org]\n  get_alerts:\n    network.client: [api.weather.gov]\n",
			exitFindings, `main.go:\d+:\d+: .*OPENWEATHER_API_KEY.* \[manifest.undeclared\]`, "disagreement"},
		{"no manifest", "notes-ts", "-", exitFindings, `src/storage.ts:\d+:\d+: `, `no manifest: create it with "mcpriv manifest `},
		{"invalid manifest", "weather-mcpgo", "tools: [\n", exitFindings, `mcp-capabilities.yaml:\d+:\d+: YAML syntax error`, "disagreement"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := server(t, tt.server)
			target := filepath.Join(dir, manifest.FileName)
			switch tt.manifest {
			case "":
			case "-":
				os.Remove(target)
			default:
				writeFile(t, target, tt.manifest)
			}
			before, _ := os.ReadFile(target)
			code, stdout, stderr := runManifestCLI(t, dir, "--check")
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			if !regexp.MustCompile(tt.stdout).MatchString(stdout) {
				t.Errorf("stdout does not match %s:\n%s", tt.stdout, stdout)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
			after, _ := os.ReadFile(target)
			if !bytes.Equal(before, after) {
				t.Errorf("--check changed the manifest")
			}
		})
	}
}

func TestManifestDryRun(t *testing.T) {
	t.Run("create", func(t *testing.T) {
		dir := server(t, "notes-ts")
		code, stdout, stderr := runManifestCLI(t, "--dry-run", dir)
		if code != exitOK {
			t.Fatalf("exit %d:\n%s", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, manifest.FileName)); err == nil {
			t.Errorf("--dry-run created the manifest")
		}
		if !strings.HasPrefix(stdout, "--- /dev/null\n+++ b/mcp-capabilities.yaml\n@@ -0,0 +1,") || !strings.Contains(stdout, "\n+  save_note:\n") {
			t.Errorf("diff:\n%s", stdout)
		}
		if !strings.Contains(stderr, "would create") {
			t.Errorf("summary:\n%s", stderr)
		}
	})
	t.Run("prune", func(t *testing.T) {
		dir := server(t, "weather-mcpgo")
		target := filepath.Join(dir, manifest.FileName)
		before := readFile(t, target)
		code, stdout, stderr := runManifestCLI(t, "--diff", "--prune", dir)
		if code != exitOK {
			t.Fatalf("exit %d:\n%s", code, stderr)
		}
		if readFile(t, target) != before {
			t.Errorf("--diff wrote the manifest")
		}
		want := "--- a/mcp-capabilities.yaml\n+++ b/mcp-capabilities.yaml\n@@ -9,4 +9,3 @@\n" +
			"   get_alerts:\n     network.client: [api.weather.gov]\n     # Left over from a removed on-disk cache: no code needs it any more.\n" +
			"-    file.read: [\"${TMP}/weather-cache/**\"]\n"
		if stdout != want {
			t.Errorf("diff:\n%s\nwant:\n%s", stdout, want)
		}
		if !strings.Contains(stderr, "would update") {
			t.Errorf("summary:\n%s", stderr)
		}
	})
}

func TestManifestInvalidNotOverwritten(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"YAML syntax", "version: 1\ntools:\n  get_alerts: [\n", `mcp-capabilities.yaml:\d+:\d+: YAML syntax error`},
		{"unknown capability", "version: 1\ntools:\n  get_alerts:\n    file.wirte: [/tmp/x]\n", `mcp-capabilities.yaml:4:5: unknown capability "file.wirte"`},
		{"not a mapping", "- a\n- b\n", `mcp-capabilities.yaml:1:1: `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := server(t, "weather-mcpgo")
			target := filepath.Join(dir, manifest.FileName)
			writeFile(t, target, tt.text)
			for _, flags := range [][]string{nil, {"--prune"}} {
				code, _, stderr := runManifestCLI(t, append(flags, dir)...)
				if code != exitError {
					t.Errorf("%v: exit %d, want %d", flags, code, exitError)
				}
				if !regexp.MustCompile(tt.want).MatchString(stderr) || !strings.Contains(stderr, "the file was not changed") {
					t.Errorf("%v: stderr:\n%s", flags, stderr)
				}
				if readFile(t, target) != tt.text {
					t.Errorf("%v: the invalid manifest was overwritten", flags)
				}
			}
		})
	}
}

func TestManifestNested(t *testing.T) {
	dir := copyTree(t, filepath.Join(manifestTestdata, "monorepo"))
	nested := filepath.Join(dir, "plugins", "weather", manifest.FileName)
	nestedBefore := readFile(t, nested)
	code, _, stderr := runManifestCLI(t, dir)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	m := parseClean(t, readFile(t, filepath.Join(dir, manifest.FileName)))
	if m.Tool("read_config") == nil || m.Tool("get_alerts") != nil {
		t.Errorf("the root manifest must hold read_config and leave get_alerts to its own manifest: %+v", m.Tools)
	}
	if got := scopes(m, "read_config", "file.read"); len(got) != 1 || got[0] != "/etc/app/config.toml" {
		t.Errorf("read_config file.read = %v", got)
	}
	if readFile(t, nested) != nestedBefore {
		t.Errorf("the nested manifest was changed")
	}
	if !strings.Contains(stderr, "plugins/weather/mcp-capabilities.yaml governs 1 file below it") {
		t.Errorf("no note about the nested manifest:\n%s", stderr)
	}
}

func TestManifestEngineFlags(t *testing.T) {
	dir := copyTree(t, filepath.Join(manifestTestdata, "monorepo"))
	code, _, stderr := runManifestCLI(t, "--exclude", "server.py", "--jobs", "1", "--max-file-size", "1M", dir)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	m := parseClean(t, readFile(t, filepath.Join(dir, manifest.FileName)))
	if len(m.Tools) != 0 {
		t.Errorf("--exclude server.py: tools %+v, want none", m.Tools)
	}
	if !strings.Contains(stderr, "no source file was found") {
		t.Errorf("no note about the empty scan:\n%s", stderr)
	}
	if code, _, stderr := runManifestCLI(t, "--rules", filepath.Join(dir, "nope"), dir); code != exitError || !strings.Contains(stderr, "loading rules") {
		t.Errorf("--rules with a missing directory: exit %d\n%s", code, stderr)
	}
}

// Grants that only unanalysed files need must not be pruned as unused.
func TestManifestPruneSkippedWhenFilesUnanalysed(t *testing.T) {
	dir := server(t, "weather-mcpgo")
	target := filepath.Join(dir, manifest.FileName)
	before := readFile(t, target)
	code, _, stderr := runManifestCLI(t, "--prune", "--max-file-size", "100", dir)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if readFile(t, target) != before {
		t.Errorf("grants were pruned although the code was not analysed:\n%s", readFile(t, target))
	}
	if !strings.Contains(stderr, "not pruning: ") {
		t.Errorf("no note on why nothing was pruned:\n%s", stderr)
	}
}

// TestManifestNeverWritesThroughSymlink is the attack of issue 14 item 7: a
// repository's manifest is a link to a file outside it (authorized_keys);
// "mcpriv manifest" wrote the generated text, with tool names the repository
// chose, through it.
func TestManifestNeverWritesThroughSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	dir := server(t, "notes-ts")
	victim := filepath.Join(t.TempDir(), "authorized_keys")
	writeFile(t, victim, "ssh-ed25519 AAAA me@host\n")
	link := filepath.Join(dir, manifest.FileName)
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{dir}, {"--prune", dir}, {"--check", dir}} {
		code, _, stderr := runManifestCLI(t, args...)
		if code != exitError || !strings.Contains(stderr, "symbolic link") {
			t.Errorf("%v: exit %d, want %d and a refusal naming the link:\n%s", args, code, exitError, stderr)
		}
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced")
	}
	if text := readFile(t, victim); text != "ssh-ed25519 AAAA me@host\n" {
		t.Errorf("the file outside the workspace was written:\n%s", text)
	}
	// A dangling link: the write would create the file outside.
	os.Remove(link)
	created := filepath.Join(t.TempDir(), "created")
	os.Symlink(created, link)
	if code, _, stderr := runManifestCLI(t, dir); code != exitError {
		t.Errorf("dangling link: exit %d:\n%s", code, stderr)
	}
	if _, err := os.Lstat(created); err == nil {
		t.Error("a file was created through a dangling link")
	}
}

// TestManifestOddLineBreaks is issue 14 item 13: with U+2028 in a comment,
// --prune deleted another tool's grant; with a lone \r, NEL or U+2029 the
// written manifest was invalid YAML, exit 0. Now each is refused, exit 2,
// the file unchanged, the error positioned.
func TestManifestOddLineBreaks(t *testing.T) {
	for name, brk := range map[string]string{"CR": "\r", "NEL": "\u0085", "LS": "\u2028", "PS": "\u2029"} {
		t.Run(name, func(t *testing.T) {
			dir := server(t, "notes-ts")
			target := filepath.Join(dir, manifest.FileName)
			text := "version: 1\ntools:\n  save_note:  # é" + brk + "  list_notes:\n    system.exec: [sh]\n"
			writeFile(t, target, text)
			for _, args := range [][]string{{"--prune", dir}, {dir}} {
				code, _, stderr := runManifestCLI(t, args...)
				if code != exitError || !strings.Contains(stderr, "line break") || !strings.Contains(stderr, "mcp-capabilities.yaml:3:") {
					t.Errorf("%v: exit %d:\n%s", args, code, stderr)
				}
				if readFile(t, target) != text {
					t.Errorf("%v: the manifest was changed", args)
				}
			}
		})
	}
}

// TestManifestHostileFiles: a manifest that is a pipe, a link to /dev/zero
// or a 50 GB sparse file is refused at once (it hung or ran out of memory).
func TestManifestHostileFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no pipes or /dev/zero")
	}
	for _, kind := range []string{"fifo", "zero", "sparse", "dir"} {
		t.Run(kind, func(t *testing.T) {
			dir := server(t, "notes-ts")
			p := filepath.Join(dir, manifest.FileName)
			switch kind {
			case "fifo":
				if err := syscall.Mkfifo(p, 0o644); err != nil {
					t.Skip(err)
				}
			case "zero":
				os.Symlink("/dev/zero", p)
			case "sparse":
				f, err := os.Create(p)
				if err != nil {
					t.Fatal(err)
				}
				if err := f.Truncate(50 << 30); err != nil {
					t.Skip(err)
				}
				f.Close()
			case "dir":
				os.Mkdir(p, 0o755)
			}
			done := make(chan struct{})
			var code int
			var stderr string
			go func() {
				defer close(done)
				code, _, stderr = runManifestCLI(t, "--check", dir)
			}()
			select {
			case <-done:
			case <-time.After(60 * time.Second):
				t.Fatal("mcpriv manifest --check hangs")
			}
			if code != exitError {
				t.Errorf("exit %d, want %d:\n%s", code, exitError, stderr)
			}
		})
	}
}

func TestManifestUsage(t *testing.T) {
	dir := server(t, "weather-mcpgo")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"help", []string{"-h"}, exitOK, "Usage: mcpriv manifest [flags] [PATH]"},
		{"export help", []string{"export", "-h"}, exitOK, "Usage: mcpriv manifest export [flags] [PATH]"},
		{"two paths", []string{dir, dir}, exitError, "one PATH at most"},
		{"check and prune", []string{"--check", "--prune", dir}, exitError, "cannot be combined"},
		{"missing path", []string{filepath.Join(dir, "nope")}, exitError, "no such file or directory"},
		{"source file", []string{filepath.Join(dir, "main.go")}, exitError, "PATH must be the directory of the server"},
		{"bad flag", []string{"--bogus"}, exitError, "Run \"mcpriv manifest -h\""},
		{"bad jobs", []string{"--jobs", "-1", dir}, exitError, "--jobs must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runManifestCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(stdout+stderr, tt.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s%s", code, tt.code, tt.want, stdout, stderr)
			}
		})
	}
	// The manifest file itself names its server.
	code, _, stderr := runManifestCLI(t, "--check", filepath.Join(dir, manifest.FileName))
	if code != exitFindings {
		t.Errorf("--check on the manifest file: exit %d\n%s", code, stderr)
	}
}

func TestManifestExport(t *testing.T) {
	src := filepath.Join(repoRoot, "testdata", "servers", "weather-mcpgo", manifest.FileName)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, manifest.FileName), readFile(t, src))
	for _, format := range manifest.Formats {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := runManifestCLI(t, "export", "--format", format, "--description", "US weather forecasts and alerts", dir)
			if code != exitOK {
				t.Fatalf("exit %d:\n%s", code, stderr)
			}
			if strings.TrimSpace(stdout) == "" {
				t.Fatalf("empty export")
			}
			if !strings.HasPrefix(stderr, "note: ") {
				t.Errorf("no notes on stderr:\n%s", stderr)
			}
			golden := filepath.Join(manifestTestdata, "export", "weather."+format+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(stdout), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want := readFile(t, golden); stdout != want {
				t.Errorf("export differs from %s (go test -run TestManifestExport -update):\n%s", golden, firstDiff(stdout, want))
			}
		})
	}

	// --var fills placeholders; -o writes a file and nothing to stdout.
	out := filepath.Join(dir, "flags.txt")
	code, stdout, stderr := runManifestCLI(t, "export", "--format", "deno", "--var", "TMP=/var/tmp", "-o", out, dir)
	if code != exitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q:\n%s", code, stdout, stderr)
	}
	if got := readFile(t, out); !strings.Contains(got, "--allow-read=/var/tmp/weather-cache") || strings.Contains(got, "TMPDIR") {
		t.Errorf("--var TMP was not applied: %s", got)
	}
	// PATH may name the manifest file itself.
	if code, stdout, _ := runManifestCLI(t, "export", "--format", "agentbound", filepath.Join(dir, manifest.FileName)); code != exitOK || !strings.Contains(stdout, "mcp.ac.network.client") {
		t.Errorf("export of a manifest file: exit %d\n%s", code, stdout)
	}
}

func TestManifestExportErrors(t *testing.T) {
	withManifest := t.TempDir()
	writeFile(t, filepath.Join(withManifest, manifest.FileName), "version: 1\ntools:\n  a:\n    network.client: [api.example.com]\n")
	invalid := t.TempDir()
	writeFile(t, filepath.Join(invalid, manifest.FileName), "version: 1\ntools:\n  a:\n    network.client: [\"https://api.example.com/x\"]\n")
	empty := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no manifest", []string{"--format", "deno", empty}, "no manifest " + displayPath(filepath.Join(empty, manifest.FileName)) + ": create it from the code with \"mcpriv manifest"},
		{"invalid manifest", []string{"--format", "deno", invalid}, "mcp-capabilities.yaml:4:22: bad network.client scope"},
		{"no format", []string{withManifest}, "--format is required"},
		{"unknown format", []string{"--format", "docker", withManifest}, `unknown --format "docker" (want agentbound, deno, node, toolhive, mcpb)`},
		{"bad var", []string{"--format", "deno", "--var", "DATA=/srv", withManifest}, `unknown placeholder "DATA"`},
		{"var without value", []string{"--format", "deno", "--var", "ROOT", withManifest}, "want NAME=VALUE"},
		{"two paths", []string{"--format", "deno", withManifest, withManifest}, "one PATH at most"},
		{"missing path", []string{"--format", "deno", filepath.Join(empty, "nope")}, "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runManifestCLI(t, append([]string{"export"}, tt.args...)...)
			if code != exitError {
				t.Errorf("exit %d, want %d", code, exitError)
			}
			if stdout != "" {
				t.Errorf("stdout on error: %q", stdout)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
		})
	}
}

func TestParseVars(t *testing.T) {
	got, err := parseVars([]string{"ROOT=/srv/data", "${HOME}=/home/u", "CWD=a=b"})
	if err != nil {
		t.Fatal(err)
	}
	if got["ROOT"] != "/srv/data" || got["HOME"] != "/home/u" || got["CWD"] != "a=b" || len(got) != 3 {
		t.Errorf("parseVars = %v", got)
	}
	if _, err := parseVars([]string{"ROOT=/a", "ROOT=/b"}); err == nil || !strings.Contains(err.Error(), "given twice") {
		t.Errorf("duplicate --var: %v", err)
	}
}

func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"equal", "a\n", "a\n", ""},
		{"insert in the middle", "1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nx\n5\n6\n7\n8\n",
			"--- a\n+++ b\n@@ -2,6 +2,7 @@\n 2\n 3\n 4\n+x\n 5\n 6\n 7\n"},
		{"two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n",
			"--- a\n+++ b\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n@@ -9,4 +10,3 @@\n 9\n 10\n 11\n-12\n"},
		{"no final newline", "a\nb", "a\nc", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"},
		{"from nothing", "", "x\ny\n", "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unifiedDiff("a", "b", []byte(tt.old), []byte(tt.new)); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestWriteFileAtomicRefusesConcurrentEdit(t *testing.T) {
	p := filepath.Join(t.TempDir(), manifest.FileName)
	writeFile(t, p, "edited meanwhile\n")
	if err := writeFileAtomic(p, []byte("new\n"), []byte("old\n"), true); err == nil || !strings.Contains(err.Error(), "changed while mcpriv ran") {
		t.Errorf("err = %v", err)
	}
	if readFile(t, p) != "edited meanwhile\n" {
		t.Errorf("a concurrent edit was overwritten")
	}
	if err := writeFileAtomic(p, []byte("new\n"), []byte("edited meanwhile\n"), true); err != nil || readFile(t, p) != "new\n" {
		t.Errorf("write: %v", err)
	}
}

// docs/cli.md must document every flag of manifest and manifest export.
func TestManifestDocComplete(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(docsDir, "cli.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	_, section, _ := strings.Cut(doc, "\n## mcpriv manifest\n")
	section, _, _ = strings.Cut(section, "\n## ")
	for _, args := range [][]string{{"-h"}, {"export", "-h"}} {
		_, help, _ := runManifestCLI(t, args...)
		for _, m := range regexp.MustCompile(`(?m)^  -([a-z][a-z-]*)`).FindAllStringSubmatch(help, -1) {
			if !strings.Contains(section, "`--"+m[1]) && !strings.Contains(section, "`-"+m[1]) {
				t.Errorf("the manifest section of docs/cli.md does not document %v --%s", args[:len(args)-1], m[1])
			}
		}
	}
	for _, f := range manifest.Formats {
		if !strings.Contains(section, "`"+f+"`") {
			t.Errorf("docs/cli.md does not list export format %s", f)
		}
	}
}

// Build output left out because its sources were analysed is no unanalysed
// code: a prune goes ahead, and no note says the manifest misses files.
func TestManifestPruneWithBuildOutputLeftOut(t *testing.T) {
	dir := copyTree(t, "../../testdata/builds/with-sources")
	target := filepath.Join(dir, manifest.FileName)
	if err := os.WriteFile(target, []byte("version: 1\ntools:\n  read_motd:\n    file.read: [/etc/motd]\n    network.client: [example.com]\n  echo: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runManifestCLI(t, "--prune", dir)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	m := parseClean(t, readFile(t, target))
	if got := scopes(m, "read_motd", "network.client"); len(got) != 0 || strings.Contains(stderr, "not pruning") {
		t.Errorf("the unused grant was kept (%v):\n%s", got, stderr)
	}
	if strings.Contains(stderr, "could not be analysed") {
		t.Errorf("build output left out for its sources counted as unanalysed:\n%s", stderr)
	}
}
