package measure

import (
	"encoding/json"
	"sort"

	"github.com/mcpriv/mcpriv/analysis/capability"
)

// Paper is the measurement this one reproduces (arXiv 2507.06250): servers
// of 2,562 using each class of sensitive API.
var Paper = struct {
	Servers int
	Classes map[capability.Class]int
}{2562, map[capability.Class]int{capability.Network: 1438, capability.System: 1237, capability.File: 613, capability.Memory: 25}}

// Summary aggregates the records of a run. It depends only on the set of
// records (never on their order or on timing), so shards merged give the
// same bytes as one run.
type Summary struct {
	Servers     int            `json:"servers"`     // records
	Analysed    int            `json:"analysed"`    // with at least one analysed file
	NotAnalysed map[string]int `json:"notAnalysed"` // reason → servers
	Files       int            `json:"files"`
	Bytes       int64          `json:"bytes"`
	// Partial: analysed servers with code not analysed (files skipped, code
	// or taint cut at the engine's bounds): their counts may miss calls.
	Partial        int `json:"partial"`
	PartialTooDeep int `json:"partialTooDeep"` // of Partial, with a mcpriv.too-deep cut
	WithTools      int `json:"serversWithTools"`
	Tools          int `json:"tools"`

	// Classes and Capabilities count analysed servers using each; share is
	// of Analysed. Paper* are the paper's counts and shares of its 2,562.
	Classes      []Count `json:"classes"`
	Capabilities []Count `json:"capabilities"`
	// ToolClasses and ToolCapabilities count tools (of Tools) using each.
	ToolClasses      []Count `json:"toolClasses"`
	ToolCapabilities []Count `json:"toolCapabilities"`
	// CapsPerTool[n] is the number of tools using n capabilities.
	CapsPerTool []int `json:"capabilitiesPerTool"`
	// Taint: tools whose model input reaches a target of each kind, and any.
	TaintedTools []Count `json:"taintedTools"`
	// CoOccurrence[a][b] is the number of servers using both classes.
	ClassOrder   []capability.Class `json:"classOrder"`
	CoOccurrence [][]int            `json:"classCoOccurrence"`
	BySDK        []Group            `json:"bySDK"`
	ByLanguage   []Group            `json:"byLanguage"`
	ByClassCount []int              `json:"serversByClassCount"` // [n] servers using n classes
	Manifest     ManifestTotals     `json:"manifest"`
	Mismatches   MismatchTotals     `json:"annotationMismatches"`
	Failures     []Failure          `json:"failures"`
}

// Count is how many (servers or tools) use something.
type Count struct {
	Name       string  `json:"name"`
	Count      int     `json:"count"`
	Share      float64 `json:"share"`
	PaperCount int     `json:"paperCount,omitempty"`
	PaperShare float64 `json:"paperShare,omitempty"`
}

// Group is a breakdown row: servers of one SDK or language.
type Group struct {
	Name    string  `json:"name"`
	Servers int     `json:"servers"`
	Tools   int     `json:"tools"`
	Classes []Count `json:"classes"`
}

// ManifestTotals sum the generated manifests.
type ManifestTotals struct {
	Servers       int     `json:"servers"` // with at least one grant
	Grants        int     `json:"grants"`
	Wildcard      int     `json:"wildcard"` // grants holding "*", alone or beside literal scopes
	WildcardShare float64 `json:"wildcardShare"`
	// The grants holding "*", split (ManifestStats): only "*" for a scoped
	// capability, literal scopes beside "*", capabilities without scopes.
	WildcardOnly       int     `json:"wildcardOnly"`
	WildcardOnlyShare  float64 `json:"wildcardOnlyShare"`
	LiteralAndWildcard int     `json:"literalAndWildcard"`
	Unscoped           int     `json:"unscoped"`
}

// MismatchTotals count annotation mismatches.
type MismatchTotals struct {
	Servers    int `json:"servers"`
	Tools      int `json:"tools"`
	Mismatches int `json:"mismatches"`
}

// Failure is a server that was not analysed.
type Failure struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
	Detail string `json:"detail"`
}

var classOrder = []capability.Class{capability.Network, capability.System, capability.File, capability.Memory}

// Targets are the taint target kinds the summary counts, in report order.
var Targets = []string{"program", "path", "url"}

