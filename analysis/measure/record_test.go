package measure_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/engine"
	"github.com/mcpriv/mcpriv/analysis/measure"
)

// partialServer is a JavaScript server whose record must carry what the
// engine says beyond capabilities: taint roles (a program chosen by the
// input, content it only carries, the path under a literal host), a
// subtree nested past the extractors' bound (mcpriv.too-deep) and a file
// not read (mcpriv.skipped): a partial result, never a silent gap.
const partialServer = `const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");
const child_process = require("child_process");
const fs = require("fs");
const server = new McpServer({ name: "partial", version: "1.0.0" });
server.tool("run", {}, async ({ cmd }) => {
  child_process.execSync(cmd);
  return { content: [] };
});
server.tool("save", {}, async ({ text }) => {
  fs.writeFileSync("/tmp/notes.txt", text);
  return { content: [] };
});
server.tool("item", {}, async ({ id }) => {
  const r = await fetch("https://api.example.com/items/" + id);
  return { content: [] };
});
server.tool("get", {}, async ({ url }) => {
  await fetch("https://status.example.com/ping");
  await fetch(url);
  return { content: [] };
});
server.tool("deep", {}, async ({ cmd }) => {
  const x = ` + "%DEEP%" + `;
  return { content: [] };
});
`

func TestRecordPartialAndTaintRoles(t *testing.T) {
	dir := t.TempDir()
	src := strings.Replace(partialServer, "%DEEP%", strings.Repeat("[", 3000)+"child_process.execSync(cmd)"+strings.Repeat("]", 3000), 1)
	os.WriteFile(filepath.Join(dir, "index.js"), []byte(src), 0o644)
	os.WriteFile(filepath.Join(dir, "blob.js"), append([]byte("var a = 1;\x00\x00\x00"), make([]byte, 64)...), 0o644)
	es, err := measure.ParseCorpus(strings.NewReader("dir:"+dir+"\n"), "partial", "")
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(engine.Options{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	servers, _, err := measure.Run(context.Background(), es, measure.Options{Out: t.TempDir(), Fetcher: &measure.Cache{}, Analyzer: eng, Jobs: 1, FetchJobs: 1})
	if err != nil || len(servers) != 1 {
		t.Fatalf("%d records, %v", len(servers), err)
	}
	s := servers[0]
	if s.Status != measure.StatusAnalysed {
		t.Fatalf("status %s (%s: %s)", s.Status, s.Reason, s.Detail)
	}
	if !s.Partial || s.Unanalysed.TooDeep == 0 || s.Unanalysed.SkippedFiles == 0 {
		t.Errorf("partial %v, unanalysed %+v: want a too-deep cut and a skipped file recorded", s.Partial, s.Unanalysed)
	}
	if !anyContains(s.Errors, "too deep") || !anyContains(s.Errors, "blob.js") {
		t.Errorf("errors do not name the cut and the skipped file: %q", s.Errors)
	}
	taint := map[string]measure.Taint{}
	for _, tl := range s.Tools {
		for _, tt := range tl.Tainted {
			taint[tl.Name+" "+string(tt.Capability)] = tt
		}
	}
	for key, want := range map[string]struct {
		role    string
		counted bool
	}{
		"run system.exec":     {"target", true},
		"save file.write":     {"payload", false},
		"item network.client": {"target", false}, // the path under a literal host
		"get network.client":  {"target", true},
	} {
		got, ok := taint[key]
		if !ok {
			t.Errorf("%s: no taint recorded (have %+v)", key, taint)
			continue
		}
		if got.Role != want.role || got.Uncounted == want.counted {
			t.Errorf("%s: role %q counted %v, want %q %v", key, got.Role, !got.Uncounted, want.role, want.counted)
		}
	}
	sum := measure.Summarize(servers)
	if sum.Partial != 1 || sum.PartialTooDeep != 1 {
		t.Errorf("summary partial %d (too deep %d), want 1 (1)", sum.Partial, sum.PartialTooDeep)
	}
	for _, c := range sum.TaintedTools {
		if want := map[string]int{"program": 1, "path": 0, "url": 1, "any": 2}[c.Name]; c.Count != want {
			t.Errorf("tainted tools %s: %d, want %d", c.Name, c.Count, want)
		}
	}
	m := s.Manifest
	// Grants: item's host, get's host beside "*", run's "*", save's path.
	if m.Grants != 4 || m.WildcardOnly != 1 || m.LiteralAndWildcard != 1 || m.Unscoped != 0 || m.Wildcard != 2 {
		t.Errorf("manifest %+v: want 4 grants, 1 only \"*\", 1 literal beside \"*\"", m)
	}
	if !hasCap(s.Capabilities, capability.SystemExec) {
		t.Errorf("capabilities %v: system.exec missing", s.Capabilities)
	}
}

func anyContains(xs []string, sub string) bool {
	for _, x := range xs {
		if strings.Contains(x, sub) {
			return true
		}
	}
	return false
}

func hasCap(ids []capability.ID, id capability.ID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// A journal written before taint roles were recorded held counted taints
// only, without the flag: a resumed or merged run still counts them.
func TestJournalBeforeTaintRoles(t *testing.T) {
	p := filepath.Join(t.TempDir(), measure.JournalName)
	os.WriteFile(p, []byte(`{"id":"npm:old@1","source":"npm","name":"old","status":"analysed","languages":["JavaScript"],"sdks":["ts-sdk"],"files":1,"bytes":10,`+
		`"tools":[{"name":"run","sdk":"ts-sdk","capabilities":["system.exec"],"tainted":[{"capability":"system.exec","target":"program","input":"cmd","api":"child_process.exec"}]}],`+
		`"capabilities":["system.exec"],"classes":["system"],"serverCapabilities":[],"annotationMismatches":[],"manifest":{"sections":1,"grants":1,"scopes":1,"wildcard":1},"fetchMs":1,"analysisMs":1}`+"\n"), 0o644)
	recs, err := measure.ReadJournal(p, false)
	if err != nil || len(recs) != 1 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	sum := measure.Summarize(recs)
	if got := sum.TaintedTools[0]; got.Name != "program" || got.Count != 1 {
		t.Errorf("tainted tools %+v: want the old record's program taint counted", sum.TaintedTools)
	}
	if sum.Partial != 0 {
		t.Errorf("partial %d for a record without the field", sum.Partial)
	}
}

// Build output left out because its sources are analysed is no gap: the
// record notes it but is not partial.
func TestBuildOutputNotPartial(t *testing.T) {
	dir := t.TempDir()
	code := "const { exec } = require(\"child_process\");\nexec(\"ls\");\n"
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	os.MkdirAll(filepath.Join(dir, "dist"), 0o755)
	os.WriteFile(filepath.Join(dir, "src", "index.js"), []byte(code), 0o644)
	os.WriteFile(filepath.Join(dir, "dist", "index.js"), []byte(code), 0o644)
	es, _ := measure.ParseCorpus(strings.NewReader("dir:"+dir+"\n"), "built", "")
	eng, err := engine.New(engine.Options{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	servers, _, err := measure.Run(context.Background(), es, measure.Options{Out: t.TempDir(), Fetcher: &measure.Cache{}, Analyzer: eng, Jobs: 1, FetchJobs: 1})
	if err != nil || len(servers) != 1 {
		t.Fatalf("%d records, %v", len(servers), err)
	}
	s := servers[0]
	if s.Partial || s.Unanalysed.SkippedFiles != 0 || !anyContains(s.Errors, "build output") || !hasCap(s.Capabilities, capability.SystemExec) {
		t.Errorf("partial %v, unanalysed %+v, errors %q, capabilities %v: want a complete record noting the build output", s.Partial, s.Unanalysed, s.Errors, s.Capabilities)
	}
}
