// Package ranged re-extracts the facts of an edited file from the part of it
// an edit can affect, instead of the whole file.
//
// A file is cut into chunks: runs of whole lines holding top-level
// statements. An edit re-extracts the chunks it touches, the chunks that
// depend on them (they mention a name those chunks declare, transitively),
// and what all of those depend on in turn (chunks declaring the names they
// mention, chunks sharing a mutable module name, low-level dispatch chunks).
// Those chunks are copied, whole lines and in order, into a compact text,
// which is parsed and extracted by the language's own extractor; positions
// are mapped back, and the facts of every other chunk are kept, shifted past
// the edit. The compact text of a 10,000-line server is typically a few
// dozen lines, so an edit costs a small parse and extraction instead of a
// whole-file one.
//
// When the edit cannot be confined (it touches many chunks, breaks the
// statement structure around it, or the file is a bundle of one huge
// statement), Update says so and the caller extracts the whole file. The
// language server also re-extracts the whole file once the document is idle
// and publishes any difference: the chunk links are conservative but
// built from names, not from the extractors' own dependencies.
package ranged

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"unicode/utf8"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/analysis/source"
	"github.com/mcpriv/mcpriv/analysis/syntax"
)

// Supported reports whether files of lang can be updated by range (Go files
// are package-typed across files and keep whole-file extraction).
func Supported(l source.Lang) bool {
	x := lang.For(l)
	return x != nil && x.RangedSupported()
}

// State is what ranged extraction keeps of one analysed document: its text,
// facts and chunks. A State is immutable; Update returns a new one.
type State struct {
	lang   source.Lang
	text   []byte
	lines  *source.Lines
	facts  *facts.File
	chunks []chunk
}

// Facts returns the facts the state holds.
func (s *State) Facts() *facts.File { return s.facts }

// New builds the state of text from its full syntax tree and its facts
// (extracted from that tree). It returns nil for unsupported languages.
func New(lang source.Lang, text []byte, lines *source.Lines, tree *sitter.Tree, f *facts.File) *State {
	if !Supported(lang) || tree == nil || f == nil {
		return nil
	}
	root := tree.RootNode()
	if root == nil || root.IsError() {
		return nil
	}
	if lines == nil {
		lines = source.NewLines(text)
	}
	nodes := topLevel(tree)
	chunks := group(nodes, text, lines, 0, len(text))
	describe(chunks, nodes, lang, text)
	return &State{lang: lang, text: text, lines: lines, facts: f, chunks: chunks}
}

// Hooks are the parser and extractor Update uses on the compact text.
type Hooks struct {
	Parse   func(src []byte) (*sitter.Tree, error)
	Extract func(src []byte, tree *sitter.Tree) (*facts.File, error)
	// Full, when set, returns the syntax tree of the whole new text (the
	// language server's incremental parse; Update does not close it). It is
	// asked for only when the edited code has syntax errors, to check that
	// the file parses them as the compact text does, and runs on another
	// goroutine, at the same time as Parse and Extract; it is over before
	// Update returns.
	Full func() (*sitter.Tree, error)
}

// ErrWhole means the edit cannot be confined: extract the whole file.
var ErrWhole = errors.New("ranged: the edit needs a whole-file extraction")

func whole(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrWhole, fmt.Sprintf(format, args...))
}

// Limits on the compact text, past which a whole-file extraction is as cheap.
const (
	maxKeptFraction = 3       // at most 1/3 of the file
	maxKeptBytes    = 1 << 20 // and at most 1 MiB
)

