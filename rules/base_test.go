package rules

import (
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

func TestRelativeRef(t *testing.T) {
	for _, tc := range []struct {
		v      string
		prefix bool
		want   bool
	}{
		{"/users", false, true},
		{"/users/", true, true},
		{"users/1", false, true},
		{"users", false, true},
		{"users", true, false}, // "users" + ":…" may become a scheme
		{"v1/", true, true},
		{"", false, true}, // the base itself
		{"", true, false},
		{"/", true, false}, // "/" + "/evil.example" is scheme-relative
		{"//evil.example/x", false, false},
		{"/\\evil.example", false, false},
		{"\\\\evil.example", false, false},
		{"https://evil.example/x", false, false},
		{"http", true, false},
		{"mailto:x", false, false},
		{" /x", false, false},
		{"?q=1", false, true},
		{"1/x", true, true},
		{"\\x", false, false},
		{"/a\tb", false, false},
	} {
		if got := relativeRef(tc.v, tc.prefix); got != tc.want {
			t.Errorf("relativeRef(%q, %v) = %v, want %v", tc.v, tc.prefix, got, tc.want)
		}
	}
}

func TestJoinBase(t *testing.T) {
	recv := func(b facts.Arg) *facts.Arg {
		return &facts.Arg{Func: -1, Props: map[string]facts.Arg{"baseURL": b}}
	}
	lit := func(v string, prefix bool) *facts.Arg {
		return &facts.Arg{Value: v, Known: true, Prefix: prefix, Func: -1}
	}
	for _, tc := range []struct {
		name string
		c    facts.Call
		a    *facts.Arg
		want *facts.Arg
	}{
		{"literal base", facts.Call{Recv: recv(*lit("https://api.example.com/", false))}, lit("/v1/items", false),
			&facts.Arg{Value: "https://api.example.com/v1/items", Known: true, Func: -1}},
		{"path with a computed end", facts.Call{Recv: recv(*lit("https://api.example.com", false))}, lit("/items/", true),
			&facts.Arg{Value: "https://api.example.com/items/", Known: true, Prefix: true, Func: -1}},
		{"env default base", facts.Call{Recv: recv(facts.Arg{Value: "https://e.example.com", Known: true, Env: "E_URL", Func: -1})}, lit("/x", false),
			&facts.Arg{Value: "https://e.example.com/x", Known: true, Env: "E_URL", Func: -1}},
		{"imported constant base", facts.Call{Recv: recv(facts.Arg{Const: &facts.ConstRef{Module: "./c.js", Name: "BASE"}, Func: -1})}, lit("/x", false),
			&facts.Arg{Const: &facts.ConstRef{Module: "./c.js", Name: "BASE"}, Value: "/x", Func: -1}},
		{"fallback base", facts.Call{Recv: recv(facts.Arg{Default: "https://d.example.com", Func: -1})}, lit("x", false),
			&facts.Arg{Default: "https://d.example.com/x", Func: -1}},
		{"absolute URL keeps its host", facts.Call{Recv: recv(*lit("https://api.example.com", false))}, lit("https://other.example.com/", false), nil},
		{"computed URL", facts.Call{Recv: recv(*lit("https://api.example.com", false))}, &facts.Arg{Func: -1}, nil},
		{"no base", facts.Call{Recv: &facts.Arg{Func: -1}}, lit("/x", false), nil},
		{"base not known", facts.Call{Recv: recv(facts.Arg{Func: -1})}, lit("/x", false), nil},
		{"options set it again", facts.Call{Recv: recv(*lit("https://api.example.com", false)),
			Args: []facts.Arg{*lit("/x", false), {Func: -1, Props: map[string]facts.Arg{"baseURL": {Func: -1}}}}}, lit("/x", false), nil},
		{"options not seen", facts.Call{Recv: recv(*lit("https://api.example.com", false)),
			Args: []facts.Arg{*lit("/x", false), {Func: -1, Props: map[string]facts.Arg{facts.OpenProps: {Func: -1}}}}}, lit("/x", false), nil},
	} {
		got := joinBase(&tc.c, "baseURL", tc.a)
		switch {
		case (got == nil) != (tc.want == nil):
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		case got != nil && (got.Value != tc.want.Value || got.Known != tc.want.Known || got.Prefix != tc.want.Prefix || got.Env != tc.want.Env ||
			got.Default != tc.want.Default || (got.Const == nil) != (tc.want.Const == nil) || got.Const != nil && *got.Const != *tc.want.Const):
			t.Errorf("%s: got %+v, want %+v", tc.name, *got, *tc.want)
		}
	}
}
