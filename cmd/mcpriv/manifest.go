package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/mcpriv/mcpriv/analysis/display"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/manifest"
	"github.com/mcpriv/mcpriv/analysis/safefile"
)

const manifestHelp = `Write or update mcp-capabilities.yaml, the least-privilege manifest of the
MCP server in PATH (default "."), from what its code does.

PATH is scanned as by "mcpriv scan". A missing manifest is created with the
narrowest grants each tool needs. An existing one is updated in place: only
what the code needs and the manifest does not grant is added, and hand-written
grants, comments and formatting are kept; --prune also removes the grants no
code needs. A manifest with errors (YAML syntax, unknown capabilities, bad
scopes) is never overwritten: fix it first. Files governed by a manifest in a
subdirectory are left to that manifest.

--check writes nothing and fails when code and manifests disagree, for CI:
undeclared or out-of-scope calls, unused grants, unknown tools and invalid
manifests, for every manifest under PATH.

"mcpriv manifest export -h" describes the exports to other sandboxes.

Exit codes: 0 written, up to date, or --check found agreement; 1 --check found
disagreements; 2 usage error, PATH could not be scanned, or the manifest could
not be read or written.`

const manifestExportHelp = `Export the manifest of the MCP server in PATH (default ".": its
mcp-capabilities.yaml; PATH may also name a manifest file) to another
sandbox's permission format:

  agentbound  AgentBound agent-manifest.json (description, permissions)
  deno        deno run --allow-* flags
  node        Node.js --permission flags
  toolhive    a ToolHive permission profile (JSON)
  mcpb        a "_meta" block to merge into an MCPB manifest.json

Every format but mcpb is one permission set for the whole process, so
per-tool grants are merged, and each format widens or drops what it cannot
express: these notes are printed to stderr (docs/manifest.md lists them all).
Path placeholders are filled in from --var (ROOT, HOME, TMP, CWD).

Exit codes: 0 exported; 2 usage error, no manifest, or a manifest with errors.`

// manifestConfig is the parsed command line of `mcpriv manifest`.
type manifestConfig struct {
	scan   scanConfig // engine flags, as for scan
	check  bool
	dryRun bool
	prune  bool
	dir    string // the server directory (PATH)
}

func runManifest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "export" {
		return runManifestExport(args[1:], stdout, stderr)
	}
	var cfg manifestConfig
	var diff bool
	fs := newFlagSet("manifest", "[PATH]\n       mcpriv manifest export --format FORMAT [flags] [PATH]", manifestHelp, stderr)
	fs.BoolVar(&cfg.check, "check", false, "write nothing; exit 1 when the code and the manifest disagree")
	fs.BoolVar(&cfg.prune, "prune", false, "also remove the grants and scopes no code needs")
	fs.BoolVar(&cfg.dryRun, "dry-run", false, "write nothing; print the changes as a unified diff on stdout")
	fs.BoolVar(&diff, "diff", false, "the same as --dry-run")
	engineFlags(fs, &cfg.scan)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	cfg.dryRun = cfg.dryRun || diff
	switch {
	case fs.NArg() > 1:
		return usageError(fs, stderr, "one PATH at most: the directory of one server (run it once per server)")
	case cfg.check && (cfg.dryRun || cfg.prune):
		return usageError(fs, stderr, "--check writes nothing; it cannot be combined with --prune, --dry-run or --diff")
	case cfg.scan.jobs < 0:
		return usageError(fs, stderr, "--jobs must not be negative")
	}
	p := "."
	if fs.NArg() == 1 {
		p = fs.Arg(0)
	}
	dir, err := serverDir(p)
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv manifest: %v\n", err)
		return exitError
	}
	cfg.dir = dir
	return generateManifest(ctx, &cfg, stdout, stderr)
}

