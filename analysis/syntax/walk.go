package syntax

/*
#include <stdint.h>
#include <stdlib.h>
#include <stdbool.h>

// The tree-sitter runtime is linked in by github.com/smacker/go-tree-sitter;
// these are the layouts and prototypes of its api.h. The cursor is declared
// with spare room (the runtime writes at most its own size, three context
// words today) so that a slightly larger cursor would still fit.
typedef struct { uint32_t context[4]; const void *id; const void *tree; } mcp_ts_node;
typedef struct { const void *tree; const void *id; uint32_t context[6]; } mcp_ts_cursor;

extern mcp_ts_cursor ts_tree_cursor_new(mcp_ts_node);
extern void ts_tree_cursor_delete(mcp_ts_cursor *);
extern mcp_ts_node ts_tree_cursor_current_node(const mcp_ts_cursor *);
extern uint16_t ts_tree_cursor_current_field_id(const mcp_ts_cursor *);
extern bool ts_tree_cursor_goto_first_child(mcp_ts_cursor *);
extern bool ts_tree_cursor_goto_next_sibling(mcp_ts_cursor *);
extern bool ts_tree_cursor_goto_parent(mcp_ts_cursor *);
extern uint16_t ts_node_symbol(mcp_ts_node);
extern uint32_t ts_node_start_byte(mcp_ts_node);
extern uint32_t ts_node_end_byte(mcp_ts_node);
extern uint32_t ts_node_child_count(mcp_ts_node);
extern bool ts_node_is_missing(mcp_ts_node);
extern bool ts_node_has_error(mcp_ts_node);

// mcp_syntax_node is Node's layout (checked by TestNodeLayout).
typedef struct {
	uint32_t start, end;
	int32_t parent, first, last, next;
	uint16_t sym, field;
	uint8_t flags;
} mcp_syntax_node;

enum { SYN_KEEP = 1, SYN_NAMED = 2, SYN_LEAF = 4 };
enum { FLAG_NAMED = 1, FLAG_MISSING = 2 };

#include <stddef.h>
static size_t mcp_syntax_off_parent(void) { return offsetof(mcp_syntax_node, parent); }
static size_t mcp_syntax_off_sym(void) { return offsetof(mcp_syntax_node, sym); }
static size_t mcp_syntax_off_flags(void) { return offsetof(mcp_syntax_node, flags); }

static uint32_t mcp_syntax_start(mcp_ts_node n) { return ts_node_start_byte(n); }
static uint32_t mcp_syntax_end(mcp_ts_node n) { return ts_node_end_byte(n); }
static uint16_t mcp_syntax_symbol(mcp_ts_node n) { return ts_node_symbol(n); }
static uint32_t mcp_syntax_child_count(mcp_ts_node n) { return ts_node_child_count(n); }

// mcp_syntax_walk is the state of one walk, kept between calls so that a
// walk that filled its output resumes into a bigger one.
typedef struct {
	mcp_ts_cursor c;
	int32_t *stack; // kept index per cursor depth, -1 when dropped
	int64_t stack_cap, depth, n;
	int64_t cut; // first kept node stored without its children for max_depth, -1 when none
} mcp_syntax_walk;

static mcp_syntax_walk *mcp_syntax_walk_begin(mcp_ts_node root) {
	mcp_syntax_walk *w = malloc(sizeof(mcp_syntax_walk));
	if (!w) return NULL;
	w->stack_cap = 256;
	w->stack = malloc(w->stack_cap * sizeof(int32_t));
	if (!w->stack) { free(w); return NULL; }
	w->depth = 0;
	w->n = 0;
	w->cut = -1;
	w->c = ts_tree_cursor_new(root);
	return w;
}

static void mcp_syntax_walk_end(mcp_syntax_walk *w) {
	ts_tree_cursor_delete(&w->c);
	free(w->stack);
	free(w);
}

// mcp_syntax_flatten stores the kept nodes in pre-order in out and returns
// their number; -1 when out (cap records, holding the w->n stored so far) is
// full: the caller copies it into a bigger one and calls again; -2 when out
// of memory. table[sym] holds SYN_* bits; the root, ERROR and MISSING nodes
// are always kept, and the children of a dropped node are attached to its
// nearest kept ancestor. SYN_LEAF nodes are not descended into, nor nodes at
// cursor depth max_depth-1 (max_depth <= 0: no limit). Positions are
// clamped to src_len.
static int64_t mcp_syntax_flatten(mcp_syntax_walk *w, const uint8_t *table, uint32_t ntable,
		uint32_t src_len, bool check_missing, int64_t max_depth, mcp_syntax_node *out, int64_t cap) {
	int64_t n = w->n, depth = w->depth;
	int32_t *stack = w->stack;
	mcp_ts_cursor *c = &w->c;
	for (;;) {
		// Nothing changes before the capacity check: a full walk resumes here.
		mcp_ts_node nd = ts_tree_cursor_current_node(c);
		uint16_t sym = ts_node_symbol(nd);
		uint8_t k = sym < ntable ? table[sym] : 0;
		bool missing = check_missing && ts_node_is_missing(nd);
		int32_t parent = -1;
		for (int64_t d = depth - 1; d >= 0; d--) {
			if (stack[d] >= 0) { parent = stack[d]; break; }
		}
		int32_t me = -1;
		if ((k & SYN_KEEP) || missing || sym == 0xFFFF || depth == 0) {
			if (n == cap || n == INT32_MAX) {
				w->n = n;
				w->depth = depth;
				return n == INT32_MAX ? -2 : -1;
			}
			me = (int32_t)n++;
			mcp_syntax_node *f = &out[me];
			uint32_t end = ts_node_end_byte(nd), start = ts_node_start_byte(nd);
			if (end > src_len) end = src_len;
			if (start > end) start = end;
			f->start = start;
			f->end = end;
			f->parent = parent; f->first = -1; f->last = -1; f->next = -1;
			f->sym = sym;
			f->field = ts_tree_cursor_current_field_id(c);
			f->flags = ((k & SYN_NAMED) || sym == 0xFFFF ? FLAG_NAMED : 0) | (missing ? FLAG_MISSING : 0);
			if (parent >= 0) {
				mcp_syntax_node *p = &out[parent];
				if (p->last >= 0) out[p->last].next = me; else p->first = me;
				p->last = me;
			}
		}
		if (depth == w->stack_cap) {
			int32_t *grown = realloc(stack, 2 * w->stack_cap * sizeof(int32_t));
			if (!grown) return -2;
			w->stack = stack = grown;
			w->stack_cap *= 2;
		}
		stack[depth] = me;
		if (!(k & SYN_LEAF) && max_depth > 0 && depth + 1 >= max_depth && w->cut < 0 && ts_node_child_count(nd) > 0) {
			w->cut = me >= 0 ? me : parent;
		}
		if (!(k & SYN_LEAF) && (max_depth <= 0 || depth + 1 < max_depth) && ts_tree_cursor_goto_first_child(c)) {
			depth++;
			continue;
		}
		for (;;) {
			if (ts_tree_cursor_goto_next_sibling(c)) break;
			if (depth == 0 || !ts_tree_cursor_goto_parent(c)) {
				w->n = n;
				w->depth = depth;
				return n;
			}
			depth--;
		}
	}
}

// mcp_syntax_top stores, for each child of root the cursor visits, its
// start, end and whether it holds an error (3 words each) in out, and
// returns their number, or -1 when there are more than cap.
static int64_t mcp_syntax_top(mcp_ts_node root, uint32_t *out, int64_t cap) {
	mcp_ts_cursor c = ts_tree_cursor_new(root);
	int64_t n = 0;
	if (ts_tree_cursor_goto_first_child(&c)) {
		do {
			if (n == cap) { n = -1; break; }
			mcp_ts_node nd = ts_tree_cursor_current_node(&c);
			out[3*n] = ts_node_start_byte(nd);
			out[3*n+1] = ts_node_end_byte(nd);
			out[3*n+2] = ts_node_has_error(nd) || ts_node_is_missing(nd);
			n++;
		} while (ts_tree_cursor_goto_next_sibling(&c));
	}
	ts_tree_cursor_delete(&c);
	return n;
}
*/
import "C"

