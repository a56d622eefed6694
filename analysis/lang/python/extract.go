// Package python extracts facts (package facts) from Python files: imports,
// functions, calls resolved to library symbols through bindings, MCP tool
// registrations (FastMCP and the low-level Server), intra-procedural taint
// and suppression comments.
//
// The tree is first copied into a flat Go table (tree.go); a pre-pass then
// numbers every function, notes classes, comments, parse errors, module
// constants and low-level dispatch branches; the main pass (eval.go) walks
// statements in order with lexical scopes, deferring function bodies until
// their enclosing body is done so that they see its final bindings, as
// Python does at call time.
//
// Argument order: Call.Args hold the positional arguments first, in order
// (so a rule's Arg index is the positional index), then keyword arguments
// with Name set, then `**kw` splats with Name "**". A `*xs` splat is a
// positional argument and sets Call.Spread. True, False and None are Known
// values "True", "False", "None". LocalCall.Args are laid out by parameter:
// Params keep self, so a method called on an instance has its receiver as
// Args[0], and for a callee defined in this file keyword arguments sit at
// the index of the parameter they name (see emitLocal).
//
// Call.Recv describes the instance of a method call ("Path().write_text"):
// its taint, the literal path of a pathlib path (through `/` and joinpath)
// or the URL (base_url=, url=, dsn=, or a "://" first argument) and keyword
// options a client was constructed with.
//
// Instances are followed through names, `with … as`, await, self
// attributes (set in any method or annotated on the class) and annotated
// parameters. Methods that assign self attributes are walked before the
// other methods of the file, so an attribute one setter method reads from a
// later setter stays unknown.
package python

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
	"github.com/mcpriv/mcpriv/analysis/suppress"
)

// maxParseErrors caps File.ParseErrors.
const maxParseErrors = 50

// maxDepth bounds recursion over nested expressions and statements; deeper
// code (generated or hostile) is skipped, not followed.
const maxDepth = 400

// Extract reads the facts of one Python file. tree is parse.Parse(ctx,
// source.Python, src, nil). It never panics: on an internal error it returns
// what was extracted so far with the error. File.Hash is set by the caller.
func Extract(path string, src []byte, tree *sitter.Tree) (f *facts.File, err error) {
	f = &facts.File{Path: path, Lang: source.Python, Package: path}
	lines := source.NewLines(src)
	f.Functions = []facts.Function{{Name: "", Parent: -1, Span: lines.Span(0, len(src)), NameSpan: lines.Span(0, 0)}}
	if tree == nil {
		return f, errors.New("python: no syntax tree")
	}
	e := &extractor{f: f, lines: lines}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("python: %w extracting %s: %v (the file's facts are incomplete)", facts.ErrInternal, path, r)
		}
	}()
	if e.t, err = flatten(tree, src); err != nil {
		return f, err
	}
	if len(e.t.n) == 0 {
		return f, nil
	}
	if e.t.cut >= 0 {
		f.NoteTooDeep(e.span(e.t.cut))
	}
	e.run()
	if len(f.ParseErrors) > 0 {
		if at, ok := deepIndent(src); ok {
			// The grammar's scanner loses nested indentation past a few
			// hundred columns, which CPython accepts: the whole file can
			// become one syntax error, its tools gone (issue 14).
			f.NoteTooDeep(lines.Span(at, at))
		}
	}
	return f, nil
}

// maxIndent is the deepest indentation (in columns, a tab counting 8) of
// a nested block the grammar parses reliably; past it a file with syntax
// errors is reported too deep.
const maxIndent = 240

// deepIndent returns the offset of the first line indented past
// maxIndent, when there is one (it is asked only of a file with syntax
// errors, which a continuation line indented so far rarely has).
func deepIndent(src []byte) (int, bool) {
	for off := 0; off < len(src); {
		end := off
		for end < len(src) && src[end] != '\n' {
			end++
		}
		col, i := 0, off
		for ; i < end && (src[i] == ' ' || src[i] == '\t'); i++ {
			if src[i] == '\t' {
				col += 8 - col%8
			} else {
				col++
			}
		}
		if col > maxIndent && i < end && src[i] != '#' && src[i] != '\r' {
			return off, true
		}
		off = end + 1
	}
	return 0, false
}

