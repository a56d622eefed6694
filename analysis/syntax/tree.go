// Package syntax owns the flat syntax tree the language extractors read.
//
// The smacker tree-sitter binding allocates and caches a Go object per node
// visited and crosses cgo for every property, which costs more than the parse
// itself on big files. Flatten copies the tree once, in one C call, into a
// table of fixed-size records linked first-child / next-sibling; every later
// pass reads plain memory. The C walk reads the binding's unexported Node
// layout; that layout is checked on every call and, should it ever differ, a
// walk through the binding's public API builds the same table.
package syntax

import (
	"errors"
	"runtime"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"
)

// SymError is the symbol of ERROR nodes.
const SymError = 0xFFFF

// Node is one kept syntax node. Indices refer to Tree.Nodes; -1 is none.
// Parent is the nearest kept ancestor; First/Last/Next link the kept
// children in source order. Field is the field id in the parent (0: none).
type Node struct {
	Start, End                uint32
	Parent, First, Last, Next int32
	Sym, Field                uint16
	Flags                     uint8
}

// Named reports whether the node is a named node (ERROR nodes are).
func (n *Node) Named() bool { return n.Flags&FlagNamed != 0 }

// Missing reports whether the parser inserted the node to recover from an error.
func (n *Node) Missing() bool { return n.Flags&FlagMissing != 0 }

// Grammar holds the symbol and field names of one tree-sitter language.
type Grammar struct {
	Kinds  []string // by symbol
	Named  []bool   // by symbol: a named (regular) symbol
	Fields []string // by field id; Fields[0] is ""

	all []uint8 // the Filter table keeping every node
}

var grammars sync.Map // *sitter.Language → *Grammar

// GrammarOf returns the names of lang's symbols and fields (computed once).
func GrammarOf(lang *sitter.Language) *Grammar {
	if g, ok := grammars.Load(lang); ok {
		return g.(*Grammar)
	}
	n := int(lang.SymbolCount())
	g := &Grammar{Kinds: make([]string, n), Named: make([]bool, n), all: make([]uint8, n)}
	for i := range n {
		g.Kinds[i] = lang.SymbolName(sitter.Symbol(i))
		g.Named[i] = lang.SymbolType(sitter.Symbol(i)) == sitter.SymbolTypeRegular
		g.all[i] = bitKeep
		if g.Named[i] {
			g.all[i] |= bitNamed
		}
	}
	g.Fields = []string{""}
	for i := 1; i < 1<<16; i++ {
		name := lang.FieldName(i)
		if name == "" {
			break
		}
		g.Fields = append(g.Fields, name)
	}
	v, _ := grammars.LoadOrStore(lang, g)
	return v.(*Grammar)
}

// Kind returns the name of symbol sym ("ERROR" for SymError, "" if unknown).
func (g *Grammar) Kind(sym uint16) string {
	if sym == SymError {
		return "ERROR"
	}
	if int(sym) < len(g.Kinds) {
		return g.Kinds[sym]
	}
	return ""
}

// Field returns the name of field id f ("" for none or unknown).
func (g *Grammar) Field(f uint16) string {
	if int(f) < len(g.Fields) {
		return g.Fields[f]
	}
	return ""
}

// FieldID returns the id of a field name, 0 for none or unknown.
func (g *Grammar) FieldID(name string) uint16 {
	if name == "" {
		return 0
	}
	for i, n := range g.Fields {
		if n == name {
			return uint16(i)
		}
	}
	return 0
}

// Keep says what Flatten does with the nodes of one symbol.
type Keep uint8

const (
	Drop     Keep = iota // not stored; its children are attached to the nearest kept ancestor
	KeepNode             // stored
	KeepLeaf             // stored, its children are neither stored nor walked
)

// Filter selects the symbols Flatten stores. Build one per language once.
type Filter struct {
	g     *Grammar
	table []uint8
}

// NewFilter asks keep about every symbol of lang. The root, ERROR and
// MISSING nodes are stored whatever keep says.
func NewFilter(lang *sitter.Language, keep func(sym int, name string, named bool) Keep) *Filter {
	g := GrammarOf(lang)
	f := &Filter{g: g, table: make([]uint8, len(g.Kinds))}
	for i, name := range g.Kinds {
		var b uint8
		switch keep(i, name, g.Named[i]) {
		case KeepNode:
			b = bitKeep
		case KeepLeaf:
			b = bitKeep | bitLeaf
		}
		if b != 0 && g.Named[i] {
			b |= bitNamed
		}
		f.table[i] = b
	}
	return f
}

// Options tune Flatten.
type Options struct {
	Filter   *Filter // nil stores every node
	MaxDepth int     // nodes this deep are stored without children (only hostile input nests so far); 0: no limit
}

// Tree is a flattened syntax tree; Nodes[0] is the root. Call Free when
// done (the table is released), and do not keep Nodes past it.
type Tree struct {
	Nodes   []Node
	Grammar *Grammar
	// Cut is the first node stored without its children because of
	// Options.MaxDepth, -1 when none was: the caller must report it, not
	// analyse the tree as if it were whole.
	Cut     int32
	mem     *cTable // the C memory behind Nodes (nil: a Go slice)
	cleanup runtime.Cleanup
}