import (
	"math"
	"runtime"
	"unsafe"

	sitter "github.com/smacker/go-tree-sitter"
)

// Flag bits of Node.Flags.
const (
	FlagNamed   = C.FLAG_NAMED
	FlagMissing = C.FLAG_MISSING
)

// Bits of a Filter's per-symbol table.
const (
	bitKeep  = C.SYN_KEEP
	bitNamed = C.SYN_NAMED
	bitLeaf  = C.SYN_LEAF
)

// nodeSize and nodeOffsets describe the C record, for the layout test.
const nodeSize = C.sizeof_mcp_syntax_node

func nodeOffsets() [3]uintptr {
	return [3]uintptr{uintptr(C.mcp_syntax_off_parent()), uintptr(C.mcp_syntax_off_sym()), uintptr(C.mcp_syntax_off_flags())}
}

// cRoot reads the C node inside the binding's Node (Node{c C.TSNode; t
// *Tree}) and checks it against the binding's own answers, so that a binding
// whose layout changed is detected rather than misread.
func cRoot(root *sitter.Node) (C.mcp_ts_node, bool) {
	var cn C.mcp_ts_node
	if unsafe.Sizeof(*root) != unsafe.Sizeof(cn)+unsafe.Sizeof(uintptr(0)) {
		return cn, false
	}
	cn = *(*C.mcp_ts_node)(unsafe.Pointer(root))
	ok := cn.id != nil && uint32(C.mcp_syntax_start(cn)) == root.StartByte() && uint32(C.mcp_syntax_end(cn)) == root.EndByte() &&
		uint16(C.mcp_syntax_symbol(cn)) == uint16(root.Symbol()) && uint32(C.mcp_syntax_child_count(cn)) == root.ChildCount()
	return cn, ok
}

