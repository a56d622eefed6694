package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
)

var docsDir = filepath.Join("..", "..", "docs")

// docs/capabilities.md is generated; it fails here when the taxonomy
// changed and the page was not regenerated (go test -update).
func TestCapabilitiesDocUpToDate(t *testing.T) {
	want := capabilitiesMarkdown()
	p := filepath.Join(docsDir, "capabilities.md")
	if *update {
		if err := os.WriteFile(p, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is stale: run go test ./cmd/mcpriv -run TestCapabilitiesDoc -update", p)
	}
	code, out, _ := runCLI(t, "capabilities", "--format", "markdown")
	if code != exitOK || out != want {
		t.Errorf("mcpriv capabilities --format markdown differs from the generator")
	}
}

// githubAnchor is how GitHub turns a heading into an anchor: lower case,
// punctuation other than '-' and '_' dropped, spaces to '-'.
func githubAnchor(heading string) string {
	h := strings.ToLower(strings.TrimSpace(heading))
	h = regexp.MustCompile(`[^\p{L}\p{N}\s_-]`).ReplaceAllString(h, "")
	return strings.ReplaceAll(h, " ", "-")
}

// Every Info.DocsURL must land on its capability's section.
func TestCapabilityAnchors(t *testing.T) {
	doc := capabilitiesMarkdown()
	anchors := map[string]string{}
	for _, line := range strings.Split(doc, "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			anchors[githubAnchor(h)] = h
		}
	}
	for _, c := range capability.All() {
		_, frag, _ := strings.Cut(c.DocsURL(), "#")
		if anchors[frag] != string(c.ID) {
			t.Errorf("%s: DocsURL anchor #%s does not match a section heading (have %v)", c.ID, frag, anchors)
		}
		if !strings.HasPrefix(c.DocsURL(), capability.DocsBase) || !strings.HasSuffix(capability.DocsBase, "docs/capabilities.md") {
			t.Errorf("%s: DocsURL %s is not docs/capabilities.md", c.ID, c.DocsURL())
		}
	}
}

// docs/cli.md must mention every command and every flag of scan.
func TestCLIDocComplete(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(docsDir, "cli.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, c := range commands() {
		if !strings.Contains(doc, "mcpriv "+c.name) {
			t.Errorf("docs/cli.md does not document the %s command", c.name)
		}
	}
	for _, cmd := range [][]string{{"scan"}, {"rules"}, {"rules", "test"}, {"facts"}, {"capabilities"}} {
		_, help, _ := runCLI(t, append(cmd, "-h")...)
		for _, m := range regexp.MustCompile(`(?m)^  -([a-z][a-z-]*)`).FindAllStringSubmatch(help, -1) {
			if !strings.Contains(doc, "--"+m[1]) && !strings.Contains(doc, "`-"+m[1]) {
				t.Errorf("docs/cli.md does not document %s --%s", cmd, m[1])
			}
		}
	}
}

func TestSuppressionAnchor(t *testing.T) {
	doc := capabilitiesMarkdown()
	if !strings.Contains(doc, "\n## Suppressing a finding\n") || githubAnchor("Suppressing a finding") != "suppressing-a-finding" {
		t.Errorf("the SARIF suppression rule's helpUri anchor #suppressing-a-finding has no section")
	}
	manifest, err := os.ReadFile(filepath.Join(docsDir, "manifest.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(manifest), "\n## Checks\n") {
		t.Errorf("docs/manifest.md has no \"## Checks\" section, the manifest rules' helpUri")
	}
}