// Update returns the facts of text (the document after edits to s.text) and
// the state for it. lines indexes text. Facts carry Path, Lang and Package of
// the old facts; Hash is left empty for the caller.
func (s *State) Update(text []byte, lines *source.Lines, h Hooks) (*facts.File, *State, error) {
	if s == nil {
		return nil, nil, whole("no previous state")
	}
	if lines == nil {
		lines = source.NewLines(text)
	}
	old := s.text
	// The changed range: old[p:len(old)-q] became text[p:len(text)-q].
	p := commonPrefix(old, text)
	q := commonSuffix(old[p:], text[p:])
	delta := len(text) - len(old)
	oldLines := s.lines
	if p == len(old) && q == 0 && delta == 0 {
		return s.facts, s, nil // no change
	}
	eOld := len(old) - q
	if !utf8.Valid(text) {
		// Bytes that are not UTF-8 make the parser's error recovery reach
		// past the statement they are in, so a chunk parsed alone need not
		// read as it does in the file (FuzzUpdate found os.system missed).
		return nil, nil, whole("the file holds bytes that are not UTF-8")
	}

	// R: the chunks (and gap lines) the edit touches, in old coordinates.
	rs := oldLines.LineStart(oldLines.Pos(p).Line)
	re := oldLines.LineStart(oldLines.Pos(eOld).Line + 1)
	first, last := -1, -1 // chunk indexes inside R
	for changed := true; changed; {
		changed = false
		for i, c := range s.chunks {
			if c.start < re && c.end > rs || c.start == rs && c.end == rs {
				if first < 0 || i < first {
					first = i
				}
				last = max(last, i)
			}
		}
		if first >= 0 {
			if s.chunks[first].start < rs {
				rs, changed = s.chunks[first].start, true
			}
			if s.chunks[last].end > re {
				re, changed = s.chunks[last].end, true
			}
		}
		// Python: an indented first line continues the statement above it.
		if lang.For(s.lang).IndentedBlocks() && rs > 0 {
			if c := bytes.TrimLeft(old[rs:re], "\r\n"); len(c) > 0 && (c[0] == ' ' || c[0] == '\t') {
				i := sort.Search(len(s.chunks), func(i int) bool { return s.chunks[i].end > rs-1 }) // chunk ending at or before rs
				if i < len(s.chunks) && s.chunks[i].start < rs {
					rs, changed = s.chunks[i].start, true
				} else if i > 0 {
					rs, changed = s.chunks[i-1].start, true
				} else {
					rs, changed = 0, true
				}
			}
		}
	}
	if first < 0 { // R holds only gap lines: the chunks around it bound it
		first = sort.Search(len(s.chunks), func(i int) bool { return s.chunks[i].start >= re })
		last = first
	} else {
		last++ // exclusive
	}
	lineDelta := lines.Count() - oldLines.Count()
	rsNew, reNew := rs, re+delta

	// The chunks of the new text: before R, then R's (unknown until the
	// compact parse), then after R, shifted.
	before := s.chunks[:first]
	after := make([]chunk, len(s.chunks)-last)
	for i, c := range s.chunks[last:] {
		c.start += delta
		c.end += delta
		after[i] = c
	}

	// What depends on R is found from the names R declared before the edit;
	// if the edit declares new ones, the closure is taken again with them.
	var rDecl []string
	for _, c := range s.chunks[first:last] {
		rDecl = append(rDecl, c.declares...)
	}
	others := make([]chunk, 0, len(before)+len(after))
	others = append(append(others, before...), after...)
	// Broken code needs the file's own parse: it runs on another goroutine
	// while the compact text is extracted and merged, and is over before
	// Update returns (the tree is the caller's).
	fp := &fileParse{full: h.Full}
	defer fp.finish()
	var run *compactRun
	for attempt := 0; ; attempt++ {
		kept, err := closure(text, others, rsNew, reNew, rDecl, len(before))
		if err != nil {
			return nil, nil, err
		}
		if run != nil {
			run.close()
		}
		run, err = s.compact(text, lines, others, kept, rsNew, reNew, h, fp)
		if err != nil {
			return nil, nil, err
		}
		known := map[string]bool{}
		for _, d := range rDecl {
			known[d] = true
		}
		grew := false
		for _, c := range run.rChunks {
			for _, d := range c.declares {
				if !known[d] {
					known[d], grew = true, true
					rDecl = append(rDecl, d)
				}
			}
		}
		if !grew {
			break
		}
		if attempt == 1 {
			run.close()
			return nil, nil, whole("the edit keeps declaring new names")
		}
	}
	defer run.close()
	segs, cf, rChunks, kept := run.segs, run.facts, run.rChunks, run.kept
	chunks := make([]chunk, 0, len(before)+len(rChunks)+len(after))
	chunks = append(append(append(chunks, before...), rChunks...), after...)

	m := &merger{
		old: s.facts, comp: cf, segs: segs, delta: delta, lineDelta: lineDelta,
		rsOld: rs, reOld: re, text: text,
	}
	// Old facts in kept chunks are replaced, like those in R.
	m.replaced = append(m.replaced, span{rs, re})
	for _, sg := range segs {
		if sg.isR {
			continue
		}
		a, b := sg.start, sg.end
		if a >= reNew {
			a, b = a-delta, b-delta
		}
		m.replaced = append(m.replaced, span{a, b})
	}
	sort.Slice(m.replaced, func(i, j int) bool { return m.replaced[i].a < m.replaced[j].a })
	dropped := map[string]bool{}
	keptSet := make([]bool, len(others))
	for _, i := range kept {
		keptSet[i] = true
	}
	for i, c := range others {
		if !keptSet[i] {
			for _, d := range c.declares {
				dropped[d] = true
			}
		}
	}
	m.droppedNames = dropped
	f, err := m.merge()
	if err != nil {
		return nil, nil, err
	}
	if run.verify != nil {
		if err := run.verify(); err != nil {
			return nil, nil, err
		}
	}
	return f, &State{lang: s.lang, text: text, lines: lines, facts: f, chunks: chunks}, nil
}

