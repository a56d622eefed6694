package golang

import (
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// toolDef is an MCP tool definition seen in the code (before registration).
type toolDef struct {
	sdk      string
	name     string
	nameRef  string
	nameExpr string // the name expression as written, when neither name nor nameRef
	// nameParam is the parameter of the enclosing function the name is,
	// passed on unchanged (a registration helper's name): the link names
	// the tool by each caller's literal (named.go).
	nameParam *facts.ParamRef
	nameSpan  source.Span
	span      source.Span // the definition (mcp.NewTool(…), &mcp.Tool{…})
	annots    map[string]annot
}

// serverToolKeys are the fields of mcp-go's server.ServerTool.
var serverToolKeys = &entryKeys{tool: "Tool", handler: "Handler"}

// maxTools caps the tool definitions a table value carries.
const maxTools = 512

// annotationKeys maps Go field names and mcp-go option functions to the
// MCP annotation keys.
var annotationKeys = map[string]string{
	"ReadOnlyHint": "readOnlyHint", "DestructiveHint": "destructiveHint",
	"IdempotentHint": "idempotentHint", "OpenWorldHint": "openWorldHint",
	"WithReadOnlyHintAnnotation": "readOnlyHint", "WithDestructiveHintAnnotation": "destructiveHint",
	"WithIdempotentHintAnnotation": "idempotentHint", "WithOpenWorldHintAnnotation": "openWorldHint",
}

// isMCPModule reports whether an import path is one of the SDKs' tool packages.
func isMCPModule(mod string) bool {
	return strings.HasSuffix(mod, "modelcontextprotocol/go-sdk/mcp") || strings.HasSuffix(mod, "mark3labs/mcp-go/mcp") ||
		strings.HasSuffix(mod, "mark3labs/mcp-go/server")
}

// isMCPGolang reports whether mod is metoro-io/mcp-golang's root package.
func isMCPGolang(mod string) bool { return strings.HasSuffix(mod, "metoro-io/mcp-golang") }

func sdkOf(mod string) string {
	if strings.Contains(mod, "mark3labs/mcp-go") {
		return facts.SDKMCPGo
	}
	return facts.SDKGo
}

func mergeAnnots(dst map[string]annot, src map[string]annot) map[string]annot {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		dst = map[string]annot{}
	}
	for k, v := range src {
		dst[k] = v
	}
	return dst
}

// toolConstructor recognises the mcp-go builders: mcp.NewTool(name, opts…),
// the annotation options and the typed handler adapters.
func (x *extractor) toolConstructor(mod, member string, args []val, argNodes []int32, n int32) (val, bool) {
	if !isMCPModule(mod) {
		return val{}, false
	}
	out := unknown()
	switch member {
	case "NewTool", "NewToolWithRawSchema":
		if len(args) == 0 {
			return val{}, false
		}
		def := func() *toolDef {
			td := &toolDef{sdk: sdkOf(mod), nameSpan: x.span(argNodes[0]), span: x.span(n)}
			for _, a := range args[1:] {
				td.annots = mergeAnnots(td.annots, a.annots)
			}
			return td
		}
		if each, ok := x.eachTool(args[0], x.span(argNodes[0]), def); ok {
			return each, true
		}
		td := def()
		x.toolName(td, args[0], x.span(argNodes[0]))
		out.tool = td
		return out, true
	case "WithToolAnnotation":
		if len(args) > 0 {
			out.annots = mergeAnnots(nil, args[0].annots)
			return out, true
		}
	case "NewTypedToolHandler", "NewStructuredToolHandler":
		if len(args) > 0 {
			out.fn, out.fnRef, out.typed = args[0].fn, args[0].fnRef, true
			return out, true
		}
	case "ToBoolPtr":
		if len(args) == 1 {
			out.boolean = args[0].boolean
			return out, true
		}
	default:
		if key, ok := annotationKeys[member]; ok && strings.HasPrefix(member, "With") && len(args) == 1 && args[0].boolean != 0 {
			out.annots = map[string]annot{key: {v: args[0].boolean == 2, span: x.span(argNodes[0])}}
			return out, true
		}
	}
	return val{}, false
}

