package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// checkSARIF enforces the parts of SARIF 2.1.0 that GitHub code scanning
// requires or relies on (docs: "SARIF support for code scanning"): version,
// one run with tool.driver.name, rules with ids and security-severity
// strings, results with ruleId, a valid ruleIndex, a message text, at least
// one physical location with a relative uri and a 1-based region, and
// partialFingerprints.
func checkSARIF(data []byte) []string {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	var log map[string]any
	if err := json.Unmarshal(data, &log); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	if log["version"] != "2.1.0" {
		fail("version = %v", log["version"])
	}
	if s, _ := log["$schema"].(string); !strings.Contains(s, "sarif-2.1.0") {
		fail("$schema = %q", s)
	}
	runs, _ := log["runs"].([]any)
	if len(runs) != 1 {
		return append(errs, fmt.Sprintf("%d runs, want 1", len(runs)))
	}
	run := runs[0].(map[string]any)
	if ck := run["columnKind"]; ck != "utf16CodeUnits" && ck != "unicodeCodePoints" {
		fail("columnKind = %v", ck)
	}
	driver, _ := dig(run, "tool", "driver").(map[string]any)
	if driver == nil || driver["name"] == "" || driver["name"] == nil {
		return append(errs, "tool.driver.name missing")
	}
	if u, _ := driver["informationUri"].(string); !strings.HasPrefix(u, "https://") {
		fail("informationUri = %q", u)
	}
	rules, _ := driver["rules"].([]any)
	ids := map[string]bool{}
	for i, r := range rules {
		r := r.(map[string]any)
		id, _ := r["id"].(string)
		if id == "" || ids[id] {
			fail("rule %d: empty or duplicate id %q", i, id)
		}
		ids[id] = true
		for _, k := range []string{"shortDescription", "fullDescription", "help"} {
			if t, _ := dig(r, k, "text").(string); t == "" {
				fail("rule %s: %s.text empty", id, k)
			}
		}
		if u, _ := r["helpUri"].(string); !strings.HasPrefix(u, "https://") {
			fail("rule %s: helpUri %q", id, u)
		}
		sev, ok := dig(r, "properties", "security-severity").(string)
		if n, err := strconv.ParseFloat(sev, 64); !ok || err != nil || n < 0 || n > 10 {
			fail("rule %s: security-severity %v is not a string number in [0, 10]", id, dig(r, "properties", "security-severity"))
		}
		tags, _ := dig(r, "properties", "tags").([]any)
		if len(tags) == 0 || tags[0] != "security" {
			fail("rule %s: tags %v must include security", id, tags)
		}
	}
	results, ok := run["results"].([]any)
	if !ok {
		fail("results missing (must be [] when empty)")
	}
	for i, r := range results {
		r := r.(map[string]any)
		id, _ := r["ruleId"].(string)
		idx, _ := r["ruleIndex"].(float64)
		if int(idx) < 0 || int(idx) >= len(rules) || rules[int(idx)].(map[string]any)["id"] != id {
			fail("result %d: ruleIndex %v does not name rule %q", i, r["ruleIndex"], id)
		}
		switch r["level"] {
		case "error", "warning", "note", "none":
		default:
			fail("result %d: level %v", i, r["level"])
		}
		if t, _ := dig(r, "message", "text").(string); t == "" {
			fail("result %d: empty message", i)
		}
		locs, _ := r["locations"].([]any)
		if len(locs) == 0 {
			fail("result %d: no location", i)
			continue
		}
		pl, _ := dig(locs[0].(map[string]any), "physicalLocation").(map[string]any)
		uri, _ := dig(pl, "artifactLocation", "uri").(string)
		if uri == "" || strings.HasPrefix(uri, "/") || strings.Contains(uri, " ") || strings.Contains(uri, `\`) {
			fail("result %d: uri %q must be a relative, encoded URI reference", i, uri)
		}
		if dig(pl, "artifactLocation", "uriBaseId") != "%SRCROOT%" {
			fail("result %d: uriBaseId %v", i, dig(pl, "artifactLocation", "uriBaseId"))
		}
		reg, _ := pl["region"].(map[string]any)
		sl, _ := reg["startLine"].(float64)
		sc, _ := reg["startColumn"].(float64)
		el, _ := reg["endLine"].(float64)
		ec, _ := reg["endColumn"].(float64)
		if sl < 1 || sc < 1 || el < sl || el == sl && ec < sc {
			fail("result %d: region %v", i, reg)
		}
		fps, _ := r["partialFingerprints"].(map[string]any)
		if len(fps) == 0 {
			fail("result %d: no partialFingerprints", i)
		}
	}
	return errs
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func TestSARIFStructure(t *testing.T) {
	var b bytes.Buffer
	if err := SARIF(&b, sampleResult(t), Options{Version: "1.2.3", SourceRoot: "/work/notes ts"}); err != nil {
		t.Fatal(err)
	}
	docs := map[string][]byte{"sample": b.Bytes()}
	goldens, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "scan", "*.sarif"))
	for _, g := range goldens {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		docs[g] = data
	}
	for name, data := range docs {
		for _, e := range checkSARIF(data) {
			t.Errorf("%s: %s", name, e)
		}
	}
	var log struct {
		Runs []struct {
			OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
			Tool               struct {
				Driver struct {
					Version string
					Rules   []struct {
						ID         string
						HelpURI    string
						Properties map[string]any
					}
				}
			}
			Results []struct {
				RuleID       string
				Level        string
				Suppressions []struct{ Kind, Justification string }
			}
			Invocations []struct {
				Notifications []struct{ Level string } `json:"toolExecutionNotifications"`
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if got := run.OriginalURIBaseIDs["%SRCROOT%"].URI; got != "file:///work/notes%20ts/" {
		t.Errorf("%%SRCROOT%% = %q", got)
	}
	if run.Tool.Driver.Version != "1.2.3" {
		t.Errorf("driver version %q", run.Tool.Driver.Version)
	}
	// Every capability is a rule, whether or not it was found, with the
	// documented severity score.
	wantSev := map[capability.Risk]string{capability.Low: "3.0", capability.Medium: "5.5", capability.High: "7.5", capability.Critical: "9.5"}
	byID := map[string]int{}
	for i, r := range run.Tool.Driver.Rules {
		byID[r.ID] = i
	}
	for _, c := range capability.All() {
		i, ok := byID[string(c.ID)]
		if !ok {
			t.Errorf("no rule for %s", c.ID)
			continue
		}
		r := run.Tool.Driver.Rules[i]
		if r.HelpURI != c.DocsURL() || r.Properties["security-severity"] != wantSev[c.BaseRisk] {
			t.Errorf("rule %s: helpUri %q severity %v", c.ID, r.HelpURI, r.Properties["security-severity"])
		}
		if tags := r.Properties["tags"].([]any); len(tags) != 2 || tags[1] != string(c.Class) {
			t.Errorf("rule %s: tags %v", c.ID, tags)
		}
	}
	for _, id := range []string{RuleUnusedGrant, RuleHintMismatch, RuleInvalidManifest, RuleSuppression} {
		if _, ok := byID[id]; !ok {
			t.Errorf("no rule %s", id)
		}
	}
	levels := map[string]string{}
	suppressed := 0
	for _, r := range run.Results {
		if len(r.Suppressions) > 0 {
			suppressed++
			if r.Suppressions[0].Kind != "inSource" || r.Suppressions[0].Justification == "" {
				t.Errorf("suppression %+v", r.Suppressions[0])
			}
			continue
		}
		levels[r.RuleID] = r.Level
	}
	if suppressed != 1 {
		t.Errorf("%d suppressed results, want 1", suppressed)
	}
	want := map[string]string{"file.write": "error", "network.client": "warning", "system.env": "note", RuleUnusedGrant: "warning"}
	for id, lvl := range want {
		if levels[id] != lvl {
			t.Errorf("%s level %q, want %q", id, levels[id], lvl)
		}
	}
	if n := run.Invocations[0].Notifications; len(n) != 2 || n[0].Level != "note" || n[1].Level != "error" {
		t.Errorf("notifications %+v, want a note (skipped) and an error", n)
	}
}

// The structure checker must reject what GitHub rejects.
func TestSARIFCheckerCatchesBreaks(t *testing.T) {
	var b bytes.Buffer
	if err := SARIF(&b, sampleResult(t), Options{}); err != nil {
		t.Fatal(err)
	}
	breaks := map[string]func(run map[string]any){
		"no driver name": func(run map[string]any) { delete(dig(run, "tool", "driver").(map[string]any), "name") },
		"numeric severity": func(run map[string]any) {
			dig(run, "tool", "driver", "rules").([]any)[0].(map[string]any)["properties"].(map[string]any)["security-severity"] = 5.5
		},
		"bad rule index": func(run map[string]any) { run["results"].([]any)[0].(map[string]any)["ruleIndex"] = 0.0 },
		"zero column": func(run map[string]any) {
			loc := run["results"].([]any)[0].(map[string]any)["locations"].([]any)[0]
			dig(loc, "physicalLocation", "region").(map[string]any)["startColumn"] = 0.0
		},
		"absolute uri": func(run map[string]any) {
			loc := run["results"].([]any)[0].(map[string]any)["locations"].([]any)[0]
			dig(loc, "physicalLocation", "artifactLocation").(map[string]any)["uri"] = "/etc/passwd"
		},
		"no fingerprints": func(run map[string]any) { delete(run["results"].([]any)[1].(map[string]any), "partialFingerprints") },
	}
	for name, br := range breaks {
		t.Run(name, func(t *testing.T) {
			var log map[string]any
			if err := json.Unmarshal(b.Bytes(), &log); err != nil {
				t.Fatal(err)
			}
			br(log["runs"].([]any)[0].(map[string]any))
			data, _ := json.Marshal(log)
			if len(checkSARIF(data)) == 0 {
				t.Errorf("checker accepted a broken log")
			}
		})
	}
}

// Fingerprints identify a finding across edits: moving it to another line
// keeps the fingerprint; a different tool set or file changes it.
func TestFingerprints(t *testing.T) {
	fp := func(f finding.Finding) string {
		var b bytes.Buffer
		if err := SARIF(&b, &finding.Result{Findings: []finding.Finding{f}}, Options{}); err != nil {
			t.Fatal(err)
		}
		var log struct {
			Runs []struct {
				Results []struct{ PartialFingerprints map[string]string }
			}
		}
		if err := json.Unmarshal(b.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		return log.Runs[0].Results[0].PartialFingerprints[fingerprintKey]
	}
	base := sampleResult(t).Findings[1]
	moved := base
	moved.Span.Start.Line += 10
	moved.Span.End.Line += 10
	otherTools := base
	otherTools.Tools = []string{"save_note"}
	otherFile := base
	otherFile.File = "src/other.ts"
	if fp(base) == "" || fp(base) != fp(moved) {
		t.Errorf("fingerprint changed when the finding moved: %q vs %q", fp(base), fp(moved))
	}
	if fp(base) == fp(otherTools) || fp(base) == fp(otherFile) {
		t.Errorf("fingerprint ignores tools or file")
	}
	// Two equal calls in a file get distinct fingerprints.
	var b bytes.Buffer
	if err := SARIF(&b, &finding.Result{Findings: []finding.Finding{base, moved}}, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Count(b.String(), fp(base)) != 1 {
		t.Errorf("duplicate fingerprints for two occurrences")
	}
}
