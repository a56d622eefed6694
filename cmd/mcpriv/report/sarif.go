package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/mcpriv/mcpriv/analysis/display"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// SARIF constants. Columns are given in UTF-16 code units, SARIF's default
// column kind, which is also what GitHub code scanning assumes; columnKind is
// still written out so no consumer has to rely on the default.
const (
	SARIFVersion   = "2.1.0"
	SARIFSchema    = "https://json.schemastore.org/sarif-2.1.0.json"
	InformationURI = "https://github.com/mcpriv/mcpriv"
	srcRoot        = "%SRCROOT%"
	// fingerprintKey names mcpriv's partial fingerprint; bump the suffix if
	// the hashed fields ever change, so old alerts are not mismatched.
	fingerprintKey = "mcprivFinding/v1"
)

// Rule IDs of the findings that are not about a capability. They are
// public: SARIF consumers key alerts and dismissals on them.
const (
	RuleUnusedGrant     = "mcpriv.manifest.unused"
	RuleHintMismatch    = "mcpriv.manifest.hint-mismatch"
	RuleInvalidManifest = "mcpriv.manifest.invalid"
	RuleSuppression     = "mcpriv.suppression"
)

type kindRule struct {
	kind     finding.Kind
	id, name string
	short    string
	full     string
	risk     capability.Risk
	tag      string
	help     string
}

// Documentation of the non-capability rules.
const (
	manifestChecksURL = InformationURI + "/blob/main/docs/manifest.md#checks"
	suppressionURL    = capability.DocsBase + "#suppressing-a-finding"
	unanalysedURL     = InformationURI + "/blob/main/docs/json-output.md#unanalysed-code"
)

var kindRules = []kindRule{
	{finding.KindUnusedGrant, RuleUnusedGrant, "UnusedGrant",
		"manifest grants a privilege no code needs",
		"A grant in mcp-capabilities.yaml (a capability, or one of its scopes) that no code of the server or tool needs. Excess privilege widens what a compromised or misled server can do; remove the grant.",
		capability.Medium, "manifest", manifestChecksURL},
	{finding.KindHintMismatch, RuleHintMismatch, "HintMismatch",
		"tool annotations contradict the tool's code",
		"A tool's MCP annotations promise less than its code does: readOnlyHint is true yet the tool writes, deletes or runs programs; destructiveHint is false yet it deletes; openWorldHint is false yet it opens network connections. Clients use these hints to decide what to ask the user, so a wrong hint skips a confirmation.",
		capability.High, "manifest", manifestChecksURL},
	{finding.KindInvalidManifest, RuleInvalidManifest, "InvalidManifest",
		"the least-privilege manifest is invalid",
		"mcp-capabilities.yaml has a YAML error, an unknown capability ID, a malformed scope or an unknown tool name, so its grants cannot be checked.",
		capability.Low, "manifest", manifestChecksURL},
	{finding.KindSuppression, RuleSuppression, "BadSuppression",
		"suppression comment without a reason or without effect",
		"An `mcpriv-ignore` comment must name the capabilities it suppresses and give a reason after `--`; one that has no reason, names an unknown capability or suppresses nothing is reported so that suppressions stay justified and current.",
		capability.Low, "suppression", suppressionURL},
	{finding.KindUnanalysed, finding.RuleSkipped, "SkippedFile",
		"a source file was not analysed",
		"A source file mcpriv skipped: binary, over the size limit, unreadable or not a regular file. What it does is unknown, so it fails the gate; exclude it on purpose (--exclude) if it is not part of the server.",
		capability.High, "coverage", unanalysedURL},
	{finding.KindUnanalysed, finding.RuleTooDeep, "TooDeep",
		"code nested too deep to analyse",
		"Code nested deeper than mcpriv's extractors follow (hundreds of levels of parentheses, calls or blocks: no real program nests so far). The calls in it are not checked, so it fails the gate.",
		capability.High, "coverage", unanalysedURL},
}

// SecuritySeverity is GitHub's security-severity score for a risk level.
func SecuritySeverity(r capability.Risk) string {
	switch {
	case r >= capability.Critical:
		return "9.5"
	case r == capability.High:
		return "7.5"
	case r == capability.Medium:
		return "5.5"
	}
	return "3.0"
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	Invocations        []sarifInvocation           `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	ColumnKind         string                      `json:"columnKind"`
	Results            []sarifResult               `json:"results"`
	Properties         map[string]any              `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifMessage   `json:"shortDescription"`
	FullDescription      sarifMessage   `json:"fullDescription"`
	Help                 sarifMessage   `json:"help"`
	HelpURI              string         `json:"helpUri"`
	DefaultConfiguration sarifRuleConf  `json:"defaultConfiguration"`
	Properties           sarifRuleProps `json:"properties"`
}

type sarifRuleConf struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	SecuritySeverity string   `json:"security-severity"`
	Tags             []string `json:"tags"`
	Risk             string   `json:"risk"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           *sarifRegion     `json:"region,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifMessage       `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          sarifResultProps   `json:"properties"`
}

