package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/measure"
)

// writeCorpus lists the example servers plus one that does not exist.
func writeCorpus(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("# example servers\n")
	servers, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "servers", "*"))
	for _, s := range servers {
		if st, err := os.Stat(s); err == nil && st.IsDir() {
			abs, _ := filepath.Abs(s)
			b.WriteString("dir:" + abs + "\n")
		}
	}
	b.WriteString("dir:" + filepath.Join(t.TempDir(), "gone") + "\n")
	p := filepath.Join(t.TempDir(), "corpus.txt")
	os.WriteFile(p, []byte(b.String()), 0o644)
	return p
}

func readSummary(t *testing.T, dir string) (*measure.Summary, []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, measure.SummaryName))
	if err != nil {
		t.Fatal(err)
	}
	var s measure.Summary
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return &s, data
}

func TestMeasureCommand(t *testing.T) {
	corpus := writeCorpus(t)
	out := filepath.Join(t.TempDir(), "out")
	cache := t.TempDir()
	code, _, errs := runCLI(t, "measure", "-o", out, "--cache", cache, "--jobs", "2", corpus)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, f := range []string{"servers.jsonl", "summary.json", "report.md", "report.html", "run.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if !strings.Contains(errs, "measure [") || !strings.Contains(errs, "ETA") {
		t.Errorf("no progress lines on stderr: %q", errs)
	}
	sum, one := readSummary(t, out)
	if sum.Analysed < 6 || sum.NotAnalysed[measure.ReasonDownload] != 1 || sum.Servers != sum.Analysed+1 {
		t.Errorf("summary: %d servers, %d analysed, %v", sum.Servers, sum.Analysed, sum.NotAnalysed)
	}
	md, _ := os.ReadFile(filepath.Join(out, "report.md"))
	for _, want := range []string{"1,438", "56.1%", "| network |", "download-failed"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("report.md lacks %q", want)
		}
	}

	// A rerun does nothing but rewrite the outputs.
	code, _, errs = runCLI(t, "measure", "-o", out, "--cache", cache, "--no-progress", corpus)
	if code != exitOK || !strings.Contains(errs, fmt.Sprintf(", %d skipped as done before", sum.Servers)) {
		t.Errorf("rerun: exit %d: %s", code, errs)
	}
	if _, again := readSummary(t, out); !bytes.Equal(one, again) {
		t.Error("rerun changed summary.json")
	}

	// Two shards merged give the same summary.
	var dirs []string
	for _, sh := range []string{"1/2", "2/2"} {
		d := filepath.Join(t.TempDir(), "shard")
		if code, _, errs := runCLI(t, "measure", "-o", d, "--cache", cache, "--no-progress", "--shard", sh, corpus); code != exitOK {
			t.Fatalf("shard %s: exit %d: %s", sh, code, errs)
		}
		dirs = append(dirs, d)
	}
	merged := filepath.Join(t.TempDir(), "merged")
	if code, _, errs := runCLI(t, append([]string{"measure", "merge", "-o", merged}, dirs...)...); code != exitOK {
		t.Fatalf("merge: exit %d: %s", code, errs)
	}
	if _, m := readSummary(t, merged); !bytes.Equal(one, m) {
		t.Errorf("merged shards differ from one run:\n%s\n---\n%s", m, one)
	}
}

func TestMeasureUsage(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.txt")
	os.WriteFile(bad, []byte("ok@1\nsvn:nope\n"), 0o644)
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"measure"}, "no CORPUS"},
		{[]string{"measure", "--shard", "3/2", bad}, "bad shard"},
		{[]string{"measure", "--jobs", "0", bad}, "--jobs"},
		{[]string{"measure", bad}, "bad.txt:2:"},
		{[]string{"measure", filepath.Join(t.TempDir(), "missing.txt")}, "no such file"},
		{[]string{"measure", "merge"}, "no DIR"},
		{[]string{"measure", "merge", t.TempDir()}, "no servers.jsonl"},
		{[]string{"report", "a", "b"}, "one PATH"},
		{[]string{"report", filepath.Join(t.TempDir(), "missing")}, "no such file"},
	} {
		code, _, errs := runCLI(t, tc.args...)
		if code != exitError || !strings.Contains(errs, tc.err) {
			t.Errorf("%v: exit %d, stderr %q (want %q)", tc.args, code, errs, tc.err)
		}
	}
}

