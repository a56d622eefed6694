package jsts

/*
#include <stdint.h>
#include <stdlib.h>
#include <stdbool.h>

// The tree-sitter runtime is linked in by github.com/smacker/go-tree-sitter.
// Its Go binding allocates and caches a Go object per node visited, which
// costs more than the parse itself on multi-megabyte bundles, so the tree is
// flattened here in one C call. The layouts below are those of tree-sitter's
// api.h; the cursor is declared with spare room (the runtime writes at most
// its own size) so that both the 2- and 3-word cursor context fit.
typedef struct { uint32_t context[4]; const void *id; const void *tree; } mcpNode;
typedef struct { const void *tree; const void *id; uint32_t context[6]; } mcpCursor;

extern mcpCursor ts_tree_cursor_new(mcpNode);
extern void ts_tree_cursor_delete(mcpCursor *);
extern mcpNode ts_tree_cursor_current_node(const mcpCursor *);
extern uint16_t ts_tree_cursor_current_field_id(const mcpCursor *);
extern bool ts_tree_cursor_goto_first_child(mcpCursor *);
extern bool ts_tree_cursor_goto_next_sibling(mcpCursor *);
extern bool ts_tree_cursor_goto_parent(mcpCursor *);
extern uint16_t ts_node_symbol(mcpNode);
extern uint32_t ts_node_start_byte(mcpNode);
extern uint32_t ts_node_end_byte(mcpNode);
extern bool ts_node_is_missing(mcpNode);

typedef struct {
	uint32_t start, end;
	int32_t parent, first, last, next;
	uint16_t sym, field;
	uint8_t flags;
} mcpFlat;

enum { FLAG_NAMED = 1, FLAG_MISSING = 2 };
#include <stddef.h>
static size_t mcp_off_parent(void) { return offsetof(mcpFlat, parent); }
static size_t mcp_off_sym(void) { return offsetof(mcpFlat, sym); }
static size_t mcp_off_flags(void) { return offsetof(mcpFlat, flags); }

// mcp_flatten stores the kept nodes in pre-order. keep[sym] has bit 1 for
// symbols worth keeping, bit 2 for named ones and bit 4 for leaves-in-effect; missing and error nodes
// are kept too. Operators are dropped (read from the text between operands). Children
// of a dropped node are attached to its nearest kept ancestor.
static mcpFlat *mcp_flatten(mcpNode root, const uint8_t *keep, uint32_t nkeep, int64_t hint, int64_t *count) {
	int64_t cap = hint > 1024 ? hint : 1024, n = 0;
	mcpFlat *out = malloc(cap * sizeof(mcpFlat));
	if (!out) { *count = -1; return NULL; }
	int64_t stack_cap = 256, depth = 0;
	int32_t *stack = malloc(stack_cap * sizeof(int32_t)); // kept index per cursor depth, -1 when dropped
	if (!stack) { free(out); *count = -1; return NULL; }
	mcpCursor c = ts_tree_cursor_new(root);
	for (;;) {
		mcpNode nd = ts_tree_cursor_current_node(&c);
		uint16_t sym = ts_node_symbol(nd);
		uint8_t k = sym < nkeep ? keep[sym] : 0;
		bool named = k & 2, missing = ts_node_is_missing(nd);
		int32_t parent = -1;
		for (int64_t d = depth - 1; d >= 0; d--) {
			if (stack[d] >= 0) { parent = stack[d]; break; }
		}
		int32_t me = -1;
		if (k || missing || sym == 0xFFFF || depth == 0) {
			if (n == cap) {
				cap *= 2;
				mcpFlat *grown = realloc(out, cap * sizeof(mcpFlat));
				if (!grown) { free(out); free(stack); ts_tree_cursor_delete(&c); *count = -1; return NULL; }
				out = grown;
			}
			me = (int32_t)n++;
			mcpFlat *f = &out[me];
			f->start = ts_node_start_byte(nd);
			f->end = ts_node_end_byte(nd);
			f->parent = parent; f->first = -1; f->last = -1; f->next = -1;
			f->sym = sym; f->field = ts_tree_cursor_current_field_id(&c);
			f->flags = (named || sym == 0xFFFF ? FLAG_NAMED : 0) | (missing ? FLAG_MISSING : 0);
			if (parent >= 0) {
				mcpFlat *p = &out[parent];
				if (p->last >= 0) out[p->last].next = me; else p->first = me;
				p->last = me;
			}
		}
		if (depth == stack_cap) {
			stack_cap *= 2;
			int32_t *grown = realloc(stack, stack_cap * sizeof(int32_t));
			if (!grown) { free(out); free(stack); ts_tree_cursor_delete(&c); *count = -1; return NULL; }
			stack = grown;
		}
		stack[depth] = me;
		// Literals are read from their text: their inner tokens are skipped.
		if (!(k & 4) && ts_tree_cursor_goto_first_child(&c)) { depth++; continue; }
		for (;;) {
			if (ts_tree_cursor_goto_next_sibling(&c)) break;
			if (!ts_tree_cursor_goto_parent(&c)) goto done;
			depth--;
		}
	}
done:
	ts_tree_cursor_delete(&c);
	free(stack);
	*count = n;
	return out;
}
*/
import "C"

