package corpus

import (
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
)

// The scorer measures the engine against the hand labels of the test split
// (docs/corpus.md, "Scoring"). It reads what `mcpriv scan --format json`
// prints, so it measures exactly what a user sees.

// Scan is the part of the JSON contract of a scan (docs/json-output.md)
// the scorer reads; unknown fields are ignored, as the contract asks.
type Scan struct {
	Version  int           `json:"version"`
	Findings []ScanFinding `json:"findings"`
	Tools    []ScanTool    `json:"tools"`
	Errors   []ScanError   `json:"errors"`
}

// ScanFinding is one finding of a scan.
type ScanFinding struct {
	File       string   `json:"file"`
	Line       int      `json:"line"`
	Kind       string   `json:"kind"`
	Capability string   `json:"capability"`
	API        string   `json:"api"`
	Tools      []string `json:"tools"`
	Server     bool     `json:"server"`
	Tainted    bool     `json:"tainted"`
	// TaintRole ("target" or "payload") is compared with the label when a
	// tainted finding has one; without it only tainted yes/no is.
	TaintRole string `json:"taintRole,omitempty"`
	// Scope is the scope inferred from a literal argument ("" when not
	// literal); ScopeUnknown says why a literal's scope cannot be stated.
	Scope        string `json:"scope"`
	ScopeUnknown string `json:"scopeUnknown,omitempty"`
	// Scopes, when present, are every scope of a call that values with
	// different scopes reach; ScopeDynamic: a value that is not a literal
	// reaches it too.
	Scopes       []string `json:"scopes,omitempty"`
	ScopeDynamic bool     `json:"scopeDynamic,omitempty"`
}

// ScanTool is one tool of a scan.
type ScanTool struct {
	Name         string   `json:"name"`
	File         string   `json:"file"`
	Line         int      `json:"line"`
	Capabilities []string `json:"capabilities"`
}

// ScanError is a file the scan skipped or could not analyse.
type ScanError struct {
	File      string `json:"file"`
	Message   string `json:"message"`
	Skipped   bool   `json:"skipped"`
	BuiltFrom string `json:"builtFrom,omitempty"`
}

// DecodeScan reads one scan's JSON output.
func DecodeScan(data []byte) (*Scan, error) {
	var s Scan
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("scan output: %w", err)
	}
	if s.Version != 1 {
		return nil, fmt.Errorf("scan output: version %d, the scorer reads version 1", s.Version)
	}
	return &s, nil
}

// Server is one labelled server as scanned.
type Server struct {
	Key  ServerKey
	Scan *Scan
	// Bundles maps each fully labelled file that is a bundle to the lines
	// of the server's own modules (OwnRegions); findings elsewhere in it
	// are inlined library code and are not scored.
	Bundles map[string][]Region
	// Grants are the scopes of each capability in the manifest mcpriv
	// generates for the whole tree, over the server and every tool (the
	// scope benchmark's second source); nil when none was generated.
	Grants map[capability.ID][]string
}

// Language groups of the report, in print order.
const (
	GroupPython  = "python"
	GroupGo      = "go"
	GroupJS      = "js/ts"
	GroupMemory  = "memory"
	GroupOverall = "overall"
)

// MemoryList is the list of memory/FFI servers; its entries are also
// servers of a language list.
const MemoryList = "memory"

// LanguageOf is the language group of a list.
func LanguageOf(list string) (string, error) {
	switch list {
	case "github-python":
		return GroupPython, nil
	case "github-go":
		return GroupGo, nil
	case "github-ts", "npm-mcp":
		return GroupJS, nil
	case MemoryList:
		return GroupMemory, nil
	}
	return "", fmt.Errorf("list %q has no language group", list)
}

