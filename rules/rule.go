// Package rules holds the rule data: YAML files embedded from this directory
// (one per language and library family) plus any rule directories the user
// adds. A rule maps resolved symbols (see package facts) to a capability and
// says which argument carries the scope. The same Set serves the CLI and the
// language server.
package rules

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/mcpriv/mcpriv/analysis/capability"
)

// Rule is one entry of a rule file. See docs/rules.md for the file format.
type Rule struct {
	// ID is stable and unique: "<family>.<library>.<what>", e.g. "js.fs.write".
	ID string `yaml:"id"`
	// Language is the rule family: "js" (JavaScript and TypeScript), "python" or "go".
	Language   string        `yaml:"language"`
	Capability capability.ID `yaml:"capability"`
	// Modules are canonical module names ("child_process", "globalThis",
	// "os.path", "net/http"). Go module paths may hold "*" for one path
	// segment ("github.com/google/go-github/v*/github").
	Modules []string `yaml:"modules"`
	// Calls are member paths under each module that fire when called (or
	// constructed): "writeFile", "promises.writeFile", "Session().get", "" for
	// calling the module value itself, "Client().*" for any method of an instance.
	Calls []string `yaml:"calls,omitempty"`
	// Access are member paths that fire when read as a property
	// ("process.env"); the read key becomes the scope where Scope says kind env.
	Access []string `yaml:"access,omitempty"`
	// Except are member paths (same syntax as Calls) that do not fire even
	// though Calls or Access match them: configuration methods under a
	// wildcard ("NewClient().WithAuthToken" under "NewClient().*").
	Except []string `yaml:"except,omitempty"`
	// Scope lists where the scope may be found, first match wins.
	Scope []ScopeArg `yaml:"scope,omitempty"`
	// When lists conditions that must all hold for the rule to fire.
	When []Condition `yaml:"when,omitempty"`
	// Taint lists the argument indices whose tool-input taint lets the model
	// choose where the call goes (its target: URL, path, program, SQL) and
	// escalates the finding; default: the Scope arguments, or every argument
	// when none is present.
	Taint []int `yaml:"taint,omitempty"`
	// Payload lists the argument indices whose tool-input taint lets the
	// model choose only what the call carries (a body, file content, stdin,
	// the arguments of a fixed program). Absent: every other argument for
	// the capabilities that carry something (PayloadByDefault); `payload: []`
	// opts out.
	Payload []int `yaml:"payload,omitempty"`
	// Message is the one-line diagnostic text; Note a longer explanation.
	Message string `yaml:"message"`
	Note    string `yaml:"note,omitempty"`
	// Risk overrides the capability's base risk ("low" … "critical").
	Risk string `yaml:"risk,omitempty"`
	// Examples are snippets the rule must fire on and must stay silent on,
	// run through the real extractor by `mcpriv rules test`.
	Examples *Examples `yaml:"examples,omitempty"`

	// drivers are the compiled Driver conditions, for DriversHold.
	drivers []cond

	// Source is the file the rule came from ("embedded:node.yaml" or a path).
	Source string `yaml:"-"`
}

// RecvArg addresses the receiver of a method call on an instance
// (facts.Call.Recv): `Path(p).write_text()` has its path there.
const RecvArg = -2

// ScopeArg says where a call's scope is.
type ScopeArg struct {
	// Arg is the 0-based positional index; Name a Python keyword or Go/JS
	// option name alternative; Key a property of an object/dict literal at
	// Arg ({ url: … }). Arg -1 with a Name is a keyword-only argument; Arg -1
	// without one, in Access rules, means the read key.
	Arg  int    `yaml:"arg"`
	Name string `yaml:"name,omitempty"`
	Key  string `yaml:"key,omitempty"`
	// Kind is url, host, hostport, port, addr (Go "host:port" listen address),
	// path, command (a shell command line: the program is its first word),
	// program, env, code or library; dir (a directory the call creates
	// files under: its path + "/**") or prefix (a file name prefix such as
	// mkdtemp's "/tmp/app-": its directory + "/**").
	Kind string `yaml:"kind"`
	// Fixed is a scope that holds whatever the arguments are (simple-git
	// always runs "git", go-github always talks to "api.github.com"); Arg
	// and Name are then ignored. Key, if set, names the field of the
	// instance that points it elsewhere when the program assigns it
	// (go-github's client.BaseURL): the link weighs such stores
	// (facts.Call.Store) as for a Default.
	Fixed string `yaml:"fixed,omitempty"`
	// Default is the host (or other scope) a client library talks to
	// unless configured; Arg, Name and Key then address the option that
	// overrides it (the constructor's options are the receiver, arg -2:
	// {arg: -2, key: baseURL, kind: url, default: api.openai.com}). The
	// option's literal is the scope when it is present, an unknown value
	// leaves the scope unknown, and when it is absent the scope is Default.
	Default string `yaml:"default,omitempty"`
	// Env is the environment variable the library itself reads for that
	// option when the code does not pass it (OPENAI_BASE_URL): the finding
	// then names it as the default's override (finding.ScopeEnv).
	Env string `yaml:"env,omitempty"`
	// Base is the construction option (a key of the receiver, arg -2) a
	// relative URL at this argument is resolved against: axios.create({
	// baseURL }), ky's and got's prefixUrl, httpx's and aiohttp's base_url. Only a literal relative
	// reference ("/users/" + id) is resolved; an absolute URL keeps its
	// own host, and a value not known (which may be absolute) stays
	// unknown.
	Base string `yaml:"base,omitempty"`
}

