package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/mcpriv/mcpriv/analysis/display"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/analysis/manifest"
	"github.com/mcpriv/mcpriv/analysis/safefile"
	"github.com/mcpriv/mcpriv/analysis/source"
)

func (s *Server) codeAction(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.CodeActionParams
	if err := unmarshalParams(raw, &p); err != nil {
		return nil, err
	}
	d, lines, text, rr, err := s.docAt(ctx, p.TextDocument.URI)
	if d == nil || err != nil || rr == nil {
		return []CodeAction{}, err
	}
	want := func(kind protocol.CodeActionKind) bool {
		if len(p.Context.Only) == 0 {
			return true
		}
		for _, o := range p.Context.Only {
			if kind == o || strings.HasPrefix(string(kind), string(o)+".") {
				return true
			}
		}
		return false
	}
	start := lines.OffsetUTF16(int(p.Range.Start.Line), int(p.Range.Start.Character))
	end := lines.OffsetUTF16(int(p.Range.End.Line), int(p.Range.End.Character))
	if end < start {
		start, end = end, start
	}
	actions := []CodeAction{}
	mpath := s.manifestFor(rr.root, d.path)
	for _, f := range rr.byFile[d.path] {
		if !overlaps(f.Span, start, end) && !overlaps(f.CallSpan, start, end) {
			continue
		}
		diag := s.toDiagnostic(rr, f, pathToURI(mpath))
		switch f.Kind {
		case finding.KindCapability:
			if want(protocol.QuickFix) {
				actions = append(actions, s.declareActions(f, mpath, diag)...)
				if a, ok := suppressAction(d, lines, text, f, diag); ok {
					actions = append(actions, a)
				}
			}
		case finding.KindUnusedGrant:
			if want(protocol.QuickFix) && d.manifest {
				if a, ok := s.removeGrantAction(d, f, diag); ok {
					actions = append(actions, a)
				}
			}
		}
	}
	if want(KindDeclareAll) {
		var grants []Grant
		var covered []protocol.Diagnostic
		for _, f := range rr.byFile[d.path] {
			if g := grantsFor(f); len(g) > 0 {
				grants = append(grants, g...)
				covered = append(covered, s.toDiagnostic(rr, f, pathToURI(mpath)))
			}
		}
		if len(grants) > 0 {
			var we *WorkspaceEdit
			var err error
			if !s.manifestExists(mpath) {
				// A new manifest for this file's findings, minimised and with the
				// header package manifest writes, naming the tools it governs.
				own, _ := manifest.Governed(rr.res, rr.root, mpath, s.manifestPresent)
				sub := &finding.Result{Tools: own.Tools}
				for _, f := range rr.byFile[d.path] {
					if f.Kind == finding.KindCapability {
						sub.Findings = append(sub.Findings, *f)
					}
				}
				var text []byte
				if text, err = manifest.CreateAt(sub, rr.root, mpath); err == nil {
					we, err = s.replaceManifest(mpath, nil, text, false)
				}
			} else {
				we, err = s.manifestEdit(mpath, grants)
			}
			if err == nil {
				actions = append(actions, CodeAction{
					Title: fmt.Sprintf("Declare every undeclared privilege use of this file in %s (%d)", ManifestName, len(covered)),
					Kind:  KindDeclareAll, Diagnostics: covered, Edit: we,
				})
			}
		}
	}
	return actions, nil
}

func overlaps(sp source.Span, start, end int) bool {
	if sp.End.Offset <= sp.Start.Offset {
		return false
	}
	if start == end {
		return sp.Start.Offset <= start && start <= sp.End.Offset
	}
	return sp.Start.Offset < end && start < sp.End.Offset
}

// grantsFor returns the narrowest grants that make f declared (manifest.Grants:
// a URL's host, a path, a program; "*" only for a non-literal argument), for
// each tool lacking it ("" = server). Without a manifest every reaching tool
// needs one.
func grantsFor(f *finding.Finding) []Grant {
	if f.Kind != finding.KindCapability {
		return nil
	}
	var targets []string
	switch f.Manifest {
	case finding.Undeclared, finding.OutOfScope:
		targets = f.UndeclaredFor
	case finding.NoManifest, finding.NotChecked:
		targets = append(targets, f.Tools...)
		if f.Server || len(f.Tools) == 0 {
			targets = append(targets, "")
		}
	}
	var out []Grant
	for _, t := range targets {
		for _, g := range manifest.Grants(f, t) {
			out = append(out, Grant{Tool: t, Capability: g.ID, Scope: g.Scope, Exact: g.Exact})
		}
	}
	return out
}

