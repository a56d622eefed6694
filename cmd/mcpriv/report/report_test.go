package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/display"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/source"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sampleSrc has a non-BMP character before a call, so code-point and UTF-16
// columns differ on line 3.
const sampleSrc = `import { writeFile } from "node:fs/promises";
const token = process.env.NOTES_TOKEN;
const banner = "📝"; await writeFile(p, banner);
fetch("https://api.notes.example/v1/sync");
`

func spanOf(t *testing.T, lines *source.Lines, text string, nth int) source.Span {
	t.Helper()
	off := -1
	for i := 0; i <= nth; i++ {
		j := strings.Index(sampleSrc[off+1:], text)
		if j < 0 {
			t.Fatalf("%q not in sample", text)
		}
		off += j + 1
	}
	return lines.Span(off, off+len(text))
}

// sampleResult is a hand-built result covering every field the printers
// show: taint, scope, tools, server, suppressed findings, manifest findings,
// errors and notices. Its slices are deliberately out of order.
func sampleResult(t *testing.T) *finding.Result {
	lines := source.NewLines([]byte(sampleSrc))
	yaml := source.NewLines([]byte("version: 1\ntools:\n  save_note:\n    network.client: [evil.example]\n"))
	return &finding.Result{
		Root: "/tmp/notes-ts",
		Findings: []finding.Finding{
			{
				Kind: finding.KindCapability, File: "src/index.ts",
				Span: spanOf(t, lines, "fetch", 0), CallSpan: spanOf(t, lines, `fetch("https://api.notes.example/v1/sync")`, 0),
				Capability: capability.NetworkClient, Class: capability.Network, API: "fetch",
				Rule: "js.fetch", Message: "opens an outbound HTTP connection to api.notes.example",
				Risk: capability.Medium, Severity: finding.Warning,
				Tools: []string{"sync_notes"}, Scope: "api.notes.example", ScopeKind: "host",
				Manifest: finding.Undeclared, UndeclaredFor: []string{"sync_notes"},
			},
			{
				Kind: finding.KindCapability, File: "src/index.ts",
				Span: spanOf(t, lines, "writeFile", 1), CallSpan: spanOf(t, lines, "writeFile(p, banner)", 0),
				Capability: capability.FileWrite, Class: capability.File, API: "fs.promises.writeFile",
				Rule: "js.fs.write", Message: "writes a file whose path the model chooses",
				Risk: capability.Critical, Severity: finding.Error,
				Tools: []string{"save_note", "import_note"}, Tainted: true, TaintSource: "path", TaintTool: "save_note", TaintRole: finding.TaintTarget,
			},
			{
				Kind: finding.KindCapability, File: "src/index.ts",
				Span:       spanOf(t, lines, "process.env", 0),
				Capability: capability.SystemEnv, Class: capability.System, API: "process.env",
				Rule: "js.process.env", Message: "reads the environment variable NOTES_TOKEN",
				Risk: capability.Low, Severity: finding.Info, Server: true, Scope: "NOTES_TOKEN", ScopeKind: "env",
			},
			{
				Kind: finding.KindUnusedGrant, File: "mcp-capabilities.yaml",
				Span:       yaml.Span(53, 65),
				Capability: capability.NetworkClient, Class: capability.Network,
				Rule: "manifest.unused", Message: "grant network.client: evil.example for tool save_note is not needed by any code",
				Severity: finding.Warning, Tools: []string{"save_note"}, Scope: "evil.example",
			},
		},
		Tools: []finding.Tool{
			{Name: "sync_notes", File: "src/index.ts", Span: lines.Span(0, 5), NameSpan: lines.Span(7, 16), SDK: "ts-sdk",
				Capabilities: []capability.ID{capability.NetworkClient},
				Sites:        []finding.ToolSite{{File: "src/legacy.ts", Span: lines.Span(0, 5), NameSpan: lines.Span(7, 16)}}},
			{Name: "save_note", File: "src/index.ts", Span: lines.Span(0, 5), SDK: "ts-sdk",
				Capabilities: []capability.ID{capability.FileWrite, capability.NetworkClient, capability.FileWrite},
				Annotations:  map[string]bool{"readOnlyHint": false}},
		},
		Suppressed: []finding.Finding{{
			Kind: finding.KindCapability, File: "src/helpers.ts",
			Span:       source.Span{Start: source.Pos{Line: 9, Col: 2, Col16: 2}, End: source.Pos{Line: 9, Col: 10, Col16: 10}},
			Capability: capability.FileRead, Class: capability.File, API: "fs.readFile", Rule: "js.fs.read",
			Message: "reads a file", Severity: finding.Warning, Tools: []string{"load_note"},
			Suppression: "reads only the bundled template",
		}},
		Errors: []finding.FileError{
			{File: "dist/bundle.js", Message: "file is larger than the size limit (20000000 > 16777216 bytes)", Skipped: true},
			{File: "src/broken.ts", Message: "permission denied"},
		},
		Files: 3, Bytes: 1234,
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden (run go test -update and review the diff):\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

type printer func(*bytes.Buffer, *finding.Result, Options) error

func printers() map[string]printer {
	return map[string]printer{
		"sample.txt":       func(b *bytes.Buffer, r *finding.Result, o Options) error { return Text(b, r, o) },
		"sample.color.txt": func(b *bytes.Buffer, r *finding.Result, o Options) error { o.Color = true; return Text(b, r, o) },
		"sample.json":      func(b *bytes.Buffer, r *finding.Result, o Options) error { return JSON(b, r, o) },
		"sample.sarif":     func(b *bytes.Buffer, r *finding.Result, o Options) error { return SARIF(b, r, o) },
	}
}

func TestGolden(t *testing.T) {
	opts := Options{Version: "0.0.0-test", Root: "notes-ts", SourceRoot: "/work/notes-ts"}
	for name, print := range printers() {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := print(&b, sampleResult(t), opts); err != nil {
				t.Fatal(err)
			}
			golden(t, name, b.Bytes())
		})
	}
}