func (x *extractor) toolName(td *toolDef, v val, at source.Span) {
	switch {
	case v.known && !v.prefix:
		td.name = v.str
	case v.ident != "" && !v.toolCall:
		td.nameRef = v.ident
	case !v.known && projectPackage(v.mod) && v.member != "" && !strings.ContainsAny(v.member, ".()"):
		// names.ReadTool: a constant of another package of the module.
		td.nameRef = x.toolRefOf(v)
	default:
		td.nameExpr = strings.Join(strings.Fields(string(x.t.src[at.Start.Offset:at.End.Offset])), " ")
		td.nameParam = paramOf(v)
	}
}

// compositeTool recognises tool structs: go-sdk &mcp.Tool{Name: …,
// Annotations: &mcp.ToolAnnotations{…}}, mcp-go mcp.ToolAnnotation{…} and
// server.ServerTool{Tool: …, Handler: …}.
func (x *extractor) compositeTool(out *val, mod, typeName string, fields map[string]val, spans map[string]source.Span, n int32) {
	if !isMCPModule(mod) {
		return
	}
	switch typeName {
	case "Tool":
		def := func() *toolDef {
			td := &toolDef{sdk: sdkOf(mod), nameSpan: x.span(n), span: x.span(n)}
			if sp, ok := spans["Name"]; ok {
				td.nameSpan = sp
			}
			if av, ok := fields["Annotations"]; ok {
				td.annots = mergeAnnots(nil, av.annots)
			}
			return td
		}
		nv, named := fields["Name"]
		if each, ok := x.eachTool(nv, spans["Name"], def); named && ok {
			// &mcp.Tool{Name: d.name} in a loop over named rows.
			out.each, out.items, out.cut = true, each.items, each.cut
			return
		}
		td := def()
		if named {
			x.toolName(td, nv, td.nameSpan)
		}
		out.tool = td
	case "ToolAnnotations", "ToolAnnotation":
		for field, v := range fields {
			if key, ok := annotationKeys[field]; ok && v.boolean != 0 {
				if out.annots == nil {
					out.annots = map[string]annot{}
				}
				out.annots[key] = annot{v: v.boolean == 2, span: spans[field]}
			}
		}
	case "ServerTool":
		if tv, ok := fields["Tool"]; ok && tv.tool != nil {
			out.tool = tv.tool
		} else if ok {
			// Tool: scan.ScanImageTool, a definition of another file or package.
			if ref := x.toolRefOf(tv); ref != "" {
				out.tool = &toolDef{sdk: sdkOf(mod), nameRef: ref, nameSpan: spans["Tool"], span: spans["Tool"]}
			}
		}
		if hv, ok := fields["Handler"]; ok {
			h := hv
			out.handler = &h
		}
		out.entry = serverToolKeys
	}
}

// projectTool recognises a tool definition of the project's own type, the
// form of servers that keep their tools in a table and convert each entry
// to the SDK's types in a loop: a struct literal of a type of the module
// whose name says tool (api.Tool, ServerTool, MetoroTools) with a literal
// Name. When the same literal holds a function (a field named handler, or
// the only function), it is a table entry: {Name: "x", Handler: h}. Types
// named otherwise (Route{Name, Handler}, Command{Name, Run}) are not tools.
func (x *extractor) projectTool(out *val, tv val, fields map[string]val, spans map[string]source.Span, n int32) {
	typeName := tv.local
	if typeName == "" {
		typeName = strings.TrimSuffix(tv.member, "()")
	}
	if !strings.Contains(strings.ToLower(typeName), "tool") {
		return
	}
	nv, ok := fields["Name"]
	if !ok || !nv.known || nv.prefix || strings.TrimSpace(nv.str) == "" {
		return
	}
	td := &toolDef{sdk: x.sdkGuess, name: nv.str, nameSpan: spans["Name"], span: x.span(n)}
	handlerKey := handlerField(fields)
	out.tool = td
	if handlerKey != "" {
		h := fields[handlerKey]
		out.handler = &h
		out.entry = &entryKeys{handler: handlerKey}
	}
}

