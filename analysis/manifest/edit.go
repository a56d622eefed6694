package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/display"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// Edit replaces the bytes [Start, End) of the old text with NewText.
type Edit struct {
	Start, End int
	NewText    string
}

// Apply applies non-overlapping edits (in any order) to data. Edits that
// overlap an earlier one, or fall outside data, are dropped.
func Apply(data []byte, edits []Edit) []byte {
	es := append([]Edit(nil), edits...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].Start < es[j].Start })
	var out bytes.Buffer
	out.Grow(len(data))
	last := 0
	for _, e := range es {
		if e.Start < last || e.End < e.Start || e.End > len(data) {
			continue
		}
		out.Write(data[last:e.Start])
		out.WriteString(e.NewText)
		last = e.End
	}
	out.Write(data[last:])
	return out.Bytes()
}

// doc is a manifest text prepared for editing.
type doc struct {
	data  []byte
	p     *parser
	root  *yaml.Node // the root mapping; nil for an empty document
	nl    string     // line ending: "\n" or "\r\n", as the file uses
	unit  int        // indentation step of nested mappings
	block bool       // scopes are written as block lists ("- x")
	dash  int        // block lists: column of "-" relative to their key
	quote yaml.Style // quoting of existing scopes (0: plain where possible)
}

// load prepares data for editing. What the reader (Parse) refuses as a
// whole — too large, not YAML, two documents, odd line breaks, an alias
// bomb — is not edited either.
func load(data []byte) (*doc, error) {
	if m, errs := Parse("", data); m.Broken {
		msg := "the manifest cannot be read"
		if len(errs) > 0 {
			msg = errs[0].Message
		}
		return nil, fmt.Errorf("the manifest must be fixed first: %s", msg)
	}
	d := &doc{data: data, p: &parser{data: data, lines: source.NewLines(data)}, nl: "\n", unit: 2}
	if bytes.Contains(data, []byte("\r\n")) {
		d.nl = "\r\n"
	}
	n, _ := d.p.decode()
	if n == nil || len(n.Content) == 0 || isNull(n.Content[0]) {
		return d, nil
	}
	if n.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the manifest is not a mapping")
	}
	d.root = n.Content[0]
	d.p.flow, _, _ = flowNodes(d.root)
	d.learnStyle()
	return d, nil
}

// learnStyle picks up the file's indentation, list style and quoting so
// inserted text looks like the rest.
func (d *doc) learnStyle() {
	unitSet, listSet, quoteSet := false, false, false
	var walk func(k, v *yaml.Node, depth int)
	walk = func(k, v *yaml.Node, depth int) {
		if depth > 4 || v == nil {
			return
		}
		switch v.Kind {
		case yaml.MappingNode:
			if !unitSet && k != nil && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Content[0].Line > k.Line {
				if u := v.Content[0].Column - k.Column; u > 0 {
					d.unit, unitSet = u, true
				}
			}
			for i := 0; i+1 < len(v.Content); i += 2 {
				walk(v.Content[i], v.Content[i+1], depth+1)
			}
		case yaml.SequenceNode:
			if !listSet && len(v.Content) > 0 && k != nil {
				d.block, listSet = v.Style&yaml.FlowStyle == 0, true
				if d.block {
					d.dash = max(d.dashCol(v.Content[0])-(k.Column-1), 0)
				}
			}
			for _, it := range v.Content {
				if !quoteSet && it.Kind == yaml.ScalarNode && depth >= 2 {
					d.quote, quoteSet = it.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle), true
				}
			}
		}
	}
	walk(nil, d.root, 0)
}

// dashCol is the 0-based column of the "-" introducing a block list item.
func (d *doc) dashCol(item *yaml.Node) int {
	off := d.start(item)
	ls := d.p.lines.LineStart(item.Line - 1)
	for i := off - 1; i >= ls; i-- {
		if d.data[i] == '-' {
			return d.p.lines.Pos(i).Col
		}
	}
	return item.Column - 3
}

