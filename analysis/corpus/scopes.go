package corpus

import (
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/manifest"
)

// The scope benchmark (docs/scope-benchmark.md): the hosts, path prefixes
// and programs each labelled server really uses (scopes.tsv, read from its
// code), against the scopes the engine infers — in its findings and in the
// manifest it generates. A grant is only as narrow as its scope.

// Scope kinds of scopes.tsv.
const (
	ScopeKindHost    = "host"
	ScopeKindPath    = "path"
	ScopeKindProgram = "program"
	ScopeKindNone    = "none" // the server needs no host, path or program
)

// ScopesFile is the scope label file and ScopesHeader its header line.
const (
	ScopesFile   = "scopes.tsv"
	ScopesHeader = "list\tserver\tcapability\tkind\tvalue\tnote"
)

// ScopeLabel is one row of scopes.tsv.
type ScopeLabel struct {
	Server ServerKey
	Cap    capability.ID // "" for a none row
	Kind   string
	Value  string // as written
	// Scope is the literal the server needs as shipped: the value, or the
	// default of an env:/flag: value; "" when Unbounded.
	Scope string
	// Unbounded: "*" (chosen by the model or by configuration the code
	// does not state) or a variable without a default.
	Unbounded bool
	Var       string // "env:NAME" or "flag:NAME" when configurable
	Note      string
	Row       int
}

// ParseScopeValue reads a scopes.tsv value: "*", a literal, "env:VAR",
// "flag:NAME", or either of those followed by " default LITERAL".
func ParseScopeValue(v string) (scope, variable string, unbounded bool, err error) {
	if v == "*" {
		return "", "", true, nil
	}
	if !strings.HasPrefix(v, "env:") && !strings.HasPrefix(v, "flag:") {
		if strings.Contains(v, " default ") {
			return "", "", false, fmt.Errorf("value %q: a default needs env:VAR or flag:NAME before it", v)
		}
		return v, "", false, nil
	}
	variable, def, hasDefault := strings.Cut(v, " default ")
	_, name, _ := strings.Cut(variable, ":")
	if name == "" || strings.ContainsAny(name, " \t") {
		return "", "", false, fmt.Errorf("value %q: want env:VAR or flag:NAME, then optionally \" default LITERAL\"", v)
	}
	if !hasDefault {
		return "", variable, true, nil
	}
	if def = strings.TrimSpace(def); def == "" || def == "*" {
		return "", "", false, fmt.Errorf("value %q: the default must be a literal", v)
	}
	return def, variable, false, nil
}

// scopeKindOf is the manifest scope kind a label kind is written in.
func scopeKindOf(kind string) capability.ScopeKind {
	switch kind {
	case ScopeKindHost:
		return capability.ScopeHost
	case ScopeKindPath:
		return capability.ScopePath
	case ScopeKindProgram:
		return capability.ScopeProgram
	}
	return capability.ScopeNone
}

// kindOfCap is the label kind of a capability's scopes ("" when the
// benchmark does not measure it).
func kindOfCap(id capability.ID) string {
	switch id {
	case "network.client":
		return ScopeKindHost
	case "file.read", "file.write", "file.delete":
		return ScopeKindPath
	case "system.exec":
		return ScopeKindProgram
	}
	return ""
}

