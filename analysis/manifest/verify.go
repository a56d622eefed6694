package manifest

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
)

// Every writer re-reads its output with Parse before handing it out: a text
// the reader refuses (too large, too many nodes, a YAML error) or reads as
// something else than intended (a tool name YAML reads differently, a scope
// that changed) is an error, never a manifest written with exit 0.

// grantKey is one scope granted to a section ("" is the server).
type grantKey struct {
	tool  string
	id    capability.ID
	scope string
}

// meaning is what a manifest says, as Parse reads it.
type meaning struct {
	tools  map[string]int
	grants map[grantKey]int
	errs   int
	broken string // why the reader refuses the text; "" when it reads it
}

func meaningOf(data []byte) meaning {
	m, errs := Parse("", data)
	out := meaning{tools: map[string]int{}, grants: map[grantKey]int{}, errs: len(errs)}
	if m.Broken {
		out.broken = "the reader refuses it"
		if len(errs) > 0 {
			out.broken = errs[0].Message
		}
	}
	for _, sec := range append([]Section{m.Server}, m.Tools...) {
		if sec.Name != "" {
			out.tools[sec.Name]++
		}
		for _, e := range sec.Entries {
			for _, s := range e.Scopes {
				out.grants[grantKey{sec.Name, e.Capability, s.Value}]++
			}
		}
	}
	return out
}

func (m meaning) clone() meaning {
	out := meaning{tools: map[string]int{}, grants: map[grantKey]int{}, errs: m.errs}
	for k, v := range m.tools {
		out.tools[k] = v
	}
	for k, v := range m.grants {
		out.grants[k] = v
	}
	return out
}

// checkWritten refuses text, the output of a writer, unless the reader
// accepts it with at most want.errs errors and reads exactly want's tools
// and grants.
func checkWritten(text []byte, want meaning) error {
	got := meaningOf(text)
	if got.broken != "" {
		return fmt.Errorf("refusing to write a manifest mcpriv could not read back: %s", got.broken)
	}
	if got.errs > want.errs {
		return fmt.Errorf("refusing to write a manifest with new errors (%d, was %d)", got.errs, want.errs)
	}
	if d := diffCounts(want.tools, got.tools); d != "" {
		return fmt.Errorf("refusing to write a manifest that reads back with other tools: %s", d)
	}
	if d := diffCounts(want.grants, got.grants); d != "" {
		return fmt.Errorf("refusing to write a manifest that reads back with other grants: %s", d)
	}
	return nil
}

func diffCounts[K comparable](want, got map[K]int) string {
	var out []string
	for k, n := range want {
		if got[k] != n {
			out = append(out, fmt.Sprintf("%v (%d, want %d)", k, got[k], n))
		}
	}
	for k, n := range got {
		if _, ok := want[k]; !ok {
			out = append(out, fmt.Sprintf("%v (%d, want 0)", k, n))
		}
	}
	sort.Strings(out)
	if len(out) > 3 {
		out = append(out[:3], "…")
	}
	return strings.Join(out, ", ")
}