type extractor struct {
	t     *tree
	lines *source.Lines
	f     *facts.File

	depth int

	fnOf     map[int32]int // def/lambda node → function index
	fnNode   []int32       // function index → def/lambda node (-1 for synthetic)
	classes  map[string]*classInfo
	methods  map[string]bool     // every method name defined in the file
	branchFn map[int32]int       // dispatch branch body → synthetic function
	toolAnns map[string]toolAnns // list_tools Tool(name=…, annotations=…) literals
	listed   []listedTool        // every Tool(name=…) literal, in order
	// plain are call_tool handlers without name dispatch: every listed tool runs them whole.
	plain    []plainHandler
	lowTools []int // indices in f.Tools of low-level tools
	// setsSelf marks methods that assign self attributes: they run before
	// the other deferred bodies so that every method sees the attributes.
	setsSelf map[int]bool
	// globals are the names some function declares `global` (their
	// module-level value is no constant), setsGlobal those functions: they
	// run before the other deferred bodies, as setsSelf.
	globals    map[string]bool
	setsGlobal map[int]bool
	// flags are the literal defaults of command-line options
	// (flags.go), by destination.
	flags   map[string]flagDefault
	refSeen map[refKey]struct{}
	// Object flow through return values (see returns.go): rets holds the
	// instance a function of the file returns, deps the returning functions
	// each function (and its ancestors) calls, so that their bodies are
	// walked first.
	rets        map[int]val
	lifespan    lifespanState
	imported    map[string]bool // importedNames, once asked (registry.go)
	retConflict map[int]bool
	// strRets: the string each function of the file returns, as far as
	// known (noteStrReturn).
	strRets   map[int]val
	returners map[string][]int
	callNodes []int32
	deps      map[int][]int

	buf []int32
}

type refKey struct {
	fn                int
	kind, name, class string
	target            int
}

type classInfo struct {
	name  string
	node  int32
	bases []string
	attrs map[string]val // instance attributes with a known type
	// strs are the attributes assigned a string (or its fallback), and
	// mixed those assigned different ones in two places: a setter may
	// change them, so their value is not stated.
	strs    map[string]val
	mixed   map[string]bool
	methods map[string]int
	enum    bool
	model   bool
	// settings: a pydantic BaseSettings class, whose fields the
	// environment overrides (envPrefix before the field's name; envOpen:
	// the prefix is not a literal).
	settings  bool
	envPrefix string
	envOpen   bool
}

type listedTool struct {
	name, ref string
	span      source.Span
}

type plainHandler struct {
	fn, argIdx int
	dec        int32
	// table: the imported dict of handlers it dispatches through, and the
	// call argument carrying the input (tabledispatch.go); "" for none.
	table    string
	tableArg int
}

type toolAnns struct {
	vals  map[string]bool
	spans map[string]source.Span
}

func (e *extractor) span(i int32) source.Span {
	n := &e.t.n[i]
	return e.lines.Span(int(n.start), int(n.end))
}

func (e *extractor) run() {
	e.fnOf = map[int32]int{}
	e.fnNode = []int32{0}
	e.classes = map[string]*classInfo{}
	e.methods = map[string]bool{}
	e.branchFn = map[int32]int{}
	e.toolAnns = map[string]toolAnns{}
	e.setsSelf = map[int]bool{}
	e.globals = map[string]bool{}
	e.setsGlobal = map[int]bool{}
	e.prepass()
	e.constants()
	e.flagDefaults()
	e.dispatchers()
	mod := e.module()
	e.instanceConstants(mod)
	// Bodies run in dependency order, not source order: present calls by position.
	sort.SliceStable(e.f.Calls, func(i, j int) bool {
		a, b := e.f.Calls[i].Span, e.f.Calls[j].Span
		if a.Start.Offset != b.Start.Offset {
			return a.Start.Offset < b.Start.Offset
		}
		return a.End.Offset > b.End.Offset
	})
	e.exports(mod)
	e.typeTable(mod)
	e.plainTools()
	e.applyToolAnnotations()
}

