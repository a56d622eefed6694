// Package manifest loads, checks, edits and exports the least-privilege
// manifest, mcp-capabilities.yaml (docs/manifest.md).
//
// The package never parses source code: it works on finding.Result values
// the engine produced.
//
//   - Parse reads a manifest with the yaml.v3 Node API, keeping the position
//     of every key and scope, and reports invalid-manifest findings.
//   - Find says which manifest governs a source directory.
//   - Check marks every capability finding with its manifest state and
//     appends unused-grant, hint-mismatch and unknown-tool findings;
//     CheckAll does Find, Parse and Check for every manifest of a result,
//     and Disagreements lists what fails `mcpriv manifest --check`.
//   - Grant gives the narrowest grant that covers one finding.
//   - AddGrant, RemoveGrant, Create and Update produce minimal text edits that
//     keep comments, key order, quoting, flow/block style and line endings.
//   - Export writes the manifest in the formats of other sandboxes.
//
// Scope matching is pure string matching: paths are normalised lexically,
// symlinks are never followed and nothing touches the file system.
package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// FileName is the manifest's file name.
const FileName = "mcp-capabilities.yaml"

// Rule IDs of the findings this package reports.
const (
	RuleUndeclared   = "manifest.undeclared"
	RuleOutOfScope   = "manifest.out-of-scope"
	RuleUnused       = "manifest.unused"
	RuleHintMismatch = "manifest.hint-mismatch"
	RuleInvalid      = "manifest.invalid"
	RuleUnknownTool  = "manifest.unknown-tool"
)

// Rules lists every rule ID above (docs/json-output.md lists them too).
var Rules = []string{RuleUndeclared, RuleOutOfScope, RuleUnused, RuleHintMismatch, RuleInvalid, RuleUnknownTool}

// Manifest is a parsed mcp-capabilities.yaml.
type Manifest struct {
	// Path is the manifest's path as given to Parse; findings in the
	// manifest carry it as their File.
	Path    string
	Version int
	// Server holds the grants for code outside any tool; its Name is "".
	Server Section
	// Tools are the per-tool sections in file order.
	Tools []Section
	// Broken is set when the file could not be read as a manifest at all
	// (YAML syntax error, not a mapping, too large, alias bomb): Check then
	// treats the code as having no manifest and reports no unused grants.
	Broken bool
}

// Section holds the grants of one tool, or of the server.
type Section struct {
	Name string
	// Span is the section's key ("server", the tool name); zero when the
	// section is absent.
	Span    source.Span
	Entries []Entry
}

// Entry is one capability grant: a capability and its scopes.
type Entry struct {
	Capability capability.ID
	Span       source.Span // the capability key
	Scopes     []Scope
	// Invalid is set when the entry had errors; Check ignores it (its
	// invalid-manifest finding is enough).
	Invalid bool
}

// Scope is one scope of a grant.
type Scope struct {
	Value string
	Span  source.Span
}

// Tool returns the grants of the named tool, or nil.
func (m *Manifest) Tool(name string) *Section {
	if m == nil {
		return nil
	}
	for i := range m.Tools {
		if m.Tools[i].Name == name {
			return &m.Tools[i]
		}
	}
	return nil
}

// Section returns the tool's grants, or the server's for "".
func (m *Manifest) Section(tool string) *Section {
	if tool == "" {
		return &m.Server
	}
	return m.Tool(tool)
}

// Lookup returns the grant of capability id in g, or nil.
func (g *Section) Lookup(id capability.ID) *Entry {
	if g == nil {
		return nil
	}
	for i := range g.Entries {
		if g.Entries[i].Capability == id && !g.Entries[i].Invalid {
			return &g.Entries[i]
		}
	}
	return nil
}

