package rules

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/didyoumean"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/scope"
)

//go:embed *.yaml
var embedded embed.FS

// Families are the rule families, one per language group.
var Families = []string{"js", "python", "go"}

// maxRuleFile bounds a rule file's size: rule files are hand-written data,
// and a runaway file must not stall the language server.
const maxRuleFile = 4 << 20

// Set is a loaded, indexed rule set. It is immutable and safe for concurrent
// use; the *Rule values it hands out must not be modified.
type Set struct {
	rules []*Rule
	byID  map[string]*Rule
	fams  map[string]*family
}

// family indexes the rules of one family for Match.
type family struct {
	calls, access        map[string][]*compiled // full key Module+"."+Member
	callWild, accessWild map[string][]*compiled // key prefix of a "….*" path
	// callChain, accessChain hold "P.**.S" paths by their last segment S.
	callChain, accessChain map[string][]*chain
	globs                  []*globRule
	words                  map[string]bool
}

// chain is a "P.**.S" path: any member path that starts with P and ends
// with S (resty's New().R().SetHeader(…).Post(u)).
type chain struct {
	prefix string // Module + "." + P + "."
	c      *compiled
}

type compiled struct {
	rule *Rule
	when []cond
}

type cond struct {
	Condition
	re, notRe *regexp.Regexp
}

// globRule is a Go rule whose module holds "*" segments: matched by a short
// scan, with its own member tables.
type globRule struct {
	pattern       string
	literal       string // the pattern up to its first "*": a cheap pre-check
	c             *compiled
	calls, access []string // member paths, in rule syntax
}

// Match is a rule that fires on a call.
type Match struct {
	Rule *Rule
	// Scope is the manifest scope inferred from the call: Known, Unknown
	// (a literal whose scope cannot be stated: only "*" covers it) or
	// Dynamic (no literal: any grant covers it).
	Scope scope.Scope
	// ScopeKind is the kind of the rule's ScopeArg that produced Scope (url,
	// host, hostport → host scopes; port, addr → "[host:]port"; path, dir,
	// prefix → path globs; command, program → program names; env; library).
	// A Fixed scope gives its entry's kind. When no scope could be
	// inferred it is the kind of the first scope argument present in the call
	// (so the caller can say "non-literal path"), or "" when none is.
	ScopeKind string
	// ScopeArg is the argument Scope came from, or the first scope argument
	// present when none gave a scope; nil if none is present. For a Key
	// scope it is the property's value.
	ScopeArg *facts.Arg
	// TaintArgs are the arguments whose tool-input taint escalates the
	// finding: the rule's Taint indices, else its scope arguments present in
	// the call, else every argument.
	TaintArgs []*facts.Arg
	// TaintKey is set for Access rules: the taint of the computed key
	// (Call.KeyRefs) matters.
	TaintKey bool
}

var (
	defaultOnce sync.Once
	defaultSet  *Set
	defaultErr  error
)

// Default returns the embedded rules, parsed once and shared.
func Default() (*Set, error) {
	defaultOnce.Do(func() { defaultSet, defaultErr = Load() })
	return defaultSet, defaultErr
}