// OverrideName names the option that overrides a Default scope, for
// messages: the key, keyword or option name, else the argument's position.
func (sa ScopeArg) OverrideName() string {
	switch {
	case sa.Key != "":
		return sa.Key
	case sa.Name != "":
		return sa.Name
	case sa.Arg == RecvArg:
		return "the client's options"
	}
	return fmt.Sprintf("argument %d", sa.Arg+1)
}

// Condition tests one argument's literal value.
type Condition struct {
	// Arg is the 0-based positional index, -1 for a keyword-only Name.
	Arg  int    `yaml:"arg"`
	Name string `yaml:"name,omitempty"` // keyword alternative (Python mode=)
	Key  string `yaml:"key,omitempty"`  // property of an object literal ({ flag: "w" })
	// Matches is a regular expression the literal value must match; NotMatches
	// one it must not match. Absent: the argument must be missing (true) or
	// present (false). Literal: the value must be known (true) or not (false).
	Matches    string `yaml:"matches,omitempty"`
	NotMatches string `yaml:"notMatches,omitempty"`
	Absent     *bool  `yaml:"absent,omitempty"`
	Literal    *bool  `yaml:"literal,omitempty"`
	// Unknown is the outcome of Matches/NotMatches when the argument is
	// present but its value is not known (default false).
	Unknown bool `yaml:"unknown,omitempty"`
	// Prefix says Matches decides on the known leading part of a value whose
	// end is computed ("sqlite:///" + path matches ^sqlite:), instead of
	// giving Unknown. Only for patterns that look at the start of the value.
	Prefix bool `yaml:"prefix,omitempty"`
	// Driver makes the condition test the database/sql driver names of the
	// instance instead of an argument (Go): the literal driver sql.Open was
	// given when the receiver carries it (facts.Call.Recv.Props[facts.SQLDriverProp]), else the
	// drivers the linked tree's Go files import (DriverOf). Over a set of
	// names Matches holds when one name matches and NotMatches when one does
	// not; no name at all gives Unknown.
	Driver bool `yaml:"driver,omitempty"`
}

// Examples are a rule's test cases, in the manner of ast-grep's valid and
// invalid snippets: every Match example must make the rule fire (with its
// capability) and no NoMatch example may.
type Examples struct {
	Match   []Example `yaml:"match"`
	NoMatch []Example `yaml:"noMatch"`
}

// Example is one snippet: a YAML string (the code, in a file named by the
// language's lang.Language.ExampleFile: example.ts, example.py, example.go) or a mapping that
// also names the file (its extension picks the language: example.js,
// server.tsx) and, for Match, the scope the finding must infer ("*": none,
// the scope must stay unknown).
type Example struct {
	Code  string `yaml:"code"`
	File  string `yaml:"file,omitempty"`
	Scope string `yaml:"scope,omitempty"`
	// Line is the example's line in the rule file, for messages.
	Line int `yaml:"-"`
}

// UnmarshalYAML accepts the string form and the mapping form.
func (e *Example) UnmarshalYAML(n *yaml.Node) error {
	e.Line = n.Line
	switch n.Kind {
	case yaml.ScalarNode:
		if n.ShortTag() != "!!str" {
			break // 42, true: not code
		}
		return n.Decode(&e.Code)
	case yaml.MappingNode:
		type plain Example // without this method
		var p plain
		if err := n.Decode(&p); err != nil {
			return err
		}
		*e = Example(p)
		e.Line = n.Line
		return nil
	}
	// A TypeError, so the loader reports it at its line like other type errors.
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: an example is a string of code or a mapping with code, file and scope", n.Line)}}
}
