package lsp

import "go.lsp.dev/protocol"

// The LSP types come from go.lsp.dev/protocol (v0.12.0, LSP 3.16). The few
// declared here fill gaps in it, each for the reason given; they reuse the
// protocol types for everything else.

// TextDocumentContentChangeEvent is a full (Range nil) or incremental change.
// protocol's Range is not a pointer, so a full-text change could not be told
// from an insertion at 0:0.
type TextDocumentContentChangeEvent struct {
	Range       *protocol.Range `json:"range,omitempty"`
	RangeLength uint32          `json:"rangeLength,omitempty"`
	Text        string          `json:"text"`
}

// DidChangeTextDocumentParams is protocol.DidChangeTextDocumentParams with
// the change events above.
type DidChangeTextDocumentParams struct {
	TextDocument   protocol.VersionedTextDocumentIdentifier `json:"textDocument"`
	ContentChanges []TextDocumentContentChangeEvent         `json:"contentChanges"`
}

// WorkspaceEdit is either the `changes` form (understood by every client) or
// documentChanges, used only when a file must be created and the client
// supports it. protocol's DocumentChanges is a []TextDocumentEdit, which
// cannot hold the protocol.CreateFile operation.
type WorkspaceEdit struct {
	Changes         map[protocol.DocumentURI][]protocol.TextEdit `json:"changes,omitempty"`
	DocumentChanges []any                                        `json:"documentChanges,omitempty"` // protocol.CreateFile | protocol.TextDocumentEdit
}

// CodeAction is protocol.CodeAction holding the WorkspaceEdit above.
type CodeAction struct {
	Title       string                  `json:"title"`
	Kind        protocol.CodeActionKind `json:"kind,omitempty"`
	Diagnostics []protocol.Diagnostic   `json:"diagnostics,omitempty"`
	IsPreferred bool                    `json:"isPreferred,omitempty"`
	Edit        *WorkspaceEdit          `json:"edit,omitempty"`
	Command     *protocol.Command       `json:"command,omitempty"`
}

// ApplyWorkspaceEditParams is protocol.ApplyWorkspaceEditParams holding the
// WorkspaceEdit above.
type ApplyWorkspaceEditParams struct {
	Label string        `json:"label,omitempty"`
	Edit  WorkspaceEdit `json:"edit"`
}

// publishDiagnosticsParams: protocol's Version is a uint32 with omitempty,
// which would drop version 0 (the first version Neovim sends); here it is
// absent only for files that are not open.
type publishDiagnosticsParams struct {
	URI         protocol.DocumentURI  `json:"uri"`
	Version     *int32                `json:"version,omitempty"`
	Diagnostics []protocol.Diagnostic `json:"diagnostics"`
}

// workDoneProgressBegin: protocol's Percentage is a uint32 with omitempty, so
// a begin at 0% would lose it, which tells the client the progress is
// indeterminate and lets it ignore the percentages that follow.
type workDoneProgressBegin struct {
	Kind        protocol.WorkDoneProgressKind `json:"kind"`
	Title       string                        `json:"title"`
	Cancellable bool                          `json:"cancellable,omitempty"`
	Message     string                        `json:"message,omitempty"`
	Percentage  *uint32                       `json:"percentage,omitempty"`
}

// initializeResult is protocol.InitializeResult with the capabilities below.
type initializeResult struct {
	Capabilities serverCapabilities   `json:"capabilities"`
	ServerInfo   *protocol.ServerInfo `json:"serverInfo,omitempty"`
}

// serverCapabilities is protocol.ServerCapabilities plus LSP 3.17's
// positionEncoding, with two options that must not encode as {}: every field
// of protocol's CodeLensOptions and SaveOptions is omitempty, and eglot reads
// an empty JSON object as absent (no code lenses, no didSave).
type serverCapabilities struct {
	protocol.ServerCapabilities
	PositionEncoding string           `json:"positionEncoding,omitempty"`
	CodeLensProvider *codeLensOptions `json:"codeLensProvider,omitempty"` // shadows protocol's
}

type codeLensOptions struct {
	ResolveProvider bool `json:"resolveProvider"`
}

// textDocumentSyncOptions is protocol.TextDocumentSyncOptions with a save
// option that stays on the wire (see serverCapabilities).
type textDocumentSyncOptions struct {
	protocol.TextDocumentSyncOptions
	Save *saveOptions `json:"save,omitempty"` // shadows protocol's
}

type saveOptions struct {
	IncludeText bool `json:"includeText"`
}

// clientCaps are the client capabilities the server acts on, read once from
// protocol.ClientCapabilities (whose parts are all optional pointers).
type clientCaps struct {
	applyEdit, configuration, documentChanges, createFiles, watchFiles, workDoneProgress bool
	codeLensRefresh                                                                      bool
}

func readClientCaps(c protocol.ClientCapabilities) clientCaps {
	var cc clientCaps
	if w := c.Workspace; w != nil {
		cc.applyEdit, cc.configuration = w.ApplyEdit, w.Configuration
		if we := w.WorkspaceEdit; we != nil {
			cc.documentChanges = we.DocumentChanges
			cc.createFiles = contains(we.ResourceOperations, string(protocol.CreateResourceOperation))
		}
		cc.watchFiles = w.DidChangeWatchedFiles != nil && w.DidChangeWatchedFiles.DynamicRegistration
		cc.codeLensRefresh = w.CodeLens != nil && w.CodeLens.RefreshSupport
	}
	cc.workDoneProgress = c.Window != nil && c.Window.WorkDoneProgress
	return cc
}