// Load returns the embedded rules plus every *.yaml and *.yml file directly
// inside each of dirs (in name order, dirs in the order given). A rule whose
// ID already exists replaces the earlier one. All errors found are returned
// together, each as "file:line:col: message".
func Load(dirs ...string) (*Set, error) {
	base, err := embeddedRules()
	if err != nil {
		return nil, err
	}
	var errs []error
	byID := make(map[string]*Rule, len(base))
	for _, r := range base {
		byID[r.ID] = r
	}
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			errs = append(errs, fmt.Errorf("rule directory: %w", err))
			continue
		}
		for _, e := range entries {
			ext := strings.ToLower(filepath.Ext(e.Name()))
			if e.IsDir() || ext != ".yaml" && ext != ".yml" {
				continue
			}
			p := filepath.Join(dir, e.Name())
			data, err := readLimited(p)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			rs, err := parseFile(p, data)
			if err != nil {
				errs = append(errs, err)
			}
			for _, r := range rs {
				byID[r.ID] = r // a user rule replaces the rule of the same ID
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return build(byID), nil
}

var (
	embeddedOnce  sync.Once
	embeddedCache []*Rule
	embeddedErr   error
)

// embeddedRules parses the embedded files once; their rules are shared by
// every Set (rules are never modified after loading).
func embeddedRules() ([]*Rule, error) {
	embeddedOnce.Do(func() {
		names, err := fs.Glob(embedded, "*.yaml")
		if err != nil {
			embeddedErr = err
			return
		}
		var errs []error
		seen := map[string]*Rule{}
		for _, n := range names {
			data, err := embedded.ReadFile(n)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			rs, err := parseFile("embedded:"+n, data)
			if err != nil {
				errs = append(errs, err)
			}
			for _, r := range rs {
				if old, ok := seen[r.ID]; ok {
					errs = append(errs, fmt.Errorf("%s: rule %q is also defined in %s", r.Source, r.ID, old.Source))
					continue
				}
				seen[r.ID] = r
				embeddedCache = append(embeddedCache, r)
			}
		}
		embeddedErr = errors.Join(errs...)
	})
	return embeddedCache, embeddedErr
}

func readLimited(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", p)
	}
	if st.Size() > maxRuleFile {
		return nil, fmt.Errorf("%s: rule file is larger than %d bytes", p, maxRuleFile)
	}
	return os.ReadFile(p)
}

// Rules returns every rule sorted by ID.
func (s *Set) Rules() []*Rule {
	if s == nil {
		return nil
	}
	return append([]*Rule(nil), s.rules...)
}

// Rule returns the rule with the given ID, or nil.
func (s *Set) Rule(id string) *Rule {
	if s == nil {
		return nil
	}
	return s.byID[id]
}

// Words returns the identifier tokens of a family's pre-filter.
//
// Guarantee: split a file's text into maximal runs of [A-Za-z0-9_$]. If none
// of those tokens is in Words(family), no Call the extractors can emit for
// that file matches a rule of the family. This holds because every rule
// key's module is named in the file: an imported module's specifier holds
// every identifier token of the module name, and one of them is kept (see
// wordOf; for Python one of the first dotted component, which every import
// form spells out); for the JS global object ("globalThis") and Python
// "builtins" the word is the first member segment, the global name the code
// writes (fetch, process, open). The loader rejects rules that would break
// this. The map is shared: do not modify it.
func (s *Set) Words(family string) map[string]bool {
	if s == nil {
		return nil
	}
	if f := s.fams[family]; f != nil {
		return f.words
	}
	return nil
}

// Match returns the rules of family that fire on c, conditions evaluated on
// its arguments, in rule ID order. It allocates only when a rule fires.
func (s *Set) Match(family string, c *facts.Call) []Match {
	if s == nil || c == nil {
		return nil
	}
	f := s.fams[family]
	if f == nil {
		return nil
	}
	var buf [192]byte
	key := append(buf[:0], c.Module...)
	if c.Member != "" {
		key = append(key, '.')
		key = append(key, c.Member...)
	}
	exact, wild, chains := f.calls, f.callWild, f.callChain
	if c.Access {
		exact, wild, chains = f.access, f.accessWild, f.accessChain
	}
	var out []Match
	for _, r := range exact[string(key)] {
		out = r.try(scope.Family(family), out, c)
	}
	if len(wild) > 0 {
		// "X().*" fires on any longer path: try every dotted prefix of the
		// key ("*" alone is indexed under the module: the prefix before Member).
		// The part "*" stands for holds no call result: a wildcard names the
		// client's methods, not what their results do (see crossesCall).
		for i := len(key) - 1; i > 0; i-- {
			if key[i] == '.' {
				if bytes.Contains(key[i+1:], callMark) {
					continue
				}
				for _, r := range wild[string(key[:i])] {
					out = r.try(scope.Family(family), out, c)
				}
			}
		}
	}
	if len(chains) > 0 {
		last := key[bytesLastDot(key)+1:]
		for _, ch := range chains[string(last)] {
			if len(key) >= len(ch.prefix)+len(last) && string(key[:len(ch.prefix)]) == ch.prefix {
				out = ch.c.try(scope.Family(family), out, c)
			}
		}
	}
	for _, g := range f.globs {
		if !strings.HasPrefix(c.Module, g.literal) {
			continue
		}
		if ok, _ := path.Match(g.pattern, c.Module); !ok {
			continue
		}
		paths := g.calls
		if c.Access {
			paths = g.access
		}
		for _, p := range paths {
			if memberMatch(p, c.Member) {
				out = g.c.try(scope.Family(family), out, c)
				break
			}
		}
	}
	if len(out) > 1 {
		sort.SliceStable(out, func(i, j int) bool { return out[i].Rule.ID < out[j].Rule.ID })
	}
	return out
}

