// Package jsts extracts facts from JavaScript and TypeScript files: imports,
// functions, calls resolved through bindings to library and global symbols,
// intra-procedural taint from parameters, MCP tool registrations and
// suppression comments. It reads tsc, esbuild, webpack and ncc output as well
// as hand-written sources, since bundles are what users install.
package jsts

import (
	"bytes"
	"errors"
	"fmt"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
	"github.com/mcpriv/mcpriv/analysis/suppress"
)

const (
	maxParseErrors = 50
	maxDepth       = 2500 // deeper syntax is skipped rather than risking the stack
	maxTaint       = 8    // ParamRefs kept per value
	maxElems       = 16
	maxTools       = 512  // elements kept of an array of objects (a tool table)
	maxValue       = 4096 // bytes of a concatenated string value kept
)

// Extract reads the facts of one JS/TS file. tree is parse.Parse(ctx, lang, src, nil) of src
// (lang is source.JavaScript, source.TypeScript or source.TSX). It never panics on any input
// (recover internally and return what was extracted plus the error); File.Hash is set by the caller.
func Extract(path string, lang source.Lang, src []byte, tree *sitter.Tree) (f *facts.File, err error) {
	f = &facts.File{Path: path, Lang: lang, Package: path}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("jsts: %w extracting %s: %v (the file's facts are incomplete)", facts.ErrInternal, path, r)
		}
	}()
	if tree == nil {
		return f, errors.New("jsts: no syntax tree")
	}
	gl := parse.Language(lang)
	if gl == nil || lang.Family() != "js" {
		return f, fmt.Errorf("jsts: %q is not JavaScript or TypeScript", lang)
	}
	t, err := flatten(tree, gl, src)
	if err != nil {
		return f, err
	}
	defer t.free()
	e := newExtractor(t, src, f)
	e.presize()
	e.run()
	return f, nil
}

// extractor holds the state of one extraction.
type extractor struct {
	t     *tree
	src   []byte
	lines *source.Lines
	f     *facts.File

	scopeIx          []int32 // by node: index+1 in scopeList of the scope it opens
	scopeList        []*scope
	calls            [][]facts.Call // in chunks: copying one growing slice costs more than filling it
	module           *scope
	fnIndex          []int32  // by node: index+1 in f.Functions of the function it starts, else 0
	fnNodes          []int32  // index → function node (-1 for synthetic)
	fnScope          []*scope // index → scope of its parameters
	fnClass          []string
	fnParams         [][]int32 // by function: parameter nodes
	classes          map[string]*classInfo
	wpTable          map[int32]bool          // module-table entry function nodes (webpack/ncc)
	wpIDs            map[string]string       // module id → external module name
	dispatch         map[int32]*dispatchSpec // function nodes registered as CallToolRequestSchema handlers
	pending          []pendingHandler        // handler names to resolve after declaration
	maybeDispatch    []maybeDispatch         // setRequestHandler(x, h) with x an identifier (bundled.go)
	keyedExprs       map[tableRef]string     // keyed handler maps of other files: the expression picking one (keyed.go)
	toolsCallSchemas map[string]bool         // names of schemas built with method "tools/call" (bundled.go)
	toolAnn          map[string]toolAnnotations
	refSeen          map[[2]int32]bool
	done             []bool                    // by function: already evaluated
	fnRet            map[int32]val             // by function: the value its callers get (see noteReturn)
	fnRetOther       map[int32]bool            // by function: a return gave a value with no use to callers
	fnRetMixed       map[int32]bool            // by function: its returns give different text (see noteReturn)
	retTmpl          map[int32]retTmpl         // by function: literal text + parameter every return gives (rettmpl.go)
	methodCtx        map[int32]*ctx            // methods of the class being evaluated, not yet evaluated: their class's context
	assigners        map[*binding][]int32      // variables assigned in functions other than their own
	handlerArg       map[int32]bool            // argument nodes that are tool handlers (not Refs)
	eachArg          map[int32][]eachItem      // callbacks of forEach/map over a tool table: their item
	tableArg         map[int32]*tableRef       // callbacks of forEach/map over another file's tool table: their item
	tableCalls       map[int32][]tableCall     // by function: its method calls on such items (lists.go)
	topObjArgs       map[int32]map[string]prop // top-level object literals passed first to a call: their properties
	regArgs          map[int32]bool            // argument lists of tool registrations
	wrapperArgs      map[int32][]argVal        // by call node: the arguments of a call passed as a registration argument
	factories        map[int32][]factoryTool   // by function: the tools it registers named by a parameter
	unresolvedCalls  map[int32][]int           // by factory: its tools made by calls that name them no better
	exported         []exportedVal             // every export, for the type table (types.go)
	written          map[string]bool           // member paths the file writes (consts.go)
	retObjs          map[int32]*retObj         // by function: the object literal its returns agree on
	cjsExports       map[string]*val           // exports.NAME writes: the value, nil when they disagree
	assignRight      int32                     // the right side of the assignment assignTo stores, or -1
	preStatics       map[string]map[string]val // top-level `Name.KEY = "…"`, by Name (consts.go)
	preStaticNode    map[int32]bool            // their left sides
	depth            int
	buf              []int32
	callHint         int                 // call and new expressions in the tree
	elemArg          map[int32]elemTaint // callbacks of array methods over a tainted value (elems.go)
}

