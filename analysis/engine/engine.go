// Package engine is the analysis behind both front-ends: it walks a tree,
// extracts per-file facts (pre-filtered, cached by content, files in
// parallel), links them (package link: call graph, tool reachability,
// taint, findings) and runs the manifest checks and the policy. The CLI and
// the language server call the same Engine, so they report identical
// results.
package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"weak"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/buildout"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/factstore"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/glob"
	"github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/analysis/link"
	"github.com/mcpriv/mcpriv/analysis/manifest"
	"github.com/mcpriv/mcpriv/analysis/modules"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
	"github.com/mcpriv/mcpriv/analysis/syntax"
	"github.com/mcpriv/mcpriv/rules"
)

// Options configure an Engine.
type Options struct {
	// Rules is the rule set; nil means rules.Default().
	Rules *rules.Set
	// MaxFileSize is the largest file analysed, in bytes (0: source.DefaultMaxSize).
	MaxFileSize int64
	// Excludes are glob patterns of paths not to analyse, matched against the
	// slash-separated path relative to the root and against each path element
	// ("dist/**", "*.min.js", "fixtures"). DefaultExcludes are always applied
	// unless NoDefaultExcludes is set.
	Excludes          []string
	NoDefaultExcludes bool
	// Jobs is the number of files analysed at once (0: GOMAXPROCS).
	Jobs int
	// Policy sets severities.
	Policy finding.Policy
	// CacheDir keeps extracted facts on disk between runs, by content hash
	// (package factstore; "" for none). Entries are salted with the code
	// and the rule set, and checked before they are trusted.
	CacheDir string
	// InFlight bounds the bytes of source parsed and extracted at once,
	// whatever Jobs is (0: DefaultInFlight).
	InFlight int64
	// Check is check mode (also on when the environment has MCPRIV_CHECK=1):
	// every incremental link is also computed plainly and compared with it,
	// a difference goes to CheckFailed (default: a line on standard error)
	// and counts in CheckFailures. It doubles the cost of a link.
	Check       bool
	CheckFailed func(error)
}

// CheckEnv is the environment variable that switches check mode on.
const CheckEnv = "MCPRIV_CHECK"

var checkFailures atomic.Int64

// CheckFailures is the number of differences check mode found in this
// process, for tests to assert on.
func CheckFailures() int64 { return checkFailures.Load() }

// DefaultExcludes are directories that never hold a server's own source:
// dependencies, tool caches and tests (test code is not what the server
// runs, and it would add privileges no tool needs).
var DefaultExcludes = []string{"node_modules", ".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache", "vendor", "testdata",
	"test", "tests", "__tests__", "__mocks__"}

// DefaultExcludeFiles are file-name patterns of tests, never part of a server.
var DefaultExcludeFiles = []string{"*_test.go", "*.test.js", "*.test.ts", "*.test.mjs", "*.test.cjs", "*.test.jsx", "*.test.tsx",
	"*.spec.js", "*.spec.ts", "*.spec.mjs", "*.spec.cjs", "*.spec.jsx", "*.spec.tsx", "test_*.py", "*_test.py", "conftest.py"}

// Engine analyses files. It is safe for concurrent use; facts are cached by
// language and content hash, so re-analysing an unchanged file costs a hash.
type Engine struct {
	opts   Options
	rules  *rules.Set
	words  map[string]map[string]bool // family → pre-filter words
	cache  *factCache
	store  *factstore.Store // nil without Options.CacheDir
	gomod  *modules.GoModules
	linker *link.Linker
	// parses counts the files parsed for facts, for tests of the caches.
	parses atomic.Int64
	// budget and jobs bound the source bytes in flight and the files
	// analysed at once across every Scan running on the engine, so that
	// scans of several roots may overlap (one linking while the next
	// extracts) without raising either bound.
	budget *inFlight
	jobs   chan struct{}
}

