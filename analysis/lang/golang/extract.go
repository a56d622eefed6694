// Package golang extracts facts from Go files.
package golang

import (
	"errors"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// Extract reads the facts of one Go file. (Placeholder until the extractor lands.)
func Extract(path string, src []byte, tree *sitter.Tree) (*facts.File, error) {
	return &facts.File{Path: path, Lang: source.Go, Package: path}, errors.New("golang: extractor not built yet")
}
