// Package python extracts facts from Python files.
package python

import (
	"errors"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// Extract reads the facts of one Python file. (Placeholder until the extractor lands.)
func Extract(path string, src []byte, tree *sitter.Tree) (*facts.File, error) {
	return &facts.File{Path: path, Lang: source.Python, Package: path}, errors.New("python: extractor not built yet")
}