// Printing must not depend on the order the engine produced things in, and
// must not modify the result.
func TestDeterministic(t *testing.T) {
	for name, print := range printers() {
		t.Run(name, func(t *testing.T) {
			var first bytes.Buffer
			if err := print(&first, sampleResult(t), Options{}); err != nil {
				t.Fatal(err)
			}
			for seed := range uint64(5) {
				res := sampleResult(t)
				r := rand.New(rand.NewPCG(seed, seed))
				r.Shuffle(len(res.Findings), func(i, j int) { res.Findings[i], res.Findings[j] = res.Findings[j], res.Findings[i] })
				r.Shuffle(len(res.Tools), func(i, j int) { res.Tools[i], res.Tools[j] = res.Tools[j], res.Tools[i] })
				r.Shuffle(len(res.Errors), func(i, j int) { res.Errors[i], res.Errors[j] = res.Errors[j], res.Errors[i] })
				before := sampleResult(t)
				r = rand.New(rand.NewPCG(seed, seed))
				r.Shuffle(len(before.Findings), func(i, j int) { before.Findings[i], before.Findings[j] = before.Findings[j], before.Findings[i] })
				r.Shuffle(len(before.Tools), func(i, j int) { before.Tools[i], before.Tools[j] = before.Tools[j], before.Tools[i] })
				r.Shuffle(len(before.Errors), func(i, j int) { before.Errors[i], before.Errors[j] = before.Errors[j], before.Errors[i] })
				var b bytes.Buffer
				if err := print(&b, res, Options{}); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(b.Bytes(), first.Bytes()) {
					t.Fatalf("seed %d: output depends on input order", seed)
				}
				if !reflect.DeepEqual(before, res) {
					t.Fatalf("printer modified its input")
				}
			}
		})
	}
}

func TestEmptyResult(t *testing.T) {
	for name, print := range printers() {
		for _, res := range []*finding.Result{nil, {}} {
			var b bytes.Buffer
			if err := print(&b, res, Options{}); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if strings.HasSuffix(name, ".txt") {
				if !strings.Contains(b.String(), "no findings in 0 files") {
					t.Errorf("%s: empty text output %q", name, b.String())
				}
				continue
			}
			var v map[string]any
			if err := json.Unmarshal(b.Bytes(), &v); err != nil {
				t.Fatalf("%s: invalid JSON: %v", name, err)
			}
			if name == "sample.json" {
				for _, k := range []string{"findings", "tools", "suppressed", "errors"} {
					if list, ok := v[k].([]any); !ok || len(list) != 0 {
						t.Errorf("empty result: %s = %#v, want []", k, v[k])
					}
				}
			}
		}
	}
}

func TestTextLine(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, sampleResult(t), Options{Root: "srv"}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		// 📝 is one character: the column counts it once.
		`srv/src/index.ts:3:27: error: file.write fs.promises.writeFile — writes a file whose path the model chooses [tools: import_note, save_note] (tainted: from input "path")`,
		`srv/src/index.ts:2:15: info: system.env process.env — reads the environment variable NOTES_TOKEN [server]`,
		`srv/mcp-capabilities.yaml:4:23: warning: unused-grant network.client — grant network.client`,
		"4 findings (1 error, 2 warnings, 1 info) in 3 files, 2 tools, 1 suppressed",
		"save_note   srv/src/index.ts:1:1  file.write, network.client",
		"errors (files not analysed):\n  srv/src/broken.ts: permission denied",
		"skipped:\n  srv/dist/bundle.js: file is larger",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour without Options.Color")
	}
	if strings.Contains(out, "helpers.ts") {
		t.Errorf("suppressed finding printed as a finding")
	}
}

