package golang

import (
	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
	"github.com/mcpriv/mcpriv/analysis/syntax"
)

// The extractor reads the tree from package syntax's flat copy (every access
// through the cgo binding allocates a *Node and costs a cgo call, and the
// analysis visits most nodes several times: scopes, values, arguments),
// converted to nodes carrying their interned type name.

// node is one syntax node of the flat tree. Children are linked through
// first/next (indices into tree.nodes, -1 for none).
type node struct {
	typ          string // grammar type; interned from the symbol table
	start, end   int32  // byte offsets
	parent       int32
	first, next  int32
	named, error bool // error: an ERROR or MISSING node
}

type tree struct {
	src   []byte
	nodes []node
}

const none = int32(-1)

// flatten copies st, parsed from src, into a tree.
func flatten(src []byte, st *sitter.Tree) (*tree, error) {
	ft, err := syntax.Flatten(st, parse.Language(source.Go), src, syntax.Options{})
	if err != nil {
		return nil, err
	}
	defer ft.Free()
	kinds := ft.Grammar.Kinds
	t := &tree{src: src, nodes: make([]node, len(ft.Nodes))}
	for i := range ft.Nodes {
		f := &ft.Nodes[i]
		nd := node{start: int32(f.Start), end: int32(f.End), parent: f.Parent, first: f.First, next: f.Next,
			named: f.Named(), error: f.Missing()}
		if int(f.Sym) < len(kinds) {
			nd.typ = kinds[f.Sym]
		} else { // the builtin error symbol (0xFFFF)
			nd.typ, nd.named, nd.error = "ERROR", true, true
		}
		t.nodes[i] = nd
	}
	return t, nil
}

func (t *tree) typ(i int32) string {
	if i < 0 {
		return ""
	}
	return t.nodes[i].typ
}

// text returns the source text of node i.
func (t *tree) text(i int32) string {
	if i < 0 {
		return ""
	}
	return string(t.src[t.nodes[i].start:t.nodes[i].end])
}

// bytes returns the source bytes of node i (for allocation-free map lookups).
func (t *tree) bytes(i int32) []byte {
	if i < 0 {
		return nil
	}
	return t.src[t.nodes[i].start:t.nodes[i].end]
}

// is reports whether node i's text equals s, without allocating.
func (t *tree) is(i int32, s string) bool {
	if i < 0 {
		return false
	}
	n := t.nodes[i]
	return int(n.end-n.start) == len(s) && string(t.src[n.start:n.end]) == s
}

// kids returns the named children of i.
func (t *tree) kids(i int32) []int32 {
	if i < 0 {
		return nil
	}
	var out []int32
	for c := t.nodes[i].first; c >= 0; c = t.nodes[c].next {
		if t.nodes[c].named && t.nodes[c].typ != "comment" {
			out = append(out, c)
		}
	}
	return out
}

// kid returns the first named child of i of type typ, or -1.
func (t *tree) kid(i int32, typ string) int32 {
	if i < 0 {
		return none
	}
	for c := t.nodes[i].first; c >= 0; c = t.nodes[c].next {
		if t.nodes[c].typ == typ {
			return c
		}
	}
	return none
}

// nth returns the k-th named (non-comment) child of i, or -1.
func (t *tree) nth(i int32, k int) int32 {
	if i < 0 {
		return none
	}
	for c := t.nodes[i].first; c >= 0; c = t.nodes[c].next {
		if t.nodes[c].named && t.nodes[c].typ != "comment" {
			if k == 0 {
				return c
			}
			k--
		}
	}
	return none
}

// hasAnon reports whether i has an anonymous child token s (an operator).
func (t *tree) hasAnon(i int32, s string) bool {
	for c := t.nodes[i].first; c >= 0; c = t.nodes[c].next {
		if !t.nodes[c].named && t.nodes[c].typ == s {
			return true
		}
	}
	return false
}

// operator returns the first anonymous child token of i ("+", "&", ":=").
func (t *tree) operator(i int32) string {
	for c := t.nodes[i].first; c >= 0; c = t.nodes[c].next {
		if !t.nodes[c].named {
			return t.nodes[c].typ
		}
	}
	return ""
}
