package jsts

import (
	"sync"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/syntax"
)

// The tree is flattened once by package syntax; the extractor keeps the
// named nodes and the few keywords it reads, and reads operators from the
// text between operands.

// node is one kept syntax node; indices refer to tree.nodes, -1 is none.
type node = syntax.Node

const (
	flagNamed   = syntax.FlagNamed
	flagMissing = syntax.FlagMissing
	symError    = syntax.SymError
)

// grammar holds the extractor's view of one tree-sitter language.
type grammar struct {
	kinds  []string // by symbol
	kid    []kind   // by symbol
	fields []string // by field id
	filter *syntax.Filter
}

var grammars sync.Map // *sitter.Language → *grammar

// keptAnonymous are unnamed tokens the extractor looks at.
var keptAnonymous = map[string]bool{"default": true, "const": true, "async": true, "...": true}

func grammarOf(lang *sitter.Language) *grammar {
	if g, ok := grammars.Load(lang); ok {
		return g.(*grammar)
	}
	sg := syntax.GrammarOf(lang)
	g := &grammar{kinds: sg.Kinds, fields: sg.Fields, kid: make([]kind, len(sg.Kinds))}
	for i, name := range sg.Kinds {
		if sg.Named[i] || keptAnonymous[name] || name == "import" || name == "true" || name == "false" || name == "this" {
			g.kid[i] = kindNames[name]
		}
	}
	// Literals are read from their text: their inner tokens are skipped.
	g.filter = syntax.NewFilter(lang, func(_ int, name string, named bool) syntax.Keep {
		switch {
		case named && (name == "string" || name == "regex"):
			return syntax.KeepLeaf
		case named || keptAnonymous[name]:
			return syntax.KeepNode
		}
		return syntax.Drop
	})
	v, _ := grammars.LoadOrStore(lang, g)
	return v.(*grammar)
}

// tree is a flattened syntax tree. Its node table is pooled: free hands it back.
type tree struct {
	nodes []node
	g     *grammar
	st    *syntax.Tree
}

func (t *tree) free() {
	if t.st != nil {
		t.st.Free()
		t.st, t.nodes = nil, nil
	}
}

func (t *tree) kind(i int32) string {
	s := t.nodes[i].Sym
	if s == symError {
		return "ERROR"
	}
	if int(s) < len(t.g.kinds) {
		return t.g.kinds[s]
	}
	return ""
}

// k returns the extractor's kind of node i.
func (t *tree) k(i int32) kind {
	s := t.nodes[i].Sym
	if s == symError {
		return kError
	}
	if int(s) < len(t.g.kid) {
		return t.g.kid[s]
	}
	return kOther
}

func (t *tree) fieldName(i int32) string {
	f := t.nodes[i].Field
	if int(f) < len(t.g.fields) {
		return t.g.fields[f]
	}
	return ""
}

// child returns the first child of i with the given field name, or -1.
func (t *tree) child(i int32, field string) int32 {
	for c := t.nodes[i].First; c >= 0; c = t.nodes[c].Next {
		if t.nodes[c].Field != 0 && t.fieldName(c) == field {
			return c
		}
	}
	return -1
}

// named returns the named children of i.
func (t *tree) namedChildren(i int32, buf []int32) []int32 {
	buf = buf[:0]
	for c := t.nodes[i].First; c >= 0; c = t.nodes[c].Next {
		if t.nodes[c].Flags&flagNamed != 0 && t.k(c) != kComment {
			buf = append(buf, c)
		}
	}
	return buf
}

// firstNamed returns the first named non-comment child of i, or -1.
func (t *tree) firstNamed(i int32) int32 {
	for c := t.nodes[i].First; c >= 0; c = t.nodes[c].Next {
		if t.nodes[c].Flags&flagNamed != 0 && t.k(c) != kComment {
			return c
		}
	}
	return -1
}

// flatten copies the tree, keeping the nodes the extractor reads.
func flatten(st *sitter.Tree, lang *sitter.Language, src []byte) (*tree, error) {
	g := grammarOf(lang)
	ft, err := syntax.Flatten(st, lang, src, syntax.Options{Filter: g.filter})
	if err != nil {
		return nil, err
	}
	return &tree{nodes: ft.Nodes, g: g, st: ft}, nil
}
