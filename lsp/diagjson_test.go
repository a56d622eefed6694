package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// checkEncoding asserts that appendDiagnostic writes exactly the bytes of
// json.Marshal, and that both decode to the same value.
func checkEncoding(t *testing.T, d protocol.Diagnostic) {
	t.Helper()
	want, wantErr := json.Marshal(d)
	got, err := appendDiagnostic([]byte("prefix"), &d)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("error %v, encoding/json's %v", err, wantErr)
	}
	if err != nil {
		return
	}
	if !bytes.HasPrefix(got, []byte("prefix")) {
		t.Fatalf("the buffer's contents were not kept: %q", got)
	}
	got = got[len("prefix"):]
	if !bytes.Equal(got, want) {
		t.Fatalf("encoded\n%s\nencoding/json:\n%s", got, want)
	}
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatalf("invalid JSON %s: %v", got, err)
	}
	if err := json.Unmarshal(want, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("decodes to %v, encoding/json's to %v", a, b)
	}
}

func TestAppendDiagnosticTable(t *testing.T) {
	var nilData *DiagnosticData
	full := &DiagnosticData{
		Kind: "capability", Capability: "file.write", Class: "file", Rule: "js.fs.write", API: "fs.writeFile",
		Risk: "high", Tools: []string{"save", "", `we"ird`}, Server: true, Manifest: "undeclared",
		UndeclaredFor: []string{"", "save"}, Scope: "/srv/data/*", ScopeKind: "path", ScopeUnknown: "climbs out of ${HOME}",
		ScopeEnv: "DATA_DIR", ScopeOverride: "baseURL", Scopes: []string{"/srv/data/*", "/tmp/*"}, ScopeDynamic: true, Tainted: true,
		TaintTool: "save", TaintSource: "path", TaintRole: "target", ManifestURI: "file:///w/mcp-capabilities.yaml",
	}
	// Every field set: a field the hand-written encoder leaves out fails
	// the comparison with encoding/json below.
	fv := reflect.ValueOf(full).Elem()
	for i := 0; i < fv.NumField(); i++ {
		if fv.Field(i).IsZero() {
			t.Fatalf("the full DiagnosticData leaves %s unset", fv.Type().Field(i).Name)
		}
	}
	rng := protocol.Range{Start: protocol.Position{Line: 3, Character: 7}, End: protocol.Position{Line: 4294967295, Character: 0}}
	for name, d := range map[string]protocol.Diagnostic{
		"zero":    {},
		"minimal": {Range: rng, Message: "m"},
		"full": {
			Range: rng, Severity: protocol.DiagnosticSeverityError, Code: "file.write",
			CodeDescription: &protocol.CodeDescription{Href: "https://example.com/docs#a&b<c>"},
			Source:          "mcpriv", Message: "fs.writeFile: writes files",
			Tags: []protocol.DiagnosticTag{protocol.DiagnosticTagUnnecessary, protocol.DiagnosticTagDeprecated},
			RelatedInformation: []protocol.DiagnosticRelatedInformation{
				{Location: protocol.Location{URI: "file:///a%20b.ts", Range: rng}, Message: `tool "save" reaches this call`},
				{Location: protocol.Location{URI: "file:///c.ts"}, Message: ""},
			},
			Data: full,
		},
		"empty data":          {Data: &DiagnosticData{}},
		"data by value":       {Data: *full},
		"typed nil data":      {Data: nilData},
		"foreign data":        {Data: map[string]any{"z": 1, "a": []int{1}, "h": "<&>"}},
		"raw data":            {Data: json.RawMessage(`{ "spaced" : [1, 2] }`)},
		"numeric code":        {Code: int32(42)},
		"float code":          {Code: 1.5},
		"empty string code":   {Code: ""},
		"empty slices":        {Tags: []protocol.DiagnosticTag{}, RelatedInformation: []protocol.DiagnosticRelatedInformation{}, Data: &DiagnosticData{Tools: []string{}, UndeclaredFor: []string{}}},
		"fractional severity": {Severity: 2.5},
		"tiny severity":       {Severity: 1e-7},
		"huge severity":       {Severity: 1e21},
		"negative severity":   {Severity: -3},
		"NaN severity":        {Severity: protocol.DiagnosticSeverity(math.NaN())},
		"infinite tag":        {Tags: []protocol.DiagnosticTag{protocol.DiagnosticTag(math.Inf(1))}},
		"escapes": {
			Message: "a\"b\\c\n\r\t\b\f\x00\x1f\x7f<>&\u2028\u2029é中😀\xff\xc3(end",
			Source:  "\u2028", Data: &DiagnosticData{Kind: "\x01", Scope: "'\"'"},
		},
	} {
		t.Run(name, func(t *testing.T) { checkEncoding(t, d) })
	}
}