func (d *doc) start(n *yaml.Node) int { return d.p.offset(n.Line, n.Column) }

// end returns the offset just past the text of n.
func (d *doc) end(n *yaml.Node) int {
	switch n.Kind {
	case yaml.ScalarNode, yaml.AliasNode:
		s := d.start(n)
		if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			return d.blockScalarEnd(n)
		}
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "" {
			return s // nothing written
		}
		return scalarEnd(d.data, s, d.p.flow[n])
	case yaml.SequenceNode, yaml.MappingNode:
		if n.Style&yaml.FlowStyle != 0 {
			return flowClose(d.data, d.start(n))
		}
		if len(n.Content) == 0 {
			return d.start(n)
		}
		last := n.Content[len(n.Content)-1]
		if e := d.end(last); n.Kind == yaml.MappingNode && isNull(last) && last.Value == "" {
			return max(e, d.keyEnd(n.Content[len(n.Content)-2]))
		} else {
			return e
		}
	}
	return d.start(n)
}

// keyEnd is the offset past the ':' after key k.
func (d *doc) keyEnd(k *yaml.Node) int {
	e := scalarEnd(d.data, d.start(k), d.p.flow[k])
	for e < len(d.data) && (d.data[e] == ' ' || d.data[e] == '\t') {
		e++
	}
	if e < len(d.data) && d.data[e] == ':' {
		e++
	}
	return e
}

// blockScalarEnd: a | or > scalar runs while lines are blank or indented
// deeper than the line that introduced it.
func (d *doc) blockScalarEnd(n *yaml.Node) int {
	l := d.p.lines
	line := n.Line - 1
	base := indentOf(l.LineText(line))
	end := l.LineEnd(line)
	for i := line + 1; i < l.Count(); i++ {
		t := l.LineText(i)
		if len(bytes.TrimSpace(t)) == 0 {
			continue
		}
		if indentOf(t) <= base {
			break
		}
		end = l.LineEnd(i)
	}
	return end
}

func indentOf(b []byte) int {
	n := 0
	for n < len(b) && (b[n] == ' ' || b[n] == '\t') {
		n++
	}
	return n
}

// flowClose returns the offset past the bracket closing the flow collection
// opened at off, skipping quoted text and comments.
func flowClose(data []byte, off int) int {
	depth := 0
	for i := off; i < len(data); i++ {
		switch c := data[i]; c {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"', '\'':
			i = scalarEnd(data, i, true) - 1
		case '#':
			if i == 0 || data[i-1] == ' ' || data[i-1] == '\t' || data[i-1] == '\n' {
				for i < len(data) && data[i] != '\n' {
					i++
				}
			}
		}
	}
	return len(data)
}

// afterLine returns the offset of the start of the line after the one
// holding offset off-1 (the end of a node), and whether a line ending must
// be written first because the text ends there without one.
func (d *doc) afterLine(off int) (int, bool) {
	if off > 0 {
		off--
	}
	i := bytes.IndexByte(d.data[off:], '\n')
	if i < 0 {
		return len(d.data), len(d.data) > 0
	}
	return off + i + 1, false
}

func lookup(m *yaml.Node, key string) (k, v *yaml.Node, idx int) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil, -1
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1], i / 2
		}
	}
	return nil, nil, -1
}

// entry is text to insert: a key with either scopes (a grant) or children.
type entry struct {
	key      string
	scopes   []string
	children []entry
	comment  string // line comment after a grant
	// notes are line comments after single scopes, by scope: an entry
	// with any is written as a block list, one scope a line.
	notes map[string]string
}

func (d *doc) quoteScalar(s string, flow bool) string {
	switch d.quote {
	case yaml.SingleQuotedStyle:
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	case yaml.DoubleQuotedStyle:
		return strconv.Quote(s)
	}
	return plainOrQuoted(s, flow)
}