func bytesLastDot(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '.' {
			return i
		}
	}
	return -1
}

// memberMatch reports whether member path m matches rule path p ("", a
// plain path, "*", "P.*" or "P.**.S").
func memberMatch(p, m string) bool {
	switch {
	case p == "*":
		return m != "" && !crossesCall(m)
	case strings.HasSuffix(p, ".*"):
		pre := p[:len(p)-1] // keeps the dot
		return len(m) > len(pre) && strings.HasPrefix(m, pre) && !crossesCall(m[len(pre):])
	case strings.Contains(p, "**"):
		i := strings.Index(p, "**")
		pre, suf := p[:i], p[i+2:] // "P." and ".S" (P may be empty)
		if pre == "" {
			return strings.HasSuffix(m, suf) && len(m) > len(suf) || m == suf[1:]
		}
		return strings.HasPrefix(m, pre) && strings.HasSuffix(m, suf) && len(m) >= len(pre)+len(suf)-1
	}
	return p == m
}

// crossesCall reports whether the member path rest, matched by a "*"
// wildcard, goes through the result of a call: in "Client().*",
// "Issues.Get" is a method of the client (a request) but
// "Issues.Get().Body.Close" works on what the request returned, a local
// value. Rules that mean a result's methods say so: "get_repo().*",
// "launch().**.goto".
func crossesCall(rest string) bool {
	return strings.Contains(rest, "()")
}

var callMark = []byte("()")

// try appends r's match on c when its conditions hold and it is not there yet.
func (r *compiled) try(fam scope.Family, out []Match, c *facts.Call) []Match {
	for i := range out {
		if out[i].Rule == r.rule {
			return out
		}
	}
	if r.excepted(c) {
		return out
	}
	for i := range r.when {
		if !r.when[i].holds(c) {
			return out
		}
	}
	m := Match{Rule: r.rule, Scope: scope.Scope{State: scope.Dynamic}}
	rule := r.rule
	var present []*facts.Arg
	decided := false // a Known or Unknown scope was found: later arguments do not change it
	for _, sa := range rule.Scope {
		if sa.Fixed != "" {
			// A fallback only when no earlier scope argument is present: a
			// computed dir= must not read as the default ${TMP}.
			if !decided && m.ScopeArg == nil {
				m.Scope, m.ScopeKind = scope.Scope{State: scope.Known, Value: sa.Fixed}, sa.Kind
				decided = true
			}
			continue
		}
		if sa.Arg == -1 && sa.Name == "" {
			// The read key of an Access ("process.env.HOME"); RecvArg (-2)
			// is the receiver, found by findArg below.
			if c.Access && c.Key != "" && !decided {
				if v := scope.Infer(fam, sa.Kind, &facts.Arg{Value: c.Key, Known: true}); v.IsKnown() {
					m.Scope, m.ScopeKind, decided = v, sa.Kind, true
				}
			}
			continue
		}
		a := findArg(c, sa.Arg, sa.Name, sa.Key)
		if a == nil {
			continue
		}
		if !slices.Contains(present, a) {
			present = append(present, a)
		}
		if m.ScopeArg == nil {
			m.ScopeArg, m.ScopeKind = a, sa.Kind
		}
		if !decided {
			// The first argument whose literal decides wins: an Unknown one
			// is not overridden by a later argument that looks narrower.
			if v := scope.Infer(fam, sa.Kind, a); v.State != scope.Dynamic {
				m.Scope, m.ScopeKind, m.ScopeArg, decided = v, sa.Kind, a, true
			}
		}
	}
	switch {
	case len(rule.Taint) > 0:
		for _, i := range rule.Taint {
			if a := findArg(c, i, "", ""); a != nil && !slices.Contains(m.TaintArgs, a) {
				m.TaintArgs = append(m.TaintArgs, a)
			}
		}
	case len(rule.Scope) > 0:
		m.TaintArgs = present
	default:
		for i := range c.Args {
			m.TaintArgs = append(m.TaintArgs, &c.Args[i])
		}
	}
	m.TaintKey = c.Access
	return append(out, m)
}

