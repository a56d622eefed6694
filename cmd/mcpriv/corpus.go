package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/corpus"
	"github.com/mcpriv/mcpriv/analysis/manifest"
	"github.com/mcpriv/mcpriv/analysis/safefile"
	"github.com/mcpriv/mcpriv/analysis/source"
	"github.com/mcpriv/mcpriv/cmd/mcpriv/report"
)

const corpusScoreHelp = `Score the engine against the hand labels of the test split (docs/corpus.md).

Each server labelled in LABELS (tools.tsv, sites.tsv, files.tsv) is scanned
from CORPUS/test/LIST/NAME (NAME with "/" written "+"), exactly as
"mcpriv scan --format json --show-declared" would, and compared with its
labels: site precision and recall, tool-capability F1, exact server
capability sets and taint agreement, per language (python, go, js/ts,
memory), per capability class and capability, and overall. The tables go
to stdout as Markdown (or -o FILE), every figure and the site outcomes
behind it to --json FILE.

A labelled server that is not on disk stops the run (--skip-missing scores
the others and says which were left out). Exit codes: 0 scored; 2 usage
error, unreadable labels or a server that could not be scanned.`

type corpusScoreConfig struct {
	labels, split, corpusDir string
	jsonOut, mdOut           string
	forms                    int
	skipMissing              bool
	scan                     scanConfig
}

const corpusScopesHelp = `Score the scopes the engine infers against the scope labels of the test
split (docs/scope-benchmark.md).

Each server with rows in LABELS/scopes.tsv is scanned from
CORPUS/test/LIST/NAME as "corpus score" does, and the manifest
"mcpriv manifest" would write for the whole tree is generated. Both the
findings' scopes and the manifest's grants are compared with the labelled
hosts, path globs and programs: recall and precision (exact, and loose:
wildcards and same domain for hosts, covering globs for paths), the share
of servers whose network.client scopes are all "*", and how many
unbounded labels the engine leaves open. Markdown tables go to stdout (or
-o FILE), every figure and each server's missed and extra scopes to
--json FILE.

A labelled server that is not on disk stops the run (--skip-missing scores
the others and says which were left out). Exit codes: 0 scored; 2 usage
error, unreadable labels or a server that could not be scanned.`

func runCorpus(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "score":
			return runCorpusScore(ctx, args[1:], stdout, stderr)
		case "scopes":
			return runCorpusScopes(ctx, args[1:], stdout, stderr)
		case "-h", "--help", "-help":
			fmt.Fprintf(stdout, "Usage: mcpriv corpus score [flags]\n\n%s\n\nUsage: mcpriv corpus scopes [flags]\n\n%s\n", corpusScoreHelp, corpusScopesHelp)
			return exitOK
		}
	}
	fmt.Fprintln(stderr, "mcpriv corpus: want a subcommand: score or scopes")
	return exitError
}

type corpusScopesConfig struct {
	labels, corpusDir string
	jsonOut, mdOut    string
	skipMissing       bool
	scan              scanConfig
}