// Report is the result of scoring.
type Report struct {
	Groups []Group `json:"groups"`
	// Servers are per-server figures (each server's own labels).
	Servers []ServerFigures `json:"servers"`
	// MissForms groups the false negatives of the overall group by the
	// form of the call (the label note's API), most shared first.
	MissForms []MissForm `json:"missForms"`
	// MissFamilies groups the same by the object or package the form is
	// called on ("pathlib.Path.exists" and "pathlib.Path.read_text" are
	// "pathlib.Path"; "dynamicClient Get" is "dynamicClient").
	MissFamilies []MissForm `json:"missFamilies"`
	// Misses, FalseAlarms and TaintDisagreements list the site outcomes
	// behind the figures (overall group, each site once).
	Misses             []SiteRef         `json:"misses"`
	FalseAlarms        []SiteRef         `json:"falseAlarms"`
	TaintDisagreements []SiteRef         `json:"taintDisagreements"`
	NotNames           []ToolRef         `json:"toolsNotNames"`
	MissingTools       []ToolRef         `json:"missingTools"`
	ExtraTools         []ToolRef         `json:"extraTools"`
	Problems           []string          `json:"problems"`
	Membership         []GroupMembers    `json:"membership"`
	Rules              map[string]string `json:"rules"`
}

// Group is the figures of one language group, overall and by capability
// class and capability.
type Group struct {
	Name         string             `json:"name"`
	Servers      int                `json:"servers"`
	All          Metrics            `json:"all"`
	Classes      map[string]Metrics `json:"classes"`
	Capabilities map[string]Metrics `json:"capabilities"`
}

// GroupMembers says which labelled servers a group counts, and what of them.
type GroupMembers struct {
	Group   string   `json:"group"`
	Members []string `json:"members"`
}

// ServerFigures are one server's figures on its own labels.
type ServerFigures struct {
	Server ServerKey `json:"server"`
	Metrics
}

// Metrics are the figures of a set of labels.
type Metrics struct {
	Sites      SiteMetrics  `json:"sites"`
	Tools      ToolMetrics  `json:"tools"`
	ServerSets SetMetrics   `json:"serverSets"`
	Taint      TaintMetrics `json:"taint"`
	NotNames   int          `json:"toolsNotNames"`
}

// SiteMetrics compare label rows with findings (see matchSites).
type SiteMetrics struct {
	Labelled int `json:"labelled"` // label rows
	Matched  int `json:"matched"`  // label rows with a finding
	Missed   int `json:"missed"`   // label rows without one: false negatives
	// In fully labelled files: findings with a label row, and without one.
	TruePositives  int      `json:"truePositives"`
	FalsePositives int      `json:"falsePositives"`
	Precision      *float64 `json:"precision"`
	Recall         *float64 `json:"recall"`
}

// ToolMetrics compare (server, tool, capability) triples.
type ToolMetrics struct {
	TruePositives  int      `json:"truePositives"`
	FalsePositives int      `json:"falsePositives"`
	FalseNegatives int      `json:"falseNegatives"`
	Precision      *float64 `json:"precision"`
	Recall         *float64 `json:"recall"`
	F1             *float64 `json:"f1"`
	// UnreportedTriples: of the false negatives, those of tools the engine
	// does not report at all (registration not understood).
	UnreportedTriples int `json:"unreportedTriples"`
	LabelledTools     int `json:"labelledTools"` // tool names labelled
	FoundTools        int `json:"foundTools"`    // of those, reported by the engine
	ExtraTools        int `json:"extraTools"`    // names reported but not labelled
}

// SetMetrics count servers whose capability set (the union of their tools'
// capabilities) the engine reports exactly.
type SetMetrics struct {
	Servers int      `json:"servers"`
	Exact   int      `json:"exact"`
	Ratio   *float64 `json:"ratio"`
}

// TaintMetrics compare the label's taint with the finding's over matched
// sites.
type TaintMetrics struct {
	Sites   int      `json:"sites"`
	Agree   int      `json:"agree"`
	Ratio   *float64 `json:"ratio"`
	Missed  int      `json:"missed"`  // labelled target/payload, finding not tainted
	Claimed int      `json:"claimed"` // labelled -, finding tainted
	// RoleWrong: both tainted, the finding's role differs from the label's.
	RoleWrong int `json:"roleWrong"`
	// RoleCompared: matched tainted sites whose finding carried a role.
	RoleCompared int `json:"roleCompared"`
}