// engineFlags registers the flags that configure the engine, as scan has them.
func engineFlags(fs *flag.FlagSet, cfg *scanConfig) {
	fs.Var(&cfg.rulesDirs, "rules", "add the rule files (*.yaml) of `DIR` to the built-in rules (repeatable)")
	fs.Var(&cfg.excludes, "exclude", "skip paths matching `GLOB`, relative to the PATH or any path element: dist/**, *.min.js (repeatable)")
	fs.BoolVar(&cfg.noDefExclude, "no-default-excludes", false, "also analyse node_modules, vendor, virtualenvs, testdata …")
	cfg.maxSize = 16 << 20
	fs.Var(&cfg.maxSize, "max-file-size", "skip files larger than `SIZE` (bytes, or with k, M, G)")
	fs.IntVar(&cfg.jobs, "jobs", 0, "analyse `N` files at once (0: one per CPU)")
	fs.StringVar(&cfg.cacheDir, "cache-dir", "", "keep extracted facts in `DIR` between runs, by content (a second scan of unchanged files parses nothing)")
	fs.BoolVar(&cfg.noProgress, "no-progress", false, "never show the progress bar (it is shown only when stderr is a terminal)")
}

// serverDir is the directory PATH names: PATH itself, or the directory of a
// manifest file given by name.
func serverDir(p string) (string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return "", describeStatError(p, err)
	}
	if st.IsDir() {
		return p, nil
	}
	if filepath.Base(p) == manifest.FileName {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("%s is a file: PATH must be the directory of the server (or its %s)", p, manifest.FileName)
}

// generateManifest scans cfg.dir, then checks or writes its manifest.
func generateManifest(ctx context.Context, cfg *manifestConfig, stdout, stderr io.Writer) int {
	target := filepath.Join(cfg.dir, manifest.FileName)
	shown := displayPath(target)

	// Read the manifest first: one with errors stops generation before the
	// scan, which may take a while.
	old, exists, err := readManifest(target)
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv manifest: %v\n", err)
		return exitError
	}
	if exists && !cfg.check {
		if _, errs := manifest.Parse(shown, old); len(errs) > 0 {
			printFindings(stderr, errs, "")
			fmt.Fprintf(stderr, "mcpriv manifest: %s has errors: fix them first (the file was not changed)\n", shown)
			return exitError
		}
	}

	// Declared calls must stay in the result: the manifest is built from all of them.
	cfg.scan.showDeclared = true
	eng, err := newEngine(&cfg.scan)
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv manifest: %v\n", err)
		return exitError
	}
	var bar *progressBar
	var progress func(done, total int)
	if !cfg.scan.noProgress && isTerminal(stderr) {
		bar = newProgressBar(stderr)
		progress = bar.Callback(cfg.dir)
	}
	res, err := scanInterruptible(ctx, eng, cfg.dir, progress)
	bar.Stop()
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "mcpriv manifest: interrupted")
		} else {
			fmt.Fprintf(stderr, "mcpriv manifest: %s: %v\n", cfg.dir, err)
		}
		return exitError
	}

	if cfg.check {
		return checkManifest(res, cfg.dir, stdout, stderr)
	}

	present := func(p string) bool {
		st, err := os.Stat(p)
		return err == nil && st.Mode().IsRegular()
	}
	gen, err := manifest.Generate(res, manifest.GenerateOptions{
		Root: cfg.dir, Target: target, Old: old, Exists: exists, Prune: cfg.prune, Present: present,
		Show: func(f string) string { return path.Join(displayDir(cfg.dir), f) },
	})
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv manifest: %v\n", err)
		return exitError
	}
	newText, added, removed, after := gen.Text, gen.Added, gen.Removed, gen.After
	notes := gen.Notes
	if n := len(gen.Unused); n > 0 && !cfg.prune {
		notes = append(notes, fmt.Sprintf("%s no code needs: run with --prune to remove %s (\"mcpriv manifest --check\" lists them)",
			plural(n, "grant"), pronoun(n)))
	}
	for _, o := range gen.Nested {
		notes = append(notes, fmt.Sprintf("%s governs %s below it, left out here: run \"mcpriv manifest %s\" to update it",
			displayPath(o.Path), plural(o.Files, "file"), displayDir(filepath.Dir(o.Path))))
	}
	if n := manifest.Unanalysed(res); n > 0 {
		notes = append(notes, fmt.Sprintf("%s could not be analysed or were skipped (see \"mcpriv scan\"): the manifest does not cover them", plural(n, "file")))
	}

	changed := gen.Changed
	if cfg.dryRun && changed {
		from := "a/" + manifest.FileName
		if !exists {
			from = "/dev/null"
		}
		io.WriteString(stdout, unifiedDiff(from, "b/"+manifest.FileName, old, newText))
	}
	if changed && !cfg.dryRun {
		err := safefile.CheckTarget(cfg.dir, target)
		if err == nil {
			err = writeFileAtomic(target, newText, old, exists)
		}
		if err != nil {
			fmt.Fprintf(stderr, "mcpriv manifest: %v\n", err)
			return exitError
		}
	}
	fmt.Fprintln(stderr, summary(shown, exists, changed, cfg.dryRun, added, removed, after))
	for _, n := range notes {
		fmt.Fprintf(stderr, "  note: %s\n", display.Escape(n))
	}
	return exitOK
}

