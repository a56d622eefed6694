package corpus

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/golden"
)

var scoreFixture = filepath.Join("testdata", "score")

// fixtureScans are what the engine is made to report on the fixture's
// servers (testdata/score): every case of the scoring rules once.
func fixtureScans(t *testing.T) []Server {
	t.Helper()
	py := &Scan{Version: 1,
		Findings: []ScanFinding{
			{File: "server.py", Line: 10, Capability: "file.read", Tainted: true},                        // TP, taint agrees (no role: yes/no)
			{File: "server.py", Line: 10, Capability: "file.read", API: "open"},                          // same site: merged
			{File: "server.py", Line: 12, Capability: "file.read"},                                       // FP: two lines from the label at 10
			{File: "server.py", Line: 21, Capability: "system.exec"},                                     // TP one line off; taint missed
			{File: "server.py", Line: 30, Capability: "system.env", Tainted: true},                       // TP; taint claimed
			{File: "server.py", Line: 40, Capability: "network.server"},                                  // FP: the label at 40 is network.client (FN)
			{File: "server.py", Line: 50, Capability: "file.write", Tainted: true, TaintRole: "payload"}, // TP; wrong role
			{File: "server.py", Line: 60, Capability: "file.delete"},                                     // FP: no label
			{File: "server.py", Line: 71, Capability: "file.read"},                                       // TP with 71; 70 is then a FN
			{File: "helper.py", Line: 5, Capability: "file.read"},                                        // TP, file not fully labelled
			{File: "helper.py", Line: 99, Capability: "system.env"},                                      // not fully labelled: not a FP
			{File: "server.py", Line: 80, Kind: "unused-grant", Capability: "file.read"},                 // not a capability finding
		},
		Tools: []ScanTool{
			{Name: "read", Capabilities: []string{"file.read"}},
			{Name: "run", Capabilities: []string{"system.exec", "system.env"}},
			{Name: "save"},
			{Name: "self.name", Capabilities: []string{"file.read"}},
			{Name: "helper_tool"},
		},
	}
	goScan := &Scan{Version: 1,
		Findings: []ScanFinding{
			{File: "main.go", Line: 3, Capability: "system.env"},
			{File: "internal/mem/mem.go", Line: 7, Capability: "memory.unsafe"},
		},
		Tools: []ScanTool{{Name: "t1", Capabilities: []string{"memory.unsafe"}}},
	}
	memScan := &Scan{Version: 1, Findings: []ScanFinding{{File: "mem.go", Line: 7, Capability: "memory.unsafe"}}}
	src, err := os.ReadFile(filepath.Join(scoreFixture, "index.cjs"))
	if err != nil {
		t.Fatal(err)
	}
	own, ok := OwnRegions(src)
	if !ok {
		t.Fatal("index.cjs is not seen as a bundle")
	}
	bundle := &Scan{Version: 1,
		Findings: []ScanFinding{
			{File: "dist/index.cjs", Line: 6, Capability: "network.client"}, // inlined library: not scored
			{File: "dist/index.cjs", Line: 12, Capability: "system.env"},
		},
		Tools: []ScanTool{{Name: "hello"}},
	}
	return []Server{
		{Key: ServerKey{"github-python", "acme/py"}, Scan: py},
		{Key: ServerKey{"github-go", "acme/go"}, Scan: goScan},
		{Key: ServerKey{"memory", "acme/go"}, Scan: memScan},
		{Key: ServerKey{"npm-mcp", "bundle-pkg"}, Scan: bundle, Bundles: map[string][]Region{"dist/index.cjs": own}},
	}
}