func TestAppendDiagnosticErrors(t *testing.T) {
	for _, d := range []protocol.Diagnostic{
		{Severity: protocol.DiagnosticSeverity(math.NaN())},
		{Tags: []protocol.DiagnosticTag{protocol.DiagnosticTag(math.Inf(-1))}},
		{Code: make(chan int)},
		{Data: func() {}},
	} {
		if _, err := appendDiagnostic(nil, &d); err == nil {
			t.Errorf("%+v encoded without an error", d)
		}
	}
}

// randomText draws from what breaks JSON encoders: quotes, backslashes,
// control characters, HTML characters, U+2028/9, multi-byte and invalid
// UTF-8.
func randomText(r *rand.Rand) string {
	pieces := []string{"a", "Z", "0", " ", "/", "\"", "\\", "\n", "\r", "\t", "\b", "\f", "\x00", "\x01", "\x1f", "\x7f",
		"<", ">", "&", "'", "\u2028", "\u2029", "é", "中", "😀", "\ufeff", "\ufffd", "\xff", "\xc3", "\xe2\x80", "\xed\xa0\x80"}
	n := r.Intn(12)
	if r.Intn(10) == 0 {
		n = 200
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(pieces[r.Intn(len(pieces))])
	}
	return b.String()
}

func randomStrings(r *rand.Rand) []string {
	switch r.Intn(4) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	out := make([]string, 1+r.Intn(4))
	for i := range out {
		out[i] = randomText(r)
	}
	return out
}

func randomDiagnostic(r *rand.Rand) protocol.Diagnostic {
	pos := func() protocol.Position {
		return protocol.Position{Line: uint32(r.Int63n(1 << 32)), Character: uint32(r.Intn(300))}
	}
	d := protocol.Diagnostic{
		Range:    protocol.Range{Start: pos(), End: pos()},
		Severity: protocol.DiagnosticSeverity(r.Intn(5)),
		Message:  randomText(r),
	}
	if r.Intn(2) == 0 {
		d.Source = randomText(r)
	}
	switch r.Intn(4) {
	case 1:
		d.Code = randomText(r)
	case 2:
		d.Code = int32(r.Intn(1000))
	case 3:
		d.Code = ""
	}
	if r.Intn(2) == 0 {
		d.CodeDescription = &protocol.CodeDescription{Href: protocol.URI(randomText(r))}
	}
	if k := r.Intn(3); k > 0 {
		d.Tags = make([]protocol.DiagnosticTag, k-1)
		for i := range d.Tags {
			d.Tags[i] = protocol.DiagnosticTag(1 + r.Intn(2))
		}
	}
	if k := r.Intn(4); k > 0 {
		d.RelatedInformation = make([]protocol.DiagnosticRelatedInformation, k-1)
		for i := range d.RelatedInformation {
			d.RelatedInformation[i] = protocol.DiagnosticRelatedInformation{
				Location: protocol.Location{URI: protocol.DocumentURI(randomText(r)), Range: protocol.Range{Start: pos(), End: pos()}},
				Message:  randomText(r),
			}
		}
	}
	maybe := func() string {
		if r.Intn(3) == 0 {
			return ""
		}
		return randomText(r)
	}
	switch r.Intn(4) {
	case 1:
		var nilData *DiagnosticData
		d.Data = nilData
	case 2, 3:
		d.Data = &DiagnosticData{
			Kind: maybe(), Capability: maybe(), Class: maybe(), Rule: maybe(), API: maybe(), Risk: maybe(),
			Tools: randomStrings(r), Server: r.Intn(2) == 0, Manifest: maybe(), UndeclaredFor: randomStrings(r),
			Scope: maybe(), ScopeKind: maybe(), ScopeUnknown: maybe(), ScopeEnv: maybe(), ScopeOverride: maybe(),
			Scopes: randomStrings(r), ScopeDynamic: r.Intn(2) == 0, Tainted: r.Intn(2) == 0, TaintTool: maybe(), TaintSource: maybe(), TaintRole: maybe(),
			ManifestURI: protocol.DocumentURI(maybe()),
		}
	}
	return d
}