// plainOrQuoted writes s plain when YAML reads it back as the same string,
// else double-quoted.
func plainOrQuoted(s string, flow bool) string {
	// ':' is quoted too: "127.0.0.1:3000" is a plain string to YAML 1.2 but
	// not to every YAML reader that may open the file.
	if s != "" && !strings.ContainsAny(s, "\"'\\\n\r\t#:") {
		src := "k:\n  - " + s
		if flow {
			src = "k: [" + s + "]"
		}
		var n yaml.Node
		if yaml.Unmarshal([]byte(src), &n) == nil && len(n.Content) == 1 && len(n.Content[0].Content) == 2 {
			seq := n.Content[0].Content[1]
			if len(seq.Content) == 1 && seq.Content[0].Kind == yaml.ScalarNode && seq.Content[0].Tag == "!!str" && seq.Content[0].Value == s {
				return s
			}
		}
	}
	return strconv.Quote(s)
}

// quoteKey writes a mapping key plain when that reads back the same, in a
// block mapping and in a flow one ("?" and ":" read differently there).
func quoteKey(s string) string {
	if s != "" && !strings.ContainsAny(s, "\"'\\\n\r\t#{}[],?:") && utf8.ValidString(s) &&
		readsAsKey(s+": 1", s, false) && readsAsKey("{"+s+": 1}", s, true) {
		return s
	}
	return strconv.Quote(s)
}

func readsAsKey(src, s string, flow bool) bool {
	var n yaml.Node
	if yaml.Unmarshal([]byte(src), &n) != nil || len(n.Content) != 1 {
		return false
	}
	m := n.Content[0]
	return m.Kind == yaml.MappingNode && (m.Style&yaml.FlowStyle != 0) == flow && len(m.Content) == 2 &&
		m.Content[0].Kind == yaml.ScalarNode && m.Content[0].Tag == "!!str" && m.Content[0].Value == s
}

