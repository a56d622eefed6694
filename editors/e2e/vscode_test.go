package e2e

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The VS Code tier. Variables:
//
//	MCPRIV_E2E_VSCODE=1     run it (CI=true runs it too: .ci/run installs what it needs)
//	MCPRIV_CACHE            where .ci/editors.sh installed code-server and playwright-core
//	                        (default /var/cache/mcpriv-ci, else ~/.cache/mcpriv)
//	MCPRIV_VSIX             the extension to install (default editors/vscode/dist/mcpriv.vsix)
//	MCPRIV_E2E_ARTIFACTS    where screenshots and the report go (default: a new temp dir; printed)
//	CHROMIUM                browser binary (default /usr/bin/chromium)

var vscodeSteps = []string{"workbench", "squiggle", "problems", "code_lens", "status_bar", "hover", "quick_fix", "diagnostic_after_fix", "code_lens_command", "privilege_map"}

// CacheDir is where installs live between runs, outside the repository.
func cacheDir() string {
	if d := os.Getenv("MCPRIV_CACHE"); d != "" {
		return d
	}
	if fi, err := os.Stat("/var/cache/mcpriv-ci"); err == nil && fi.IsDir() {
		return "/var/cache/mcpriv-ci"
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "mcpriv")
}

func TestVSCode(t *testing.T) {
	if os.Getenv("MCPRIV_E2E_VSCODE") != "1" && !inCI() {
		t.Skip("VS Code tier: set MCPRIV_E2E_VSCODE=1 (takes about a minute; .ci/editors.sh installs it)")
	}
	node := requireProgram(t, "node")
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	requireFile(t, chromium, "Chromium")
	cache := cacheDir()
	codeServer := filepath.Join(cache, "code-server", "node_modules", ".bin", "code-server")
	requireFile(t, codeServer, "code-server")
	playwright := filepath.Join(cache, "playwright", "node_modules")
	requireFile(t, filepath.Join(playwright, "playwright-core"), "playwright-core")
	vsix := os.Getenv("MCPRIV_VSIX")
	if vsix == "" {
		vsix = filepath.Join(repoRoot(), "editors", "vscode", "dist", "mcpriv.vsix")
	}
	requireFile(t, vsix, "the extension (cd editors/vscode && npm run package)")
	bundled := vsixHasServer(t, vsix)

	ws := newWorkspace(t)
	data := keepDir(t, "code-server")
	port := freePort(t)
	cfg := filepath.Join(data, "config.yaml")
	writeFile(t, cfg, fmt.Sprintf("bind-addr: 127.0.0.1:%d\nauth: none\ncert: false\n", port))
	settings := map[string]any{
		"security.workspace.trust.enabled": false,
		"telemetry.telemetryLevel":         "off",
		"update.mode":                      "none",
		"extensions.autoCheckUpdates":      false,
		"extensions.autoUpdate":            false,
		"workbench.startupEditor":          "none",
		"workbench.tips.enabled":           false,
		"workbench.enableExperiments":      false,
		"chat.disableAIFeatures":           true,
		"editor.hover.delay":               200,
		"mcpriv.trace.server":              "messages", // LSP traffic in the kept logs (MCPRIV_E2E_KEEP)
		// The fixture's npm dependencies are not installed: keep TypeScript's
		// own "cannot find module" errors out of the Problems panel.
		"typescript.validate.enable": false,
	}
	if !bundled {
		// A .vsix without the server (a developer build): point the setting at ours.
		settings["mcpriv.path"] = serverBinary(t)
	}
	sb, _ := json.MarshalIndent(settings, "", "  ")
	writeFile(t, filepath.Join(data, "user", "User", "settings.json"), string(sb))

	// The extension must find the shipped binary, not one on PATH.
	env := isolatedEnv(t, map[string]string{"PATH": pathWithout("mcpriv")})
	args := []string{"--config", cfg, "--user-data-dir", filepath.Join(data, "user"), "--extensions-dir", filepath.Join(data, "ext")}

	install := exec.Command(codeServer, append(args, "--install-extension", vsix, "--force")...)
	install.Env = env
	if out, err := install.CombinedOutput(); err != nil || !strings.Contains(string(out), "successfully installed") {
		t.Fatalf("code-server --install-extension: %v\n%s", err, out)
	}

	logf, err := os.Create(filepath.Join(data, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	srv := exec.Command(codeServer, append(args, "--disable-telemetry", "--disable-update-check",
		"--disable-workspace-trust", "--disable-getting-started-override", ws.Dir)...)
	srv.Env = env
	srv.Stdout, srv.Stderr = logf, logf
	// Own process group: the extension host and the language server die with it.
	srv.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-srv.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-srv.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if !waitHTTP(base+"/healthz", 60*time.Second) {
		b, _ := os.ReadFile(filepath.Join(data, "server.log"))
		t.Fatalf("code-server did not come up on %s:\n%s", base, tail(string(b)))
	}

	shots := os.Getenv("MCPRIV_E2E_ARTIFACTS")
	if shots == "" {
		shots, err = os.MkdirTemp("", "mcpriv-e2e-vscode-")
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots and report: %s", shots)
	drv := append(env,
		"NODE_PATH="+playwright,
		"URL="+base+"/?folder="+ws.Dir,
		"FILE="+ws.File,
		"MANIFEST="+ws.Manifest,
		"SHOTS="+shots,
		"CHROMIUM="+chromium,
	)
	runEditor(t, 5*time.Minute, drv, vscodeSteps, node, filepath.Join(repoRoot(), "editors", "e2e", "vscode", "vscode_e2e.js"))
	fmt.Printf("VS Code e2e screenshots: %s\n", shots)
	checkManifest(t, ws)

	// Which binary the extension started, from its output channel's log.
	started := grepLogs(t, filepath.Join(data, "user", "logs"), "lsp (found via ")
	t.Logf("extension log: %s", started)
	want := "found via setting"
	if bundled {
		want = "found via bundled"
	}
	if !strings.Contains(started, want) {
		t.Errorf("the extension did not start the server %s; log: %q", want, started)
	}
	if t.Failed() {
		b, _ := os.ReadFile(filepath.Join(data, "server.log"))
		t.Logf("code-server log:\n%s", tail(string(b)))
	}
}

func vsixHasServer(t *testing.T, vsix string) bool {
	t.Helper()
	r, err := zip.OpenReader(vsix)
	if err != nil {
		t.Fatalf("%s: %v", vsix, err)
	}
	defer r.Close()
	var server, bundle, schema bool
	for _, f := range r.File {
		switch f.Name {
		case "extension/bin/mcpriv":
			server = true
		case "extension/dist/extension.js":
			bundle = true
		case "extension/schema/mcp-capabilities.schema.json":
			schema = true
		}
	}
	if !bundle || !schema {
		t.Fatalf("%s lacks dist/extension.js or the manifest schema", vsix)
	}
	return server
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitHTTP(url string, within time.Duration) bool {
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return false
}

// pathWithout drops PATH entries that hold an executable called name.
func pathWithout(name string) string {
	var keep []string
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if fi, err := os.Stat(filepath.Join(d, name)); err == nil && !fi.IsDir() {
			continue
		}
		keep = append(keep, d)
	}
	return strings.Join(keep, string(os.PathListSeparator))
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// grepLogs returns the first line containing needle in any file under dir.
func grepLogs(t *testing.T, dir, needle string) string {
	t.Helper()
	var found string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || found != "" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, needle) {
				found = strings.TrimSpace(line)
				return filepath.SkipAll
			}
		}
		return nil
	})
	return found
}