// Summarize aggregates records.
func Summarize(servers []Server) *Summary {
	sorted := append([]Server(nil), servers...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	s := &Summary{NotAnalysed: map[string]int{}, ClassOrder: classOrder, Failures: []Failure{}}
	classN := map[capability.Class]int{}
	capN := map[capability.ID]int{}
	toolClassN := map[capability.Class]int{}
	toolCapN := map[capability.ID]int{}
	taintN := map[string]int{}
	anyTaint := 0
	s.CapsPerTool = make([]int, len(capability.All())+1)
	s.ByClassCount = make([]int, len(classOrder)+1)
	co := make([][]int, len(classOrder))
	for i := range co {
		co[i] = make([]int, len(classOrder))
	}
	type acc struct {
		servers, tools int
		classes        map[capability.Class]int
	}
	bySDK, byLang := map[string]*acc{}, map[string]*acc{}
	add := func(m map[string]*acc, key string, sv *Server) {
		a := m[key]
		if a == nil {
			a = &acc{classes: map[capability.Class]int{}}
			m[key] = a
		}
		a.servers++
		a.tools += len(sv.Tools)
		for _, c := range sv.Classes {
			a.classes[c]++
		}
	}
	for i := range sorted {
		sv := &sorted[i]
		s.Servers++
		if sv.Status != StatusAnalysed {
			s.NotAnalysed[sv.Reason]++
			s.Failures = append(s.Failures, Failure{ID: sv.ID, Reason: sv.Reason, Detail: sv.Detail})
			continue
		}
		s.Analysed++
		s.Files += sv.Files
		s.Bytes += sv.Bytes
		if sv.Partial {
			s.Partial++
			if sv.Unanalysed.TooDeep > 0 {
				s.PartialTooDeep++
			}
		}
		if len(sv.Tools) > 0 {
			s.WithTools++
		}
		s.Tools += len(sv.Tools)
		for _, c := range sv.Classes {
			classN[c]++
		}
		s.ByClassCount[min(len(sv.Classes), len(classOrder))]++
		for a, ca := range classOrder {
			for b, cb := range classOrder {
				if containsClass(sv.Classes, ca) && containsClass(sv.Classes, cb) {
					co[a][b]++
				}
			}
		}
		for _, id := range sv.Capabilities {
			capN[id]++
		}
		for _, t := range sv.Tools {
			s.CapsPerTool[min(len(t.Capabilities), len(s.CapsPerTool)-1)]++
			cls := map[capability.Class]bool{}
			for _, id := range t.Capabilities {
				toolCapN[id]++
				cls[id.Class()] = true
			}
			for c := range cls {
				toolClassN[c]++
			}
			kinds := map[string]bool{}
			for _, tt := range t.Tainted {
				if !tt.Uncounted {
					kinds[tt.Target] = true
				}
			}
			for k := range kinds {
				taintN[k]++
			}
			if len(kinds) > 0 {
				anyTaint++
			}
		}
		sdks := sv.SDKs
		if len(sdks) == 0 {
			sdks = []string{"(no tool found)"}
		}
		for _, k := range sdks {
			add(bySDK, k, sv)
		}
		for _, k := range sv.Languages {
			add(byLang, k, sv)
		}
		if sv.Manifest.Grants > 0 {
			s.Manifest.Servers++
		}
		s.Manifest.Grants += sv.Manifest.Grants
		s.Manifest.Wildcard += sv.Manifest.Wildcard
		s.Manifest.WildcardOnly += sv.Manifest.WildcardOnly
		s.Manifest.LiteralAndWildcard += sv.Manifest.LiteralAndWildcard
		s.Manifest.Unscoped += sv.Manifest.Unscoped
		if len(sv.Mismatches) > 0 {
			s.Mismatches.Servers++
			tools := map[string]bool{}
			for _, m := range sv.Mismatches {
				tools[m.Tool] = true
			}
			s.Mismatches.Tools += len(tools)
			s.Mismatches.Mismatches += len(sv.Mismatches)
		}
	}
	s.Manifest.WildcardShare = share(s.Manifest.Wildcard, s.Manifest.Grants)
	s.Manifest.WildcardOnlyShare = share(s.Manifest.WildcardOnly, s.Manifest.Grants-s.Manifest.Unscoped)
	s.CoOccurrence = co
	for _, c := range classOrder {
		s.Classes = append(s.Classes, Count{Name: string(c), Count: classN[c], Share: share(classN[c], s.Analysed),
			PaperCount: Paper.Classes[c], PaperShare: share(Paper.Classes[c], Paper.Servers)})
		s.ToolClasses = append(s.ToolClasses, Count{Name: string(c), Count: toolClassN[c], Share: share(toolClassN[c], s.Tools)})
	}
	for _, info := range capability.All() {
		s.Capabilities = append(s.Capabilities, Count{Name: string(info.ID), Count: capN[info.ID], Share: share(capN[info.ID], s.Analysed)})
		s.ToolCapabilities = append(s.ToolCapabilities, Count{Name: string(info.ID), Count: toolCapN[info.ID], Share: share(toolCapN[info.ID], s.Tools)})
	}
	for _, k := range Targets {
		s.TaintedTools = append(s.TaintedTools, Count{Name: k, Count: taintN[k], Share: share(taintN[k], s.Tools)})
	}
	s.TaintedTools = append(s.TaintedTools, Count{Name: "any", Count: anyTaint, Share: share(anyTaint, s.Tools)})
	s.BySDK = groups(bySDK, func(a *acc) (int, int, map[capability.Class]int) { return a.servers, a.tools, a.classes })
	s.ByLanguage = groups(byLang, func(a *acc) (int, int, map[capability.Class]int) { return a.servers, a.tools, a.classes })
	return s
}

func groups[T any](m map[string]*T, get func(*T) (int, int, map[capability.Class]int)) []Group {
	out := []Group{}
	for k, a := range m {
		n, tools, cls := get(a)
		g := Group{Name: k, Servers: n, Tools: tools}
		for _, c := range classOrder {
			g.Classes = append(g.Classes, Count{Name: string(c), Count: cls[c], Share: share(cls[c], n)})
		}
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Servers != out[j].Servers {
			return out[i].Servers > out[j].Servers
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// share is n/of rounded to four decimals (stable across platforms in JSON).
func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(int64(float64(n)*10000/float64(of)+0.5)) / 10000
}

// MarshalSummary is the summary.json text.
func MarshalSummary(s *Summary) []byte {
	data, _ := json.MarshalIndent(s, "", "  ")
	return append(data, '\n')
}
