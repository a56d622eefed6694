package lsp

import (
	"bytes"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"go.lsp.dev/protocol"

	"github.com/mcpriv/mcpriv/analysis/source"
)

// applyChange applies one didChange event to text. It returns the new text
// and the tree-sitter edit describing it (nil for a full replacement, which
// needs a fresh parse). Positions are converted with source.Lines, so
// out-of-range lines and columns clamp instead of failing: clients do send a
// column past the end of a line, and the LSP says to treat it as the end.
func applyChange(text []byte, lines *source.Lines, ch TextDocumentContentChangeEvent) ([]byte, *sitter.EditInput, error) {
	if ch.Range == nil {
		return []byte(ch.Text), nil, nil
	}
	start := lines.OffsetUTF16(int(ch.Range.Start.Line), int(ch.Range.Start.Character))
	end := lines.OffsetUTF16(int(ch.Range.End.Line), int(ch.Range.End.Character))
	if end < start {
		return nil, nil, fmt.Errorf("change range ends before it starts (%d:%d–%d:%d)",
			ch.Range.Start.Line, ch.Range.Start.Character, ch.Range.End.Line, ch.Range.End.Character)
	}
	out := make([]byte, 0, len(text)-(end-start)+len(ch.Text))
	out = append(out, text[:start]...)
	out = append(out, ch.Text...)
	out = append(out, text[end:]...)

	// Points are in bytes per row, as tree-sitter counts them. The pinned
	// binding sends OldEndPoint as the new end point (EditInput.c), so node
	// points are unreliable after an edit: every position this server reports
	// is derived from byte offsets instead.
	sp, ep := point(lines, start), point(lines, end)
	np := sp
	if i := strings.LastIndexByte(ch.Text, '\n'); i >= 0 {
		np = sitter.Point{Row: sp.Row + uint32(strings.Count(ch.Text, "\n")), Column: uint32(len(ch.Text) - i - 1)}
	} else {
		np.Column += uint32(len(ch.Text))
	}
	return out, &sitter.EditInput{
		StartIndex: uint32(start), OldEndIndex: uint32(end), NewEndIndex: uint32(start + len(ch.Text)),
		StartPoint: sp, OldEndPoint: ep, NewEndPoint: np,
	}, nil
}

func point(lines *source.Lines, off int) sitter.Point {
	p := lines.Pos(off)
	return sitter.Point{Row: uint32(p.Line), Column: uint32(off - lines.LineStart(p.Line))}
}

// lspPos converts a source position to an LSP one (UTF-16 columns).
func lspPos(p source.Pos) protocol.Position {
	return protocol.Position{Line: uint32(max(p.Line, 0)), Character: uint32(max(p.Col16, 0))}
}

func lspRange(s source.Span) protocol.Range {
	return protocol.Range{Start: lspPos(s.Start), End: lspPos(s.End)}
}

// offsetRange converts a byte range of text to an LSP range.
func offsetRange(lines *source.Lines, start, end int) protocol.Range {
	return protocol.Range{Start: lspPos(lines.Pos(start)), End: lspPos(lines.Pos(end))}
}

// uriToPath turns a file URI into a clean absolute path. Non-file URIs
// (untitled:, git:) are rejected: there is nothing on disk to analyse.
func uriToPath(u protocol.DocumentURI) (string, error) {
	pu, err := url.Parse(string(u))
	if err != nil {
		return "", fmt.Errorf("bad URI %q: %w", u, err)
	}
	if pu.Scheme != "file" {
		return "", fmt.Errorf("unsupported URI scheme %q in %q", pu.Scheme, u)
	}
	p := pu.Path
	if runtime.GOOS == "windows" {
		p = strings.TrimPrefix(p, "/")
	}
	if p == "" || !filepath.IsAbs(filepath.FromSlash(p)) {
		return "", fmt.Errorf("URI %q has no absolute path", u)
	}
	return filepath.Clean(filepath.FromSlash(p)), nil
}

// pathToURI turns an absolute path into a file URI, escaping as VS Code does
// so the URIs we send compare equal to the ones the client sent.
func pathToURI(p string) protocol.DocumentURI {
	p = filepath.ToSlash(p)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return protocol.DocumentURI((&url.URL{Scheme: "file", Path: p}).String())
}

// indentOf returns the leading whitespace of line.
func indentOf(line []byte) string {
	return string(line[:len(line)-len(bytes.TrimLeft(line, " \t"))])
}

type sitterEdit = sitter.EditInput
