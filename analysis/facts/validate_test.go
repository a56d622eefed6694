package facts

import (
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/source"
)

func TestValidate(t *testing.T) {
	sp := func(a, b int) source.Span {
		return source.Span{Start: source.Pos{Offset: a}, End: source.Pos{Offset: b}}
	}
	good := func() *File {
		return &File{Path: "a.js", Lang: source.JavaScript,
			Functions: []Function{{Parent: -1, Span: sp(0, 10)}, {Parent: 0, Span: sp(2, 8)}},
			Calls:     []Call{{Module: "fs", Member: "readFile", Func: 1, Span: sp(3, 7), Args: []Arg{{Func: -1, Refs: []ParamRef{{Fn: 1, Param: 0}}}}}},
			Tools:     []Tool{{Name: "t", Handler: 1, Dispatcher: -1}},
			Exports:   map[string]int{"f": 1},
			Types:     map[string]string{"pool": "pg\x00Pool()", "store": "type:Store\x00"},
			Suppressions: []Suppression{{Line: 0, Capabilities: []string{}, Span: sp(0, 2)},
				{Line: 0, Capabilities: []string{"x"}, Span: sp(8, 10)}},
		}
	}
	if err := Validate(good(), 10); err != nil {
		t.Fatalf("valid facts: %v", err)
	}
	if f := good(); func() error { f.Tools[0].ViaModule = "pkg.registry"; return Validate(f, 10) }() != nil {
		t.Fatalf("a dotted via module is valid: %v", Validate(f, 10))
	}
	for _, tc := range []struct {
		name, want string
		mut        func(f *File)
	}{
		{"no top level", "top level", func(f *File) { f.Functions[0].Parent = 0 }},
		{"span past the end", "out of the source", func(f *File) { f.Calls[0].Span = sp(3, 11) }},
		{"reversed span", "out of the source", func(f *File) { f.Functions[1].Span = sp(8, 2) }},
		{"call in no function", "function 5 out of 2", func(f *File) { f.Calls[0].Func = 5 }},
		{"ref to no function", "function 7", func(f *File) { f.Calls[0].Args[0].Refs[0].Fn = 7 }},
		{"long ref path", "at most 4", func(f *File) { f.Calls[0].Args[0].Refs[0].Path = []string{"a", "b", "c", "d", "e"} }},
		{"handler out of range", "handler", func(f *File) { f.Tools[0].Handler = 2 }},
		{"relative via module", "via module", func(f *File) { f.Tools[0].ViaModule = ".rpc" }},
		{"via module with a call", "via module", func(f *File) { f.Tools[0].ViaModule = "pkg.make()" }},
		{"export out of range", "export f", func(f *File) { f.Exports["f"] = -1 }},
		{"own parent", "its own parent", func(f *File) { f.Functions[1].Parent = 1 }},
		{"suppressions unsorted", "source order", func(f *File) { f.Suppressions[0], f.Suppressions[1] = f.Suppressions[1], f.Suppressions[0] }},
		{"nil capabilities", "never nil", func(f *File) { f.Suppressions[0].Capabilities = nil }},
		{"unknown language", "unknown language", func(f *File) { f.Lang = "cobol" }},
		{"env without default", "without a known default", func(f *File) { f.Calls[0].Args[0].Env = "API_URL" }},
		{"type without member part", "Module", func(f *File) { f.Types["pool"] = "pg.Pool()" }},
		{"type of no module", "Module", func(f *File) { f.Types["pool"] = "\x00Pool()" }},
		{"bare type root", "Module", func(f *File) { f.Types["store"] = "type:\x00" }},
	} {
		f := good()
		tc.mut(f)
		err := Validate(f, 10)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
		}
	}
}
