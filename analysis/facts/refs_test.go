package facts

import (
	"reflect"
	"testing"
)

func TestUnionRefs(t *testing.T) {
	r := func(fn, p int, path ...string) ParamRef { return ParamRef{Fn: fn, Param: p, Path: path} }
	a := []ParamRef{r(1, 0, "path"), r(1, 1)}
	for _, tc := range []struct {
		name    string
		a, b    []ParamRef
		max     int
		want    []ParamRef
		aliasOf string // "a" or "b" when the result must be that slice
	}{
		{"empty b", a, nil, 8, a, "a"},
		{"empty a", nil, a, 8, a, "b"},
		{"nothing new", a, []ParamRef{r(1, 0, "path")}, 8, a, "a"},
		{"adds new", a, []ParamRef{r(1, 0, "path"), r(2, 0, "url")}, 8, []ParamRef{r(1, 0, "path"), r(1, 1), r(2, 0, "url")}, ""},
		{"dedupes within b", a, []ParamRef{r(3, 0), r(3, 0)}, 8, []ParamRef{r(1, 0, "path"), r(1, 1), r(3, 0)}, ""},
		{"capped", a, []ParamRef{r(3, 0), r(4, 0)}, 3, []ParamRef{r(1, 0, "path"), r(1, 1), r(3, 0)}, ""},
		{"a already full", a, []ParamRef{r(3, 0)}, 2, a, "a"},
	} {
		got := UnionRefs(tc.a, tc.b, tc.max)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
		if tc.aliasOf == "a" && len(got) > 0 && &got[0] != &tc.a[0] || tc.aliasOf == "b" && len(got) > 0 && &got[0] != &tc.b[0] {
			t.Errorf("%s: copied instead of returning %s", tc.name, tc.aliasOf)
		}
	}
	if len(a) != 2 || a[0].Path[0] != "path" {
		t.Error("UnionRefs modified its input")
	}
}

func TestExtendRefs(t *testing.T) {
	in := []ParamRef{{Fn: 1, Param: 0, Path: []string{"params"}}, {Fn: 1, Param: -1, Path: []string{"a", "b", "c", "d"}}}
	got := ExtendRefs(in, "arguments", "url")
	want := []ParamRef{{Fn: 1, Param: 0, Path: []string{"params", "arguments", "url"}}, {Fn: 1, Param: -1, Path: []string{"a", "b", "c", "d"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ExtendRefs = %v, want %v", got, want)
	}
	if len(in[0].Path) != 1 {
		t.Error("ExtendRefs modified its input")
	}
	if ExtendRefs(nil, "x") != nil {
		t.Error("ExtendRefs(nil) is not nil")
	}
	if !in[0].Equal(ParamRef{Fn: 1, Path: []string{"params"}}) || in[0].Equal(in[1]) {
		t.Error("Equal is wrong")
	}
}