// SiteRef is one site outcome.
type SiteRef struct {
	Server     ServerKey `json:"server"`
	File       string    `json:"file"`
	Line       int       `json:"line"`
	Capability string    `json:"capability"`
	Note       string    `json:"note,omitempty"`      // the label's
	Taint      string    `json:"taint,omitempty"`     // the label's
	API        string    `json:"api,omitempty"`       // the finding's
	Tainted    *bool     `json:"tainted,omitempty"`   // the finding's
	TaintRole  string    `json:"taintRole,omitempty"` // the finding's
	FoundLine  int       `json:"foundLine,omitempty"`
}

// ToolRef is a tool of a server, with the capabilities concerned.
type ToolRef struct {
	Server       ServerKey `json:"server"`
	Tool         string    `json:"tool"`
	Capabilities []string  `json:"capabilities"`
}

// MissForm is the false negatives of one call form.
type MissForm struct {
	Form         string   `json:"form"`
	Forms        []string `json:"forms,omitempty"` // of a family: its forms
	Sites        int      `json:"sites"`
	Servers      []string `json:"servers"`
	Capabilities []string `json:"capabilities"`
	Languages    []string `json:"languages"`
}

// Rules of the scorer, printed with the figures so they are read with them.
var scoreRules = map[string]string{
	"site match": "a label row and a finding match when they are in the same file, have the same capability and their lines differ by at most 1; " +
		"findings are first merged per (file, line, capability); each label row matches at most one finding and each finding one row, exact lines first",
	"site precision": "over the fully labelled files (files.tsv): findings with a matching row / all findings there; in a bundle only the lines of the server's own modules count",
	"site recall":    "label rows with a matching finding / all label rows",
	"tool F1": "over (server, tool, capability) triples of servers with tools.tsv rows: a reported triple without a label (also of a tool that is not labelled) is a false positive, " +
		"a labelled triple not reported (also of a tool that is not reported) a false negative; tools reported twice are merged",
	"server set":      "a server's capability set is the union of its tools' capabilities; exact when the engine's equals the label's (per class: restricted to the class)",
	"taint":           "over matched sites: agree when label '-' and finding untainted, or label target/payload and finding tainted (and, when the finding has a taintRole, the same role)",
	"tools not names": "reported tool names that are not labelled and contain '.', '(', '[', 'self' or white space",
	"memory":          "the memory group counts memory-list labels, and servers of other lists whose memory entry (split.tsv) is the same directory or one inside it; overall counts each server once (a memory-list labelling that repeats another list's is left out)",
}

// siteOutcome is one label row, one finding or a matched pair.
type siteOutcome struct {
	file    string
	line    int
	cap     capability.ID
	label   *SiteLabel
	finding *mergedFinding
	inFiles bool // the file is fully labelled
}

// mergedFinding is the findings of one (file, line, capability).
type mergedFinding struct {
	file    string
	line    int
	cap     capability.ID
	api     string
	tainted bool
	role    string
}

type tripleOutcome struct {
	tool       string
	cap        capability.ID
	labelled   bool
	reported   bool
	unreported bool // the engine does not report the tool at all
}

// serverOutcome is everything scored of one labelled server.
type serverOutcome struct {
	key         ServerKey
	sites       []siteOutcome
	triples     []tripleOutcome
	hasTools    bool // tools.tsv has rows for it
	labelSet    map[capability.ID]bool
	reportedSet map[capability.ID]bool
	notNames    []string
	missing     []ToolRef
	extra       []ToolRef
	labelled    int // tool names labelled
	found       int
}

// member is what a group counts of one server.
type member struct {
	o      *serverOutcome
	sites  bool
	prefix string // only sites under this directory ("" for all)
	tools  bool
}

