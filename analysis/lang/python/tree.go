package python

import (
	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
	"github.com/mcpriv/mcpriv/analysis/syntax"
)

// Package syntax copies the tree-sitter tree once into a flat table (the
// binding allocates a Go *Node per node access, crosses cgo for every
// property, and Node.Child(i) is linear in i); it is then converted to this
// package's nodes, whose interned type names the passes compare directly.

// node is one tree-sitter node. Children are linked first-child /
// next-sibling; -1 ends a list.
type node struct {
	typ        string // grammar symbol name (interned: compare freely)
	field      uint16 // field id in the parent (0 if none; see fieldTable)
	start, end uint32
	parent     int32
	first      int32
	next       int32
	named      bool
	missing    bool
}

type tree struct {
	n   []node
	src []byte
	cut int32 // a node stored without its children (maxTreeDepth), -1 when none
}

// maxTreeDepth bounds the walk; deeper subtrees (only hostile input nests
// this far) are cut off.
const maxTreeDepth = 100000

// grammar returns the Python grammar's symbol and field names.
func grammar() *syntax.Grammar { return syntax.GrammarOf(parse.Language(source.Python)) }

// fieldTable maps field ids of the Python grammar to names.
func fieldTable() []string { return grammar().Fields }

// flatten copies st into a node table in pre-order (index 0 is the root).
func flatten(st *sitter.Tree, src []byte) (*tree, error) {
	ft, err := syntax.Flatten(st, parse.Language(source.Python), src, syntax.Options{MaxDepth: maxTreeDepth})
	if err != nil {
		return nil, err
	}
	defer ft.Free()
	g := ft.Grammar
	out := &tree{src: src, n: make([]node, len(ft.Nodes)), cut: ft.Cut}
	for i := range ft.Nodes {
		f := &ft.Nodes[i]
		nd := node{
			typ: "ERROR", start: f.Start, end: f.End,
			parent: f.Parent, first: f.First, next: f.Next,
			named: f.Named(), missing: f.Missing(),
		}
		if int(f.Sym) < len(g.Kinds) {
			nd.typ = g.Kinds[f.Sym]
		}
		if int(f.Field) < len(g.Fields) {
			nd.field = f.Field
		}
		out.n[i] = nd
	}
	return out, nil
}

// text returns the source of node i.
func (t *tree) text(i int32) string {
	if i < 0 {
		return ""
	}
	return string(t.src[t.n[i].start:t.n[i].end])
}

// textEq reports whether node i's source equals s, without allocating.
func (t *tree) textEq(i int32, s string) bool {
	if i < 0 {
		return false
	}
	return string(t.src[t.n[i].start:t.n[i].end]) == s
}

func (t *tree) typ(i int32) string {
	if i < 0 {
		return ""
	}
	return t.n[i].typ
}

// field returns the first child of i with the given field name, or -1.
func (t *tree) field(i int32, name string) int32 {
	if i < 0 {
		return -1
	}
	names := fieldTable()
	for c := t.n[i].first; c >= 0; c = t.n[c].next {
		if f := t.n[c].field; f != 0 && int(f) < len(names) && names[f] == name {
			return c
		}
	}
	return -1
}

// named returns the named children of i (excluding comments).
func (t *tree) namedKids(i int32, buf []int32) []int32 {
	buf = buf[:0]
	if i < 0 {
		return buf
	}
	for c := t.n[i].first; c >= 0; c = t.n[c].next {
		if t.n[c].named && t.n[c].typ != "comment" {
			buf = append(buf, c)
		}
	}
	return buf
}

// firstNamed returns the first named non-comment child of i, or -1.
func (t *tree) firstNamed(i int32) int32 {
	if i < 0 {
		return -1
	}
	for c := t.n[i].first; c >= 0; c = t.n[c].next {
		if t.n[c].named && t.n[c].typ != "comment" {
			return c
		}
	}
	return -1
}

// hasToken reports whether i has a direct anonymous child with text tok.
func (t *tree) hasToken(i int32, tok string) bool {
	for c := t.n[i].first; c >= 0; c = t.n[c].next {
		if !t.n[c].named && t.n[c].typ == tok {
			return true
		}
	}
	return false
}

// unparen strips parentheses around an expression.
func (t *tree) unparen(i int32) int32 {
	for i >= 0 && t.n[i].typ == "parenthesized_expression" {
		i = t.firstNamed(i)
	}
	return i
}
