package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// listFlag is a repeatable string flag (--exclude a --exclude b).
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// sizeFlag is a byte count written as 1048576, 512k, 16M, 16MiB or 1G.
type sizeFlag int64

func (s *sizeFlag) String() string { return strconv.FormatInt(int64(*s), 10) }
func (s *sizeFlag) Set(v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	*s = sizeFlag(n)
	return nil
}

func parseSize(v string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(v))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "b"), "i")
	mult := int64(1)
	if t != "" {
		switch t[len(t)-1] {
		case 'k':
			mult = 1 << 10
		case 'm':
			mult = 1 << 20
		case 'g':
			mult = 1 << 30
		}
		if mult > 1 {
			t = t[:len(t)-1]
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("invalid size %q (want a positive number of bytes, optionally with k, M or G)", v)
	}
	return n * mult, nil
}

// newFlagSet returns a flag set whose -h prints usage line, description and
// flags.
func newFlagSet(name, args, desc string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: mcpriv %s [flags]", name)
		if args != "" {
			fmt.Fprintf(w, " %s", args)
		}
		fmt.Fprintf(w, "\n\n%s\n", desc)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintf(w, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args allowing flags after positional arguments
// (`mcpriv scan . --format json`), as users expect; "--" ends flags. It
// returns done with an exit code when parsing ended the command (-h or a bad
// flag). Help goes to stdout, since it was asked for.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (code int, done bool) {
	var positional []string
	// flag prints the usage itself on errors; silence that and print help
	// only when asked for, a one-line hint otherwise.
	usage := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = usage }()
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			usage()
			return exitOK, true
		}
		if err != nil {
			// flag already printed the error itself.
			fmt.Fprintf(fs.Output(), "Run \"mcpriv %s -h\" for usage.\n", fs.Name())
			return exitError, true
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	// Re-parse nothing, but leave the positional arguments where Args finds them.
	_ = fs.Parse(append([]string{"--"}, positional...))
	return 0, false
}

func usageError(fs *flag.FlagSet, stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "mcpriv %s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fmt.Fprintf(stderr, "Run \"mcpriv %s -h\" for usage.\n", fs.Name())
	return exitError
}
