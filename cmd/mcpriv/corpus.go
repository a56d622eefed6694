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

	"github.com/mcpriv/mcpriv/analysis/corpus"
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

func runCorpus(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "score" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprintf(stdout, "Usage: mcpriv corpus score [flags]\n\n%s\n", corpusScoreHelp)
			return exitOK
		}
		fmt.Fprintln(stderr, "mcpriv corpus: want a subcommand: score")
		return exitError
	}
	return runCorpusScore(ctx, args[1:], stdout, stderr)
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
	// Declared calls stay in: the score counts what the code does.
	cfg.scan.maxSize, cfg.scan.showDeclared = 16<<20, true
	var servers []corpus.Server
	var left []string
	for _, k := range labels.Servers() {
		if ctx.Err() != nil {
			return fail(ctx.Err())
		}
		dir := filepath.Join(cfg.corpusDir, "test", k.List, strings.ReplaceAll(k.Name, "/", "+"))
		// The corpus links test/LIST/NAME to the server's directory; the
		// engine walks a root without following a link to it.
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			if cfg.skipMissing {
				left = append(left, fmt.Sprintf("%s: not scored: %v", k, err))
				continue
			}
			return fail(fmt.Errorf("%s: %w (--skip-missing scores the others)", k, err))
		}
		s, err := scoreScan(ctx, &cfg.scan, k, real, labels.Files[k])
		if err != nil {
			return fail(err)
		}
		servers = append(servers, s)
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
	if cfg.jsonOut != "" {
		data, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return fail(err)
		}
		if err := os.WriteFile(cfg.jsonOut, append(data, '\n'), 0o644); err != nil {
			return fail(err)
		}
	}
	md := rep.Markdown(cfg.forms)
	if cfg.mdOut != "" && cfg.mdOut != "-" {
		if err := os.WriteFile(cfg.mdOut, []byte(md), 0o644); err != nil {
			return fail(err)
		}
		return exitOK
	}
	if _, err := io.WriteString(stdout, md); err != nil {
		return fail(err)
	}
	return exitOK
}

// scoreScan scans one server with a fresh engine and reads the bundles
// among its fully labelled files.
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
	s := corpus.Server{Key: k, Scan: scan, Bundles: map[string][]corpus.Region{}}
	for f := range files {
		src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
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
