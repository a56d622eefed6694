// Package golang extracts facts from Go files: imports, functions, calls
// resolved to import paths, intra-procedural taint of parameters, MCP tool
// registrations (official go-sdk and mark3labs/mcp-go) and suppressions.
//
// Resolution is syntactic and per file: types are followed through
// declarations that name them (parameters, struct fields, `var x T`,
// composite literals, constructor calls, functions of this file), not
// inferred. What cannot be known here is left for the index (LocalCall
// kinds "package" and "method", HandlerRef, NameRef).
//
// # Tools
//
// A registration (s.AddTool, mcp.AddTool, s.AddTools/SetTools, a project
// helper taking a tool and its handler, a function returning both) whose
// tool definition is in this file gives a Tool with its Name. Tool tables
// are followed: slice and map literals of server.ServerTool or of a project
// struct holding a tool and its handler, grown with append, ranged over
// (`for _, t := range tools { s.AddTool(t.Tool, t.Handler) }`), indexed or
// spread; each entry is a Tool located at its definition. Entries of a
// package-level table this file never reads are recorded here, for the
// file of the package that registers it cannot see them.
//
// A tool defined outside the file, registered on an SDK server with a
// handler, gets a NameRef the index resolves through File.Constants:
//
//	s.AddTool(readTool, h)        NameRef "readTool"         (a package-level var)
//	s.AddTool(ReadTool(), h)      NameRef "func:ReadTool"    (a function returning the tool)
//	s.AddTool(tools.Lint, h)      NameRef "tools.Lint"       (another package of the module)
//	s.AddTool(tools.LintTool(), h) NameRef "func:LintTool"
//
// and the defining file puts the tool's name in its Constants under the
// same key: Constants["readTool"] for `var readTool = mcp.NewTool("read_file")`,
// Constants["func:ReadTool"] for a package function returning a tool.
// Annotations of such tools stay with the definition and are not linked.
//
// Typed inputs are decoded from JSON, so a field of a struct declared in
// this file is named in ParamRef paths by its JSON name (`json:"path"`),
// the input field the model fills; fields the decoder never sets (`json:"-"`,
// unexported) are not tool input of the handler (see json.go).
//
// # Types of other files
//
// A value whose type is a named type declared in another file of the
// package (a `getClient GetClientFn` parameter, a field of a struct declared
// there, a method of such a type) cannot be followed here. Calls through it
// are recorded with Module "type:<TypeName>" and the path after it as Member
// ("type:GetClientFn" + "().Users.Get", "type:Server" + ".client.Do",
// "type:Server" + ".gh().Issues.Get"), together with the class-less method
// LocalCall a call on a value of unknown type gives; every file lists what
// values of its types are in File.Types ("GetClientFn()", "Server.client",
// "Server.gh()" for a method's result, "C" for `type C = github.Client`),
// and the index rewrites the calls with the Types of the package. Invoking
// such a value (getClient(ctx)) records no call. A method call through a
// field or variable of an interface type of this file is a LocalCall of
// kind "method" with Class "": any implementation in the package may run.
//
// # Scopes from fields and package variables
//
// A string read from a field of a struct type of the package (c.baseURL),
// from a package-level variable or constant of another file, or from an
// exported constant of another package is a constant reference
// (Arg.Const, Module "." or the import path); each file lists in
// File.Stores what it stores in fields and package variables (composite
// literals, assignments, flag and struct-tag defaults, and a value that is
// not known wherever a library or a pointer may write), and the link
// resolves the reference with the stores of the whole project (see
// stores.go and link/goconst.go).
//
// A variable's value is the merge of its assignments (flow-insensitive):
// the taint is their union and a library instance seen in any of them is
// kept; literal values are the last assignment's.
//
// The tree-sitter tree is first copied into a flat Go slice (package
// analysis/syntax, then tree.go's node table); the analysis then runs in
// pure Go: extract.go reads declarations, resolve.go follows values through
// scopes and records calls, tools.go recognises the MCP SDKs.
package golang

import (
	"bytes"
	"errors"
	"fmt"
	"go/build/constraint"
	"path"
	"sort"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
	"github.com/mcpriv/mcpriv/analysis/suppress"
)

// Limits that keep hostile or generated input linear.
const (
	maxParseErrors = 50
	maxDepth       = 400  // expression/statement nesting followed
	maxRefs        = 16   // ParamRefs kept per value
	maxElems       = 16   // Arg.Elems (facts contract)
	maxStr         = 4096 // known string values are cut here (then Prefix)
)

