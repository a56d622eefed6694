package jsts

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// symbol is a library, global or project-import symbol: Module plus member path.
type symbol struct{ mod, member string }

// val is what the extractor knows about an expression's value.
type val struct {
	sym     *symbol
	modRoot bool // the module value itself (require/import result)
	bare    bool // a global named directly (process, fetch) or the global object
	read    bool // produced by reading a name or property (an Access candidate)
	keyed   bool // the last step read key of objMember (process.env.HOME)
	objMem  string
	key     string
	wrap    bool // compiler import wrapper: .default is the module itself
	intr    bool // ECMAScript intrinsic
	req     bool // a bundler require function
	nodeReq bool // Node's require (global, createRequire's result, esbuild's shim)
	modObj  bool // CommonJS `module`
	expObj  bool // CommonJS `exports` / `module.exports`
	this    bool
	parsed  bool  // a schema's safeParse result: .data is the parsed input itself
	fnp     int32 // function index + 1
	impp    int32 // index + 1 into File.Imports of the require producing this module value
	cls     string
	clsRef  string
	str     string
	known   bool
	prefix  bool
	env     string // str is the literal default of this environment variable (process.env.X ?? "d")
	// cref: the string starts with this constant of another project file
	// (`${API_BASE}/v1`), str is the text known after it (prefix: not all
	// of it); known is then false. The link looks the constant up.
	cref *facts.ConstRef
	// lead: the string starts with this parameter's value, passed on
	// unchanged (`${this.baseUrl}/v1` with baseUrl a constructor's
	// parameter), str is the text known after it; known is then false.
	// The link follows the callers' literals (facts.Arg.Lead).
	lead *facts.ParamRef
	// dflt: the string falls back to this literal when another value,
	// neither literal nor an environment variable, is unset (opts.url ??
	// "https://…"), dprefix: only its leading part is known. known is then
	// false: the other value may be used too (facts.Arg.Default).
	dflt    string
	dprefix bool
	// tail: the known text (str, dflt, or the text after cref or lead)
	// stops at this parameter's value, passed on unchanged
	// (`${base}${path}`): facts.Arg.Tail. Set only with prefix or dprefix.
	tail *facts.ParamRef
	num  string
	// envNum: a decimal number, the literal default of environment
	// variable env when it is unset (process.env.PORT || 3000); known and
	// num stay unset, so only text built from it (`localhost:${PORT}`)
	// uses it, naming env.
	envNum  string
	boolean int8 // 1 false, 2 true
	taint   []facts.ParamRef
	// direct: the value is a parameter or a property path into one, unchanged
	// (Arg.Pass).
	direct bool
	props  map[string]prop
	elems  []prop
	cut    bool // elems dropped an object element past maxTools (see eachItem.cut)
	// open: props may hold keys not listed (a spread of a value whose
	// properties are not known, a computed key): facts.OpenProps.
	open bool
	// ctor is the options object a library instance was constructed with
	// (new OpenAI({ baseURL: … })), carried along its member reads so the
	// calls on it record it as Call.Recv; nil when not an object literal.
	ctor *facts.Arg
	// each is "any one of these values": a loop variable over a literal
	// array, a callback's item, a handler picked from a map by the tool name
	// (byName: each item's name is the tool it serves).
	each   []eachItem
	byName bool
	// list: the value is the File.Lists array of that name, whose elements
	// are not all known in this file; table: a loop item over such an
	// array or another file's (or a property of the item), lists.go.
	list  string
	table *tableRef
	// made: the properties of the object literal a top-level call of a
	// project function was given (`const t = defineTool({ name, handler })`):
	// a tool object's, as far as lists and constants go (lists.go).
	made map[string]prop
	// alts are the functions (index + 1) a value picked from a table of
	// functions by a computed key may be (HANDLERS[name]): a call of it
	// is a call of each, so the arguments' taint reaches them all.
	alts []int32
}

// eachItem is one of the values an each value may be. name (when byName)
// is the tool name the item is picked by, written at nameNode.
type eachItem struct {
	name     string
	nameNode int32
	p        prop
	// cut stands for the elements of a table past maxTools, which were
	// not kept: a registration or dispatch over them is too large to
	// analyse (mcpriv.too-deep), never a silent gap.
	cut bool
}

