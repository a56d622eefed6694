// Package jsts extracts facts from JavaScript and TypeScript files.
package jsts

import (
	"errors"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// Extract reads the facts of one JS/TS file. (Placeholder until the extractor lands.)
func Extract(path string, lang source.Lang, src []byte, tree *sitter.Tree) (*facts.File, error) {
	return &facts.File{Path: path, Lang: lang, Package: path}, errors.New("jsts: extractor not built yet")
}