// segment is a run of the text copied into the compact text.
type segment struct {
	start, end int // in the text
	cstart     int // in the compact text
	cline      int // line of start in the text
	ccline     int // line of cstart in the compact text
	isR        bool
	broken     bool // its compact parse has syntax errors
}

// closure returns the indexes (in others, sorted) of the chunks to
// re-extract with R = text[rs:re]: those depending on R (mentioning a name in
// rDecl, what R declared before or after the edit, transitively), and what
// they all depend on (chunks declaring a name they mention, chunks sharing a
// mutable name, low-level dispatch chunks). split is the index in others
// where the chunks after R begin: R's neighbours are kept so error recovery
// inside R sees the same surroundings.
func closure(text []byte, others []chunk, rs, re int, rDecl []string, split int) ([]int, error) {
	declaredBy := make(map[string][]int, len(others))
	mutable := map[string]bool{}
	for i, c := range others {
		for _, d := range c.declares {
			declaredBy[d] = append(declaredBy[d], i)
		}
		for _, d := range c.mutable {
			mutable[d] = true
		}
	}
	limit := len(text)/maxKeptFraction + 4096
	size := re - rs
	in := make([]bool, len(others))
	var out, queue []int
	add := func(i int) bool {
		if i >= 0 && i < len(others) && !in[i] {
			in[i] = true
			out = append(out, i)
			queue = append(queue, i)
			size += others[i].end - others[i].start
		}
		return size <= limit
	}
	add(split - 1)
	add(split)
	for i, c := range others {
		if c.opaque && !add(i) {
			return nil, whole("the edit reaches more than a third of the file (%d bytes, %d chunks)", size, len(out))
		}
	}
	// Up: chunks mentioning a name R, or a chunk depending on R, declares.
	upNames := append([]string(nil), rDecl...)
	up := make([]bool, len(others)) // chunks known to depend on R (kept ones too)
	seenName := map[string]bool{}
	for len(upNames) > 0 {
		name := upNames[len(upNames)-1]
		upNames = upNames[:len(upNames)-1]
		if name == "" || seenName[name] {
			continue
		}
		seenName[name] = true
		for at := 0; ; at += len(name) {
			j := indexWord(text[at:], name)
			if j < 0 {
				break
			}
			at += j
			if i := chunkAt(others, at); i >= 0 && !up[i] {
				up[i] = true
				if !add(i) {
					return nil, whole("the edit reaches more than a third of the file (%d bytes, %d chunks)", size, len(out))
				}
				upNames = append(upNames, others[i].declares...)
			}
		}
	}
	// Down: what R and every kept chunk mention.
	rText := text[rs:re]
	wide := bytesContainsAny(rText, wideWords)
	mentioned := map[string]bool{}
	ok := true
	visit := func(b []byte) {
		words(b, func(w []byte) {
			if !ok || mentioned[string(w)] {
				return
			}
			name := string(w)
			mentioned[name] = true
			for _, i := range declaredBy[name] {
				ok = ok && add(i)
			}
			if mutable[name] {
				for at := 0; ok; at += len(name) {
					j := indexWord(text[at:], name)
					if j < 0 {
						break
					}
					at += j
					ok = add(chunkAt(others, at))
				}
			}
		})
	}
	visit(rText)
	wideDone := false
	for len(queue) > 0 && ok {
		i := queue[0]
		queue = queue[1:]
		c := others[i]
		visit(text[c.start:c.end])
		if (wide || c.wide) && !wideDone {
			wideDone = true
			for j, o := range others {
				if o.wide {
					ok = ok && add(j)
				}
			}
		}
	}
	if !ok {
		return nil, whole("the edit reaches more than a third of the file (%d bytes, %d chunks)", size, len(out))
	}
	if wide && !wideDone {
		for j, o := range others {
			if o.wide && !add(j) {
				return nil, whole("the edit reaches more than a third of the file (%d bytes, %d chunks)", size, len(out))
			}
		}
		for len(queue) > 0 && ok { // what the dispatch chunks mention
			i := queue[0]
			queue = queue[1:]
			visit(text[others[i].start:others[i].end])
		}
		if !ok {
			return nil, whole("the edit reaches more than a third of the file (%d bytes, %d chunks)", size, len(out))
		}
	}
	sort.Ints(out)
	return out, nil
}

