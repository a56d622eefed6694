package jsts

import (
	"bytes"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

type bindKind uint8

const (
	bVar bindKind = iota
	bParam
	bFunc
	bClass
	bImport
	bEnum
)

type binding struct {
	v    val
	kind bindKind
	// foreign: assigned in a function other than the declaring one
	// (extractor.assigners lists them).
	foreign bool
	// writes counts the declarator values (other than null and undefined)
	// and assignments that bind it, up to 255 (consts.go).
	writes uint8
}

// scope maps names to bindings. Scopes are built before evaluation so that
// hoisted functions, later declarations and closures all resolve.
type scope struct {
	parent *scope
	names  map[string]*binding
	fn     int32 // function whose body holds the scope
	slab   *slab
}

// slab allocates bindings in blocks: bundles declare millions of names.
// Blocks double from 32 to 1024 so a small text (the language server's
// ranged extraction) does not pay for a large one.
type slab struct {
	free []binding
	next int
}

func (sl *slab) alloc() *binding {
	if len(sl.free) == 0 {
		sl.next = min(max(2*sl.next, 32), 1024)
		sl.free = make([]binding, sl.next)
	}
	b := &sl.free[0]
	sl.free = sl.free[1:]
	return b
}

func (s *scope) child(fn int32) *scope { return &scope{parent: s, fn: fn, slab: s.slab} }

func (s *scope) declare(name string, k bindKind) *binding {
	if s.names == nil {
		s.names = make(map[string]*binding, 4)
	}
	if b, ok := s.names[name]; ok {
		if k == bFunc || k == bClass || k == bImport {
			b.kind = k
		}
		return b
	}
	b := s.slab.alloc()
	b.kind = k
	s.names[name] = b
	return b
}

// lookupScope is lookup that also returns the scope declaring the name.
func (s *scope) lookupScope(name []byte) (*binding, *scope) {
	for ; s != nil; s = s.parent {
		if b, ok := s.names[string(name)]; ok {
			return b, s
		}
	}
	return nil, nil
}

func (s *scope) lookup(name string) *binding {
	for ; s != nil; s = s.parent {
		if b, ok := s.names[name]; ok {
			return b
		}
	}
	return nil
}

// lookupBytes avoids allocating the key (the compiler elides the conversion).
func (s *scope) lookupBytes(name []byte) *binding {
	for ; s != nil; s = s.parent {
		if b, ok := s.names[string(name)]; ok {
			return b
		}
	}
	return nil
}

// declare is the first pass: it creates functions (pre-order indices), scopes
// and bindings, imports, bundler module tables and dispatcher marks.
func (e *extractor) declare(n int32, sc, fsc *scope, fn int32, cls string) {
	e.depth++
	defer func() { e.depth-- }()
	if e.depth > maxDepth {
		e.f.NoteTooDeep(e.span(n))
		return
	}
	t := e.t
	switch t.k(n) {
	case kTypeNode, kComment:
		return
	case kFunctionDecl:
		name := t.child(n, "name")
		idx := e.newFunction(n, fn, e.text(name), "", name)
		if name >= 0 {
			sc.declare(e.text(name), bFunc).v = val{fnp: idx + 1}
		}
		e.declareFunction(n, idx, sc)
		return
	case kFunctionExpr, kArrow:
		name, nameNode := e.inferName(n)
		c := ""
		if p := t.nodes[n].Parent; p >= 0 && t.k(p) == kField {
			c = cls
		}
		idx := e.newFunction(n, fn, name, c, nameNode)
		fs := e.declareFunction(n, idx, sc)
		if own := t.child(n, "name"); own >= 0 && t.k(n) == kFunctionExpr {
			fs.declare(e.text(own), bFunc).v = val{fnp: idx + 1}
		}
		return
	case kMethod:
		name := t.child(n, "name")
		c := ""
		if p := t.nodes[n].Parent; p >= 0 && t.k(p) == kClassBody {
			c = cls
		}
		idx := e.newFunction(n, fn, e.text(name), c, name)
		if c != "" {
			ci := e.class(c)
			ci.methods[e.text(name)] = idx
			if name >= 0 && isGetter(e.src[t.nodes[n].Start:t.nodes[name].Start]) {
				if ci.getters == nil {
					ci.getters = map[string]bool{}
				}
				ci.getters[e.text(name)] = true
			}
		}
		e.declareFunction(n, idx, sc)
		return
	case kClassDecl, kClassExpr:
		name := t.child(n, "name")
		cname := e.text(name)
		if name < 0 {
			cname, _ = e.inferName(n)
		}
		if cname == "" {
			cname = "(anonymous class)"
		}
		if t.k(n) == kClassDecl && name >= 0 {
			sc.declare(cname, bClass).v = val{clsRef: cname}
		}
		e.class(cname)
		for ch := t.nodes[n].First; ch >= 0; ch = t.nodes[ch].Next {
			if ch != name {
				e.declare(ch, sc, fsc, fn, cname)
			}
		}
		return
	case kLexicalDecl, kVarDecl:
		target := sc
		if t.k(n) == kVarDecl {
			target = fsc
		}
		for d := t.nodes[n].First; d >= 0; d = t.nodes[d].Next {
			if t.k(d) != kDeclarator {
				continue
			}
			name := t.child(d, "name")
			if name >= 0 {
				e.declarePattern(name, target, bVar)
			}
			if v := t.child(d, "value"); v >= 0 && name >= 0 && t.k(name) == kIdentifier {
				if s := string(e.bytesOf(v)); s != "null" && s != "undefined" {
					if b := target.names[e.text(name)]; b != nil && b.writes < 255 {
						b.writes++
					}
				}
			}
			if v := t.child(d, "value"); v >= 0 {
				e.declare(v, sc, fsc, fn, cls)
				// const f = () => …: functions evaluated before the declaration
				// (which call f when they run, later) see f.
				if fv := e.unwrapCallee(v); name >= 0 && t.k(name) == kIdentifier && fv >= 0 &&
					(t.k(fv) == kArrow || t.k(fv) == kFunctionExpr) && e.fnIndex[fv] > 0 {
					if b := target.names[e.text(name)]; b != nil && b.v.empty() {
						b.v = val{fnp: e.fnIndex[fv]}
					}
				}
			}
		}
		return
	case kImportStmt:
		e.importStatement(n, sc)
		return
	case kEnum:
		if name := t.child(n, "name"); name >= 0 {
			sc.declare(e.text(name), bEnum)
		}
		return
	case kBlock, kFor, kForIn, kCatch, kSwitchBody:
		ns := sc.child(fn)
		e.setScope(n, ns)
		if t.k(n) == kForIn {
			if left := t.child(n, "left"); left >= 0 && e.declaresLoopVar(n, left) {
				e.declarePattern(left, ns, bVar)
			}
		}
		if t.k(n) == kCatch {
			if p := t.child(n, "parameter"); p >= 0 {
				e.declarePattern(p, ns, bVar)
			}
		}
		for ch := t.nodes[n].First; ch >= 0; ch = t.nodes[ch].Next {
			e.declare(ch, ns, fsc, fn, cls)
		}
		return
	case kObject, kArray:
		e.moduleTable(n)
	case kCall:
		e.noteDispatcher(n, sc)
		e.noteToolsCallSchema(n)
	case kAssign, kAugAssign:
		if left := t.child(n, "left"); left >= 0 && t.k(left) == kIdentifier {
			if b := sc.lookupBytes(e.bytesOf(left)); b != nil && b.writes < 255 {
				b.writes++
			}
		}
		if t.k(n) == kAssign {
			e.noteAssigner(n, sc, fn)
		}
	}
	for ch := t.nodes[n].First; ch >= 0; ch = t.nodes[ch].Next {
		e.declare(ch, sc, fsc, fn, cls)
	}
}

// noteAssigner records `x = …` in function fn when x belongs to another
// function (`let browser;` at module level, assigned in ensureBrowser()).
func (e *extractor) noteAssigner(n int32, sc *scope, fn int32) {
	left := e.t.child(n, "left")
	if left < 0 || e.t.k(left) != kIdentifier {
		return
	}
	b, bs := sc.lookupScope(e.bytesOf(left))
	if b == nil || bs.fn == fn || b.kind != bVar {
		return
	}
	if e.assigners == nil {
		e.assigners = map[*binding][]int32{}
	}
	list := e.assigners[b]
	if len(list) > 0 && list[len(list)-1] == fn {
		return
	}
	b.foreign = true
	e.assigners[b] = append(list, fn)
}

// runAssigners evaluates, before a read of b finds nothing, the functions
// that assign it and have not run yet (as they would have at run time for
// the read to see a value).
func (e *extractor) runAssigners(b *binding) {
	list := e.assigners[b]
	b.foreign = false
	delete(e.assigners, b)
	for _, fn := range list {
		e.evalOnDemand(fn)
	}
}

func (e *extractor) class(name string) *classInfo {
	ci := e.classes[name]
	if ci == nil {
		ci = &classInfo{fields: map[string]val{}, methods: map[string]int32{}}
		e.classes[name] = ci
	}
	return ci
}

// declaresLoopVar reports whether `for (const x of …)` declares x (as
// opposed to assigning an existing variable).
func (e *extractor) declaresLoopVar(n, left int32) bool {
	head := e.src[e.t.nodes[n].Start:e.t.nodes[left].Start]
	return bytes.Contains(head, []byte("const")) || bytes.Contains(head, []byte("let")) || bytes.Contains(head, []byte("var"))
}

// newFunction appends a Function with its parameters.
func (e *extractor) newFunction(n, parent int32, name, class string, nameNode int32) int32 {
	t := e.t
	idx := int32(len(e.f.Functions))
	fn := facts.Function{Name: name, Class: class, Parent: int(parent), Span: e.span(n)}
	if nameNode >= 0 && t.nodes[nameNode].Start >= t.nodes[n].Start && t.nodes[nameNode].End <= t.nodes[n].End {
		fn.NameSpan = e.span(nameNode)
	} else {
		// Anonymous: the head, up to the body.
		end := t.nodes[n].End
		if b := t.child(n, "body"); b >= 0 {
			end = t.nodes[b].Start
		}
		head := e.src[t.nodes[n].Start:end]
		head = bytes.TrimRight(head, " \t\r\n")
		head = bytes.TrimSuffix(head, []byte("=>"))
		head = bytes.TrimRight(head, " \t\r\n")
		fn.NameSpan = e.lines.Span(int(t.nodes[n].Start), int(t.nodes[n].Start)+len(head))
	}
	ps := e.paramNodes(n)
	if ps == nil {
		ps = []int32{}
	}
	e.fnParams = append(e.fnParams, ps)
	for i, p := range ps {
		name, fields := e.paramShape(p)
		fn.Params = append(fn.Params, name)
		if fields != nil {
			if fn.ParamFields == nil {
				fn.ParamFields = map[int][]string{}
			}
			fn.ParamFields[i] = fields
		}
	}
	e.f.Functions = append(e.f.Functions, fn)
	e.fnNodes = append(e.fnNodes, n)
	e.fnScope = append(e.fnScope, nil)
	e.fnClass = append(e.fnClass, class)
	e.fnIndex[n] = idx + 1
	return idx
}

// params returns the parameter nodes of a function (cached per function).
func (e *extractor) params(n int32) []int32 {
	if i := e.fnIndex[n] - 1; i >= 0 && int(i) < len(e.fnParams) && e.fnParams[i] != nil {
		return e.fnParams[i]
	}
	return e.paramNodes(n)
}

func (e *extractor) paramNodes(n int32) []int32 {
	t := e.t
	if p := t.child(n, "parameter"); p >= 0 {
		return []int32{p}
	}
	ps := t.child(n, "parameters")
	if ps < 0 {
		return nil
	}
	var out []int32
	for c := t.nodes[ps].First; c >= 0; c = t.nodes[c].Next {
		if t.nodes[c].Flags&flagNamed == 0 || t.k(c) == kComment || t.k(c) == kTypeNode {
			continue
		}
		if t.k(c) == kOther && bytes.Equal(e.bytesOf(c), []byte("this")) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// paramPattern unwraps TS parameter and default wrappers to the binding pattern.
func (e *extractor) paramPattern(p int32) int32 {
	t := e.t
	for i := 0; i < 4 && p >= 0; i++ {
		switch t.k(p) {
		case kRequiredParam:
			p = t.child(p, "pattern")
		case kAssignPattern:
			p = t.child(p, "left")
		default:
			return p
		}
	}
	return p
}

// paramShape returns a parameter's name, or for an object pattern its property names.
func (e *extractor) paramShape(p int32) (string, []string) {
	t := e.t
	p = e.paramPattern(p)
	if p < 0 {
		return "", nil
	}
	switch t.k(p) {
	case kIdentifier:
		return e.text(p), nil
	case kRestPattern:
		if c := t.firstNamed(p); c >= 0 && t.k(c) == kIdentifier {
			return e.text(c), nil
		}
	case kObjectPattern:
		fields := []string{}
		for c := t.nodes[p].First; c >= 0; c = t.nodes[c].Next {
			if k := e.patternKey(c); k != "" {
				fields = append(fields, k)
			}
		}
		return "", fields
	}
	return "", nil
}

// patternKey is the property name an object-pattern entry reads.
func (e *extractor) patternKey(c int32) string {
	t := e.t
	switch t.k(c) {
	case kShorthandPattern:
		return e.text(c)
	case kPairPattern:
		return e.propKey(t.child(c, "key"))
	case kObjAssignPattern:
		if l := t.child(c, "left"); l >= 0 {
			return e.text(l)
		}
	}
	return ""
}

// propKey is the literal name of a property key node ("" when computed).
func (e *extractor) propKey(k int32) string {
	if k < 0 {
		return ""
	}
	switch e.t.k(k) {
	case kPropertyIdentifier, kIdentifier, kNumber:
		return e.text(k)
	case kString:
		s, _ := decodeString(e.bytesOf(k))
		return s
	}
	return ""
}

// declareFunction opens the function's scope with its parameters and declares its body.
func (e *extractor) declareFunction(n, idx int32, sc *scope) *scope {
	fs := sc.child(idx)
	e.setScope(n, fs)
	e.fnScope[idx] = fs
	cls := e.fnClass[idx]
	for _, p := range e.params(n) {
		e.declarePattern(p, fs, bParam)
		e.declare(p, fs, fs, idx, cls)
	}
	if b := e.t.child(n, "body"); b >= 0 {
		e.declare(b, fs, fs, idx, cls)
	}
	return fs
}

// declarePattern declares every name bound by a pattern.
func (e *extractor) declarePattern(p int32, sc *scope, k bindKind) {
	t := e.t
	e.depth++
	defer func() { e.depth-- }()
	if p < 0 {
		return
	}
	if e.depth > maxDepth {
		e.f.NoteTooDeep(e.span(p))
		return
	}
	switch t.k(p) {
	case kIdentifier, kShorthandPattern:
		sc.declare(e.text(p), k)
	case kRequiredParam:
		e.declarePattern(t.child(p, "pattern"), sc, k)
	case kAssignPattern, kObjAssignPattern:
		e.declarePattern(t.child(p, "left"), sc, k)
	case kPairPattern:
		e.declarePattern(t.child(p, "value"), sc, k)
	case kObjectPattern, kArrayPattern, kRestPattern:
		for c := t.nodes[p].First; c >= 0; c = t.nodes[c].Next {
			e.declarePattern(c, sc, k)
		}
	}
}

// inferName names an anonymous function or class after what it is bound to.
func (e *extractor) inferName(n int32) (string, int32) {
	t := e.t
	if own := t.child(n, "name"); own >= 0 {
		return e.text(own), own
	}
	p := t.nodes[n].Parent
	for p >= 0 && (t.k(p) == kParen || t.k(p) == kPassThrough) {
		p = t.nodes[p].Parent
	}
	if p < 0 {
		return "", -1
	}
	switch t.k(p) {
	case kDeclarator:
		if nm := t.child(p, "name"); nm >= 0 && t.k(nm) == kIdentifier {
			return e.text(nm), nm
		}
	case kPair:
		if k := t.child(p, "key"); k >= 0 {
			return e.propKey(k), k
		}
	case kAssign:
		l := t.child(p, "left")
		if l >= 0 && t.k(l) == kIdentifier {
			return e.text(l), l
		}
		if l >= 0 && t.k(l) == kMember {
			if pr := t.child(l, "property"); pr >= 0 {
				return e.text(pr), pr
			}
		}
	case kField:
		k := t.child(p, "property")
		if k < 0 {
			k = t.child(p, "name")
		}
		if k >= 0 {
			return e.text(k), k
		}
	case kExportStmt:
		return "default", -1
	}
	return "", -1
}

// isGetter reports whether the text before a method's name (its modifiers)
// declares an accessor `get`.
func isGetter(head []byte) bool {
	for _, w := range bytes.Fields(head) {
		if string(w) == "get" {
			return true
		}
	}
	return false
}
