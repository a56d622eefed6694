package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/mcpriv/mcpriv/analysis/engine"
	"github.com/mcpriv/mcpriv/lsp"
	"github.com/mcpriv/mcpriv/rules"
)

// runLSP runs the language server on stdin/stdout (docs/lsp.md). `--stdio`
// is accepted and ignored: VS Code's client appends it.
func runLSP(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	for _, a := range args {
		switch a {
		case "--stdio", "-stdio":
		case "-h", "-help", "--help":
			fmt.Fprintln(stdout, "Usage: mcpriv lsp [--stdio]\n\nRuns the mcpriv language server over stdin/stdout (JSON-RPC, LSP framing).\nSettings come from the client (initializationOptions, workspace/didChangeConfiguration); see docs/lsp.md.")
			return exitOK
		default:
			fmt.Fprintf(stderr, "mcpriv lsp: unknown argument %q (see mcpriv lsp -h)\n", a)
			return exitError
		}
	}
	lsp.TuneRuntime()
	var logMu sync.Mutex
	opts := lsp.Options{
		Version:   mcprivVersion(),
		NewEngine: newLSPEngine,
		Logf: func(format string, args ...any) {
			logMu.Lock()
			defer logMu.Unlock()
			fmt.Fprintf(stderr, "mcpriv lsp: "+format+"\n", args...)
		},
	}
	err := lsp.Serve(ctx, stdio{stdin, stdout}, opts)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, lsp.ErrExitWithoutShutdown):
		return 1 // the LSP's exit code for exit without shutdown
	}
	fmt.Fprintf(stderr, "mcpriv lsp: %v\n", err)
	return exitError
}

func newLSPEngine(cfg lsp.EngineConfig) (lsp.Engine, error) {
	opts := engine.Options{Excludes: cfg.Excludes, MaxFileSize: cfg.MaxFileSize, Policy: cfg.Policy}
	if len(cfg.RuleDirs) > 0 {
		rs, err := rules.Load(cfg.RuleDirs...)
		if err != nil {
			return nil, err
		}
		opts.Rules = rs
	}
	return engine.New(opts)
}

// stdio joins stdin and stdout into the connection's stream.
type stdio struct {
	io.Reader
	io.Writer
}

func (s stdio) Close() error {
	if c, ok := s.Reader.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