// Score compares each server's scan with its labels. split gives the
// subpaths that decide which servers the memory group shares with the
// language lists. Every labelled server must be given, scanned.
func Score(labels *Labels, split []Entry, servers []Server) (*Report, error) {
	byKey := map[ServerKey]*Server{}
	for i := range servers {
		s := &servers[i]
		if s.Scan == nil {
			return nil, fmt.Errorf("%s: no scan", s.Key)
		}
		byKey[s.Key] = s
	}
	keys := labels.Servers()
	outcomes := map[ServerKey]*serverOutcome{}
	rep := &Report{Rules: scoreRules}
	for _, k := range keys {
		s := byKey[k]
		if s == nil {
			return nil, fmt.Errorf("%s is labelled but was not scanned", k)
		}
		if _, err := LanguageOf(k.List); err != nil {
			return nil, err
		}
		o, problems := scoreServer(labels, s)
		outcomes[k] = o
		rep.Problems = append(rep.Problems, problems...)
	}
	groups, err := assemble(keys, outcomes, split)
	if err != nil {
		return nil, err
	}
	for _, name := range []string{GroupPython, GroupGo, GroupJS, GroupMemory, GroupOverall} {
		ms := groups[name]
		g := Group{Name: name, All: measure(ms, nil), Classes: map[string]Metrics{}, Capabilities: map[string]Metrics{}}
		// A server labelled under two lists is one server.
		seen, named := map[ServerKey]bool{}, map[string]bool{}
		var names []string
		for _, m := range ms {
			named[m.o.key.Name] = true
			if !seen[m.o.key] {
				seen[m.o.key] = true
				desc := m.o.key.String()
				switch {
				case !m.sites:
					desc += " (tools only)"
				case !m.tools:
					desc += " (sites only)"
				}
				if m.prefix != "" && m.sites {
					desc += " (sites under " + m.prefix + ")"
				}
				names = append(names, desc)
			}
		}
		g.Servers = len(named)
		for _, c := range []capability.Class{capability.Network, capability.System, capability.File, capability.Memory} {
			c := c
			g.Classes[string(c)] = measure(ms, func(id capability.ID) bool { return id.Class() == c })
		}
		for _, info := range capability.All() {
			id := info.ID
			g.Capabilities[string(id)] = measure(ms, func(x capability.ID) bool { return x == id })
		}
		rep.Groups = append(rep.Groups, g)
		rep.Membership = append(rep.Membership, GroupMembers{Group: name, Members: names})
	}
	for _, k := range keys {
		o := outcomes[k]
		rep.Servers = append(rep.Servers, ServerFigures{Server: k, Metrics: measure([]member{{o: o, sites: true, tools: true}}, nil)})
	}
	listOutcomes(rep, groups[GroupOverall])
	return rep, nil
}

// assemble decides what each group counts of each server.
func assemble(keys []ServerKey, outcomes map[ServerKey]*serverOutcome, split []Entry) (map[string][]member, error) {
	subpaths := map[ServerKey][]string{}
	for _, e := range split {
		k := ServerKey{e.List, e.Name}
		subpaths[k] = append(subpaths[k], e.Subpath)
	}
	// Labels under the memory list itself, by name.
	memTools, memSites := map[string]bool{}, map[string]bool{}
	for _, k := range keys {
		if k.List == MemoryList {
			o := outcomes[k]
			memTools[k.Name] = o.hasTools
			memSites[k.Name] = len(o.sites) > 0
		}
	}
	otherList := map[string]bool{}
	for _, k := range keys {
		if k.List != MemoryList {
			otherList[k.Name] = true
		}
	}
	groups := map[string][]member{}
	for _, k := range keys {
		o := outcomes[k]
		lang, err := LanguageOf(k.List)
		if err != nil {
			return nil, err
		}
		all := member{o: o, sites: true, tools: true}
		if k.List == MemoryList {
			all.tools = o.hasTools || !otherList[k.Name]
			groups[GroupMemory] = append(groups[GroupMemory], all)
			if !otherList[k.Name] {
				groups[GroupOverall] = append(groups[GroupOverall], all)
			}
			continue
		}
		groups[lang] = append(groups[lang], all)
		groups[GroupOverall] = append(groups[GroupOverall], all)
		if prefix, ok := memoryPart(subpaths[k], subpaths[ServerKey{MemoryList, k.Name}]); ok {
			m := member{o: o, prefix: prefix, sites: !memSites[k.Name], tools: !memTools[k.Name]}
			if m.sites || m.tools {
				groups[GroupMemory] = append(groups[GroupMemory], m)
			}
		}
	}
	return groups, nil
}