// Extract reads the facts of one Go file. tree is parse.Parse(ctx, source.Go,
// src, nil). It never panics: on an internal error it returns what was
// extracted so far plus the error. File.Hash is left for the caller.
func Extract(path string, src []byte, tree *sitter.Tree) (f *facts.File, err error) {
	f = &facts.File{Path: path, Lang: source.Go}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("golang: %w extracting %s: %v (the file's facts are incomplete)", facts.ErrInternal, path, r)
		}
	}()
	if tree == nil {
		return unread(f, path, src, errors.New("golang: no syntax tree"))
	}
	flat, err := flatten(src, tree)
	if err != nil {
		return unread(f, path, src, err)
	}
	x := newExtractor(path, src, flat, f)
	x.run()
	f.Build = buildConstraint(src)
	return f, nil
}

// buildConstraint is the file's //go:build expression: the directive must
// come before the package clause, after only blank lines and comments
// (as go/build reads it). One that does not parse is left out.
func buildConstraint(src []byte) string {
	const most = 64 << 10 // a header of comments longer than this is not a Go file's
	if len(src) > most {
		src = src[:most]
	}
	inBlock := false
	for len(src) > 0 {
		line := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		t := strings.TrimSpace(string(line))
		switch {
		case inBlock:
			if strings.Contains(t, "*/") {
				inBlock = false
			}
		case t == "":
		case constraint.IsGoBuild(t):
			if _, err := constraint.Parse(t); err != nil {
				return ""
			}
			return strings.TrimSpace(strings.TrimPrefix(t, "//go:build"))
		case strings.HasPrefix(t, "//"):
		case strings.HasPrefix(t, "/*"):
			inBlock = !strings.Contains(t[2:], "*/")
		default:
			return "" // the package clause, or anything else: no directive
		}
	}
	return ""
}

// unread returns the facts of a file whose tree could not be read: its
// top-level function only.
func unread(f *facts.File, path string, src []byte, err error) (*facts.File, error) {
	f.Package = pkgKey(path, "")
	f.Functions = []facts.Function{topLevel(source.NewLines(src), len(src))}
	return f, err
}

func pkgKey(p, name string) string {
	return path.Dir(strings.ReplaceAll(p, "\\", "/")) + ":" + name
}

func topLevel(lines *source.Lines, n int) facts.Function {
	return facts.Function{Name: "", Parent: -1, Span: lines.Span(0, n), NameSpan: lines.Span(0, 0)}
}

// extractor holds the per-file state. Functions are numbered before any
// body is analysed, so references to later declarations resolve.
type extractor struct {
	t     *tree
	lines *source.Lines
	f     *facts.File

	imports    map[string]string // bound package name → import path
	dotImports []string
	qualifiers map[string]bool // identifiers used as `x.` qualifiers in the file
	locals     map[string]bool // names bound by a declaration anywhere in the file

	declared   map[string]bool              // package-level names declared in this file
	types      map[string]bool              // type names declared in this file
	ifaces     map[string]bool              // interface type names declared in this file
	fields     map[string]map[string]int32  // struct type → field → type node
	funcTypes  map[string]int32             // function type name → function_type node
	embedded   map[string][]int32           // struct type → embedded field types
	jsonNames  map[string]map[string]string // struct type → field → JSON name, where they differ
	anonJSONs  map[int32]map[string]string  // the same for anonymous struct types, by node
	structs    map[string]int32             // struct type → its struct_type node
	funcs      map[string]int               // package-level func → index
	methods    map[string]int               // "Type.Method" → index
	results    map[int]int32                // function index → its first result type node
	fnOf       map[int32]int                // func node → function index
	fnNode     []int32                      // function index → its node (-1 for the top level)
	inner      []int32                      // node → index of the innermost function holding it (0: top level)
	globals    *scope
	sdkGuess   string // facts.SDKGo or SDKMCPGo from the imports
	depth      int
	refSeen    map[int]map[string]bool // function → Refs already recorded
	registered map[*toolDef]bool       // tool definitions recorded as tools
	pending    []pendingStub           // helper handler stubs maybe added (named.go)
	usedTables map[*val]bool           // package-level tool tables read in this file
	// toolMethods are the tool definitions methods return, by receiver type.
	toolMethods map[string][]*toolDef
	// methodNames are the string literals methods without parameters
	// return ("Type.Name" → "read_file"; "" when several).
	methodNames map[string]string
	// tagDefaults are the fields ("Type.field") whose tag gives a variable
	// or flag and its default (stores.go).
	tagDefaults map[string]bool
}

