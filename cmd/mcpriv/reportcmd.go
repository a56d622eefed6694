package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mcpriv/mcpriv/analysis/render"
	"github.com/mcpriv/mcpriv/analysis/safefile"
)

const reportHelp = `Show one server's privilege map: a table of its tools × the capabilities
they use, each cell with the manifest's state (declared, undeclared, out of
scope, no manifest, unused grant), the calls behind it with their source
lines, the tool input that reaches a call, annotation mismatches, and a
one-paragraph risk summary.

Without --html the map is printed as Markdown. With --html FILE it is
written as one self-contained HTML page (no script, no network); "-" writes
it to stdout.

Exit codes: 0 written; 2 usage error or PATH could not be scanned.`

func runReport(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	var cfg scanConfig
	fs := newFlagSet("report", "[PATH]", reportHelp, stderr)
	htmlOut := fs.String("html", "", "write the HTML page to `FILE` (\"-\": stdout)")
	engineFlags(fs, &cfg)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() > 1 {
		return usageError(fs, stderr, "report takes one PATH")
	}
	root := "."
	if fs.NArg() == 1 {
		root = fs.Arg(0)
	}
	st, err := os.Stat(root)
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv report: %v\n", describeStatError(root, err))
		return exitError
	}
	dir := root
	if !st.IsDir() {
		dir = filepath.Dir(root)
	}
	cfg.showDeclared = true // a map shows every privilege, declared or not
	eng, err := newScanEngine(&cfg)
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv report: %v\n", err)
		return exitError
	}
	var bar *progressBar
	var progress func(done, total int)
	if !cfg.noProgress && isTerminal(stderr) {
		bar = newProgressBar(stderr)
		progress = bar.Callback(root)
	}
	res, err := scanInterruptible(ctx, eng, root, progress)
	bar.Stop()
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv report: %s: %v\n", root, err)
		return exitError
	}
	abs, _ := filepath.Abs(dir)
	m := render.BuildServerMap(filepath.Base(abs), displayDir(root), res, func(file string) ([]byte, error) {
		return safefile.Read(filepath.Join(dir, filepath.FromSlash(file)), render.MaxSnippetFile)
	})
	if *htmlOut == "" {
		_, err = io.WriteString(stdout, render.ServerMarkdown(m))
	} else if *htmlOut == "-" {
		_, err = io.WriteString(stdout, render.ServerHTML(m))
	} else {
		err = os.WriteFile(*htmlOut, []byte(render.ServerHTML(m)), 0o644)
		if err == nil {
			fmt.Fprintf(stderr, "mcpriv report: wrote %s\n", *htmlOut)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv report: %v\n", err)
		return exitError
	}
	return exitOK
}
