// Package link links the facts of many files into a finding.Result: it
// resolves local calls and imports of project files into a call graph
// (graph.go), finds which tools and start-up code reach each function
// (reach.go), follows tool input across calls (taint.go), applies the rules
// to every library call and assembles findings and tool summaries
// (statics.go, findings.go, suppressions.go). A link of a root reuses the
// root's latest link (cache.go, diff.go) when only a few files changed:
// wholly when the call graph stayed the same (relink.go), or by redoing the
// changed part of the graph (graphlink.go). Both equal a full link; see
// docs/architecture.md, "Invariants". The package reads nothing from disk.
package link

import (
	"fmt"
	"math"
	"reflect"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/analysis/modules"
	"github.com/mcpriv/mcpriv/rules"
)

type fnID int32

type index struct {
	linker *Linker
	root   string // absolute OS path
	// plain: derive every file's statics afresh, reusing nothing of the
	// root's latest link (check mode).
	plain bool
	// gomods: Go file directory (modules.GoDir) → its module.
	gomods map[string]modules.GoModule
	files  []*facts.File
	// statics holds what each file's facts give alone (cached across
	// links); cached is the same before Go type rewrites.
	statics, cached []*fileStatic
	// instArgs: some JS argument passes an instance (Arg.Inst), so
	// typeParams may type parameters across files.
	instArgs bool
	// tables: a tool registration loops over a tool table (tooltables.go),
	// whose tools depend on other files' lists and objects.
	tables bool
	base   []fnID // first fnID of each file
	owner  []int32

	// byName, per file: "Class.name" (".name" for plain functions, "*.name"
	// for a method of any class) → function indices.
	byName     []map[string][]int
	pyModules  map[string]int // dotted module name → file
	fileByPath map[string]int
	goPkgs     map[string][]int             // package dir (slash, as in facts paths) → files
	langs      []lang.Language              // file → its language, asked once per file
	goNames    map[string]map[string][]fnID // package dir → "Class.name" (".name" for functions) → functions

	edges [][]fnID
	// fnEdges: per function, how many of its edges (the first ones) come
	// from its LocalCalls and Refs; the rest come from its Calls.
	fnEdges []int32
	callers [][]callSite
	// askers[d] lists the functions whose taint questions may ask one of
	// d: the targets of the sites whose arguments refer to a parameter d
	// declares (taintDecl). graphLink adds to it and never removes, so it
	// may list more.
	askers  [][]fnID
	handler []bool // fnID → is a tool's handler or dispatcher
	// dispatcher: fnID → dispatches tools (its lookups and case bodies reach
	// every handler it serves: reach follows them only for their own tool).
	dispatcher []bool

	tools []toolInfo
	// reachedBy lists, per function, the tools reaching it, ascending.
	reachedBy [][]int32
	toolNames [][]string // fnID → sorted unique names of reachedBy (memo)
	// toolNamesShared: toolNames is another index's, read only (graphLink).
	toolNamesShared bool
	serverReach     []bool
	// rootTools: function → tools whose handler or dispatcher it is, ascending.
	rootTools map[fnID][]int
	// caseTool: (dispatcher, case body) → the tool of that case.
	caseTool map[[2]fnID]int

	taintMemo map[taintKey]taintEntry
	// paths interns the access paths of taint questions; live memoises
	// taintLive.
	paths pathTable
	live  *liveSet
	// inFlight holds the open taint questions (taintOf), taintStack them in
	// DFS order, taintNext the next DFS number.
	inFlight   map[taintKey]taintFrame
	taintStack []taintKey
	taintNext  int32
	// taintHeld counts the sources held by the answers (maxTaintHeld).
	taintHeld int64
	// taintDeep is the function of the first taint question not followed
	// because too many were open (maxTaintStack); -1 when none.
	taintDeep fnID
	// taintCut: a taint question met a cycle, so the order of the sources
	// reported may depend on the order of the questions.
	taintCut bool
	// rootHeight is the greatest height of a candidate's taint question.
	rootHeight int32
	// constMemo holds the clean answers of constant propagation (constprop.go).
	constMemo map[constKey]constEntry
	// constRead are the functions whose call sites' arguments constant
	// propagation read: an edit of their literals may change the scope of a
	// call elsewhere, which relink and graphLink do not redo (constEdited).
	constRead map[fnSite]bool
	// goStores indexes the Go files' Stores by package (goconst.go),
	// built on first use.
	goStores map[string][]goStore

	localDirs map[localDirKey]string
	jsFiles   map[localDirKey]int // jsFile's memo
	pyLocal   map[pyLocalKey]bool

	// diffs compare changed files with the root's latest link (statics
	// reuse the comparison); nil when there is none.
	diffs *linkDiff
}

type localDirKey struct{ dir, mod string }

type pyLocalKey struct {
	file           int
	module, member string
}

// callSite is an edge as its target sees it. unit says where build added
// it: the index of the caller in its file for an edge from the caller's
// LocalCalls or Refs, callPhase for one from the file's Calls (added after
// all functions of the file). Every callers list is in build order, that
// is by (file of the caller, unit), which the incremental link relies on.
type callSite struct {
	caller fnID
	unit   int32
	args   []facts.Arg
	recv   []facts.ParamRef
	// guess: a method call resolved by name alone (functionSites).
	guess bool
}

