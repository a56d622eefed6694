package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/mcpriv/mcpriv/analysis/display"
	"sort"
	"strings"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// errCancelled answers a request cancelled with $/cancelRequest (LSP RequestCancelled).
var errCancelled = jsonrpc2.NewError(protocol.CodeRequestCancelled, "request cancelled")

// analysisWait bounds how long a request waits for the analysis of the
// latest edit before answering from the previous result.
const analysisWait = 3 * time.Second

// docAt resolves a request's document: the open buffer, the text and lines
// the current facts were extracted from (finding offsets refer to those),
// and the root's result. It waits for pending analysis first, off the read
// loop (Async), so requests after an edit see the edit.
func (s *Server) docAt(ctx context.Context, uri protocol.DocumentURI) (d *document, lines *source.Lines, text []byte, rr *rootResult, err error) {
	path, err := uriToPath(uri)
	if err != nil {
		return nil, nil, nil, nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%v", err)
	}
	s.mu.Lock()
	d = s.docs[path]
	s.mu.Unlock()
	if d == nil {
		return nil, nil, nil, nil, nil // not open: nothing to say, and not an error
	}
	release(ctx)
	s.waitAnalysed(ctx, path, analysisWait)
	if ctx.Err() != nil {
		return nil, nil, nil, nil, errCancelled
	}
	s.mu.Lock()
	d = s.docs[path]
	if d == nil {
		s.mu.Unlock()
		return nil, nil, nil, nil, nil
	}
	lines, text = d.lines, d.text
	if ff := s.files[path]; ff != nil && ff.open && ff.lines != nil {
		lines, text = ff.lines, ff.text
	}
	rr = s.results[s.rootOfLocked(path)]
	s.mu.Unlock()
	return d, lines, text, rr, nil
}

func (s *Server) hover(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.HoverParams
	if err := unmarshalParams(raw, &p); err != nil {
		return nil, err
	}
	d, lines, text, rr, err := s.docAt(ctx, p.TextDocument.URI)
	if d == nil || err != nil {
		return nil, err
	}
	off := lines.OffsetUTF16(int(p.Position.Line), int(p.Position.Character))
	if d.manifest {
		return manifestHover(text, lines, off), nil
	}
	if reason := s.skipReason(d.path); reason != "" {
		return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: "**mcpriv:** " + reason}}, nil
	}
	if rr == nil {
		return nil, nil
	}
	// The finding whose callee holds the cursor; else the narrowest call around it.
	var best *finding.Finding
	for _, f := range rr.byFile[d.path] {
		if f.Span.Contains(off) || (f.Span.End.Offset == off && off > f.Span.Start.Offset) {
			best = f
			break
		}
		if f.CallSpan.Contains(off) && (best == nil || f.CallSpan.End.Offset-f.CallSpan.Start.Offset < best.CallSpan.End.Offset-best.CallSpan.Start.Offset) {
			best = f
		}
	}
	for _, t := range rr.toolFile[d.path] {
		if nameOrSpan(t).Contains(off) || (best == nil && t.Span.Contains(off)) {
			r := lspRange(nameOrSpan(t))
			return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: safeMarkdown(s.toolMarkdown(rr, t.Name))}, Range: &r}, nil
		}
	}
	if best == nil {
		return nil, nil
	}
	r := lspRange(best.Span)
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: safeMarkdown(s.findingMarkdown(rr, best))}, Range: &r}, nil
}