// tableEntry recognises an entry of a project's tool table: a literal of a
// struct type of the package holding one tool definition and its handler
// ({Tool: mcp.NewTool("x"), Handler: h}, or positionally {mcp.NewTool("x"), h}).
// names are the struct's field names in order, for positional literals.
func (x *extractor) tableEntry(out *val, keyed map[string]val, positional []val, names []string) {
	fields := keyed
	if len(fields) == 0 && len(positional) > 0 {
		if len(positional) > len(names) {
			return
		}
		fields = make(map[string]val, len(positional))
		for i, v := range positional {
			fields[names[i]] = v
		}
	}
	toolKey := ""
	for _, k := range sortedKeys(fields) {
		if fields[k].tool != nil {
			if toolKey != "" {
				return // several tools: not one entry
			}
			toolKey = k
		}
	}
	handlerKey := handlerField(fields)
	if toolKey == "" || handlerKey == "" {
		return
	}
	h := fields[handlerKey]
	out.tool, out.handler = fields[toolKey].tool, &h
	out.entry = &entryKeys{tool: toolKey, handler: handlerKey}
}

// isHandler reports whether v may be a tool handler: a function of this
// file, a method value or a function named but declared elsewhere.
func isHandler(v val) bool {
	return v.fn >= 0 || v.fnRef != nil
}

// otherPackageMethod reports whether v is a method value on an instance of
// a type of another package of the module: member "Ops().HandleDelete"
// (an instance of Ops) or "NewOps().HandleWrite" (of what NewOps returns).
func otherPackageMethod(v val) bool {
	if !projectPackage(v.mod) || v.fn >= 0 || v.fnRef != nil {
		return false
	}
	recv, name := splitMethodValue(v.member)
	return name != "" && recv != "-"
}

// splitMethodValue splits "T().M" into the receiver type T ("" when the
// instance is a function's result, whose type is unknown here) and M; recv
// "-" when member has another shape.
func splitMethodValue(member string) (recv, name string) {
	r, m, ok := strings.Cut(member, "().")
	if !ok || r == "" || m == "" || strings.ContainsAny(r, ".()") || strings.ContainsAny(m, ".()") {
		return "-", ""
	}
	if !isExported(r) || strings.HasPrefix(r, "New") {
		return "", m // a constructor's result: any method of that name
	}
	return r, m
}

func isExported(s string) bool { return s != "" && s[0] >= 'A' && s[0] <= 'Z' }

// handlerSignature reports whether v is a function of this file taking a
// CallToolRequest second: a tool handler by its type.
func (x *extractor) handlerSignature(v val) bool {
	return v.fn > 0 && strings.Contains(x.paramTypeText(v.fn, 1), "CallToolRequest")
}

// toolHandlerFunc reports whether v is a function of this file taking a
// CallToolRequest (mcp-go's value, go-sdk's pointer): a tool handler by
// its type, whichever parameter the request is.
func (x *extractor) toolHandlerFunc(v val) bool {
	if v.fn <= 0 {
		return false
	}
	for i := range min(len(x.f.Functions[v.fn].Params), 4) {
		if strings.Contains(x.paramTypeText(v.fn, i), "CallToolRequest") {
			return true
		}
	}
	return false
}

// isFactoryResult reports whether v is the result of a handler factory call
// and no function value itself.
func isFactoryResult(v val) bool {
	_, _, ok := handlerFactory(v)
	return ok && v.fn < 0 && v.fnRef == nil
}

// otherPackageFunc reports whether v names a function of another package
// of the module (tools.HandleLint): a handler the index cannot link yet,
// but the registration is still a tool.
func otherPackageFunc(v val) bool {
	return projectPackage(v.mod) && v.member != "" && !strings.ContainsAny(v.member, ".()")
}

// goStdRoots are the first elements of the standard library's import paths.
var goStdRoots = map[string]bool{"archive": true, "bufio": true, "builtin": true, "bytes": true, "cmp": true,
	"compress": true, "container": true, "context": true, "crypto": true, "database": true, "debug": true,
	"embed": true, "encoding": true, "errors": true, "expvar": true, "flag": true, "fmt": true, "go": true,
	"hash": true, "html": true, "image": true, "index": true, "io": true, "iter": true, "log": true, "maps": true,
	"math": true, "mime": true, "net": true, "os": true, "path": true, "plugin": true, "reflect": true,
	"regexp": true, "runtime": true, "slices": true, "sort": true, "strconv": true, "strings": true,
	"structs": true, "sync": true, "syscall": true, "testing": true, "text": true, "time": true,
	"unicode": true, "unique": true, "unsafe": true, "weak": true, "internal": true, "vendor": true, "C": true}

