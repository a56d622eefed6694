package lsp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// TestManifestLinkNeverEdited is issue 14 item 7 in the editor: the
// workspace's manifest is a link to a file outside it. The server sends
// edits, and the editor applies them to whatever the URI leads to, so no
// action and no generateManifest may produce an edit of that manifest.
func TestManifestLinkNeverEdited(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	victim := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(victim, []byte("version: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := startServer(t, fixture(), clientOpts{})
	if err := os.Symlink(victim, filepath.Join(c.root, ManifestName)); err != nil {
		t.Fatal(err)
	}
	c.open("src/server.ts", serverTS)
	ds := c.waitDiags("src/server.ts", count(1))
	manifestURI := string(c.uri(ManifestName))
	for _, r := range []protocol.Range{rangeOf(ds[0].Range.Start, ds[0].Range.Start), {}} {
		for _, a := range c.codeActions("src/server.ts", r) {
			b, _ := json.Marshal(a.Edit)
			if strings.Contains(string(b), manifestURI) {
				t.Errorf("action %q edits the linked manifest: %s", a.Title, b)
			}
		}
	}
	var gen map[string]any
	err := c.call("workspace/executeCommand", protocol.ExecuteCommandParams{Command: CmdGenerateManifest}, &gen)
	if err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("generateManifest: %v %v, want a refusal naming the link", gen, err)
	}
	c.mu.Lock()
	applied := len(c.applied)
	c.mu.Unlock()
	if applied != 0 {
		t.Errorf("%d workspace edits sent", applied)
	}
	if b, _ := os.ReadFile(victim); string(b) != "version: 1\n" {
		t.Errorf("the file outside was written: %q", b)
	}
}