// prepass numbers functions in source order, records classes, comments
// (suppressions) and parse errors.
func (e *extractor) prepass() {
	t := e.t
	calls := 0
	defer func() {
		// Most call nodes become a Call: size the slice once.
		e.f.Calls = make([]facts.Call, 0, calls)
	}()
	for i := range t.n {
		n := &t.n[i]
		id := int32(i)
		if n.typ == "call" {
			calls++
		}
		if !n.named {
			// Keywords share names with nodes ("lambda", "await"): only named nodes count.
			if n.missing {
				e.parseError(id)
			}
			continue
		}
		switch n.typ {
		case "function_definition", "lambda":
			e.newFunction(id)
		case "class_definition":
			name := t.text(t.field(id, "name"))
			ci := &classInfo{name: name, node: id, attrs: map[string]val{}, methods: map[string]int{}}
			if sup := t.field(id, "superclasses"); sup >= 0 {
				for _, b := range t.namedKids(sup, nil) {
					if t.n[b].typ == "keyword_argument" {
						continue
					}
					bt := t.text(b)
					ci.bases = append(ci.bases, bt)
					last := bt[strings.LastIndexByte(bt, '.')+1:]
					if strings.HasSuffix(last, "Enum") || last == "Flag" || last == "IntFlag" {
						ci.enum = true
					}
					if last == "BaseModel" || last == "TypedDict" || last == "RootModel" {
						ci.model = true
					}
					if last == "BaseSettings" {
						ci.settings = true
					}
				}
			}
			if name != "" {
				e.classes[name] = ci
			}
		case "assignment", "augmented_assignment":
			e.noteSelfAssign(id)
		case "return_statement", "yield":
			e.noteReturner(id)
		case "global_statement":
			for c := t.n[id].first; c >= 0; c = t.n[c].next {
				if t.n[c].typ == "identifier" {
					e.globals[t.text(c)] = true
				}
			}
			e.setsGlobal[e.enclosingFn(id)] = true
		case "comment":
			e.comment(id)
		case "ERROR":
			e.parseError(id)
		default:
			if n.missing {
				e.parseError(id)
			}
		}
	}
	e.noteDeps()
	e.findLifespan()
	// Models inherit from models defined in the file.
	for _, ci := range e.classes {
		for _, b := range ci.bases {
			if bc := e.classes[b]; bc != nil && bc.model {
				ci.model = true
			}
			if bc := e.classes[b]; bc != nil && bc.settings {
				ci.settings = true
			}
		}
	}
}

// noteSelfAssign marks the method holding `self.x = …`.
func (e *extractor) noteSelfAssign(a int32) {
	t := e.t
	l := t.field(a, "left")
	if t.typ(l) != "attribute" {
		return
	}
	obj := t.field(l, "object")
	if t.typ(obj) != "identifier" {
		return
	}
	idx := e.enclosingFn(a)
	if fn := &e.f.Functions[idx]; fn.Class != "" && len(fn.Params) > 0 && t.textEq(obj, fn.Params[0]) {
		e.setsSelf[idx] = true
	}
}

func (e *extractor) parseError(i int32) {
	if len(e.f.ParseErrors) >= maxParseErrors {
		return
	}
	e.f.ParseErrors = append(e.f.ParseErrors, e.span(i))
}

func (e *extractor) comment(i int32) {
	if s, ok := suppress.FromComment(e.t.src, e.lines, e.span(i)); ok {
		e.f.Suppressions = append(e.f.Suppressions, s)
	}
}

// enclosingFn returns the function index of the nearest def/lambda above i (0 at module level).
func (e *extractor) enclosingFn(i int32) int {
	for p := e.t.n[i].parent; p >= 0; p = e.t.n[p].parent {
		if idx, ok := e.fnOf[p]; ok {
			return idx
		}
	}
	return 0
}

// enclosingClass returns the class whose body directly holds def node i, or nil.
func (e *extractor) enclosingClass(i int32) *classInfo {
	t := e.t
	p := t.n[i].parent
	if p >= 0 && t.n[p].typ == "decorated_definition" {
		p = t.n[p].parent
	}
	if p >= 0 && t.n[p].typ == "block" {
		if c := t.n[p].parent; c >= 0 && t.n[c].typ == "class_definition" {
			return e.classes[t.text(t.field(c, "name"))]
		}
	}
	return nil
}