// projectPackage reports whether an import path may be a package of the
// project's module: neither the standard library nor an SDK. A module
// path need not hold a dot (module last9-mcp).
func projectPackage(mod string) bool {
	if mod == "" || isMCPModule(mod) || isMCPGolang(mod) || strings.HasPrefix(mod, typeRoot) {
		return false
	}
	first, _, _ := strings.Cut(mod, "/")
	return strings.Contains(first, ".") || !goStdRoots[first]
}

// handlerFactory returns the function whose call yields v when v is the
// result of calling a package function of the project
// (tools.HandleRead(root), makeHandler(cfg)): a handler factory, whose
// returned closure is the handler. mod is the package's import path ("" for
// this package).
func handlerFactory(v val) (mod, name string, ok bool) {
	if v.ident != "" && v.toolCall {
		return "", v.ident, true
	}
	if !projectPackage(v.mod) {
		return "", "", false
	}
	fn, ok := strings.CutSuffix(v.member, "()")
	if !ok || fn == "" || strings.ContainsAny(fn, ".()") {
		return "", "", false
	}
	return v.mod, fn, true
}

// selectEach selects field name in every item of a table value (t.Tool,
// t.Handler for a range variable t); v is the selection's plain value.
func (x *extractor) selectEach(base val, name string, v val) val {
	out := unknown()
	out.refs, out.each, out.cut = v.refs, true, base.cut
	out.items = make([]val, 0, len(base.items))
	for _, it := range base.items {
		sel := unknown()
		if f, ok := selectRow(it, name); ok {
			sel = f
		} else if it.entry != nil {
			switch name {
			case it.entry.tool:
				sel.tool = it.tool
			case it.entry.handler:
				if it.handler != nil {
					sel = *it.handler
				}
			}
		}
		out.items = append(out.items, sel)
	}
	return out
}

// eachOf is the value "any one of the items of v" (a range variable, v[i]).
func eachOf(v val) val {
	out := unknown()
	out.refs, out.items, out.each, out.cut = v.refs, v.items, true, v.cut
	return out
}

// appendItems is the tool table built by append(table, entries…), and
// whether tool definitions past maxTools were dropped.
func appendItems(args []val, spread bool) ([]val, bool) {
	items, cut := args[0].items, args[0].cut
	if len(items) >= maxTools {
		for _, a := range args[1:] {
			cut = cut || a.tool != nil || a.cut || len(a.items) > 0
		}
		return items, cut // full: no copy per further append
	}
	for i, a := range args[1:] {
		switch {
		case spread && i == len(args)-2:
			items = append(items[:len(items):len(items)], a.items...)
			cut = cut || a.cut
		case a.tool != nil:
			items = append(items[:len(items):len(items)], a)
		case a.each: // append(tools, all[0]), append(tools, t) in a loop
			for _, it := range a.items {
				if it.tool != nil {
					items = append(items[:len(items):len(items)], it)
				}
			}
		}
	}
	if len(items) > maxTools {
		items, cut = items[:maxTools], true
	}
	return items, cut
}