type prop struct {
	node int32
	v    val
}

func (v val) fn() int32 { return v.fnp - 1 }

// symbolic reports whether v is more than a string, number or taint: a
// symbol, function, class, object or loader.
func (v val) symbolic() bool {
	return v.sym != nil || v.fnp > 0 || v.req || v.nodeReq || v.intr || v.cls != "" || v.clsRef != "" ||
		v.props != nil || v.elems != nil || v.each != nil || v.modObj || v.expObj || v.this || v.parsed || v.wrap
}

// empty reports whether nothing is known of v (an unassigned variable).
func (v val) empty() bool {
	return !v.symbolic() && !v.known && v.num == "" && v.boolean == 0 && len(v.taint) == 0
}

// merge is a variable's value after another assignment: flow-insensitively,
// it may hold either, so taint is the union, literals survive only when
// equal, and the newest symbolic value wins (else the older one stays).
func merge(old, nv val) val {
	nv.read = false
	if old.empty() {
		return nv
	}
	r := nv
	if !nv.symbolic() {
		r = old
		r.read = false
	}
	r.taint = union(old.taint, nv.taint)
	r.direct = old.direct && nv.direct && len(r.taint) == 1 // either value: the same parameter only
	r.str, r.known, r.prefix, r.env, r.cref, r.dflt, r.dprefix, r.lead, r.tail = "", false, false, "", nil, "", false, nil, nil
	if old.lead != nil && nv.lead != nil && old.lead.Equal(*nv.lead) && old.str == nv.str && old.prefix == nv.prefix {
		r.str, r.prefix, r.lead = nv.str, nv.prefix, nv.lead // either value: the same text
	}
	if old.cref != nil && nv.cref != nil && *old.cref == *nv.cref && old.str == nv.str && old.prefix == nv.prefix {
		r.str, r.prefix, r.cref = nv.str, nv.prefix, nv.cref // either value: the same text
	}
	if old.known && nv.known {
		// Either value: the text they share is still known (url = url + "/x").
		n := 0
		for n < len(old.str) && n < len(nv.str) && old.str[n] == nv.str[n] {
			n++
		}
		switch {
		case old.str == nv.str && old.prefix == nv.prefix:
			r.str, r.known, r.prefix = nv.str, true, nv.prefix
			if old.env == nv.env {
				r.env = nv.env
			}
		case n > 0:
			r.str, r.known, r.prefix = old.str[:n], true, true
		}
	}
	r.num, r.boolean, r.envNum = "", 0, ""
	if old.envNum != "" && old.envNum == nv.envNum && old.env == nv.env {
		r.envNum, r.env = nv.envNum, nv.env
	}
	if old.num == nv.num {
		r.num = nv.num
	}
	if old.boolean == nv.boolean {
		r.boolean = nv.boolean
	}
	return r
}

// returned is the value a call of a local function yields as seen by the
// caller: the callee's symbolic value or literal, without its taint (which
// names the callee's parameters).
func returned(v val) val {
	v.taint, v.props, v.elems, v.each, v.byName, v.lead, v.tail = nil, nil, nil, nil, false, nil, nil
	v.read, v.impp, v.this, v.modObj, v.expObj, v.parsed, v.keyed = false, 0, false, false, false, false, false
	return v
}

// plain keeps only what survives being passed through an unknown operation.
func plain(taint []facts.ParamRef) val { return val{taint: taint} }

// union merges taint sets, deduplicated and capped.
func union(a, b []facts.ParamRef) []facts.ParamRef { return facts.UnionRefs(a, b, maxTaint) }

// extend appends a property step to every path.
func extend(taint []facts.ParamRef, key string) []facts.ParamRef { return facts.ExtendRefs(taint, key) }

// decodeString decodes a JS string literal (with its quotes).
func decodeString(raw []byte) (string, bool) {
	if len(raw) < 2 {
		return "", false
	}
	q := raw[0]
	if (q != '"' && q != '\'') || raw[len(raw)-1] != q {
		return "", false
	}
	return unescape(raw[1 : len(raw)-1]), true
}

