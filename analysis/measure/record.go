package measure

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/manifest"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// Status of a server's record.
const (
	StatusAnalysed = "analysed"
	StatusFailed   = "not-analysed"
)

// Reasons a server was not analysed (docs/measure.md).
const (
	ReasonDownload    = "download-failed"
	ReasonNoSource    = "no-analysable-source"
	ReasonLanguage    = "language-not-analysed"
	ReasonTimeout     = "timeout"
	ReasonTooLarge    = "too-large"
	ReasonAnalysisErr = "analysis-failed"
)

// Server is one line of servers.jsonl.
type Server struct {
	ID      string `json:"id"`
	Source  string `json:"source"`
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	Digest  string `json:"digest,omitempty"`
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
	Detail  string `json:"detail,omitempty"`

	Languages      []string `json:"languages"`
	OtherLanguages []string `json:"otherLanguages,omitempty"` // present but not analysed
	SDKs           []string `json:"sdks"`
	Files          int      `json:"files"`
	Bytes          int64    `json:"bytes"`

	Tools        []Tool             `json:"tools"`
	Capabilities []capability.ID    `json:"capabilities"`
	Classes      []capability.Class `json:"classes"`
	// ServerCapabilities are used by code outside every tool (start-up, transport).
	ServerCapabilities []capability.ID `json:"serverCapabilities"`
	Mismatches         []Mismatch      `json:"annotationMismatches"`
	Manifest           ManifestStats   `json:"manifest"`

	// Partial: some code was not analysed (Unanalysed says what), so the
	// record may miss calls or taint; the rest of it stands.
	Partial    bool       `json:"partial,omitempty"`
	Unanalysed Unanalysed `json:"unanalysed"`

	FetchMillis    int64    `json:"fetchMs"`
	AnalysisMillis int64    `json:"analysisMs"`
	Errors         []string `json:"errors,omitempty"` // files not analysed, code too deep, archive entries skipped
}

// Unanalysed counts the engine's mcpriv.skipped and mcpriv.too-deep
// findings: files not read, and subtrees or taint questions cut at the
// engine's bounds.
type Unanalysed struct {
	SkippedFiles int `json:"skippedFiles"`
	TooDeep      int `json:"tooDeep"`
}

// Tool is one MCP tool of a server.
type Tool struct {
	Name string `json:"name"`
	// Unresolved: Name is the placeholder of a tool whose name expression
	// was not resolved to a string (finding.Tool.NameUnresolved).
	Unresolved   bool            `json:"unresolved,omitempty"`
	SDK          string          `json:"sdk"`
	Capabilities []capability.ID `json:"capabilities"`
	Tainted      []Taint         `json:"tainted,omitempty"`
}

// Taint is a sensitive call an argument of which comes from the tool's
// input. Role is the engine's taint role: "target" (the input chooses
// where the call goes) or "payload" (only what it carries); Scope the
// literal scope beside the input (a URL's host whose path the input
// fills). Uncounted: the summary does not count it (countedTaint); a
// negative so that journals written before roles were recorded, which
// held counted taints only, still read right.
type Taint struct {
	Capability capability.ID `json:"capability"`
	Target     string        `json:"target"` // program, path, url, or the scope kind
	Input      string        `json:"input"`  // the input field
	API        string        `json:"api"`
	Role       string        `json:"role"`
	Scope      string        `json:"scope,omitempty"`
	Uncounted  bool          `json:"uncounted,omitempty"`
}

// Mismatch is a tool whose annotations contradict its code.
type Mismatch struct {
	Tool    string `json:"tool"`
	Message string `json:"message"`
}

// ManifestStats describe the manifest `mcpriv manifest` would generate.
type ManifestStats struct {
	Sections int `json:"sections"` // tools plus server, when it has grants
	Grants   int `json:"grants"`   // capability entries
	Scopes   int `json:"scopes"`
	Wildcard int `json:"wildcard"` // entries granting "*" (alone or beside literal scopes)
	// WildcardOnly: entries of a scoped capability whose only scope is "*"
	// (no literal known); LiteralAndWildcard: literal scopes kept beside a
	// "*" that stands for the calls whose scope is not known; Unscoped:
	// entries of capabilities that take no scope ("*" by definition).
	WildcardOnly       int `json:"wildcardOnly"`
	LiteralAndWildcard int `json:"literalAndWildcard"`
	Unscoped           int `json:"unscoped"`
}