func (e *extractor) newFunction(i int32) {
	t := e.t
	fn := facts.Function{Parent: e.enclosingFn(i), Span: e.span(i)}
	if t.n[i].typ == "lambda" {
		end := t.n[i].end
		if b := t.field(i, "body"); b >= 0 {
			end = t.n[b].start
		}
		fn.NameSpan = e.lines.Span(int(t.n[i].start), int(end))
	} else {
		name := t.field(i, "name")
		fn.Name = t.text(name)
		if name >= 0 {
			fn.NameSpan = e.span(name)
		}
		if ci := e.enclosingClass(i); ci != nil {
			fn.Class = ci.name
			if _, dup := ci.methods[fn.Name]; !dup {
				ci.methods[fn.Name] = len(e.f.Functions)
			}
			e.methods[fn.Name] = true
		}
	}
	for _, p := range e.params(i) {
		fn.Params = append(fn.Params, t.text(p.name))
	}
	e.fnOf[i] = len(e.f.Functions)
	e.fnNode = append(e.fnNode, i)
	e.f.Functions = append(e.f.Functions, fn)
}

// param is one declared parameter: its name node, annotation and default.
type param struct {
	name, typ, def int32
	star           bool
}

// params lists the parameters of a def or lambda in order ("*" and "/"
// markers are not parameters).
func (e *extractor) params(fnNode int32) []param {
	t := e.t
	ps := t.field(fnNode, "parameters")
	if ps < 0 {
		return nil
	}
	var out []param
	for c := t.n[ps].first; c >= 0; c = t.n[c].next {
		if !t.n[c].named {
			continue
		}
		p := param{name: -1, typ: -1, def: -1}
		switch t.n[c].typ {
		case "identifier":
			p.name = c
		case "typed_parameter":
			p.typ = t.field(c, "type")
			first := t.firstNamed(c)
			if first >= 0 && (t.n[first].typ == "list_splat_pattern" || t.n[first].typ == "dictionary_splat_pattern") {
				p.star = true
				first = t.firstNamed(first)
			}
			p.name = first
		case "default_parameter", "typed_default_parameter":
			p.name = t.field(c, "name")
			p.typ = t.field(c, "type")
			p.def = t.field(c, "value")
		case "list_splat_pattern", "dictionary_splat_pattern":
			p.name = t.firstNamed(c)
			p.star = true
		default:
			continue
		}
		out = append(out, p)
	}
	return out
}

// constants reads module-level `NAME = "literal"` and class attributes
// `Class.MEMBER = "literal"` before the main pass, so tool names held in
// constants resolve wherever they are used.
func (e *extractor) constants() {
	t := e.t
	consts := map[string]string{}
	var walk func(block int32, prefix string)
	walk = func(block int32, prefix string) {
		for c := t.n[block].first; c >= 0; c = t.n[c].next {
			s := c
			if t.n[s].typ == "decorated_definition" {
				s = t.field(s, "definition")
			}
			switch t.typ(s) {
			case "expression_statement":
				a := t.firstNamed(s)
				if t.typ(a) != "assignment" {
					continue
				}
				l, r := t.field(a, "left"), t.field(a, "right")
				if t.typ(l) != "identifier" || r < 0 {
					continue
				}
				if prefix == "" && e.globals[t.text(l)] {
					continue // a function rebinds it
				}
				if v, ok := e.staticString(r, consts, prefix); ok {
					consts[prefix+t.text(l)] = v
				} else if name, def, ok := e.staticEnvDefault(r, consts); ok && prefix == "" {
					// API_URL = os.getenv("API_URL", "https://…"): the
					// default, and the variable that overrides it.
					consts[facts.EnvConstKey+t.text(l)] = name + "=" + def
				}
			case "class_definition":
				if prefix == "" {
					if b := t.field(s, "body"); b >= 0 {
						walk(b, t.text(t.field(s, "name"))+".")
					}
				}
			}
		}
	}
	walk(0, "")
	if len(consts) > 0 {
		e.f.Constants = consts
	}
}

