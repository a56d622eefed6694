// Package parse turns source text into tree-sitter trees, reusing parsers
// across calls. It is the only package that knows which grammar serves which
// language.
package parse

import (
	"bytes"
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
	pv, _ := pools.LoadOrStore(lang, &sync.Pool{New: func() any {
		p := sitter.NewParser()
		p.SetLanguage(l)
		return p
	}})
	pool := pv.(*sync.Pool)
	if lang == source.Python {
		src = pythonNewlines(src)
	}
	p := pool.Get().(*sitter.Parser)
	if ctx.Done() == nil {
		tree, err := p.ParseCtx(ctx, old, src)
		pool.Put(p)
		return tree, err
	}
	// The binding watches a cancellable context from a goroutine that may
	// set the parser's cancellation flag after the parse is over, and
	// nothing clears it. So the parser watches a context of its own, which
	// ctx's end cancels only until the parse is over: when stop prevents
	// that, the flag can never be set and the parser is reused (a fresh
	// parser per file costs about a tenth of the parse); otherwise it is
	// left to the garbage collector, not closed, since that goroutine may
	// still hold it.
	pctx, cancel := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, cancel)
	tree, err := p.ParseCtx(pctx, old, src)
	if stop() {
		pool.Put(p)
	}
	if err != nil && ctx.Err() != nil {
		err = ctx.Err() // the caller's reason, not the private context's
	}
	return tree, err
}

// pythonNewlines returns src with each lone "\r" written "\n". CPython
// reads source with universal newlines, so a lone CR ends a line, but the
// grammar does not: a file with CR line ends was one syntax error whose
// tools were lost (issue 14). The length, and so every offset, is the same;
// src is copied only when it holds a lone CR.
func pythonNewlines(src []byte) []byte {
	i := bytes.IndexByte(src, '\r')
	for i >= 0 && i+1 < len(src) && src[i+1] == '\n' {
		j := bytes.IndexByte(src[i+2:], '\r')
		if j < 0 {
			return src
		}
		i += 2 + j
	}
	if i < 0 {
		return src
	}
	out := bytes.Clone(src)
	for k := i; k < len(out); k++ {
		if out[k] == '\r' && (k+1 == len(out) || out[k+1] != '\n') {
			out[k] = '\n'
		}
	}
	return out
}
