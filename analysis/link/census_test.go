package link

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"unsafe"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// The census: the incremental link decides "nothing the link reads
// changed" with comparers that list fields by hand (sameCall, sameTool,
// sameFunctionHead, sameFunctionCalls, fileDiff.compare). A field added to
// the facts, or a comparison dropped from a comparer, would make relink or
// graphLink keep a stale answer without any test noticing. So every field
// of the facts, at any depth, is changed in turn (value, list length, map
// keys, nil pointers), and the comparer must notice, unless the field is
// listed below with the reason the link may ignore it.

// positionOnly are fields that hold positions only: a link that ignores
// them reuses findings whose spans fileDiff.static and relinkFile move.
var positionOnly = map[string]string{
	"Call.Span":                "position",
	"Call.CalleeSpan":          "position",
	"Callee.Span":              "position",
	"LocalCall.Span":           "position",
	"Function.Span":            "position",
	"Function.NameSpan":        "position",
	"Tool.Span":                "position",
	"Tool.NameSpan":            "position",
	"Tool.AnnotationSpans+key": "positions of annotations",
	"Tool.AnnotationSpans[]":   "positions of annotations",
	"Import.Span":              "position",
}

// literalOnly are the literal values sameCall(…, false) ignores: a call
// whose literals alone changed is matched against the rules again
// (callLiterals), its graph edges stand.
var literalOnly = map[string]string{
	"Arg.Value":         "literal",
	"Arg.Known":         "literal",
	"Arg.Prefix":        "literal",
	"Arg.Number":        "literal",
	"Arg.Env":           "literal: the variable a literal default stands for",
	"Arg.Default":       "literal: the fallback of a value that is not literal",
	"Arg.DefaultPrefix": "literal",
	"Call.Key":          "literal key of an access",
}

// census changes every field of a value built by fill and reports the
// changes same does not notice and that exempt does not list; it also
// reports exemptions no field uses (a stale list hides nothing).
func census(t *testing.T, typ reflect.Type, same func(a, b reflect.Value) bool, exempt ...map[string]string) {
	t.Helper()
	var paths []mutation
	enumerate(typ, nil, "", 0, &paths)
	if len(paths) < 5 {
		t.Fatalf("%s: only %d mutations", typ, len(paths))
	}
	fresh := func() reflect.Value {
		v := reflect.New(typ)
		fill(v.Elem(), 0)
		return v
	}
	if !same(fresh(), fresh()) {
		t.Fatalf("%s: two equal values compare different", typ)
	}
	var missed []string
	for _, m := range paths {
		a, b := fresh(), fresh()
		apply(b.Elem(), m.path, m.op)
		if reflect.DeepEqual(a.Interface(), b.Interface()) {
			t.Fatalf("%s: mutation %s changed nothing", typ, m)
		}
		if same(a, b) {
			listed := false
			for _, ex := range exempt {
				listed = listed || m.exempt(ex)
			}
			if listed {
				continue
			}
			missed = append(missed, m.String())
		}
	}
	if len(missed) > 0 {
		t.Errorf("%s: the comparer does not notice a change of %d fields the link reads (add the comparison, or list the field as position-only with a reason):\n  %s",
			typ, len(missed), strings.Join(missed, "\n  "))
	}
}

type mutation struct {
	path []step
	op   string // "set", "append", "addkey", "nil"
	// field is "Type.Field" (+len, +key, +nil, [] for elements), key the
	// whole path ("Functions[].Returns[].Path+len"): an exemption names
	// either, the latter as "path:" and a prefix of the path or of a part
	// of it after a dot.
	field, key string
}

func (m mutation) exempt(ex map[string]string) bool {
	if _, ok := ex[m.field]; ok {
		return true
	}
	for k := range ex {
		if p, ok := strings.CutPrefix(k, "path:"); ok && (strings.HasPrefix(m.key, p) || strings.Contains(m.key, "."+p)) {
			return true
		}
	}
	return false
}