type classInfo struct {
	fields  map[string]val
	methods map[string]int32
	getters map[string]bool // methods declared `get name()`: reading them calls them
	// statics are the static properties with a literal (`static BASE =
	// "…"`, tsc's `Client.BASE = "…"` after the class), read as
	// Client.BASE; staticWritten those written elsewhere too (consts.go).
	statics       map[string]val
	staticWritten map[string]bool
	// reassigned are the fields assigned in more than one place of the
	// class body: fields are flow-insensitive, so the literal one
	// assignment gives may not be the value a method reads.
	reassigned map[string]bool
}

type pendingHandler struct {
	sc     *scope
	name   string
	method bool // a method of a class in this file
	spec   *dispatchSpec
}

type toolAnnotations struct {
	vals  map[string]bool
	spans map[string]source.Span
}

func newExtractor(t *tree, src []byte, f *facts.File) *extractor {
	return &extractor{
		t: t, src: src, lines: source.NewLines(src), f: f,
		classes:  map[string]*classInfo{},
		wpTable:  map[int32]bool{},
		wpIDs:    map[string]string{},
		dispatch: map[int32]*dispatchSpec{},
		toolAnn:  map[string]toolAnnotations{},
		refSeen:  map[[2]int32]bool{},

		assignRight: -1,
	}
}

func (e *extractor) run() {
	t := e.t
	// Function 0 is the module body.
	e.module = &scope{fn: 0, slab: &slab{}}
	e.setScope(0, e.module)
	e.f.Functions = append(e.f.Functions, facts.Function{Name: "", Parent: -1, Span: e.span(0), NameSpan: e.lines.Span(0, 0)})
	e.fnNodes = append(e.fnNodes, 0)
	e.fnParams = append(e.fnParams, []int32{})
	e.fnScope = append(e.fnScope, e.module)
	e.fnClass = append(e.fnClass, "")
	e.declare(0, e.module, e.module, 0, "")
	e.resolveBundledDispatch()
	for _, p := range e.pending {
		if p.method {
			for _, ci := range e.classes {
				if m, ok := ci.methods[p.name]; ok {
					e.dispatch[e.fnNodes[m]] = p.spec
				}
			}
		} else if b := p.sc.lookup(p.name); b != nil && b.v.fnp > 0 {
			e.dispatch[e.fnNodes[b.v.fn()]] = p.spec
		}
	}
	c := &ctx{fn: 0, self: 0, sc: e.module, dispatcher: -1, thisFn: -1}
	e.scanStatics()
	e.evalBody(0, c)
	e.dropTemplates()
	e.typeTable()
	e.constTable()
	e.flushCalls()
	e.comments()
	e.parseErrors()
	e.attachListAnnotations()
	_ = t
}

// presize reserves the output slices from a count of the nodes that
// produce them: on bundles, growing them costs more than filling them.
func (e *extractor) presize() {
	fns, calls := 1, 0
	for i := range e.t.nodes {
		switch e.t.k(int32(i)) {
		case kFunctionDecl, kFunctionExpr, kArrow, kMethod:
			fns++
		case kCall, kNew:
			calls++
		}
	}
	e.fnIndex = make([]int32, len(e.t.nodes))
	e.f.Functions = make([]facts.Function, 0, fns)
	e.fnNodes = make([]int32, 0, fns)
	e.fnScope = make([]*scope, 0, fns)
	e.fnClass = make([]string, 0, fns)
	e.fnParams = make([][]int32, 0, fns)
	e.scopeIx = make([]int32, len(e.t.nodes))
	e.done = make([]bool, fns)
	e.callHint = calls
}

