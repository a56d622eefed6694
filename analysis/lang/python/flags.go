package python

import "strings"

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
