package jsts

import (
	"testing"
	"unsafe"
)

// TestNodeLayout guards the Go view of the C node records.
func TestNodeLayout(t *testing.T) {
	var n node
	if unsafe.Sizeof(n) != flatSize {
		t.Fatalf("node is %d bytes, C record %d", unsafe.Sizeof(n), flatSize)
	}
	got := [3]uintptr{unsafe.Offsetof(n.parent), unsafe.Offsetof(n.sym), unsafe.Offsetof(n.flags)}
	if got != flatOffsets() {
		t.Fatalf("field offsets %v, C %v", got, flatOffsets())
	}
}