func bytesContainsAny(b []byte, ws [][]byte) bool {
	for _, w := range ws {
		if bytes.Contains(b, w) {
			return true
		}
	}
	return false
}

func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i+8 <= n && string(a[i:i+8]) == string(b[i:i+8]) {
		i += 8
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

func commonSuffix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i+8 <= n && string(a[len(a)-i-8:len(a)-i]) == string(b[len(b)-i-8:len(b)-i]) {
		i += 8
	}
	for i < n && a[len(a)-1-i] == b[len(b)-1-i] {
		i++
	}
	return i
}

// compactRun is the parse and extraction of one compact text.
type compactRun struct {
	segs    []segment
	kept    []int
	facts   *facts.File
	rChunks []chunk // R's chunks, in text coordinates
	tree    *sitter.Tree
	// verify, when set, checks the compact parse's error recovery against
	// the file's own parse; its facts stand only if it returns nil.
	verify func() error
}

// fileParse runs Hooks.Full at most once, on its own goroutine.
type fileParse struct {
	full    func() (*sitter.Tree, error)
	started bool
	done    chan struct{}
	tree    *sitter.Tree
	err     error
}

func (p *fileParse) start() {
	if p.started {
		return
	}
	p.started, p.done = true, make(chan struct{})
	go func() {
		defer close(p.done)
		p.tree, p.err = p.full()
	}()
}

func (p *fileParse) wait() (*sitter.Tree, error) {
	p.start()
	<-p.done
	return p.tree, p.err
}

// finish waits for a parse that was started.
func (p *fileParse) finish() {
	if p.started {
		<-p.done
	}
}

func (r *compactRun) close() {
	if r != nil && r.tree != nil {
		r.tree.Close()
		r.tree = nil
	}
}