func TestAppendDiagnosticRandom(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for i := 0; i < n; i++ {
		d := randomDiagnostic(r)
		t.Run("", func(t *testing.T) { checkEncoding(t, d) })
		if t.Failed() {
			t.Fatalf("diagnostic %d: %#v", i, d)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "\"\\", "\x00\x1f\x7f", "<a href='x'>&amp;</a>", "\u2028\u2029", "é中😀", "\xff\xfe", "\xed\xa0\x80", "a\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: encoded %s, encoding/json %s", s, got, want)
		}
		// The same string inside a diagnostic, where omitempty applies.
		checkEncoding(t, protocol.Diagnostic{Message: s, Source: s, Data: &DiagnosticData{Kind: s, Tools: []string{s}}})
	})
}

func TestAppendFloat(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 2.5, 1e-6, 9.99e-7, 1e-7, 1.5e-300, 1e20, 1e21, 1.25e21, -1e21, math.MaxFloat64, math.SmallestNonzeroFloat64, 123456789.125} {
		want, _ := json.Marshal(f)
		got, err := appendFloat(nil, f)
		if err != nil || string(got) != string(want) {
			t.Errorf("%v: %s, %v; encoding/json %s", f, got, err, want)
		}
	}
}

// testFinding is a capability finding with every field the key covers set.
func testFinding() finding.Finding {
	return finding.Finding{
		Kind: finding.KindCapability, File: "src/a.ts",
		Span:       source.Span{Start: source.Pos{Offset: 10, Line: 1, Col: 2, Col16: 2}, End: source.Pos{Offset: 20, Line: 1, Col: 12, Col16: 13}},
		CallSpan:   source.Span{Start: source.Pos{Offset: 9}, End: source.Pos{Offset: 30}},
		Capability: capability.FileWrite, Class: capability.File, API: "fs.writeFile", Rule: "js.fs.write",
		Message: "writes", Risk: capability.High, Severity: finding.Warning, Tools: []string{"save", "load"}, Server: true,
		Tainted: true, TaintSource: "path", TaintTool: "save", TaintRole: finding.TaintTarget, Scope: "/srv/*", ScopeKind: "path",
		Manifest: finding.Undeclared, UndeclaredFor: []string{"", "save"}, Suppression: "because",
	}
}

// TestDiagKeyCoversFinding changes each field of a finding in turn: a field
// the key leaves out must not change the cached part of the diagnostic (all
// but the range and the related information), any other must change the
// key. A field added to finding.Finding fails here until it is placed.
func TestDiagKeyCoversFinding(t *testing.T) {
	s := &Server{}
	rr := &rootResult{toolLoc: map[string]protocol.Location{
		"save": {URI: "file:///w/src/tools.ts", Range: protocol.Range{Start: protocol.Position{Line: 5, Character: 12}}},
	}}
	const manifest = protocol.DocumentURI("file:///w/mcp-capabilities.yaml")
	encode := func(rr *rootResult, f *finding.Finding) string {
		d := s.toDiagnostic(rr, f, manifest)
		b, err := appendDiagnosticHead(nil, &d)
		if err == nil {
			b, err = appendDiagnosticTail(append(b, '|'), &d)
		}
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	base := testFinding()
	baseKey, baseJSON := string(diagKey(nil, rr, &base, manifest)), encode(rr, &base)
	ignored := func(path string) bool {
		switch path {
		case "File", "Suppression", "Command", "ScopeUsers": // Command feeds the hint check, ScopeUsers the manifest check, not the diagnostic
			return true
		}
		return strings.HasPrefix(path, "CallSpan.") || strings.HasPrefix(path, "Span.") || strings.HasPrefix(path, "Func.")
	}

	var visit func(path string, v reflect.Value)
	check := func(path string) {
		f := base
		set(t, reflect.ValueOf(&f).Elem(), strings.Split(path, "."))
		key, js := string(diagKey(nil, rr, &f, manifest)), encode(rr, &f)
		if ignored(path) {
			if js != baseJSON {
				t.Errorf("%s is left out of the key but changes the diagnostic:\n%s\n%s", path, baseJSON, js)
			}
			return
		}
		if key == baseKey {
			t.Errorf("changing %s leaves the key unchanged", path)
		}
	}
	visit = func(path string, v reflect.Value) {
		if v.Kind() == reflect.Struct {
			for i := 0; i < v.NumField(); i++ {
				visit(strings.TrimPrefix(path+"."+v.Type().Field(i).Name, "."), v.Field(i))
			}
			return
		}
		check(path)
	}
	visit("", reflect.ValueOf(base))

	// What the diagnostic takes from outside the finding.
	if k := string(diagKey(nil, rr, &base, "file:///w/other.yaml")); k == baseKey {
		t.Error("the manifest URI is not in the key")
	}
	moved := &rootResult{toolLoc: map[string]protocol.Location{"save": {URI: "file:///w/src/tools.ts", Range: protocol.Range{Start: protocol.Position{Line: 6, Character: 12}}}}}
	gone := &rootResult{toolLoc: map[string]protocol.Location{}}
	for _, other := range []*rootResult{moved, gone} {
		if encode(other, &base) != baseJSON {
			t.Errorf("the tools' locations change the cached part:\n%s\n%s", baseJSON, encode(other, &base))
		}
	}
	// Adjacent strings cannot trade characters.
	a, b := base, base
	a.Rule, a.API = "ab", "c"
	b.Rule, b.API = "a", "bc"
	if string(diagKey(nil, rr, &a, manifest)) == string(diagKey(nil, rr, &b, manifest)) {
		t.Error("length prefixes missing: Rule/API boundaries collide")
	}
}

// set changes the field at path of v to a different value.
func set(t *testing.T, v reflect.Value, path []string) {
	for _, name := range path {
		v = v.FieldByName(name)
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "~")
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(v.Int() + 1)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Slice:
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(n, v)
		if n.Len() > 0 && n.Index(0).Kind() == reflect.String {
			n.Index(0).SetString(n.Index(0).String() + "~")
		} else {
			n = reflect.Append(n, reflect.Zero(v.Type().Elem()))
		}
		v.Set(n)
	case reflect.Map:
		n := reflect.MakeMap(v.Type())
		for _, k := range v.MapKeys() {
			n.SetMapIndex(k, v.MapIndex(k))
		}
		n.SetMapIndex(reflect.ValueOf("~").Convert(v.Type().Key()), reflect.Zero(v.Type().Elem()))
		v.Set(n)
	default:
		t.Fatalf("field %s of kind %s: teach set and diagKey about it", strings.Join(path, "."), v.Kind())
	}
}