// registration records AddTool/AddTools calls whose tool definition is known
// here, loops over tool tables, and tools defined in other files of the
// package (NameRef) when the call is a method of an SDK server.
func (x *extractor) registration(n int32, method, mod string, args []val, argNodes []int32) {
	switch method {
	case "AddTool":
		ti, hi, typed := 0, 1, false
		if mod != "" && strings.HasSuffix(mod, "/mcp") && len(args) >= 3 {
			// go-sdk generic mcp.AddTool(server, tool, handler): typed input.
			ti, hi, typed = 1, 2, true
		}
		if len(args) <= hi {
			return
		}
		tv, hv := args[ti], args[hi]
		switch {
		case tv.tool != nil:
			x.addTool(x.span(n), tv.tool, hv, typed)
		case tv.each: // for _, t := range tools { s.AddTool(t.Tool, t.Handler) }
			if tv.cut || hv.cut {
				x.f.NoteTooDeep(x.span(n)) // the tools past maxTools are not known
			}
			for i, it := range tv.items {
				h := hv
				if hv.each {
					if i >= len(hv.items) {
						break
					}
					h = hv.items[i]
				}
				if it.tool != nil {
					x.addTool(it.tool.span, it.tool, h, typed)
				}
			}
		case isMCPModule(mod) && (isHandler(hv) || otherPackageFunc(hv) || otherPackageMethod(hv) || isFactoryResult(hv)),
			!isMCPModule(mod) && x.handlerSignature(hv):
			// The second: AddTool on a server reached through a project
			// type (srv.MCP().AddTool) with a handler typed as a tool
			// handler.
			if ref := x.toolRefOf(tv); ref != "" {
				sdk := ""
				if isMCPModule(mod) {
					sdk = sdkOf(mod)
				}
				td := &toolDef{sdk: sdk, nameRef: ref, nameSpan: x.span(argNodes[ti])}
				x.addTool(x.span(n), td, hv, typed)
			}
		}
	default:
		// A project helper taking a tool definition and its handler
		// (NewTool(toolset, mcp.Tool{…}, scopes, func(ctx, deps, req, args) …)).
		ti := -1
		for i, a := range args {
			if a.tool != nil {
				if ti >= 0 {
					return // several tools: not a single registration
				}
				ti = i
			}
		}
		if ti < 0 {
			return
		}
		for i := len(args) - 1; i > ti; i-- {
			if h := args[i]; h.fn >= 0 || h.fnRef != nil && h.fnRef.Kind == "method" && h.fnRef.Class != "" {
				x.addTool(x.span(n), args[ti].tool, h, false)
				return
			}
		}
		// The handler last, declared in another package of the module or
		// built by a factory there (traces.NewExceptionsHandler(client)).
		if h := args[len(args)-1]; len(args)-1 > ti && (otherPackageFunc(h) || otherPackageMethod(h) || isFactoryResult(h) && h.mod != "") {
			x.addTool(x.span(n), args[ti].tool, h, false)
		}
	case "RegisterTool":
		// metoro-io/mcp-golang: server.RegisterTool(name, description, handler),
		// the handler taking the typed arguments last.
		if !isMCPGolang(mod) || len(args) != 3 {
			return
		}
		def := func() *toolDef {
			return &toolDef{sdk: facts.SDKMCPGolang, nameSpan: x.span(argNodes[0]), span: x.span(n)}
		}
		if each, ok := x.eachTool(args[0], x.span(argNodes[0]), def); ok {
			// for _, t := range tools { server.RegisterTool(t.Name, t.Desc, t.Handler) }
			hv := args[2]
			for i, it := range each.items {
				h := hv
				if hv.each {
					if i >= len(hv.items) {
						break
					}
					h = hv.items[i]
				}
				x.addTool(x.span(n), it.tool, h, true)
			}
			return
		}
		td := def()
		x.toolName(td, args[0], x.span(argNodes[0]))
		x.addTool(x.span(n), td, args[2], true)
	case "AddTools", "SetTools":
		for i, a := range args {
			if a.tool != nil && a.handler != nil {
				x.addTool(x.span(argNodes[i]), a.tool, *a.handler, false)
			}
			// s.AddTools(tools...) over a table, or s.AddTools(t) in a loop
			// over one: each entry is a tool, located at its definition.
			if a.cut {
				x.f.NoteTooDeep(x.span(n)) // the tools past maxTools are not known
			}
			for _, it := range a.items {
				if it.tool != nil && it.handler != nil {
					x.addTool(it.tool.span, it.tool, *it.handler, false)
				}
			}
		}
	}
}

// toolRefOf is the NameRef of a tool definition held outside this file:
// a package-level name ("readTool"), a package function's result
// ("func:ReadTool"), or the same through another package of the module
// ("tools.ReadTool", "func:ReadTool").
func (x *extractor) toolRefOf(v val) string {
	switch {
	case v.ident != "" && v.toolCall:
		return "func:" + v.ident
	case v.ident != "":
		return v.ident
	case !projectPackage(v.mod):
		return "" // the standard library defines no tools
	}
	member := v.member
	if fn, ok := strings.CutSuffix(member, "()"); ok {
		if fn != "" && !strings.ContainsAny(fn, ".()") {
			return "func:" + fn
		}
		return ""
	}
	if member == "" || strings.ContainsAny(member, ".()") {
		return ""
	}
	for alias, p := range x.imports {
		if p == v.mod {
			return alias + "." + member
		}
	}
	return member
}