func TestColumnUnits(t *testing.T) {
	res := sampleResult(t)
	var j, s bytes.Buffer
	if err := JSON(&j, res, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := SARIF(&s, res, Options{}); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Findings []struct {
			Capability string
			Line       int
			Column     int
			EndColumn  int
		}
	}
	if err := json.Unmarshal(j.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			ColumnKind string
			Results    []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct {
						Region struct{ StartLine, StartColumn, EndColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(s.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, f := range out.Findings {
		if f.Capability == "file.write" {
			found++
			if f.Line != 3 || f.Column != 27 || f.EndColumn != 36 {
				t.Errorf("JSON file.write at %d:%d-%d, want 3:27-36 (code points)", f.Line, f.Column, f.EndColumn)
			}
		}
	}
	if log.Runs[0].ColumnKind != "utf16CodeUnits" {
		t.Errorf("columnKind %q", log.Runs[0].ColumnKind)
	}
	for _, r := range log.Runs[0].Results {
		if r.RuleID == "file.write" {
			found++
			reg := r.Locations[0].PhysicalLocation.Region
			if reg.StartLine != 3 || reg.StartColumn != 28 || reg.EndColumn != 37 {
				t.Errorf("SARIF file.write at %d:%d-%d, want 3:28-37 (UTF-16 units)", reg.StartLine, reg.StartColumn, reg.EndColumn)
			}
		}
	}
	if found != 2 {
		t.Fatalf("file.write found %d times, want once in each format", found)
	}
}

// Suppressed findings reach the printers without a severity (the policy
// runs on live findings only); the contract still gives them one.
func TestSuppressedSeverityFilled(t *testing.T) {
	res := sampleResult(t)
	res.Suppressed[0].Severity = ""
	res.Suppressed[0].Risk = capability.Critical
	var b bytes.Buffer
	if err := JSON(&b, res, Options{}); err != nil {
		t.Fatal(err)
	}
	var doc struct{ Suppressed []struct{ Severity string } }
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Suppressed[0].Severity != "error" {
		t.Errorf("suppressed severity %q, want the default policy's error", doc.Suppressed[0].Severity)
	}
	if res.Suppressed[0].Severity != "" {
		t.Errorf("printer modified its input")
	}
}

func TestTextOddFindings(t *testing.T) {
	res := &finding.Result{Findings: []finding.Finding{
		{Kind: finding.KindCapability, File: "a.js", Capability: capability.SystemCode, API: "eval", Severity: finding.Error},
		{Kind: finding.KindInvalidManifest, File: "mcp-capabilities.yaml", Message: "line one\nline two", Severity: finding.Error},
	}}
	var b bytes.Buffer
	if err := Text(&b, res, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"a.js:1:1: error: system.code eval\n", "mcp-capabilities.yaml:1:1: error: invalid-manifest — line one line two\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %q in:\n%s", want, b.String())
		}
	}
}

// TestTextEscapesControls is issue 14 item 9: a tool name, API, message,
// file name or error chosen by the analysed code must not reach the
// terminal raw (ESC and CR sequences that erase the system.exec line,
// OSC 8 links, bidi overrides): every human-readable output escapes them.
func TestTextEscapesControls(t *testing.T) {
	evil := "x\x1b[1A\x1b[2K\r\x1b]8;;https://e/\x1b\\ok\u202e\u2028"
	res := &finding.Result{
		Files: 1,
		Findings: []finding.Finding{{
			Kind: finding.KindCapability, File: "src/" + evil + ".ts", Capability: "system.exec", API: "child_process." + evil,
			Severity: finding.Error, Message: "runs programs for tool " + evil, Tools: []string{evil}, Tainted: true, TaintSource: evil,
		}},
		Tools:  []finding.Tool{{Name: evil, File: "src/" + evil + ".ts", Capabilities: []capability.ID{"system.exec"}}},
		Errors: []finding.FileError{{File: evil, Message: "cannot read " + evil}, {File: evil, Message: evil, Skipped: true}},
	}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"text":  func(b *bytes.Buffer) error { return Text(b, res, Options{}) },
		"color": func(b *bytes.Buffer) error { return Text(b, res, Options{Color: true}) },
		"sarif": func(b *bytes.Buffer) error { return SARIF(b, res, Options{}) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if name == "color" {
			out = regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(out, "") // our own colours
		}
		if name == "sarif" {
			// JSON escapes C0 itself; the message texts must hold no bidi or separator either.
			var doc struct {
				Runs []struct {
					Results []struct {
						Message struct{ Text string } `json:"message"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			out = ""
			for _, r := range doc.Runs[0].Results {
				out += r.Message.Text + "\n"
			}
		}
		for _, r := range strings.TrimSuffix(out, "\n") {
			if r != '\n' && display.Unsafe(r) {
				t.Errorf("%s output holds %U:\n%q", name, r, out)
				break
			}
		}
		if !strings.Contains(out, `x\x1b[1A\x1b[2K\r\x1b]8;;https://e/\x1b\ok\u202e\u2028`) {
			t.Errorf("%s output does not show the escapes:\n%s", name, out)
		}
	}
}