// Target is the kind of target a capability's argument names, in the
// report's words.
func Target(id capability.ID) string {
	info, ok := capability.Lookup(id)
	if !ok {
		return "other"
	}
	switch info.Scope {
	case capability.ScopeProgram:
		return "program"
	case capability.ScopePath:
		return "path"
	case capability.ScopeHost:
		return "url"
	}
	return string(info.Scope)
}

// otherLanguages are source languages the engine does not analyse, by extension.
var otherLanguages = map[string]string{
	".rs": "Rust", ".c": "C", ".h": "C", ".cc": "C++", ".cpp": "C++", ".cxx": "C++", ".hpp": "C++",
	".java": "Java", ".kt": "Kotlin", ".cs": "C#", ".rb": "Ruby", ".php": "PHP", ".swift": "Swift",
	".dart": "Dart", ".zig": "Zig", ".ex": "Elixir", ".exs": "Elixir", ".scala": "Scala", ".lua": "Lua",
	".clj": "Clojure", ".hs": "Haskell", ".nim": "Nim", ".cr": "Crystal", ".jl": "Julia", ".r": "R",
	".sh": "Shell", ".ps1": "PowerShell",
}

// fill completes an analysed record from the engine's result: files are
// the analysed files (for the languages), res the scan with declared
// findings kept.
func (s *Server) fill(res *finding.Result, files []string) {
	langs := map[string]bool{}
	for _, f := range files {
		if l := source.DetectLang(f); l != "" {
			langs[l.Name()] = true
		}
	}
	s.Languages = keys(langs)
	s.Files, s.Bytes = res.Files, res.Bytes

	caps := map[capability.ID]bool{}
	serverCaps := map[capability.ID]bool{}
	taints := map[string][]Taint{}
	for i := range res.Findings {
		f := &res.Findings[i]
		switch f.Kind {
		case finding.KindCapability:
			if !capability.Valid(f.Capability) {
				continue
			}
			caps[f.Capability] = true
			if f.Server || len(f.Tools) == 0 {
				serverCaps[f.Capability] = true
			}
			if f.Tainted && f.TaintTool != "" {
				taints[f.TaintTool] = append(taints[f.TaintTool], Taint{Capability: f.Capability, Target: Target(f.Capability),
					Input: f.TaintSource, API: f.API, Role: f.TaintRole, Scope: f.Scope, Uncounted: !countedTaint(f)})
			}
		case finding.KindHintMismatch:
			tool := ""
			if len(f.Tools) > 0 {
				tool = f.Tools[0]
			}
			s.Mismatches = append(s.Mismatches, Mismatch{Tool: tool, Message: f.Message})
		case finding.KindUnanalysed:
			// Skipped files are in res.Errors too (listed below); a cut
			// subtree or taint question is only here.
			s.Partial = true
			if f.Rule == finding.RuleTooDeep {
				s.Unanalysed.TooDeep++
				if len(s.Errors) < 20 {
					s.Errors = append(s.Errors, fmt.Sprintf("%s:%d: %s", f.File, f.Span.Start.Line+1, f.Message))
				}
			} else {
				s.Unanalysed.SkippedFiles++
			}
		}
	}
	for i := range res.Suppressed {
		// A suppression is the author's statement, not absence of the call:
		// the measurement counts what the code does.
		if f := &res.Suppressed[i]; f.Kind == finding.KindCapability && capability.Valid(f.Capability) {
			caps[f.Capability] = true
		}
	}
	s.Capabilities = sortedIDs(caps)
	s.ServerCapabilities = sortedIDs(serverCaps)
	classes := map[capability.Class]bool{}
	for id := range caps {
		classes[id.Class()] = true
	}
	for _, info := range capability.All() {
		if classes[info.Class] && !containsClass(s.Classes, info.Class) {
			s.Classes = append(s.Classes, info.Class)
		}
	}

	sdks := map[string]bool{}
	seen := map[string]bool{}
	for _, t := range res.Tools {
		if t.SDK != "" {
			sdks[t.SDK] = true
		}
		if seen[t.Name] {
			continue // one tool registered twice (two transports): counted once
		}
		seen[t.Name] = true
		tt := Tool{Name: t.Name, Unresolved: t.NameUnresolved, SDK: t.SDK, Capabilities: append([]capability.ID{}, t.Capabilities...)}
		tt.Tainted = dedupeTaints(taints[t.Name])
		s.Tools = append(s.Tools, tt)
	}
	sort.Slice(s.Tools, func(i, j int) bool { return s.Tools[i].Name < s.Tools[j].Name })
	s.SDKs = keys(sdks)
	sort.Slice(s.Mismatches, func(i, j int) bool {
		a, b := s.Mismatches[i], s.Mismatches[j]
		return a.Tool < b.Tool || a.Tool == b.Tool && a.Message < b.Message
	})

	s.Manifest = manifestStats(res)
	skipped := 0
	for _, e := range res.Errors {
		if e.BuiltFrom == "" { // build output left out on purpose is no gap: its sources were analysed
			skipped++
		}
	}
	if skipped > 0 {
		s.Partial = true
		s.Unanalysed.SkippedFiles = max(s.Unanalysed.SkippedFiles, skipped)
	}
	for _, e := range res.Errors {
		if len(s.Errors) < 40 {
			s.Errors = append(s.Errors, e.File+": "+e.Message)
		}
	}
}

