package ranged

import (
	"bytes"
	"sort"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// chunk is a run of whole lines holding one or more top-level statements
// (statements sharing a line share a chunk). Chunks are the unit of ranged
// re-extraction: a chunk is either re-extracted or keeps its old facts.
type chunk struct {
	start, end int // byte range in the text: from a line start to the next line start (or the end)
	// declares are the names the chunk binds at the top level, with the
	// members of classes it declares (methods are found by name).
	declares []string
	// mutable are top-level names the chunk may rebind or mutate (let/var,
	// assignments, Python global): every chunk mentioning them is linked.
	mutable []string
	// opaque chunks (if/try/loops at the top level, wildcard imports,
	// anything not understood) are always re-extracted: what they bind is
	// not known here.
	opaque bool
	// wide chunks take part in low-level tool dispatch, which links
	// registrations across chunks by tool name rather than by binding.
	wide bool
}

// wideWords name the low-level MCP handlers that tie chunks together without
// a shared binding (tool names listed in one handler, dispatched in another),
// and a Python server's lifespan, whose yield tools read as
// ctx.request_context.lifespan_context (lifespan=… and the reads share no name).
var wideWords = [][]byte{
	[]byte("setRequestHandler"), []byte("ListToolsRequestSchema"), []byte("CallToolRequestSchema"),
	[]byte("list_tools"), []byte("call_tool"), []byte("lifespan"),
}

// topNode is a top-level node's byte range, and whether it is broken.
type topNode struct {
	start, end int
	node       *sitter.Node
}

// topLevel lists the children of the root of tree, in order.
func topLevel(tree *sitter.Tree) []topNode {
	root := tree.RootNode()
	if root == nil {
		return nil
	}
	c := sitter.NewTreeCursor(root)
	defer c.Close()
	var out []topNode
	if !c.GoToFirstChild() {
		return nil
	}
	for {
		n := c.CurrentNode()
		out = append(out, topNode{start: int(n.StartByte()), end: int(n.EndByte()), node: n})
		if !c.GoToNextSibling() {
			break
		}
	}
	return out
}

// group gathers top-level nodes into chunks of whole lines, within
// [base, limit) of text (a segment; base and limit are line starts).
// lines indexes text.
func group(nodes []topNode, text []byte, lines *source.Lines, base, limit int) []chunk {
	var out []chunk
	for _, n := range nodes {
		if n.end <= n.start {
			continue // a zero-width node (a MISSING token) belongs to its neighbour
		}
		first := lines.Pos(n.start).Line
		last := lines.Pos(n.end - 1).Line
		start := lines.LineStart(first)
		end := min(lines.LineStart(last+1), limit)
		start = max(start, base)
		if k := len(out) - 1; k >= 0 && start < out[k].end {
			out[k].end = max(out[k].end, end)
			continue
		}
		out = append(out, chunk{start: start, end: end})
	}
	return out
}

// describe fills in what each chunk declares from its top-level nodes.
func describe(chunks []chunk, nodes []topNode, l source.Lang, text []byte) {
	indented := lang.For(l).IndentedBlocks()
	k := 0
	for _, n := range nodes {
		for k < len(chunks) && chunks[k].end <= n.start {
			k++
		}
		if k == len(chunks) {
			break
		}
		ch := &chunks[k]
		if n.node.IsError() || n.node.IsMissing() {
			ch.opaque = true
		}
		if indented {
			pyDeclares(n.node, text, ch)
		} else {
			jsDeclares(n.node, text, ch)
		}
	}
	for i := range chunks {
		body := text[chunks[i].start:chunks[i].end]
		if chunks[i].opaque {
			// What it binds is not known (a syntax error may even lift a
			// function's locals to the top level, as measured): every
			// name in it may be one, so an edit of it reaches every chunk
			// mentioning any of them.
			chunks[i].declares = allWords(body, chunks[i].declares)
		}
		for _, w := range wideWords {
			if bytes.Contains(body, w) {
				chunks[i].wide = true
				break
			}
		}
		if indented {
			chunks[i].mutable = append(chunks[i].mutable, pyGlobals(body)...)
		}
	}
}

func content(n *sitter.Node, text []byte) string {
	if n == nil {
		return ""
	}
	s, e := int(n.StartByte()), int(n.EndByte())
	if s < 0 || e > len(text) || s > e {
		return ""
	}
	return string(text[s:e])
}

// identifiers appends the text of every identifier under n (patterns,
// import clauses), bounded so a pathological pattern costs little.
func identifiers(n *sitter.Node, text []byte, out []string) []string {
	if n == nil {
		return out
	}
	budget := 512
	var walk func(n *sitter.Node)
	walk = func(n *sitter.Node) {
		if budget--; budget < 0 {
			return
		}
		switch n.Type() {
		case "identifier", "shorthand_property_identifier_pattern", "type_identifier":
			out = append(out, content(n, text))
			return
		case "string", "template_string":
			return
		}
		for i := 0; i < int(n.NamedChildCount()); i++ {
			walk(n.NamedChild(i))
		}
	}
	walk(n)
	return out
}

func jsDeclares(n *sitter.Node, text []byte, ch *chunk) {
	switch n.Type() {
	case "comment", "empty_statement", "hash_bang_line", ";":
	case "import_statement":
		for i := 0; i < int(n.NamedChildCount()); i++ {
			c := n.NamedChild(i)
			switch c.Type() {
			case "import_clause", "import_require_clause":
				ch.declares = identifiers(c, text, ch.declares)
			case "identifier": // import x = require("y")
				ch.declares = append(ch.declares, content(c, text))
			}
		}
	case "function_declaration", "generator_function_declaration", "function_signature",
		"interface_declaration", "type_alias_declaration", "enum_declaration", "module", "internal_module":
		ch.declares = append(ch.declares, content(n.ChildByFieldName("name"), text))
	case "class_declaration", "abstract_class_declaration":
		ch.declares = append(ch.declares, content(n.ChildByFieldName("name"), text))
		if body := n.ChildByFieldName("body"); body != nil {
			for i := 0; i < int(body.NamedChildCount()); i++ {
				m := body.NamedChild(i)
				name := m.ChildByFieldName("name")
				if name == nil {
					name = m.ChildByFieldName("property")
				}
				if name != nil {
					ch.declares = append(ch.declares, content(name, text))
				}
			}
		}
	case "lexical_declaration", "variable_declaration":
		mutable := n.Type() == "variable_declaration"
		if first := n.Child(0); first != nil && first.Type() == "let" {
			mutable = true
		}
		for i := 0; i < int(n.NamedChildCount()); i++ {
			d := n.NamedChild(i)
			if d.Type() != "variable_declarator" {
				continue
			}
			names := identifiers(d.ChildByFieldName("name"), text, nil)
			ch.declares = append(ch.declares, names...)
			if mutable {
				ch.mutable = append(ch.mutable, names...)
			}
		}
	case "export_statement":
		// Exports are attributed to the chunk naming them: a kept old
		// export survives only if its name is declared by a kept chunk.
		for i := 0; i < int(n.ChildCount()); i++ {
			if n.Child(i).Type() == "default" {
				ch.declares = append(ch.declares, "default")
			}
		}
		if d := n.ChildByFieldName("declaration"); d != nil {
			jsDeclares(d, text, ch)
		}
		for i := 0; i < int(n.NamedChildCount()); i++ {
			c := n.NamedChild(i)
			if c.Type() != "export_clause" {
				continue
			}
			for j := 0; j < int(c.NamedChildCount()); j++ {
				sp := c.NamedChild(j)
				name := sp.ChildByFieldName("alias")
				if name == nil {
					name = sp.ChildByFieldName("name")
				}
				ch.declares = append(ch.declares, content(name, text))
			}
		}
	case "ambient_declaration":
		for i := 0; i < int(n.NamedChildCount()); i++ {
			jsDeclares(n.NamedChild(i), text, ch)
		}
	case "expression_statement":
		e := n.NamedChild(0)
		if e == nil {
			return
		}
		switch e.Type() {
		case "assignment_expression", "augmented_assignment_expression":
			left := e.ChildByFieldName("left")
			if l := content(left, text); l == "module.exports" || strings.HasPrefix(l, "exports.") || strings.HasPrefix(l, "module.exports.") {
				// CommonJS exports name what they export only in their
				// values: re-extract them with every edit (they are short).
				ch.opaque = true
			}
			assigned(left, text, ch, false)
		case "sequence_expression", "parenthesized_expression":
			ch.opaque = true
		}
	default:
		ch.opaque = true
	}
}

// assigned records the target of a top-level assignment: a name is declared
// and mutable; a member (`a.b.c = …`, `A.prototype.m = …`) declares its
// property and makes the base object mutable.
func assigned(left *sitter.Node, text []byte, ch *chunk, py bool) {
	if left == nil {
		return
	}
	switch left.Type() {
	case "identifier":
		// A Python function rebinds a module name only after `global`
		// (pyGlobals); in JS an assignment rebinds a var from anywhere.
		name := content(left, text)
		ch.declares = append(ch.declares, name)
		if !py {
			ch.mutable = append(ch.mutable, name)
		}
	case "member_expression", "attribute":
		prop := left.ChildByFieldName("property")
		if prop == nil {
			prop = left.ChildByFieldName("attribute")
		}
		if prop != nil {
			ch.declares = append(ch.declares, content(prop, text))
		}
	case "subscript_expression", "subscript":
		assigned(firstNonNil(left.ChildByFieldName("object"), left.ChildByFieldName("value")), text, ch, py)
	default:
		// Patterns ([a, b] = …, a, b = …): every identifier is rebound.
		names := identifiers(left, text, nil)
		ch.declares = append(ch.declares, names...)
		if !py {
			ch.mutable = append(ch.mutable, names...)
		}
	}
}

func firstNonNil(a, b *sitter.Node) *sitter.Node {
	if a != nil {
		return a
	}
	return b
}

func pyDeclares(n *sitter.Node, text []byte, ch *chunk) {
	switch n.Type() {
	case "comment", "pass_statement", "future_import_statement":
	case "import_statement":
		for i := 0; i < int(n.NamedChildCount()); i++ {
			c := n.NamedChild(i)
			switch c.Type() {
			case "dotted_name":
				if id := c.NamedChild(0); id != nil {
					ch.declares = append(ch.declares, content(id, text))
				}
			case "aliased_import":
				ch.declares = append(ch.declares, content(c.ChildByFieldName("alias"), text))
			}
		}
	case "import_from_statement":
		module := n.ChildByFieldName("module_name")
		for i := 0; i < int(n.NamedChildCount()); i++ {
			c := n.NamedChild(i)
			if module != nil && c.StartByte() == module.StartByte() && c.EndByte() == module.EndByte() {
				continue
			}
			switch c.Type() {
			case "dotted_name":
				ch.declares = append(ch.declares, content(c, text))
			case "aliased_import":
				ch.declares = append(ch.declares, content(c.ChildByFieldName("alias"), text))
			case "wildcard_import":
				ch.opaque = true
			}
		}
	case "function_definition":
		ch.declares = append(ch.declares, content(n.ChildByFieldName("name"), text))
	case "class_definition":
		ch.declares = append(ch.declares, content(n.ChildByFieldName("name"), text))
		if body := n.ChildByFieldName("body"); body != nil {
			for i := 0; i < int(body.NamedChildCount()); i++ {
				m := body.NamedChild(i)
				if m.Type() == "decorated_definition" {
					m = m.ChildByFieldName("definition")
				}
				if m == nil {
					continue
				}
				switch m.Type() {
				case "function_definition", "class_definition":
					ch.declares = append(ch.declares, content(m.ChildByFieldName("name"), text))
				case "expression_statement":
					if a := m.NamedChild(0); a != nil && a.Type() == "assignment" {
						ch.declares = identifiers(a.ChildByFieldName("left"), text, ch.declares)
					}
				}
			}
		}
	case "decorated_definition":
		if d := n.ChildByFieldName("definition"); d != nil {
			pyDeclares(d, text, ch)
		}
	case "expression_statement":
		for i := 0; i < int(n.NamedChildCount()); i++ {
			e := n.NamedChild(i)
			switch e.Type() {
			case "assignment", "augmented_assignment":
				for e != nil && (e.Type() == "assignment" || e.Type() == "augmented_assignment") {
					assigned(e.ChildByFieldName("left"), text, ch, true)
					e = e.ChildByFieldName("right") // a = b = c
				}
			}
		}
	default:
		ch.opaque = true
	}
}

// pyGlobals returns the names of `global` statements in body: functions
// rebinding a module name link every chunk that mentions it.
func pyGlobals(body []byte) []string {
	var out []string
	for i := 0; ; {
		j := indexWord(body[i:], "global")
		if j < 0 {
			return out
		}
		i += j + len("global")
		end := bytes.IndexByte(body[i:], '\n')
		if end < 0 {
			end = len(body) - i
		}
		for _, f := range bytes.Split(body[i:i+end], []byte(",")) {
			if name := bytes.TrimSpace(bytes.SplitN(f, []byte("#"), 2)[0]); len(name) > 0 && isWord(name) {
				out = append(out, string(name))
			}
		}
		i += end
	}
}

func isIdent(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isWord(b []byte) bool {
	for _, c := range b {
		if !isIdent(c) {
			return false
		}
	}
	return len(b) > 0
}

// indexWord returns the offset of the first occurrence of word in b as a
// whole identifier, or -1.
func indexWord(b []byte, word string) int {
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(word))
		if j < 0 {
			return -1
		}
		at := i + j
		end := at + len(word)
		// A digit before the name may be a number the lexer splits off.
		if (at == 0 || !isIdent(b[at-1]) || b[at-1] >= '0' && b[at-1] <= '9') && (end == len(b) || !isIdent(b[end])) {
			return at
		}
		i = at + 1
	}
}