func (d *doc) flowList(scopes []string) string {
	q := make([]string, len(scopes))
	for i, s := range scopes {
		q[i] = d.quoteScalar(s, true)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// block renders e in block style with its key at column col; the first line
// carries no indentation, later lines do, lines are joined with d.nl.
func (d *doc) blockText(e entry, col int) string {
	var b strings.Builder
	b.WriteString(quoteKey(e.key) + ":")
	switch {
	case e.children != nil:
		if len(e.children) == 0 {
			b.WriteString(" {}")
		}
		for _, c := range e.children {
			b.WriteString(d.nl + strings.Repeat(" ", col+d.unit) + d.blockText(c, col+d.unit))
		}
	case d.block || len(e.notes) > 0:
		dash := d.dash
		if !d.block {
			dash = d.unit // a flow-styled file: indent the one block list it gets
		}
		for i, s := range e.scopes {
			b.WriteString(d.nl + strings.Repeat(" ", col+dash) + "- " + d.quoteScalar(s, false))
			switch {
			case e.notes[s] != "":
				b.WriteString("  # " + commentText(e.notes[s]))
			case i == 0 && e.comment != "":
				b.WriteString("  # " + commentText(e.comment))
			}
		}
	default:
		b.WriteString(" " + d.flowList(e.scopes))
		if e.comment != "" {
			b.WriteString("  # " + commentText(e.comment))
		}
	}
	return b.String()
}

// commentText is a line comment's text as written: the calls, files and
// environment variables it names are chosen by the analysed code, and a
// line break or control character in one would end the comment (YAML
// reads on: the manifest is refused) or forge what a reviewer reads.
func commentText(s string) string { return display.Escape(s) }

func (d *doc) flowText(e entry) string {
	if e.children == nil {
		return quoteKey(e.key) + ": " + d.flowList(e.scopes)
	}
	parts := make([]string, len(e.children))
	for i, c := range e.children {
		parts[i] = d.flowText(c)
	}
	return quoteKey(e.key) + ": {" + strings.Join(parts, ", ") + "}"
}

// insertEntry adds e to mapping m, the value of key k (k nil: the root).
// before >= 0 places e before the entry of that index in a block mapping.
func (d *doc) insertEntry(k, m *yaml.Node, e entry, before int) ([]Edit, error) {
	switch {
	case m.Kind == yaml.AliasNode:
		return nil, fmt.Errorf("%s is an alias: edit its anchor instead", k.Value)
	case isNull(m) && k != nil:
		if m.Value != "" { // "~" or "null": replace it
			s := d.start(m)
			return []Edit{{s, d.end(m), "{" + d.flowText(e) + "}"}}, nil
		}
		if d.p.flow[k] { // "{a: }" inside a flow mapping
			pos := d.keyEnd(k)
			return []Edit{{pos, pos, " {" + d.flowText(e) + "}"}}, nil
		}
		pos := d.p.lines.LineEnd(k.Line - 1)
		col := d.p.lines.Pos(d.start(k)).Col
		return []Edit{{pos, pos, d.nl + strings.Repeat(" ", col+d.unit) + d.blockText(e, col+d.unit)}}, nil
	case m.Kind != yaml.MappingNode:
		name := "the manifest"
		if k != nil {
			name = k.Value
		}
		return nil, fmt.Errorf("%s is not a mapping", name)
	case m.Style&yaml.FlowStyle != 0:
		if len(m.Content) == 0 {
			s := d.start(m)
			return []Edit{{s, flowClose(d.data, s), "{" + d.flowText(e) + "}"}}, nil
		}
		pos := d.end(m.Content[len(m.Content)-1])
		return []Edit{{pos, pos, ", " + d.flowText(e)}}, nil
	}
	if len(m.Content) == 0 {
		return nil, errors.New("empty block mapping")
	}
	first := m.Content[0]
	col := d.p.lines.Pos(d.start(first)).Col
	indent := string(d.data[d.p.lines.LineStart(first.Line-1):d.start(first)])
	if strings.Trim(indent, " \t") != "" {
		indent = strings.Repeat(" ", col)
	}
	var pos int
	var needNL bool
	switch {
	case before >= 0 && 2*before < len(m.Content):
		// Before that entry and the comment lines right above it.
		line := m.Content[2*before].Line - 1
		for line > 0 && bytes.HasPrefix(bytes.TrimSpace(d.p.lines.LineText(line-1)), []byte("#")) {
			line--
		}
		pos = d.p.lines.LineStart(line)
	default:
		pos, needNL = d.afterLine(d.end(m))
	}
	text := indent + d.blockText(e, col) + d.nl
	if needNL {
		text = d.nl + indent + d.blockText(e, col)
	}
	return []Edit{{pos, pos, text}}, nil
}

// section finds the mapping of grants for tool ("" = server): its key and
// value, or the mapping to create it in.
func (d *doc) section(tool string) (k, v *yaml.Node) {
	if tool == "" {
		k, v, _ = lookup(d.root, "server")
		return k, v
	}
	_, tools, _ := lookup(d.root, "tools")
	k, v, _ = lookup(tools, tool)
	return k, v
}

// AddGrant returns the edits that grant scope of capability id to tool ("" =
// the server), creating the entry, the tool or the section as needed and
// writing in the file's own style (indentation, flow or block lists,
// quoting, line endings). No edits when the exact scope is already there.
func AddGrant(data []byte, tool string, id capability.ID, scope string) ([]Edit, error) {
	edits, err := addGrant(data, tool, id, scope)
	if err != nil || len(edits) == 0 {
		return edits, err
	}
	want := meaningOf(data).clone()
	if want.tools[tool] == 0 && tool != "" {
		want.tools[tool] = 1
	}
	want.grants[grantKey{tool, id, scope}]++
	if err := checkWritten(Apply(data, edits), want); err != nil {
		return nil, err
	}
	return edits, nil
}

func addGrant(data []byte, tool string, id capability.ID, scope string) ([]Edit, error) {
	info, ok := capability.Lookup(id)
	if !ok {
		return nil, fmt.Errorf("unknown capability %q", id)
	}
	if err := ValidateScope(info.Scope, scope); err != nil {
		return nil, fmt.Errorf("bad %s scope %q: %v", id, scope, err)
	}
	if tool != "" && strings.TrimSpace(tool) == "" || !utf8.ValidString(tool) {
		return nil, errors.New("a tool name must be a non-empty UTF-8 string")
	}
	d, err := load(data)
	if err != nil {
		return nil, err
	}
	grant := entry{key: string(id), scopes: []string{scope}}
	if d.root == nil {
		md := newModel()
		md.add(tool, id, scope, true, nil)
		text := string(createText(md, d.nl, false))
		if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n")) {
			text = d.nl + text
		}
		if len(bytes.TrimSpace(data)) > 0 && !bytes.HasPrefix(bytes.TrimSpace(data), []byte("#")) {
			// "~", "null" or "---": replace the document.
			return []Edit{{0, len(data), text}}, nil
		}
		return []Edit{{len(data), len(data), text}}, nil
	}
	sk, sv := d.section(tool)
	if sv != nil {
		gk, gv, _ := lookup(sv, string(id))
		if gk == nil {
			return d.insertEntry(sk, sv, grant, -1)
		}
		return d.addScope(gk, gv, scope)
	}
	if tool == "" {
		_, _, ti := lookup(d.root, "tools")
		return d.insertEntry(nil, d.root, entry{key: "server", children: []entry{grant}}, ti)
	}
	te := entry{key: tool, children: []entry{grant}}
	tk, tv, _ := lookup(d.root, "tools")
	if tk == nil {
		return d.insertEntry(nil, d.root, entry{key: "tools", children: []entry{te}}, -1)
	}
	return d.insertEntry(tk, tv, te, -1)
}

// addScope appends scope to the grant value gv of key gk.
func (d *doc) addScope(gk, gv *yaml.Node, scope string) ([]Edit, error) {
	switch {
	case gv.Kind == yaml.AliasNode:
		return nil, fmt.Errorf("the scopes of %s are an alias: edit its anchor instead", gk.Value)
	case isNull(gv):
		if gv.Value != "" {
			return []Edit{{d.start(gv), d.end(gv), d.flowList([]string{scope})}}, nil
		}
		pos := d.keyEnd(gk)
		return []Edit{{pos, pos, " " + d.flowList([]string{scope})}}, nil
	case gv.Kind == yaml.ScalarNode:
		if gv.Value == scope {
			return nil, nil
		}
		s, e := d.start(gv), d.end(gv)
		return []Edit{{s, e, "[" + string(d.data[s:e]) + ", " + d.quoteScalar(scope, true) + "]"}}, nil
	case gv.Kind != yaml.SequenceNode:
		return nil, fmt.Errorf("the scopes of %s are not a list", gk.Value)
	}
	for _, it := range gv.Content {
		if it.Value == scope {
			return nil, nil
		}
	}
	if gv.Style&yaml.FlowStyle != 0 {
		if len(gv.Content) == 0 {
			s := d.start(gv)
			return []Edit{{s + 1, s + 1, d.quoteScalar(scope, true)}}, nil
		}
		last := gv.Content[len(gv.Content)-1]
		pos := d.end(last)
		q := d.quoteScalarLike(last, scope, true)
		if last.Line > gv.Line { // one item per line: keep it so
			return []Edit{{pos, pos, "," + d.nl + string(d.data[d.p.lines.LineStart(last.Line-1):d.start(last)]) + q}}, nil
		}
		return []Edit{{pos, pos, ", " + q}}, nil
	}
	last := gv.Content[len(gv.Content)-1]
	ls := d.p.lines.LineStart(last.Line - 1)
	prefix := string(d.data[ls:d.start(last)])
	if strings.Trim(prefix, " \t") != "-" {
		prefix = strings.Repeat(" ", d.dashCol(last)) + "- "
	}
	pos, needNL := d.afterLine(d.end(last))
	q := d.quoteScalarLike(last, scope, false)
	if needNL {
		return []Edit{{pos, pos, d.nl + prefix + q}}, nil
	}
	return []Edit{{pos, pos, prefix + q + d.nl}}, nil
}

// quoteScalarLike quotes s as its neighbour is quoted.
func (d *doc) quoteScalarLike(n *yaml.Node, s string, flow bool) string {
	saved := d.quote
	d.quote = n.Style & (yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle)
	defer func() { d.quote = saved }()
	return d.quoteScalar(s, flow)
}

// RemoveGrant returns the edits that remove scope from tool's grant of
// capability id (scope "" removes the whole grant; so does removing its last
// scope). The removed lines go with their line comments; comments above
// stay. Removing what is not there is an error.
func RemoveGrant(data []byte, tool string, id capability.ID, scope string) ([]Edit, error) {
	edits, err := removeGrant(data, tool, id, scope)
	if err != nil || len(edits) == 0 {
		return edits, err
	}
	want := meaningOf(data).clone()
	for k := range want.grants {
		if k.tool == tool && k.id == id && (scope == "" || k.scope == scope) {
			if want.grants[k]--; want.grants[k] == 0 || scope == "" {
				delete(want.grants, k)
			}
		}
	}
	if err := checkWritten(Apply(data, edits), want); err != nil {
		return nil, err
	}
	return edits, nil
}

func removeGrant(data []byte, tool string, id capability.ID, scope string) ([]Edit, error) {
	d, err := load(data)
	if err != nil {
		return nil, err
	}
	owner := "server"
	if tool != "" {
		owner = "tool " + tool
	}
	if d.root == nil {
		return nil, fmt.Errorf("%s has no %s grant", owner, id)
	}
	_, sv := d.section(tool)
	gi := -1
	if sv != nil && sv.Kind == yaml.MappingNode {
		_, _, gi = lookup(sv, string(id))
	}
	if gi < 0 {
		return nil, fmt.Errorf("%s has no %s grant", owner, id)
	}
	gv := sv.Content[2*gi+1]
	whole := scope == ""
	switch {
	case whole:
	case gv.Kind == yaml.ScalarNode && gv.Value == scope:
		whole = true
	case gv.Kind == yaml.SequenceNode:
		j := -1
		for i, it := range gv.Content {
			if it.Value == scope {
				j = i
			}
		}
		if j < 0 {
			return nil, fmt.Errorf("%s's %s grant has no scope %q", owner, id, scope)
		}
		if len(gv.Content) == 1 {
			whole = true
			break
		}
		return d.removeItem(gv, j, false), nil
	default:
		return nil, fmt.Errorf("%s's %s grant has no scope %q", owner, id, scope)
	}
	return d.removeItem(sv, gi, true), nil
}

// removeItem deletes item i of a sequence, or entry i of a mapping (pair).
func (d *doc) removeItem(c *yaml.Node, i int, pair bool) []Edit {
	w := 1
	if pair {
		w = 2
	}
	first, last := c.Content[i*w], c.Content[i*w+w-1]
	n := len(c.Content) / w
	if c.Style&yaml.FlowStyle != 0 {
		switch {
		case i+1 < n: // up to the next item
			return []Edit{{d.start(first), d.start(c.Content[(i+1)*w]), ""}}
		case i > 0: // from the end of the previous item
			return []Edit{{d.end(c.Content[i*w-1]), d.end(last), ""}}
		}
		return []Edit{{d.start(first), d.end(last), ""}}
	}
	s := d.p.lines.LineStart(first.Line - 1)
	e, _ := d.afterLine(d.end(last))
	if e == len(d.data) && s > 0 && !bytes.HasSuffix(d.data, []byte("\n")) {
		// The last line has no line ending: take the one before it instead.
		s--
		if s > 0 && d.data[s-1] == '\r' {
			s--
		}
	}
	return []Edit{{s, e, ""}}
}