// readManifest reads path; a missing file is not an error. The read is
// manifest.ReadFile's: bounded, a regular file and not a link.
func readManifest(path string) (data []byte, exists bool, err error) {
	return manifest.ReadFile(path)
}

// checkManifest prints the disagreements of res, compiler style.
func checkManifest(res *finding.Result, dir string, stdout, stderr io.Writer) int {
	ds := manifest.Disagreements(res)
	if len(ds) == 0 {
		fmt.Fprintln(stdout, "manifest agrees with the code")
		return exitOK
	}
	printFindings(stdout, ds, displayDir(dir))
	fmt.Fprintf(stderr, "mcpriv manifest: %s between the code and the manifest", plural(len(ds), "disagreement"))
	if hasNoManifest(ds) && !hasKind(ds, finding.KindInvalidManifest) {
		fmt.Fprintf(stderr, " (no manifest: create it with \"mcpriv manifest %s\")", displayDir(dir))
	}
	fmt.Fprintln(stderr)
	return exitFindings
}

func hasKind(fs []finding.Finding, k finding.Kind) bool {
	for _, f := range fs {
		if f.Kind == k {
			return true
		}
	}
	return false
}

func hasNoManifest(fs []finding.Finding) bool {
	for _, f := range fs {
		if f.Manifest == finding.NoManifest {
			return true
		}
	}
	return false
}

// printFindings prints fs as "path:line:col: message [rule]", paths
// prefixed with dir.
func printFindings(w io.Writer, fs []finding.Finding, dir string) {
	for _, f := range fs {
		file := f.File
		if dir != "" && dir != "." && !path.IsAbs(file) {
			file = path.Join(dir, file)
		}
		fmt.Fprintf(w, "%s:%d:%d: %s [%s]\n", display.Escape(file), f.Span.Start.Line+1, f.Span.Start.Col+1, display.Escape(f.Message), f.Rule)
	}
}