// excepted reports whether c's member path, taken relative to one of the
// rule's modules, matches one of the rule's Except paths.
func (r *compiled) excepted(c *facts.Call) bool {
	if len(r.rule.Except) == 0 {
		return false
	}
	for _, mod := range r.rule.Modules {
		m, ok := relMember(mod, c)
		if !ok {
			continue
		}
		for _, p := range r.rule.Except {
			if memberMatch(p, m) {
				return true
			}
		}
	}
	return false
}

// relMember returns c's member path relative to rule module mod, which may
// split the dotted key differently (Python "os.path" vs "os" + "path.…").
func relMember(mod string, c *facts.Call) (string, bool) {
	switch {
	case strings.Contains(mod, "*"):
		ok, _ := path.Match(mod, c.Module)
		return c.Member, ok
	case c.Module == mod:
		return c.Member, true
	case strings.HasPrefix(mod, c.Module+"."):
		rel := mod[len(c.Module)+1:]
		if c.Member == rel {
			return "", true
		}
		if strings.HasPrefix(c.Member, rel+".") {
			return c.Member[len(rel)+1:], true
		}
	case strings.HasPrefix(c.Module, mod+"."):
		if c.Member == "" {
			return c.Module[len(mod)+1:], true
		}
		return c.Module[len(mod)+1:] + "." + c.Member, true
	}
	return "", false
}

// findArg returns positional argument i (Python: the i-th argument without a
// keyword; i < 0: none) or the keyword argument name; with key, the property
// key of that argument's object literal. nil when absent.
func findArg(c *facts.Call, i int, name, key string) *facts.Arg {
	var a *facts.Arg
	if i == RecvArg {
		a = c.Recv
		name = ""
	}
	pos := 0
	for j := range c.Args {
		arg := &c.Args[j]
		if arg.Name != "" {
			if name != "" && arg.Name == name && a == nil {
				a = arg
			}
			continue
		}
		if a != nil {
			break
		}
		if pos == i && i >= 0 {
			a = arg
			break
		}
		pos++
	}
	if a == nil || key == "" {
		return a
	}
	p, ok := a.Props[key]
	if !ok {
		return nil
	}
	return &p
}

// holds evaluates a condition (semantics in Condition's doc): an absent
// argument fails Matches and passes NotMatches; a present one whose value is
// unknown gives Unknown.
func (k *cond) holds(c *facts.Call) bool {
	a := findArg(c, k.Arg, k.Name, k.Key)
	// After a spread, a missing argument may be there after all: its
	// presence and value are unknown.
	uncertain := a == nil && c.Spread && k.Key == ""
	if k.Absent != nil {
		if uncertain && !k.Unknown {
			return false
		}
		if !uncertain && *k.Absent != (a == nil) {
			return false
		}
	}
	if a == nil && !uncertain {
		return k.re == nil && k.Literal == nil
	}
	known := a != nil && (a.Known && !a.Prefix || a.Number != "")
	if k.Literal != nil && *k.Literal != known {
		return false
	}
	if k.re == nil && k.notRe == nil {
		return true
	}
	if !known {
		if k.Prefix && a != nil && a.Known && a.Prefix {
			// The rule says its patterns decide on the known leading part
			// ("sqlite:///" + path).
			return (k.re == nil || k.re.MatchString(a.Value)) && (k.notRe == nil || !k.notRe.MatchString(a.Value))
		}
		return k.Unknown
	}
	v := a.Value
	if a.Number != "" && !a.Known {
		v = a.Number
	}
	if k.re != nil && !k.re.MatchString(v) {
		return false
	}
	if k.notRe != nil && k.notRe.MatchString(v) {
		return false
	}
	return true
}

