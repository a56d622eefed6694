package lsp

import (
	"fmt"
	"os"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/engine"
)

// TestMain runs the language server's tests in check mode: every
// incremental link of the real engine and every ranged extraction is also
// computed plainly, and any difference fails the package.
func TestMain(m *testing.M) {
	os.Setenv(engine.CheckEnv, "1")
	code := m.Run()
	if n := engine.CheckFailures(); n > 0 {
		fmt.Fprintf(os.Stderr, "check mode: %d incremental links differ from full ones\n", n)
		code = 1
	}
	if n := rangedCheckFailures.Load(); n > 0 {
		fmt.Fprintf(os.Stderr, "check mode: %d ranged extractions differ from whole-file ones\n", n)
		code = 1
	}
	os.Exit(code)
}
