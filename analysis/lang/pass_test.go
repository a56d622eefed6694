package lang_test

import (
	"testing"
)

// TestArgPass holds every extractor to facts.Arg.Pass: set on an argument
// that is a parameter (or a property path into one) passed on unchanged,
// never on a value computed from one, nor on one that may hold another
// value (a default, a merge of two parameters).
func TestArgPass(t *testing.T) {
	for _, tc := range []struct {
		path, src string
		want      []bool // Pass of the first argument of each "sink" call, in order
	}{
		{"p.py", `def f(url, p, o, c, d="x"):
    sink(url)
    sink(p + "/x")
    sink(url.strip())
    sink(o.u)
    sink(o["u"])
    sink(f"{url}")
    v = url
    sink(v)
    z = url
    if c:
        z = p
    sink(z)
    sink("https://x.example.com")
`, []bool{true, false, false, true, true, false, true, false, false}},
		{"p.ts", `function f(url: string, p: string, o: { u: string }, c: boolean, d = "x") {
  sink(url);
  sink(p + "/x");
  sink(url.trim());
  sink(o.u);
  sink(d);
  sink(` + "`${url}/y`" + `);
  sink(c ? url : p);
  const v = url;
  sink(v);
  let w = url;
  w = w + "/x";
  sink(w);
  sink("https://x.example.com");
}
function sink(s: string) {}
`, []bool{true, false, false, true, false, false, false, true, false, false}},
		{"p.go", `package p

import "strings"

type O struct{ U string }

func f(url, p string, o O, c bool) {
	sink(url)
	sink(p + "/x")
	sink(strings.TrimSpace(url))
	sink(o.U)
	v := url
	sink(v)
	z := url
	if c {
		z = p
	}
	sink(z)
	sink("https://x.example.com")
}

func sink(s string) {}
`, []bool{true, false, false, false, true, false, false}}, // o.U: a field of a struct type of the package is a constant reference (Arg.Const) to every value the package stores there
	} {
		f := extract(t, tc.path, []byte(tc.src))
		var got []bool
		for _, fn := range f.Functions {
			for _, lc := range fn.LocalCalls {
				if lc.Callee.Name == "sink" && len(lc.Args) > 0 {
					got = append(got, lc.Args[0].Pass)
				}
			}
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: %d sink calls, want %d", tc.path, len(got), len(tc.want))
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: sink call %d: Pass %v, want %v", tc.path, i+1, got[i], tc.want[i])
			}
		}
	}
}