// resolveToolRefs names the tools whose NameRef this file defines (a tool
// variable or a function returning a tool declared after the registration).
func (x *extractor) resolveToolRefs() {
	for i := range x.f.Tools {
		tool := &x.f.Tools[i]
		if tool.Name != "" || tool.NameRef == "" {
			continue
		}
		if v, ok := x.f.Constants[tool.NameRef]; ok {
			tool.Name, tool.NameRef = v, ""
		}
	}
}

// defineConstant records a package-level name for the index (first wins).
func (x *extractor) defineConstant(name, value string) {
	if x.f.Constants == nil {
		x.f.Constants = map[string]string{}
	}
	if _, ok := x.f.Constants[name]; !ok {
		x.f.Constants[name] = value
	}
}

// unregisteredTables records the entries of package-level tool tables that
// this file never reads: another file of the package ranges over the table
// or passes it to AddTools, and cannot see its entries.
func (x *extractor) unregisteredTables() {
	var entries []val
	for _, v := range x.globals.vars {
		if x.usedTables[v] {
			continue
		}
		for _, it := range v.items {
			if it.tool != nil && it.handler != nil && !x.registered[it.tool] {
				entries = append(entries, it)
			}
		}
	}
	sort.SliceStable(entries, func(a, b int) bool {
		return entries[a].tool.span.Start.Offset < entries[b].tool.span.Start.Offset
	})
	for i, it := range entries {
		if i > 0 && entries[i-1].tool == it.tool {
			continue // one entry in two tables
		}
		x.addTool(it.tool.span, it.tool, *it.handler, false)
	}
}

// methodTools records the tools of types that each implement a tool
// interface: one method returns the definition (Definition() mcp.Tool {
// return mcp.NewTool("read_file", …) }) and one method is the handler,
// taking a CallToolRequest. Such types are registered by a loop over the
// interface (for _, t := range all { s.AddTool(t.Definition(), t.Handle) })
// whose calls name no type, so the definition is where the tool is
// recorded, paired with its own type's handler. A type with several
// definitions or handlers says nothing about which goes with which.
func (x *extractor) methodTools() {
	for _, class := range sortedKeys(x.toolMethods) {
		defs := x.toolMethods[class]
		if len(defs) != 1 || x.registered[defs[0]] {
			continue
		}
		td := defs[0]
		if td.name == "" && td.nameRef == "" {
			// mcp.NewTool(r.Name(), …) with Name a method of the same type
			// returning a literal.
			recv, m, ok := strings.Cut(td.nameExpr, ".")
			name, found := x.methodNames[class+"."+strings.TrimSuffix(m, "()")]
			if !ok || !strings.HasSuffix(m, "()") || strings.ContainsAny(recv, ".()") || !found || name == "" {
				continue
			}
			td.name, td.nameExpr = name, ""
		}
		handler := -1
		for i := 1; i < len(x.f.Functions); i++ {
			fn := &x.f.Functions[i]
			if fn.Class != class || fn.Parent != 0 || !x.toolHandlerFunc(val{fn: i}) {
				continue
			}
			if handler >= 0 {
				handler = -2
				break
			}
			handler = i
		}
		if handler >= 0 {
			x.addTool(td.span, td, val{fn: handler}, false)
		}
	}
}

