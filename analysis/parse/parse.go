// Package parse turns source text into tree-sitter trees, reusing parsers
// across calls. It is the only package that knows which grammar serves which
// language.
package parse

import (
	"context"
	"fmt"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/golang"
	"github.com/smacker/go-tree-sitter/javascript"
	"github.com/smacker/go-tree-sitter/python"
	"github.com/smacker/go-tree-sitter/typescript/tsx"
	"github.com/smacker/go-tree-sitter/typescript/typescript"

	"github.com/mcpriv/mcpriv/analysis/source"
)

var (
	langs = map[source.Lang]*sitter.Language{
		source.JavaScript: javascript.GetLanguage(),
		source.TypeScript: typescript.GetLanguage(),
		source.TSX:        tsx.GetLanguage(),
		source.Python:     python.GetLanguage(),
		source.Go:         golang.GetLanguage(),
	}
	pools sync.Map // source.Lang → *sync.Pool of *sitter.Parser
)

// Language returns the tree-sitter grammar of lang, or nil.
func Language(lang source.Lang) *sitter.Language { return langs[lang] }

// Parse parses src. With old (a tree of the previous text, already edited
// with Tree.Edit) the parse is incremental. It returns ctx's error if ctx
// ends first; a tree with syntax errors is not an error.
func Parse(ctx context.Context, lang source.Lang, src []byte, old *sitter.Tree) (*sitter.Tree, error) {
	l := langs[lang]
	if l == nil {
		return nil, fmt.Errorf("no grammar for language %q", lang)
	}
	if ctx.Done() != nil {
		// The binding watches a cancellable context from a goroutine that may
		// set the parser's cancel flag after the parse is over, and nothing
		// clears it: such a parser must never be reused. It is left to the
		// garbage collector (not closed here) because that goroutine may
		// still hold it.
		p := sitter.NewParser()
		p.SetLanguage(l)
		return p.ParseCtx(ctx, old, src)
	}
	pv, _ := pools.LoadOrStore(lang, &sync.Pool{New: func() any {
		p := sitter.NewParser()
		p.SetLanguage(l)
		return p
	}})
	pool := pv.(*sync.Pool)
	p := pool.Get().(*sitter.Parser)
	tree, err := p.ParseCtx(ctx, old, src)
	pool.Put(p)
	return tree, err
}
