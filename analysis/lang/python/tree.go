package python

import (
	"sync"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// The smacker binding allocates a Go *Node per node access and crosses cgo
// for every property, and Node.Child(i) is linear in i. So the tree is copied
// once, with a TreeCursor, into a flat table; every later pass reads only Go
// memory.

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
}

// symbols caches symbol names and kinds of the Python grammar: Type() and
// IsNamed() would each cross cgo and allocate per node.
var symbols struct {
	once  sync.Once
	names []string
	named []bool
}

func symbolInfo(sym sitter.Symbol) (string, bool) {
	symbols.once.Do(func() {
		lang := parse.Language(source.Python)
		c := int(lang.SymbolCount())
		symbols.names = make([]string, c)
		symbols.named = make([]bool, c)
		for i := 0; i < c; i++ {
			symbols.names[i] = lang.SymbolName(sitter.Symbol(i))
			symbols.named[i] = lang.SymbolType(sitter.Symbol(i)) == sitter.SymbolTypeRegular
		}
	})
	if int(sym) < len(symbols.names) {
		return symbols.names[sym], symbols.named[sym]
	}
	return "ERROR", true
}

// fieldID returns the id of a field name (0 for none or unknown).
func fieldID(name string) uint16 {
	if name == "" {
		return 0
	}
	for i, n := range fieldTable() {
		if n == name {
			return uint16(i)
		}
	}
	return 0
}

// flatten copies t into a node table in pre-order (index 0 is the root).
func flatten(t *sitter.Tree, src []byte) *tree {
	out := &tree{src: src}
	root := t.RootNode()
	if root == nil {
		return out
	}
	hasErr := root.HasError()
	out.n = make([]node, 0, 16+len(src)/3)
	cur := sitter.NewTreeCursor(root)
	defer cur.Close()
	// last[i] is the last child appended so far under the node at stack depth i.
	stack := []int32{-1}
	last := []int32{-1}
	for {
		sn := cur.CurrentNode()
		typ, named := symbolInfo(sn.Symbol())
		idx := int32(len(out.n))
		parent := stack[len(stack)-1]
		nd := node{
			typ:    typ,
			field:  fieldID(cur.CurrentFieldName()),
			start:  sn.StartByte(),
			end:    sn.EndByte(),
			parent: parent,
			first:  -1,
			next:   -1,
			named:  named,
		}
		if nd.end > uint32(len(src)) {
			nd.end = uint32(len(src))
		}
		if nd.start > nd.end {
			nd.start = nd.end
		}
		if hasErr && nd.start == nd.end && sn.IsMissing() {
			nd.missing = true
		}
		out.n = append(out.n, nd)
		if prev := last[len(last)-1]; prev >= 0 {
			out.n[prev].next = idx
		} else if parent >= 0 {
			out.n[parent].first = idx
		}
		last[len(last)-1] = idx
		if cur.GoToFirstChild() {
			stack = append(stack, idx)
			last = append(last, -1)
			continue
		}
		for !cur.GoToNextSibling() {
			if !cur.GoToParent() {
				return out
			}
			stack = stack[:len(stack)-1]
			last = last[:len(last)-1]
		}
	}
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
