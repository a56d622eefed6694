package golang

import (
	"reflect"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// Scopes read from struct fields and package variables.
//
// A value read from a field of a struct type of the package (c.baseURL)
// or from a package variable of another file is a constant reference
// (val.cref, facts.Arg.Const): the link gathers every value the package
// stores there (File.Stores) and grants their scopes. Each file records
// its stores: composite literals (&Client{baseURL: defaultBaseURL}),
// assignments (c.baseURL = u, in a constructor or anywhere), flag
// variables (flag.StringVar(&cfg.URL, "url", "https://…", …)) and what a
// library may write (json.Unmarshal(data, &cfg): every field of cfg; a
// pointer to a field: that field). A store the file cannot read is
// recorded as a value that is not known, so the link never narrows a
// field that something else also sets.

// literalOf is the literal a string value is, for an instance built from
// it (url.Parse(u), http.NewRequest(m, u, b)), or a URL instance was
// parsed from. Other instances' literals are not their value (os.Getenv's
// is the variable's name).
func literalOf(v val) literal {
	switch {
	case v.known:
		return literal{str: v.str, known: true, prefix: v.prefix, tail: v.tail}
	case v.cref != nil:
		return literal{str: v.str, prefix: v.prefix, cref: v.cref, tail: v.tail}
	case (v.inst.known || v.inst.cref != nil) && v.mod == "net/url":
		return v.inst // a URL parsed from a literal or reference
	}
	return literal{}
}

// fieldRef sets where selector base.name is stored (v.sel) and, for a
// field of a struct type of the package that may hold a string or a URL,
// the reference the link resolves (v.cref).
func (x *extractor) fieldRef(v *val, base val, name string, m member) {
	if base.each || m.method >= 0 || m.lib.mod != "" {
		return
	}
	switch {
	case base.mod == "" && base.local != "":
		owner := base.local
		if m.owner != "" {
			owner = m.owner
		}
		v.sel = owner + "." + name
		if x.stringish(owner, name) {
			v.cref = &facts.ConstRef{Module: ".", Name: "field:" + v.sel}
		}
	case base.mod == "" && base.anon == 0 || strings.HasPrefix(base.mod, typeRoot):
		// The operand's type is not known here: a store may be to any
		// field of that name.
		v.sel = "?." + name
	case base.anon == 0 && strings.HasSuffix(base.member, "()") && !strings.ContainsAny(base.member[:len(base.member)-2], ".()"):
		// A field of an instance of a type of another package: the link
		// tells whether it is a package of the project.
		typ := base.member[:len(base.member)-2]
		v.sel = base.mod + " " + typ + "." + name
		v.cref = &facts.ConstRef{Module: base.mod, Name: "field:" + typ + "." + name}
	case base.anon == 0:
		// A field of a field of another package's type (app.cfg.URL): which
		// type is not known here.
		v.sel = "?." + name
	}
}

// stringish reports whether field name of type typ may hold a URL, a
// host or a path: a string, a URL, a named type; true when the struct is
// declared in another file (its fields are not known here).
func (x *extractor) stringish(typ, name string) bool {
	fs, ok := x.fields[typ]
	if !ok {
		return true
	}
	ty, ok := fs[name]
	if !ok || ty < 0 {
		return true
	}
	t := x.t
	for d := 0; d < 4 && t.typ(ty) == "pointer_type"; d++ {
		ty = t.nth(ty, 0)
	}
	switch t.typ(ty) {
	case "type_identifier":
		n := t.text(ty)
		return n == "string" || !builtinTypes[n]
	case "qualified_type":
		return t.text(ty) == "url.URL"
	}
	return false
}

// storeArg is what a store of v records: a literal, an env or flag
// default, another reference, or (ok false for the zero value "") nothing.
func storeArg(v val) (facts.Arg, bool) {
	a := facts.Arg{Func: -1}
	l := literalOf(v)
	if v.mod == "net/url" && v.member == "URL()" && !l.known && l.cref == nil {
		l = urlLiteral(v.props)
	}
	switch {
	case l.known && l.str == "" && !l.prefix:
		return a, false // the zero value: no place
	case l.known:
		a.Value, a.Known, a.Prefix = l.str, true, l.prefix
		if v.known {
			a.Env = v.env
		}
	case l.cref != nil:
		a.Const, a.Value, a.Prefix = l.cref, l.str, l.prefix
	case v.direct && len(v.refs) == 1:
		// A parameter stored as it is (return &Client{baseURL: baseURL}):
		// the link follows what the callers pass.
		a.Refs, a.Pass = v.refs, true
	}
	return a, true
}

// urlLiteral is the literal of &url.URL{Scheme: "https", Host: "api.x.com"}.
func urlLiteral(props map[string]facts.Arg) literal {
	sch, host := props["Scheme"], props["Host"]
	if !sch.Known || sch.Prefix || !host.Known || host.Prefix || host.Value == "" {
		return literal{}
	}
	return literal{str: sch.Value + "://" + host.Value + "/", known: true, prefix: true}
}

// addStore records that the file stores v at key (see facts.File.Stores).
func (x *extractor) addStore(key string, v val) {
	a, ok := storeArg(v)
	if !ok || key == "" {
		return
	}
	if x.f.Stores == nil {
		x.f.Stores = map[string][]facts.Arg{}
	}
	vs := x.f.Stores[key]
	for _, o := range vs {
		if sameStore(o, a) {
			return
		}
	}
	if len(vs) >= facts.MaxStores {
		// Too many to list: one value that is not known stands for them.
		x.f.Stores[key] = []facts.Arg{{Func: -1}}
		return
	}
	x.f.Stores[key] = append(vs, a)
}

func sameStore(a, b facts.Arg) bool {
	if (a.Const == nil) != (b.Const == nil) || a.Const != nil && *a.Const != *b.Const {
		return false
	}
	if a.Pass != b.Pass || a.Pass && !a.Refs[0].Equal(b.Refs[0]) {
		return false
	}
	return a.Value == b.Value && a.Known == b.Known && a.Prefix == b.Prefix && a.Env == b.Env
}

// compositeStores records the fields a struct literal of a type of the
// package sets.
func (x *extractor) compositeStores(tv val, fields map[string]val, positional []val) {
	if tv.local == "" && tv.mod == "" || tv.anon != 0 || strings.HasPrefix(tv.mod, typeRoot) {
		return
	}
	prefix := tv.local + "."
	if tv.mod != "" {
		typ, ok := strings.CutSuffix(tv.member, "()")
		if !ok || strings.ContainsAny(typ, ".()") {
			return
		}
		prefix = tv.mod + " " + typ + "."
	}
	for k, v := range fields {
		if tv.mod != "" || x.stringish(tv.local, k) {
			x.addStore(prefix+k, v)
		}
	}
	if len(positional) > 0 {
		names := x.fieldOrder(tv)
		if len(names) < len(positional) {
			x.addStore(prefix+"*", unknown()) // fields not known here
			return
		}
		for i, v := range positional {
			if x.stringish(tv.local, names[i]) {
				x.addStore(prefix+names[i], v)
			}
		}
	}
}

// readOnly are the packages whose functions only read the values passed
// to them (formatting, logging, errors).
var readOnly = map[string]bool{
	"fmt": true, "log": true, "log/slog": true, "errors": true, "strings": true, "strconv": true,
}

// libraryStores records what a library call may write: through a pointer
// to a field (&cfg.URL), the field; through a value of a struct type of the
// package (json.Unmarshal(data, &cfg), envconfig.Process("", &cfg)), every
// field. flagArg is the argument a flag default was recorded for (-1).
func (x *extractor) libraryStores(mod, last string, argNodes []int32, args []val, flagArg int) {
	if readOnly[mod] || strings.HasPrefix(mod, typeRoot) || last == "Marshal" || last == "MarshalIndent" {
		return
	}
	t := x.t
	for i, a := range args {
		if i == flagArg || i >= len(argNodes) {
			continue
		}
		n := argNodes[i]
		addr := t.typ(n) == "unary_expression" && t.operator(n) == "&"
		if addr && a.sel != "" {
			x.addStore(a.sel, unknown())
		}
		if a.mod == "" && a.local != "" && (addr || t.typ(n) == "identifier" || t.typ(n) == "selector_expression") {
			x.structStores(mod, a.local)
		}
	}
}

// flagPackage reports whether mod defines command-line flags with
// defaults: the standard flag package, pflag, cobra (cmd.Flags()).
func flagPackage(mod string) bool {
	return mod == "flag" || strings.HasSuffix(mod, "/spf13/pflag") || strings.HasSuffix(mod, "/spf13/cobra")
}

// flagDefault handles a string flag's default: flag.String("url",
// "https://…", …) and pflag's StringP give it as the result, StringVar
// and StringVarP store it in the variable or field they point to. It
// returns the index of that pointer argument (-1 when none).
func (x *extractor) flagDefault(mod, member, last string, argNodes []int32, args []val, sc *scope, c *fnCtx, res *val) int {
	if !flagPackage(mod) {
		return -1
	}
	name, def, ptr := -1, -1, -1
	switch last {
	case "String":
		name, def = 0, 1
	case "StringP":
		name, def = 0, 2
	case "StringVar":
		ptr, name, def = 0, 1, 2
	case "StringVarP":
		ptr, name, def = 0, 1, 3
	default:
		return -1
	}
	if mod != "flag" && !strings.Contains(member, ".") && mod != "" && !strings.HasSuffix(mod, "/spf13/pflag") {
		return -1
	}
	if def >= len(args) || !args[name].known || args[name].prefix || args[name].str == "" || !args[def].known || args[def].str == "" {
		return -1
	}
	d := unknown()
	d.str, d.known, d.prefix, d.env = args[def].str, true, args[def].prefix, "-"+args[name].str
	if ptr < 0 {
		res.str, res.known, res.prefix, res.env = d.str, true, d.prefix, d.env
		return -1
	}
	p := argNodes[ptr]
	if x.t.typ(p) != "unary_expression" || x.t.operator(p) != "&" {
		return -1
	}
	switch id := x.t.nth(p, 0); {
	case x.t.typ(id) == "identifier":
		x.store(id, d, sc, false, "=", c)
	case args[ptr].sel != "":
		x.addStore(args[ptr].sel, d)
	default:
		return -1
	}
	return ptr
}

// tagDefault records the default a struct tag gives a string field, as the
// configuration loaders read them (caarlos0/env `env:"API_URL"
// envDefault:"https://…"`, envconfig `envconfig:"API_URL"
// default:"https://…"`, go-flags and kong `long:"url" default:"…"`): the
// default of that variable or flag; with neither, a literal beside a value
// that is not known (whatever fills the struct may set it).
func (x *extractor) tagDefault(typ string, fd int32) {
	t := x.t
	var tag string
	var names []string
	for _, k := range t.kids(fd) {
		switch t.typ(k) {
		case "field_identifier":
			names = append(names, t.text(k))
		case "raw_string_literal", "interpreted_string_literal":
			tag, _ = stringLit(t, k)
		}
	}
	if tag == "" || len(names) == 0 {
		return
	}
	st := reflect.StructTag(tag)
	def, ok := st.Lookup("envDefault")
	if !ok {
		def, ok = st.Lookup("default")
	}
	if !ok || def == "" {
		return
	}
	d := unknown()
	d.str, d.known = def, true
	for _, k := range []string{"env", "envconfig"} {
		if e, _, _ := strings.Cut(st.Get(k), ","); e != "" && d.env == "" {
			d.env = e
		}
	}
	for _, k := range []string{"long", "name", "flag"} {
		if f, _, _ := strings.Cut(st.Get(k), ","); f != "" && d.env == "" {
			d.env = "-" + f
		}
	}
	for _, n := range names {
		if !x.stringish(typ, n) {
			continue
		}
		x.addStore(typ+"."+n, d)
		if d.env == "" {
			x.addStore(typ+"."+n, unknown())
		} else {
			if x.tagDefaults == nil {
				x.tagDefaults = map[string]bool{}
			}
			x.tagDefaults[typ+"."+n] = true
		}
	}
}

// envLoader reports whether mod fills a struct from environment variables
// or flags as its tags say (a tagged default is then that variable's).
func envLoader(mod string) bool {
	for _, m := range []string{"github.com/caarlos0/env", "github.com/kelseyhightower/envconfig", "github.com/sethvargo/go-envconfig",
		"github.com/jessevdk/go-flags", "github.com/alecthomas/kong"} {
		if mod == m || strings.HasPrefix(mod, m+"/") {
			return true
		}
	}
	return false
}

// structStores records that a library call may set every field of struct
// type typ; an env or flag loader sets those whose tag states a variable or
// flag with a default to that default or the variable's value (tagDefault).
func (x *extractor) structStores(mod, typ string) {
	fs, ok := x.fields[typ]
	if !ok || !envLoader(mod) {
		x.addStore(typ+".*", unknown())
		return
	}
	for _, f := range sortedKeys(fs) {
		if !x.tagDefaults[typ+"."+f] && x.stringish(typ, f) {
			x.addStore(typ+"."+f, unknown())
		}
	}
	for _, et := range x.embedded[typ] {
		if ev := x.typeVal(et); ev.local != "" && ev.local != typ {
			x.addStore(ev.local+".*", unknown()) // its fields' tags are not read here
		}
	}
}

// sdkOverrides are the options and methods of client libraries that
// replace the host the library talks to by default (its rule's default):
// slack.OptionAPIURL(u), option.WithBaseURL(u) (openai-go, anthropic-sdk-go),
// go-github's WithEnterpriseURLs(base, upload) and NewEnterpriseClient,
// Google's option.WithEndpoint. The URL is their first argument.
var sdkOverrides = map[string]bool{
	"OptionAPIURL": true, "WithBaseURL": true, "WithEnterpriseURLs": true,
	"NewEnterpriseClient": true, "WithEndpoint": true,
}

// sdkFields are the fields of a library client that hold its base URL
// (go-github's client.BaseURL = u).
var sdkFields = map[string]bool{"BaseURL": true}

// sdkStore records a use of a library's override of its default host,
// under "sdk:" + the library's module: the link grants its value beside
// the default of every call of that library in the project.
func (x *extractor) sdkStore(mod, last string, args []val) {
	if sdkOverrides[last] && len(args) > 0 && mod != "" && !strings.HasPrefix(mod, typeRoot) {
		x.addStore("sdk:"+mod, args[0])
	}
}