func newExtractor(path string, src []byte, t *tree, f *facts.File) *extractor {
	return &extractor{
		t: t, lines: source.NewLines(src), f: f,
		imports: map[string]string{}, qualifiers: map[string]bool{}, locals: map[string]bool{},
		declared: map[string]bool{}, types: map[string]bool{}, ifaces: map[string]bool{},
		fields: map[string]map[string]int32{}, jsonNames: map[string]map[string]string{}, structs: map[string]int32{}, funcs: map[string]int{}, funcTypes: map[string]int32{}, embedded: map[string][]int32{},
		methods: map[string]int{}, results: map[int]int32{}, fnOf: map[int32]int{},
		refSeen: map[int]map[string]bool{}, registered: map[*toolDef]bool{}, usedTables: map[*val]bool{},
		toolMethods: map[string][]*toolDef{}, methodNames: map[string]string{},
		globals: &scope{vars: map[string]*val{}},
	}
}

// span returns the span of node i; a missing node (-1, in broken code) has
// an empty span at the start of the file.
func (x *extractor) span(i int32) source.Span {
	if i < 0 {
		return source.Span{}
	}
	n := x.t.nodes[i]
	return x.lines.Span(int(n.start), int(n.end))
}

func (x *extractor) run() {
	t := x.t
	if len(t.nodes) == 0 {
		x.f.Package = pkgKey(x.f.Path, "")
		x.f.Functions = []facts.Function{topLevel(x.lines, len(t.src))}
		return
	}
	x.f.Functions = []facts.Function{topLevel(x.lines, len(t.src))}
	x.f.Calls = make([]facts.Call, 0, len(t.src)/256)
	pkg := ""
	// One linear pass over the pre-order node list: package clause,
	// comments, errors, qualifiers and the numbering of functions.
	x.inner = make([]int32, len(t.nodes))
	for i := range t.nodes {
		n := &t.nodes[i]
		// Pre-order: the parent's innermost function is already known.
		if n.parent >= 0 {
			x.inner[i] = x.inner[n.parent]
		}
		switch n.typ {
		case "package_clause":
			if pkg == "" {
				pkg = t.text(t.kid(int32(i), "package_identifier"))
			}
		case "comment":
			x.comment(int32(i))
		case "selector_expression":
			if op := t.nth(int32(i), 0); t.typ(op) == "identifier" {
				x.qualifiers[t.text(op)] = true
			}
		case "qualified_type":
			x.qualifiers[t.text(t.kid(int32(i), "package_identifier"))] = true
		case "parameter_declaration", "variadic_parameter_declaration", "var_spec", "const_spec":
			for c := n.first; c >= 0; c = t.nodes[c].next {
				if t.nodes[c].typ == "identifier" {
					x.locals[string(t.bytes(c))] = true
				}
			}
		case "short_var_declaration", "range_clause":
			if l := t.nth(int32(i), 0); t.typ(l) == "expression_list" {
				for _, id := range t.kids(l) {
					if t.typ(id) == "identifier" {
						x.locals[t.text(id)] = true
					}
				}
			}
		case "function_declaration", "method_declaration", "func_literal":
			x.declareFunc(int32(i))
		}
		if n.error && len(x.f.ParseErrors) < maxParseErrors {
			x.f.ParseErrors = append(x.f.ParseErrors, x.span(int32(i)))
		}
	}
	x.f.Package = pkgKey(x.f.Path, pkg)
	x.topDecls(0)
	x.exports()
	x.typeTable()

	// Package-level initialisers run first and are visible to every function.
	ctx := &fnCtx{idx: 0}
	for c := t.nodes[0].first; c >= 0; c = t.nodes[c].next {
		switch t.typ(c) {
		case "var_declaration", "const_declaration":
			x.walk(c, x.globals, ctx)
		case "ERROR":
			x.walk(c, x.globals, ctx)
		}
	}
	x.valueTable()
	x.tableStores()
	// init functions run at start-up: the top level calls them.
	for i := 1; i < len(x.f.Functions); i++ {
		fn := &x.f.Functions[i]
		if fn.Name == "init" && fn.Class == "" && fn.Parent == 0 {
			x.f.Functions[0].LocalCalls = append(x.f.Functions[0].LocalCalls, facts.LocalCall{
				Callee: facts.Callee{Kind: "package", Name: "init", Func: i, Span: fn.NameSpan},
				Span:   fn.NameSpan,
			})
		}
	}
	for i := range t.nodes {
		switch t.nodes[i].typ {
		case "function_declaration", "method_declaration":
			x.analyseDecl(int32(i))
		}
	}
	// Calls are recorded as evaluated (arguments first); report them in
	// source order, inner calls of a chain before the outer ones.
	sort.SliceStable(x.f.Calls, func(a, b int) bool {
		return x.f.Calls[a].Span.Start.Offset < x.f.Calls[b].Span.Start.Offset
	})
	x.unregisteredTables()
	x.methodTools()
	x.dropHiddenInputs()
	x.resolveToolRefs()
	x.helperStubs()
}

