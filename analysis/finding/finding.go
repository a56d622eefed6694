// Package finding holds what the engine reports: findings, tool summaries and
// per-file errors. The CLI printers and the language server only translate
// these; docs/json-schema.md documents their JSON form.
package finding

import (
	"fmt"
	"slices"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// Severity is how a finding is shown: error, warning, info or hint (the LSP's
// four levels; SARIF maps them to error, warning, note, note).
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
	Hint    Severity = "hint"
)

// Rank orders severities: hint 1 … error 4; 0 for unknown.
func (s Severity) Rank() int {
	switch s {
	case Hint:
		return 1
	case Info:
		return 2
	case Warning:
		return 3
	case Error:
		return 4
	}
	return 0
}

// Kind says what a finding is about.
type Kind string

const (
	// KindCapability is a sensitive call (the only kind without a manifest).
	KindCapability Kind = "capability"
	// KindUnusedGrant is a manifest grant that no code needs.
	KindUnusedGrant Kind = "unused-grant"
	// KindHintMismatch is a tool whose MCP annotations contradict its code.
	KindHintMismatch Kind = "hint-mismatch"
	// KindInvalidManifest is a YAML or schema error in the manifest.
	KindInvalidManifest Kind = "invalid-manifest"
	// KindSuppression is a suppression comment without a reason, with an
	// unknown capability, or that suppresses nothing.
	KindSuppression Kind = "suppression"
	// KindUnanalysed is code mcpriv did not analyse: a skipped file (rule
	// RuleSkipped: binary, too large, unreadable) or a subtree nested deeper
	// than the extractors follow (RuleTooDeep). What it does is unknown, so
	// it is an error that fails --fail-on at any level and manifest --check.
	KindUnanalysed Kind = "unanalysed"
)

// Rule IDs of KindUnanalysed findings.
const (
	RuleSkipped = "mcpriv.skipped"
	RuleTooDeep = "mcpriv.too-deep"
)

// ManifestState is how a capability finding relates to the manifest.
type ManifestState string

const (
	NotChecked ManifestState = ""             // manifest checks not run
	NoManifest ManifestState = "no-manifest"  // there is no manifest: undeclared, low severity
	Declared   ManifestState = "declared"     // every reaching tool has a grant that covers it
	Undeclared ManifestState = "undeclared"   // some reaching tool (or server) has no grant
	OutOfScope ManifestState = "out-of-scope" // a grant exists but the literal argument lies outside it
)