func (s *Server) findingMarkdown(rr *rootResult, f *finding.Finding) string {
	var b strings.Builder
	if f.Kind != finding.KindCapability {
		fmt.Fprintf(&b, "**mcpriv** · %s\n\n%s\n", f.Kind, f.Message)
		return b.String()
	}
	info, _ := capability.Lookup(f.Capability)
	risk := f.Risk
	if risk == 0 {
		risk = info.BaseRisk
	}
	fmt.Fprintf(&b, "**mcpriv** · `%s` — %s\n\n", f.Capability, info.Title)
	fmt.Fprintf(&b, "Class **%s** · risk **%s**", info.Class, risk)
	if f.API != "" {
		fmt.Fprintf(&b, " · `%s`", f.API)
	}
	b.WriteString("\n\n")
	if f.Message != "" {
		b.WriteString(f.Message + "\n\n")
	}
	fmt.Fprintf(&b, "**Why it is risky:** %s.\n\n", info.Why)
	switch {
	case f.Scope != "":
		scopes := f.Scopes
		if len(scopes) == 0 {
			scopes = []string{f.Scope}
		}
		b.WriteString("**Scope:** ")
		for i, sc := range scopes {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "`%s`", sc)
		}
		if f.ScopeKind != "" {
			fmt.Fprintf(&b, " (%s)", f.ScopeKind)
		}
		if f.ScopeDynamic {
			b.WriteString(", and values that are not literals (unknown)")
		}
		switch {
		case strings.HasPrefix(f.ScopeEnv, "-"):
			fmt.Fprintf(&b, " — the default of flag `%s`: a deployment that sets it reaches wherever it says", f.ScopeEnv)
		case f.ScopeEnv != "":
			fmt.Fprintf(&b, " — the default of `$%s`: a deployment that sets it reaches wherever it says", f.ScopeEnv)
		case f.ScopeOverride != "":
			fmt.Fprintf(&b, " — the client library's default: the code does not set `%s`", f.ScopeOverride)
		}
		b.WriteString("\n\n")
	case f.ScopeUnknown != "":
		fmt.Fprintf(&b, "**Scope:** cannot be inferred (%s), so only a grant of `\"*\"` covers it\n\n", f.ScopeUnknown)
	case info.Scope != capability.ScopeNone:
		b.WriteString("**Scope:** unknown — the argument is not a literal, so a grant needs `\"*\"`\n\n")
	}
	var reach []string
	for _, t := range f.Tools {
		reach = append(reach, "`"+t+"`")
	}
	if f.Server || len(reach) == 0 {
		reach = append(reach, "server start-up")
	}
	fmt.Fprintf(&b, "**Reached by:** %s\n\n", strings.Join(reach, ", "))
	if f.Tainted {
		src := f.TaintSource
		if src == "" {
			src = "arguments"
		}
		fmt.Fprintf(&b, "**Tainted (%s):** ", taintRoleName(f.TaintRole))
		if f.TaintRole == finding.TaintPayload {
			b.WriteString("what the call carries")
		} else {
			b.WriteString("where the call goes")
		}
		fmt.Fprintf(&b, " comes from tool input `%s`", src)
		if f.TaintTool != "" {
			fmt.Fprintf(&b, " of `%s`", f.TaintTool)
		}
		b.WriteString(" — a value the model chooses\n\n")
	}
	b.WriteString("**Manifest:** " + manifestState(f) + "\n\n")
	if f.Rule != "" {
		fmt.Fprintf(&b, "Rule `%s` · [docs](%s)\n", f.Rule, info.DocsURL())
	}
	return b.String()
}

func manifestState(f *finding.Finding) string {
	switch f.Manifest {
	case finding.NoManifest:
		return "no `" + ManifestName + "` yet — a quick fix creates it"
	case finding.Declared:
		return "declared within scope"
	case finding.Undeclared:
		return "not declared for " + toolNames(f.UndeclaredFor)
	case finding.OutOfScope:
		if f.ScopeUnknown != "" {
			return "granted, but its scope cannot be inferred (" + f.ScopeUnknown + "): only `\"*\"` covers it, for " + toolNames(f.UndeclaredFor)
		}
		if f.Scope == "" {
			return "granted, but the argument is not a literal: only `\"*\"` covers it, for " + toolNames(f.UndeclaredFor)
		}
		return "granted, but `" + f.Scope + "` lies outside the granted scope for " + toolNames(f.UndeclaredFor)
	}
	return "not checked"
}

// toolMarkdown is the privilege summary of one tool: hover on a registration,
// mcpriv.showToolPrivileges, and the code lens command.
// scanInProgress is what hover says of a tool while the workspace scan that
// may add capabilities to it is still running.
const scanInProgress = "_Analysis of the workspace in progress: capabilities reached through files not analysed yet are not shown yet._"