// memoryPart reports whether a memory entry lies in the directory of a
// language entry (same subpath or one inside it), and the memory entry's
// directory relative to it ("" when the same).
func memoryPart(lang, mem []string) (string, bool) {
	for _, s := range lang {
		for _, m := range mem {
			switch {
			case m == s:
				return "", true
			case s == ".":
				return m, true
			case strings.HasPrefix(m, s+"/"):
				return strings.TrimPrefix(m, s+"/"), true
			}
		}
	}
	return "", false
}

// scoreServer matches one server's labels with its scan.
func scoreServer(labels *Labels, s *Server) (*serverOutcome, []string) {
	o := &serverOutcome{key: s.Key, labelSet: map[capability.ID]bool{}, reportedSet: map[capability.ID]bool{}}
	var problems []string
	files := labels.Files[s.Key]

	// Sites.
	var rows []*SiteLabel
	for i := range labels.Sites {
		if labels.Sites[i].Server == s.Key {
			rows = append(rows, &labels.Sites[i])
		}
	}
	merged := map[[3]string]*mergedFinding{}
	var order []*mergedFinding
	for _, f := range s.Scan.Findings {
		if f.Kind != "" && f.Kind != "capability" {
			continue
		}
		id := capability.ID(f.Capability)
		if !capability.Valid(id) {
			problems = append(problems, fmt.Sprintf("%s: %s:%d: finding with unknown capability %q", s.Key, f.File, f.Line, f.Capability))
			continue
		}
		if rs, ok := s.Bundles[f.File]; ok && !inRegions(rs, f.Line) {
			continue // inlined library code of a bundle
		}
		k := [3]string{f.File, fmt.Sprint(f.Line), f.Capability}
		m := merged[k]
		if m == nil {
			m = &mergedFinding{file: f.File, line: f.Line, cap: id, api: f.API}
			merged[k] = m
			order = append(order, m)
		}
		if f.Tainted {
			m.tainted = true
			if f.TaintRole == TaintTarget || m.role == "" {
				m.role = f.TaintRole
			}
		}
	}
	o.sites = matchSites(rows, order, files)

	// Scan errors in labelled files explain misses: say so.
	labelledFiles := map[string]bool{}
	for f := range files {
		labelledFiles[f] = true
	}
	for _, r := range rows {
		labelledFiles[r.File] = true
	}
	for _, e := range s.Scan.Errors {
		for f := range labelledFiles {
			if f == e.File || strings.HasPrefix(f, strings.TrimSuffix(e.File, "/")+"/") {
				problems = append(problems, fmt.Sprintf("%s: labelled file %s not analysed: %s: %s", s.Key, f, e.File, e.Message))
			}
		}
	}

	// Tools.
	lt := map[string]map[capability.ID]bool{}
	for _, t := range labels.Tools {
		if t.Server != s.Key {
			continue
		}
		o.hasTools = true
		lt[t.Tool] = map[capability.ID]bool{}
		for _, c := range t.Caps {
			lt[t.Tool][c] = true
			o.labelSet[c] = true
		}
	}
	rt := map[string]map[capability.ID]bool{}
	for _, t := range s.Scan.Tools {
		if rt[t.Name] == nil {
			rt[t.Name] = map[capability.ID]bool{}
		}
		for _, c := range t.Capabilities {
			rt[t.Name][capability.ID(c)] = true
			o.reportedSet[capability.ID(c)] = true
		}
	}
	if !o.hasTools {
		return o, problems
	}
	names := map[string]bool{}
	for n := range lt {
		names[n] = true
	}
	for n := range rt {
		names[n] = true
	}
	for _, n := range sortedKeys(names) {
		l, r := lt[n], rt[n]
		caps := map[capability.ID]bool{}
		for c := range l {
			caps[c] = true
		}
		for c := range r {
			caps[c] = true
		}
		for _, c := range sortedKeys(caps) {
			o.triples = append(o.triples, tripleOutcome{tool: n, cap: c, labelled: l[c], reported: r[c], unreported: r == nil})
		}
		switch {
		case l != nil && r != nil:
			o.labelled++
			o.found++
		case l != nil:
			o.labelled++
			o.missing = append(o.missing, ToolRef{Server: s.Key, Tool: n, Capabilities: capStrings(l)})
		default:
			o.extra = append(o.extra, ToolRef{Server: s.Key, Tool: n, Capabilities: capStrings(r)})
			if NotAName(n) {
				o.notNames = append(o.notNames, n)
			}
		}
	}
	return o, problems
}