// Finding is one reported problem or privilege use.
type Finding struct {
	Kind Kind `json:"kind"`
	// File is slash-separated, relative to the scan root (absolute in the LSP).
	File string `json:"file"`
	// Span is where to point (the callee of a call, a YAML key, a comment).
	Span source.Span `json:"span"`
	// CallSpan is the whole call expression (capability findings).
	CallSpan source.Span `json:"callSpan"`

	Capability capability.ID    `json:"capability,omitempty"`
	Class      capability.Class `json:"class,omitempty"`
	// API is the resolved symbol in readable form: "fs.writeFile",
	// "requests.Session().get", "os/exec.Command".
	API     string `json:"api,omitempty"`
	Rule    string `json:"rule"` // rule ID ("js.fs.write", "manifest.unused", …)
	Message string `json:"message"`

	Risk     capability.Risk `json:"-"`
	Severity Severity        `json:"severity"`

	// Tools that reach the call, sorted; Server is true when code outside any
	// tool (start-up, transport) reaches it too, or nothing else does.
	Tools  []string `json:"tools"`
	Server bool     `json:"server"`

	// Tainted: an argument of the call derives from tool input. TaintSource
	// is the input field ("path"), TaintTool the tool whose input it is,
	// TaintRole what the model controls through it: TaintTarget (where the
	// call goes: URL host or path, file path, program, env name, SQL, code)
	// or TaintPayload (only what it carries: body, content, query values,
	// stdin, arguments of a fixed program); target when both.
	Tainted     bool   `json:"tainted"`
	TaintSource string `json:"taintSource,omitempty"`
	TaintTool   string `json:"taintTool,omitempty"`
	TaintRole   string `json:"taintRole,omitempty"`

	// Scope is the inferred scope (host, path, program, env name, port) when a
	// literal argument gives it; ScopeKind what kind of scope it is.
	Scope     string `json:"scope,omitempty"`
	ScopeKind string `json:"scopeKind,omitempty"`
	// ScopeUnknown, when set, says why the literal argument names no scope
	// its runtime would agree on (a URL whose host cannot be parsed, a path
	// climbing out of ${HOME}): only a "*" grant covers the call. Scope is
	// then empty. Both empty: the argument is not a literal, and any grant
	// of the capability covers it.
	ScopeUnknown string `json:"scopeUnknown,omitempty"`
	// ScopeEnv names the environment variable that overrides Scope: Scope
	// is what the code's literal default gives when the variable is unset
	// (os.environ.get("API_URL", "https://api.x.com") → api.x.com). A
	// deployment that sets it reaches wherever it says. A name starting
	// with "-" is a command-line flag's (flag.String("url", …) → "-url").
	ScopeEnv string `json:"scopeEnv,omitempty"`
	// ScopeOverride is set when Scope is a client library's default host
	// (the rule's default): it names the option that would point the
	// client elsewhere, which the code does not pass.
	ScopeOverride string `json:"scopeOverride,omitempty"`
	// Scopes lists every scope when values from more than one call site of
	// the function holding the call reach it with different scopes (a
	// helper get(url) called with two literal URLs); Scope is its first.
	// ScopeDynamic: beside Scope (and Scopes), values that are not literals
	// reach the call too (tool input, a computed value): the literal scopes
	// are known, the rest is not.
	Scopes       []string `json:"scopes,omitempty"`
	ScopeDynamic bool     `json:"scopeDynamic,omitempty"`
	// ScopeUsers, when the scopes come from the callers' values, lists per
	// scope the principals (tools, "" for the server) reaching a caller that
	// passes it, and under "*" those passing values that are not literals:
	// a tool needs only the scopes of the values it passes (ScopesOf).
	// Read only.
	ScopeUsers map[string][]string `json:"-"`

	Manifest ManifestState `json:"manifest,omitempty"`
	// UndeclaredFor lists the tools ("" for server) whose grants do not cover this call.
	UndeclaredFor []string `json:"undeclaredFor,omitempty"`

	// Suppression is the reason given, for findings listed as suppressed.
	Suppression string `json:"suppression,omitempty"`

	// Command is the command line a system.exec call runs, one word each,
	// command.Unknown for a word that is not a literal (nil when unknown):
	// a read-only command does not contradict readOnlyHint.
	Command []string `json:"-"`
	// Func is the span of the function holding the call: a temporary file
	// created and removed in one function is no destructive removal.
	Func source.Span `json:"-"`
}

// Tool summarises one MCP tool.
type Tool struct {
	// Name is the tool's name, or, when NameUnresolved, the placeholder
	// UnresolvedToolLabel gives: findings list the tool under it.
	Name string `json:"name"`
	// NameUnresolved: the registration names the tool by an expression the
	// analysis could not resolve to a string (Expression, as written). Such a
	// tool is never written to a manifest under a name.
	NameUnresolved bool            `json:"nameUnresolved,omitempty"`
	Expression     string          `json:"expression,omitempty"`
	File           string          `json:"file"`
	Span           source.Span     `json:"span"`     // the registration
	NameSpan       source.Span     `json:"nameSpan"` // the tool name literal
	SDK            string          `json:"sdk"`
	Capabilities   []capability.ID `json:"capabilities"` // sorted, distinct
	Annotations    map[string]bool `json:"annotations,omitempty"`
	// AnnotationSpans locate each annotation's value in File.
	AnnotationSpans map[string]source.Span `json:"annotationSpans,omitempty"`
	// Sites are the other registrations of the same name (both branches of
	// a configuration switch), in file and position order after File/Span:
	// a server has one tool per name, so they share the capabilities;
	// Annotations are the first registration's, each site keeps its own.
	Sites []ToolSite `json:"sites,omitempty"`
}