// New returns an engine with opts.
func New(opts Options) (*Engine, error) {
	if opts.Rules == nil {
		rs, err := rules.Default()
		if err != nil {
			return nil, fmt.Errorf("loading the embedded rules: %w", err)
		}
		opts.Rules = rs
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = source.DefaultMaxSize
	}
	if opts.Jobs <= 0 {
		opts.Jobs = runtime.GOMAXPROCS(0)
	}
	for _, g := range opts.Excludes {
		if _, err := path.Match(strings.ReplaceAll(g, "**", "*"), ""); err != nil {
			return nil, fmt.Errorf("bad exclude pattern %q: %w", g, err)
		}
	}
	if opts.InFlight <= 0 {
		opts.InFlight = DefaultInFlight
	}
	e := &Engine{opts: opts, rules: opts.Rules, cache: newFactCache(20000), gomod: modules.NewGoModules(), linker: link.New(opts.Rules),
		budget: newInFlight(opts.InFlight), jobs: make(chan struct{}, opts.Jobs)}
	if opts.CacheDir != "" {
		rs, err := json.Marshal(opts.Rules.Rules())
		if err != nil {
			return nil, fmt.Errorf("hashing the rule set: %w", err)
		}
		if e.store, err = factstore.Open(opts.CacheDir, factstore.Salt(rs)); err != nil {
			return nil, err
		}
	}
	if opts.Check || os.Getenv(CheckEnv) == "1" {
		e.opts.Check = true
		report := opts.CheckFailed
		e.linker.SetCheck(func(err error) {
			checkFailures.Add(1)
			if report != nil {
				report(err)
			} else {
				fmt.Fprintln(os.Stderr, "mcpriv:", err)
			}
		})
	}
	e.words = map[string]map[string]bool{}
	for _, x := range lang.All() {
		fam := x.Family()
		w := map[string]bool{}
		for k := range opts.Rules.Words(fam) {
			w[k] = true
		}
		for _, k := range x.RegistrationWords() {
			w[k] = true
		}
		e.words[fam] = w
	}
	return e, nil
}

// Rules returns the engine's rule set.
func (e *Engine) Rules() *rules.Set { return e.rules }

// Options returns the engine's options (with defaults filled in).
func (e *Engine) Options() Options { return e.opts }

// Files lists the files under root that are analysed, plus notices for the
// ones skipped. root may be a single file. Build output whose sources are in
// the tree is left out (package buildout), unless NoDefaultExcludes is set.
// A root that is a symlink is followed (paths stay under root as given);
// symlinks inside it are not. A root directory that cannot be read is an
// error, not an empty tree.
func (e *Engine) Files(ctx context.Context, root string) ([]string, []finding.FileError, error) {
	files, notes, _, err := e.files(ctx, root)
	return files, notes, err
}

// files is Files with the size of each file the walk saw (Scan orders and
// budgets files by size without another stat each).
func (e *Engine) files(ctx context.Context, root string) ([]string, []finding.FileError, map[string]int64, error) {
	sizes := map[string]int64{}
	st, err := os.Stat(root)
	if err != nil {
		return nil, nil, nil, err
	}
	if !st.Mode().IsDir() && !st.Mode().IsRegular() {
		return nil, nil, nil, fmt.Errorf("%s: not a directory or a regular file", root)
	}
	if !st.IsDir() {
		if source.DetectLang(root) == "" {
			return nil, nil, nil, fmt.Errorf("%s: not a JavaScript, TypeScript, Python or Go file", root)
		}
		sizes[root] = st.Size()
		return []string{root}, nil, sizes, nil
	}
	// WalkDir does not follow a symlinked root: walk what it points to.
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, nil, nil, err
	}
	var files []string
	var notes []finding.FileError
	err = filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(real, p)
		p = filepath.Join(root, rel)
		rel = filepath.ToSlash(rel)
		if err != nil && rel == "." {
			return fmt.Errorf("%s: %w", root, err) // nothing under root can be listed
		}
		if err != nil {
			notes = append(notes, finding.FileError{File: rel, Message: err.Error()})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if rel != "." && e.Excluded(rel, d.IsDir()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || source.DetectLang(p) == "" {
			return nil
		}
		if !d.Type().IsRegular() {
			// Symlinks are never followed (they may leave the tree), pipes
			// and devices never read; a source file behind one is unknown.
			notes = append(notes, finding.FileError{File: rel, Skipped: true, Message: "skipped: not a regular file (a symlink, pipe or device is never followed)"})
			return nil
		}
		info, err := d.Info()
		if err == nil {
			sizes[p] = info.Size()
		}
		if err == nil && info.Size() > e.opts.MaxFileSize {
			notes = append(notes, finding.FileError{File: rel, Skipped: true,
				Message: fmt.Sprintf("skipped: %d bytes is over the size limit of %d bytes", info.Size(), e.opts.MaxFileSize)})
			return nil
		}
		files = append(files, p)
		return nil
	})
	if err == nil && !e.opts.NoDefaultExcludes {
		var left []buildout.Dir
		files, left = buildout.Split(files, func(p string) string {
			rel, _ := filepath.Rel(root, p)
			return filepath.ToSlash(rel)
		})
		for _, d := range left {
			notes = append(notes, finding.FileError{File: d.Path, Message: d.Message(), Skipped: true, BuiltFrom: d.From})
		}
	}
	return files, notes, sizes, err
}

// Excluded reports whether a slash-separated path relative to a root is
// excluded by the engine's patterns.
func (e *Engine) Excluded(rel string, dir bool) bool {
	if !e.opts.NoDefaultExcludes {
		base := path.Base(rel)
		if dir {
			for _, x := range DefaultExcludes {
				if base == x {
					return true
				}
			}
		} else {
			for _, x := range DefaultExcludeFiles {
				if ok, _ := path.Match(x, base); ok {
					return true
				}
			}
		}
	}
	for _, g := range e.opts.Excludes {
		if matchExclude(g, rel) {
			return true
		}
	}
	return false
}