func (m mutation) String() string {
	var b strings.Builder
	for _, s := range m.path {
		b.WriteString(s.String())
	}
	return fmt.Sprintf("%s (%s, %s)", b.String(), m.op, m.field)
}

// step is one step of a path: a struct field, the element of a slice, the
// value of a map (fill gives every map the one key mapKey), or through a pointer.
type step struct {
	kind  byte // 'f', 's', 'm', 'p'
	field int
	name  string
}

func (s step) String() string {
	switch s.kind {
	case 'f':
		return "." + s.name
	case 's':
		return "[0]"
	case 'm':
		return "[k]"
	}
	return "*"
}

var spanType = reflect.TypeOf(source.Span{})

// maxFillDepth bounds the recursion of recursive types (Arg.Props, Arg.Elems).
const maxFillDepth = 6

func enumerate(t reflect.Type, path []step, key string, depth int, out *[]mutation) {
	add := func(op, k string) {
		var full strings.Builder
		for i, s := range path {
			switch s.kind {
			case 'f':
				if i > 0 {
					full.WriteByte('.')
				}
				full.WriteString(s.name)
			case 's', 'm':
				full.WriteString("[]")
			}
		}
		full.WriteString(strings.TrimPrefix(k, key))
		*out = append(*out, mutation{path: append([]step(nil), path...), op: op, field: k, key: full.String()})
	}
	if depth > maxFillDepth {
		return
	}
	switch {
	case t == spanType:
		add("set", key)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			enumerate(f.Type, append(path, step{kind: 'f', field: i, name: f.Name}), t.Name()+"."+f.Name, depth+1, out)
		}
	case reflect.Slice:
		add("append", key+"+len")
		enumerate(t.Elem(), append(path, step{kind: 's'}), key+"[]", depth+1, out)
	case reflect.Map:
		add("addkey", key+"+key")
		enumerate(t.Elem(), append(path, step{kind: 'm'}), key+"[]", depth+1, out)
	case reflect.Pointer:
		add("nil", key+"+nil")
		enumerate(t.Elem(), append(path, step{kind: 'p'}), key, depth+1, out)
	default:
		add("set", key)
	}
}

// fill gives v a value with every field set, distinct from the zero value,
// in fresh memory (the comparers take shared lists as equal).
func fill(v reflect.Value, depth int) {
	if depth > maxFillDepth {
		return
	}
	if v.Type() == spanType {
		v.Set(reflect.ValueOf(source.Span{Start: source.Pos{Offset: 1, Line: 1, Col: 1, Col16: 1}, End: source.Pos{Offset: 5, Line: 1, Col: 5, Col16: 5}}))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			fill(v.Field(i), depth+1)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		fillKey(k, "k")
		e := reflect.New(v.Type().Elem()).Elem()
		fill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.String:
		v.SetString("s")
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Bool:
		v.SetBool(true)
	default:
		panic("census: no filler for " + v.Type().String())
	}
}

func fillKey(k reflect.Value, s string) {
	switch k.Kind() {
	case reflect.String:
		k.SetString(s)
	case reflect.Int:
		k.SetInt(int64(len(s)))
	default:
		panic("census: no key filler for " + k.Type().String())
	}
}

func apply(v reflect.Value, path []step, op string) {
	if len(path) == 0 {
		switch op {
		case "append":
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, 0)
			v.Set(reflect.Append(v, e))
		case "addkey":
			k := reflect.New(v.Type().Key()).Elem()
			fillKey(k, "other")
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, 0)
			v.SetMapIndex(k, e)
		case "nil":
			v.Set(reflect.Zero(v.Type()))
		case "set":
			mutateLeaf(v)
		}
		return
	}
	s := path[0]
	switch s.kind {
	case 'f':
		apply(v.Field(s.field), path[1:], op)
	case 's':
		apply(v.Index(0), path[1:], op)
	case 'p':
		apply(v.Elem(), path[1:], op)
	case 'm':
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		k := keys[0]
		e := reflect.New(v.Type().Elem()).Elem()
		e.Set(v.MapIndex(k))
		apply(e, path[1:], op)
		v.SetMapIndex(k, e)
	}
}