// RegisteredIn reports whether a registration of t, at File or a site, is
// in a file in accepts: a manifest governs the tool if it governs any.
func (t *Tool) RegisteredIn(in func(file string) bool) bool {
	if in(t.File) {
		return true
	}
	for _, s := range t.Sites {
		if in(s.File) {
			return true
		}
	}
	return false
}

// ToolSite is one more registration of a tool, with its own annotations
// (each registration's hints are checked where they are written).
type ToolSite struct {
	File            string                 `json:"file"`
	Span            source.Span            `json:"span"`
	NameSpan        source.Span            `json:"nameSpan"`
	Annotations     map[string]bool        `json:"annotations,omitempty"`
	AnnotationSpans map[string]source.Span `json:"annotationSpans,omitempty"`
}

// AtSite is t as registered at t.Sites[i]: same name and capabilities,
// that registration's place and annotations, no sites.
func (t *Tool) AtSite(i int) Tool {
	at := *t
	s := &t.Sites[i]
	at.File, at.Span, at.NameSpan, at.Sites = s.File, s.Span, s.NameSpan, nil
	at.Annotations, at.AnnotationSpans = s.Annotations, s.AnnotationSpans
	return at
}

// UnresolvedToolLabel is the placeholder that stands for a tool whose name
// expression expr, registered at file:line (0-based line), is not resolved.
// It cannot be a manifest tool key: keys are names, and Result.Tools marks
// the tool NameUnresolved.
func UnresolvedToolLabel(file string, line int, expr string) string {
	return fmt.Sprintf("unresolved tool at %s:%d (%s)", file, line+1, expr)
}

// FileError is a file that could not be analysed, or was skipped.
type FileError struct {
	File    string `json:"file"`
	Message string `json:"message"`
	// Skipped is true for notices (too large, binary); false for real errors.
	Skipped bool `json:"skipped"`
	// BuiltFrom is set when File is a build-output directory left out
	// because the sources it is built from were analysed: it names them.
	BuiltFrom string `json:"builtFrom,omitempty"`
}

// Result is the outcome of analysing a tree.
type Result struct {
	Root       string      `json:"root"`
	Findings   []Finding   `json:"findings"`
	Tools      []Tool      `json:"tools"`
	Suppressed []Finding   `json:"suppressed"`
	Errors     []FileError `json:"errors"`
	Files      int         `json:"files"`
	Bytes      int64       `json:"bytes"`
}

// ScopesOf returns the literal scopes principal p ("" for the server)
// needs for f: all of them, unless ScopeUsers says which values p's
// callers pass; and whether p may also pass values that are not literals.
func (f *Finding) ScopesOf(p string) (scopes []string, dynamic bool) {
	all := f.Scopes
	if len(all) == 0 && f.Scope != "" {
		all = []string{f.Scope}
	}
	if f.ScopeUsers == nil {
		return all, f.ScopeDynamic
	}
	for _, s := range all {
		if slices.Contains(f.ScopeUsers[s], p) {
			scopes = append(scopes, s)
		}
	}
	open := f.ScopeDynamic && slices.Contains(f.ScopeUsers["*"], p)
	return scopes, open || len(scopes) == 0
}

// The roles of a tainted finding (Finding.TaintRole).
const (
	TaintTarget  = "target"
	TaintPayload = "payload"
)

// TargetTainted reports whether tool input chooses where the call goes.
func (f *Finding) TargetTainted() bool { return f.Tainted && f.TaintRole == TaintTarget }

// Skipped turns the files an analysis could not read or extract into
// findings: what they do is unknown, so each fails the gate unless it is
// excluded on purpose (--exclude, the excludes setting, build output whose
// sources are analysed). The CLI and the language server both call it, so a
// skipped file reads the same in both.
func Skipped(errs []FileError) []Finding {
	var out []Finding
	for _, fe := range errs {
		if fe.BuiltFrom != "" {
			continue // build output left out on purpose: its sources were analysed
		}
		out = append(out, Finding{Kind: KindUnanalysed, File: fe.File, Rule: RuleSkipped, Server: true, Tools: []string{},
			Message: "file not analysed: " + fe.Message})
	}
	return out
}