// build indexes the rules.
func build(byID map[string]*Rule) *Set {
	s := &Set{byID: byID, fams: map[string]*family{}}
	for _, r := range byID {
		s.rules = append(s.rules, r)
	}
	sort.Slice(s.rules, func(i, j int) bool { return s.rules[i].ID < s.rules[j].ID })
	for _, fam := range Families {
		s.fams[fam] = &family{
			calls: map[string][]*compiled{}, access: map[string][]*compiled{},
			callWild: map[string][]*compiled{}, accessWild: map[string][]*compiled{},
			callChain: map[string][]*chain{}, accessChain: map[string][]*chain{},
			words: map[string]bool{},
		}
	}
	for _, r := range s.rules {
		f := s.fams[r.Language]
		c := compile(r)
		for _, mod := range r.Modules {
			if strings.Contains(mod, "*") {
				f.globs = append(f.globs, &globRule{pattern: mod, literal: mod[:strings.IndexByte(mod, '*')],
					c: c, calls: r.Calls, access: r.Access})
			} else {
				for _, p := range r.Calls {
					indexPath(f.calls, f.callWild, f.callChain, mod, p, c)
				}
				for _, p := range r.Access {
					indexPath(f.access, f.accessWild, f.accessChain, mod, p, c)
				}
			}
			addWords(f.words, r, mod)
		}
	}
	return s
}

func indexPath(exact, wild map[string][]*compiled, chains map[string][]*chain, mod, p string, c *compiled) {
	switch {
	case p == "":
		exact[mod] = append(exact[mod], c)
	case p == "*":
		wild[mod] = append(wild[mod], c)
	case strings.HasSuffix(p, ".*"):
		k := mod + "." + strings.TrimSuffix(p, ".*")
		wild[k] = append(wild[k], c)
	case strings.Contains(p, "**"):
		i := strings.Index(p, "**")
		last := p[i+3:]
		chains[last] = append(chains[last], &chain{prefix: mod + "." + p[:i], c: c})
	default:
		k := mod + "." + p
		exact[k] = append(exact[k], c)
	}
}

func addWords(words map[string]bool, r *Rule, mod string) {
	if mod == "globalThis" || mod == "builtins" {
		for _, p := range append(append([]string(nil), r.Calls...), r.Access...) {
			if w := firstToken(p); w != "" {
				words[w] = true
			}
		}
		return
	}
	if w := wordOf(r.Language, mod); w != "" {
		words[w] = true
	}
}

// wordOf returns the pre-filter word of an imported module: every
// identifier token of the module name is in the import, so any one will do;
// the longest outside glob segments and common path words ("github", "com")
// is the most selective. For Python only the first dotted component counts:
// every import form spells it out.
func wordOf(lang, mod string) string {
	if lang == "python" {
		if i := strings.IndexByte(mod, '.'); i >= 0 {
			mod = mod[:i]
		}
	}
	best, fallback := "", ""
	for _, t := range tokens(mod) {
		if strings.Contains(t, "*") {
			continue
		}
		if len(t) > len(fallback) {
			fallback = t
		}
		if !commonPathWords[t] && len(t) > len(best) {
			best = t
		}
	}
	if best == "" {
		return fallback
	}
	return best
}

