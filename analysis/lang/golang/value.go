package golang

import (
	"slices"
	"strconv"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// val is what the extractor knows about the value of an expression.
type val struct {
	// mod/member: the value is a library symbol or an instance of one
	// ("net/http", "Client()"); mod "" when not.
	mod, member string
	// local is the name of a type of this package the value has (method
	// calls on it become LocalCalls of kind "method" with that Class).
	local string
	// fn is the index of the function the value is (-1 none); fnRef names
	// a function outside this file (a method value, a package function).
	fn    int
	fnRef *facts.Callee
	// ident is the identifier the value was read from when it could not be
	// resolved here (a constant or tool variable of another file of the
	// package), or, with toolCall set, the package function whose result
	// the value is (a tool defined there: Tool.NameRef "func:"+ident).
	ident string

	str string
	// env: str is the literal default of this environment variable
	// (cmp.Or(os.Getenv("X"), "d")); getenv: the value is os.Getenv(getenv).
	env, getenv string
	// inst is the literal an instance was created from (os.Open("/etc/x")).
	inst literal
	// cref: the value starts with a package-level constant or variable of
	// another file, or a struct field ("field:Client.baseURL"), whose
	// values the link gathers from the package's Stores; str is then the
	// text after it (known false).
	cref *facts.ConstRef
	// sel is where a selector's value is stored: "Type.field" of a struct
	// type of the package, "?.field" when the operand's type is not known
	// here; "" for a library's member.
	sel string
	num string
	// tail: the known text (str, or the text after cref) stops at this
	// parameter's value, passed on unchanged (c.base + path,
	// Sprintf("%s%s", c.base, path)): facts.Arg.Tail. Set only with prefix.
	tail *facts.ParamRef

	refs []facts.ParamRef
	// direct: the value is a parameter or a field path into one, unchanged
	// (Arg.Pass).
	direct bool
	// fieldRefs is the taint of each field of a composite literal
	// (In{Path: args.Path}.Path derives from args.Path alone).
	fieldRefs map[string][]facts.ParamRef
	props     map[string]facts.Arg
	elems     []facts.Arg

	tool *toolDef // an MCP tool definition (mcp.NewTool, &mcp.Tool{…})
	// inner is the result of a handler factory passed to the call whose
	// result this is (tools.Wrap(handlers.Read(root), cfg)): when this
	// value is a tool's handler, the inner factory's closure runs too.
	inner   *val
	handler *val // server.ServerTool{Handler: …}
	// binds are, for a handler factory's result, the instances of types
	// of other packages of the module passed to it, by argument ("" none;
	// named.go).
	binds  []string
	annots map[string]annot
	items  []val // tool definitions among the elements of a slice or map literal
	// fields are the fields of a row of a named table (named.go): a struct
	// literal with a literal string field and a handler, or a map entry
	// (kvKey, kvValue). nil when the value is no row.
	fields map[string]val
	// entry names the fields of a table entry (a struct literal holding a
	// tool definition and its handler) that hold the tool and the handler.
	entry *entryKeys

	// ret is the result type of a value of function type (hasRet set):
	// calling it yields an instance of that type.
	ret int32
	// anon is the struct_type node of a value of an anonymous struct type
	// (`args struct{ Path string }`), 0 otherwise (node 0 is the file).
	anon int32
	// alts are the functions a map, slice or array literal holds as
	// elements (map[string]func(…){"a": a, …}, m["c"] = f), or the one of
	// them picked by a computed index (m[name]): calling it calls any of
	// them, with the arguments given.
	alts []altFn
	// The small fields last, packed.
	hasRet        bool
	known, prefix bool // str is meaningful; only its leading part is known
	boolean       int8 // 0 unknown, 1 false, 2 true
	typed         bool // a typed tool handler (mcp.NewTypedToolHandler)
	toolCall      bool // ident names a function whose result this is
	// each marks a value that is any one of items (a range variable over a
	// tool table, tools[i]); selecting a field selects it in every item.
	each bool
	// cut marks items that dropped tool definitions past maxTools: a
	// registration over them is too large to analyse (mcpriv.too-deep),
	// never a silent gap.
	cut bool
}

type entryKeys struct{ tool, handler string }

// altFn is one function of a table: this file's function fn, or (fn -1)
// the one ref names (a function of another file of the package, a method
// value).
type altFn struct {
	fn  int
	ref *facts.Callee
}

type literal struct {
	str           string
	known, prefix bool
	cref          *facts.ConstRef // the literal starts with this (see val.cref)
	tail          *facts.ParamRef // see val.tail
	// pass: the value is this parameter, passed on unchanged (a request
	// built from a helper's url parameter).
	pass *facts.ParamRef
}

type annot struct {
	v    bool
	span source.Span
}

func unknown() val { return val{fn: -1} }

// scope is a lexical block of variables.
type scope struct {
	parent *scope
	vars   map[string]*val
}

func (s *scope) child() *scope { return &scope{parent: s} }

func (s *scope) lookup(name string) *val {
	for ; s != nil; s = s.parent {
		if v, ok := s.vars[name]; ok {
			return v
		}
	}
	return nil
}

// lookupBytes is lookup without converting name to a string first.
func (s *scope) lookupBytes(name []byte) *val {
	for ; s != nil; s = s.parent {
		if v, ok := s.vars[string(name)]; ok {
			return v
		}
	}
	return nil
}

func (s *scope) bind(name string, v val) {
	if name == "_" || name == "" {
		return
	}
	if s.vars == nil {
		s.vars = map[string]*val{}
	}
	s.vars[name] = &v
}

// addRefs returns the union of a and b, without duplicates, capped.
func addRefs(a, b []facts.ParamRef) []facts.ParamRef { return facts.UnionRefs(a, b, maxRefs) }

// extend appends access path segments to every ref (capped at facts.MaxPath).
func extend(refs []facts.ParamRef, segs ...string) []facts.ParamRef {
	return facts.ExtendRefs(refs, segs...)
}

// stringLit decodes a Go string literal node.
func stringLit(t *tree, i int32) (string, bool) {
	raw := t.text(i)
	if t.typ(i) == "raw_string_literal" {
		if len(raw) >= 2 {
			return strings.ReplaceAll(raw[1:len(raw)-1], "\r", ""), true
		}
		return "", false
	}
	if s, err := strconv.Unquote(raw); err == nil {
		return s, true
	}
	if len(raw) >= 2 && raw[0] == '"' {
		return raw[1 : len(raw)-1], true // malformed escapes: the text as written
	}
	return "", false
}

// concat is the value of a + b for strings.
func concat(a, b val) val {
	v := unknown()
	v.refs = addRefs(a.refs, b.refs)
	switch {
	case a.known && !a.prefix && b.known:
		v.str, v.known, v.prefix = a.str+b.str, true, b.prefix
	case a.known:
		v.str, v.known, v.prefix = a.str, true, true
		v.tail = tailAfter(a, b)
	}
	if a.known {
		v.env = a.env
	}
	if !a.known && a.cref != nil {
		// baseURL + path: the constant or field, then what follows.
		v.cref, v.str, v.prefix = a.cref, a.str, true
		if !a.prefix && b.known {
			v.str, v.prefix = a.str+b.str, b.prefix
		} else {
			v.tail = tailAfter(a, b)
		}
	}
	if len(v.str) > maxStr {
		v.str, v.prefix, v.tail = v.str[:maxStr], true, nil
	}
	return v
}

// tailAfter is the tail of a's text followed by b when that is a prefix:
// a's own tail when a was a prefix already, else b when b is a parameter
// passed on unchanged, else nil.
func tailAfter(a, b val) *facts.ParamRef {
	switch {
	case a.prefix:
		return a.tail
	case !b.known && b.cref == nil && b.direct && len(b.refs) == 1:
		r := b.refs[0]
		return &r
	}
	return nil
}

// formatPrefix is the known leading part of a Printf format: everything
// before the first verb ("%%" is a literal percent). full is true when the
// format has no verbs.
func formatPrefix(format string) (prefix string, full bool) {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(format) && format[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		return b.String(), false
	}
	return b.String(), true
}

// formatValue is the known leading part of fmt.Sprintf(format, args...):
// %s and %v of known strings and %d of number literals are filled in (a
// base URL held in a constant: Sprintf("%s/users/%s", base, id)); the
// first verb whose value is not known ends it (full false).
func formatValue(format string, args []val) (prefix string, full bool) {
	prefix, full, _ = formatCut(format, args)
	return prefix, full
}

// formatCut is formatValue, with the index of the argument whose verb
// ended the known part (-1: none did).
func formatCut(format string, args []val) (prefix string, full bool, cut int) {
	var b strings.Builder
	next := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(format) {
			return b.String(), false, -1
		}
		verb := format[i+1]
		switch {
		case verb == '%':
			b.WriteByte('%')
		case (verb == 's' || verb == 'v') && next < len(args) && args[next].known:
			b.WriteString(args[next].str)
			if args[next].prefix {
				return b.String(), false, -1
			}
			next++
		case verb == 'd' && next < len(args) && args[next].num != "" && !strings.ContainsAny(args[next].num, ".eExXoObB_"):
			b.WriteString(args[next].num)
			next++
		case (verb == 's' || verb == 'v') && next < len(args):
			return b.String(), false, next
		default:
			return b.String(), false, -1
		}
		i++
	}
	return b.String(), next == len(args), -1
}

