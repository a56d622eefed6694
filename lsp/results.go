package lsp

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.lsp.dev/protocol"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// DiagnosticData is the `data` of every mcpriv diagnostic: what code actions
// (ours and the editor plugins') need without another round trip.
type DiagnosticData struct {
	Kind       string `json:"kind"`
	Capability string `json:"capability,omitempty"`
	Class      string `json:"class,omitempty"`
	Rule       string `json:"rule,omitempty"`
	API        string `json:"api,omitempty"`
	Risk       string `json:"risk,omitempty"`
	// Tools reaching the call; Server when start-up code reaches it.
	Tools  []string `json:"tools,omitempty"`
	Server bool     `json:"server,omitempty"`
	// Manifest is the manifest state; UndeclaredFor the tools ("" = server)
	// lacking a grant.
	Manifest      string   `json:"manifest,omitempty"`
	UndeclaredFor []string `json:"undeclaredFor,omitempty"`
	// Scope is the narrowest scope a grant needs ("*" when the argument is not literal).
	Scope     string `json:"scope,omitempty"`
	ScopeKind string `json:"scopeKind,omitempty"`
	Tainted   bool   `json:"tainted,omitempty"`
	TaintTool string `json:"taintTool,omitempty"`
	// TaintSource is the tool input field the argument comes from.
	TaintSource string `json:"taintSource,omitempty"`
	// ManifestURI is the manifest governing the file (it may not exist yet).
	ManifestURI protocol.DocumentURI `json:"manifestUri,omitempty"`
}

// rootResult is the latest linked and checked result of one workspace root,
// indexed for the handlers.
type rootResult struct {
	root     string
	res      *finding.Result
	byFile   map[string][]*finding.Finding // absolute path → findings (suppressed ones excluded)
	tools    map[string]*finding.Tool      // by name
	toolFile map[string][]*finding.Tool    // absolute path → registrations in it
	// undeclared counts, per tool, the capabilities some call reached from it lacks a grant for.
	undeclared map[string]map[capability.ID]bool
	// toolLoc is where each tool is registered, built once per result:
	// every diagnostic a tool reaches points there.
	toolLoc map[string]protocol.Location
	at      time.Time
	// lenses summarises what the code lenses show (tools, their
	// capabilities, undeclared counts), to know when to ask for a refresh.
	lenses string
}

func (s *Server) absPath(root, p string) string {
	p = filepath.FromSlash(p)
	if !filepath.IsAbs(p) {
		p = filepath.Join(root, p)
	}
	return filepath.Clean(p)
}

func (s *Server) buildRootResult(root string, res *finding.Result) *rootResult {
	rr := &rootResult{root: root, res: res, byFile: map[string][]*finding.Finding{}, tools: map[string]*finding.Tool{}, toolLoc: map[string]protocol.Location{},
		toolFile: map[string][]*finding.Tool{}, undeclared: map[string]map[capability.ID]bool{}, at: time.Now()}
	if res == nil {
		return rr
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		p := s.absPath(root, f.File)
		rr.byFile[p] = append(rr.byFile[p], f)
		if f.Kind == finding.KindCapability {
			for _, t := range f.UndeclaredFor {
				if rr.undeclared[t] == nil {
					rr.undeclared[t] = map[capability.ID]bool{}
				}
				rr.undeclared[t][f.Capability] = true
			}
		}
	}
	rr.toolLoc = map[string]protocol.Location{}
	for i := range res.Tools {
		t := &res.Tools[i]
		if _, dup := rr.tools[t.Name]; !dup {
			rr.tools[t.Name] = t
			rr.toolLoc[t.Name] = protocol.Location{URI: s.uriOf(s.absPath(root, t.File)), Range: lspRange(nameOrSpan(t))}
		}
		p := s.absPath(root, t.File)
		rr.toolFile[p] = append(rr.toolFile[p], t)
	}
	var key strings.Builder
	for i := range res.Tools {
		t := &res.Tools[i]
		fmt.Fprintf(&key, "%s@%s:%d %v %d;", t.Name, t.File, t.Span.Start.Line, t.Capabilities, len(rr.undeclared[t.Name]))
	}
	rr.lenses = key.String()
	return rr
}