func summary(shown string, existed, changed, dryRun bool, added, removed []manifest.GrantRef, after *manifest.Manifest) string {
	tools := fmt.Sprintf("%s, %s", plural(len(after.Tools), "tool"), plural(manifest.GrantCount(after), "grant"))
	switch {
	case !changed:
		return fmt.Sprintf("%s is up to date (%s)", shown, tools)
	case !existed && dryRun:
		return fmt.Sprintf("would create %s (%s)", shown, tools)
	case !existed:
		return fmt.Sprintf("created %s (%s)", shown, tools)
	}
	verb := "updated"
	if dryRun {
		verb = "would update"
	}
	return fmt.Sprintf("%s %s: %d added, %d removed (%s)", verb, shown, len(added), len(removed), tools)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// displayPath is a path as the user would type it: cleaned, slash-separated.
func displayPath(p string) string { return path.Clean(filepath.ToSlash(p)) }

// writeFileAtomic replaces path with data through safefile.Replace: a
// temporary file in the same directory, synced and renamed, never through a
// symbolic link. When existed, the file must still hold old: an edit made
// while mcpriv ran is never overwritten.
func writeFileAtomic(p string, data, old []byte, existed bool) error {
	return safefile.Replace(p, data, old, existed)
}

// unifiedDiff renders the change from old to new as a unified diff with
// three lines of context ("" when they are equal).
func unifiedDiff(from, to string, old, new []byte) string {
	if bytes.Equal(old, new) {
		return ""
	}
	a := manifest.SplitLines(old)
	starts := make([]int, len(a)+1) // byte offset of each line of old
	for i, l := range a {
		starts[i+1] = starts[i] + len(l)
	}
	lineAt := func(off int) int { return sort.SearchInts(starts, off) }

	// manifest.Diff's edits are whole lines of old replaced by whole lines.
	type change struct {
		a0, a1 int // old lines [a0, a1) replaced
		ins    []string
	}
	var cs []change
	for _, e := range manifest.Diff(old, new) {
		c := change{a0: lineAt(e.Start), a1: lineAt(e.End)}
		for _, l := range manifest.SplitLines([]byte(e.NewText)) {
			c.ins = append(c.ins, string(l))
		}
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].a0 < cs[j].a0 })

	const ctxLines = 3
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", from, to)
	line := func(prefix, s string) {
		b.WriteString(prefix)
		b.WriteString(s)
		if !strings.HasSuffix(s, "\n") {
			b.WriteString("\n\\ No newline at end of file\n")
		}
	}
	delta := 0 // new line number minus old line number before the current change
	for i := 0; i < len(cs); {
		// A hunk takes the changes whose context would touch or overlap.
		j := i + 1
		for j < len(cs) && cs[j].a0-cs[j-1].a1 <= 2*ctxLines {
			j++
		}
		h0 := max(cs[i].a0-ctxLines, 0)
		h1 := min(cs[j-1].a1+ctxLines, len(a))
		newLen := h1 - h0
		for _, c := range cs[i:j] {
			newLen += len(c.ins) - (c.a1 - c.a0)
		}
		oldStart, newStart := h0+1, h0+delta+1
		if h1 == h0 {
			oldStart--
		}
		if newLen == 0 {
			newStart--
		}
		fmt.Fprintf(&b, "@@ -%d,%d +%d,%d @@\n", oldStart, h1-h0, newStart, newLen)
		at := h0
		for _, c := range cs[i:j] {
			for ; at < c.a0; at++ {
				line(" ", string(a[at]))
			}
			for ; at < c.a1; at++ {
				line("-", string(a[at]))
			}
			for _, s := range c.ins {
				line("+", s)
			}
			delta += len(c.ins) - (c.a1 - c.a0)
		}
		for ; at < h1; at++ {
			line(" ", string(a[at]))
		}
		i = j
	}
	return b.String()
}

// exportConfig is the parsed command line of `mcpriv manifest export`.
type exportConfig struct {
	format      string
	name        string
	description string
	vars        listFlag
	output      string
}

// placeholders are the path placeholders --var may fill in.
var placeholders = []string{"ROOT", "HOME", "TMP", "CWD"}

