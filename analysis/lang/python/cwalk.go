package python

/*
#include <stdint.h>
#include <stdbool.h>

// Layouts and prototypes of the tree-sitter C API (api.h) that the smacker
// binding compiles into the binary; declared here so one C loop can copy the
// tree without a Go allocation and a cgo crossing per node.
typedef struct { uint32_t context[4]; const void *id; const void *tree; } mp_node_t;
typedef struct { const void *tree; const void *id; uint32_t context[3]; } mp_cursor_t;

extern mp_cursor_t ts_tree_cursor_new(mp_node_t);
extern void ts_tree_cursor_delete(mp_cursor_t *);
extern mp_node_t ts_tree_cursor_current_node(const mp_cursor_t *);
extern uint16_t ts_tree_cursor_current_field_id(const mp_cursor_t *);
extern bool ts_tree_cursor_goto_first_child(mp_cursor_t *);
extern bool ts_tree_cursor_goto_next_sibling(mp_cursor_t *);
extern bool ts_tree_cursor_goto_parent(mp_cursor_t *);
extern uint16_t ts_node_symbol(mp_node_t);
extern uint32_t ts_node_start_byte(mp_node_t);
extern uint32_t ts_node_end_byte(mp_node_t);
extern uint32_t ts_node_child_count(mp_node_t);
extern bool ts_node_is_named(mp_node_t);
extern bool ts_node_is_missing(mp_node_t);

typedef struct {
	uint32_t start, end;
	int32_t parent, first, next;
	uint16_t sym, field;
	uint8_t named, missing;
} mp_flat_t;

static uint32_t mp_start(mp_node_t n) { return ts_node_start_byte(n); }
static uint32_t mp_end(mp_node_t n) { return ts_node_end_byte(n); }
static uint16_t mp_symbol(mp_node_t n) { return ts_node_symbol(n); }
static uint32_t mp_child_count(mp_node_t n) { return ts_node_child_count(n); }

// mp_flatten copies the tree under root into out in pre-order with
// first-child/next-sibling links. It returns the node count, or -1 when cap
// is too small (the caller grows out and retries).
static int64_t mp_flatten(mp_node_t root, mp_flat_t *out, int64_t cap, int32_t *stack, int32_t *last, int64_t maxdepth) {
	mp_cursor_t c = ts_tree_cursor_new(root);
	int64_t n = 0, depth = 0;
	stack[0] = -1;
	last[0] = -1;
	for (;;) {
		if (n >= cap) {
			ts_tree_cursor_delete(&c);
			return -1;
		}
		mp_node_t nd = ts_tree_cursor_current_node(&c);
		mp_flat_t *f = &out[n];
		f->start = ts_node_start_byte(nd);
		f->end = ts_node_end_byte(nd);
		f->sym = ts_node_symbol(nd);
		f->field = ts_tree_cursor_current_field_id(&c);
		f->named = ts_node_is_named(nd);
		f->missing = f->start == f->end && ts_node_is_missing(nd);
		f->parent = stack[depth];
		f->first = -1;
		f->next = -1;
		if (last[depth] >= 0) {
			out[last[depth]].next = (int32_t)n;
		} else if (f->parent >= 0) {
			out[f->parent].first = (int32_t)n;
		}
		last[depth] = (int32_t)n;
		n++;
		if (depth + 1 < maxdepth && ts_tree_cursor_goto_first_child(&c)) {
			depth++;
			stack[depth] = (int32_t)(n - 1);
			last[depth] = -1;
			continue;
		}
		while (!ts_tree_cursor_goto_next_sibling(&c)) {
			if (depth == 0 || !ts_tree_cursor_goto_parent(&c)) {
				ts_tree_cursor_delete(&c);
				return n;
			}
			depth--;
		}
	}
}
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// maxTreeDepth bounds the C walk's stacks; deeper subtrees (only hostile
// input nests this far) are cut off.
const maxTreeDepth = 100000

// cFlatten copies the tree in one cgo call. It needs the C node inside the
// binding's *sitter.Node (its first field, a TSNode by value); the copy is
// checked against the binding's own accessors and ok is false when they
// disagree (a binding whose layout changed), so the caller falls back to the
// portable cursor walk.
func cFlatten(t *sitter.Tree, src []byte) (out *tree, ok bool) {
	root := t.RootNode()
	if root == nil || unsafe.Sizeof(*root) < unsafe.Sizeof(C.mp_node_t{}) {
		return nil, false
	}
	cn := *(*C.mp_node_t)(unsafe.Pointer(root))
	if cn.id == nil || uint32(C.mp_start(cn)) != root.StartByte() || uint32(C.mp_end(cn)) != root.EndByte() ||
		uint16(C.mp_symbol(cn)) != uint16(root.Symbol()) || uint32(C.mp_child_count(cn)) != root.ChildCount() {
		return nil, false
	}
	capacity := int64(len(src)/2 + 64)
	var flat []C.mp_flat_t
	if p, _ := flatPool.Get().(*[]C.mp_flat_t); p != nil {
		flat = *p
	}
	var count int64
	for {
		if int64(cap(flat)) < capacity {
			flat = make([]C.mp_flat_t, capacity)
		}
		flat = flat[:cap(flat)]
		capacity = int64(len(flat))
		depth := min(capacity, maxTreeDepth)
		stack := make([]C.int32_t, depth+1)
		last := make([]C.int32_t, depth+1)
		count = int64(C.mp_flatten(cn, &flat[0], C.int64_t(capacity), &stack[0], &last[0], C.int64_t(depth)))
		runtime.KeepAlive(t)
		if count >= 0 {
			break
		}
		if capacity > 1<<31/2 {
			return nil, false
		}
		capacity *= 2
	}
	defer flatPool.Put(&flat)
	fields := fieldTable()
	out = &tree{src: src, n: make([]node, count)}
	n := uint32(len(src))
	for i := int64(0); i < count; i++ {
		f := &flat[i]
		typ, _ := symbolInfo(sitter.Symbol(f.sym))
		nd := node{
			typ: typ, start: uint32(f.start), end: uint32(f.end),
			parent: int32(f.parent), first: int32(f.first), next: int32(f.next),
			named: f.named != 0, missing: f.missing != 0,
		}
		if int(f.field) < len(fields) {
			nd.field = uint16(f.field)
		}
		if nd.end > n {
			nd.end = n
		}
		if nd.start > nd.end {
			nd.start = nd.end
		}
		out.n[i] = nd
	}
	return out, true
}

// flatPool reuses the C-side copy buffers (the C walk overwrites what it uses).
var flatPool sync.Pool

var fields struct {
	once  sync.Once
	names []string
}

// fieldTable maps field ids of the Python grammar to names.
func fieldTable() []string {
	fields.once.Do(func() {
		lang := parse.Language(source.Python)
		names := []string{""}
		for i := 1; i < 1024; i++ {
			name := lang.FieldName(i)
			if name == "" {
				break
			}
			names = append(names, name)
		}
		fields.names = names
	})
	return fields.names
}