func (s *Server) declareActions(f *finding.Finding, mpath string, diag protocol.Diagnostic) []CodeAction {
	var out []CodeAction
	for i, g := range grantsFor(f) {
		we, err := s.manifestEdit(mpath, []Grant{g})
		if err != nil {
			continue
		}
		who := "server"
		if g.Tool != "" {
			who = "tool `" + g.Tool + "`"
		}
		verb := "Declare"
		if !s.manifestExists(mpath) {
			verb = "Create " + ManifestName + ":"
		}
		title := fmt.Sprintf("%s %s %s for %s", verb, g.Capability, strconv.Quote(g.Scope), who)
		if verb == "Declare" {
			title += " in " + ManifestName
		}
		switch {
		case g.Scope == "*" && f.ScopeUnknown != "":
			title += " (its literal scope cannot be inferred: only \"*\" covers it)"
		case g.Scope == "*" && !g.Exact:
			title += " (the argument is not a literal: any scope)"
		}
		out = append(out, CodeAction{Title: display.Escape(title), Kind: protocol.QuickFix, Diagnostics: []protocol.Diagnostic{diag}, IsPreferred: i == 0, Edit: we})
	}
	return out
}

// suppressAction inserts `mcpriv-ignore: <cap> -- <reason>` on its own line
// above the finding, indented like it, in the language's comment syntax.
func suppressAction(d *document, lines *source.Lines, text []byte, f *finding.Finding, diag protocol.Diagnostic) (CodeAction, bool) {
	if d.lang == "" {
		return CodeAction{}, false
	}
	line := f.Span.Start.Line
	if line < 0 || line >= lines.Count() {
		return CodeAction{}, false
	}
	x := lang.For(d.lang)
	if x == nil {
		return CodeAction{}, false
	}
	prefix := x.LineComment()
	eol := "\n"
	if e := lines.LineEnd(line); e < len(text) && text[e] == '\r' {
		eol = "\r\n"
	}
	comment := fmt.Sprintf("%s%s mcpriv-ignore: %s -- TODO: reason%s", indentOf(lines.LineText(line)), prefix, f.Capability, eol)
	pos := protocol.Position{Line: uint32(line)}
	return CodeAction{
		Title: fmt.Sprintf("Suppress %s here (mcpriv-ignore with a reason)", f.Capability),
		Kind:  protocol.QuickFix, Diagnostics: []protocol.Diagnostic{diag},
		Edit: &WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{d.uri: {{Range: protocol.Range{Start: pos, End: pos}, NewText: comment}}}},
	}, true
}

func (s *Server) removeGrantAction(d *document, f *finding.Finding, diag protocol.Diagnostic) (CodeAction, bool) {
	s.mu.Lock()
	text := d.text
	s.mu.Unlock()
	g, ok := grantAt(d.path, text, f.Span.Start.Offset)
	if !ok {
		return CodeAction{}, false
	}
	edits, err := manifest.RemoveGrant(text, g.Tool, g.Capability, g.Scope)
	if err != nil || len(edits) == 0 || s.checkManifestTarget(d.path) != nil {
		return CodeAction{}, false
	}
	what := string(g.Capability)
	if g.Scope != "" {
		what = strconv.Quote(g.Scope) + " of " + what
	}
	who := "server"
	if g.Tool != "" {
		who = "tool `" + g.Tool + "`"
	}
	return CodeAction{
		Title: display.Escape(fmt.Sprintf("Remove unused grant %s from %s", what, who)), Kind: protocol.QuickFix, IsPreferred: true,
		Diagnostics: []protocol.Diagnostic{diag},
		Edit:        &WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{d.uri: byteEditsToLSP(text, edits)}},
	}, true
}

// checkManifestTarget refuses edits of a manifest the editor would write
// through a symbolic link, or outside the workspace root it belongs to: the
// editor applies our WorkspaceEdit to whatever the URI leads to.
func (s *Server) checkManifestTarget(mpath string) error {
	s.mu.Lock()
	root := s.rootOfLocked(mpath)
	s.mu.Unlock()
	return safefile.CheckTarget(root, mpath)
}

// grantAt finds the grant (a capability key, or one scope) that starts at
// offset in the manifest text: unused-grant findings point there.
func grantAt(path string, text []byte, offset int) (Grant, bool) {
	m, _ := manifest.Parse(path, text)
	g, ok := manifest.GrantAt(m, "", offset)
	return Grant{Tool: g.Tool, Capability: g.Capability, Scope: g.Scope}, ok
}