type sarifResultProps struct {
	Rule        string   `json:"rule,omitempty"`
	Capability  string   `json:"capability,omitempty"`
	API         string   `json:"api,omitempty"`
	Tools       []string `json:"tools"`
	Server      bool     `json:"server"`
	Tainted     bool     `json:"tainted"`
	TaintSource string   `json:"taintSource,omitempty"`
	TaintRole   string   `json:"taintRole,omitempty"`
	Scope       string   `json:"scope,omitempty"`
	Manifest    string   `json:"manifest,omitempty"`
	Severity    string   `json:"severity"`
}

// RuleID is the SARIF rule a finding is reported under: its capability ID
// for capability findings, else the manifest or suppression rule of its kind.
func RuleID(f finding.Finding) string {
	if f.Kind == finding.KindUnanalysed {
		return f.Rule // one kind, two rules
	}
	for _, k := range kindRules {
		if f.Kind == k.kind {
			return k.id
		}
	}
	if f.Capability != "" {
		return string(f.Capability)
	}
	return "mcpriv." + string(f.Kind)
}

// SARIF writes res as a SARIF 2.1.0 log with one run, as GitHub code
// scanning accepts it.
func SARIF(w io.Writer, res *finding.Result, opts Options) error {
	res = Sorted(res)
	rules, index := sarifRules(res)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "mcpriv", Version: opts.Version, InformationURI: InformationURI, Rules: rules,
		}},
		ColumnKind: "utf16CodeUnits",
		Results:    make([]sarifResult, 0, len(res.Findings)+len(res.Suppressed)),
	}
	if opts.SourceRoot != "" {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLoc{srcRoot: {URI: dirURI(opts.SourceRoot)}}
	}
	inv := sarifInvocation{ExecutionSuccessful: true, Notifications: []sarifNotification{}}
	for _, e := range res.Errors {
		level := "error"
		if e.Skipped {
			level = "note"
		}
		inv.Notifications = append(inv.Notifications, sarifNotification{
			Level:     level,
			Message:   sarifMessage{Text: display.Escape(e.Message)},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: artifact(e.File)}}},
		})
	}
	run.Invocations = []sarifInvocation{inv}

	seen := map[string]int{}
	add := func(f finding.Finding, suppressed bool) {
		id := RuleID(f)
		r := sarifResult{
			RuleID:    id,
			RuleIndex: index[id],
			Level:     sarifLevel(f.Severity),
			Message:   sarifMessage{Text: resultText(f)},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: artifact(f.File),
				Region:           region(f),
			}}},
			Properties: sarifResultProps{
				Rule: f.Rule, Capability: string(f.Capability), API: f.API,
				Tools: nonNil(f.Tools), Server: f.Server,
				Tainted: f.Tainted, TaintSource: f.TaintSource, TaintRole: f.TaintRole, Scope: f.Scope,
				Manifest: string(f.Manifest), Severity: string(f.Severity),
			},
		}
		// The fingerprint leaves out the line so an alert survives edits
		// above it; the occurrence number tells apart equal calls in a file.
		fp := fingerprint(id, f)
		seen[fp]++
		r.PartialFingerprints = map[string]string{fingerprintKey: fmt.Sprintf("%s:%d", fp, seen[fp])}
		if suppressed {
			r.Suppressions = []sarifSuppression{{Kind: "inSource", Justification: f.Suppression}}
		}
		run.Results = append(run.Results, r)
	}
	for _, f := range res.Findings {
		add(f, false)
	}
	for _, f := range res.Suppressed {
		add(f, true)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: SARIFSchema, Version: SARIFVersion, Runs: []sarifRun{run}})
}

// sarifRules lists every capability and every manifest rule, always, so
// rule indices are stable across scans; IDs outside the taxonomy (a user
// rule with a capability this build does not know) are appended sorted.
func sarifRules(res *finding.Result) ([]sarifRule, map[string]int) {
	var rules []sarifRule
	for _, c := range capability.All() {
		rules = append(rules, capabilityRule(c))
	}
	for _, k := range kindRules {
		rules = append(rules, sarifRule{
			ID: k.id, Name: k.name,
			ShortDescription:     sarifMessage{Text: k.short},
			FullDescription:      sarifMessage{Text: k.full},
			Help:                 sarifMessage{Text: k.full, Markdown: "**" + k.short + "**\n\n" + k.full},
			HelpURI:              k.help,
			DefaultConfiguration: sarifRuleConf{Level: "warning"},
			Properties:           sarifRuleProps{SecuritySeverity: SecuritySeverity(k.risk), Tags: []string{"security", k.tag}, Risk: k.risk.String()},
		})
	}
	index := make(map[string]int, len(rules))
	for i, r := range rules {
		index[r.ID] = i
	}
	var extra []string
	for _, list := range [][]finding.Finding{res.Findings, res.Suppressed} {
		for _, f := range list {
			if id := RuleID(f); !slices.Contains(extra, id) {
				if _, ok := index[id]; !ok {
					extra = append(extra, id)
				}
			}
		}
	}
	slices.Sort(extra)
	for _, id := range extra {
		index[id] = len(rules)
		rules = append(rules, sarifRule{
			ID: id, Name: id,
			ShortDescription:     sarifMessage{Text: id},
			FullDescription:      sarifMessage{Text: "Findings of " + id + "."},
			Help:                 sarifMessage{Text: "Findings of " + id + "."},
			HelpURI:              capability.DocsBase,
			DefaultConfiguration: sarifRuleConf{Level: "warning"},
			Properties:           sarifRuleProps{SecuritySeverity: SecuritySeverity(capability.Medium), Tags: []string{"security"}, Risk: capability.Medium.String()},
		})
	}
	return rules, index
}

