package link

import (
	"math/bits"
	"slices"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/lang"
)

// result decides, for every rule match of every file, what the other files
// decide (see linkOut.assemble for the findings).
func (ix *index) result() *linkOut {
	out := &linkOut{files: ix.files, statics: ix.statics,
		links: make([][]linked, len(ix.files)), bads: make([][]finding.Finding, len(ix.files))}
	// Files in the caller's order, candidates in emission order: taint is
	// memoised with cycle cuts, so the order of evaluation is part of the result.
	for i, f := range ix.files {
		st := ix.statics[i]
		if len(st.cands) == 0 && len(f.Suppressions) == 0 {
			continue
		}
		ls := make([]linked, len(st.cands))
		for k := range st.cands {
			cd := &st.cands[k]
			c := &f.Calls[cd.call]
			if cd.dynamic && ix.isLocalModule(i, c) {
				continue
			}
			ix.link(&ls[k], i, c, cd)
		}
		out.links[i] = ls
		out.bads[i] = fileBadSuppressions(f, st, ls)
	}
	out.constRead = ix.constRead
	out.deep = ix.deepTaintFinding()
	out.tools = make([]toolRef, len(ix.tools))
	for t, ti := range ix.tools {
		out.tools[t] = toolRef{name: ti.name, expr: ti.expr, file: ti.file, k: ti.k}
	}
	return out
}

// linkOut is a link's outcome per file: rule matches (statics), what the
// other files decide about each (links), suppression findings, and tools.
// It is immutable once built: the next link of the root may reuse it.
type linkOut struct {
	files   []*facts.File // as linked (Go files with rewritten calls are copies)
	statics []*fileStatic
	links   [][]linked
	bads    [][]finding.Finding
	tools   []toolRef
	// constRead: index.constRead of the links this one builds on.
	constRead map[fnSite]bool
	// deep reports taint questions not followed (maxTaintStack).
	deep []finding.Finding
}

// toolRef is a registered tool: its resolved name, file and index there.
type toolRef struct {
	name    string
	expr    string // unresolved name expression, "" when name is resolved
	file, k int
}

// assemble builds the Result: findings and suppressed findings sorted as
// finding.Sort sorts them, and tool summaries.
func (o *linkOut) assemble(root string) *finding.Result {
	res := &finding.Result{Root: root}
	nFind, nSupp := 0, 0
	drivers := o.sqlDrivers()
	for i, ls := range o.links {
		cands := o.statics[i].cands
		for k := range ls {
			if !ls[k].keep || !drivers.hold(&cands[k]) {
				continue
			}
			if cands[k].supp >= 0 {
				nSupp++
			} else {
				nFind++
			}
		}
		nFind += len(o.bads[i])
	}
	// Each file's findings are sorted (candidates in their cached order,
	// merged with the suppression findings, which sort after an equal
	// candidate as they were appended after them); files are taken in path
	// order, which gives the order finding.Sort would.
	order, dupPaths := filesByPath(o.files)
	res.Findings = make([]finding.Finding, 0, nFind)
	if nSupp > 0 {
		res.Suppressed = make([]finding.Finding, 0, nSupp)
	}
	for _, i := range order {
		f, st, ls, bad := o.files[i], o.statics[i], o.links[i], o.bads[i]
		if ls == nil {
			continue
		}
		for _, k := range st.order {
			l := &ls[k]
			cd := &st.cands[k]
			if !l.keep || !drivers.hold(cd) {
				continue
			}
			if cd.supp >= 0 {
				res.Suppressed = res.Suppressed[:len(res.Suppressed)+1]
				cd.fill(&res.Suppressed[len(res.Suppressed)-1], f, l)
				continue
			}
			res.Findings = res.Findings[:len(res.Findings)+1]
			fd := &res.Findings[len(res.Findings)-1]
			cd.fill(fd, f, l)
			if len(bad) > 0 && finding.Compare(&bad[0], fd) < 0 {
				// Rare: slide the suppression findings that sort before it in front.
				held := *fd
				res.Findings = res.Findings[:len(res.Findings)-1]
				for len(bad) > 0 && finding.Compare(&bad[0], &held) < 0 {
					res.Findings = append(res.Findings, bad[0])
					bad = bad[1:]
				}
				res.Findings = append(res.Findings, held)
			}
		}
		res.Findings = append(res.Findings, bad...)
	}
	if dupPaths {
		// Files sharing a path interleave: sort them as a whole (stable, so
		// equal findings keep the caller's file order, as before).
		finding.Sort(res.Findings)
		finding.Sort(res.Suppressed)
	}
	res.Tools = o.toolSummaries(res.Findings, order, dupPaths)
	return res
}

// filesByPath returns the file indices ordered by path (stable) and whether
// two files share a path.
func filesByPath(files []*facts.File) ([]int, bool) {
	order := make([]int, len(files))
	sorted := true
	for i := range order {
		order[i] = i
		if i > 0 && files[i-1].Path > files[i].Path {
			sorted = false
		}
	}
	if !sorted {
		slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(files[a].Path, files[b].Path) })
	}
	for k := 1; k < len(order); k++ {
		if files[order[k-1]].Path == files[order[k]].Path {
			return order, true
		}
	}
	return order, false
}