// A node table lives in C memory, not the Go heap: the walk writes every
// record it keeps, so the table needs no clearing (a Go slice is cleared
// in full, and the estimate below leaves a third to a half of it unused),
// its unused tail is never touched, the garbage collector neither scans nor
// paces on it, and the C allocator hands a freed table's memory to the next
// file. Tree.Free releases it; a cleanup does if Free is never called.
type cTable struct{ p unsafe.Pointer }

func (c *cTable) free() {
	if c.p != nil {
		C.free(c.p)
		c.p = nil
	}
}

// releaseLost frees the table of a tree dropped without Free (a variable
// for the tests only).
var releaseLost = (*cTable).free

// flattenC walks the tree in one C call into a table in C memory that
// Tree.Free releases. ok is false when the binding's layout is not the
// expected one or memory ran out.
func flattenC(root *sitter.Node, g *Grammar, table []uint8, src []byte, opt Options, hasError bool) (*Tree, bool) {
	cn, ok := cRoot(root)
	if !ok {
		return nil, false
	}
	// Source has about one node per two bytes (0.48 for Python, 0.41 kept
	// nodes in minified JS); a table too small is grown once, mid-walk.
	want := int64(len(src)/2 + 64)
	var tab *C.uint8_t
	if len(table) > 0 {
		tab = (*C.uint8_t)(unsafe.Pointer(&table[0]))
	}
	w := C.mcp_syntax_walk_begin(cn)
	if w == nil {
		return nil, false
	}
	defer C.mcp_syntax_walk_end(w)
	mem := &cTable{p: C.malloc(C.size_t(want) * C.sizeof_mcp_syntax_node)}
	if mem.p == nil {
		return nil, false
	}
	var count int64
	for {
		count = int64(C.mcp_syntax_flatten(w, tab, C.uint32_t(len(table)), C.uint32_t(min(uint64(len(src)), math.MaxUint32)), C.bool(hasError),
			C.int64_t(opt.MaxDepth), (*C.mcp_syntax_node)(mem.p), C.int64_t(want)))
		runtime.KeepAlive(root)
		if count > 0 {
			break
		}
		if count != -1 || want > math.MaxInt64/2/C.sizeof_mcp_syntax_node {
			mem.free()
			return nil, false
		}
		// The walk resumes where it stopped; realloc keeps what it stored.
		grown := C.realloc(mem.p, C.size_t(2*want)*C.sizeof_mcp_syntax_node)
		if grown == nil {
			mem.free()
			return nil, false
		}
		mem.p, want = grown, 2*want
	}
	t := &Tree{Nodes: unsafe.Slice((*Node)(mem.p), count), Grammar: g, mem: mem, Cut: int32(w.cut)}
	t.cleanup = runtime.AddCleanup(t, func(m *cTable) { releaseLost(m) }, mem)
	// The root record must agree with the binding too.
	if r := t.Nodes[0]; r.Sym != uint16(root.Symbol()) || r.Start != min(root.StartByte(), r.End) || r.End != min(root.EndByte(), uint32(len(src))) || r.Parent != -1 {
		t.Free()
		return nil, false
	}
	return t, true
}

// Top is a top-level node of a tree: its byte range, and whether it holds
// a syntax error (an ERROR or MISSING node).
type Top struct {
	Start, End uint32
	Error      bool
}

// TopLevel lists the children of root, as a tree cursor visits them, in
// one C call: reading thousands of them through the binding costs about a
// microsecond each.
func TopLevel(root *sitter.Node) []Top {
	if cn, ok := cRoot(root); ok {
		for size := 1024; ; size *= 4 {
			buf := make([]uint32, 3*size)
			n := int(C.mcp_syntax_top(cn, (*C.uint32_t)(unsafe.Pointer(&buf[0])), C.int64_t(size)))
			runtime.KeepAlive(root)
			if n < 0 {
				continue
			}
			out := make([]Top, n)
			for i := range out {
				out[i] = Top{Start: buf[3*i], End: buf[3*i+1], Error: buf[3*i+2] != 0}
			}
			return out
		}
	}
	// Another binding layout: the same walk through its API.
	c := sitter.NewTreeCursor(root)
	defer c.Close()
	var out []Top
	for ok := c.GoToFirstChild(); ok; ok = c.GoToNextSibling() {
		n := c.CurrentNode()
		out = append(out, Top{Start: n.StartByte(), End: n.EndByte(), Error: n.HasError() || n.IsMissing()})
	}
	return out
}
