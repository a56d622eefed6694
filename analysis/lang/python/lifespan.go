package python

import (
	"bytes"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// The lifespan context: an MCP server built with `lifespan=app_lifespan`
// runs that @asynccontextmanager once, and what it yields is what every
// tool reads as `ctx.request_context.lifespan_context` (the SDK's way to
// share a database or API client with the tools):
//
//	@asynccontextmanager
//	async def app_lifespan(server):
//	    yield AppContext(db=Database.connect())   # or {"db": …}
//	mcp = FastMCP("x", lifespan=app_lifespan)
//	@mcp.tool()
//	def query(ctx: Context):
//	    ctx.request_context.lifespan_context.db.query()
//
// The yielded instance (or the dict's entries) flows to those reads, so
// the methods called on it are resolved as on the instance itself. Only a
// lifespan function of the same file, and only when the file names one,
// is followed: with two, which one a server runs is not known here.

// lifespanState is what the file says of its lifespan function.
type lifespanState struct {
	fn int // the lifespan function, 0 when none or not one
	// keys: the entries of a yielded dict literal, by literal key.
	keys map[string]val
	// dict: the dict literal it yields, while its body is walked.
	dict int32
}

// findLifespan notes the function of the file passed as `lifespan=NAME`,
// and makes every function reading `lifespan_context` depend on it, so its
// body (and its yield) is walked first.
func (e *extractor) findLifespan() {
	t := e.t
	if !bytes.Contains(t.src, []byte("lifespan_context")) {
		return // nothing reads a lifespan's value
	}
	fn := 0
	for i := range t.n {
		if t.n[i].typ != "keyword_argument" || !t.textEq(t.field(int32(i), "name"), "lifespan") {
			continue
		}
		v := t.unparen(t.field(int32(i), "value"))
		if t.typ(v) != "identifier" {
			continue
		}
		idx := e.topFunction(t.text(v))
		switch {
		case idx <= 0:
		case fn == 0:
			fn = idx
		case fn != idx:
			return // two lifespans: which one runs is not known
		}
	}
	if fn == 0 || !e.yieldsContext(fn) {
		return
	}
	e.lifespan.fn = fn
	for i := range t.n {
		if t.n[i].typ != "identifier" || !t.textEq(int32(i), "lifespan_context") {
			continue
		}
		for g := e.enclosingFn(int32(i)); g > 0; g = e.f.Functions[g].Parent {
			if g == fn || e.isInside(fn, g) {
				break
			}
			if e.deps == nil {
				e.deps = map[int][]int{}
			}
			if !containsInt(e.deps[g], fn) {
				e.deps[g] = append(e.deps[g], fn)
			}
		}
	}
}

// isInside reports whether function g is fn or nested in it.
func (e *extractor) isInside(fn, g int) bool {
	for d := 0; g > 0 && d < maxDepth; d++ {
		if g == fn {
			return true
		}
		g = e.f.Functions[g].Parent
	}
	return false
}

// topFunction is the index of the function name defined at the file's top
// level (not a method, not nested), or 0.
func (e *extractor) topFunction(name string) int {
	found := 0
	for i, f := range e.f.Functions {
		if i == 0 || f.Name != name || f.Parent != 0 || f.Class != "" || e.fnNode[i] < 0 {
			continue
		}
		if found != 0 {
			return 0 // defined twice: which one is passed is not known here
		}
		found = i
	}
	return found
}

// isLifespanRead reports whether the attribute read `obj.attr` is
// `….request_context.lifespan_context`.
func (e *extractor) isLifespanRead(obj int32, attr string) bool {
	t := e.t
	if attr != "lifespan_context" || e.lifespan.fn == 0 {
		return false
	}
	obj = t.unparen(obj)
	return t.typ(obj) == "attribute" && t.textEq(t.field(obj, "attribute"), "request_context")
}

// lifespanValue is the value a lifespan_context read gives: the instance
// the lifespan yields, or a marker whose entries are the yielded dict's.
func (e *extractor) lifespanValue(refs []facts.ParamRef) val {
	if r, ok := e.rets[e.lifespan.fn]; ok {
		r.refs = refs
		return r
	}
	if e.lifespan.keys != nil {
		return val{lifespan: true, refs: refs}
	}
	return val{refs: refs}
}

// lifespanEntry is entry key of the yielded dict, when known.
func (e *extractor) lifespanEntry(o val, key string) (val, bool) {
	if !o.lifespan {
		return val{}, false
	}
	v, ok := e.lifespan.keys[key]
	if ok {
		v.refs = o.refs
	}
	return v, ok
}

// noteLifespanDict records the entries of the dict literal d the lifespan
// function yields, their values vs evaluated in its body.
func (e *extractor) noteLifespanEntry(key string, v val) {
	if e.lifespan.keys == nil {
		e.lifespan.keys = map[string]val{}
	}
	if old, seen := e.lifespan.keys[key]; seen && (old.sym != v.sym || old.mod != v.mod || old.mem != v.mem || old.cls != v.cls) {
		e.lifespan.keys[key] = val{} // two different values: neither is known
		return
	}
	e.lifespan.keys[key] = val{sym: v.sym, mod: v.mod, mem: v.mem, cls: v.cls, props: v.props}
}
