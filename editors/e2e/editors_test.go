package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Steps every headless editor must pass; code lens only where the client has it.
var (
	nvimSteps  = []string{"attach", "diagnostics", "hover", "code_lens", "show_tool_privileges", "quick_fix", "diagnostic_after_fix", "report", "checkhealth"}
	aleSteps   = []string{"diagnostics", "hover", "quick_fix", "diagnostic_after_fix"}
	eglotSteps = []string{"initialize", "diagnostics", "hover", "quick_fix", "diagnostic_after_fix"}
)

// checkManifest verifies on disk what every quick-fix test must leave: the
// new grant, and the hand-written comments and grants kept.
func checkManifest(t *testing.T, ws workspace) {
	t.Helper()
	b, err := os.ReadFile(ws.Manifest)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{"save_note:", "file.write", "# Least-privilege manifest of the notes server", "read_note:", "list_notes:"} {
		if !strings.Contains(s, want) {
			t.Errorf("manifest on disk lacks %q:\n%s", want, s)
		}
	}
}

func TestNeovim(t *testing.T) {
	nvim := requireProgram(t, "nvim")
	bin := serverBinary(t)
	ws := newWorkspace(t)
	env := isolatedEnv(t, map[string]string{
		"MCPRIV":   bin,
		"PLUGIN":   filepath.Join(repoRoot(), "editors", "nvim"),
		"FILE":     ws.File,
		"MANIFEST": ws.Manifest,
	})
	runEditor(t, 2*time.Minute, env, nvimSteps, nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile nvim_e2e.lua")
	checkManifest(t, ws)
}

func TestVimALE(t *testing.T) {
	vim := requireProgram(t, "vim")
	ale := os.Getenv("ALE_DIR")
	if ale == "" {
		ale = "/usr/share/vim-ale" // Debian's vim-ale
	}
	requireFile(t, filepath.Join(ale, "plugin", "ale.vim"), "ALE")
	bin := serverBinary(t)
	ws := newWorkspace(t)
	env := isolatedEnv(t, map[string]string{
		"MCPRIV":     bin,
		"ALE_DIR":    ale,
		"ALE_CONFIG": snippetFile(t, "ale", ".vim"),
		"FILE":       ws.File,
		"MANIFEST":   ws.Manifest,
	})
	runEditor(t, 2*time.Minute, env, aleSteps, vim, "-N", "-u", "NONE", "-i", "NONE", "-es", "-S", "ale_e2e.vim")
	checkManifest(t, ws)
}

func TestEmacsEglot(t *testing.T) {
	emacs := requireProgram(t, "emacs")
	matches, _ := filepath.Glob("/usr/share/emacs/site-lisp/elpa/eglot-*")
	if len(matches) == 0 {
		missing(t, "eglot is not installed (Debian: elpa-eglot)")
	}
	bin := serverBinary(t)
	ws := newWorkspace(t)
	env := isolatedEnv(t, map[string]string{
		"MCPRIV":       bin,
		"EGLOT_CONFIG": snippetFile(t, "eglot", ".el"),
		"FILE":         ws.File,
		"MANIFEST":     ws.Manifest,
	})
	runEditor(t, 2*time.Minute, env, eglotSteps, emacs, "--batch", "-Q", "-l", "eglot_e2e.el")
	checkManifest(t, ws)
}
