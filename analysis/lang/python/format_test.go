package python

import "testing"

// TestFormatValues: "%" and str.format fill in known values, urljoin keeps
// the base's host only for a known relative reference (a computed one may be
// an absolute URL of another host), os.path.join is known
// only when every part is (a later absolute part would replace the start).
func TestFormatValues(t *testing.T) {
	src := `import requests, os
from urllib.parse import urljoin
BASE = "https://api.one.com"
def f(q, name):
    requests.get("%s/x" % BASE)
    requests.get("%s/u/%s" % (BASE, q))
    requests.get("%d%%" % 5)
    requests.get("{}/x".format(BASE))
    requests.get("{0}/u/{1}".format(BASE, q))
    requests.get("{base}/x".format(base=BASE))
    requests.get(urljoin(BASE, "/v1/items"))
    requests.get(urljoin(BASE, q))
    requests.get(urljoin("https://api.two.com/v1/", "items"))
    requests.get(urljoin(BASE, "https://other.example/x"))
    requests.get(urljoin(BASE, "//other.example/x"))
    requests.get(urljoin(BASE, "javascript:x"))
    requests.get(os.path.join("/var/data", "notes.txt"))
    requests.get(os.path.join("/var/data", name))
    requests.get(os.path.join("/var/data", "/etc/passwd"))
    requests.get("%s" % q)
`
	want := []string{
		`"https://api.one.com/x"`,
		`"https://api.one.com/u/"…`,
		`"5%"`,
		`"https://api.one.com/x"`,
		`"https://api.one.com/u/"…`,
		`?`,
		`"https://api.one.com/"…`,
		`?`,
		`"https://api.two.com/"…`,
		`"https://other.example/x"`,
		`?`,
		`?`,
		`"/var/data/notes.txt"`,
		`?`,
		`"/etc/passwd"`,
		`?`,
	}
	f := extractSrc(t, "t.py", []byte(src))
	var got []string
	for _, c := range f.Calls {
		if c.Member != "get" || len(c.Args) == 0 {
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
			t.Errorf("call %d (line %d): %s, want %s", i+1, i+5, got[i], want[i])
		}
	}
}