// declareFunc numbers a function node and records its name, class and parameters.
func (x *extractor) declareFunc(i int32) {
	t := x.t
	idx := len(x.f.Functions)
	x.fnOf[i] = idx
	for len(x.fnNode) < idx {
		x.fnNode = append(x.fnNode, none)
	}
	x.fnNode = append(x.fnNode, i)
	x.inner[i] = int32(idx)
	fn := facts.Function{Parent: 0, Span: x.span(i)}
	var params, result int32 = none, none
	switch t.typ(i) {
	case "function_declaration":
		name := t.kid(i, "identifier")
		fn.Name = t.text(name)
		fn.NameSpan = x.span(name)
		params, result = x.signature(i, 0)
	case "method_declaration":
		name := t.kid(i, "field_identifier")
		fn.Name = t.text(name)
		fn.NameSpan = x.span(name)
		fn.Class = recvType(t, t.kid(i, "parameter_list"))
		params, result = x.signature(i, 1)
	case "func_literal":
		params, result = x.signature(i, 0)
		end := t.nodes[i].end
		if b := t.kid(i, "block"); b >= 0 {
			end = t.nodes[b].start
		}
		fn.NameSpan = x.lines.Span(int(t.nodes[i].start), int(end))
		if p := t.nodes[i].parent; p >= 0 {
			fn.Parent = int(x.inner[p])
		}
	}
	fn.Params = paramNames(t, params)
	if result >= 0 {
		if t.typ(result) == "parameter_list" {
			if pd := t.kid(result, "parameter_declaration"); pd >= 0 {
				result = paramType(t, pd)
			} else {
				result = none
			}
		}
		if result >= 0 {
			x.results[idx] = result
		}
	}
	x.f.Functions = append(x.f.Functions, fn)
}

// signature returns the parameter list and result type of a function node;
// skip is the number of parameter lists before the parameters (the receiver).
func (x *extractor) signature(i int32, skip int) (params, result int32) {
	t := x.t
	params, result = none, none
	seen := 0
	for c := t.nodes[i].first; c >= 0; c = t.nodes[c].next {
		if !t.nodes[c].named {
			continue
		}
		switch t.typ(c) {
		case "parameter_list":
			switch {
			case seen < skip:
			case seen == skip:
				params = c
			default:
				result = c
			}
			seen++
		case "block", "identifier", "field_identifier", "type_parameter_list", "comment":
		default:
			if seen > skip {
				result = c // a single unparenthesised result type
			}
		}
	}
	return params, result
}

// paramNames lists the declared parameters in order, one per name ("" for
// `_` and unnamed parameters).
func paramNames(t *tree, list int32) []string {
	var out []string
	for _, pd := range t.kids(list) {
		names := 0
		for _, k := range t.kids(pd) {
			if t.typ(k) == "identifier" {
				names++
				if s := t.text(k); s != "_" {
					out = append(out, s)
				} else {
					out = append(out, "")
				}
			}
		}
		if names == 0 && (t.typ(pd) == "parameter_declaration" || t.typ(pd) == "variadic_parameter_declaration") {
			out = append(out, "")
		}
	}
	return out
}

// paramType returns the type node of a parameter or field declaration.
func paramType(t *tree, pd int32) int32 {
	var last int32 = none
	for _, k := range t.kids(pd) {
		if typ := t.typ(k); typ != "identifier" && typ != "field_identifier" && typ != "raw_string_literal" && typ != "interpreted_string_literal" {
			last = k
		}
	}
	return last
}