// NotAName reports whether a reported tool name looks like an expression
// the engine did not resolve (self.name, TOOLS[i], f"{x}") rather than a
// name.
func NotAName(n string) bool {
	return strings.ContainsAny(n, ".([ \t\n") || strings.Contains(n, "self")
}

// matchSites pairs label rows with merged findings of the same file and
// capability: exact lines first, then lines one apart (the smallest free
// line first, which pairs the most). Unmatched findings are kept as false
// positives only in fully labelled files.
func matchSites(rows []*SiteLabel, found []*mergedFinding, files map[string]bool) []siteOutcome {
	type fc struct {
		file string
		cap  capability.ID
	}
	labelsBy := map[fc][]*SiteLabel{}
	foundBy := map[fc][]*mergedFinding{}
	for _, r := range rows {
		k := fc{r.File, r.Cap}
		labelsBy[k] = append(labelsBy[k], r)
	}
	for _, f := range found {
		k := fc{f.file, f.cap}
		foundBy[k] = append(foundBy[k], f)
	}
	var out []siteOutcome
	used := map[*mergedFinding]bool{}
	pair := map[*SiteLabel]*mergedFinding{}
	for k, ls := range labelsBy {
		sort.Slice(ls, func(i, j int) bool { return ls[i].Line < ls[j].Line })
		at := map[int]*mergedFinding{}
		for _, f := range foundBy[k] {
			at[f.line] = f
		}
		for _, l := range ls {
			if f := at[l.Line]; f != nil && !used[f] {
				used[f], pair[l] = true, f
			}
		}
		for _, l := range ls {
			if pair[l] != nil {
				continue
			}
			for _, line := range []int{l.Line - 1, l.Line + 1} {
				if f := at[line]; f != nil && !used[f] {
					used[f], pair[l] = true, f
					break
				}
			}
		}
	}
	for _, r := range rows {
		out = append(out, siteOutcome{file: r.File, line: r.Line, cap: r.Cap, label: r, finding: pair[r], inFiles: files[r.File]})
	}
	for _, f := range found {
		if !used[f] && files[f.file] {
			out = append(out, siteOutcome{file: f.file, line: f.line, cap: f.cap, finding: f, inFiles: true})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.file != b.file {
			return a.file < b.file
		}
		if a.line != b.line {
			return a.line < b.line
		}
		return a.cap < b.cap
	})
	return out
}

// taintAgrees compares a label's taint with its finding's.
func taintAgrees(label string, f *mergedFinding) (agree bool, roleCompared bool) {
	if label == TaintNone {
		return !f.tainted, false
	}
	if !f.tainted {
		return false, false
	}
	if f.role == "" {
		return true, false
	}
	return f.role == label, true
}