func dedupeTaints(ts []Taint) []Taint {
	sort.Slice(ts, func(i, j int) bool {
		a, b := ts[i], ts[j]
		if a.Capability != b.Capability {
			return a.Capability < b.Capability
		}
		if a.Input != b.Input {
			return a.Input < b.Input
		}
		if a.API != b.API {
			return a.API < b.API
		}
		if a.Role != b.Role {
			return a.Role < b.Role
		}
		return a.Scope < b.Scope
	})
	var out []Taint
	for i, t := range ts {
		if i == 0 || t != ts[i-1] {
			out = append(out, t)
		}
	}
	return out
}

// manifestStats parses the manifest generation would write and counts it.
func manifestStats(res *finding.Result) ManifestStats {
	text, err := manifest.Create(res) // an error: a manifest mcpriv would refuse to write, nothing to count
	m, _ := manifest.Parse(manifest.FileName, text)
	var st ManifestStats
	if m == nil || err != nil {
		return st
	}
	count := func(sec *manifest.Section) {
		if len(sec.Entries) > 0 || sec.Name != "" {
			st.Sections++
		}
		for _, e := range sec.Entries {
			st.Grants++
			st.Scopes += len(e.Scopes)
			star := false
			for _, sc := range e.Scopes {
				star = star || sc.Value == "*"
			}
			info, _ := capability.Lookup(e.Capability)
			switch {
			case !star:
			case info.Scope == capability.ScopeNone:
				st.Wildcard++
				st.Unscoped++
			case len(e.Scopes) == 1:
				st.Wildcard++
				st.WildcardOnly++
			default:
				st.Wildcard++
				st.LiteralAndWildcard++
			}
		}
	}
	count(&m.Server)
	for i := range m.Tools {
		count(&m.Tools[i])
	}
	return st
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedIDs(m map[capability.ID]bool) []capability.ID {
	out := []capability.ID{}
	for _, info := range capability.All() {
		if m[info.ID] {
			out = append(out, info.ID)
		}
	}
	return out
}

func containsClass(cs []capability.Class, c capability.Class) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// otherLanguagesIn lists the unanalysed source languages under dir (a
// bounded walk that skips dependency directories).
func otherLanguagesIn(files []string) []string {
	seen := map[string]bool{}
	for _, f := range files {
		if l, ok := otherLanguages[strings.ToLower(filepath.Ext(f))]; ok {
			seen[l] = true
		}
	}
	return keys(seen)
}

// countedTaint says whether a finding's taint counts as the measurement
// has always counted it: input choosing the target outright (not the path
// under a literal host), or any input of a program or code run; input
// filling only a body or file content does not.
func countedTaint(f *finding.Finding) bool {
	switch {
	case !f.Tainted:
		return false
	case f.Capability == capability.SystemExec || f.Capability == capability.SystemCode:
		return true
	case f.TaintRole != finding.TaintTarget:
		return false
	}
	info, _ := capability.Lookup(f.Capability)
	return info.Scope != capability.ScopeHost || f.Scope == ""
}