// manifestText returns the manifest's text: the open buffer, else the disk
// (manifest.ReadFile: bounded, a regular file, not a link). A manifest that
// is there but cannot be read exists, with the error.
func (s *Server) manifestText(mpath string) ([]byte, bool, error) {
	s.mu.Lock()
	d := s.docs[mpath]
	s.mu.Unlock()
	if d != nil {
		return d.text, true, nil
	}
	return manifest.ReadFile(mpath)
}

func (s *Server) manifestExists(mpath string) bool {
	_, ok, _ := s.manifestText(mpath)
	return ok
}

// manifestEdit returns the WorkspaceEdit granting grants in the manifest at
// mpath, creating the file when it does not exist. Edits come from package
// manifest, which keeps the user's comments and style. The edit is in the
// `changes` form (Neovim 0.7 and eglot need it); creating a file uses
// documentChanges only when the client supports create operations.
func (s *Server) manifestEdit(mpath string, grants []Grant) (*WorkspaceEdit, error) {
	text, exists, err := s.manifestText(mpath)
	if err != nil {
		return nil, err
	}
	cur := text
	for _, g := range grants {
		e, err := manifest.AddGrant(cur, g.Tool, g.Capability, g.Scope)
		if err != nil {
			return nil, err
		}
		cur = manifest.Apply(cur, e)
	}
	return s.replaceManifest(mpath, text, cur, exists)
}

// replaceManifest returns the edit turning old into new (a minimal diff) in
// the manifest at mpath.
func (s *Server) replaceManifest(mpath string, old, new []byte, exists bool) (*WorkspaceEdit, error) {
	if string(old) == string(new) {
		return nil, errors.New("already granted")
	}
	if err := s.checkManifestTarget(mpath); err != nil {
		return nil, err
	}
	uri := s.uriOf(mpath)
	if !exists {
		ins := protocol.TextEdit{NewText: string(new)}
		s.mu.Lock()
		canCreate := s.caps.documentChanges && s.caps.createFiles
		s.mu.Unlock()
		if canCreate {
			return &WorkspaceEdit{DocumentChanges: []any{
				protocol.CreateFile{Kind: protocol.CreateResourceOperation, URI: uri, Options: &protocol.CreateFileOptions{IgnoreIfExists: true}},
				protocol.TextDocumentEdit{
					TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}},
					Edits:        []protocol.TextEdit{ins},
				},
			}}, nil
		}
		// Clients without create operations (Neovim 0.7) load the missing file
		// into an empty buffer and insert the text; saving creates it.
		return &WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{uri: {ins}}}, nil
	}
	return &WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{uri: byteEditsToLSP(old, manifest.Diff(old, new))}}, nil
}

func byteEditsToLSP(text []byte, edits []manifest.Edit) []protocol.TextEdit {
	lines := source.NewLines(text)
	out := make([]protocol.TextEdit, 0, len(edits))
	for _, e := range edits {
		st, en := clamp(e.Start, 0, len(text)), clamp(e.End, 0, len(text))
		out = append(out, protocol.TextEdit{Range: offsetRange(lines, st, max(st, en)), NewText: e.NewText})
	}
	return out
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }

// --- code lens ---

func (s *Server) codeLens(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.CodeLensParams
	if err := unmarshalParams(raw, &p); err != nil {
		return nil, err
	}
	d, _, _, rr, err := s.docAt(ctx, p.TextDocument.URI)
	if d == nil || err != nil {
		return []protocol.CodeLens{}, err
	}
	if reason := s.skipReason(d.path); reason != "" && !d.manifest {
		// A lens with no command shows as plain text.
		return []protocol.CodeLens{{Command: &protocol.Command{Title: "mcpriv: " + reason}}}, nil
	}
	if rr == nil {
		return []protocol.CodeLens{}, err
	}
	lenses := []protocol.CodeLens{}
	for _, t := range rr.toolFile[d.path] {
		caps := make([]string, len(t.Capabilities))
		for i, c := range t.Capabilities {
			caps[i] = string(c)
		}
		title := "mcpriv: no privileges"
		if rr.partial {
			title = "mcpriv: analysing the workspace…"
		}
		if len(caps) > 0 {
			title = "mcpriv: " + strings.Join(caps, ", ")
			if n := len(rr.undeclared[t.Name]); n > 0 {
				title += fmt.Sprintf(" · %d undeclared", n)
			}
			if rr.partial {
				title += " · analysing the workspace…"
			}
		}
		if t.NameUnresolved {
			title = "mcpriv: unresolved tool name (" + t.Expression + ") · " + strings.TrimPrefix(title, "mcpriv: ")
		}
		line := uint32(max(t.Span.Start.Line, 0))
		lenses = append(lenses, protocol.CodeLens{
			Range:   protocol.Range{Start: protocol.Position{Line: line}, End: protocol.Position{Line: line}},
			Command: &protocol.Command{Title: display.Escape(title), Command: CmdShowToolPrivileges, Arguments: []any{t.Name}},
		})
	}
	return lenses, nil
}