// recvType returns the receiver's type name without pointer or type parameters.
func recvType(t *tree, list int32) string {
	pd := t.nth(list, 0)
	if pd < 0 {
		return ""
	}
	return typeName(t, paramType(t, pd))
}

func typeName(t *tree, ty int32) string {
	for ty >= 0 {
		switch t.typ(ty) {
		case "pointer_type", "parenthesized_type":
			ty = t.nth(ty, 0)
		case "generic_type":
			ty = t.nth(ty, 0)
		case "type_identifier", "identifier":
			return t.text(ty)
		default:
			return ""
		}
	}
	return ""
}

// topDecls reads the declarations of the file: imports, types, struct
// fields, package-level names and constants.
func (x *extractor) topDecls(root int32) {
	t := x.t
	for c := t.nodes[root].first; c >= 0; c = t.nodes[c].next {
		switch t.typ(c) {
		case "import_declaration":
			for _, k := range t.kids(c) {
				if t.typ(k) == "import_spec" {
					x.importSpec(k)
				} else {
					for _, s := range t.kids(k) {
						if t.typ(s) == "import_spec" {
							x.importSpec(s)
						}
					}
				}
			}
		case "function_declaration":
			name := t.text(t.kid(c, "identifier"))
			if name != "init" && name != "_" {
				x.funcs[name] = x.fnOf[c]
				x.declared[name] = true
			}
		case "method_declaration":
			idx := x.fnOf[c]
			fn := x.f.Functions[idx]
			x.methods[fn.Class+"."+fn.Name] = idx
		case "type_declaration":
			for _, s := range t.kids(c) {
				if t.typ(s) != "type_spec" && t.typ(s) != "type_alias" {
					continue
				}
				name := t.text(t.kid(s, "type_identifier"))
				x.types[name], x.declared[name] = true, true
				if ft := t.kid(s, "function_type"); ft >= 0 {
					x.funcTypes[name] = ft
				}
				if st := t.kid(s, "struct_type"); st >= 0 {
					x.structFields(name, st)
				}
				if t.kid(s, "interface_type") >= 0 {
					x.ifaces[name] = true
				}
			}
		case "var_declaration", "const_declaration":
			for _, s := range specs(t, c) {
				for _, k := range t.kids(s) {
					if t.typ(k) == "identifier" {
						x.declared[t.text(k)] = true
					}
				}
			}
		}
	}
	x.guessImportNames()
}

