package parse

/*
#include <stddef.h>
// glibc's malloc_trim, weak so that a C library without it links too.
extern int malloc_trim(size_t pad) __attribute__((weak));
static int mcp_parse_trim(void) { return malloc_trim ? malloc_trim(0) : 0; }
*/
import "C"

import sitter "github.com/smacker/go-tree-sitter"

// TrimAbove is the text size from which Free hands the tree's memory back
// to the operating system.
const TrimAbove = 1 << 20

// Free closes a tree parsed from n bytes of text. The tree of a large file
// is hundreds of megabytes of small C allocations that the C allocator would
// otherwise keep (in every thread's arena) after the tree is gone, so the
// process would hold the peak of every big file at once; for those, Free
// also returns free C memory to the operating system.
func Free(t *sitter.Tree, n int) {
	if t == nil {
		return
	}
	t.Close()
	if n >= TrimAbove {
		C.mcp_parse_trim()
	}
}
