package main

import (
	"context"
	"fmt"
	"io"
)

// runLSP is replaced by the language server's owner; this build has none.
func runLSP(_ context.Context, _ []string, _ io.Reader, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "mcpriv: the lsp command is not available in this build")
	return exitError
}