// Find returns the path of the manifest governing source directory fileDir:
// the nearest ancestor of fileDir, up to and including root, that holds
// FileName (exists reports whether a path exists), else root's FileName,
// which need not exist. Paths are joined with filepath.
func Find(fileDir, root string, exists func(string) bool) string {
	root = filepath.Clean(root)
	dir := filepath.Clean(fileDir)
	for {
		p := filepath.Join(dir, FileName)
		if exists != nil && exists(p) {
			return p
		}
		if dir == root {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir || !within(dir, root) {
			break // reached the top, or fileDir is not under root
		}
		dir = parent
	}
	return filepath.Join(root, FileName)
}

func within(dir, root string) bool {
	rel, err := filepath.Rel(root, dir)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// parser holds the state of one Parse.
type parser struct {
	path   string
	data   []byte
	lines  *source.Lines
	errs   []finding.Finding
	nodes  int // nodes walked, aliases followed
	budget int // the most nodes to walk: those written plus maxExpansion
	broken bool
	flow   map[*yaml.Node]bool // nodes inside flow collections
}

// Parse reads a manifest. It never panics; problems are returned as
// invalid-manifest findings positioned in the YAML text (UTF-16 columns
// included). The Manifest is never nil: entries with errors are marked
// Invalid and the rest stands, so one typo does not void the whole file.
func Parse(path string, data []byte) (m *Manifest, errs []finding.Finding) {
	p := &parser{path: path, data: data, lines: source.NewLines(data)}
	m = &Manifest{Path: path, Version: 1}
	defer func() {
		if r := recover(); r != nil {
			// yaml.v3 has panicked on hostile input before; a manifest must
			// never take the editor down with it.
			p.errorAt(0, 0, fmt.Sprintf("cannot read the manifest: %v", r))
			m.Broken = true
			errs = p.errs
		}
	}()
	if len(data) > MaxSize {
		p.errorAt(0, 0, fmt.Sprintf("manifest is %d bytes, larger than the %d-byte limit", len(data), MaxSize))
		m.Broken = true
		return m, p.errs
	}
	if err := source.CheckText(data); err != nil {
		p.errorAt(0, 0, "manifest is not a text file")
		m.Broken = true
		return m, p.errs
	}
	if off, what := oddBreak(data); off >= 0 {
		p.add(p.lines.Span(off, off+1), fmt.Sprintf("the manifest has a line break other than \\n or \\r\\n (%s): "+
			"YAML ends a line there but editors and mcpriv's edits may not; use \\n", what))
		m.Broken = true
		return m, p.errs
	}
	doc, ok := p.decode()
	if !ok {
		m.Broken = true
		return m, p.errs
	}
	if doc == nil || doc.Kind == 0 || len(doc.Content) == 0 {
		return m, nil // an empty file grants nothing and is valid
	}
	root := doc.Content[0]
	var aliases, nodes int
	p.flow, aliases, nodes = flowNodes(root)
	p.budget = nodes + maxExpansion
	if aliases > maxAliases {
		// Refused outright: an alias bomb multiplies with every level.
		p.errorNode(root, fmt.Sprintf("the manifest has %d aliases, more than %d: refusing a possible alias bomb", aliases, maxAliases))
		m.Broken = true
		return m, p.errs
	}
	if n, ok := p.resolve(root, 0); !ok {
		m.Broken = true
		return m, p.errs
	} else {
		root = n
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return m, nil
	}
	if root.Kind != yaml.MappingNode {
		p.errorNode(root, "the manifest must be a mapping with version, server and tools")
		m.Broken = true
		return m, p.errs
	}
	p.parseRoot(root, m)
	if p.broken {
		m.Broken = true
	}
	return m, p.errs
}

// resolve follows aliases within the expansion budget.
func (p *parser) resolve(n *yaml.Node, depth int) (*yaml.Node, bool) {
	for hops := 0; n != nil && n.Kind == yaml.AliasNode; hops++ {
		if hops > maxAliases {
			p.errorNode(n, "too many aliases")
			p.broken = true
			return nil, false
		}
		n = n.Alias
	}
	if n == nil {
		return nil, false
	}
	p.nodes++
	if p.nodes > p.budget || depth > maxNodeDepth {
		if !p.broken {
			msg := fmt.Sprintf("the manifest's aliases expand to more than %d nodes: refusing a possible alias bomb", maxExpansion)
			if depth > maxNodeDepth {
				msg = fmt.Sprintf("the manifest nests deeper than %d levels", maxNodeDepth)
			}
			p.errorNode(n, msg)
		}
		p.broken = true
		return nil, false
	}
	return n, true
}

func (p *parser) parseRoot(root *yaml.Node, m *Manifest) {
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if p.dupKey(seen, k) {
			continue
		}
		v, ok := p.resolve(v, 1)
		if !ok {
			return
		}
		switch k.Value {
		case "version":
			if v.Kind != yaml.ScalarNode || v.Value != "1" {
				p.errorNode(v, fmt.Sprintf("unsupported manifest version %q (this mcpriv reads version 1)", v.Value))
			}
		case "server":
			m.Server = Section{Span: p.span(k)}
			p.parseGrants(v, &m.Server, 2)
		case "tools":
			p.parseTools(v, m)
		default:
			msg := fmt.Sprintf("unknown top-level key %q (want version, server or tools)", k.Value)
			if capability.Valid(capability.ID(k.Value)) {
				msg = fmt.Sprintf("capability %s must sit under server: or under a tool in tools:", k.Value)
			}
			p.errorNode(k, msg)
		}
	}
}

func (p *parser) parseTools(v *yaml.Node, m *Manifest) {
	if isNull(v) {
		return
	}
	if v.Kind != yaml.MappingNode {
		p.errorNode(v, "tools must be a mapping from tool name to grants")
		return
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, tv := v.Content[i], v.Content[i+1]
		if p.dupKey(seen, k) {
			continue
		}
		if k.Kind != yaml.ScalarNode || strings.TrimSpace(k.Value) == "" {
			p.errorNode(k, "a tool name must be a non-empty string")
			continue
		}
		tv, ok := p.resolve(tv, 2)
		if !ok {
			return
		}
		m.Tools = append(m.Tools, Section{Name: k.Value, Span: p.span(k)})
		p.parseGrants(tv, &m.Tools[len(m.Tools)-1], 3)
	}
}

func (p *parser) parseGrants(v *yaml.Node, g *Section, depth int) {
	if isNull(v) {
		return
	}
	owner := "server"
	if g.Name != "" {
		owner = "tool " + g.Name
	}
	if v.Kind != yaml.MappingNode {
		p.errorNode(v, fmt.Sprintf("the grants of %s must be a mapping from capability to scopes", owner))
		return
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, sv := v.Content[i], v.Content[i+1]
		if p.dupKey(seen, k) {
			continue
		}
		id := capability.ID(k.Value)
		info, known := capability.Lookup(id)
		if !known {
			msg := fmt.Sprintf("unknown capability %q", k.Value)
			if s := capability.Suggest(k.Value); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			} else {
				msg += " (see docs/capabilities.md for the IDs)"
			}
			p.errorNode(k, msg)
			continue
		}
		gr := Entry{Capability: id, Span: p.span(k)}
		sv, ok := p.resolve(sv, depth+1)
		if !ok {
			return
		}
		var items []*yaml.Node
		switch {
		case isNull(sv):
			p.errorNode(k, fmt.Sprintf("%s has no scopes: list them, or write [\"*\"] for unrestricted", id))
			gr.Invalid = true
		case sv.Kind == yaml.ScalarNode:
			items = []*yaml.Node{sv} // a single scope written without a list
		case sv.Kind == yaml.SequenceNode:
			items = sv.Content
			if len(items) == 0 {
				p.errorNode(sv, fmt.Sprintf("%s has an empty scope list: remove the entry, or write [\"*\"] for unrestricted", id))
				gr.Invalid = true
			}
		default:
			p.errorNode(sv, fmt.Sprintf("the scopes of %s must be a list of strings", id))
			gr.Invalid = true
		}
		for _, it := range items {
			it, ok := p.resolve(it, depth+2)
			if !ok {
				return
			}
			if it.Kind != yaml.ScalarNode || it.Tag == "!!null" || it.Tag == "!!bool" {
				p.errorNode(it, fmt.Sprintf("a scope of %s must be a string", id))
				gr.Invalid = true
				continue
			}
			if err := ValidateScope(info.Scope, it.Value); err != nil {
				p.errorNode(it, fmt.Sprintf("bad %s scope %q: %v", id, it.Value, err))
				gr.Invalid = true
				continue
			}
			gr.Scopes = append(gr.Scopes, Scope{Value: it.Value, Span: p.span(it)})
		}
		g.Entries = append(g.Entries, gr)
	}
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// dupKey reports (and records) a key already seen in the same mapping.
func (p *parser) dupKey(seen map[string]*yaml.Node, k *yaml.Node) bool {
	if first, ok := seen[k.Value]; ok {
		p.errorNode(k, fmt.Sprintf("duplicate key %q (first on line %d)", k.Value, first.Line))
		return true
	}
	seen[k.Value] = k
	return false
}

// offset returns the byte offset of a yaml.v3 mark (1-based line, 1-based
// column counted in characters).
func (p *parser) offset(line, col int) int {
	if line < 1 {
		return 0
	}
	// Neither yaml.v3 nor Lines counts a byte-order mark as a column.
	off := p.lines.LineStart(line - 1)
	end := p.lines.LineEnd(line - 1)
	for c := 1; c < col && off < end; c++ {
		_, n := utf8.DecodeRune(p.data[off:end])
		off += n
	}
	return off
}

// span returns the span of a scalar (its text as written, quotes included)
// or the start of any other node.
func (p *parser) span(n *yaml.Node) source.Span {
	start := p.offset(n.Line, n.Column)
	end := start
	if n.Kind == yaml.ScalarNode {
		end = scalarEnd(p.data, start, p.flow[n])
	} else if start < len(p.data) {
		end = start + 1
	}
	return p.lines.Span(start, end)
}

func (p *parser) errorNode(n *yaml.Node, msg string) {
	sp := p.span(n)
	p.add(sp, msg)
}

func (p *parser) errorAt(line, col int, msg string) {
	off := p.offset(line, col)
	p.add(p.lines.Span(off, min(off+1, len(p.data))), msg)
}

func (p *parser) add(sp source.Span, msg string) {
	p.errs = append(p.errs, finding.Finding{
		Kind: finding.KindInvalidManifest, File: p.path, Span: sp, CallSpan: sp,
		Rule: RuleInvalid, Message: msg, Severity: finding.Error,
	})
}

// yamlError positions a yaml.v3 error ("yaml: line 3: did not find …").
func (p *parser) yamlError(err error) {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, msg := range msgs {
		line := 0
		rest := strings.TrimPrefix(msg, "yaml: ")
		if _, e := fmt.Sscanf(rest, "line %d:", &line); e == nil {
			if i := strings.Index(rest, ":"); i >= 0 {
				rest = strings.TrimSpace(rest[i+1:])
			}
		}
		// yaml.v3 reports some errors with the line after the problem, past
		// the text's end; clamp to the last line.
		if line > p.lines.Count() {
			line = p.lines.Count()
		}
		start := p.lines.LineStart(max(line-1, 0))
		end := p.lines.LineEnd(max(line-1, 0))
		p.add(p.lines.Span(start, end), "YAML syntax error: "+rest)
	}
}

// scalarEnd returns the end of the scalar that starts at off: past the
// closing quote of a quoted scalar, else the end of a plain scalar on its
// line (before a comment, a flow indicator in flow context, or trailing
// space). Block scalars and multi-line plain scalars end on their first line.
func scalarEnd(data []byte, off int, flow bool) int {
	if off >= len(data) {
		return off
	}
	switch data[off] {
	case '"':
		for i := off + 1; i < len(data); i++ {
			switch data[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return len(data)
	case '\'':
		for i := off + 1; i < len(data); i++ {
			if data[i] == '\'' {
				if i+1 < len(data) && data[i+1] == '\'' {
					i++
					continue
				}
				return i + 1
			}
		}
		return len(data)
	}
	end := off
	for i := off; i < len(data); i++ {
		c := data[i]
		if c == '\n' || c == '\r' {
			break
		}
		if c == '#' && i > off && (data[i-1] == ' ' || data[i-1] == '\t') {
			break
		}
		if flow && (c == ',' || c == ']' || c == '}') {
			break
		}
		if c == ':' && (i+1 == len(data) || data[i+1] == ' ' || data[i+1] == '\t' || data[i+1] == '\n' || data[i+1] == '\r' || (flow && (data[i+1] == ',' || data[i+1] == ']' || data[i+1] == '}'))) {
			break // "key: value": the key ends at the colon
		}
		if c != ' ' && c != '\t' {
			end = i + 1
		}
	}
	return end
}

// flowNodes returns the nodes that sit inside a flow collection, where a
// plain scalar ends at ',', ']' or '}', and counts the alias nodes and all
// nodes. Aliases are not followed, so the walk is bounded by the size of
// the text.
func flowNodes(root *yaml.Node) (flow map[*yaml.Node]bool, aliases, nodes int) {
	out := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node, flow bool, depth int)
	walk = func(n *yaml.Node, flow bool, depth int) {
		if n == nil || depth > 10000 {
			return
		}
		nodes++
		if flow {
			out[n] = true
		}
		if n.Kind == yaml.AliasNode {
			aliases++
		}
		inner := flow || (n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode) && n.Style&yaml.FlowStyle != 0
		for _, c := range n.Content {
			walk(c, inner, depth+1)
		}
	}
	walk(root, false, 0)
	return out, aliases, nodes
}

// decode reads the one YAML document of the manifest. A second document is
// an error: yaml.Unmarshal would silently ignore it, and with it whatever
// it grants or revokes. Errors are reported as findings.
func (p *parser) decode() (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(p.data))
	var doc, next yaml.Node
	if err := dec.Decode(&doc); err == io.EOF {
		return nil, true
	} else if err != nil {
		p.yamlError(err)
		return nil, false
	}
	switch err := dec.Decode(&next); {
	case err == io.EOF:
		return &doc, true
	case err != nil:
		p.yamlError(err)
	default:
		n := &next
		if len(next.Content) > 0 {
			n = next.Content[0]
		}
		p.errorNode(n, "a second YAML document (after ---): a manifest is one document, and mcpriv would not read this one; merge it into the first")
	}
	return nil, false
}

// oddBreak returns the offset of the first line break of data that is not
// "\n" or "\r\n" — a lone "\r", NEL (U+0085), U+2028 or U+2029, all line
// breaks to yaml.v3 — and its name, or -1. Editors disagree about them:
// text an editor shows inside a comment would be a grant to YAML, and the
// edits mcpriv writes (by lines ending in "\n") would break the document.
func oddBreak(data []byte) (int, string) {
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case c == '\r' && (i+1 == len(data) || data[i+1] != '\n'):
			return i, "a carriage return alone"
		case c == 0xc2 && i+1 < len(data) && data[i+1] == 0x85:
			return i, "NEL, U+0085"
		case c == 0xe2 && i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xa8 || data[i+2] == 0xa9):
			return i, fmt.Sprintf("U+%04X", 0x2028+int(data[i+2]-0xa8))
		}
	}
	return -1, ""
}