// --- commands ---

func (s *Server) executeCommand(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.ExecuteCommandParams
	if err := unmarshalParams(raw, &p); err != nil {
		return nil, err
	}
	switch p.Command {
	case CmdShowToolPrivileges:
		var name string
		if len(p.Arguments) > 0 {
			name, _ = p.Arguments[0].(string)
		}
		if name == "" {
			return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, CmdShowToolPrivileges+" takes the tool name as its argument")
		}
		release(ctx)
		s.waitIdle(ctx)
		s.mu.Lock()
		var found *rootResult
		for _, rr := range s.results {
			if rr.tools[name] != nil {
				found = rr
				break
			}
		}
		s.mu.Unlock()
		if found == nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "no tool named %q in the workspace", name)
		}
		return s.toolMarkdown(found, name), nil
	case CmdScanWorkspace:
		release(ctx)
		s.scanWorkspace(ctx)
		s.waitIdle(ctx)
		return s.summary(), nil
	case CmdGenerateManifest:
		release(ctx)
		s.waitIdle(ctx)
		return s.generateManifest(ctx, p.Arguments)
	}
	return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "unknown command %q", p.Command)
}

// waitIdle waits until no analysis is pending (bounded).
func (s *Server) waitIdle(ctx context.Context) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		busy := s.runCancel != nil || len(s.dirtyRoots) > 0
		for _, d := range s.docs {
			busy = busy || d.dirty
		}
		ch := s.updated
		s.mu.Unlock()
		if !busy {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (s *Server) summary() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	findings, tools := 0, 0
	for _, rr := range s.results {
		if rr.res != nil {
			findings += len(rr.res.Findings)
			tools += len(rr.res.Tools)
		}
	}
	return map[string]any{"roots": len(s.roots), "files": len(s.files), "findings": findings, "tools": tools}
}

// generateManifest writes (or extends) the manifest of a root with a grant
// for every undeclared use, through workspace/applyEdit. Argument: an
// optional URI of the root or of a file in it.
func (s *Server) generateManifest(ctx context.Context, args []any) (any, error) {
	s.mu.Lock()
	root, target := "", ""
	if len(s.roots) > 0 {
		root = s.roots[0]
	}
	if len(args) > 0 {
		if u, ok := args[0].(string); ok {
			if p, err := uriToPath(protocol.DocumentURI(u)); err == nil {
				root, target = s.rootOfLocked(p), p
				if contains(s.roots, p) {
					root = p
				}
			}
		}
	}
	rr := s.results[root]
	canApply := s.caps.applyEdit
	s.mu.Unlock()
	if rr == nil {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "no analysed workspace root to generate a manifest for")
	}
	// A file argument generates the manifest governing it; a root (or none)
	// the root's. Either way only the files that manifest governs count.
	mpath := filepath.Join(root, ManifestName)
	if target != "" && target != root {
		mpath = s.manifestFor(root, target)
	}
	text, exists, err := s.manifestText(mpath)
	if err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "generate manifest: %v", err)
	}
	gen, err := manifest.Generate(rr.res, manifest.GenerateOptions{
		Root: root, Target: mpath, Old: text, Exists: exists, Present: s.manifestPresent,
	})
	if err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "generate manifest: %v", err)
	}
	next := gen.Text
	for _, n := range gen.Nested {
		s.logf(msgInfo, "mcpriv: %s governs %d file(s) below it, left out of %s", n.Path, n.Files, mpath)
	}
	for _, n := range gen.Notes {
		s.logf(msgInfo, "mcpriv: %s: %s", mpath, n)
	}
	if !gen.Changed {
		return map[string]any{"applied": false, "manifest": pathToURI(mpath), "message": "the manifest already grants everything the code needs"}, nil
	}
	we, err := s.replaceManifest(mpath, text, next, exists)
	if err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "generate manifest: %v", err)
	}
	if !canApply {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "the client does not support workspace/applyEdit")
	}
	var res protocol.ApplyWorkspaceEditResponse
	if err := s.call(ctx, protocol.MethodWorkspaceApplyEdit, &ApplyWorkspaceEditParams{Label: "mcpriv: generate manifest", Edit: *we}, &res); err != nil {
		return nil, err
	}
	return map[string]any{"applied": res.Applied, "manifest": pathToURI(mpath)}, nil
}
