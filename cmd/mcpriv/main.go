// Command mcpriv shows which privileges (network, system, file, memory) an
// MCP server and each of its tools use, and checks them against the
// least-privilege manifest mcp-capabilities.yaml.
//
// Exit codes: 0 success; 1 findings at or above --fail-on; 2 usage or fatal
// error. See docs/cli.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// Exit codes, documented in docs/cli.md.
const (
	exitOK       = 0
	exitFindings = 1
	exitError    = 2
)

// version is set at link time (-ldflags "-X main.version=v1.2.3"); a plain
// `go install` falls back to the module version in the build info.
var version = ""

func mcprivVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// hiddenCommands are for developing mcpriv itself: they run, but the usage
// does not list them.
var hiddenCommands = map[string]bool{"corpus": true}

func commands() []command {
	return []command{
		{"scan", "analyse MCP servers and report the privileges they use", runScan},
		{"manifest", "write or update the least-privilege manifest mcp-capabilities.yaml",
			func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
				return runManifest(ctx, args, stdout, stderr)
			}},
		{"measure", "measure the privileges of a corpus of MCP servers (downloads, report)", runMeasure},
		{"report", "one server's privilege map: tools × capabilities, as Markdown or HTML", runReport},
		{"lsp", "run the language server on stdin/stdout", runLSP},
		{"rules", "list the loaded rules (mcpriv rules test: run their examples)", runRules},
		{"facts", "print what the extractor sees in a file: imports, calls, tools", runFacts},
		{"capabilities", "print the capability taxonomy", runCapabilities},
		{"version", "print the version", runVersion},
		{"help", "show help for a command", runHelp},
		{"corpus", "score the engine against the labelled test split (docs/corpus.md)", runCorpus},
	}
}

// run is main without the process: tests call it with buffers.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitError
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args[1:], stdin, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "mcpriv: unknown command %q\n\n", name)
	usage(stderr)
	return exitError
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "mcpriv shows the privileges an MCP server and each of its tools use,\nand checks them against the least-privilege manifest mcp-capabilities.yaml.\n\n")
	fmt.Fprintf(w, "Usage:\n  mcpriv <command> [flags] [arguments]\n\nCommands:\n")
	for _, c := range commands() {
		if !hiddenCommands[c.name] {
			fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
		}
	}
	fmt.Fprintf(w, "\nRun \"mcpriv <command> -h\" for a command's flags.\n")
	fmt.Fprintf(w, "Exit codes: 0 success, 1 findings at or above --fail-on, 2 usage or fatal error.\n")
}

func runVersion(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", "", "Print the mcpriv version.", stderr)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(fs, stderr, "version takes no arguments")
	}
	fmt.Fprintf(stdout, "mcpriv %s\n", mcprivVersion())
	return exitOK
}

func runHelp(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stdout)
		return exitOK
	}
	if len(args) > 1 {
		fmt.Fprintln(stderr, "mcpriv: help takes one command name")
		return exitError
	}
	for _, c := range commands() {
		if c.name == args[0] && c.name != "help" {
			// Every command prints its own help on -h, to stdout.
			return c.run(context.Background(), []string{"-h"}, nil, stdout, stderr)
		}
	}
	if args[0] == "help" {
		usage(stdout)
		return exitOK
	}
	fmt.Fprintf(stderr, "mcpriv: unknown command %q\n", args[0])
	return exitError
}
