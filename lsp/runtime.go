package lsp

import (
	"os"
	"runtime/debug"
)

// Garbage collector settings for an editor session (docs/lsp.md,
// "Performance"). Each keystroke in a large file allocates a few megabytes
// of short-lived facts and findings while the live heap stays small (16 MB
// for a 1,000-file workspace), so collecting half as often buys latency for
// little memory; the soft limit makes the collector work harder instead
// before a very large workspace grows past it.
const (
	gcPercent   = 200
	memoryLimit = 1 << 30
)

// TuneRuntime applies those settings unless the user chose their own with
// GOGC or GOMEMLIMIT. `mcpriv lsp` calls it; the latency benchmark does too,
// so it measures what users run.
func TuneRuntime() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