// ReadScopeLabels reads scopes.tsv of dir. Every malformed row is an error
// naming its line, as for the other label files.
func ReadScopeLabels(dir string) ([]ScopeLabel, error) {
	f, err := os.Open(filepath.Join(dir, ScopesFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readScopeLabels(f, ScopesFile)
}

func readScopeLabels(r io.Reader, file string) ([]ScopeLabel, error) {
	var out []ScopeLabel
	seen := map[string]int{}
	none := map[ServerKey]int{}
	others := map[ServerKey]int{}
	err := eachRow(r, file, ScopesHeader, 6, true, func(n int, c []string) error {
		l := ScopeLabel{Server: ServerKey{c[0], c[1]}, Kind: c[3], Value: c[4], Note: c[5], Row: n}
		if l.Kind == ScopeKindNone {
			if c[2] != "-" || c[4] != "-" {
				return fmt.Errorf("a none row has capability - and value -")
			}
			if prev, dup := none[l.Server]; dup {
				return fmt.Errorf("%s already has a none row on line %d", l.Server, prev)
			}
			none[l.Server] = n
			out = append(out, l)
			return nil
		}
		id := capability.ID(c[2])
		if !capability.Valid(id) {
			return unknownCap(c[2])
		}
		want := kindOfCap(id)
		switch {
		case l.Kind != ScopeKindHost && l.Kind != ScopeKindPath && l.Kind != ScopeKindProgram:
			return fmt.Errorf("kind %q: want %s, %s, %s or %s", l.Kind, ScopeKindHost, ScopeKindPath, ScopeKindProgram, ScopeKindNone)
		case want != l.Kind:
			return fmt.Errorf("capability %s does not take %s scopes", id, l.Kind)
		}
		l.Cap = id
		var err error
		if l.Scope, l.Var, l.Unbounded, err = ParseScopeValue(l.Value); err != nil {
			return err
		}
		if !l.Unbounded {
			if err := validScopeLiteral(l.Kind, l.Scope); err != nil {
				return fmt.Errorf("value %q: %w", l.Value, err)
			}
		}
		k := strings.Join([]string{c[0], c[1], c[2], c[4]}, "\t")
		if prev, dup := seen[k]; dup {
			return fmt.Errorf("%s %s of %s already labelled on line %d", id, l.Value, l.Server, prev)
		}
		seen[k] = n
		others[l.Server] = n
		out = append(out, l)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for k, n := range none {
		if m, ok := others[k]; ok {
			return nil, fmt.Errorf("%s:%d: %s has a none row and a scope on line %d", file, n, k, m)
		}
	}
	return out, nil
}

// validScopeLiteral checks a label's literal with the manifest's own
// scope rules, so labels and grants are written alike. Programs are names
// or paths as the code passes them; paths may be Windows paths, which the
// manifest's POSIX-style globs do not take, so only hosts are held to the
// manifest syntax.
func validScopeLiteral(kind, s string) error {
	switch kind {
	case ScopeKindHost:
		return manifest.ValidateScope(capability.ScopeHost, s)
	default:
		if strings.TrimSpace(s) != s || s == "" {
			return fmt.Errorf("empty or padded %s", kind)
		}
	}
	return nil
}

// ScopeSet is one kind of scope of one server: what the labels say, what
// the engine reports, and how they compare.
type ScopeSet struct {
	Labelled []string `json:"labelled"` // literal scopes of the labels
	Reported []string `json:"reported"` // literal scopes the engine reports
	Missed   []string `json:"missed"`   // labelled, not reported (exact)
	Extra    []string `json:"extra"`    // reported, not labelled (exact)
	// LooseMissed and LooseExtra are the same under the loose match.
	LooseMissed []string `json:"looseMissed"`
	LooseExtra  []string `json:"looseExtra"`
}

// ServerScopes are one server's scopes from one source of the engine.
type ServerScopes struct {
	Hosts    ScopeSet `json:"hosts"`
	Paths    ScopeSet `json:"paths"` // "capability scope" pairs
	Programs ScopeSet `json:"programs"`
	// NetworkGranted: the source has network.client at all; StarOnly: and
	// every scope of it is "*".
	NetworkGranted bool `json:"networkGranted"`
	StarOnly       bool `json:"starOnly"`
	// UnboundedLabelled are the capabilities labelled with an unbounded
	// scope; UnboundedKept those the source also leaves open ("*").
	UnboundedLabelled []string `json:"unboundedLabelled"`
	UnboundedKept     []string `json:"unboundedKept"`
}

// ServerScopeOutcome is one labelled server's scopes, by source.
type ServerScopeOutcome struct {
	Server   ServerKey    `json:"server"`
	Findings ServerScopes `json:"findings"`
	Manifest ServerScopes `json:"manifest"`
}

// PRScore is recall and precision of a set of literal scopes.
type PRScore struct {
	Labelled  int      `json:"labelled"`
	Recalled  int      `json:"recalled"` // labelled scopes the engine reports
	Reported  int      `json:"reported"`
	Correct   int      `json:"correct"` // reported scopes that are labelled
	Recall    *float64 `json:"recall"`
	Precision *float64 `json:"precision"`
}

// ScopeMetrics are the figures of one source over a group of servers.
type ScopeMetrics struct {
	Hosts         PRScore `json:"hosts"`
	HostsLoose    PRScore `json:"hostsLoose"`
	Paths         PRScore `json:"paths"`
	PathsLoose    PRScore `json:"pathsLoose"`
	Programs      PRScore `json:"programs"`
	NetworkGrants int     `json:"networkGrants"` // servers with network.client in the source
	StarOnly      int     `json:"starOnly"`      // of those, servers whose every scope is "*"
	// StarOnlyShare is StarOnly / NetworkGrants.
	StarOnlyShare *float64 `json:"starOnlyShare"`
	// Unbounded: labelled (server, capability) pairs with an unbounded
	// scope, and those the source also leaves open.
	UnboundedLabelled int      `json:"unboundedLabelled"`
	UnboundedKept     int      `json:"unboundedKept"`
	UnboundedRatio    *float64 `json:"unboundedRatio"`
}

// ScopeGroup is one language group's figures.
type ScopeGroup struct {
	Name     string       `json:"name"`
	Servers  int          `json:"servers"`
	Rows     int          `json:"rows"`
	Findings ScopeMetrics `json:"findings"`
	Manifest ScopeMetrics `json:"manifest"`
}

// ScopeReport is the scope benchmark's result.
type ScopeReport struct {
	Groups   []ScopeGroup         `json:"groups"`
	Servers  []ServerScopeOutcome `json:"servers"`
	Problems []string             `json:"problems"`
	Rules    map[string]string    `json:"rules"`
}

// Rules of the scope benchmark, printed with its figures.
var scopeRules = map[string]string{
	"sources": "findings: the scope (and scopes) of every capability finding (a finding without a literal scope, or one that non-literal values reach too, counts as \"*\"); " +
		"manifest: every scope of every grant (server and tools) of the manifest mcpriv generates for the whole tree",
	"labels": "a label's literal is its value, or the default of an env:/flag: value; \"*\" and a variable without a default are unbounded and only count in \"unbounded kept\"",
	"hosts":  "exact: the same host (lower case, port dropped); loose: also when a wildcard of one covers the other, or both end in the same two DNS labels (api.github.com and github.com)",
	"paths": "per capability (file.read, file.write, file.delete), a relative path under ${CWD} as in a grant; exact: the same glob; " +
		"loose: also when one glob covers the other by the manifest's path matching",
	"programs":            "the program's base name (/usr/bin/git is git)",
	"recall / precision":  "per server, then summed: labelled literals the source reports / labelled literals; reported literals that are labelled / reported literals (\"*\" is not a literal)",
	"\"*\"-only":          "servers whose source has network.client and every scope of it is \"*\", of the servers whose source has network.client",
	"unbounded kept":      "labelled (server, capability) pairs with an unbounded scope whose source also has \"*\" for that capability: a scope the engine narrowed there would be wrong",
	"servers not counted": "labelled servers of the memory list are their language-list servers; servers without scope rows are not scored",
}

// ScoreScopes compares each labelled server's scopes with what the engine
// reports for it: its scan (findings) and Grants (the generated manifest).
// Every server with scope rows must be given.
func ScoreScopes(labels []ScopeLabel, servers []Server) (*ScopeReport, error) {
	byKey := map[ServerKey]*Server{}
	for i := range servers {
		s := &servers[i]
		if s.Scan == nil {
			return nil, fmt.Errorf("%s: no scan", s.Key)
		}
		byKey[s.Key] = s
	}
	rows := map[ServerKey][]ScopeLabel{}
	var keys []ServerKey
	for _, l := range labels {
		if _, ok := rows[l.Server]; !ok {
			keys = append(keys, l.Server)
		}
		rows[l.Server] = append(rows[l.Server], l)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].List != keys[j].List {
			return keys[i].List < keys[j].List
		}
		return keys[i].Name < keys[j].Name
	})
	rep := &ScopeReport{Rules: scopeRules, Problems: []string{}}
	groups := map[string][]int{}
	for _, k := range keys {
		lang, err := LanguageOf(k.List)
		if err != nil {
			return nil, err
		}
		s := byKey[k]
		if s == nil {
			return nil, fmt.Errorf("%s has scope labels but was not scanned", k)
		}
		if s.Grants == nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: no generated manifest; its manifest figures count no grant", k))
		}
		o := ServerScopeOutcome{Server: k,
			Findings: compareScopes(rows[k], findingScopes(s.Scan)),
			Manifest: compareScopes(rows[k], s.Grants)}
		rep.Servers = append(rep.Servers, o)
		i := len(rep.Servers) - 1
		groups[lang] = append(groups[lang], i)
		groups[GroupOverall] = append(groups[GroupOverall], i)
	}
	for _, name := range []string{GroupPython, GroupGo, GroupJS, GroupMemory, GroupOverall} {
		idx := groups[name]
		if len(idx) == 0 {
			continue
		}
		g := ScopeGroup{Name: name, Servers: len(idx)}
		var fs, ms []ServerScopes
		for _, i := range idx {
			o := rep.Servers[i]
			g.Rows += len(rows[o.Server])
			fs, ms = append(fs, o.Findings), append(ms, o.Manifest)
		}
		g.Findings, g.Manifest = sumScopes(fs), sumScopes(ms)
		rep.Groups = append(rep.Groups, g)
	}
	return rep, nil
}

// findingScopes are the scopes of a scan's capability findings, "*" for a
// finding whose scope is not a literal or cannot be inferred.
func findingScopes(s *Scan) map[capability.ID][]string {
	out := map[capability.ID][]string{}
	for _, f := range s.Findings {
		if f.Kind != "" && f.Kind != "capability" {
			continue
		}
		id := capability.ID(f.Capability)
		if kindOfCap(id) == "" {
			continue
		}
		if f.ScopeUnknown != "" {
			out[id] = append(out[id], "*")
			continue
		}
		n := len(out[id])
		for _, sc := range append([]string{f.Scope}, f.Scopes...) {
			if sc != "" {
				out[id] = append(out[id], sc)
			}
		}
		if len(out[id]) == n || f.ScopeDynamic {
			out[id] = append(out[id], "*")
		}
	}
	return out
}

// compareScopes compares a server's labels with the scopes one source
// reports, per capability.
func compareScopes(labels []ScopeLabel, got map[capability.ID][]string) ServerScopes {
	var out ServerScopes
	want := map[string]map[string]bool{ScopeKindHost: {}, ScopeKindPath: {}, ScopeKindProgram: {}}
	unbounded := map[capability.ID]bool{}
	for _, l := range labels {
		if l.Kind == ScopeKindNone {
			continue
		}
		if l.Unbounded {
			unbounded[l.Cap] = true
			continue
		}
		want[l.Kind][scopeKey(l.Kind, l.Cap, l.Scope)] = true
	}
	have := map[string]map[string]bool{ScopeKindHost: {}, ScopeKindPath: {}, ScopeKindProgram: {}}
	star := map[capability.ID]bool{}
	for id, scopes := range got {
		kind := kindOfCap(id)
		if kind == "" {
			continue
		}
		for _, s := range scopes {
			if s == "*" {
				star[id] = true
				continue
			}
			// An engine scope may name its variable as a label does.
			lit, _, unb, err := ParseScopeValue(s)
			if err != nil || unb {
				star[id] = true
				continue
			}
			have[kind][scopeKey(kind, id, lit)] = true
		}
	}
	if n := got["network.client"]; len(n) > 0 {
		out.NetworkGranted = true
		out.StarOnly = len(have[ScopeKindHost]) == 0
	}
	for _, id := range sortedKeys(unbounded) {
		out.UnboundedLabelled = append(out.UnboundedLabelled, string(id))
		if star[id] {
			out.UnboundedKept = append(out.UnboundedKept, string(id))
		}
	}
	out.Hosts = compareSet(want[ScopeKindHost], have[ScopeKindHost], looseHost)
	out.Paths = compareSet(want[ScopeKindPath], have[ScopeKindPath], loosePath)
	out.Programs = compareSet(want[ScopeKindProgram], have[ScopeKindProgram], nil)
	return out
}

// scopeKey normalises a literal scope for comparison: hosts in lower case
// without a port, paths keyed by their capability, programs by base name.
func scopeKey(kind string, id capability.ID, s string) string {
	switch kind {
	case ScopeKindHost:
		return normHost(s)
	case ScopeKindPath:
		return string(id) + " " + absPath(s)
	case ScopeKindProgram:
		if i := strings.LastIndexAny(s, `/\`); i >= 0 && i < len(s)-1 {
			s = s[i+1:]
		}
		return s
	}
	return s
}

// absPath writes a relative path as the manifest does, under ${CWD}: a
// finding's scope keeps the literal ("logs/x.log"), its grant and the
// labels say "${CWD}/logs/x.log".
func absPath(s string) string {
	if s == "" || strings.HasPrefix(s, "/") || strings.HasPrefix(s, "${") || strings.HasPrefix(s, "~") || strings.HasPrefix(s, "*") ||
		strings.HasPrefix(s, `\`) || (len(s) > 1 && s[1] == ':') {
		return s
	}
	return "${CWD}/" + strings.TrimPrefix(s, "./")
}

func normHost(s string) string {
	s = strings.TrimSuffix(strings.ToLower(s), ".")
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().String()
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		return strings.Trim(s, "[]")
	}
	if h, p, ok := strings.Cut(s, ":"); ok && !strings.Contains(p, ":") {
		return h
	}
	return s
}

// looseHost: the same host, a wildcard covering the other, or the same
// last two DNS labels.
func looseHost(a, b string) bool {
	if a == b || manifest.MatchHost(a, b) || manifest.MatchHost(b, a) {
		return true
	}
	da, db := domainOf(a), domainOf(b)
	return da != "" && da == db
}

// domainOf is the last two DNS labels of a name ("" for an address or a
// single-label name such as localhost).
func domainOf(h string) string {
	h = strings.TrimPrefix(h, "*.")
	if _, err := netip.ParseAddr(h); err == nil {
		return ""
	}
	parts := strings.Split(h, ".")
	if len(parts) < 2 {
		return ""
	}
	return strings.Join(parts[len(parts)-2:], ".")
}

// loosePath: the same capability, and one glob covers the other.
func loosePath(a, b string) bool {
	ca, pa, _ := strings.Cut(a, " ")
	cb, pb, _ := strings.Cut(b, " ")
	return ca == cb && (pa == pb || manifest.MatchPath(pa, pb) || manifest.MatchPath(pb, pa))
}

// compareSet compares labelled and reported keys exactly and, when loose
// is given, loosely.
func compareSet(want, have map[string]bool, loose func(a, b string) bool) ScopeSet {
	out := ScopeSet{Labelled: sortedKeys(want), Reported: sortedKeys(have),
		Missed: []string{}, Extra: []string{}, LooseMissed: []string{}, LooseExtra: []string{}}
	for _, w := range out.Labelled {
		if !have[w] {
			out.Missed = append(out.Missed, w)
		}
		if loose != nil && !anyMatch(w, out.Reported, loose) {
			out.LooseMissed = append(out.LooseMissed, w)
		}
	}
	for _, h := range out.Reported {
		if !want[h] {
			out.Extra = append(out.Extra, h)
		}
		if loose != nil && !anyMatch(h, out.Labelled, loose) {
			out.LooseExtra = append(out.LooseExtra, h)
		}
	}
	if loose == nil {
		out.LooseMissed, out.LooseExtra = out.Missed, out.Extra
	}
	return out
}

func anyMatch(s string, in []string, match func(a, b string) bool) bool {
	for _, x := range in {
		if match(s, x) {
			return true
		}
	}
	return false
}

func (p *PRScore) add(s ScopeSet, loose bool) {
	missed, extra := s.Missed, s.Extra
	if loose {
		missed, extra = s.LooseMissed, s.LooseExtra
	}
	p.Labelled += len(s.Labelled)
	p.Recalled += len(s.Labelled) - len(missed)
	p.Reported += len(s.Reported)
	p.Correct += len(s.Reported) - len(extra)
}

func (p *PRScore) finish() {
	p.Recall, p.Precision = ratio(p.Recalled, p.Labelled), ratio(p.Correct, p.Reported)
}

func sumScopes(list []ServerScopes) ScopeMetrics {
	var m ScopeMetrics
	for _, s := range list {
		m.Hosts.add(s.Hosts, false)
		m.HostsLoose.add(s.Hosts, true)
		m.Paths.add(s.Paths, false)
		m.PathsLoose.add(s.Paths, true)
		m.Programs.add(s.Programs, false)
		if s.NetworkGranted {
			m.NetworkGrants++
			if s.StarOnly {
				m.StarOnly++
			}
		}
		m.UnboundedLabelled += len(s.UnboundedLabelled)
		m.UnboundedKept += len(s.UnboundedKept)
	}
	for _, p := range []*PRScore{&m.Hosts, &m.HostsLoose, &m.Paths, &m.PathsLoose, &m.Programs} {
		p.finish()
	}
	m.StarOnlyShare = ratio(m.StarOnly, m.NetworkGrants)
	m.UnboundedRatio = ratio(m.UnboundedKept, m.UnboundedLabelled)
	return m
}

// Markdown prints the scope figures: per language group and source, then
// each server's hosts.
func (r *ScopeReport) Markdown() string {
	var b strings.Builder
	cell := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }
	pr := func(p PRScore) string {
		return fmt.Sprintf("%s / %s", frac(p.Recall, p.Recalled, p.Labelled), frac(p.Precision, p.Correct, p.Reported))
	}
	for _, src := range []string{"manifest", "findings"} {
		if src == "manifest" {
			b.WriteString("From the generated manifest (recall / precision):\n\n")
		} else {
			b.WriteString("\nFrom the findings (recall / precision):\n\n")
		}
		b.WriteString("| | servers | rows | hosts | hosts (loose) | \"*\"-only network.client | paths | paths (loose) | programs | unbounded kept |\n")
		b.WriteString("|---|---|---|---|---|---|---|---|---|---|\n")
		for _, g := range r.Groups {
			m := g.Manifest
			if src == "findings" {
				m = g.Findings
			}
			star := "–"
			if m.StarOnlyShare != nil {
				star = fmt.Sprintf("%d/%d (%.0f%%)", m.StarOnly, m.NetworkGrants, 100**m.StarOnlyShare)
			}
			fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s |\n", g.Name, g.Servers, g.Rows,
				pr(m.Hosts), pr(m.HostsLoose), star, pr(m.Paths), pr(m.PathsLoose), pr(m.Programs),
				frac(m.UnboundedRatio, m.UnboundedKept, m.UnboundedLabelled))
		}
	}
	b.WriteString("\nHosts per server, generated manifest (exact match; \"*\" only: every network.client scope is \"*\"):\n\n")
	b.WriteString("| server | labelled | missed | extra | \"*\" only |\n|---|---|---|---|---|\n")
	list := func(l []string) string {
		if len(l) == 0 {
			return "–"
		}
		return cell(strings.Join(l, ", "))
	}
	for _, o := range r.Servers {
		h := o.Manifest.Hosts
		if len(h.Labelled) == 0 && len(h.Reported) == 0 && !o.Manifest.NetworkGranted {
			continue
		}
		star := "no"
		switch {
		case !o.Manifest.NetworkGranted:
			star = "no grant"
		case o.Manifest.StarOnly:
			star = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", cell(o.Server.String()), list(h.Labelled), list(h.Missed), list(h.Extra), star)
	}
	if len(r.Problems) > 0 {
		b.WriteString("\nProblems:\n\n")
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "- %s\n", cell(p))
		}
	}
	return b.String()
}
