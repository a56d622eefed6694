package lsp

import (
	"fmt"
	"path/filepath"

	sitter "github.com/smacker/go-tree-sitter"

	"go.lsp.dev/protocol"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// document is an open editor buffer. Its fields are guarded by Server.mu;
// the syntax tree belongs to the analysis worker (see treeState).
type document struct {
	uri      protocol.DocumentURI // as the client sent it: diagnostics go back to the same string
	path     string
	lang     source.Lang // "" when the file is not source (the manifest, other files)
	manifest bool
	version  int32
	text     []byte
	lines    *source.Lines
	// edits not yet applied to the worker's tree, in order; full means the
	// tree must be rebuilt from scratch (open, full-text change, bad edit).
	edits []sitter.EditInput
	full  bool
	dirty bool
}

func newDocument(uri protocol.DocumentURI, path string, version int32, text []byte) *document {
	return &document{
		uri: uri, path: path, lang: langOf(path), manifest: filepath.Base(path) == ManifestName,
		version: version, text: text, lines: source.NewLines(text), full: true,
	}
}

// apply applies didChange events in order. A malformed change (range ending
// before it starts) is skipped and reported; the rest still apply, and the
// tree is rebuilt from scratch since the client and server may now disagree.
func (d *document) apply(version int32, changes []TextDocumentContentChangeEvent) error {
	var errs []error
	for _, ch := range changes {
		text, edit, err := applyChange(d.text, d.lines, ch)
		if err != nil {
			errs = append(errs, err)
			d.full = true
			continue
		}
		if edit != nil {
			d.lines = d.lines.Edit(text, int(edit.StartIndex), int(edit.OldEndIndex), int(edit.NewEndIndex))
		} else {
			d.lines = source.NewLines(text)
		}
		d.text = text
		if edit == nil {
			d.full = true
			d.edits = d.edits[:0]
		} else if !d.full {
			d.edits = append(d.edits, *edit)
		}
	}
	d.version = version
	if len(errs) > 0 {
		return fmt.Errorf("%s: %v", d.uri, errs)
	}
	return nil
}

// fileFacts are the facts of one file and the text they came from (open
// documents only: positions of an older version are mapped through it).
type fileFacts struct {
	facts *facts.File
	// unanalysed says why the file could not be read or extracted in full
	// (binary, over the size limit, not a regular file, an extraction
	// error), as the CLI's "file not analysed" finding says it; facts may
	// still hold what a partial extraction found.
	unanalysed string
	open       bool
	version    int32
	text       []byte
	lines      *source.Lines
}

// treeState is the worker's syntax tree of an open document. needsParse
// means edits were applied to tree but the re-parse was cancelled.
type treeState struct {
	tree       *sitter.Tree
	lang       source.Lang
	needsParse bool
}

func (t *treeState) close() {
	if t != nil && t.tree != nil {
		t.tree.Close()
		t.tree = nil
	}
}