// staticString evaluates a literal string expression (literals, implicit and
// `+` concatenation, names of constants already seen).
func (e *extractor) staticString(i int32, consts map[string]string, prefix string) (string, bool) {
	if e.depth > maxDepth {
		e.f.NoteTooDeep(e.span(i))
		return "", false
	}
	e.depth++
	defer func() { e.depth-- }()
	t := e.t
	i = t.unparen(i)
	switch t.typ(i) {
	case "string":
		// f"{PREFIX}_search": an interpolation of a constant, with no
		// conversion or format, is its text.
		s, known, pre := e.stringLit(i, func(x int32) (string, bool) {
			if ks := t.namedKids(x, nil); len(ks) == 1 {
				return e.staticString(ks[0], consts, prefix)
			}
			return "", false
		})
		return s, known && !pre
	case "concatenated_string":
		var b strings.Builder
		for _, c := range t.namedKids(i, nil) {
			s, ok := e.staticString(c, consts, prefix)
			if !ok {
				return "", false
			}
			b.WriteString(s)
		}
		return b.String(), true
	case "binary_operator":
		if op := e.operator(i); op != "+" {
			return "", false
		}
		l, ok1 := e.staticString(t.field(i, "left"), consts, prefix)
		r, ok2 := e.staticString(t.field(i, "right"), consts, prefix)
		return l + r, ok1 && ok2
	case "identifier":
		name := t.text(i)
		if v, ok := consts[prefix+name]; ok {
			return v, true
		}
		v, ok := consts[name]
		return v, ok
	case "attribute":
		v, ok := consts[t.text(i)]
		return v, ok
	}
	return "", false
}

// operator returns the operator token of a binary/comparison node.
func (e *extractor) operator(i int32) string {
	t := e.t
	if op := t.field(i, "operator"); op >= 0 {
		return t.n[op].typ
	}
	for c := t.n[i].first; c >= 0; c = t.n[c].next {
		if !t.n[c].named {
			return t.n[c].typ
		}
	}
	return ""
}

// stringLit decodes a string literal. interp, when set, is asked for the
// value of each f-string interpolation; a value it does not know ends the
// known part (prefix).
func (e *extractor) stringLit(i int32, interp func(int32) (string, bool)) (s string, known, prefix bool) {
	t := e.t
	raw := false
	var b strings.Builder
	for c := t.n[i].first; c >= 0; c = t.n[c].next {
		switch t.n[c].typ {
		case "string_start":
			raw = strings.ContainsAny(t.text(c), "rR")
		case "string_content", "escape_sequence":
			if !prefix {
				b.WriteString(unescape(t.text(c), raw))
			}
		case "interpolation":
			// Every interpolation is evaluated (for its calls and taint) even
			// after the known part has ended.
			if interp == nil {
				prefix = true
				continue
			}
			v, ok := interp(c)
			if !ok {
				prefix = true
			} else if !prefix {
				b.WriteString(v)
			}
		}
	}
	return b.String(), true, prefix
}

func unescape(s string, raw bool) string {
	if raw || strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '0':
			b.WriteByte(0)
		case '\\', '\'', '"':
			b.WriteByte(s[i])
		case '\n':
			// line continuation
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// exports records top-level defs and module names bound to functions.
func (e *extractor) exports(mod *scope) {
	ex := map[string]int{}
	t := e.t
	for c := t.n[0].first; c >= 0; c = t.n[c].next {
		d := c
		if t.n[d].typ == "decorated_definition" {
			d = t.field(d, "definition")
		}
		if t.typ(d) == "function_definition" {
			if idx, ok := e.fnOf[d]; ok {
				ex[e.f.Functions[idx].Name] = idx
			}
		}
	}
	if mod != nil {
		for name, v := range mod.vars {
			if v.isFn {
				if _, ok := ex[name]; !ok {
					ex[name] = v.fn
				}
			}
		}
	}
	e.tableExports(ex)
	if len(ex) > 0 {
		e.f.Exports = ex
	}
}