import (
	"errors"
	"sync"
	"unsafe"

	sitter "github.com/smacker/go-tree-sitter"
)

// node is one kept syntax node; indices refer to tree.nodes, -1 is none.
type node struct {
	start, end                uint32
	parent, first, last, next int32
	sym, field                uint16
	flags                     uint8
}

const (
	flagNamed   = 1
	flagMissing = 2
	symError    = 0xFFFF
)

// grammar holds the symbol and field names of one tree-sitter language.
type grammar struct {
	kinds  []string // by symbol
	kid    []kind   // by symbol
	fields []string // by field id
	keep   []uint8  // by symbol: 1 keep, 2 named, 4 skip the children
}

var grammars sync.Map // *sitter.Language → *grammar

var rootMu sync.Mutex

// keptAnonymous are unnamed tokens the extractor looks at.
var keptAnonymous = map[string]bool{"default": true, "const": true, "async": true, "...": true}

func grammarOf(lang *sitter.Language) *grammar {
	if g, ok := grammars.Load(lang); ok {
		return g.(*grammar)
	}
	n := int(lang.SymbolCount())
	g := &grammar{kinds: make([]string, n), kid: make([]kind, n), keep: make([]uint8, n)}
	for i := 0; i < n; i++ {
		name := lang.SymbolName(sitter.Symbol(i))
		g.kinds[i] = name
		if lang.SymbolType(sitter.Symbol(i)) == sitter.SymbolTypeRegular || keptAnonymous[name] || name == "import" || name == "true" || name == "false" || name == "this" {
			g.kid[i] = kindNames[name]
		}
		switch {
		case lang.SymbolType(sitter.Symbol(i)) == sitter.SymbolTypeRegular && (name == "string" || name == "regex"):
			g.keep[i] = 3 | 4
		case lang.SymbolType(sitter.Symbol(i)) == sitter.SymbolTypeRegular:
			g.keep[i] = 3
		case keptAnonymous[name]:
			g.keep[i] = 1
		}
	}
	g.fields = []string{""}
	for i := 1; ; i++ {
		name := lang.FieldName(i)
		if name == "" {
			break
		}
		g.fields = append(g.fields, name)
	}
	grammars.Store(lang, g)
	return g
}

// tree is a flattened syntax tree. Its nodes live in C memory until free.
type tree struct {
	nodes []node
	g     *grammar
	mem   unsafe.Pointer
}

func (t *tree) free() {
	if t.mem != nil {
		C.free(t.mem)
		t.mem, t.nodes = nil, nil
	}
}

// flatSize is the size of the C node record, for the layout test.
const flatSize = C.sizeof_mcpFlat

// flatOffsets are the C offsets of parent, sym and flags, for the layout test.
func flatOffsets() [3]uintptr {
	return [3]uintptr{uintptr(C.mcp_off_parent()), uintptr(C.mcp_off_sym()), uintptr(C.mcp_off_flags())}
}

func (t *tree) kind(i int32) string {
	s := t.nodes[i].sym
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
	s := t.nodes[i].sym
	if s == symError {
		return kError
	}
	if int(s) < len(t.g.kid) {
		return t.g.kid[s]
	}
	return kOther
}

func (t *tree) fieldName(i int32) string {
	f := t.nodes[i].field
	if int(f) < len(t.g.fields) {
		return t.g.fields[f]
	}
	return ""
}

// child returns the first child of i with the given field name, or -1.
func (t *tree) child(i int32, field string) int32 {
	for c := t.nodes[i].first; c >= 0; c = t.nodes[c].next {
		if t.nodes[c].field != 0 && t.fieldName(c) == field {
			return c
		}
	}
	return -1
}