// arg converts a value to a call argument.
func (x *extractor) arg(i int32, v val) facts.Arg {
	a := facts.Arg{Func: v.fn, Refs: v.refs, Number: v.num, Props: v.props, Elems: v.elems}
	isReq := v.mod == "net/http" && (v.member == "NewRequest()" || v.member == "NewRequestWithContext()")
	var tail *facts.ParamRef
	switch {
	case v.known:
		a.Value, a.Known, a.Prefix, a.Env = v.str, true, v.prefix, v.env
		tail = v.tail
	case v.cref != nil:
		a.Const, a.Value, a.Prefix = v.cref, v.str, v.prefix
		tail = v.tail
	case v.inst.known && isReq:
		// A request stands for its URL: client.Do(req) connects there.
		a.Value, a.Known, a.Prefix = v.inst.str, true, v.inst.prefix
		tail = v.inst.tail
	case v.inst.cref != nil && isReq:
		a.Const, a.Value, a.Prefix = v.inst.cref, v.inst.str, v.inst.prefix
		tail = v.inst.tail
	}
	if tail != nil && a.Prefix && slices.ContainsFunc(a.Refs, tail.Equal) {
		a.Tail = tail
	}
	a.Pass = v.direct && !a.Known && a.Const == nil && len(a.Refs) == 1
	if isReq && v.inst.pass != nil && !a.Known && a.Const == nil && len(a.Refs) == 1 && a.Refs[0].Equal(*v.inst.pass) {
		a.Pass = true // the request of a helper's url parameter: its callers' URLs
	}
	return a
}

// shallow drops nested Props (Arg.Props are one level deep) but keeps Elems.
func shallow(a facts.Arg) facts.Arg {
	a.Props = nil
	for i := range a.Elems {
		a.Elems[i].Props, a.Elems[i].Elems = nil, nil
	}
	return a
}
