package main

import (
	"context"
	"fmt"
	"io"
)

func runReport(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "mcpriv report: not yet")
	return exitError
}