func capabilityRule(c capability.Info) sarifRule {
	full := fmt.Sprintf("The code %s. Risk: %s.", c.Does, c.Why)
	var md strings.Builder
	fmt.Fprintf(&md, "**%s** (`%s`, base risk %s)\n\n", c.Title, c.ID, c.BaseRisk)
	fmt.Fprintf(&md, "The code %s.\n\n**Why it matters:** %s.\n\n", c.Does, c.Why)
	fmt.Fprintf(&md, "Declare it in `mcp-capabilities.yaml` for the tools that need it")
	if c.Scope != capability.ScopeNone {
		fmt.Fprintf(&md, ", with the narrowest %s scope", c.Scope)
	}
	fmt.Fprintf(&md, ", or suppress one call with `mcpriv-ignore: %s -- reason`.", c.ID)
	text := fmt.Sprintf("%s: the code %s. Why it matters: %s. Declare it in mcp-capabilities.yaml for the tools that need it, or suppress one call with `mcpriv-ignore: %s -- reason`.",
		c.Title, c.Does, c.Why, c.ID)
	return sarifRule{
		ID:                   string(c.ID),
		Name:                 ruleName(c.ID),
		ShortDescription:     sarifMessage{Text: "uses " + c.Title},
		FullDescription:      sarifMessage{Text: full},
		Help:                 sarifMessage{Text: text, Markdown: md.String()},
		HelpURI:              c.DocsURL(),
		DefaultConfiguration: sarifRuleConf{Level: "warning"},
		Properties: sarifRuleProps{
			SecuritySeverity: SecuritySeverity(c.BaseRisk),
			Tags:             []string{"security", string(c.Class)},
			Risk:             c.BaseRisk.String(),
		},
	}
}

// ruleName turns "network.client" into "NetworkClient", SARIF's
// conventional rule name form.
func ruleName(id capability.ID) string {
	var b strings.Builder
	for _, part := range strings.Split(string(id), ".") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "error"
	case finding.Warning, "":
		return "warning"
	}
	return "note"
}

func resultText(f finding.Finding) string {
	msg := oneLine(f.Message)
	if f.API != "" && !strings.Contains(msg, f.API) {
		msg = f.API + ": " + msg
	}
	if who := reach(f); who != "" {
		msg += " [" + who + "]"
	}
	if f.Tainted && f.TaintSource != "" {
		msg += fmt.Sprintf(" (tainted: from input %q%s)", f.TaintSource, payloadNote(f))
	}
	// A message text is shown to people (code scanning views): escaped.
	// Properties keep the exact values.
	return display.Escape(msg)
}

func region(f finding.Finding) *sarifRegion {
	s, e := f.Span.Start, f.Span.End
	r := &sarifRegion{StartLine: s.Line + 1, StartColumn: s.Col16 + 1, EndLine: e.Line + 1, EndColumn: e.Col16 + 1}
	// A span the engine left empty or inverted still has to be a valid region.
	if r.EndLine < r.StartLine || r.EndLine == r.StartLine && r.EndColumn < r.StartColumn {
		r.EndLine, r.EndColumn = r.StartLine, r.StartColumn
	}
	return r
}

func fingerprint(ruleID string, f finding.Finding) string {
	h := sha256.New()
	for _, part := range []string{ruleID, f.File, f.API, strings.Join(f.Tools, ","), fmt.Sprint(f.Server), f.Scope, string(f.Capability), f.Rule} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// artifact is a location relative to %SRCROOT%, percent-encoded per segment;
// absolute paths (the language server's) become file URIs.
func artifact(file string) sarifArtifactLoc {
	if filepath.IsAbs(file) {
		return sarifArtifactLoc{URI: fileURI(file)}
	}
	segs := strings.Split(filepath.ToSlash(file), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return sarifArtifactLoc{URI: strings.Join(segs, "/"), URIBaseID: srcRoot}
}

func fileURI(p string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(p)}
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/" + u.Path // Windows drive letters
	}
	return u.String()
}

// dirURI is a directory's file URI with the trailing slash SARIF requires
// of a base.
func dirURI(dir string) string {
	u := fileURI(dir)
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