// measure computes the figures of members, counting only capabilities
// keep accepts (all when nil).
func measure(ms []member, keep func(capability.ID) bool) Metrics {
	var m Metrics
	ok := func(c capability.ID) bool { return keep == nil || keep(c) }
	for _, mb := range ms {
		o := mb.o
		if mb.sites {
			for _, s := range o.sites {
				if !ok(s.cap) || !prefixed(s.file, mb.prefix) {
					continue
				}
				switch {
				case s.label != nil && s.finding != nil:
					m.Sites.Labelled++
					m.Sites.Matched++
					if s.inFiles {
						m.Sites.TruePositives++
					}
					m.Taint.Sites++
					agree, role := taintAgrees(s.label.Taint, s.finding)
					if role {
						m.Taint.RoleCompared++
					}
					switch {
					case agree:
						m.Taint.Agree++
					case s.label.Taint == TaintNone:
						m.Taint.Claimed++
					case !s.finding.tainted:
						m.Taint.Missed++
					default:
						m.Taint.RoleWrong++
					}
				case s.label != nil:
					m.Sites.Labelled++
					m.Sites.Missed++
				default:
					m.Sites.FalsePositives++
				}
			}
		}
		if mb.tools && o.hasTools {
			for _, t := range o.triples {
				if !ok(t.cap) {
					continue
				}
				switch {
				case t.labelled && t.reported:
					m.Tools.TruePositives++
				case t.labelled:
					m.Tools.FalseNegatives++
					if t.unreported {
						m.Tools.UnreportedTriples++
					}
				default:
					m.Tools.FalsePositives++
				}
			}
			m.ServerSets.Servers++
			if sameSet(o.labelSet, o.reportedSet, ok) {
				m.ServerSets.Exact++
			}
			if keep == nil {
				m.Tools.LabelledTools += o.labelled
				m.Tools.FoundTools += o.found
				m.Tools.ExtraTools += len(o.extra)
				m.NotNames += len(o.notNames)
			}
		}
	}
	m.Sites.Precision = ratio(m.Sites.TruePositives, m.Sites.TruePositives+m.Sites.FalsePositives)
	m.Sites.Recall = ratio(m.Sites.Matched, m.Sites.Labelled)
	tp, fp, fn := m.Tools.TruePositives, m.Tools.FalsePositives, m.Tools.FalseNegatives
	m.Tools.Precision = ratio(tp, tp+fp)
	m.Tools.Recall = ratio(tp, tp+fn)
	m.Tools.F1 = ratio(2*tp, 2*tp+fp+fn)
	m.ServerSets.Ratio = ratio(m.ServerSets.Exact, m.ServerSets.Servers)
	m.Taint.Ratio = ratio(m.Taint.Agree, m.Taint.Sites)
	return m
}

func sameSet(a, b map[capability.ID]bool, keep func(capability.ID) bool) bool {
	for c := range a {
		if keep(c) && !b[c] {
			return false
		}
	}
	for c := range b {
		if keep(c) && !a[c] {
			return false
		}
	}
	return true
}

func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(n) / float64(d)
	return &r
}

// listOutcomes fills the lists behind the figures from the overall group.
func listOutcomes(rep *Report, ms []member) {
	forms, families := newMissGroups(), newMissGroups()
	for _, mb := range ms {
		o := mb.o
		lang, _ := LanguageOf(o.key.List)
		for _, s := range o.sites {
			ref := SiteRef{Server: o.key, File: s.file, Line: s.line, Capability: string(s.cap)}
			if s.label != nil {
				ref.Note, ref.Taint = s.label.Note, s.label.Taint
			}
			if s.finding != nil {
				t := s.finding.tainted
				ref.API, ref.Tainted, ref.TaintRole, ref.FoundLine = s.finding.api, &t, s.finding.role, s.finding.line
			}
			switch {
			case s.label != nil && s.finding != nil:
				if agree, _ := taintAgrees(s.label.Taint, s.finding); !agree {
					rep.TaintDisagreements = append(rep.TaintDisagreements, ref)
				}
			case s.label != nil:
				rep.Misses = append(rep.Misses, ref)
				f := MissFormOf(s.label.Note)
				forms.add(f, "", o.key.Name, string(s.cap), lang)
				families.add(MissFamilyOf(f), f, o.key.Name, string(s.cap), lang)
			default:
				rep.FalseAlarms = append(rep.FalseAlarms, ref)
			}
		}
		if mb.tools {
			rep.MissingTools = append(rep.MissingTools, o.missing...)
			rep.ExtraTools = append(rep.ExtraTools, o.extra...)
			for _, n := range o.notNames {
				rep.NotNames = append(rep.NotNames, ToolRef{Server: o.key, Tool: n})
			}
		}
	}
	rep.MissForms, rep.MissFamilies = forms.list(), families.list()
	for _, l := range []*[]SiteRef{&rep.Misses, &rep.FalseAlarms, &rep.TaintDisagreements} {
		if *l == nil {
			*l = []SiteRef{}
		}
	}
	for _, l := range []*[]ToolRef{&rep.NotNames, &rep.MissingTools, &rep.ExtraTools} {
		if *l == nil {
			*l = []ToolRef{}
		}
	}
	if rep.Problems == nil {
		rep.Problems = []string{}
	}
}