// Free releases the node table.
func (t *Tree) Free() {
	t.Nodes = nil
	if t.mem != nil {
		t.cleanup.Stop()
		t.mem.free()
		t.mem = nil
	}
}

// Kind returns the grammar name of node i's symbol.
func (t *Tree) Kind(i int32) string { return t.Grammar.Kind(t.Nodes[i].Sym) }

// FieldName returns the field name of node i in its parent, "" for none.
func (t *Tree) FieldName(i int32) string { return t.Grammar.Field(t.Nodes[i].Field) }

// Child returns the first child of i with the given field name, or -1.
func (t *Tree) Child(i int32, field string) int32 {
	for c := t.Nodes[i].First; c >= 0; c = t.Nodes[c].Next {
		if t.Nodes[c].Field != 0 && t.Grammar.Field(t.Nodes[c].Field) == field {
			return c
		}
	}
	return -1
}

// rootMu serialises RootNode and the cursor fallback: the binding caches
// nodes per tree, so extractions of one tree from several goroutines must
// not touch that cache at once.
var rootMu sync.Mutex

// Flatten copies st, parsed from src in language lang, into a Tree.
func Flatten(st *sitter.Tree, lang *sitter.Language, src []byte, opt Options) (*Tree, error) {
	if st == nil || lang == nil {
		return nil, errors.New("syntax: no tree")
	}
	g := GrammarOf(lang)
	table := g.all
	if opt.Filter != nil {
		if opt.Filter.g != g {
			return nil, errors.New("syntax: filter built for another language")
		}
		table = opt.Filter.table
	}
	rootMu.Lock()
	root := st.RootNode()
	hasError := root.HasError()
	rootMu.Unlock()
	defer released(st)
	if t, ok := flattenC(root, g, table, src, opt, hasError); ok {
		return t, nil
	}
	rootMu.Lock()
	defer rootMu.Unlock()
	return flattenGo(root, g, table, src, opt, hasError), nil
}

// releases maps trees whose owner lets Flatten free them once copied.
var releases sync.Map // *sitter.Tree → func()

// ReleaseAfterFlatten lets the next Flatten of st call release as soon as
// the copy is made: the extractors read only the flat tree, so a scan that
// owns st need not hold the C tree (tens of bytes per byte of text) beside
// the extraction's own memory. The returned function calls release if
// Flatten has not (the tree was never flattened); call it when done.
func ReleaseAfterFlatten(st *sitter.Tree, release func()) (done func()) {
	once := sync.OnceFunc(release)
	releases.Store(st, once)
	return func() {
		releases.Delete(st)
		once()
	}
}

func released(st *sitter.Tree) {
	if f, ok := releases.LoadAndDelete(st); ok {
		f.(func())()
	}
}

// flattenGo builds the same table as the C walk through the binding's API.
func flattenGo(root *sitter.Node, g *Grammar, table []uint8, src []byte, opt Options, hasError bool) *Tree {
	t := &Tree{Grammar: g, Cut: -1}
	c := sitter.NewTreeCursor(root)
	defer c.Close()
	var stack []int32 // kept index per cursor depth, -1 when dropped
	for {
		n := c.CurrentNode()
		sym := uint16(n.Symbol())
		var k uint8
		if int(sym) < len(table) {
			k = table[sym]
		}
		missing := hasError && n.IsMissing()
		depth := len(stack)
		parent := int32(-1)
		for d := depth - 1; d >= 0; d-- {
			if stack[d] >= 0 {
				parent = stack[d]
				break
			}
		}
		me := int32(-1)
		if k&bitKeep != 0 || missing || sym == SymError || depth == 0 {
			me = int32(len(t.Nodes))
			var flags uint8
			if n.IsNamed() {
				flags |= FlagNamed
			}
			if missing {
				flags |= FlagMissing
			}
			end := min(n.EndByte(), uint32(len(src)))
			start := min(n.StartByte(), end)
			t.Nodes = append(t.Nodes, Node{Start: start, End: end, Parent: parent, First: -1, Last: -1, Next: -1,
				Sym: sym, Field: g.FieldID(c.CurrentFieldName()), Flags: flags})
			if parent >= 0 {
				p := &t.Nodes[parent]
				if p.Last >= 0 {
					t.Nodes[p.Last].Next = me
				} else {
					p.First = me
				}
				p.Last = me
			}
		}
		stack = append(stack, me)
		if k&bitLeaf == 0 && opt.MaxDepth > 0 && depth+1 >= opt.MaxDepth && t.Cut < 0 && n.ChildCount() > 0 {
			t.Cut = me
			if me < 0 {
				t.Cut = parent
			}
		}
		if k&bitLeaf == 0 && (opt.MaxDepth <= 0 || depth+1 < opt.MaxDepth) && c.GoToFirstChild() {
			continue
		}
		for {
			stack = stack[:len(stack)-1]
			if c.GoToNextSibling() {
				break
			}
			if len(stack) == 0 || !c.GoToParent() {
				return t
			}
		}
	}
}
