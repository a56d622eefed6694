package golang

import "testing"

// TestSprintfAndRequestValues: Sprintf fills in known %s/%v/%d values and
// stops at the first it cannot; a request built by http.NewRequest passes
// its URL to client.Do; other values passed to Do do not.
func TestSprintfAndRequestValues(t *testing.T) {
	src := `package p

import (
	"context"
	"fmt"
	"net/http"
)

const base = "https://api.one.com"

func f(ctx context.Context, q string, r *http.Request, n int) {
	http.Get(fmt.Sprintf("%s/x", base))
	http.Get(fmt.Sprintf("%s/u/%s", base, q))
	http.Get(fmt.Sprintf("%s/p/%d", base, 7))
	http.Get(fmt.Sprintf("%q/x", base))
	http.Get(fmt.Sprintf("%[1]s/x", base))
	http.Get(fmt.Sprintf("%s/%s", q, base))
	req, _ := http.NewRequest("GET", base+"/v1/items", nil)
	http.DefaultClient.Do(req)
	req2, _ := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("https://api.two.com/%s", q), nil)
	http.DefaultClient.Do(req2)
	http.DefaultClient.Do(r)
}
`
	want := []string{
		`"https://api.one.com/x"`,
		`"https://api.one.com/u/"…`,
		`"https://api.one.com/p/7"`,
		`?`,
		`?`,
		`?`,
		`"https://api.one.com/v1/items"`,
		`"https://api.two.com/"…`,
		`?`,
	}
	f := extract(t, "p.go", []byte(src))
	var got []string
	for _, c := range f.Calls {
		if (c.Member != "Get" && c.Member != "DefaultClient.Do") || len(c.Args) == 0 {
			continue
		}
		a := c.Args[0]
		switch {
		case !a.Known || a.Value == "":
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