// unescape decodes the escapes of string and template text.
func unescape(b []byte) string {
	if !strings.ContainsRune(string(b), '\\') {
		return string(b)
	}
	var sb strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 >= len(b) {
			sb.WriteByte(c)
			continue
		}
		i++
		switch b[i] {
		case 'n':
			sb.WriteByte('\n')
		case 't':
			sb.WriteByte('\t')
		case 'r':
			sb.WriteByte('\r')
		case 'b':
			sb.WriteByte('\b')
		case 'f':
			sb.WriteByte('\f')
		case 'v':
			sb.WriteByte('\v')
		case '0':
			sb.WriteByte(0)
		case '\n':
			// line continuation
		case '\r':
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
		case 'x':
			if i+2 < len(b) {
				if r, err := strconv.ParseUint(string(b[i+1:i+3]), 16, 8); err == nil {
					sb.WriteRune(rune(r))
					i += 2
					continue
				}
			}
			sb.WriteByte('x')
		case 'u':
			if i+1 < len(b) && b[i+1] == '{' {
				if j := strings.IndexByte(string(b[i+1:]), '}'); j > 0 {
					if r, err := strconv.ParseUint(string(b[i+2:i+1+j]), 16, 32); err == nil && utf8.ValidRune(rune(r)) {
						sb.WriteRune(rune(r))
						i += 1 + j
						continue
					}
				}
			} else if i+4 < len(b) {
				if r, err := strconv.ParseUint(string(b[i+1:i+5]), 16, 16); err == nil {
					sb.WriteRune(rune(r))
					i += 4
					continue
				}
			}
			sb.WriteByte('u')
		default:
			sb.WriteByte(b[i])
		}
	}
	return sb.String()
}

// constRef is the constant of another project file that v, an imported
// name read as a value, is: API_BASE after `import { API_BASE } from
// "./config.js"`, config_js_1.API_BASE in compiled CommonJS, a member of
// an exported constant object (CONFIG.api.baseUrl) or of the object an
// exported getter returns (getConfig().baseUrl). The link finds only what
// that file records as constant (consts.go).
func constRef(v val) *facts.ConstRef {
	if v.sym == nil || v.fnp > 0 || v.props != nil || v.cls != "" || v.clsRef != "" {
		return nil
	}
	if v.ctor != nil && !strings.Contains(v.sym.member, "().") {
		return nil // an instance, not a getter's object
	}
	m := v.sym.mod
	if !strings.HasPrefix(m, ".") && !strings.HasPrefix(m, "/") {
		return nil
	}
	if !constName(v.sym.member) {
		return nil
	}
	return &facts.ConstRef{Module: m, Name: v.sym.member}
}

// constName reports whether name can be a key of File.Constants: NAME,
// NAME.member… or NAME().member…, each part a plain name.
func constName(name string) bool {
	parts := strings.Split(name, ".")
	if len(parts) > maxConstPath+1 {
		return false
	}
	if r, ok := strings.CutSuffix(parts[0], "()"); ok {
		if len(parts) < 2 {
			return false
		}
		parts[0] = r
	}
	for _, p := range parts {
		if p == "" || strings.ContainsAny(p, "()[]") {
			return false
		}
	}
	return true
}

// tailOf is the parameter v is when it is one, passed on unchanged, that
// can end a known text (`${base}${path}`): nil otherwise.
func tailOf(v val) *facts.ParamRef {
	if v.lead != nil {
		return nil
	}
	return leadOf(v)
}

// leadOf is the parameter v starts with, unchanged, when it is a string
// built on one (v.lead) or the parameter itself (v.direct); nil otherwise.
func leadOf(v val) *facts.ParamRef {
	switch {
	case v.known || v.cref != nil || v.dflt != "":
		return nil
	case v.lead != nil:
		return v.lead
	case v.direct && len(v.taint) == 1 && v.fnp == 0 && v.props == nil && v.elems == nil:
		r := v.taint[0]
		return &r
	}
	return nil
}