func mutateLeaf(v reflect.Value) {
	if v.Type() == spanType {
		sp := v.Interface().(source.Span)
		sp.Start.Offset++
		sp.End.Offset++
		v.Set(reflect.ValueOf(sp))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "2")
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	default:
		panic("census: no mutation for " + v.Type().String())
	}
}

func TestCensusSameCall(t *testing.T) {
	typ := reflect.TypeOf(facts.Call{})
	t.Run("literals", func(t *testing.T) {
		census(t, typ, func(a, b reflect.Value) bool {
			return sameCall(a.Interface().(*facts.Call), b.Interface().(*facts.Call), true)
		}, positionOnly)
	})
	t.Run("graph", func(t *testing.T) {
		census(t, typ, func(a, b reflect.Value) bool {
			return sameCall(a.Interface().(*facts.Call), b.Interface().(*facts.Call), false)
		}, positionOnly, literalOnly)
	})
}

func TestCensusSameTool(t *testing.T) {
	census(t, reflect.TypeOf(facts.Tool{}), func(a, b reflect.Value) bool {
		return sameTool(a.Interface().(*facts.Tool), b.Interface().(*facts.Tool))
	}, positionOnly)
}

// functionIgnored are the fields of a function the link never reads.
var functionIgnored = map[string]string{
	"path:Returns": "Returns shape the references the extractor emits; Link never reads them",
}

func TestCensusFunction(t *testing.T) {
	census(t, reflect.TypeOf(facts.Function{}), func(a, b reflect.Value) bool {
		x, y := a.Interface().(*facts.Function), b.Interface().(*facts.Function)
		return sameFunctionHead(x, y) && sameFunctionCalls(x, y)
	}, positionOnly, literalOnly, functionIgnored)
}

// fileIgnored are the fields of a file fileDiff.compare leaves to others.
var fileIgnored = map[string]string{
	"File.Path":         "diffSnapshot compares only files with the same path",
	"File.Lang":         "diffSnapshot compares only files with the same language",
	"File.Hash":         "the content hash says nothing the facts do not",
	"path:Suppressions": "relink and graphLink re-derive the suppressions of every changed file",
	"path:ParseErrors":  "positions the front-ends report; the link never reads them",
	"path:TooDeep":      "the engine reports them from the facts after the link; the link never reads them",
}

// TestCensusFile changes every field of a file and requires the comparison
// relink and graphLink start from (fileDiff.compare) to see a change:
// a file that is not the same shape, functions whose calls differ, or
// calls that are not callSame.
func TestCensusFile(t *testing.T) {
	census(t, reflect.TypeOf(facts.File{}), func(a, b reflect.Value) bool {
		d := &fileDiff{old: a.Interface().(*facts.File), nf: b.Interface().(*facts.File)}
		d.compare()
		if !d.shape || len(d.fns) > 0 || len(d.old.Calls) != len(d.nf.Calls) || d.pre+d.suf < len(d.nf.Calls) {
			return false
		}
		for _, c := range d.mid {
			if c != callSame {
				return false
			}
		}
		return true
	}, positionOnly, fileIgnored, functionIgnored)
}

// indexPerLink are the fields of the index a graphLink need not carry as a
// full link would build them.
var indexPerLink = map[string]string{
	"linker":          "the same linker",
	"plain":           "check mode's full link",
	"diffs":           "the comparison with the latest link, dropped once linked",
	"taintMemo":       "memo of taint answers, dropped once linked",
	"inFlight":        "taint questions under way, dropped once linked",
	"paths":           "access paths of taint questions, dropped once linked",
	"live":            "memo of taintLive, dropped once linked",
	"taintStack":      "taint questions of unfinished cycles, empty once linked",
	"taintNext":       "DFS number of the next taint question: counts the questions asked",
	"taintHeld":       "sources held by this link's taint answers",
	"localDirs":       "memo, dropped once linked",
	"pyLocal":         "memo, dropped once linked",
	"toolNames":       "memo of reachedBy's names, filled on demand",
	"toolNamesShared": "whether toolNames is another index's",
	"askers":          "graphLink adds to it and never removes (a superset is checked below)",
	"rootHeight":      "height of the questions this link asked; graphLink asks only those an edit affects (taintExact is checked below)",
	"constMemo":       "memo of constant propagation's clean answers, filled on demand",
	"goStores":        "index of the Go files' Stores, built on demand",
	"constRead":       "the sites this link's own propagation read; linkOut.constRead adds the kept links' (TestGraphLinkRandomEdits checks the results)",
}