func runCorpusScopes(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var cfg corpusScopesConfig
	fs := newFlagSet("corpus scopes", "", corpusScopesHelp, stderr)
	fs.StringVar(&cfg.labels, "labels", filepath.Join("testdata", "corpus", "labels"), "`DIR` of scopes.tsv")
	fs.StringVar(&cfg.corpusDir, "corpus", defaultCorpusDir(), "corpus cache `DIR` holding test/LIST/NAME")
	fs.StringVar(&cfg.jsonOut, "json", "", "write every figure and each server's scopes as JSON to `FILE`")
	fs.StringVar(&cfg.mdOut, "o", "", "write the Markdown tables to `FILE` instead of stdout")
	fs.BoolVar(&cfg.skipMissing, "skip-missing", false, "score the servers on disk and list the others instead of stopping")
	fs.Var(&cfg.scan.rulesDirs, "rules", "add the rule files (*.yaml) of `DIR` to the built-in rules (repeatable)")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(fs, stderr, "takes no arguments")
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "mcpriv corpus scopes: %v\n", err)
		return exitError
	}
	labels, err := corpus.ReadScopeLabels(cfg.labels)
	if err != nil {
		return fail(err)
	}
	var keys []corpus.ServerKey
	seen := map[corpus.ServerKey]bool{}
	for _, l := range labels {
		if !seen[l.Server] {
			seen[l.Server] = true
			keys = append(keys, l.Server)
		}
	}
	servers, left, err := scanLabelled(ctx, &cfg.scan, cfg.corpusDir, cfg.skipMissing, keys, nil)
	if err != nil {
		return fail(err)
	}
	if len(left) > 0 {
		scanned := map[corpus.ServerKey]bool{}
		for _, s := range servers {
			scanned[s.Key] = true
		}
		var kept []corpus.ScopeLabel
		for _, l := range labels {
			if scanned[l.Server] {
				kept = append(kept, l)
			}
		}
		labels = kept
	}
	rep, err := corpus.ScoreScopes(labels, servers)
	if err != nil {
		return fail(err)
	}
	rep.Problems = append(left, rep.Problems...)
	if err := writeReport(rep, rep.Markdown(), cfg.jsonOut, cfg.mdOut, stdout); err != nil {
		return fail(err)
	}
	return exitOK
}

// grantScopes are the scopes of each capability over every section of a
// generated manifest.
func grantScopes(m *manifest.Manifest) map[capability.ID][]string {
	out := map[capability.ID][]string{}
	if m == nil {
		return out
	}
	for _, sec := range append([]manifest.Section{m.Server}, m.Tools...) {
		for _, e := range sec.Entries {
			for _, sc := range e.Scopes {
				out[e.Capability] = append(out[e.Capability], sc.Value)
			}
		}
	}
	return out
}

func runCorpusScore(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var cfg corpusScoreConfig
	fs := newFlagSet("corpus score", "", corpusScoreHelp, stderr)
	fs.StringVar(&cfg.labels, "labels", filepath.Join("testdata", "corpus", "labels"), "`DIR` of tools.tsv, sites.tsv and files.tsv")
	fs.StringVar(&cfg.split, "split", filepath.Join("testdata", "corpus", "split.tsv"), "the split `FILE` (which servers are on the memory list, and their subpaths)")
	fs.StringVar(&cfg.corpusDir, "corpus", defaultCorpusDir(), "corpus cache `DIR` holding test/LIST/NAME")
	fs.StringVar(&cfg.jsonOut, "json", "", "write every figure and site outcome as JSON to `FILE`")
	fs.StringVar(&cfg.mdOut, "o", "", "write the Markdown tables to `FILE` instead of stdout")
	fs.IntVar(&cfg.forms, "forms", 20, "list the `N` commonest miss forms (0: all)")
	fs.BoolVar(&cfg.skipMissing, "skip-missing", false, "score the servers on disk and list the others instead of stopping")
	fs.Var(&cfg.scan.rulesDirs, "rules", "add the rule files (*.yaml) of `DIR` to the built-in rules (repeatable)")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(fs, stderr, "takes no arguments")
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "mcpriv corpus score: %v\n", err)
		return exitError
	}
	labels, err := corpus.ReadLabels(cfg.labels)
	if err != nil {
		return fail(err)
	}
	sf, err := os.Open(cfg.split)
	if err != nil {
		return fail(err)
	}
	split, err := corpus.ReadSplit(sf)
	sf.Close()
	if err != nil {
		return fail(err)
	}
	servers, left, err := scanLabelled(ctx, &cfg.scan, cfg.corpusDir, cfg.skipMissing, labels.Servers(), labels.Files)
	if err != nil {
		return fail(err)
	}
	if len(left) > 0 {
		labels = labels.Only(func(k corpus.ServerKey) bool {
			for _, s := range servers {
				if s.Key == k {
					return true
				}
			}
			return false
		})
	}
	rep, err := corpus.Score(labels, split, servers)
	if err != nil {
		return fail(err)
	}
	rep.Problems = append(left, rep.Problems...)
	if err := writeReport(rep, rep.Markdown(cfg.forms), cfg.jsonOut, cfg.mdOut, stdout); err != nil {
		return fail(err)
	}
	return exitOK
}

