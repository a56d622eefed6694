package golang

// Fast flattening: one cgo call walks the whole tree in C and writes a
// compact record per node, instead of ~5 cgo calls and one cached *Node
// allocation per node through the binding (which made flattening cost
// twice the parse). It declares the few tree-sitter C API functions it uses
// (they are linked from the binding's copy of the runtime) and reads the
// root TSNode out of the binding's sitter.Node. That layout is checked at run
// time against the binding's own answers; any mismatch falls back to the
// cursor walk in tree.go.

/*
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>

typedef struct { uint32_t context[4]; const void *id; const void *tree; } mcpriv_ts_node;
typedef struct { const void *tree; const void *id; uint32_t context[3]; } mcpriv_ts_cursor;

mcpriv_ts_cursor ts_tree_cursor_new(mcpriv_ts_node);
void ts_tree_cursor_delete(mcpriv_ts_cursor *);
mcpriv_ts_node ts_tree_cursor_current_node(const mcpriv_ts_cursor *);
bool ts_tree_cursor_goto_first_child(mcpriv_ts_cursor *);
bool ts_tree_cursor_goto_next_sibling(mcpriv_ts_cursor *);
bool ts_tree_cursor_goto_parent(mcpriv_ts_cursor *);
uint16_t ts_node_symbol(mcpriv_ts_node);
uint32_t ts_node_start_byte(mcpriv_ts_node);
uint32_t ts_node_end_byte(mcpriv_ts_node);
bool ts_node_is_missing(mcpriv_ts_node);

typedef struct {
	uint16_t sym;
	uint16_t missing;
	uint32_t start, end;
	int32_t parent;
} mcpriv_rec;

// mcpriv_walk returns the nodes under root in pre-order, in a malloc'd
// array the caller frees, and their number in *count (-1 when out of memory).
static mcpriv_rec *mcpriv_walk(mcpriv_ts_node root, int64_t hint, int check_missing, int64_t *count) {
	int64_t n = 0, cap = hint > 64 ? hint : 64, depth = 0, stack_cap = 256;
	mcpriv_rec *out = malloc(cap * sizeof(mcpriv_rec));
	int32_t *stack = malloc(stack_cap * sizeof(int32_t));
	*count = -1;
	if (out == NULL || stack == NULL) {
		free(out);
		free(stack);
		return NULL;
	}
	mcpriv_ts_cursor c = ts_tree_cursor_new(root);
	stack[0] = -1;
	for (;;) {
		if (n == cap || n == INT32_MAX) {
			mcpriv_rec *o = n < INT32_MAX ? realloc(out, 2 * cap * sizeof(mcpriv_rec)) : NULL;
			if (o == NULL) {
				free(out);
				free(stack);
				ts_tree_cursor_delete(&c);
				return NULL;
			}
			out = o;
			cap *= 2;
		}
		mcpriv_ts_node node = ts_tree_cursor_current_node(&c);
		mcpriv_rec *r = &out[n];
		r->sym = ts_node_symbol(node);
		r->start = ts_node_start_byte(node);
		r->end = ts_node_end_byte(node);
		r->missing = check_missing ? ts_node_is_missing(node) : 0;
		r->parent = stack[depth];
		int32_t self = (int32_t)n;
		n++;
		if (ts_tree_cursor_goto_first_child(&c)) {
			depth++;
			if (depth >= stack_cap) {
				int32_t *st = realloc(stack, 2 * stack_cap * sizeof(int32_t));
				if (st == NULL) {
					free(out);
					free(stack);
					ts_tree_cursor_delete(&c);
					return NULL;
				}
				stack = st;
				stack_cap *= 2;
			}
			stack[depth] = self;
			continue;
		}
		for (;;) {
			if (ts_tree_cursor_goto_next_sibling(&c)) {
				break;
			}
			if (depth == 0 || !ts_tree_cursor_goto_parent(&c)) {
				free(stack);
				ts_tree_cursor_delete(&c);
				*count = n;
				return out;
			}
			depth--;
		}
	}
}
*/
import "C"

import (
	"unsafe"

	sitter "github.com/smacker/go-tree-sitter"
)

// rootNode reads the C node held by the binding's Node (its first field),
// after checking that the size matches the C struct plus the tree pointer.
func rootNode(root *sitter.Node) (C.mcpriv_ts_node, bool) {
	var zero C.mcpriv_ts_node
	if unsafe.Sizeof(sitter.Node{}) != unsafe.Sizeof(zero)+unsafe.Sizeof(uintptr(0)) {
		return zero, false
	}
	return *(*C.mcpriv_ts_node)(unsafe.Pointer(root)), true
}

// flattenC copies the tree with one C walk; ok is false when the binding's
// layout is not the one expected (the caller then uses the cursor walk).
func flattenC(src []byte, root *sitter.Node, hasError bool) (*tree, bool) {
	symbols()
	cn, ok := rootNode(root)
	if !ok {
		return nil, false
	}
	check := C.int(0)
	if hasError {
		check = 1
	}
	var count C.int64_t
	p := C.mcpriv_walk(cn, C.int64_t(len(src)/2+64), check, &count)
	if p == nil {
		return nil, false
	}
	defer C.free(unsafe.Pointer(p))
	n := int64(count)
	if n <= 0 {
		return nil, false
	}
	recs := unsafe.Slice(p, n)
	// The root record must agree with what the binding says about the root.
	r0 := recs[0]
	if int(r0.sym) != int(root.Symbol()) || uint32(r0.start) != root.StartByte() || uint32(r0.end) != root.EndByte() || r0.parent != -1 {
		return nil, false
	}
	if root.ChildCount() > 0 && (n < 2 || int(recs[1].sym) != int(root.Child(0).Symbol()) || uint32(recs[1].end) != root.Child(0).EndByte()) {
		return nil, false
	}
	t := &tree{src: src, nodes: make([]node, n)}
	last := make([]int32, n) // last child seen of each node
	for i := range last {
		last[i] = none
	}
	for i := range recs {
		r := &recs[i]
		nd := node{start: int32(r.start), end: int32(r.end), parent: int32(r.parent), first: none, next: none}
		if nd.end > int32(len(src)) || nd.start > nd.end || nd.start < 0 {
			nd.start, nd.end = clamp32(nd.start, len(src)), clamp32(nd.end, len(src))
		}
		if sym := int(r.sym); sym < len(symNames) {
			nd.typ, nd.named = symNames[sym], symNamed[sym]
			nd.error = r.missing != 0
		} else {
			nd.typ, nd.named, nd.error = "ERROR", true, true
		}
		if p := nd.parent; p >= 0 && int(p) < i {
			if l := last[p]; l >= 0 {
				t.nodes[l].next = int32(i)
			} else {
				t.nodes[p].first = int32(i)
			}
			last[p] = int32(i)
		} else if i > 0 {
			return nil, false
		}
		t.nodes[i] = nd
	}
	return t, true
}