// words calls fn with every identifier-like word of b (strings and comments
// included: mentioning a name anywhere links conservatively).
func words(b []byte, fn func(w []byte)) {
	for i := 0; i < len(b); {
		if !isIdent(b[i]) {
			i++
			continue
		}
		if b[i] >= '0' && b[i] <= '9' {
			// A number; what follows its digits may be a name the lexer
			// splits off (`2helper` in broken code is 2 then helper).
			for i < len(b) && b[i] >= '0' && b[i] <= '9' {
				i++
			}
			continue
		}
		j := i
		for j < len(b) && isIdent(b[j]) {
			j++
		}
		fn(b[i:j])
		i = j
	}
}

// allWords appends the distinct words of b not in out to out.
func allWords(b []byte, out []string) []string {
	seen := make(map[string]bool, len(out))
	for _, w := range out {
		seen[w] = true
	}
	words(b, func(w []byte) {
		if !seen[string(w)] {
			seen[string(w)] = true
			out = append(out, string(w))
		}
	})
	return out
}

// chunkAt returns the index of the chunk containing offset, or -1.
func chunkAt(chunks []chunk, offset int) int {
	i := sort.Search(len(chunks), func(i int) bool { return chunks[i].end > offset })
	if i < len(chunks) && chunks[i].start <= offset {
		return i
	}
	return -1
}