func TestReportCommand(t *testing.T) {
	srv := filepath.Join("..", "..", "testdata", "servers", "weather-mcpgo")
	code, out, errs := runCLI(t, "report", srv)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"# Privilege map: weather-mcpgo",
		// doJSON's request comes from two callers, each with its own
		// literal host, so no host is the model's. The city reaches the
		// request's URL through doJSON's parameter: the role is decided at
		// the call, which sees no literal "?", so it is a target of a
		// literal host (marked, not raising the risk).
		"| get_forecast | declared [e3] ⚠ input city |  | declared [e2] |",
		"| get_alerts | declared [e3] |  |  | unused grant |",
		"Can reach a URL or host the model chooses: none.",
		"Can run programs or evaluate code: none.",
		"main.go:89: sends an HTTP request (⚠ from get_forecast input city)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	page := filepath.Join(t.TempDir(), "map.html")
	if code, _, errs := runCLI(t, "report", "--html", page, srv); code != exitOK {
		t.Fatalf("--html: exit %d: %s", code, errs)
	}
	html, _ := os.ReadFile(page)
	for _, want := range []string{`id="table-map"`, `href="#e3"`, `id="e3"`, "▶ ", "unused grant", `class="taint"`} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if bytes.Contains(html, []byte("<script")) || bytes.Contains(html, []byte("http://")) {
		t.Error("the page has a script or a network reference")
	}
}

// Tool names, paths and code lines come from the analysed server: the page
// must show them as text, never as markup.
func TestReportEscapesHostileCode(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "server.js"), []byte(`import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { exec } from "node:child_process";
const server = new McpServer({ name: "x", version: "1" });
server.tool("<img src=x onerror=alert(1)>", {}, async ({ cmd }) => { exec(cmd + "</pre><script>alert(2)</script>"); });
`), 0o644)
	code, out, errs := runCLI(t, "report", "--html", "-", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Contains(out, "<img") || strings.Contains(out, "<script") {
		t.Errorf("hostile text reached the page as markup:\n%s", out)
	}
	if !strings.Contains(out, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("the tool name is not shown escaped:\n%s", out)
	}
}

// TestReportsInBrowser opens both HTML reports in headless Chromium without
// JavaScript: no console error, no request leaving the file, every chart
// and table present; the screenshots' paths are printed. It skips without
// Chromium or playwright-core, except in CI (.ci/editors.sh installs them).
func TestReportsInBrowser(t *testing.T) {
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	node, err := exec.LookPath("node")
	playwright := filepath.Join(browserCacheDir(), "playwright", "node_modules")
	_, perr := os.Stat(filepath.Join(playwright, "playwright-core"))
	_, cerr := os.Stat(chromium)
	if err != nil || perr != nil || cerr != nil {
		msg := "needs node, Chromium and playwright-core (bash .ci/editors.sh --install-only)"
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: node %v, playwright-core %v, chromium %v", msg, err, perr, cerr)
		}
		t.Skip(msg)
	}
	out := filepath.Join(t.TempDir(), "measure")
	if code, _, errs := runCLI(t, "measure", "-o", out, "--cache", t.TempDir(), "--no-progress", writeCorpus(t)); code != exitOK {
		t.Fatalf("measure: %s", errs)
	}
	mapPage := filepath.Join(out, "weather-map.html")
	if code, _, errs := runCLI(t, "report", "--html", mapPage, filepath.Join("..", "..", "testdata", "servers", "weather-mcpgo")); code != exitOK {
		t.Fatalf("report: %s", errs)
	}
	partialPage := filepath.Join(out, "partial-map.html")
	if code, _, errs := runCLI(t, "report", "--html", partialPage, partialServer(t)); code != exitOK {
		t.Fatalf("report: %s", errs)
	}
	artifacts := os.Getenv("MCPRIV_E2E_ARTIFACTS")
	if artifacts == "" {
		artifacts, _ = os.MkdirTemp("", "mcpriv-reports-")
	}
	os.MkdirAll(artifacts, 0o755)
	measureIDs := []string{"chart-classes", "chart-capabilities", "chart-caps-per-tool", "chart-taint", "chart-cooccurrence",
		"table-classes", "table-capabilities", "table-caps-per-tool", "table-taint", "table-cooccurrence", "table-sdk",
		"table-language", "table-manifest", "table-reasons", "table-failures", "table-run"}
	spec, _ := json.Marshal([]map[string]any{
		{"file": filepath.Join(out, "report.html"), "ids": measureIDs},
		{"file": mapPage, "ids": []string{"risk", "table-map", "table-mismatches", "e1", "evidence"}},
		{"file": partialPage, "ids": []string{"risk", "table-map", "table-mismatches", "e1", "evidence", "table-errors"}},
	})
	specFile := filepath.Join(t.TempDir(), "spec.json")
	os.WriteFile(specFile, spec, 0o644)
	script, _ := filepath.Abs(filepath.Join("testdata", "browsercheck.js"))
	cmd := exec.Command(node, script, chromium, artifacts, specFile)
	cmd.Env = append(os.Environ(), "NODE_PATH="+playwright)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var r struct {
			File, Screenshot          string
			Errors, Missing, Requests []string
			Charts, Tables            int
			OK                        bool `json:"ok"`
		}
		if json.Unmarshal([]byte(line), &r) != nil {
			continue
		}
		// Printed (not only logged) so that a CI log shows where to look.
		fmt.Printf("%s: %d charts, %d tables; screenshot %s\n", filepath.Base(r.File), r.Charts, r.Tables, r.Screenshot)
		if !r.OK {
			t.Errorf("%s: console %v, missing %v, requests %v", r.File, r.Errors, r.Missing, r.Requests)
		}
	}
	if err != nil {
		t.Fatalf("browser check: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "report.html") || !strings.Contains(stdout.String(), "weather-map.html") || !strings.Contains(stdout.String(), "partial-map.html") {
		t.Errorf("not every page was checked:\n%s", stdout.String())
	}
}