func (x *extractor) addTool(span source.Span, td *toolDef, h val, typed bool) {
	x.registered[td] = true
	tool := facts.Tool{
		Name: td.name, NameRef: td.nameRef, NameExpr: td.nameExpr, NameSpan: td.nameSpan, Span: span,
		SDK: td.sdk, Handler: -1, Dispatcher: -1,
	}
	if tool.SDK == "" {
		tool.SDK = x.sdkGuess
	}
	switch {
	case h.fn >= 0:
		tool.Handler = h.fn
	case h.fnRef != nil:
		ref := *h.fnRef
		if ref.Kind == "method" && ref.Class != "" {
			if idx, ok := x.methods[ref.Class+"."+ref.Name]; ok {
				tool.Handler = idx
				break
			}
		}
		if ref.Kind == "package" {
			if idx, ok := x.funcs[ref.Name]; ok {
				tool.Handler = idx
				break
			}
		}
		tool.HandlerRef = &ref
	}
	factory := false
	if tool.Handler < 0 && tool.HandlerRef == nil {
		switch {
		case otherPackageMethod(h):
			recv, name := splitMethodValue(h.member)
			tool.HandlerRef = &facts.Callee{Kind: "method", Name: name, Class: recv, Module: h.mod, Func: -1, Span: span}
		case otherPackageFunc(h):
			// tools.HandleLint: a function of another package of the module.
			tool.HandlerRef = &facts.Callee{Kind: "package", Name: h.member, Module: h.mod, Func: -1, Span: span}
		case isFactoryResult(h):
			// tools.HandleRead(root): the closure the factory returns runs.
			mod, name, _ := handlerFactory(h)
			tool.HandlerRef = &facts.Callee{Kind: "package", Name: name, Module: mod, Func: -1, Span: span}
			if idx, ok := x.funcs[name]; ok && mod == "" {
				tool.Handler, tool.HandlerRef = idx, nil
			}
			factory = true
			if h.inner != nil {
				// tools.CreateResourceHandler(network.GetHandler(client), cfg):
				// the outer closure calls the one the inner factory makes.
				// Neither is the handler alone, so a function of this file
				// standing for the pair is.
				tool.Handler, tool.HandlerRef = x.factoryPair(span, td, h), nil
			} else if len(h.binds) <= maxHelperParams {
				tool.Binds = h.binds // a factory given instances (named.go)
			}
		}
	}
	tool.Table = helperTable(td, h)
	typed = typed || h.typed
	prefix := []string(nil)
	if tool.Handler >= 0 {
		fn := x.f.Functions[tool.Handler]
		if len(fn.Params) >= 3 {
			typed = true
			// go-sdk before v0.3: (ctx, *ServerSession, *CallToolParamsFor[In]).
			if strings.Contains(x.paramTypeText(tool.Handler, 2), "CallToolParamsFor") {
				prefix = []string{"Arguments"}
			}
		} else if len(fn.Params) == 2 {
			typed = false
		}
	}
	switch {
	case factory:
		// The factory's parameters are its configuration, not the tool
		// input: the input reaches the closure, which no index names.
		tool.Inputs = nil
	case tool.SDK == facts.SDKMCPGolang:
		// func(args T) or func(ctx, args T): the arguments are last.
		idx := 0
		if tool.Handler >= 0 {
			idx = max(len(x.f.Functions[tool.Handler].Params)-1, 0)
		}
		tool.Inputs = []facts.ToolInput{{Index: idx}}
	case typed:
		idx := 2
		if tool.Handler >= 0 {
			// Typed handlers take the input last: (ctx, req, args), or
			// (ctx, deps, req, args) behind project wrappers.
			if n := len(x.f.Functions[tool.Handler].Params); n > 3 {
				idx = n - 1
			}
		}
		tool.Inputs = []facts.ToolInput{{Index: idx, Prefix: prefix}}
	default:
		tool.Inputs = []facts.ToolInput{{Index: 1, Prefix: []string{"Params", "Arguments"}}}
	}
	for _, k := range sortedKeys(td.annots) {
		a := td.annots[k]
		if tool.Annotations == nil {
			tool.Annotations = map[string]bool{}
			tool.AnnotationSpans = map[string]source.Span{}
		}
		tool.Annotations[k] = a.v
		tool.AnnotationSpans[k] = a.span
	}
	x.f.Tools = append(x.f.Tools, tool)
}

// factoryPair adds the function a tool runs when its handler is a factory
// wrapping another factory's result: it calls both factories (each
// reaches the closure it returns), and nothing else.
func (x *extractor) factoryPair(span source.Span, td *toolDef, h val) int {
	label := td.name
	if label == "" {
		label = td.nameRef + td.nameExpr
	}
	fn := facts.Function{Name: "handler " + label, Parent: 0, Span: span, NameSpan: span}
	vals := []val{h}
	if h.inner != nil {
		vals = append(vals, *h.inner)
	}
	for _, v := range vals {
		mod, name, _ := handlerFactory(v)
		callee := facts.Callee{Kind: "package", Name: name, Module: mod, Func: -1, Span: span}
		if idx, ok := x.funcs[name]; ok && mod == "" {
			callee = facts.Callee{Kind: "local", Name: name, Func: idx, Span: span}
		}
		fn.LocalCalls = append(fn.LocalCalls, facts.LocalCall{Callee: callee, Span: span})
	}
	x.f.Functions = append(x.f.Functions, fn)
	return len(x.f.Functions) - 1
}

