package ranged

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/source"
)

// TestURLHelperEdits: a call's value built by a URL helper of the file
// (jsts rettmpl.go) depends on the helper's returns, in another chunk, and
// on the path the call passes. Typing in either, and in a method helper of
// a class, must give what a whole-file extraction gives.
func TestURLHelperEdits(t *testing.T) {
	text := `const BASE = "https://api.example.com";
function endpoint(path) {
  return BASE + path;
}
const alt = (p) => ` + "`https://alt.example.com${p}`" + `;
export async function list() {
  return fetch(endpoint("/v1/items"));
}
export async function other(id) {
  return fetch(alt("/x/" + id));
}
class Api {
  url(p) { return "https://c.example.com" + p; }
  async get() { return fetch(this.url("/users")); }
}
`
	cf := corpusFile{"helper.js", source.JavaScript, text}
	orig := []byte(text)
	f, origSt := full(t, cf.name, cf.lang, orig)
	if origSt == nil {
		t.Fatal("the text does not parse")
	}
	seen := map[string]bool{}
	for _, c := range f.Calls {
		if c.Member == "fetch" && len(c.Args) > 0 && c.Args[0].Known {
			seen[c.Args[0].Value] = true
		}
	}
	for _, v := range []string{"https://api.example.com/v1/items", "https://alt.example.com/x/", "https://c.example.com/users"} {
		if !seen[v] {
			t.Errorf("no fetch of %q: %v", v, seen)
		}
	}
	y := newTally(t, cf)
	for _, at := range []string{"/v1/items", "BASE + path", "https://alt", "/x/", "\"/users\"", "c.example.com\" + p"} {
		i := bytes.Index(orig, []byte(at))
		if i < 0 {
			t.Fatalf("%q not in the text", at)
		}
		st := origSt
		for c, typed := 1, "?x=1/ "; c <= len(typed); c++ {
			next := append(append(append([]byte{}, orig[:i]...), typed[:c]...), orig[i:]...)
			want, wantSt := full(t, cf.name, cf.lang, next)
			st = y.step(st, next, want, wantSt, fmt.Sprintf("typing %q before %q", typed[:c], at))
		}
	}
	if y.mismatches > 0 {
		t.Errorf("%d ranged results differ from whole-file extractions", y.mismatches)
	}
	y.report("keystrokes", 0)
}
