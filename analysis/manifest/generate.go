package manifest

import (
	"bytes"
	"errors"
	"sort"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// header starts every generated manifest.
const header = `# Least-privilege manifest of this MCP server: what each tool may do
# (docs: https://github.com/mcpriv/mcpriv/blob/main/docs/manifest.md).
# Written by "mcpriv manifest" from the code. Edit freely: updates keep
# your entries and comments, and "mcpriv manifest --check" fails in CI
# when the code needs more than is granted here.
`

// grantSet maps a capability to its scopes.
type grantSet map[capability.ID][]string

// model is the least-privilege manifest the code needs.
type model struct {
	server grantSet
	tools  map[string]grantSet
	// wide marks grants with a "*" that only stands for a non-literal argument.
	wide map[string]map[capability.ID]bool
}

func newModel() *model {
	return &model{server: grantSet{}, tools: map[string]grantSet{}, wide: map[string]map[capability.ID]bool{}}
}

func (md *model) set(tool string) grantSet {
	if tool == "" {
		return md.server
	}
	g := md.tools[tool]
	if g == nil {
		g = grantSet{}
		md.tools[tool] = g
	}
	return g
}

func (md *model) add(tool string, id capability.ID, scope string, exact bool) {
	g := md.set(tool)
	g[id] = appendUnique(g[id], scope)
	if scope == "*" && !exact {
		if md.wide[tool] == nil {
			md.wide[tool] = map[capability.ID]bool{}
		}
		md.wide[tool][id] = true
	}
}

// modelOf derives the manifest res needs: every capability finding's
// narrowest grant for each tool that reaches it, and for the server when
// start-up code does (or nothing else). Tools that need nothing are listed
// with no grants, so the manifest names every tool.
func modelOf(res *finding.Result) *model {
	md := newModel()
	if res == nil {
		return md
	}
	// A tool whose name is unresolved has no key to be written under: what
	// it needs is granted to server, which covers every tool (Generate says so).
	var unresolved map[string]bool
	for _, t := range res.Tools {
		switch {
		case t.NameUnresolved:
			if unresolved == nil {
				unresolved = map[string]bool{}
			}
			unresolved[t.Name] = true
		case t.Name != "":
			md.set(t.Name)
		}
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Kind != finding.KindCapability || !capability.Valid(f.Capability) {
			continue
		}
		for _, p := range principals(f) {
			gs := Grants(f, p)
			if unresolved[p] {
				p = ""
			}
			for _, g := range gs {
				md.add(p, g.ID, g.Scope, g.Exact)
			}
		}
	}
	for _, g := range append([]grantSet{md.server}, values(md.tools)...) {
		for id, scopes := range g {
			g[id] = minimise(id, scopes)
		}
	}
	return md
}

func values(m map[string]grantSet) []grantSet {
	out := make([]grantSet, 0, len(m))
	for _, g := range m {
		out = append(out, g)
	}
	return out
}

// minimise drops scopes that another scope of the list already covers and
// sorts the rest; "*" swallows everything.
func minimise(id capability.ID, scopes []string) []string {
	info, _ := capability.Lookup(id)
	for _, s := range scopes {
		if s == "*" {
			return []string{"*"}
		}
	}
	sort.Strings(scopes)
	var out []string
	for i, s := range scopes {
		covered := false
		for j, t := range scopes {
			if i == j || !Match(info.Scope, t, s) {
				continue
			}
			// t covers s: drop s unless s covers t as well and comes first.
			if !Match(info.Scope, s, t) || j < i {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, s)
		}
	}
	return out
}

// entries renders a grant set in taxonomy order.
func (g grantSet) entries(wide map[capability.ID]bool) []entry {
	out := []entry{}
	for _, info := range capability.All() {
		if scopes, ok := g[info.ID]; ok {
			e := entry{key: string(info.ID), scopes: scopes}
			if wide[info.ID] {
				e.comment = "an argument is not a literal: narrow this by hand"
			}
			out = append(out, e)
		}
	}
	return out
}

// createText renders md as a whole manifest.
func createText(md *model, nl string, withHeader bool) []byte {
	d := &doc{nl: nl, unit: 2}
	var b bytes.Buffer
	if withHeader {
		b.WriteString(string(bytes.ReplaceAll([]byte(header), []byte("\n"), []byte(nl))))
	}
	b.WriteString("version: 1" + nl)
	b.WriteString(d.blockText(entry{key: "server", children: md.server.entries(md.wide[""])}, 0) + nl)
	names := make([]string, 0, len(md.tools))
	for n := range md.tools {
		names = append(names, n)
	}
	sort.Strings(names)
	tools := entry{key: "tools", children: []entry{}}
	for _, n := range names {
		tools.children = append(tools.children, entry{key: n, children: md.tools[n].entries(md.wide[n])})
	}
	b.WriteString(d.blockText(tools, 0) + nl)
	return b.Bytes()
}

// Create returns a new least-privilege manifest for res, with a header
// comment. Grants are as narrow as the literals allow; a "*" that stands
// for a non-literal argument carries a comment saying so.
//
// The text is read back before it is returned: a manifest its own reader
// would refuse (over MaxSize, a tool name YAML reads otherwise) is an error.
func Create(res *finding.Result) ([]byte, error) {
	md := modelOf(res)
	text := createText(md, "\n", true)
	want := meaning{tools: map[string]int{}, grants: map[grantKey]int{}}
	for _, tool := range append([]string{""}, sortedKeys(md.tools)...) {
		if tool != "" {
			want.tools[tool] = 1
		}
		for id, scopes := range md.set(tool) {
			for _, s := range scopes {
				want.grants[grantKey{tool, id, s}]++
			}
		}
	}
	if err := checkWritten(text, want); err != nil {
		return nil, err
	}
	return text, nil
}

// Update returns the edits that add to an existing manifest what the code
// needs and it does not grant (a missing capability, or a literal scope
// outside the grants), keeping everything else: hand-written grants,
// comments, order and style. Unused grants are not removed (a prune is
// RemoveGrant per manifest.unused finding). A missing or empty manifest
// gets the whole of Create.
func Update(data []byte, res *finding.Result) ([]Edit, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		text, err := Create(res)
		if err != nil {
			return nil, err
		}
		return []Edit{{0, len(data), string(text)}}, nil
	}
	m, errs := Parse("", data)
	if m.Broken {
		msg := "the manifest cannot be read"
		if len(errs) > 0 {
			msg += ": " + errs[0].Message
		}
		return nil, errors.New(msg)
	}
	cur := data
	need := modelOf(res)
	tools := append([]string{""}, sortedKeys(need.tools)...)
	for _, tool := range tools {
		g := need.set(tool)
		for _, e := range g.entries(nil) {
			id := capability.ID(e.key)
			info, _ := capability.Lookup(id)
			for _, s := range e.scopes {
				if covered(m, tool, info.Scope, id, s) {
					continue
				}
				edits, err := AddGrant(cur, tool, id, s)
				if err != nil {
					return nil, err
				}
				cur = Apply(cur, edits)
				m, _ = Parse("", cur)
			}
		}
	}
	return Diff(data, cur), nil
}