// matchExclude matches a glob against a relative path: a pattern without "/"
// matches any path element; one with "/" matches the whole path, "**"
// spanning directories; "dir/**" also matches "dir" itself.
func matchExclude(pattern, rel string) bool {
	pattern = strings.TrimPrefix(pattern, "./")
	if !strings.Contains(pattern, "/") {
		for _, el := range strings.Split(rel, "/") {
			if ok, _ := path.Match(pattern, el); ok {
				return true
			}
		}
		return false
	}
	pattern = strings.TrimSuffix(pattern, "/")
	if strings.HasSuffix(pattern, "/**") && matchGlob(strings.TrimSuffix(pattern, "/**"), rel) {
		return true
	}
	return matchGlob(pattern, rel)
}

// matchGlob matches slash paths with "**" for any number of elements, in
// polynomial time however many "**" (glob.Match).
func matchGlob(pattern, name string) bool {
	return glob.Match(pattern, name)
}

// Extract parses src and extracts its facts. A file that names no rule word
// and no tool registration is not parsed: its facts are empty but for the
// path (Scan parses such files later if another file's calls lead into them).
func (e *Engine) Extract(ctx context.Context, p string, src []byte) (*facts.File, error) {
	return dropNote(e.extract(ctx, p, src, false))
}

// ExtractFull is Extract without the literal pre-filter.
func (e *Engine) ExtractFull(ctx context.Context, p string, src []byte) (*facts.File, error) {
	return dropNote(e.extract(ctx, p, src, true))
}

// storeNote is a notice about the facts cache that came with good facts: a
// damaged entry ignored, an entry that could not be written.
type storeNote struct{ err error }

func (n *storeNote) Error() string { return n.err.Error() }
func (n *storeNote) Unwrap() error { return n.err }

func dropNote(f *facts.File, err error) (*facts.File, error) {
	var n *storeNote
	if f != nil && errors.As(err, &n) {
		return f, nil
	}
	return f, err
}

func (e *Engine) extract(ctx context.Context, p string, src []byte, full bool) (*facts.File, error) {
	l := source.DetectLang(p)
	if l == "" {
		return nil, fmt.Errorf("%s: not a JavaScript, TypeScript, Python or Go file", p)
	}
	if int64(len(src)) > e.opts.MaxFileSize {
		return nil, fmt.Errorf("%s: %w (%d > %d bytes)", p, source.ErrTooLarge, len(src), e.opts.MaxFileSize)
	}
	if err := source.CheckText(src); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	hash := contentHash(src)
	if f := e.cache.get(p, l, hash, full); f != nil {
		return f, nil
	}
	if !full && !rules.MentionsAny(src, e.words[l.Family()]) {
		f := &facts.File{Path: p, Lang: l, Package: p, Hash: hash, Functions: []facts.Function{{Parent: -1}}}
		if lang.For(l).PackageWide() {
			f.Package = "" // unknown until parsed; Scan parses Go packages that matter
		}
		e.cache.put(p, l, hash, false, f)
		return f, errPrefiltered
	}
	var note error
	if e.store != nil {
		f, err := e.store.Get(p, l, hash)
		if f != nil {
			e.cache.put(p, l, hash, true, f)
			return f, nil
		}
		if err != nil {
			note = &storeNote{fmt.Errorf("facts cache entry ignored, facts extracted again: %w", err)}
		}
	}
	f, err := e.parseExtract(ctx, p, l, src)
	if f != nil {
		f.Hash = hash
		// Facts with an error are partial: never served alone from a cache.
		if err == nil {
			e.cache.put(p, l, hash, true, f)
			if e.store != nil {
				if perr := e.store.Put(f); perr != nil && note == nil {
					note = &storeNote{fmt.Errorf("facts cache: %w", perr)}
				}
			}
			err = note
		}
	}
	return f, err
}

// parseExtract parses src and extracts its facts. The tree is freed as soon
// as the extractor has flattened it, before the extraction allocates.
func (e *Engine) parseExtract(ctx context.Context, p string, lang source.Lang, src []byte) (*facts.File, error) {
	e.parses.Add(1)
	tree, err := parse.Parse(ctx, lang, src, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: parse: %w", p, err)
	}
	defer syntax.ReleaseAfterFlatten(tree, func() { parse.Free(tree, len(src)) })()
	return e.extractTree(p, lang, src, tree)
}

// errPrefiltered marks facts that were not extracted because the file names
// no rule word; Scan may extract them in full later.
var errPrefiltered = errors.New("prefiltered")

