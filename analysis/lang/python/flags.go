package python

import (
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// Configuration with literal defaults, read before the main pass: the
// defaults of command-line options and module constants that an
// environment variable overrides. A server as shipped talks to these
// defaults; the variable or flag that changes them is noted beside the
// scope (facts.Arg.Env); module constants bound so are under facts.EnvConstKey.

// flagDefault is a command-line option's literal default: flag as written
// ("--api-url"), value its default.
type flagDefault struct {
	flag, value string
	conflict    bool // two options with this destination and different defaults
}

// flagDefaults records parser.add_argument("--url", default="https://…")
// by destination (dest= or the long flag, "-" read as "_"), so that
// args.url reads as the default with the flag noted. Read by syntax: the
// parser's name and where the arguments are parsed do not matter.
func (e *extractor) flagDefaults() {
	t := e.t
	for i := range t.n {
		n := int32(i)
		if t.n[n].typ != "call" {
			continue
		}
		fn := t.field(n, "function")
		if t.typ(fn) != "attribute" || !t.textEq(t.field(fn, "attribute"), "add_argument") {
			continue
		}
		flag, dest, def, ok := "", "", "", false
		for _, c := range t.namedKids(t.field(n, "arguments"), nil) {
			switch t.typ(c) {
			case "keyword_argument":
				name := t.text(t.field(c, "name"))
				switch name {
				case "dest":
					dest, _ = e.staticString(t.field(c, "value"), e.f.Constants, "")
				case "default":
					def, ok = e.staticString(t.field(c, "value"), e.f.Constants, "")
				}
			case "string":
				s, known := e.staticString(c, nil, "")
				if known && strings.HasPrefix(s, "--") && flag == "" {
					flag = s
				}
			}
		}
		if flag == "" || !ok || def == "" {
			continue
		}
		if dest == "" {
			dest = strings.ReplaceAll(strings.TrimPrefix(flag, "--"), "-", "_")
		}
		if e.flags == nil {
			e.flags = map[string]flagDefault{}
		}
		if old, seen := e.flags[dest]; seen && (old.value != def || old.flag != flag) {
			e.flags[dest] = flagDefault{conflict: true}
			continue
		}
		e.flags[dest] = flagDefault{flag: flag, value: def}
	}
}

// flagValue is args.attr when args holds parsed command-line options and
// attr has a literal default.
func (e *extractor) flagValue(o val, attr string) (val, bool) {
	if o.mod != "argparse" || !(strings.HasSuffix(o.mem, "parse_args()") || o.mem == "Namespace()") {
		return val{}, false
	}
	d, ok := e.flags[attr]
	if !ok || d.conflict {
		return val{}, false
	}
	return val{s: d.value, known: true, env: d.flag, refs: o.refs}, true
}

// staticEnvDefault recognises os.getenv("X", "d"), os.environ.get("X",
// "d") and os.getenv("X") or "d" by syntax, for module constants: the
// variable and the default.
func (e *extractor) staticEnvDefault(r int32, consts map[string]string) (string, string, bool) {
	t := e.t
	r = t.unparen(r)
	var call, def int32 = r, -1
	if t.typ(r) == "boolean_operator" && e.operator(r) == "or" {
		call, def = t.unparen(t.field(r, "left")), t.field(r, "right")
	}
	if t.typ(call) != "call" {
		return "", "", false
	}
	switch strings.Join(strings.Fields(t.text(t.field(call, "function"))), "") {
	case "os.getenv", "os.environ.get", "getenv", "environ.get":
	default:
		return "", "", false
	}
	var args []int32
	for _, c := range t.namedKids(t.field(call, "arguments"), nil) {
		switch t.typ(c) {
		case "keyword_argument":
			if !t.textEq(t.field(c, "name"), "default") {
				return "", "", false
			}
			args = append(args, t.field(c, "value"))
		case "comment":
		default:
			args = append(args, c)
		}
	}
	if len(args) == 0 || len(args) > 2 {
		return "", "", false
	}
	name, ok := e.staticString(args[0], consts, "")
	if !ok || name == "" || strings.ContainsAny(name, "=\x00") {
		return "", "", false
	}
	if len(args) == 2 {
		if def >= 0 {
			return "", "", false // os.getenv("X", d) or "e"
		}
		def = args[1]
	}
	if def < 0 {
		return "", "", false
	}
	v, ok := e.staticString(def, consts, "")
	if !ok || v == "" || v == "None" {
		return "", "", false
	}
	return name, v, true
}

// settingsPrefix reads a pydantic BaseSettings class's env_prefix:
// model_config = SettingsConfigDict(env_prefix="APP_") (or ConfigDict, or
// a dict literal), or a nested `class Config: env_prefix = "APP_"`.
func (e *extractor) settingsPrefix(ci *classInfo, body int32) {
	t := e.t
	if body < 0 {
		return
	}
	set := func(x int32) {
		if s, ok := e.staticString(x, e.f.Constants, ""); ok {
			ci.envPrefix = s
		} else {
			ci.envOpen = true
		}
	}
	for c := t.n[body].first; c >= 0; c = t.n[c].next {
		switch t.typ(c) {
		case "expression_statement":
			a := t.firstNamed(c)
			if t.typ(a) != "assignment" || !t.textEq(t.field(a, "left"), "model_config") {
				continue
			}
			r := t.unparen(t.field(a, "right"))
			switch t.typ(r) {
			case "call":
				for _, k := range t.namedKids(t.field(r, "arguments"), nil) {
					switch {
					case t.typ(k) == "keyword_argument" && t.textEq(t.field(k, "name"), "env_prefix"):
						set(t.field(k, "value"))
					case t.typ(k) == "dictionary_splat":
						ci.envOpen = true
					}
				}
			case "dictionary":
				for _, k := range t.namedKids(r, nil) {
					if t.typ(k) == "pair" {
						if key, ok := e.staticString(t.field(k, "key"), nil, ""); ok && key == "env_prefix" {
							set(t.field(k, "value"))
						}
					}
				}
			default:
				ci.envOpen = true
			}
		case "class_definition":
			if !t.textEq(t.field(c, "name"), "Config") {
				continue
			}
			cb := t.field(c, "body")
			if cb < 0 {
				continue
			}
			for s := t.n[cb].first; s >= 0; s = t.n[s].next {
				if a := t.firstNamed(s); t.typ(s) == "expression_statement" && t.typ(a) == "assignment" && t.textEq(t.field(a, "left"), "env_prefix") {
					set(t.field(a, "right"))
				}
			}
		}
	}
}

// settingsField is what a BaseSettings field with a literal default
// reads as: the default, with the environment variable that overrides it
// (the field's alias, else env_prefix + its name, upper-cased: pydantic
// matches them regardless of case). With a prefix that is not a literal,
// the variable is not named.
func settingsField(ci *classInfo, name string, v val) val {
	if !v.known || v.num != "" || v.env != "" || name == "model_config" || strings.HasPrefix(name, "_") {
		return v
	}
	for _, k := range []string{"validation_alias", "alias", "env"} {
		if a, ok := v.props[k]; ok {
			if !a.Known || a.Prefix || a.Value == "" {
				return v
			}
			v.env = a.Value
			return v
		}
	}
	if ci.envOpen {
		return v
	}
	v.env = strings.ToUpper(ci.envPrefix + name)
	return v
}

// maxInstanceConsts bounds the constants one file's singletons add.
const maxInstanceConsts = 256

// instanceConstants adds the literal attributes of module-level instances
// of the file's classes (settings = Settings(): "settings.api_url") to
// File.Constants, so another module reading settings.api_url resolves it
// as a constant; an attribute an environment variable overrides goes
// under facts.EnvConstKey. A name some function rebinds (global) is left
// out, as are attributes assigned different values.
func (e *extractor) instanceConstants(mod *scope) {
	names := make([]string, 0, len(mod.vars))
	for name, v := range mod.vars {
		if v.cls != "" && !v.self && v.meth == "" && !v.sym && !e.globals[name] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	added := 0
	for _, name := range names {
		ci := e.classes[mod.vars[name].cls]
		if ci == nil {
			continue
		}
		attrs := make([]string, 0, len(ci.attrs))
		for a := range ci.attrs {
			attrs = append(attrs, a)
		}
		sort.Strings(attrs)
		for _, a := range attrs {
			v, _ := ci.attr(a)
			if !v.known || v.prefix || v.num != "" || v.s == "" || v.s == "None" || added >= maxInstanceConsts {
				continue
			}
			if e.f.Constants == nil {
				e.f.Constants = map[string]string{}
			}
			if v.env != "" {
				if strings.Contains(v.env, "=") {
					continue
				}
				e.f.Constants[facts.EnvConstKey+name+"."+a] = v.env + "=" + v.s
			} else {
				e.f.Constants[name+"."+a] = v.s
			}
			added++
		}
	}
}