// compact copies R and the kept chunks into a compact text, parses and
// extracts it, and checks that every statement stayed inside its chunk.
func (s *State) compact(text []byte, lines *source.Lines, others []chunk, kept []int, rsNew, reNew int, h Hooks, fp *fileParse) (*compactRun, error) {
	segs := make([]segment, 0, len(kept)+1)
	rAdded := false
	for _, i := range kept {
		c := others[i]
		if !rAdded && c.start >= reNew {
			segs = append(segs, segment{start: rsNew, end: reNew, isR: true})
			rAdded = true
		}
		segs = append(segs, segment{start: c.start, end: c.end})
	}
	if !rAdded {
		segs = append(segs, segment{start: rsNew, end: reNew, isR: true})
	}
	size := 0
	for _, sg := range segs {
		size += sg.end - sg.start
	}
	if size > maxKeptBytes || size*maxKeptFraction > len(text) && size > 4096 {
		return nil, whole("the edit reaches %d of %d bytes", size, len(text))
	}
	compact := make([]byte, 0, size)
	for i := range segs {
		segs[i].cstart = len(compact)
		compact = append(compact, text[segs[i].start:segs[i].end]...)
		segs[i].cline = lines.Pos(segs[i].start).Line
		if n := len(compact); n > 0 && compact[n-1] != '\n' && i+1 < len(segs) && segs[i].end > segs[i].start {
			return nil, whole("a segment does not end a line")
		}
	}
	cLines := source.NewLines(compact)
	for i := range segs {
		segs[i].ccline = cLines.Pos(segs[i].cstart).Line
	}
	tree, err := h.Parse(compact)
	if err != nil {
		return nil, whole("parsing the compact text: %v", err)
	}
	run := &compactRun{segs: segs, kept: kept, tree: tree}
	root := tree.RootNode()
	if root == nil || root.IsError() {
		run.close()
		return nil, whole("the compact text does not parse")
	}
	broken := root.HasError()
	nodes := topLevel(tree)
	// Every top-level node must lie in one segment: otherwise the edit
	// changed how the statements around it parse.
	var rNodes []topNode
	k := 0
	seen := make([]bool, len(segs))
	segNodes := make([][]topNode, len(segs))
	for _, n := range nodes {
		if n.end <= n.start {
			if broken {
				run.close()
				return nil, whole("a statement boundary is missing")
			}
			continue
		}
		for k < len(segs) && segs[k].cstart+(segs[k].end-segs[k].start) <= n.start {
			k++
		}
		if k == len(segs) {
			run.close()
			return nil, whole("a statement lies past the compact text")
		}
		sg := segs[k]
		if n.start < sg.cstart || n.end > sg.cstart+(sg.end-sg.start) {
			run.close()
			return nil, whole("a statement crosses a chunk boundary")
		}
		if n.node.HasError() {
			segs[k].broken = true
		}
		seen[k] = true
		segNodes[k] = append(segNodes[k], n)
		if sg.isR {
			rNodes = append(rNodes, n)
		}
	}
	if broken {
		// How the parser recovers from an error depends on text the compact
		// copy does not hold (measured: it can differ even inside one
		// statement), so the file's own parse must agree with the compact
		// one over every segment holding an error. It is checked once the
		// compact text is extracted and merged, in parallel.
		if fp.full == nil {
			run.close()
			return nil, whole("the edited code does not parse")
		}
		fp.start()
		run.verify = func() error {
			full, err := fp.wait()
			if err != nil || full == nil {
				return whole("the edited code does not parse, and the file could not be parsed: %v", err)
			}
			return sameAsFile(full, segs, segNodes)
		}
	}
	for i, sg := range segs {
		if !seen[i] && !sg.isR && sg.end > sg.start {
			run.close()
			return nil, whole("an unchanged chunk vanished")
		}
	}
	cf, err := h.Extract(compact, tree)
	if err != nil || cf == nil {
		run.close()
		return nil, whole("extracting the compact text: %v", err)
	}
	run.facts = cf
	for _, sg := range segs {
		if !sg.isR {
			continue
		}
		rChunks := group(rNodes, compact, cLines, sg.cstart, sg.cstart+(sg.end-sg.start))
		describe(rChunks, rNodes, s.lang, compact)
		for i := range rChunks {
			rChunks[i].start += sg.start - sg.cstart
			rChunks[i].end += sg.start - sg.cstart
		}
		run.rChunks = rChunks
	}
	return run, nil
}