func (e *extractor) setScope(n int32, sc *scope) {
	e.scopeList = append(e.scopeList, sc)
	e.scopeIx[n] = int32(len(e.scopeList))
}

func (e *extractor) scopeOf(n int32) *scope {
	if i := e.scopeIx[n]; i > 0 {
		return e.scopeList[i-1]
	}
	return nil
}

const (
	firstCallChunk = 256
	callChunk      = 4096
)

func (e *extractor) addCall(c facts.Call) {
	if len(e.calls) == 0 || len(e.calls[len(e.calls)-1]) == cap(e.calls[len(e.calls)-1]) {
		// Chunks grow from a small first one: many call nodes record no
		// call, and a chunk sized for all of them costs clearing memory
		// that is never filled.
		n := firstCallChunk
		if len(e.calls) == 0 {
			n = min(n, e.callHint+1)
		} else {
			n = min(2*cap(e.calls[len(e.calls)-1]), callChunk)
		}
		e.calls = append(e.calls, make([]facts.Call, 0, n))
	}
	last := &e.calls[len(e.calls)-1]
	*last = append(*last, c)
}

// flushCalls moves the recorded calls into the File, in order.
func (e *extractor) flushCalls() {
	n := 0
	for _, ch := range e.calls {
		n += len(ch)
	}
	if n == 0 {
		return
	}
	if len(e.calls) == 1 && 2*n >= cap(e.calls[0]) {
		// One chunk, mostly filled: it is the result (a copy would cost
		// another allocation of every call).
		e.f.Calls, e.calls = e.calls[0][:n:n], nil
		return
	}
	out := make([]facts.Call, 0, n)
	for _, ch := range e.calls {
		out = append(out, ch...)
	}
	e.f.Calls, e.calls = out, nil
}

// span returns the span of node i.
func (e *extractor) span(i int32) source.Span {
	n := &e.t.nodes[i]
	return e.lines.Span(int(n.Start), int(n.End))
}

// bytesOf returns the source text of node i without copying.
func (e *extractor) bytesOf(i int32) []byte {
	n := &e.t.nodes[i]
	s, end := int(n.Start), int(n.End)
	if s > len(e.src) {
		s = len(e.src)
	}
	if end > len(e.src) {
		end = len(e.src)
	}
	if end < s {
		end = s
	}
	return e.src[s:end]
}

func (e *extractor) text(i int32) string {
	if i < 0 {
		return ""
	}
	return string(e.bytesOf(i))
}

// comments records suppressions. Comments are extras, found anywhere in the tree.
func (e *extractor) comments() {
	t := e.t
	for i := range t.nodes {
		if t.k(int32(i)) != kComment {
			continue
		}
		if !bytes.Contains(e.bytesOf(int32(i)), []byte(suppress.Marker)) {
			continue
		}
		if s, ok := suppress.FromComment(e.src, e.lines, e.span(int32(i))); ok {
			e.f.Suppressions = append(e.f.Suppressions, s)
		}
	}
}

func (e *extractor) parseErrors() {
	t := e.t
	for i := range t.nodes {
		if len(e.f.ParseErrors) >= maxParseErrors {
			return
		}
		if t.nodes[i].Sym == symError || t.nodes[i].Flags&flagMissing != 0 {
			// Report the outermost error only.
			if p := t.nodes[i].Parent; p >= 0 && t.nodes[p].Sym == symError {
				continue
			}
			e.f.ParseErrors = append(e.f.ParseErrors, e.span(int32(i)))
		}
	}
}

// attachListAnnotations gives low-level tools the annotations their ListTools
// entries declare.
func (e *extractor) attachListAnnotations() {
	for i := range e.f.Tools {
		tl := &e.f.Tools[i]
		if tl.Annotations != nil || tl.Name == "" {
			continue
		}
		if a, ok := e.toolAnn[tl.Name]; ok {
			tl.Annotations, tl.AnnotationSpans = a.vals, a.spans
		}
	}
}