// missGroups count misses per group key.
type missGroups map[string]*struct {
	sites                           int
	forms, servers, caps, languages map[string]bool
}

func newMissGroups() missGroups { return missGroups{} }

func (g missGroups) add(key, form, server, cap, lang string) {
	e := g[key]
	if e == nil {
		e = &struct {
			sites                           int
			forms, servers, caps, languages map[string]bool
		}{forms: map[string]bool{}, servers: map[string]bool{}, caps: map[string]bool{}, languages: map[string]bool{}}
		g[key] = e
	}
	e.sites++
	if form != "" {
		e.forms[form] = true
	}
	e.servers[server], e.caps[cap], e.languages[lang] = true, true, true
}

// list is the groups, most servers first, then most sites.
func (g missGroups) list() []MissForm {
	out := []MissForm{}
	for k, e := range g {
		mf := MissForm{Form: k, Sites: e.sites, Servers: sortedKeys(e.servers), Capabilities: sortedKeys(e.caps), Languages: sortedKeys(e.languages)}
		if len(e.forms) > 0 {
			mf.Forms = sortedKeys(e.forms)
		}
		out = append(out, mf)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if len(a.Servers) != len(b.Servers) {
			return len(a.Servers) > len(b.Servers)
		}
		if a.Sites != b.Sites {
			return a.Sites > b.Sites
		}
		return a.Form < b.Form
	})
	return out
}

// MissFamilyOf is the object or package a call form is called on: the
// first word of a two-word form ("pygit2 Index.write" → "pygit2"), else
// the form without its last member ("pathlib.Path.exists" →
// "pathlib.Path", "connection.query" → "connection"), else the form.
func MissFamilyOf(form string) string {
	if first, _, ok := strings.Cut(form, " "); ok {
		return first
	}
	if i := strings.LastIndex(form, "."); i > 0 {
		return form[:i]
	}
	return form
}

// MissFormOf is the call form a label note names: its API, without the
// remarks labellers add ("os.Getenv fallback" → "os.Getenv",
// "open(path, 'wb')" → "open", "pygit2 Index.write" and "sympy parse_expr
// (eval)" keep their member).
func MissFormOf(note string) string {
	words := strings.Fields(note)
	if len(words) == 0 {
		return "(no note)"
	}
	form := words[0]
	if i := strings.IndexAny(form, "(["); i > 0 {
		return form[:i]
	}
	// A package or object word followed by its member: "pygit2 Index.write",
	// "dynamicClient Get/Update/Create".
	if !strings.Contains(form, ".") && len(words) > 1 {
		next := words[1]
		if i := strings.IndexAny(next, "(["); i > 0 {
			next = next[:i]
		}
		if r := next[0]; strings.ContainsAny(next, "._") || (r >= 'A' && r <= 'Z') {
			form += " " + next
		}
	}
	return strings.TrimRight(form, ",;:")
}

func capStrings(m map[capability.ID]bool) []string {
	out := []string{}
	for _, c := range sortedKeys(m) {
		out = append(out, string(c))
	}
	return out
}

func sortedKeys[K ~string](m map[K]bool) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// prefixed reports whether file lies under dir ("" for any).
func prefixed(file, dir string) bool {
	return dir == "" || strings.HasPrefix(file, path.Clean(dir)+"/")
}