// sameAsFile checks that the whole file's syntax tree holds, over every
// segment with syntax errors, the same statements as the compact tree, node
// for node, and no error anywhere else: error recovery weighs the text
// around an error, so an edit near one may change how distant statements
// parse (measured: a character typed in a comment next to a broken function
// header moved a statement of its body into an error).
func sameAsFile(full *sitter.Tree, segs []segment, segNodes [][]topNode) error {
	root := full.RootNode()
	if root == nil {
		return whole("the file has no syntax tree")
	}
	for _, n := range syntax.TopLevel(root) {
		if !n.Error && n.End > n.Start {
			continue
		}
		in := false
		for _, sg := range segs {
			if sg.broken && int(n.Start) >= sg.start && int(n.End) <= sg.end {
				in = true
				break
			}
		}
		if !in {
			return whole("the file has syntax errors outside the edited code")
		}
	}
	// The statements of each broken segment are compared through the
	// binding: only those, as reading each costs about a microsecond.
	c := sitter.NewTreeCursor(root)
	defer c.Close()
	for k, sg := range segs {
		if !sg.broken {
			continue
		}
		c.Reset(root)
		// The first statement ending at or after the segment's start (one
		// byte early: a zero-width statement at the start counts).
		ok := false
		if sg.start == 0 {
			ok = c.GoToFirstChild()
		} else {
			ok = c.GoToFirstChildForByte(uint32(sg.start-1)) >= 0
		}
		var in []topNode
		for ; ok; ok = c.GoToNextSibling() {
			n := c.CurrentNode()
			start, end := int(n.StartByte()), int(n.EndByte())
			if end <= sg.start && start < sg.start {
				continue // before the segment
			}
			if start >= sg.end && end > start {
				break // after it
			}
			if start < sg.start || end > sg.end || end <= start {
				return whole("the file parses the edited code across its chunk")
			}
			in = append(in, topNode{start: start, end: end, node: n})
		}
		want := segNodes[k]
		if len(in) != len(want) {
			return whole("the file parses the edited code differently")
		}
		for i := range in {
			if !sameTree(in[i].node, want[i].node, sg.start-sg.cstart) {
				return whole("the file parses the edited code differently")
			}
		}
	}
	return nil
}

// sameTree reports whether a (in the file) and b (in the compact text,
// shifted by shift bytes) are the same syntax tree.
func sameTree(a, b *sitter.Node, shift int) bool {
	ca, cb := sitter.NewTreeCursor(a), sitter.NewTreeCursor(b)
	defer ca.Close()
	defer cb.Close()
	for {
		x, y := ca.CurrentNode(), cb.CurrentNode()
		if x.Symbol() != y.Symbol() || int(x.StartByte()) != int(y.StartByte())+shift ||
			int(x.EndByte()) != int(y.EndByte())+shift || x.IsMissing() != y.IsMissing() {
			return false
		}
		if ca.GoToFirstChild() {
			if !cb.GoToFirstChild() {
				return false
			}
			continue
		}
		if cb.GoToFirstChild() {
			return false
		}
		for {
			na, nb := ca.GoToNextSibling(), cb.GoToNextSibling()
			if na != nb {
				return false
			}
			if na {
				break
			}
			pa, pb := ca.GoToParent(), cb.GoToParent()
			if pa != pb {
				return false
			}
			if !pa {
				return true
			}
			if ca.CurrentNode().Equal(a) {
				return true
			}
		}
	}
}