// paramTypeText returns the source text of the type of parameter i of function fn.
func (x *extractor) paramTypeText(fn, i int) string {
	return x.t.text(x.paramTypeNode(fn, i))
}

// paramTypeNode returns the type node of parameter i of function fn (-1 if none).
func (x *extractor) paramTypeNode(fn, i int) int32 {
	t := x.t
	if fn <= 0 || fn >= len(x.fnNode) {
		return none
	}
	{
		node := x.fnNode[fn]
		skip := 0
		if t.typ(node) == "method_declaration" {
			skip = 1
		}
		params, _ := x.signature(node, skip)
		k := 0
		for _, pd := range t.kids(params) {
			names := 0
			for _, id := range t.kids(pd) {
				if t.typ(id) == "identifier" {
					names++
				}
			}
			if names == 0 {
				names = 1
			}
			if i < k+names {
				return paramType(t, pd)
			}
			k += names
		}
	}
	return none
}

// accessorKinds are mcp-go's CallToolRequest argument accessors.
func isAccessor(name string) bool {
	rest, ok := strings.CutPrefix(name, "Get")
	if !ok {
		rest, ok = strings.CutPrefix(name, "Require")
	}
	if !ok {
		return false
	}
	rest = strings.TrimSuffix(rest, "Slice")
	switch rest {
	case "String", "Int", "Float", "Bool":
		return true
	}
	return false
}

// accessor normalises mcp-go's argument accessors on a tainted request to
// the Params.Arguments path: request.GetString("path", "") → [Params Arguments path].
func (x *extractor) accessor(name string, recv val, args []val, argNodes []int32, sc *scope) (val, bool) {
	if len(recv.refs) == 0 {
		return val{}, false
	}
	if recv.mod != "" && !isMCPModule(recv.mod) && !strings.HasPrefix(recv.mod, typeRoot) {
		return val{}, false
	}
	out := unknown()
	switch {
	case isAccessor(name):
		if len(args) == 0 || !args[0].known || args[0].prefix {
			return val{}, false
		}
		out.refs = argumentsPath(recv.refs, args[0].str)
	case name == "GetArguments" || name == "GetRawArguments":
		out.refs = argumentsPath(recv.refs, "")
	case name == "BindArguments":
		t := x.t
		if len(argNodes) > 0 && t.typ(argNodes[0]) == "unary_expression" {
			if id := t.nth(argNodes[0], 0); t.typ(id) == "identifier" {
				if v := sc.lookup(t.text(id)); v != nil {
					v.refs = addRefs(v.refs, argumentsPath(recv.refs, ""))
				}
			}
		}
	default:
		return val{}, false
	}
	return out, true
}

func argumentsPath(refs []facts.ParamRef, key string) []facts.ParamRef {
	out := make([]facts.ParamRef, 0, len(refs))
	for _, r := range refs {
		segs := []string{key}
		if len(r.Path) == 0 {
			segs = []string{"Params", "Arguments", key}
		}
		if key == "" {
			segs = segs[:len(segs)-1]
		}
		out = append(out, extend([]facts.ParamRef{r}, segs...)...)
	}
	return out
}

// handlerField is the key of a struct literal's handler: the function field
// named like a handler, else its only function field, else "". A handler
// of another package counts too: a method value on an instance of its type
// (svc.Read), or, in a field named so, a function there. Tool definitions
// are not handlers.
func handlerField(fields map[string]val) string {
	handlerKey, funcKey, funcs := "", "", 0
	for _, k := range sortedKeys(fields) {
		v := fields[k]
		named := strings.Contains(strings.ToLower(k), "handler")
		if v.tool != nil || !isHandler(v) && !otherPackageMethod(v) && !(named && otherPackageFunc(v)) {
			continue
		}
		if named {
			handlerKey = k
		}
		funcs++
		funcKey = k
	}
	if handlerKey == "" && funcs == 1 {
		return funcKey
	}
	return handlerKey
}