// TestCensusGraphEdit checks graphEdit.start, which lists by hand the
// fields of the index a graphLink shares with the old one: after each
// graph link of random call-graph edits, every field of its index but
// those listed in indexPerLink equals the field a full link builds.
func TestCensusGraphEdit(t *testing.T) {
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	typ := reflect.TypeOf(index{})
	graphs := 0
	for n := 0; n < 4; n++ {
		r := rand.New(rand.NewPCG(uint64(n), 11))
		s := randomServer(r, n%2 == 1, true)
		root := t.TempDir()
		extract := func(texts map[string]string) []*facts.File {
			var out []*facts.File
			for _, p := range []string{"lib.py", "lib.ts", "server.py", "server.ts"} {
				text, ok := texts[p]
				if !ok {
					continue
				}
				f, err := e.ExtractFull(ctx, p, []byte(text))
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, f)
			}
			return out
		}
		e.Link(root, extract(s.render()))
		for k := 0; k < 30; k++ {
			s.edit(r)
			files := extract(s.render())
			abs := mustAbs(t, root)
			prev := e.cache.snapshot(abs)
			e.Link(root, files)
			next := e.cache.snapshot(abs)
			if linkPath(prev, next) != "graph" || next.ix == nil {
				continue
			}
			graphs++
			full := newIndex(e.Linker, abs, files, e.gomod.ForFiles(abs, files))
			full.build()
			full.result()
			got, want := reflect.ValueOf(next.ix).Elem(), reflect.ValueOf(full).Elem()
			for i := 0; i < typ.NumField(); i++ {
				name := typ.Field(i).Name
				if _, ok := indexPerLink[name]; ok {
					continue
				}
				if !sameValue(reflect.ValueOf(fieldValue(got.Field(i))), reflect.ValueOf(fieldValue(want.Field(i)))) {
					t.Errorf("server %d edit %d: index.%s of the graph link differs from a full link's:\n%v\n%v", n, k, name, fieldValue(got.Field(i)), fieldValue(want.Field(i)))
				}
			}
			if !full.taintExact() || !next.ix.taintExact() {
				t.Errorf("server %d edit %d: a graph link's index is kept, yet taint answers are not exact (full %v, graph %v)", n, k, full.taintExact(), next.ix.taintExact())
			}
			for d, as := range full.askers {
				for _, a := range as {
					if !slices.Contains(next.ix.askers[d], a) {
						t.Errorf("server %d edit %d: askers[%d] lacks %d", n, k, d, a)
					}
				}
			}
		}
	}
	if graphs == 0 {
		t.Fatal("no edit was linked by graphLink")
	}
}

// fieldValue reads an unexported field of an addressable struct.
func fieldValue(f reflect.Value) any {
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface()
}

// sameValue is reflect.DeepEqual but for empty and nil slices and maps,
// which a link need not tell apart.
func sameValue(a, b reflect.Value) bool {
	if !a.IsValid() || !b.IsValid() {
		return a.IsValid() == b.IsValid()
	}
	switch a.Kind() {
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !sameValue(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			if !sameValue(a.MapIndex(k), b.MapIndex(k)) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if !sameValue(reflect.ValueOf(fieldValue(addressable(a).Field(i))), reflect.ValueOf(fieldValue(addressable(b).Field(i)))) {
				return false
			}
		}
		return true
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return a.Pointer() == b.Pointer() || sameValue(a.Elem(), b.Elem())
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

func addressable(v reflect.Value) reflect.Value {
	if v.CanAddr() {
		return v
	}
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	return c
}
