package bigserver

import (
	"strings"
	"testing"
)

func TestSizes(t *testing.T) {
	for _, n := range []int{0, 1, 100, 10000} {
		for name, text := range map[string]string{"ts": TypeScript(n), "py": Python(n)} {
			got := strings.Count(text, "\n")
			if got < n || got > n+20 {
				t.Errorf("%s(%d) has %d lines", name, n, got)
			}
		}
	}
	if !strings.Contains(TypeScript(100), `server.tool("tool_5"`) || !strings.Contains(Python(100), "def tool_5(") {
		t.Error("blocks are not numbered")
	}
}