// relink links and checks one root and publishes what changed.
func (s *Server) relink(root string, eng Engine) {
	s.mu.Lock()
	var list []*facts.File
	for p, ff := range s.files {
		if ff.facts != nil && s.rootOfLocked(p) == root {
			list = append(list, ff.facts)
		}
	}
	overlay := map[string][]byte{}
	for p, d := range s.docs {
		if d.manifest {
			overlay[p] = d.text
		}
	}
	s.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].Path < list[j].Path })
	t0 := time.Now()
	res := eng.Link(root, list)
	if res == nil {
		res = &finding.Result{Root: root}
	}
	eng.Check(root, res, overlay)
	rr := s.buildRootResult(root, res)
	t1 := time.Now()
	s.mu.Lock()
	prev := s.results[root]
	s.results[root] = rr
	s.mu.Unlock()
	s.publish(rr, prev)
	if prev != nil && prev.lenses != rr.lenses && s.caps.codeLensRefresh {
		// Lenses of unchanged files (or after a manifest edit) are stale:
		// clients ask again only when told to.
		go s.call(s.ctx, "workspace/codeLens/refresh", nil, nil)
	}
	s.mu.Lock()
	s.stats.phases.Link += t1.Sub(t0)
	s.stats.phases.Publish += time.Since(t1)
	s.mu.Unlock()
}

// publish sends diagnostics for every file of rr, and clears files that had
// some in prev and have none now. Unchanged diagnostics are not re-sent.
func (s *Server) publish(rr, prev *rootResult) {
	paths := map[string]bool{}
	for p := range rr.byFile {
		paths[p] = true
	}
	if prev != nil {
		for p := range prev.byFile {
			paths[p] = true
		}
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)
	for _, p := range sorted {
		params := s.diagnosticsFor(rr, p)
		// Diagnostics are encoded once: the bytes are both the change check
		// and the payload (a big file has thousands of diagnostics).
		key, err := json.Marshal(params.Diagnostics)
		if err != nil {
			s.logf(msgError, "encoding diagnostics of %s: %v", p, err)
			continue
		}
		s.mu.Lock()
		same := s.published[params.URI] == string(key)
		if !same {
			if len(params.Diagnostics) == 0 {
				delete(s.published, params.URI)
			} else {
				s.published[params.URI] = string(key)
			}
			s.stats.Published++
		}
		s.mu.Unlock()
		if !same {
			// Assembled by hand: encoding/json would re-validate and compact
			// the pre-encoded diagnostics, which costs more than encoding them.
			uri, _ := json.Marshal(params.URI)
			msg := make([]byte, 0, len(key)+len(uri)+48)
			msg = append(msg, `{"uri":`...)
			msg = append(msg, uri...)
			if params.Version != nil {
				msg = append(msg, `,"version":`...)
				msg = strconv.AppendInt(msg, int64(*params.Version), 10)
			}
			msg = append(msg, `,"diagnostics":`...)
			msg = append(msg, key...)
			msg = append(msg, '}')
			s.notify(protocol.MethodTextDocumentPublishDiagnostics, json.RawMessage(msg))
		}
	}
}

// uriOf returns the URI to use for path: the client's own for open documents.
func (s *Server) uriOf(path string) protocol.DocumentURI {
	s.mu.Lock()
	d := s.docs[path]
	s.mu.Unlock()
	if d != nil {
		return d.uri
	}
	return pathToURI(path)
}

func (s *Server) diagnosticsFor(rr *rootResult, path string) publishDiagnosticsParams {
	s.mu.Lock()
	show := s.settings.showDeclared()
	var version *int32
	if ff := s.files[path]; ff != nil && ff.open {
		v := ff.version
		version = &v
	}
	s.mu.Unlock()
	params := publishDiagnosticsParams{URI: s.uriOf(path), Version: version, Diagnostics: []protocol.Diagnostic{}}
	manifestURI := pathToURI(s.manifestFor(rr.root, path))
	for _, f := range rr.byFile[path] {
		if !show && f.Kind == finding.KindCapability && f.Manifest == finding.Declared {
			continue
		}
		params.Diagnostics = append(params.Diagnostics, s.toDiagnostic(rr, f, manifestURI))
	}
	return params
}