func runManifestExport(args []string, stdout, stderr io.Writer) int {
	var cfg exportConfig
	fs := newFlagSet("manifest export", "[PATH]", manifestExportHelp, stderr)
	fs.StringVar(&cfg.format, "format", "", "export `format`: "+strings.Join(manifest.Formats, ", ")+" (required)")
	fs.StringVar(&cfg.name, "name", "", "the server's `name` (agentbound)")
	fs.StringVar(&cfg.description, "description", "", "what the server does, in a `sentence` (agentbound requires one)")
	fs.Var(&cfg.vars, "var", "fill in a path placeholder: `NAME=VALUE`, NAME one of ROOT, HOME, TMP, CWD (repeatable)")
	fs.StringVar(&cfg.output, "o", "", "write the export to `FILE` instead of stdout")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() > 1 {
		return usageError(fs, stderr, "one PATH at most")
	}
	if cfg.format == "" {
		return usageError(fs, stderr, "--format is required (%s)", strings.Join(manifest.Formats, ", "))
	}
	known := false
	for _, f := range manifest.Formats {
		known = known || f == cfg.format
	}
	if !known {
		return usageError(fs, stderr, "unknown --format %q (want %s)", cfg.format, strings.Join(manifest.Formats, ", "))
	}
	vars, err := parseVars(cfg.vars)
	if err != nil {
		return usageError(fs, stderr, "%v", err)
	}

	p := "."
	if fs.NArg() == 1 {
		p = fs.Arg(0)
	}
	file := p
	if st, err := os.Stat(p); err != nil {
		fmt.Fprintf(stderr, "mcpriv manifest export: %v\n", describeStatError(p, err))
		return exitError
	} else if st.IsDir() {
		file = filepath.Join(p, manifest.FileName)
	}
	shown := displayPath(file)
	data, exists, err := readManifest(file)
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv manifest export: %v\n", err)
		return exitError
	}
	if !exists {
		fmt.Fprintf(stderr, "mcpriv manifest export: no manifest %s: create it from the code with \"mcpriv manifest %s\"\n",
			shown, displayDir(filepath.Dir(file)))
		return exitError
	}
	m, errs := manifest.Parse(shown, data)
	if len(errs) > 0 {
		printFindings(stderr, errs, "")
		fmt.Fprintf(stderr, "mcpriv manifest export: %s has errors: fix them first (\"mcpriv manifest --check\" checks it against the code)\n", shown)
		return exitError
	}
	out, notes, err := manifest.Export(m, cfg.format, manifest.ExportOptions{Name: cfg.name, Description: cfg.description, Vars: vars})
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv manifest export: %v\n", err)
		return exitError
	}
	if len(out) > 0 && !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, '\n')
	}
	if cfg.output != "" && cfg.output != "-" {
		old, existed, err := readOutput(cfg.output)
		if err == nil {
			err = writeFileAtomic(cfg.output, out, old, existed)
		}
		if err != nil {
			fmt.Fprintf(stderr, "mcpriv manifest export: %v\n", err)
			return exitError
		}
	} else if _, err := stdout.Write(out); err != nil {
		fmt.Fprintf(stderr, "mcpriv manifest export: %v\n", err)
		return exitError
	}
	for _, n := range notes {
		fmt.Fprintf(stderr, "note: %s\n", display.Escape(n))
	}
	return exitOK
}

// readOutput reads an export target about to be replaced (it must be a
// regular file, not a link).
func readOutput(p string) ([]byte, bool, error) {
	data, err := safefile.ReadNoFollow(p, maxExportTarget)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	return data, err == nil, err
}

// maxExportTarget is the largest existing file an export replaces.
const maxExportTarget = 64 << 20

// parseVars reads --var NAME=VALUE flags; "${ROOT}=…" is accepted too.
func parseVars(flags []string) (map[string]string, error) {
	if len(flags) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, f := range flags {
		k, v, ok := strings.Cut(f, "=")
		k = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(k), "${"), "}")
		switch {
		case !ok:
			return nil, fmt.Errorf("--var %q: want NAME=VALUE, e.g. ROOT=/srv/data", f)
		case !contains(placeholders, k):
			return nil, fmt.Errorf("--var %q: unknown placeholder %q (want %s)", f, k, strings.Join(placeholders, ", "))
		case v == "":
			return nil, fmt.Errorf("--var %q: the value is empty", f)
		case out[k] != "":
			return nil, fmt.Errorf("--var %s is given twice", k)
		}
		out[k] = v
	}
	return out, nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
