package golang

import (
	"sync"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// The extractor copies the tree-sitter tree once into a flat Go slice: every
// access through the cgo binding allocates a *Node and costs a cgo call, and
// the analysis visits most nodes several times (scopes, values, arguments).

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

var (
	symOnce  sync.Once
	symNames []string
	symNamed []bool
)

// symbols builds the symbol → (type name, named) table of the Go grammar once.
func symbols() {
	symOnce.Do(func() {
		lang := parse.Language(source.Go)
		n := int(lang.SymbolCount())
		symNames = make([]string, n)
		symNamed = make([]bool, n)
		for i := 0; i < n; i++ {
			s := sitter.Symbol(i)
			symNames[i] = lang.SymbolName(s)
			symNamed[i] = lang.SymbolType(s) == sitter.SymbolTypeRegular
		}
	})
}

// flatten copies the tree under root with one cursor walk. hasError says
// whether the tree holds ERROR or MISSING nodes (only then is IsMissing asked).
func flatten(src []byte, root *sitter.Node, hasError bool) *tree {
	symbols()
	t := &tree{src: src, nodes: make([]node, 0, len(src)/2+16)}
	c := sitter.NewTreeCursor(root)
	defer c.Close()
	// last[d] is the last node added at depth d, to link siblings.
	parents := []int32{none}
	lastChild := []int32{none}
	for {
		n := c.CurrentNode()
		sym := int(n.Symbol())
		nd := node{first: none, next: none}
		if sym < len(symNames) {
			nd.typ, nd.named = symNames[sym], symNamed[sym]
		} else { // the builtin error symbol (0xFFFF)
			nd.typ, nd.named, nd.error = "ERROR", true, true
		}
		if hasError && !nd.error && n.IsMissing() {
			nd.error = true
		}
		// Tokens (anonymous nodes) are read by type only; their positions
		// cost two cgo calls each and are needed only to report errors.
		if nd.named || nd.error {
			nd.start, nd.end = int32(n.StartByte()), int32(n.EndByte())
			if nd.end > int32(len(src)) || nd.start > nd.end || nd.start < 0 {
				nd.start, nd.end = clamp32(nd.start, len(src)), clamp32(nd.end, len(src))
			}
		}
		d := len(parents) - 1
		nd.parent = parents[d]
		idx := int32(len(t.nodes))
		t.nodes = append(t.nodes, nd)
		if lastChild[d] >= 0 {
			t.nodes[lastChild[d]].next = idx
		} else if nd.parent >= 0 {
			t.nodes[nd.parent].first = idx
		}
		lastChild[d] = idx
		if c.GoToFirstChild() {
			parents = append(parents, idx)
			lastChild = append(lastChild, none)
			continue
		}
		for !c.GoToNextSibling() {
			if !c.GoToParent() {
				return t
			}
			parents = parents[:len(parents)-1]
			lastChild = lastChild[:len(lastChild)-1]
		}
	}
}

func clamp32(v int32, n int) int32 {
	if v < 0 {
		return 0
	}
	if int(v) > n {
		return int32(n)
	}
	return v
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