// callPhase is the unit of the edges a file's Calls give.
const callPhase = math.MaxInt32

type toolInfo struct {
	name       string // the resolved name, or the unresolved placeholder
	expr       string // the unresolved name expression; "" when resolved
	file       int
	k          int // index in the file's Tools
	t          *facts.Tool
	handler    fnID // -1 if unresolved
	dispatcher fnID // -1 if none
	// inputs, when set, replace t.Inputs: a tool of a table whose handler
	// is its element's function (tooltables.go).
	inputs []facts.ToolInput
	// bound are the methods a handler factory's closure runs on the
	// instances the registration gives it (Tool.Binds, gohelpertools.go).
	bound []fnID
}

// toolInputs are the handler parameters carrying the tool's input.
func (ti *toolInfo) toolInputs() []facts.ToolInput {
	if ti.inputs != nil {
		return ti.inputs
	}
	return ti.t.Inputs
}

// Linker links per-file facts into a Result. It holds the rule set and,
// per root, the latest link, which the next link of the root reuses (see
// cache.go); it is safe for concurrent use. It reads nothing from disk:
// what it needs of go.mod files comes with each call.
type Linker struct {
	rules *rules.Set
	cache *linkCache
	// check, when set, is check mode: every incremental result is also
	// computed plainly and a difference is reported to check.
	check func(error)
}

// New returns a linker applying rs.
func New(rs *rules.Set) *Linker {
	return &Linker{rules: rs, cache: &linkCache{roots: map[string]*rootLink{}}}
}

// Link builds the index over files and returns capability findings, tool
// summaries, suppressed findings and bad-suppression findings; manifest
// checks and the policy are not applied. root is an absolute OS path;
// gomods maps the directory of every Go file (modules.GoDir) to its module
// (modules.GoModules.ForFiles). Result.Root is root; Result.Files is unset.
func (l *Linker) Link(root string, files []*facts.File, gomods map[string]modules.GoModule) *finding.Result {
	c := l.cache
	ld := diffSnapshot(c.snapshot(root), files)
	if res := c.relink(l, root, files, ld); res != nil {
		l.verify("relink", root, files, gomods, res)
		return res
	}
	if res := c.graphLink(l, root, files, ld, gomods); res != nil {
		l.verify("graph link", root, files, gomods, res)
		return res
	}
	ix := newIndex(l, root, files, gomods)
	ix.diffs = ld
	ix.build()
	out := ix.result()
	if out.deep != nil {
		// Which questions the bound cuts depends on the order they are
		// asked in: no incremental link may start from this one.
		c.drop(root)
		res := out.assemble(root)
		res.Findings = append(res.Findings, out.deep...)
		return res
	}
	c.remember(root, files, ix, out)
	return out.assemble(root)
}

// SetCheck switches check mode on (report non-nil) or off. In check mode
// every incremental link (relink, graph link) is also computed plainly,
// from the facts alone, and a difference is reported. It costs a full
// link per link: for tests and for hunting a wrong answer.
func (l *Linker) SetCheck(report func(error)) { l.check = report }

// verify is check mode: res, an incremental link of files, must equal the
// plain link of them.
func (l *Linker) verify(how, root string, files []*facts.File, gomods map[string]modules.GoModule, res *finding.Result) {
	if l.check == nil {
		return
	}
	ix := newIndex(l, root, files, gomods)
	ix.plain = true
	ix.build()
	want := ix.result().assemble(root)
	if !reflect.DeepEqual(res, want) {
		l.check(fmt.Errorf("check mode: the %s of %s differs from a full link: %s", how, root, firstDifference(res, want)))
	}
}

// firstDifference describes where two results first differ.
func firstDifference(got, want *finding.Result) string {
	for i := 0; i < max(len(got.Findings), len(want.Findings)); i++ {
		if i >= len(got.Findings) || i >= len(want.Findings) {
			return fmt.Sprintf("%d findings, want %d", len(got.Findings), len(want.Findings))
		}
		if !reflect.DeepEqual(got.Findings[i], want.Findings[i]) {
			return fmt.Sprintf("finding %d is %+v, want %+v", i, got.Findings[i], want.Findings[i])
		}
	}
	if !reflect.DeepEqual(got.Tools, want.Tools) {
		return fmt.Sprintf("tools are %+v, want %+v", got.Tools, want.Tools)
	}
	if !reflect.DeepEqual(got.Suppressed, want.Suppressed) {
		return fmt.Sprintf("suppressed findings are %+v, want %+v", got.Suppressed, want.Suppressed)
	}
	return fmt.Sprintf("%+v, want %+v", got, want)
}

// Forget drops the latest link of root: the next link of it is a full one.
func (l *Linker) Forget(root string) {
	l.cache.mu.Lock()
	delete(l.cache.roots, root)
	l.cache.mu.Unlock()
}

func newIndex(l *Linker, root string, files []*facts.File, gomods map[string]modules.GoModule) *index {
	return &index{linker: l, root: root, files: files, gomods: gomods,
		taintMemo: map[taintKey]taintEntry{}, inFlight: map[taintKey]taintFrame{}, taintDeep: -1,
		localDirs: map[localDirKey]string{}, jsFiles: map[localDirKey]int{}, pyLocal: map[pyLocalKey]bool{}}
}