func (s *Server) toolMarkdown(rr *rootResult, name string) string {
	t := rr.tools[name]
	var b strings.Builder
	if t == nil {
		fmt.Fprintf(&b, "**mcpriv** · no tool named `%s` in this workspace\n", name)
		return b.String()
	}
	if t.NameUnresolved {
		// The placeholder is no name: say so instead of quoting it as one.
		fmt.Fprintf(&b, "**mcpriv** · %s: a tool whose name `%s` could not be resolved to a string", t.Name, t.Expression)
	} else {
		fmt.Fprintf(&b, "**mcpriv** · tool `%s`", t.Name)
	}
	if t.SDK != "" {
		fmt.Fprintf(&b, " (%s)", t.SDK)
	}
	b.WriteString("\n\n")
	switch {
	case rr.partial:
		// Calls in files the scan has not reached are missing from rr.
		b.WriteString(scanInProgress + "\n\n")
	case len(t.Capabilities) == 0:
		b.WriteString("Uses no sensitive capability.\n")
	}
	// Scopes and states from the findings this tool reaches.
	type capSum struct {
		scopes     map[string]bool
		undeclared bool
		tainted    bool
		risk       capability.Risk
	}
	sums := map[capability.ID]*capSum{}
	for _, fs := range rr.byFile {
		for _, f := range fs {
			if f.Kind != finding.KindCapability || !contains(f.Tools, name) {
				continue
			}
			c := sums[f.Capability]
			if c == nil {
				c = &capSum{scopes: map[string]bool{}}
				sums[f.Capability] = c
			}
			sc := f.Scope
			if sc == "" {
				sc = "*"
			}
			c.scopes[sc] = true
			c.undeclared = c.undeclared || contains(f.UndeclaredFor, name)
			c.tainted = c.tainted || (f.Tainted && (f.TaintTool == "" || f.TaintTool == name))
			c.risk = max(c.risk, f.Risk)
		}
	}
	if len(t.Capabilities) > 0 {
		b.WriteString("| capability | class | scope | risk | manifest |\n|---|---|---|---|---|\n")
	}
	for _, id := range t.Capabilities {
		info, _ := capability.Lookup(id)
		c := sums[id]
		scope, state, risk := "", "declared", info.BaseRisk
		if c != nil {
			var sc []string
			for k := range c.scopes {
				sc = append(sc, "`"+k+"`")
			}
			sort.Strings(sc)
			scope = strings.Join(sc, ", ")
			if c.undeclared {
				state = "**undeclared**"
			}
			if c.risk > 0 {
				risk = c.risk
			}
			if c.tainted {
				scope += " (from tool input)"
			}
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", id, info.Class, scope, risk, state)
	}
	if len(t.Annotations) > 0 {
		var ann []string
		for k, v := range t.Annotations {
			ann = append(ann, fmt.Sprintf("`%s: %v`", k, v))
		}
		sort.Strings(ann)
		fmt.Fprintf(&b, "\nAnnotations: %s\n", strings.Join(ann, ", "))
	}
	return b.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// manifestHover explains the capability ID (or section) under the cursor in
// mcp-capabilities.yaml.
func manifestHover(text []byte, lines *source.Lines, off int) *protocol.Hover {
	isWord := func(c byte) bool {
		return c == '.' || c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
	}
	start, end := off, off
	for start > 0 && isWord(text[start-1]) {
		start--
	}
	for end < len(text) && isWord(text[end]) {
		end++
	}
	if start == end {
		return nil
	}
	word := string(text[start:end])
	r := offsetRange(lines, start, end)
	var v string
	if info, ok := capability.Lookup(capability.ID(word)); ok {
		v = capabilityMarkdown(info)
	} else {
		switch word {
		case "server":
			v = "**server** — grants for code outside any tool: start-up, transport, shared clients. Every tool may also do what `server` grants."
		case "tools":
			v = "**tools** — per-tool grants, keyed by MCP tool name. What a tool may do = its own grants + `server` grants."
		case "version":
			v = "**version** — the manifest format version (1)."
		default:
			return nil
		}
	}
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: safeMarkdown(v)}, Range: &r}
}

func capabilityMarkdown(info capability.Info) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**`%s`** — %s (class **%s**, base risk **%s**)\n\n", info.ID, info.Title, info.Class, info.BaseRisk)
	fmt.Fprintf(&b, "Allows code that %s.\n\n", info.Does)
	fmt.Fprintf(&b, "**Why it is risky:** %s.\n\n", info.Why)
	fmt.Fprintf(&b, "**Scopes:** %s\n\n", scopeHelp(info.Scope))
	var maps []string
	if info.AgentBound != "" {
		maps = append(maps, "AgentBound `"+info.AgentBound+"`")
	}
	if info.DenoFlag != "" {
		maps = append(maps, "Deno `"+info.DenoFlag+"`")
	}
	if info.NodeFlag != "" {
		maps = append(maps, "Node `"+info.NodeFlag+"`")
	}
	if len(maps) > 0 {
		fmt.Fprintf(&b, "**Maps to:** %s\n\n", strings.Join(maps, ", "))
	}
	fmt.Fprintf(&b, "[docs](%s)\n", info.DocsURL())
	return b.String()
}

func scopeHelp(k capability.ScopeKind) string {
	switch k {
	case capability.ScopeHost:
		return "hosts: `api.example.com`, `host:port`, `*.example.com`; `\"*\"` for any"
	case capability.ScopePort:
		return "ports: `[host:]port`; `\"*\"` for any"
	case capability.ScopeProgram:
		return "program names: `git`; `\"*\"` for any"
	case capability.ScopeEnv:
		return "variable names: `GITHUB_TOKEN`, `PREFIX_*`; `\"*\"` for all"
	case capability.ScopePath:
		return "path globs: `${ROOT}/**`, `${HOME}/.config/x/*`, `${TMP}/**`; `\"*\"` for any"
	case capability.ScopeLibrary:
		return "native library paths; `\"*\"` for any"
	}
	return "none — grant it as `[\"*\"]`"
}

// safeMarkdown escapes, line by line, every character an editor must not
// act on (display.Escape): hover text quotes tool names, scopes and
// messages the analysed code chose.
func safeMarkdown(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = display.Escape(l)
	}
	return strings.Join(lines, "\n")
}

// taintRoleName names a finding's taint role for the hover.
func taintRoleName(role string) string {
	if role == "" {
		return finding.TaintTarget
	}
	return role
}