// frameRecorder collects the frames written to a headerStream.
type frameRecorder struct {
	mu     sync.Mutex
	frames [][]byte
}

func (r *frameRecorder) Read([]byte) (int, error) { return 0, io.EOF }
func (r *frameRecorder) Close() error             { return nil }
func (r *frameRecorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.frames = append(r.frames, bytes.Clone(p))
	return len(p), nil
}

func (r *frameRecorder) take(t *testing.T) [][]byte {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var bodies [][]byte
	for _, f := range r.frames {
		in := bufio.NewReader(bytes.NewReader(f))
		line, _ := in.ReadString('\n')
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "Content-Length:")))
		if blank, _ := in.ReadString('\n'); err != nil || blank != "\r\n" {
			t.Fatalf("bad frame header %q", f[:min(len(f), 40)])
		}
		body, _ := io.ReadAll(in)
		if len(body) != n {
			t.Fatalf("Content-Length %d, body of %d bytes", n, len(body))
		}
		bodies = append(bodies, body)
	}
	r.frames = nil
	return bodies
}

// TestPublishMatchesEncodingJSON publishes through the cache and checks each
// message against encoding/json's encoding of the same notification, across
// results that share, change, add and drop findings.
func TestPublishMatchesEncodingJSON(t *testing.T) {
	s := newServer(Options{})
	defer s.stop()
	rec := &frameRecorder{}
	s.stream = newHeaderStream(rec, nil)
	root := t.TempDir()
	pathA, pathB := filepath.Join(root, "src", "a.ts"), filepath.Join(root, "b.py")
	s.files[pathA] = &fileFacts{open: true, version: 0}

	// n findings, every third in b.py; shift moves them all down, toolLine
	// moves the tool's registration (-1: not registered).
	mk := func(n int, msg string, shift, toolLine int) *finding.Result {
		res := &finding.Result{Root: root}
		if toolLine >= 0 {
			res.Tools = []finding.Tool{{Name: "save", File: "src/tools.ts", NameSpan: source.Span{
				Start: source.Pos{Line: toolLine}, End: source.Pos{Offset: 4, Line: toolLine, Col16: 4}}}}
		}
		for i := 0; i < n; i++ {
			f := testFinding()
			f.Span.Start.Line, f.Span.End.Line = i+shift, i+shift
			f.Message = fmt.Sprintf("%s %d \u2028<%c>", msg, i, rune('a'+i%26))
			if i%3 == 0 {
				f.File = "b.py"
				f.Kind, f.Capability, f.Manifest = finding.KindUnusedGrant, "", ""
			}
			res.Findings = append(res.Findings, f)
		}
		return res
	}
	want := func(rr *rootResult, path string) string {
		var version *int32
		if ff := s.files[path]; ff != nil && ff.open {
			v := ff.version
			version = &v
		}
		params := publishDiagnosticsParams{URI: pathToURI(path), Version: version, Diagnostics: []protocol.Diagnostic{}}
		for _, f := range rr.byFile[path] {
			params.Diagnostics = append(params.Diagnostics, s.toDiagnostic(rr, f, pathToURI(filepath.Join(root, ManifestName))))
		}
		b, err := json.Marshal(struct {
			JSONRPC string                   `json:"jsonrpc"`
			Method  string                   `json:"method"`
			Params  publishDiagnosticsParams `json:"params"`
		}{"2.0", protocol.MethodTextDocumentPublishDiagnostics, params})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	var prev *rootResult
	for step, tc := range []struct {
		res  *finding.Result
		sent []string // paths expected to be published, in order
	}{
		{mk(30, "first", 0, 0), []string{pathB, pathA}},
		{mk(30, "first", 0, 0), nil},                     // unchanged: nothing sent
		{mk(31, "first", 0, 0), []string{pathB}},         // one more finding, in b.py
		{mk(32, "first", 0, 0), []string{pathA}},         // one more, in a.ts
		{mk(32, "first", 1, 0), []string{pathB, pathA}},  // a line inserted above them all
		{mk(32, "first", 1, 7), []string{pathB, pathA}},  // the tool moved
		{mk(32, "first", 1, -1), []string{pathB, pathA}}, // the tool gone
		{mk(32, "first", 1, 7), []string{pathB, pathA}},  // and back
		{mk(32, "second", 1, 7), []string{pathB, pathA}}, // every message changed
		{mk(2, "second", 1, 7), []string{pathB, pathA}},  // most findings gone
		{&finding.Result{Root: root}, []string{pathB, pathA}},
		{&finding.Result{Root: root}, nil},
	} {
		rr := s.buildRootResult(root, tc.res, prev)
		s.publish(rr, prev)
		bodies := rec.take(t)
		if len(bodies) != len(tc.sent) {
			t.Fatalf("step %d: %d messages sent, want %d", step, len(bodies), len(tc.sent))
		}
		for i, p := range tc.sent {
			if w := want(rr, p); string(bodies[i]) != w {
				at := 0
				for at < min(len(w), len(bodies[i])) && w[at] == bodies[i][at] {
					at++
				}
				t.Fatalf("step %d, %s: differs from encoding/json at byte %d:\n got …%.200s\nwant …%.200s", step, p, at, bodies[i][at:], w[at:])
			}
		}
		prev = rr
	}
}

// TestBuildRootResultSharesUndeclared checks that sharing the previous
// result's maps gives what building from scratch gives.
func TestBuildRootResultSharesUndeclared(t *testing.T) {
	s := &Server{docs: map[string]*document{}}
	root := t.TempDir()
	mk := func(extra capability.ID, forTool string) *finding.Result {
		res := &finding.Result{Root: root, Tools: []finding.Tool{{Name: "a", File: "x.ts"}, {Name: "b", File: "x.ts"}}}
		for _, c := range []capability.ID{capability.FileWrite, capability.NetworkClient, extra} {
			f := testFinding()
			f.Capability, f.UndeclaredFor = c, []string{"a", forTool}
			res.Findings = append(res.Findings, f)
		}
		return res
	}
	var prev *rootResult
	for i, res := range []*finding.Result{
		mk(capability.SystemExec, "b"), mk(capability.SystemExec, "b"), mk(capability.FileRead, "b"),
		mk(capability.FileRead, ""), mk("custom.thing", ""), mk(capability.FileRead, ""), {Root: root},
	} {
		rr := s.buildRootResult(root, res, prev)
		fresh := s.buildRootResult(root, res, nil)
		if !reflect.DeepEqual(rr.undeclared, fresh.undeclared) {
			t.Fatalf("result %d: undeclared %v, from scratch %v", i, rr.undeclared, fresh.undeclared)
		}
		if rr.lenses != fresh.lenses {
			t.Fatalf("result %d: lenses %x, from scratch %x", i, rr.lenses, fresh.lenses)
		}
		if i == 1 && reflect.ValueOf(rr.undeclared["a"]).UnsafePointer() != reflect.ValueOf(prev.undeclared["a"]).UnsafePointer() {
			t.Error("an unchanged set was not shared")
		}
		if i > 0 && prev.lenses == rr.lenses && len(prev.undeclared["a"]) != len(rr.undeclared["a"]) {
			t.Errorf("result %d: the lenses key misses an undeclared count change", i)
		}
		prev = rr
	}
}