func scoreOfFixture(t *testing.T) *Report {
	t.Helper()
	labels, err := ReadLabels(scoreFixture)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(scoreFixture, "split.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	split, err := ReadSplit(f)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Score(labels, split, fixtureScans(t))
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func groupOf(t *testing.T, rep *Report, name string) Group {
	t.Helper()
	for _, g := range rep.Groups {
		if g.Name == name {
			return g
		}
	}
	t.Fatalf("no group %s", name)
	return Group{}
}

func TestScoreSites(t *testing.T) {
	rep := scoreOfFixture(t)
	for _, tc := range []struct {
		group                                      string
		servers, labelled, matched, missed, tp, fp int
	}{
		// acme/py: 8 rows, 6 found (10, 20 at 21, 30, 50, 71, helper 5);
		// 40 (network.client) and 70 (71 is taken by its own row) missed.
		// In server.py 5 findings match; 12, 40 (network.server) and 60 are
		// false positives; helper.py is not fully labelled.
		{GroupPython, 1, 8, 6, 2, 5, 3},
		{GroupGo, 1, 2, 2, 0, 2, 0},
		{GroupJS, 1, 1, 1, 0, 1, 0}, // the inlined fetchlib call is not scored
		// acme/py (its memory entry is the same directory) and the memory
		// labelling of acme/go (mem.go: 7 found, 9 missed); acme/go's
		// github-go sites are not repeated there.
		{GroupMemory, 2, 10, 7, 3, 6, 3},
		// each server once: the memory labelling of acme/go is left out.
		{GroupOverall, 3, 11, 9, 2, 8, 3},
	} {
		g := groupOf(t, rep, tc.group)
		s := g.All.Sites
		if g.Servers != tc.servers || s.Labelled != tc.labelled || s.Matched != tc.matched || s.Missed != tc.missed ||
			s.TruePositives != tc.tp || s.FalsePositives != tc.fp {
			t.Errorf("%s: servers %d, sites %+v; want servers %d, labelled %d, matched %d, missed %d, TP %d, FP %d",
				tc.group, g.Servers, s, tc.servers, tc.labelled, tc.matched, tc.missed, tc.tp, tc.fp)
		}
		if want := float64(tc.matched) / float64(tc.labelled); s.Recall == nil || *s.Recall != want {
			t.Errorf("%s: recall %v, want %v", tc.group, s.Recall, want)
		}
		if want := float64(tc.tp) / float64(tc.tp+tc.fp); s.Precision == nil || *s.Precision != want {
			t.Errorf("%s: precision %v, want %v", tc.group, s.Precision, want)
		}
	}
	// By class: file sites of acme/py are 10, 50, 70, 71 and helper 5;
	// found 10, 50, 71, helper 5; false positives 12 (read) and 60 (delete).
	file := groupOf(t, rep, GroupOverall).Classes["file"].Sites
	if file.Labelled != 5 || file.Matched != 4 || file.TruePositives != 3 || file.FalsePositives != 2 {
		t.Errorf("overall file class: %+v", file)
	}
	netSrv := groupOf(t, rep, GroupOverall).Capabilities["network.server"].Sites
	if netSrv.Labelled != 0 || netSrv.FalsePositives != 1 || netSrv.Recall != nil || *netSrv.Precision != 0 {
		t.Errorf("overall network.server: %+v", netSrv)
	}
}

func TestScoreMissesAndAlarms(t *testing.T) {
	rep := scoreOfFixture(t)
	var misses, alarms []string
	for _, m := range rep.Misses {
		misses = append(misses, m.File+":"+itoa(m.Line)+" "+m.Capability)
	}
	for _, a := range rep.FalseAlarms {
		alarms = append(alarms, a.File+":"+itoa(a.Line)+" "+a.Capability)
	}
	if got, want := strings.Join(misses, ", "), "server.py:40 network.client, server.py:70 file.read"; got != want {
		t.Errorf("misses %s, want %s", got, want)
	}
	if got, want := strings.Join(alarms, ", "), "server.py:12 file.read, server.py:40 network.server, server.py:60 file.delete"; got != want {
		t.Errorf("false alarms %s, want %s", got, want)
	}
	var forms []string
	for _, f := range rep.MissForms {
		forms = append(forms, f.Form+"="+itoa(f.Sites))
	}
	if got, want := strings.Join(forms, ", "), "open=1, requests.post=1"; got != want {
		t.Errorf("miss forms %s, want %s", got, want)
	}
	forms = nil
	for _, f := range rep.MissFamilies {
		forms = append(forms, f.Form+"="+strings.Join(f.Forms, "+"))
	}
	if got, want := strings.Join(forms, ", "), "open=open, requests=requests.post"; got != want {
		t.Errorf("miss families %s, want %s", got, want)
	}
}

func TestScoreTaint(t *testing.T) {
	rep := scoreOfFixture(t)
	tm := groupOf(t, rep, GroupPython).All.Taint
	// Matched: 10 agree, 20 missed, 30 claimed, 50 wrong role, 71 and
	// helper 5 agree (untainted, labelled -).
	want := TaintMetrics{Sites: 6, Agree: 3, Missed: 1, Claimed: 1, RoleWrong: 1, RoleCompared: 1}
	got := tm
	got.Ratio = nil
	if got != want || tm.Ratio == nil || *tm.Ratio != 0.5 {
		t.Errorf("taint %+v (ratio %v), want %+v, ratio 0.5", got, tm.Ratio, want)
	}
	if len(rep.TaintDisagreements) != 3 {
		t.Errorf("taint disagreements %+v, want 3", rep.TaintDisagreements)
	}
}

func TestScoreTools(t *testing.T) {
	rep := scoreOfFixture(t)
	py := groupOf(t, rep, GroupPython).All
	// TP read/file.read, run/system.exec; FP run/system.env and
	// self.name/file.read (a tool that is not labelled); FN
	// fetch/network.client (not reported) and save/file.write.
	if tl := py.Tools; tl.TruePositives != 2 || tl.FalsePositives != 2 || tl.FalseNegatives != 2 ||
		tl.LabelledTools != 5 || tl.FoundTools != 3 || tl.ExtraTools != 2 || tl.UnreportedTriples != 1 || *tl.F1 != 0.5 {
		t.Errorf("python tools %+v (F1 %v)", tl, *tl.F1)
	}
	if py.NotNames != 1 || len(rep.NotNames) != 1 || rep.NotNames[0].Tool != "self.name" {
		t.Errorf("tools not names: %d %+v, want self.name", py.NotNames, rep.NotNames)
	}
	if py.ServerSets.Servers != 1 || py.ServerSets.Exact != 0 {
		t.Errorf("python server sets %+v, want 0/1", py.ServerSets)
	}
	all := groupOf(t, rep, GroupOverall).All
	// + acme/go t1/memory.unsafe (TP); bundle-pkg hello has none.
	if tl := all.Tools; tl.TruePositives != 3 || tl.FalsePositives != 2 || tl.FalseNegatives != 2 || *tl.F1 != 0.6 {
		t.Errorf("overall tools %+v", tl)
	}
	// acme/go and bundle-pkg (both empty) exact; acme/py not.
	if s := all.ServerSets; s.Servers != 3 || s.Exact != 2 {
		t.Errorf("overall server sets %+v, want 2/3", s)
	}
	// The memory group takes acme/go's tools from its github-go labels.
	mem := groupOf(t, rep, GroupMemory).All
	if mem.Tools.TruePositives != 3 || mem.ServerSets.Servers != 2 || mem.ServerSets.Exact != 1 {
		t.Errorf("memory tools %+v, sets %+v", mem.Tools, mem.ServerSets)
	}
	// By class: the set restricted to "system" is {exec} labelled vs
	// {exec, env} reported for acme/py.
	if s := groupOf(t, rep, GroupPython).Classes["system"].ServerSets; s.Exact != 0 {
		t.Errorf("python system-class sets %+v", s)
	}
	if s := groupOf(t, rep, GroupPython).Classes["memory"].ServerSets; s.Exact != 1 {
		t.Errorf("python memory-class sets %+v", s)
	}
	missing := []string{}
	for _, m := range rep.MissingTools {
		missing = append(missing, m.Tool)
	}
	if strings.Join(missing, ",") != "fetch,idle" {
		t.Errorf("missing tools %v, want fetch,idle", missing)
	}
}

func TestScoreMembership(t *testing.T) {
	rep := scoreOfFixture(t)
	got := map[string]string{}
	for _, m := range rep.Membership {
		got[m.Group] = strings.Join(m.Members, "; ")
	}
	want := map[string]string{
		GroupMemory:  "github-go/acme/go (tools only); github-python/acme/py; memory/acme/go (sites only)",
		GroupOverall: "github-go/acme/go; github-python/acme/py; npm-mcp/bundle-pkg",
	}
	for g, w := range want {
		if got[g] != w {
			t.Errorf("%s members %q, want %q", g, got[g], w)
		}
	}
}

// The tables are a golden file: a change of layout or of a figure shows
// in review.
func TestScoreMarkdown(t *testing.T) {
	golden.Check(t, filepath.Join(scoreFixture, "report.md"), scoreOfFixture(t).Markdown(0))
}

func TestScoreNeedsEveryServer(t *testing.T) {
	labels, err := ReadLabels(scoreFixture)
	if err != nil {
		t.Fatal(err)
	}
	scans := fixtureScans(t)
	if _, err := Score(labels, nil, scans[:2]); err == nil || !strings.Contains(err.Error(), "was not scanned") {
		t.Errorf("scoring without every labelled server: %v", err)
	}
	scans[0].Scan = nil
	if _, err := Score(labels, nil, scans); err == nil || !strings.Contains(err.Error(), "no scan") {
		t.Errorf("scoring a server without scan: %v", err)
	}
}

func TestDecodeScan(t *testing.T) {
	s, err := DecodeScan([]byte(`{"version":1,"findings":[{"file":"a.py","line":3,"capability":"file.read","tainted":true,"taintRole":"target","future":1}],"tools":[],"errors":[]}`))
	if err != nil || len(s.Findings) != 1 || s.Findings[0].TaintRole != "target" {
		t.Errorf("DecodeScan: %+v, %v", s, err)
	}
	for _, bad := range []string{`{"version":2}`, `{`, `[]`} {
		if _, err := DecodeScan([]byte(bad)); err == nil {
			t.Errorf("DecodeScan(%s): no error", bad)
		}
	}
}

func TestReportJSON(t *testing.T) {
	data, err := json.Marshal(scoreOfFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Groups) != 5 || back.Groups[4].All.Sites.Matched != 9 {
		t.Errorf("JSON round trip lost figures: %s", data[:200])
	}
}

func TestMissFormOf(t *testing.T) {
	for note, want := range map[string]string{
		"os.Getenv fallback":                 "os.Getenv",
		"open(output_path, 'wb')":            "open",
		"pygit2 Index.write":                 "pygit2 Index.write",
		"sympy parse_expr (eval)":            "sympy parse_expr",
		"dynamicClient Get/Update/Create":    "dynamicClient Get/Update/Create",
		"fs on package docs (topic/file)":    "fs",
		"cursor.execute on MySQL connection": "cursor.execute",
		"":                                   "(no note)",
	} {
		if got := MissFormOf(note); got != want {
			t.Errorf("MissFormOf(%q) = %q, want %q", note, got, want)
		}
	}
}

func TestMissFamilyOf(t *testing.T) {
	for form, want := range map[string]string{
		"pygit2 Index.write": "pygit2", "pathlib.Path.exists": "pathlib.Path", "connection.query": "connection",
		"fkill": "fkill", "esClient.indices.*": "esClient.indices",
	} {
		if got := MissFamilyOf(form); got != want {
			t.Errorf("MissFamilyOf(%q) = %q, want %q", form, got, want)
		}
	}
}

func TestNotAName(t *testing.T) {
	for name, want := range map[string]bool{
		"read_file": false, "get-issue": false, "self.name": true, "tool.name": true,
		`TOOLS["x"]`: true, "make_name()": true, "a b": true, "selfcheck": true,
	} {
		if NotAName(name) != want {
			t.Errorf("NotAName(%q) = %v", name, !want)
		}
	}
}

func TestMemoryPart(t *testing.T) {
	for _, tc := range []struct {
		lang, mem []string
		prefix    string
		ok        bool
	}{
		{[]string{"."}, []string{"."}, "", true},
		{[]string{"src"}, []string{"src"}, "", true},
		{[]string{"."}, []string{"internal/mem"}, "internal/mem", true},
		{[]string{"services"}, []string{"services/git"}, "git", true},
		{[]string{"src"}, []string{"srcx"}, "", false},
		{[]string{"src"}, nil, "", false},
	} {
		prefix, ok := memoryPart(tc.lang, tc.mem)
		if prefix != tc.prefix || ok != tc.ok {
			t.Errorf("memoryPart(%v, %v) = %q, %v", tc.lang, tc.mem, prefix, ok)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