// ExtractTree extracts facts from a tree the caller parsed itself.
func (e *Engine) ExtractTree(p string, src []byte, tree *sitter.Tree) (*facts.File, error) {
	lang := source.DetectLang(p)
	if lang == "" {
		return nil, fmt.Errorf("%s: not a JavaScript, TypeScript, Python or Go file", p)
	}
	f, err := e.extractTree(p, lang, src, tree)
	if f != nil {
		f.Hash = contentHash(src)
	}
	return f, err
}

func (e *Engine) extractTree(p string, l source.Lang, src []byte, tree *sitter.Tree) (*facts.File, error) {
	return lang.Extract(p, l, src, tree)
}

func contentHash(src []byte) string {
	h := sha256.Sum256(src)
	return hex.EncodeToString(h[:])
}

// factCache maps (path, language, content hash) to facts, bounded in size.
// It holds them weakly: facts nobody else keeps (the language server's
// documents, a scan in progress) are not worth their memory, and a scan of
// many roots would otherwise keep every finished root's facts to the end.
type factCache struct {
	mu  sync.Mutex
	max int
	m   map[cacheKey]weak.Pointer[facts.File]
}

type cacheKey struct {
	path, hash string
	lang       source.Lang
	full       bool
}

func newFactCache(max int) *factCache {
	return &factCache{max: max, m: map[cacheKey]weak.Pointer[facts.File]{}}
}

func (c *factCache) get(p string, lang source.Lang, hash string, full bool) *facts.File {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f := c.load(cacheKey{p, hash, lang, true}); f != nil {
		return f // a full extraction serves a pre-filtered request too
	}
	if !full {
		return c.load(cacheKey{p, hash, lang, false})
	}
	return nil
}

func (c *factCache) load(k cacheKey) *facts.File {
	w, ok := c.m[k]
	if !ok {
		return nil
	}
	f := w.Value()
	if f == nil {
		delete(c.m, k)
	}
	return f
}

func (c *factCache) put(p string, lang source.Lang, hash string, full bool, f *facts.File) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		// Drop the collected entries, then an arbitrary half if that was not
		// enough: cheap, and the working set re-fills quickly.
		for k, w := range c.m {
			if w.Value() == nil {
				delete(c.m, k)
			}
		}
		n := 0
		for k := range c.m {
			if len(c.m) < c.max/2 || n >= c.max/2 {
				break
			}
			delete(c.m, k)
			n++
		}
	}
	c.m[cacheKey{p, hash, lang, full}] = weak.Make(f)
}

// Link links files (facts of files under root) into capability findings,
// tool summaries, suppressed findings and bad-suppression findings. The
// manifest checks and the policy are not applied (see Check).
func (e *Engine) Link(root string, files []*facts.File) *finding.Result {
	abs, err := filepath.Abs(root)
	if err != nil {
		abs = root
	}
	res := e.link(abs, files)
	res.Root = root
	res.Files = len(files)
	return res
}

// link links files under abs, an absolute root, reading the go.mod files
// the link needs first.
func (e *Engine) link(abs string, files []*facts.File) *finding.Result {
	res := e.linker.Link(abs, files, e.gomod.ForFiles(abs, files))
	res.Findings = append(res.Findings[:len(res.Findings):len(res.Findings)], tooDeepFindings(files)...)
	return res
}

// tooDeepFindings reports the subtrees the extractors did not follow: the
// calls in them are unknown, so each is an error rather than a silent gap.
func tooDeepFindings(files []*facts.File) []finding.Finding {
	var out []finding.Finding
	for _, f := range files {
		for _, s := range f.TooDeep {
			out = append(out, finding.Finding{Kind: finding.KindUnanalysed, File: f.Path, Span: s, CallSpan: s,
				Rule: finding.RuleTooDeep, Server: true, Tools: []string{},
				Message: "code nested too deep to analyse: the calls in it are not checked (no real program nests this far)"})
		}
	}
	return out
}

// Check runs the manifest checks for every manifest governing files of res
// (the nearest mcp-capabilities.yaml above a file, else one at root), reading
// manifests from overlay (unsaved editor buffers, by absolute path) or the
// disk, then applies the policy.
func (e *Engine) Check(root string, res *finding.Result, overlay map[string][]byte) {
	abs, err := filepath.Abs(root)
	if err != nil {
		abs = root
	}
	manifest.CheckAll(abs, res, func(p string) ([]byte, bool, error) {
		if data, ok := overlay[p]; ok {
			return data, true, nil
		}
		return manifest.ReadFile(p)
	})
	e.opts.Policy.Apply(res)
	finding.SortMostlySorted(res.Findings)
	// The one place both front-ends' findings pass: a finding is reported
	// once per place.
	res.Findings = finding.Dedupe(res.Findings)
	res.Suppressed = finding.Dedupe(res.Suppressed)
}