// link decides what the other files decide about a candidate: the tools
// and start-up code reaching the call, and tool-input taint.
func (ix *index) link(l *linked, file int, c *facts.Call, cd *candidate) {
	fn := ix.base[file] + fnID(c.Func)
	l.keep = true
	l.tools = ix.toolNamesOf(fn)
	l.server = ix.serverReach[fn] || len(l.tools) == 0

	ix.linkTaint(l, file, c, cd)
	ix.linkConst(l, file, c, cd)
}

// apiName is the readable form of a resolved symbol.
func apiName(x lang.Language, c *facts.Call) string {
	mod, global := x.APIModule(c.Module)
	if global {
		return c.Member
	}
	switch {
	case c.Member == "":
		return mod
	case strings.HasPrefix(c.Member, "("):
		return mod + c.Member // the module value called: express().listen
	}
	return mod + "." + c.Member
}

// toolSummaries lists the tools, by file and position, with the
// capabilities of the findings they reach. order and dupPaths are
// filesByPath's.
func (o *linkOut) toolSummaries(fs []finding.Finding, order []int, dupPaths bool) []finding.Tool {
	// Capabilities per tool name as a bit set over the known capabilities
	// (rules only use those; others, never seen, go to a list).
	masks := make(map[string]uint64, len(o.tools))
	var other map[string][]capability.ID
	for i := range fs {
		f := &fs[i]
		if f.Kind != finding.KindCapability {
			continue
		}
		bit, known := capBits[f.Capability]
		for _, t := range f.Tools {
			if known {
				masks[t] |= bit
			} else if !slices.Contains(other[t], f.Capability) {
				if other == nil {
					other = map[string][]capability.ID{}
				}
				other[t] = append(other[t], f.Capability)
			}
		}
	}
	byFile := make([][]int, len(o.files))
	for k, tr := range o.tools {
		byFile[tr.file] = append(byFile[tr.file], k)
	}
	out := make([]finding.Tool, 0, len(o.tools))
	for _, i := range order {
		start := len(out)
		for _, k := range byFile[i] {
			tr := &o.tools[k]
			ft := &o.files[i].Tools[tr.k]
			t := finding.Tool{Name: tr.name, NameUnresolved: tr.expr != "", Expression: tr.expr, File: o.files[i].Path, Span: ft.Span, NameSpan: ft.NameSpan,
				SDK: ft.SDK, Annotations: ft.Annotations, AnnotationSpans: ft.AnnotationSpans,
				Capabilities: capsOf(masks[tr.name], other[tr.name])}
			out = append(out, t)
		}
		slices.SortStableFunc(out[start:], func(a, b finding.Tool) int { return a.Span.Start.Offset - b.Span.Start.Offset })
	}
	if dupPaths {
		sort.SliceStable(out, func(i, j int) bool {
			if out[i].File != out[j].File {
				return out[i].File < out[j].File
			}
			return out[i].Span.Start.Offset < out[j].Span.Start.Offset
		})
	}
	return mergeSites(out)
}

// mergeSites folds the later registrations of a resolved name into the
// first as Sites: a server has one tool per name (the manifest keys by it,
// capabilities are already per name). Each keeps its annotations (the
// maps are the facts', never written). Unresolved names stay apart.
func mergeSites(out []finding.Tool) []finding.Tool {
	first := make(map[string]int, len(out))
	n := 0
	for _, t := range out {
		if t.NameUnresolved {
			out[n] = t
			n++
			continue
		}
		k, dup := first[t.Name]
		if !dup {
			first[t.Name] = n
			out[n] = t
			n++
			continue
		}
		ft := &out[k]
		if ft.File != t.File || ft.Span != t.Span {
			ft.Sites = append(ft.Sites, finding.ToolSite{File: t.File, Span: t.Span, NameSpan: t.NameSpan,
				Annotations: t.Annotations, AnnotationSpans: t.AnnotationSpans})
		}
	}
	clear(out[n:])
	return out[:n]
}

// capBits numbers the known capabilities in sorted order, so a bit set
// lists them sorted.
var capBits, capByBit = func() (map[capability.ID]uint64, []capability.ID) {
	var ids []capability.ID
	for _, info := range capability.All() {
		ids = append(ids, info.ID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) > 64 {
		ids = ids[:64] // the rest are listed the slow way
	}
	bits := make(map[capability.ID]uint64, len(ids))
	for i, id := range ids {
		bits[id] = 1 << i
	}
	return bits, ids
}()

// capsOf lists the capabilities of a bit set plus others, sorted.
func capsOf(mask uint64, others []capability.ID) []capability.ID {
	out := make([]capability.ID, 0, bits.OnesCount64(mask)+len(others))
	for i, id := range capByBit {
		if mask&(1<<i) != 0 {
			out = append(out, id)
		}
	}
	if len(others) > 0 {
		out = append(out, others...)
		slices.Sort(out)
	}
	return out
}

func sortedUnique(s []string) []string {
	if len(s) == 0 {
		return []string{}
	}
	sort.Strings(s)
	out := s[:1]
	for _, x := range s[1:] {
		if x != out[len(out)-1] {
			out = append(out, x)
		}
	}
	return out
}
