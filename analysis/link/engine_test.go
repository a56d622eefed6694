package link

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/analysis/manifest"
	"github.com/mcpriv/mcpriv/analysis/modules"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
	"github.com/mcpriv/mcpriv/rules"
)

// testEngine is the part of engine.Engine the link's tests need (package
// engine imports this one): full extraction, a link with the go.mod files
// read first, and the manifest checks.
type testEngine struct {
	*Linker
	gomod *modules.GoModules
}

func newTestEngine() (*testEngine, error) {
	rs, err := rules.Default()
	if err != nil {
		return nil, err
	}
	e := &testEngine{Linker: New(rs), gomod: modules.NewGoModules()}
	if checkMode {
		e.SetCheck(func(err error) { checkFailures.Add(1); fmt.Fprintln(os.Stderr, err) })
	}
	return e, nil
}

// checkMode runs every link of the tests in check mode (go test -check),
// failing the package when an incremental link differs from a plain one.
var (
	checkMode     = os.Getenv("MCPRIV_CHECK") == "1"
	checkFailures atomic.Int64
)

func TestMain(m *testing.M) {
	code := m.Run()
	if n := checkFailures.Load(); n > 0 {
		fmt.Fprintf(os.Stderr, "check mode: %d incremental links differ from plain ones\n", n)
		code = 1
	}
	os.Exit(code)
}

func (e *testEngine) ExtractFull(ctx context.Context, p string, src []byte) (*facts.File, error) {
	l := source.DetectLang(p)
	if l == "" {
		return nil, fmt.Errorf("%s: not a source file", p)
	}
	tree, err := parse.Parse(ctx, l, src, nil)
	if err != nil {
		return nil, err
	}
	defer tree.Close()
	return lang.Extract(p, l, src, tree)
}

func (e *testEngine) Link(root string, files []*facts.File) *finding.Result {
	abs, err := filepath.Abs(root)
	if err != nil {
		abs = root
	}
	res := e.Linker.Link(abs, files, e.gomod.ForFiles(abs, files))
	res.Root, res.Files = root, len(files)
	return res
}

func (e *testEngine) Check(root string, res *finding.Result, _ map[string][]byte) {
	abs, err := filepath.Abs(root)
	if err != nil {
		abs = root
	}
	manifest.CheckAll(abs, res, manifest.ReadFile)
	finding.Policy{}.Apply(res)
	finding.SortMostlySorted(res.Findings)
}

func (e *testEngine) linkCache() *linkCache { return e.cache }