// browserCacheDir is where .ci/editors.sh installs playwright-core.
func browserCacheDir() string {
	if d := os.Getenv("MCPRIV_CACHE"); d != "" {
		return d
	}
	if fi, err := os.Stat("/var/cache/mcpriv-ci"); err == nil && fi.IsDir() {
		return "/var/cache/mcpriv-ci"
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "mcpriv")
}

// A terminal escape or a bidirectional override in a tool name is shown
// visibly in both forms of the map, never acted on.
func TestReportEscapesControls(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "server.js"), []byte("import { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\n"+
		"import { readFile } from \"node:fs/promises\";\n"+
		"const server = new McpServer({ name: \"x\", version: \"1\" });\n"+
		"server.tool(\"read\\u202Eevil\\x1b[2J\", {}, async ({ p }) => readFile(p));\n"), 0o644)
	for _, args := range [][]string{{"report", dir}, {"report", "--html", "-", dir}} {
		code, out, errs := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		if strings.ContainsAny(out, "\u202e\x1b") {
			t.Errorf("%v: raw control characters in the output", args)
		}
		if !strings.Contains(out, `\u202e`) {
			t.Errorf("%v: the override is not shown escaped:\n%s", args, out)
		}
	}
}

// partialServer writes a server the engine analyses only in part: a
// subtree nested past the extractors' bound (mcpriv.too-deep) and a binary
// file (mcpriv.skipped); a tool whose input reaches a program, and one
// whose input is only written (taint role payload).
func partialServer(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "server.js"), []byte("const { McpServer } = require(\"@modelcontextprotocol/sdk/server/mcp.js\");\n"+
		"const child_process = require(\"child_process\");\nconst fs = require(\"fs\");\n"+
		"const server = new McpServer({ name: \"partial\", version: \"1.0.0\" });\n"+
		"server.tool(\"run\", {}, async ({ cmd }) => { child_process.execSync(cmd); return { content: [] }; });\n"+
		"server.tool(\"save\", {}, async ({ text }) => { fs.writeFileSync(\"/tmp/notes.txt\", text); return { content: [] }; });\n"+
		"server.tool(\"deep\", {}, async ({ cmd }) => { const x = "+strings.Repeat("[", 3000)+"child_process.execSync(cmd)"+strings.Repeat("]", 3000)+"; return { content: [] }; });\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "blob.js"), append([]byte("var a = 1;\x00\x00"), make([]byte, 64)...), 0o644)
	return dir
}

// TestReportPartial: the map says what it could not analyse (a too-deep
// cut, a skipped file) in its risk summary and its last section, and
// shows each taint with its input and role.
func TestReportPartial(t *testing.T) {
	code, out, errs := runCLI(t, "report", partialServer(t))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"The map is partial: ",
		"## Code not analysed",
		"server.js:7: code nested too deep to analyse",
		"blob.js: file looks binary",
		"⚠ input cmd",
		"(⚠ from run input cmd)",
		"(⚠ from save input text, payload only)",
		"Can run programs or evaluate code: run.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// A payload is not a model-chosen target: the cell is not marked.
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| save |") && strings.Contains(line, "⚠") {
			t.Errorf("save's cell marks a payload as a chosen target: %s", line)
		}
	}
}
