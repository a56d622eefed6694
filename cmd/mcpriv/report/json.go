package report

import (
	"encoding/json"
	"io"
	"slices"

	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// JSONVersion is the version of the JSON output contract
// (docs/json-output.md). It changes only on incompatible changes.
const JSONVersion = 1

// The public JSON shape is built explicitly here, not from finding's own
// tags: those are internal and may change, this may not. Field order is the
// order of the struct fields, which is the documented key order.

type jsonOutput struct {
	Version    int             `json:"version"`
	Findings   []jsonFinding   `json:"findings"`
	Tools      []jsonTool      `json:"tools"`
	Suppressed []jsonFinding   `json:"suppressed"`
	Errors     []jsonFileError `json:"errors"`
	Files      int             `json:"files"`
}

type jsonFinding struct {
	File        string   `json:"file"`
	Line        int      `json:"line"`
	Column      int      `json:"column"`
	EndLine     int      `json:"endLine"`
	EndColumn   int      `json:"endColumn"`
	Kind        string   `json:"kind"`
	Capability  string   `json:"capability"`
	Class       string   `json:"class"`
	API         string   `json:"api"`
	Severity    string   `json:"severity"`
	Tools       []string `json:"tools"`
	Server      bool     `json:"server"`
	Tainted     bool     `json:"tainted"`
	TaintSource string   `json:"taintSource"`
	// TaintRole: what the model controls through the input, "target" or
	// "payload" ("" when not tainted).
	TaintRole string `json:"taintRole"`
	Scope     string `json:"scope"`
	// ScopeUnknown: why a literal argument names no scope (only "*" covers it).
	ScopeUnknown string `json:"scopeUnknown,omitempty"`
	// ScopeEnv: the environment variable whose literal default Scope is.
	ScopeEnv string `json:"scopeEnv,omitempty"`
	// ScopeOverride: Scope is a client library's default host; the option
	// that would change it, which the code does not pass.
	ScopeOverride string `json:"scopeOverride,omitempty"`
	// Scopes: every scope when callers pass values with different ones;
	// ScopeDynamic: values that are not literals reach the call too.
	Scopes       []string `json:"scopes,omitempty"`
	ScopeDynamic bool     `json:"scopeDynamic,omitempty"`
	Rule         string   `json:"rule"`
	Message      string   `json:"message"`
	Manifest     string   `json:"manifest,omitempty"`
	Reason       *string  `json:"reason,omitempty"`
}

type jsonTool struct {
	Name           string          `json:"name"`
	NameUnresolved bool            `json:"nameUnresolved,omitempty"`
	Expression     string          `json:"expression,omitempty"`
	File           string          `json:"file"`
	Line           int             `json:"line"`
	Column         int             `json:"column"`
	SDK            string          `json:"sdk"`
	Capabilities   []string        `json:"capabilities"`
	Annotations    map[string]bool `json:"annotations,omitempty"`
	Sites          []jsonSite      `json:"sites,omitempty"`
}

// jsonSite is another registration of a tool's name.
type jsonSite struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

type jsonFileError struct {
	File    string `json:"file"`
	Message string `json:"message"`
	Skipped bool   `json:"skipped"`
	// BuiltFrom names the sources a skipped build-output directory is built from.
	BuiltFrom string `json:"builtFrom,omitempty"`
}

// JSON writes res in the documented JSON contract, one object followed by a
// newline.
func JSON(w io.Writer, res *finding.Result, _ Options) error {
	res = Sorted(res)
	out := jsonOutput{
		Version:    JSONVersion,
		Findings:   make([]jsonFinding, 0, len(res.Findings)),
		Tools:      make([]jsonTool, 0, len(res.Tools)),
		Suppressed: make([]jsonFinding, 0, len(res.Suppressed)),
		Errors:     make([]jsonFileError, 0, len(res.Errors)),
		Files:      res.Files,
	}
	for _, f := range res.Findings {
		out.Findings = append(out.Findings, toJSONFinding(f, false))
	}
	for _, f := range res.Suppressed {
		out.Suppressed = append(out.Suppressed, toJSONFinding(f, true))
	}
	for _, t := range res.Tools {
		caps := make([]string, 0, len(t.Capabilities))
		for _, c := range t.Capabilities {
			caps = append(caps, string(c))
		}
		var sites []jsonSite
		for _, s := range t.Sites {
			at := pointOf(s.NameSpan, s.Span)
			sites = append(sites, jsonSite{File: s.File, Line: at.Line + 1, Column: at.Col + 1})
		}
		start := pointOf(t.NameSpan, t.Span)
		out.Tools = append(out.Tools, jsonTool{
			Name: t.Name, NameUnresolved: t.NameUnresolved, Expression: t.Expression, File: t.File,
			Line: start.Line + 1, Column: start.Col + 1,
			SDK: t.SDK, Capabilities: caps, Annotations: t.Annotations, Sites: sites,
		})
	}
	for _, e := range res.Errors {
		out.Errors = append(out.Errors, jsonFileError(e))
	}
	enc := json.NewEncoder(w)
	// Messages quote code ("a < b", "&&"): keep them readable.
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func toJSONFinding(f finding.Finding, suppressed bool) jsonFinding {
	tools := f.Tools
	if tools == nil {
		tools = []string{}
	}
	class := string(f.Class)
	if class == "" && f.Capability != "" {
		class = string(f.Capability.Class())
	}
	j := jsonFinding{
		File:          f.File,
		Line:          f.Span.Start.Line + 1,
		Column:        f.Span.Start.Col + 1,
		EndLine:       f.Span.End.Line + 1,
		EndColumn:     f.Span.End.Col + 1,
		Kind:          string(f.Kind),
		Capability:    string(f.Capability),
		Class:         class,
		API:           f.API,
		Severity:      string(f.Severity),
		Tools:         slices.Clone(tools),
		Server:        f.Server,
		Tainted:       f.Tainted,
		TaintSource:   f.TaintSource,
		ScopeEnv:      f.ScopeEnv,
		ScopeOverride: f.ScopeOverride,
		TaintRole:     f.TaintRole,
		Scope:         f.Scope,
		ScopeUnknown:  f.ScopeUnknown,
		Scopes:        slices.Clone(f.Scopes),
		ScopeDynamic:  f.ScopeDynamic,
		Rule:          f.Rule,
		Message:       f.Message,
		Manifest:      string(f.Manifest),
	}
	if j.Kind == "" {
		j.Kind = string(finding.KindCapability)
	}
	if suppressed {
		reason := f.Suppression
		j.Reason = &reason
	}
	return j
}

// pointOf returns the start of the first non-empty span: a tool's name
// literal is where a reader wants to land, the registration is the fallback.
func pointOf(spans ...source.Span) source.Pos {
	for _, s := range spans {
		if s.End.Offset > s.Start.Offset {
			return s.Start
		}
	}
	if len(spans) > 0 {
		return spans[len(spans)-1].Start
	}
	return source.Pos{}
}