// commonPathWords occur in most import paths of a language, so they select
// nothing.
var commonPathWords = map[string]bool{
	"com": true, "org": true, "net": true, "io": true, "dev": true, "in": true,
	"github": true, "gitlab": true, "golang": true, "gopkg": true, "go": true, "x": true,
	"js": true, "mjs": true, "cjs": true, "lib": true, "dist": true, "src": true, "pkg": true,
	"sdk": true, "client": true, "server": true, "promise": true,
}

// tokens splits s into maximal identifier runs; a run touching "*" is kept
// with its "*" so callers can drop it.
func tokens(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && (isWordByte(s[i]) || s[i] == '*') {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	return out
}

func firstToken(p string) string {
	for i := 0; i < len(p); i++ {
		if !isWordByte(p[i]) {
			return p[:i]
		}
	}
	return p
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func compile(r *Rule) *compiled {
	c := &compiled{rule: r}
	for _, w := range r.When {
		k := cond{Condition: w}
		// Validated in parseFile: these cannot fail here.
		if w.Matches != "" {
			k.re = regexp.MustCompile(w.Matches)
		}
		if w.NotMatches != "" {
			k.notRe = regexp.MustCompile(w.NotMatches)
		}
		c.when = append(c.when, k)
	}
	return c
}

// fileDoc is a rule file: an optional default language and the rules.
type fileDoc struct {
	Language string `yaml:"language"`
	Rules    []Rule `yaml:"rules"`
}

// posErr is an error at a YAML node.
func posErr(file string, n *yaml.Node, format string, args ...any) error {
	if n == nil {
		return fmt.Errorf("%s: %s", file, fmt.Sprintf(format, args...))
	}
	return fmt.Errorf("%s:%d:%d: %s", file, n.Line, n.Column, fmt.Sprintf(format, args...))
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseFile parses and validates one rule file. It returns the valid rules
// and an error listing every problem found.
func parseFile(name string, data []byte) ([]*Rule, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			return nil, fmt.Errorf("%s:%s: %s", name, m[1], m[2])
		}
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(msg, "yaml: "))
	}
	if len(root.Content) == 0 {
		return nil, nil // empty file
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, posErr(name, doc, "a rule file is a mapping with a \"rules\" list (see docs/rules.md)")
	}
	var errs []error
	if err := checkFields(name, doc, reflect.TypeOf(fileDoc{})); err != nil {
		return nil, err
	}
	var fd fileDoc
	if err := decodeStrict(name, doc, &fd); err != nil {
		return nil, err
	}
	if fd.Language != "" && !validFamily(fd.Language) {
		errs = append(errs, posErr(name, field(doc, "language"), "unknown language %q (want js, python or go)", fd.Language))
	}
	list := field(doc, "rules")
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, posErr(name, doc, "no \"rules\" list")
	}
	seen := map[string]*yaml.Node{}
	var out []*Rule
	for i := range fd.Rules {
		r := &fd.Rules[i]
		n := list.Content[i]
		if r.Language == "" {
			r.Language = fd.Language
		}
		r.Source = name
		if e := validate(name, n, r); len(e) > 0 {
			errs = append(errs, e...)
			continue
		}
		if first, dup := seen[r.ID]; dup {
			errs = append(errs, posErr(name, field(n, "id"), "duplicate rule id %q (first at line %d)", r.ID, first.Line))
			continue
		}
		seen[r.ID] = field(n, "id")
		out = append(out, r)
	}
	return out, errors.Join(errs...)
}

// decodeStrict decodes n into v; unknown fields were already rejected by
// checkFields with their positions.
func decodeStrict(file string, n *yaml.Node, v any) error {
	err := n.Decode(v)
	if err == nil {
		return nil
	}
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return posErr(file, n, "%v", err)
	}
	var errs []error
	for _, e := range te.Errors {
		if m := typeLine.FindStringSubmatch(e); m != nil {
			errs = append(errs, fmt.Errorf("%s:%s: %s", file, m[1], m[2]))
		} else {
			errs = append(errs, fmt.Errorf("%s: %s", file, e))
		}
	}
	return errors.Join(errs...)
}

var typeLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// checkFields rejects mapping keys that are not yaml fields of t, recursing
// into nested structs and slices of structs, so every unknown key is reported
// at its own line and column.
func checkFields(file string, n *yaml.Node, t reflect.Type) error {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		if t.Kind() == reflect.Slice {
			if n.Kind != yaml.SequenceNode {
				return nil // a type error: Decode reports it
			}
			var errs []error
			for _, c := range n.Content {
				if err := checkFields(file, c, t.Elem()); err != nil {
					errs = append(errs, err)
				}
			}
			return errors.Join(errs...)
		}
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || n.Kind != yaml.MappingNode {
		return nil
	}
	fields := map[string]reflect.Type{}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		fields[tag] = t.Field(i).Type
		names = append(names, tag)
	}
	var errs []error
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ft, ok := fields[k.Value]
		if !ok {
			msg := fmt.Sprintf("unknown field %q", k.Value)
			if s := didyoumean.Closest(k.Value, names, 3); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			errs = append(errs, posErr(file, k, "%s", msg))
			continue
		}
		if err := checkFields(file, v, ft); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// field returns the value node of key in mapping n, or nil.
func field(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// item returns element i of sequence n, or n itself when it is not one.
func item(n *yaml.Node, i int) *yaml.Node {
	if n != nil && n.Kind == yaml.SequenceNode && i < len(n.Content) {
		return n.Content[i]
	}
	return n
}

func validFamily(f string) bool {
	for _, x := range Families {
		if f == x {
			return true
		}
	}
	return false
}

var (
	idPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]*(\.[A-Za-z0-9_-]+)+$`)
	segment   = regexp.MustCompile(`^([A-Za-z_$][A-Za-z0-9_$]*(\(\))?|\(\))$`)
)

// validate checks one decoded rule against its node n.
func validate(file string, n *yaml.Node, r *Rule) []error {
	var errs []error
	bad := func(at *yaml.Node, format string, args ...any) {
		if at == nil {
			at = n
		}
		prefix := ""
		if r.ID != "" {
			prefix = fmt.Sprintf("rule %q: ", r.ID)
		}
		errs = append(errs, posErr(file, at, "%s%s", prefix, fmt.Sprintf(format, args...)))
	}
	if !idPattern.MatchString(r.ID) {
		bad(field(n, "id"), "id %q must look like <family>.<library>.<what>", r.ID)
	}
	switch {
	case r.Language == "":
		bad(field(n, "language"), "no language (set \"language\" on the rule or the file: js, python or go)")
	case !validFamily(r.Language):
		bad(field(n, "language"), "unknown language %q (want js, python or go)", r.Language)
	}
	if !capability.Valid(r.Capability) {
		msg := fmt.Sprintf("unknown capability %q", r.Capability)
		if s := capability.Suggest(string(r.Capability)); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		} else {
			msg += " (want one of " + strings.Join(capability.IDs(), ", ") + ")"
		}
		bad(field(n, "capability"), "%s", msg)
	}
	if len(r.Modules) == 0 {
		bad(field(n, "modules"), "no modules")
	}
	for i, m := range r.Modules {
		at := item(field(n, "modules"), i)
		switch {
		case strings.TrimSpace(m) == "" || m != strings.TrimSpace(m):
			bad(at, "module %q is empty or has spaces", m)
		case strings.Contains(m, "*") && r.Language != "go":
			bad(at, "module %q: \"*\" segments are only for Go module paths", m)
		case strings.Contains(m, "*"):
			if _, err := path.Match(m, ""); err != nil || strings.Contains(m, "**") {
				bad(at, "module %q: bad pattern", m)
			}
		}
		// Words (the pre-filter) needs a literal identifier in every module
		// and, for the global namespaces, at the start of every path.
		if wordOf(r.Language, m) == "" && m != "globalThis" && m != "builtins" {
			bad(at, "module %q has no identifier outside \"*\" segments", m)
		}
		if m == "globalThis" || m == "builtins" {
			for _, p := range append(append([]string(nil), r.Calls...), r.Access...) {
				if firstToken(p) == "" {
					bad(at, "a path under %s must start with a global name, not %q", m, p)
				}
			}
		}
	}
	if len(r.Calls) == 0 && len(r.Access) == 0 {
		bad(n, "no calls and no access paths")
	}
	for i, p := range r.Calls {
		if err := checkPath(p, true); err != "" {
			bad(item(field(n, "calls"), i), "call %q: %s", p, err)
		}
	}
	for i, p := range r.Access {
		if err := checkPath(p, false); err != "" {
			bad(item(field(n, "access"), i), "access %q: %s", p, err)
		}
	}
	for i, p := range r.Except {
		if err := checkPath(p, true); err != "" {
			bad(item(field(n, "except"), i), "except %q: %s", p, err)
		}
	}
	for i, s := range r.Scope {
		at := item(field(n, "scope"), i)
		if !scope.KnownKind(s.Kind) {
			bad(field(at, "kind"), "unknown scope kind %q (want %s)", s.Kind, strings.Join(scope.Kinds, ", "))
		}
		if s.Fixed != "" {
			continue
		}
		if s.Arg < RecvArg || s.Arg > 64 {
			bad(field(at, "arg"), "scope arg %d out of range (0-based index, -1 for a keyword-only argument or the read key, -2 for the receiver)", s.Arg)
		}
		if s.Arg == -1 && s.Name == "" && len(r.Access) == 0 {
			bad(field(at, "arg"), "scope arg -1 without a name means the read key, which needs access paths")
		}
	}
	for i, w := range r.When {
		at := item(field(n, "when"), i)
		if w.Arg < RecvArg || w.Arg > 64 || w.Arg == -1 && w.Name == "" {
			bad(field(at, "arg"), "condition arg %d out of range (0-based index, -1 with a keyword name, -2 for the receiver)", w.Arg)
		}
		if w.Matches == "" && w.NotMatches == "" && w.Absent == nil && w.Literal == nil {
			bad(at, "condition tests nothing (set matches, notMatches, absent or literal)")
		}
		for _, re := range []struct{ key, expr string }{{"matches", w.Matches}, {"notMatches", w.NotMatches}} {
			if re.expr == "" {
				continue
			}
			if _, err := regexp.Compile(re.expr); err != nil {
				bad(field(at, re.key), "bad regular expression: %v", err)
			}
		}
	}
	for i, t := range r.Taint {
		if t < 0 || t > 64 {
			bad(item(field(n, "taint"), i), "taint arg %d out of range", t)
		}
	}
	if strings.TrimSpace(r.Message) == "" {
		bad(field(n, "message"), "no message")
	}
	if r.Risk != "" {
		if _, err := capability.ParseRisk(r.Risk); err != nil {
			bad(field(n, "risk"), "%v", err)
		}
	}
	return errs
}

// checkPath validates a member path: dotted segments, each an identifier
// optionally followed by "()", the last possibly "*"; "" (the module value
// itself) only for calls.
func checkPath(p string, call bool) string {
	if p == "" {
		if call {
			return ""
		}
		return "an access path cannot be empty"
	}
	if p == "*" {
		return ""
	}
	segs := strings.Split(p, ".")
	for i, s := range segs {
		switch {
		case s == "*" && i == len(segs)-1 && i > 0:
		case s == "**" && i > 0 && i < len(segs)-1 || s == "**" && i == 0 && len(segs) > 1:
			if strings.Count(p, "**") > 1 {
				return "\"**\" may appear once"
			}
			if strings.Contains(segs[len(segs)-1], "*") {
				return "a path with \"**\" must end with a member name"
			}
		case !segment.MatchString(s):
			return "segment " + strconv.Quote(s) + " is not an identifier (optionally with \"()\"); \"*\" may only end a path and \"**\" only stand between segments"
		}
	}
	return ""
}
