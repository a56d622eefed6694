package main

import (
	"context"
	"fmt"
	"io"
)

// runManifest is replaced by the manifest generator's owner; this build has none.
func runManifest(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "mcpriv: the manifest command is not available in this build")
	return exitError
}