// covered reports whether m already grants scope s of id to tool, through
// the tool's own grant or the server's.
func covered(m *Manifest, tool string, kind capability.ScopeKind, id capability.ID, s string) bool {
	for _, sec := range []*Section{m.Tool(tool), &m.Server} {
		if tool == "" && sec != &m.Server {
			continue
		}
		if g := sec.Lookup(id); g != nil {
			if s == "*" {
				// A non-literal argument: any grant covers it, as in Check,
				// so a grant the user narrowed by hand stays narrow.
				return true
			}
			for _, sc := range g.Scopes {
				if Match(kind, sc.Value, s) || sc.Value == s {
					return true
				}
			}
		}
	}
	return false
}

func sortedKeys(m map[string]grantSet) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Diff returns line-granular edits that turn old into new, touching only
// the lines that differ.
func Diff(old, new []byte) []Edit {
	a, b := SplitLines(old), SplitLines(new)
	// Trim the common head and tail; the middle is what an update changed.
	pre := 0
	for pre < len(a) && pre < len(b) && bytes.Equal(a[pre], b[pre]) {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && bytes.Equal(a[len(a)-1-suf], b[len(b)-1-suf]) {
		suf++
	}
	am, bm := a[pre:len(a)-suf], b[pre:len(b)-suf]
	base := 0
	for _, l := range a[:pre] {
		base += len(l)
	}
	if len(am)*len(bm) > 4_000_000 {
		return []Edit{{base, base + total(am), string(bytes.Join(bm, nil))}}
	}
	// Longest common subsequence of the middle lines.
	n, m := len(am), len(bm)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if bytes.Equal(am[i], bm[j]) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var edits []Edit
	off := base
	var cur *Edit
	flush := func() {
		if cur != nil {
			edits = append(edits, *cur)
			cur = nil
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && bytes.Equal(am[i], bm[j]):
			flush()
			off += len(am[i])
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			if cur == nil {
				cur = &Edit{Start: off, End: off}
			}
			cur.NewText += string(bm[j])
			j++
		default:
			if cur == nil {
				cur = &Edit{Start: off, End: off}
			}
			off += len(am[i])
			cur.End = off
			i++
		}
	}
	flush()
	return edits
}

func total(ls [][]byte) int {
	n := 0
	for _, l := range ls {
		n += len(l)
	}
	return n
}

// SplitLines splits after each "\n", keeping the line endings (no empty
// last element for text that ends with a newline).
func SplitLines(b []byte) [][]byte {
	out := bytes.SplitAfter(b, []byte("\n"))
	if len(out) > 0 && len(out[len(out)-1]) == 0 {
		out = out[:len(out)-1]
	}
	return out
}