// writeReport writes a score as JSON to jsonOut (when set) and its Markdown
// to mdOut, or to stdout when mdOut is "" or "-".
func writeReport(rep any, md, jsonOut, mdOut string, stdout io.Writer) error {
	if jsonOut != "" {
		data, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(jsonOut, append(data, '\n'), 0o644); err != nil {
			return err
		}
	}
	if mdOut != "" && mdOut != "-" {
		return os.WriteFile(mdOut, []byte(md), 0o644)
	}
	_, err := io.WriteString(stdout, md)
	return err
}

// scanLabelled scans each labelled server from corpusDir/test/LIST/NAME.
// A server not on disk stops it, or with skipMissing is left out and
// named in left.
func scanLabelled(ctx context.Context, cfg *scanConfig, corpusDir string, skipMissing bool, keys []corpus.ServerKey,
	files map[corpus.ServerKey]map[string]bool) (servers []corpus.Server, left []string, err error) {
	// Declared calls stay in: the score counts what the code does.
	cfg.maxSize, cfg.showDeclared = 16<<20, true
	for _, k := range keys {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		dir := filepath.Join(corpusDir, "test", k.List, strings.ReplaceAll(k.Name, "/", "+"))
		// The corpus links test/LIST/NAME to the server's directory; the
		// engine walks a root without following a link to it.
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			if skipMissing {
				left = append(left, fmt.Sprintf("%s: not scored: %v", k, err))
				continue
			}
			return nil, nil, fmt.Errorf("%s: %w (--skip-missing scores the others)", k, err)
		}
		s, err := scoreScan(ctx, cfg, k, real, files[k])
		if err != nil {
			return nil, nil, err
		}
		servers = append(servers, s)
	}
	return servers, left, nil
}

// scoreScan scans one server with a fresh engine, reads the bundles among
// its fully labelled files and generates the manifest of the whole tree
// as "mcpriv manifest" would write it where none exists.
func scoreScan(ctx context.Context, cfg *scanConfig, k corpus.ServerKey, dir string, files map[string]bool) (corpus.Server, error) {
	eng, err := newScanEngine(cfg)
	if err != nil {
		return corpus.Server{}, err
	}
	res, err := eng.Scan(ctx, dir, nil)
	if err != nil {
		return corpus.Server{}, fmt.Errorf("%s: scanning %s: %w", k, dir, err)
	}
	// Through the JSON contract, so the score sees what users see.
	var buf bytes.Buffer
	if err := report.JSON(&buf, res, report.Options{}); err != nil {
		return corpus.Server{}, fmt.Errorf("%s: %w", k, err)
	}
	scan, err := corpus.DecodeScan(buf.Bytes())
	if err != nil {
		return corpus.Server{}, fmt.Errorf("%s: %w", k, err)
	}
	gen, err := manifest.Generate(res, manifest.GenerateOptions{Root: dir, Target: filepath.Join(dir, manifest.FileName),
		Present: func(string) bool { return false }})
	if err != nil {
		return corpus.Server{}, fmt.Errorf("%s: generating the manifest: %w", k, err)
	}
	s := corpus.Server{Key: k, Scan: scan, Bundles: map[string][]corpus.Region{}, Grants: grantScopes(gen.After)}
	for f := range files {
		// A file of a fetched server: workspace input like any other.
		src, err := safefile.Read(filepath.Join(dir, filepath.FromSlash(f)), source.DefaultMaxSize)
		if err != nil {
			return corpus.Server{}, fmt.Errorf("%s: labelled file: %w", k, err)
		}
		if own, ok := corpus.OwnRegions(src); ok {
			s.Bundles[f] = own
		}
	}
	return s, nil
}

// defaultCorpusDir is where .ci/corpus.sh materialises the corpus
// ($MCPRIV_CORPUS, else ~/.cache/mcpriv/corpus).
func defaultCorpusDir() string {
	if d := os.Getenv("MCPRIV_CORPUS"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(".cache", "mcpriv", "corpus")
	}
	return filepath.Join(home, ".cache", "mcpriv", "corpus")
}