// named returns the named children of i.
func (t *tree) namedChildren(i int32, buf []int32) []int32 {
	buf = buf[:0]
	for c := t.nodes[i].first; c >= 0; c = t.nodes[c].next {
		if t.nodes[c].flags&flagNamed != 0 && t.k(c) != kComment {
			buf = append(buf, c)
		}
	}
	return buf
}

// firstNamed returns the first named non-comment child of i, or -1.
func (t *tree) firstNamed(i int32) int32 {
	for c := t.nodes[i].first; c >= 0; c = t.nodes[c].next {
		if t.nodes[c].flags&flagNamed != 0 && t.k(c) != kComment {
			return c
		}
	}
	return -1
}

// flatten copies the tree into Go memory.
func flatten(st *sitter.Tree, lang *sitter.Language, src []byte) (*tree, error) {
	// RootNode writes the binding's per-tree node cache: extractions of one
	// tree from several goroutines must not call it at once.
	rootMu.Lock()
	root := st.RootNode()
	rootMu.Unlock()
	g := grammarOf(lang)
	var count C.int64_t
	var keep *C.uint8_t
	if len(g.keep) > 0 {
		keep = (*C.uint8_t)(unsafe.Pointer(&g.keep[0]))
	}
	// Node's first field is the C TSNode (go-tree-sitter's Node{c C.TSNode; t *Tree}).
	cnode := *(*C.mcpNode)(unsafe.Pointer(root))
	// Kept nodes are about one per three bytes of minified code.
	out := C.mcp_flatten(cnode, keep, C.uint32_t(len(g.keep)), C.int64_t(len(src)/3), &count)
	if out == nil || count <= 0 {
		return nil, errors.New("jsts: out of memory flattening the tree")
	}
	// The nodes stay in C memory (no copy, nothing for the GC to scan);
	// node has mcpFlat's layout, checked by TestNodeLayout.
	t := &tree{nodes: unsafe.Slice((*node)(unsafe.Pointer(out)), int(count)), g: g, mem: unsafe.Pointer(out)}
	// Guard against a binding whose Node layout changed: the root must match.
	r := t.nodes[0]
	if r.start != root.StartByte() || r.end != root.EndByte() || r.sym != uint16(root.Symbol()) {
		t.free()
		rootMu.Lock() // the cursor caches nodes too
		defer rootMu.Unlock()
		return flattenSlow(root, g), nil
	}
	return t, nil
}

// flattenSlow builds the same tree through the binding's API. It is the
// fallback should the binding's node layout ever differ from the C view.
func flattenSlow(root *sitter.Node, g *grammar) *tree {
	t := &tree{g: g}
	c := sitter.NewTreeCursor(root)
	defer c.Close()
	stack := []int32{}
	fieldIDs := map[string]uint16{}
	for i, name := range g.fields {
		fieldIDs[name] = uint16(i)
	}
	for {
		n := c.CurrentNode()
		sym := uint16(n.Symbol())
		var k uint8
		if int(sym) < len(g.keep) {
			k = g.keep[sym]
		}
		depth := len(stack)
		parent := int32(-1)
		for d := depth - 1; d >= 0; d-- {
			if stack[d] >= 0 {
				parent = stack[d]
				break
			}
		}
		me := int32(-1)
		if k != 0 || n.IsMissing() || sym == symError || depth == 0 {
			me = int32(len(t.nodes))
			var flags uint8
			if k&2 != 0 || sym == symError {
				flags |= flagNamed
			}
			if n.IsMissing() {
				flags |= flagMissing
			}
			t.nodes = append(t.nodes, node{start: n.StartByte(), end: n.EndByte(), parent: parent, first: -1, last: -1, next: -1,
				sym: sym, field: fieldIDs[c.CurrentFieldName()], flags: flags})
			if parent >= 0 {
				p := &t.nodes[parent]
				if p.last >= 0 {
					t.nodes[p.last].next = me
				} else {
					p.first = me
				}
				p.last = me
			}
		}
		stack = append(stack, me)
		if k&4 == 0 && c.GoToFirstChild() {
			continue
		}
		for {
			stack = stack[:len(stack)-1]
			if c.GoToNextSibling() {
				break
			}
			if !c.GoToParent() {
				return t
			}
		}
	}
}
