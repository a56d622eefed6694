package jsts

import "testing"

// TestPathJoinValues: path.join of known parts is their join; with a known
// first part and an unknown rest, the first part as a directory; nothing
// when the first part is unknown. path.resolve (which restarts at an
// absolute part) gives nothing.
func TestPathJoinValues(t *testing.T) {
	src := `import path from "node:path";
import fs from "node:fs";
export function f(name: string, dir: string) {
  fs.readFileSync(path.join("/var/data", "notes", "a.txt"));
  fs.readFileSync(path.join("/var/data", name));
  fs.readFileSync(path.join(dir, "a.txt"));
  fs.readFileSync(path.resolve("/var/data", name));
  fs.readFileSync(new URL("/v1/items", "https://api.one.com/x/").href);
}
`
	want := []string{`"/var/data/notes/a.txt"`, `"/var/data/"…`, `?`, `?`, `"https://api.one.com/v1/items"`}
	f := extractSrc(t, "t.ts", []byte(src))
	var got []string
	for _, c := range f.Calls {
		if c.Member != "readFileSync" || len(c.Args) == 0 {
			continue
		}
		a := c.Args[0]
		switch {
		case !a.Known:
			got = append(got, "?")
		case a.Prefix:
			got = append(got, `"`+a.Value+`"…`)
		default:
			got = append(got, `"`+a.Value+`"`)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d calls, want %d: %q", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("call %d: %s, want %s", i+1, got[i], want[i])
		}
	}
}
