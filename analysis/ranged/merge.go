package ranged

import (
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// span is a byte range [a, b).
type span struct{ a, b int }

// merger builds the facts of the new text from the old facts of the chunks
// that were not re-extracted (shifted past the edit) and the facts of the
// compact text (mapped back to the text).
type merger struct {
	old, comp    *facts.File
	segs         []segment
	delta        int // bytes the edit added
	lineDelta    int // lines the edit added
	rsOld, reOld int // R in the old text
	text         []byte
	// replaced are the old ranges whose facts the compact text replaces, sorted.
	replaced []span
	// droppedNames are the names declared by chunks that were not re-extracted.
	droppedNames map[string]bool

	oldMap, compMap []int // function index → merged index (-1: gone)
	arena           arena
	missing         bool // a kept fact refers to a function that is gone
}

// keptOld reports whether an old fact at offset stays (it lies outside
// every replaced range).
func (m *merger) keptOld(offset int) bool {
	i := sort.Search(len(m.replaced), func(i int) bool { return m.replaced[i].b > offset })
	return i == len(m.replaced) || offset < m.replaced[i].a
}

func (m *merger) shiftPos(p source.Pos) source.Pos {
	if p.Offset >= m.reOld {
		p.Offset += m.delta
		p.Line += m.lineDelta
	}
	return p
}

func (m *merger) shiftSpan(s source.Span) source.Span {
	return source.Span{Start: m.shiftPos(s.Start), End: m.shiftPos(s.End)}
}

// compPos maps a position of the compact text to the text. Lines are copied
// whole, so columns are unchanged. An end position at a segment boundary
// belongs to the segment it ends.
func (m *merger) compPos(p source.Pos, end bool) source.Pos {
	i := sort.Search(len(m.segs), func(i int) bool {
		sg := m.segs[i]
		e := sg.cstart + (sg.end - sg.start)
		if end {
			return e >= p.Offset
		}
		return e > p.Offset
	})
	if i == len(m.segs) {
		i = len(m.segs) - 1
	}
	sg := m.segs[i]
	return source.Pos{Offset: sg.start + p.Offset - sg.cstart, Line: sg.cline + p.Line - sg.ccline, Col: p.Col, Col16: p.Col16}
}

func (m *merger) compSpan(s source.Span) source.Span {
	if s.Start.Offset == s.End.Offset {
		p := m.compPos(s.Start, false)
		return source.Span{Start: p, End: p}
	}
	return source.Span{Start: m.compPos(s.Start, false), End: m.compPos(s.End, true)}
}

// rewriter rewrites the spans and function indexes of facts of one origin.
type rewriter struct {
	span func(source.Span) source.Span
	fn   func(int) int
	a    *arena // nil: allocate each slice
	// sameFns: fn is the identity on every index this origin uses.
	sameFns bool
}

// arena hands out slices carved from large blocks: a merge copies thousands
// of small argument and reference lists, and allocating each costs more
// than the copying.
type arena struct {
	args    []facts.Arg
	refs    []facts.ParamRef
	lcs     []facts.LocalCall
	callees []facts.Callee
}

const arenaBlock = 4096

func carve[T any](pool *[]T, n int) []T {
	if n > cap(*pool)-len(*pool) {
		// Blocks double from 64 up to arenaBlock, so a small merge
		// zeroes little memory it does not use.
		*pool = make([]T, 0, max(n, min(arenaBlock, 2*cap(*pool)), 64))
	}
	i := len(*pool)
	*pool = (*pool)[:i+n]
	return (*pool)[i : i+n : i+n]
}

func makeSlice[T any](a *arena, pool func(*arena) *[]T, n int) []T {
	if a == nil {
		return make([]T, n)
	}
	return carve(pool(a), n)
}

func argPool(a *arena) *[]facts.Arg       { return &a.args }
func refPool(a *arena) *[]facts.ParamRef  { return &a.refs }
func lcPool(a *arena) *[]facts.LocalCall  { return &a.lcs }
func calleePool(a *arena) *[]facts.Callee { return &a.callees }

func (m *merger) oldRW() rewriter {
	return rewriter{span: m.shiftSpan, fn: func(i int) int { return m.mapFn(m.oldMap, i) }, a: &m.arena}
}

func (m *merger) compRW() rewriter {
	return rewriter{span: m.compSpan, fn: func(i int) int { return m.mapFn(m.compMap, i) }, a: &m.arena}
}

func (m *merger) mapFn(table []int, i int) int {
	if i < 0 {
		return i
	}
	if i >= len(table) || table[i] < 0 {
		m.missing = true
		return -1
	}
	return table[i]
}

func (r rewriter) refs(in []facts.ParamRef) []facts.ParamRef {
	if in == nil || r.sameFns {
		return in // references hold no positions: shared when indexes stay
	}
	out := makeSlice(r.a, refPool, len(in))
	for i, p := range in {
		p.Fn = r.fn(p.Fn)
		out[i] = p
	}
	return out
}

func (r rewriter) callee(c facts.Callee) facts.Callee {
	c.Func = r.fn(c.Func)
	c.Span = r.span(c.Span)
	return c
}

// arg rewrites an argument's function indexes. Arguments hold no
// positions, so when the indexes stay they are shared, not copied.
func (r rewriter) arg(a facts.Arg) facts.Arg {
	if r.sameFns {
		return a
	}
	a.Func = r.fn(a.Func)
	a.Refs = r.refs(a.Refs)
	if a.Tail != nil {
		t := *a.Tail
		t.Fn = r.fn(t.Fn)
		a.Tail = &t
	}
	if a.Props != nil {
		props := make(map[string]facts.Arg, len(a.Props))
		for k, v := range a.Props {
			props[k] = r.arg(v)
		}
		a.Props = props
	}
	a.Elems = r.args(a.Elems)
	return a
}

func (r rewriter) args(in []facts.Arg) []facts.Arg {
	if in == nil || r.sameFns {
		return in
	}
	out := makeSlice(r.a, argPool, len(in))
	for i, a := range in {
		out[i] = r.arg(a)
	}
	return out
}

func (r rewriter) localCall(c facts.LocalCall) facts.LocalCall {
	c.Callee = r.callee(c.Callee)
	c.Args = r.args(c.Args)
	c.Receiver = r.refs(c.Receiver)
	c.Span = r.span(c.Span)
	return c
}

func (r rewriter) call(c facts.Call) facts.Call {
	c.Func = r.fn(c.Func)
	c.Span = r.span(c.Span)
	c.CalleeSpan = r.span(c.CalleeSpan)
	c.Args = r.args(c.Args)
	if c.Recv != nil && !r.sameFns {
		a := r.arg(*c.Recv)
		c.Recv = &a
	}
	c.KeyRefs = r.refs(c.KeyRefs)
	return c
}

// function rewrites a function except its LocalCalls and Refs (the module
// function's are merged by location).
func (r rewriter) function(f facts.Function) facts.Function {
	f.Parent = r.fn(f.Parent)
	f.Span = r.span(f.Span)
	f.NameSpan = r.span(f.NameSpan)
	f.Returns = r.refs(f.Returns)
	if f.LocalCalls != nil {
		lc := makeSlice(r.a, lcPool, len(f.LocalCalls))
		for i, c := range f.LocalCalls {
			lc[i] = r.localCall(c)
		}
		f.LocalCalls = lc
	}
	if f.Refs != nil {
		refs := makeSlice(r.a, calleePool, len(f.Refs))
		for i, c := range f.Refs {
			refs[i] = r.callee(c)
		}
		f.Refs = refs
	}
	return f
}

func (r rewriter) tool(t facts.Tool) facts.Tool {
	t.NameSpan = r.span(t.NameSpan)
	t.Span = r.span(t.Span)
	t.Handler = r.fn(t.Handler)
	t.Dispatcher = r.fn(t.Dispatcher)
	if t.HandlerRef != nil {
		c := r.callee(*t.HandlerRef)
		t.HandlerRef = &c
	}
	if t.AnnotationSpans != nil {
		as := make(map[string]source.Span, len(t.AnnotationSpans))
		for k, v := range t.AnnotationSpans {
			as[k] = r.span(v)
		}
		t.AnnotationSpans = as
	}
	return t
}

// merge builds the new facts.
func (m *merger) merge() (*facts.File, error) {
	old, comp := m.old, m.comp
	if len(old.Functions) == 0 || len(comp.Functions) == 0 {
		return nil, whole("facts without a module function")
	}
	if len(old.ParseErrors) >= 50 {
		return nil, whole("too many parse errors to merge")
	}
	if len(old.TooDeep) > 0 || len(comp.TooDeep) > 0 {
		// Depth is counted from the root: a chunk's own count says nothing.
		return nil, whole("the file nests too deep to analyse")
	}
	// Functions: the module, then every other function by position.
	type ref struct {
		comp bool
		i    int
		at   source.Span // in the text
	}
	fns := make([]ref, 0, len(old.Functions)+len(comp.Functions))
	for i := 1; i < len(old.Functions); i++ {
		if m.keptOld(old.Functions[i].Span.Start.Offset) {
			fns = append(fns, ref{false, i, m.shiftSpan(old.Functions[i].Span)})
		}
	}
	for i := 1; i < len(comp.Functions); i++ {
		fns = append(fns, ref{true, i, m.compSpan(comp.Functions[i].Span)})
	}
	sort.SliceStable(fns, func(a, b int) bool {
		x, y := fns[a].at, fns[b].at
		if x.Start.Offset != y.Start.Offset {
			return x.Start.Offset < y.Start.Offset
		}
		return x.End.Offset > y.End.Offset
	})
	m.oldMap = make([]int, len(old.Functions))
	m.compMap = make([]int, len(comp.Functions))
	for i := range m.oldMap {
		m.oldMap[i] = -1
	}
	for i := range m.compMap {
		m.compMap[i] = -1
	}
	m.oldMap[0], m.compMap[0] = 0, 0
	byPos := map[[2]int]int{} // re-extracted functions by position in the text
	for k, r := range fns {
		if r.comp {
			m.compMap[r.i] = k + 1
			byPos[[2]int{r.at.Start.Offset, r.at.End.Offset}] = k + 1
		} else {
			m.oldMap[r.i] = k + 1
		}
	}
	// Old functions of re-extracted chunks outside R keep their identity
	// (their text is unchanged), so kept facts may still refer to them.
	for i := 1; i < len(old.Functions); i++ {
		if m.oldMap[i] >= 0 {
			continue
		}
		sp := old.Functions[i].Span
		if sp.Start.Offset >= m.rsOld && sp.Start.Offset < m.reOld {
			continue
		}
		sp = m.shiftSpan(sp)
		if k, ok := byPos[[2]int{sp.Start.Offset, sp.End.Offset}]; ok {
			m.oldMap[i] = k
		}
	}
	orw, crw := m.oldRW(), m.compRW()
	// When every kept old function keeps its index (the usual case: an
	// edit inside a body), old facts before R change neither positions nor
	// indexes and are shared, not copied. Facts are never mutated.
	identity := true
	for i, k := range m.oldMap {
		if k >= 0 && k != i {
			identity = false
			break
		}
	}
	before := func(sp source.Span) bool { return identity && sp.End.Offset <= m.rsOld }
	orw.sameFns = identity

	f := &facts.File{Path: old.Path, Lang: old.Lang, Package: old.Package}
	f.Functions = make([]facts.Function, len(fns)+1)
	// The module function: its calls and references by location.
	mod := old.Functions[0]
	// The module spans the file as the extractor saw it: keep its ends,
	// taking one inside R from the compact text.
	cm := comp.Functions[0].Span
	if mod.Span.Start.Offset >= m.rsOld {
		mod.Span.Start = m.compPos(cm.Start, false)
	}
	if mod.Span.End.Offset < m.reOld || m.reOld >= len(m.text)-m.delta {
		mod.Span.End = m.compPos(cm.End, true)
	} else {
		mod.Span.End = m.shiftPos(mod.Span.End)
	}
	// NameSpan stays: the module is named at offset 0 whatever the edit.
	mod.LocalCalls, mod.Refs = nil, nil
	for _, c := range old.Functions[0].LocalCalls {
		if m.keptOld(c.Span.Start.Offset) {
			mod.LocalCalls = append(mod.LocalCalls, orw.localCall(c))
		}
	}
	for _, c := range comp.Functions[0].LocalCalls {
		mod.LocalCalls = append(mod.LocalCalls, crw.localCall(c))
	}
	for _, c := range old.Functions[0].Refs {
		if m.keptOld(c.Span.Start.Offset) {
			mod.Refs = append(mod.Refs, orw.callee(c))
		}
	}
	for _, c := range comp.Functions[0].Refs {
		mod.Refs = append(mod.Refs, crw.callee(c))
	}
	sortLocalCalls(mod.LocalCalls)
	sortCallees(mod.Refs)
	f.Functions[0] = mod
	for k, r := range fns {
		if r.comp {
			f.Functions[k+1] = crw.function(comp.Functions[r.i])
		} else if fn := old.Functions[r.i]; before(fn.Span) {
			f.Functions[k+1] = fn
		} else {
			f.Functions[k+1] = orw.function(fn)
		}
	}

	f.Calls = make([]facts.Call, 0, len(old.Calls)+len(comp.Calls))
	for _, c := range old.Calls {
		if !m.keptOld(c.Span.Start.Offset) {
			continue
		}
		if before(c.Span) {
			f.Calls = append(f.Calls, c)
		} else {
			f.Calls = append(f.Calls, orw.call(c))
		}
	}
	for _, c := range comp.Calls {
		f.Calls = append(f.Calls, crw.call(c))
	}
	// Calls stay in extraction order (old, then re-extracted): consumers
	// sort what they report, and sorting thousands of large structs costs
	// more than the rest of the merge.

	f.Tools = make([]facts.Tool, 0, len(old.Tools)+len(comp.Tools))
	for _, t := range old.Tools {
		if m.keptOld(t.Span.Start.Offset) {
			f.Tools = append(f.Tools, orw.tool(t))
		}
	}
	for _, t := range comp.Tools {
		f.Tools = append(f.Tools, crw.tool(t))
	}
	sort.SliceStable(f.Tools, func(i, j int) bool { return f.Tools[i].Span.Start.Offset < f.Tools[j].Span.Start.Offset })

	for _, im := range old.Imports {
		if m.keptOld(im.Span.Start.Offset) {
			im.Span = m.shiftSpan(im.Span)
			f.Imports = append(f.Imports, im)
		}
	}
	for _, im := range comp.Imports {
		im.Span = m.compSpan(im.Span)
		f.Imports = append(f.Imports, im)
	}
	sort.SliceStable(f.Imports, func(i, j int) bool { return f.Imports[i].Span.Start.Offset < f.Imports[j].Span.Start.Offset })

	for _, s := range old.Suppressions {
		if m.keptOld(s.Span.Start.Offset) {
			s.Span = m.shiftSpan(s.Span)
			s.Line = s.Span.Start.Line
			f.Suppressions = append(f.Suppressions, s)
		}
	}
	for _, s := range comp.Suppressions {
		s.Span = m.compSpan(s.Span)
		s.Line = s.Span.Start.Line
		f.Suppressions = append(f.Suppressions, s)
	}
	sort.SliceStable(f.Suppressions, func(i, j int) bool {
		return f.Suppressions[i].Span.Start.Offset < f.Suppressions[j].Span.Start.Offset
	})

	for _, s := range old.ParseErrors {
		if m.keptOld(s.Start.Offset) {
			// How the parser recovers in a chunk that was not re-extracted
			// may depend on the edit: measured, it does.
			return nil, whole("the file has syntax errors outside the edit")
		}
	}
	for _, s := range comp.ParseErrors {
		f.ParseErrors = append(f.ParseErrors, m.compSpan(s))
	}
	if len(f.ParseErrors) >= 50 || len(comp.ParseErrors) >= 50 {
		return nil, whole("too many parse errors to merge")
	}
	sort.SliceStable(f.ParseErrors, func(i, j int) bool { return f.ParseErrors[i].Start.Offset < f.ParseErrors[j].Start.Offset })

	// Exports belong to the chunk declaring their name (CommonJS export
	// chunks are always re-extracted): kept old ones stay unless re-exported.
	for name, i := range old.Exports {
		root, _, _ := strings.Cut(name, ".") // "tool.handler": a function property of a constant object
		if _, again := comp.Exports[name]; again || !m.droppedNames[root] {
			continue
		}
		if i > 0 && i < len(m.oldMap) && m.oldMap[i] > 0 {
			if f.Exports == nil {
				f.Exports = map[string]int{}
			}
			f.Exports[name] = m.oldMap[i]
		}
	}
	for name, i := range comp.Exports {
		if f.Exports == nil {
			f.Exports = map[string]int{}
		}
		f.Exports[name] = m.mapFn(m.compMap, i)
	}
	if len(old.Lists) > 0 || len(comp.Lists) > 0 {
		return nil, whole("tool lists need a whole-file extraction")
	}
	// Constants belong to the chunk declaring their first name.
	for k, v := range old.Constants {
		root := k
		if i := strings.IndexAny(k, ".("); i >= 0 {
			root = k[:i] // CONFIG.url, getConfig().url
		}
		if m.droppedNames[root] {
			if f.Constants == nil {
				f.Constants = map[string]string{}
			}
			f.Constants[k] = v
		}
	}
	for k, v := range comp.Constants {
		if f.Constants == nil {
			f.Constants = map[string]string{}
		}
		f.Constants[k] = v
	}
	if lang.For(old.Lang).TypedAcrossPackage() && (len(old.Types) > 0 || len(comp.Types) > 0) {
		return nil, whole("package types need a whole-file extraction")
	}
	// Types (what a top-level name, function or class holds) belong, as
	// constants do, to the chunk declaring their first name.
	for k, v := range old.Types {
		root := k
		if i := strings.IndexAny(k, ".("); i >= 0 {
			root = k[:i]
		}
		if _, again := comp.Types[k]; again || !m.droppedNames[root] {
			continue
		}
		if f.Types == nil {
			f.Types = map[string]string{}
		}
		f.Types[k] = v
	}
	for k, v := range comp.Types {
		if f.Types == nil {
			f.Types = map[string]string{}
		}
		f.Types[k] = v
	}
	if m.missing {
		return nil, whole("a kept fact refers to a function the edit removed")
	}
	return f, nil
}

func sortLocalCalls(cs []facts.LocalCall) {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Span.Start.Offset < cs[j].Span.Start.Offset })
}

func sortCallees(cs []facts.Callee) {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Span.Start.Offset < cs[j].Span.Start.Offset })
}