func (s *Server) toDiagnostic(rr *rootResult, f *finding.Finding, manifestURI protocol.DocumentURI) protocol.Diagnostic {
	sev := f.Severity
	if sev == "" {
		sev = finding.Policy{}.Severity(f)
	}
	data := &DiagnosticData{
		Kind: string(f.Kind), Capability: string(f.Capability), Class: string(f.Class), Rule: f.Rule, API: f.API,
		Tools: f.Tools, Server: f.Server, Manifest: string(f.Manifest), UndeclaredFor: f.UndeclaredFor,
		Scope: f.Scope, ScopeKind: f.ScopeKind, Tainted: f.Tainted, TaintTool: f.TaintTool, TaintSource: f.TaintSource,
		ManifestURI: manifestURI,
	}
	d := protocol.Diagnostic{
		Range:    lspRange(f.Span),
		Severity: lspSeverity(sev),
		Source:   "mcpriv",
		Message:  f.Message,
		Data:     data,
	}
	if f.Risk > 0 {
		data.Risk = f.Risk.String()
	}
	if f.Kind == finding.KindCapability {
		d.Code = string(f.Capability)
		if info, ok := capability.Lookup(f.Capability); ok {
			d.CodeDescription = &protocol.CodeDescription{Href: protocol.URI(info.DocsURL())}
			if d.Message == "" {
				d.Message = fmt.Sprintf("%s: %s", f.API, info.Title)
			}
			if data.Class == "" {
				data.Class = string(info.Class)
			}
		}
		if data.Scope == "" {
			data.Scope = "*"
		}
	} else {
		d.Code = string(f.Kind)
		d.CodeDescription = &protocol.CodeDescription{Href: protocol.URI(docsLSP + "#" + string(f.Kind))}
	}
	if d.Message == "" {
		d.Message = string(f.Kind)
	}
	for _, name := range f.Tools {
		loc, ok := rr.toolLoc[name]
		if !ok {
			continue
		}
		d.RelatedInformation = append(d.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: loc, Message: "tool " + strconv.Quote(name) + " reaches this call",
		})
	}
	return d
}

const docsLSP = "https://github.com/mcpriv/mcpriv/blob/main/docs/lsp.md"

func nameOrSpan(t *finding.Tool) source.Span {
	if t.NameSpan.End.Offset > t.NameSpan.Start.Offset {
		return t.NameSpan
	}
	return t.Span
}

func lspSeverity(s finding.Severity) protocol.DiagnosticSeverity {
	switch s {
	case finding.Error:
		return protocol.DiagnosticSeverityError
	case finding.Warning:
		return protocol.DiagnosticSeverityWarning
	case finding.Hint:
		return protocol.DiagnosticSeverityHint
	}
	return protocol.DiagnosticSeverityInformation
}

// manifestFor returns the manifest governing path: the nearest ancestor
// directory (up to root) holding mcp-capabilities.yaml, open or on disk, else
// root's. The file may not exist.
func (s *Server) manifestFor(root, path string) string {
	dir := filepath.Dir(path)
	for {
		m := filepath.Join(dir, ManifestName)
		s.mu.Lock()
		_, open := s.docs[m]
		s.mu.Unlock()
		if open || fileExists(m) {
			return m
		}
		if dir == root || !within(root, dir) {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return filepath.Join(root, ManifestName)
}

// resultFor returns the latest result of path's root.
func (s *Server) resultFor(path string) *rootResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.results[s.rootOfLocked(path)]
}

// toolNames joins tool names for messages ("" is the server).
func toolNames(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		if n == "" {
			out[i] = "server"
		} else {
			out[i] = "`" + n + "`"
		}
	}
	return strings.Join(out, ", ")
}