// specs returns the var_spec/const_spec children of a declaration, in or out of parentheses.
func specs(t *tree, decl int32) []int32 {
	var out []int32
	for _, k := range t.kids(decl) {
		switch t.typ(k) {
		case "var_spec", "const_spec":
			out = append(out, k)
		case "var_spec_list":
			for _, s := range t.kids(k) {
				if t.typ(s) == "var_spec" {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

func (x *extractor) structFields(typ string, st int32) {
	t := x.t
	m := x.fields[typ]
	if m == nil {
		m = map[string]int32{}
		x.fields[typ] = m
	}
	x.structs[typ] = st
	if js := structJSON(t, st); js != nil {
		x.jsonNames[typ] = js
	}
	list := t.kid(st, "field_declaration_list")
	for _, fd := range t.kids(list) {
		if t.typ(fd) != "field_declaration" {
			continue
		}
		ty := paramType(t, fd)
		named := false
		for _, k := range t.kids(fd) {
			if t.typ(k) == "field_identifier" {
				m[t.text(k)] = ty
				named = true
			}
		}
		x.tagDefault(typ, fd)
		if !named && ty >= 0 { // embedded: reachable by its type name
			if n := embeddedName(t, ty); n != "" {
				m[n] = ty
				x.embedded[typ] = append(x.embedded[typ], ty)
			}
		}
	}
}

func embeddedName(t *tree, ty int32) string {
	switch t.typ(ty) {
	case "pointer_type":
		return embeddedName(t, t.nth(ty, 0))
	case "qualified_type":
		return t.text(t.kid(ty, "type_identifier"))
	case "type_identifier":
		return t.text(ty)
	case "generic_type":
		return embeddedName(t, t.nth(ty, 0))
	}
	return ""
}

func (x *extractor) importSpec(s int32) {
	t := x.t
	var name int32 = none
	var lit int32 = none
	for _, k := range t.kids(s) {
		switch t.typ(k) {
		case "package_identifier", "dot", "blank_identifier":
			name = k
		case "interpreted_string_literal", "raw_string_literal":
			lit = k
		}
	}
	if lit < 0 {
		return
	}
	spec, _ := stringLit(t, lit)
	imp := facts.Import{Spec: spec, Name: "*", Span: x.span(s)}
	switch t.typ(name) {
	case "dot":
		imp.Local = "."
		x.dotImports = append(x.dotImports, spec)
	case "blank_identifier":
		imp.Local, imp.Name = "_", ""
	case "package_identifier":
		imp.Local = t.text(name)
		x.imports[imp.Local] = spec
	default:
		imp.Local = "" // guessed below, once every qualifier of the file is known
	}
	switch {
	case strings.HasSuffix(spec, "modelcontextprotocol/go-sdk/mcp"):
		x.sdkGuess = facts.SDKGo
	case strings.Contains(spec, "mark3labs/mcp-go/"):
		x.sdkGuess = facts.SDKMCPGo
	}
	x.f.Imports = append(x.f.Imports, imp)
}

// guessImportNames binds unaliased imports to their package name: the last
// path element without a major-version suffix or gopkg.in ".vN", unless the
// file uses a qualifier that matches the path loosely and the guess is unused.
func (x *extractor) guessImportNames() {
	bound := map[string]bool{}
	for k := range x.imports {
		bound[k] = true
	}
	for i := range x.f.Imports {
		imp := &x.f.Imports[i]
		if imp.Local != "" {
			continue
		}
		guess := defaultName(imp.Spec)
		if !x.qualifiers[guess] || bound[guess] {
			if alt := x.looseQualifier(imp.Spec, bound); alt != "" {
				guess = alt
			}
		}
		imp.Local = guess
		bound[guess] = true
		if _, ok := x.imports[guess]; !ok {
			x.imports[guess] = imp.Spec
		}
	}
}

func defaultName(spec string) string {
	parts := strings.Split(spec, "/")
	last := parts[len(parts)-1]
	if isMajor(last) && len(parts) > 1 {
		last = parts[len(parts)-2]
	}
	if i := strings.Index(last, ".v"); i > 0 && isMajor(last[i+1:]) { // gopkg.in/yaml.v3
		last = last[:i]
	}
	last = strings.TrimPrefix(last, "go-")
	last = strings.TrimSuffix(last, "-go")
	last = strings.TrimSuffix(last, ".go")
	return nameReplacer.Replace(last)
}

// The replacers are built once: building one costs more than its use.
var (
	nameReplacer  = strings.NewReplacer("-", "", ".", "")
	looseReplacer = strings.NewReplacer("-", "", ".", "", "_", "")
)

func isMajor(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// looseQualifier finds a qualifier used in the file, not declared here nor
// bound to another import, that matches spec's last element loosely.
func (x *extractor) looseQualifier(spec string, bound map[string]bool) string {
	parts := strings.Split(spec, "/")
	last := parts[len(parts)-1]
	if isMajor(last) && len(parts) > 1 {
		last = parts[len(parts)-2]
	}
	norm := loose(last)
	var best string
	for q := range x.qualifiers {
		if bound[q] || x.declared[q] || x.locals[q] || len(q) < 2 {
			continue
		}
		lq := loose(q)
		if lq != "" && (strings.Contains(norm, lq) || strings.Contains(lq, norm)) && (best == "" || len(q) > len(best) || (len(q) == len(best) && q < best)) {
			best = q
		}
	}
	return best
}

func loose(s string) string {
	s = strings.ToLower(s)
	return looseReplacer.Replace(s)
}

// exports maps every top-level function and method to its index.
func (x *extractor) exports() {
	for name, idx := range x.funcs {
		if x.f.Exports == nil {
			x.f.Exports = map[string]int{}
		}
		x.f.Exports[name] = idx
	}
	for name, idx := range x.methods {
		if x.f.Exports == nil {
			x.f.Exports = map[string]int{}
		}
		x.f.Exports[name] = idx
	}
}

// comment records a suppression comment.
func (x *extractor) comment(i int32) {
	if s, ok := suppress.FromComment(x.t.src, x.lines, x.span(i)); ok {
		x.f.Suppressions = append(x.f.Suppressions, s)
	}
}

// sortedKeys is used where map order would make output unstable.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
