package golang

import (
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// TestTypeTable checks File.Types: what values of the file's types are.
func TestTypeTable(t *testing.T) {
	const gh = "github.com/google/go-github/v79/github\x00Client()"
	src := hdr + `import ("context"; "io"; "net/http"; "github.com/google/go-github/v79/github")
type GetClientFn func(context.Context) (*github.Client, error)
type Fn2 func() (c *http.Client)
type C = github.Client
type P *http.Client
type Named GetClientFn
type S struct {
	gh, gh2 *github.Client
	get GetClientFn
	raw func() *http.Client
	*http.Client
	n int
	names []string
}
type I interface{ Do() }
type Prov interface {
	Get(name string) (*S, error)
	HTTP() *http.Client
	Close()
	io.Reader
}
type Str string
func (s *S) GH() *github.Client { return s.gh }
func (s S) none() {}
`
	f := extract(t, "x/types.go", []byte(src))
	want := map[string]string{
		"GetClientFn()": gh,
		"Fn2()":         "net/http\x00Client()",
		"C":             gh,
		"P":             "net/http\x00Client()",
		"Named":         "type:GetClientFn\x00",
		"S.gh":          gh,
		"S.gh2":         gh,
		"S.get":         "type:GetClientFn\x00",
		"S.raw()":       "net/http\x00Client()",
		"S.Client":      "net/http\x00Client()",
		"S.GH()":        gh,
		"Prov.Get()":    "type:S\x00",
		"Prov.HTTP()":   "net/http\x00Client()",
	}
	for k, v := range want {
		if f.Types[k] != v {
			t.Errorf("Types[%q] = %q, want %q", k, f.Types[k], v)
		}
	}
	for k := range f.Types {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected Types[%q] = %q", k, f.Types[k])
		}
	}
}

// TestTypeRootedCalls checks calls through values whose type is declared in
// another file of the package, interface-typed fields and merged reassignments.
func TestTypeRootedCalls(t *testing.T) {
	src := hdr + `import ("context"; "os"; "net/http")
type kb struct{ s store; cfg Config }
type store interface{ Read() ([]byte, error) }
func get(ctx context.Context, getClient GetClientFn, srv *Server, d Deps) {
	client, _ := getClient(ctx)
	client.Users.Get(ctx, "")
	srv.client.Do(nil)
	srv.getClient(ctx).Repositories.Get(ctx)
	srv.Close()
	d.Users.List(ctx)
	h := srv.handle
	h(ctx)
	getClient(ctx)
}
func (k *kb) load(name string) {
	k.s.Read()
	k.cfg.HTTP.Get(name)
}
func reassign(ctx context.Context, path string) {
	p := path
	if p == "." {
		p, _ = os.Getwd()
	}
	os.ReadFile(p)
	hc := &http.Client{}
	hc = other()
	hc.Get("https://x")
	q, err := os.Getwd()
	r, err := os.Getwd()
	_, _, _ = q, r, err
}
`
	f := extract(t, "x/h.go", []byte(src))
	for _, c := range []struct{ mod, member string }{
		{"type:GetClientFn", "().Users.Get"},
		{"type:Server", ".client.Do"},
		{"type:Server", ".getClient().Repositories.Get"},
		{"type:Deps", ".Users.List"},
		{"type:Config", ".HTTP.Get"},
		{"net/http", "Client().Get"},
	} {
		oneCall(t, f, c.mod, c.member)
	}
	// Invoking a value is not a call of a library symbol; methods of project
	// types stay LocalCalls.
	for _, c := range f.Calls {
		if c.Member == "()" || c.Member == ".Close" || c.Member == ".handle" || c.Member == ".getClient" {
			t.Errorf("unexpected call %s %q", c.Module, c.Member)
		}
	}
	g := funcIndex(t, f, "get")
	calls := map[string]facts.Callee{}
	for _, lc := range f.Functions[g].LocalCalls {
		calls[lc.Callee.Name] = lc.Callee
	}
	for name, class := range map[string]string{"Close": "Server", "getClient": "Server", "handle": "Server", "Do": "", "Get": ""} {
		if c, ok := calls[name]; !ok || c.Kind != "method" || c.Class != class {
			t.Errorf("local call %s = %+v (present %v), want method class %q", name, c, ok, class)
		}
	}
	l := funcIndex(t, f, "load")
	found := false
	for _, lc := range f.Functions[l].LocalCalls {
		if lc.Callee.Name == "Read" {
			found = true
			if lc.Callee.Kind != "method" || lc.Callee.Class != "" {
				t.Errorf("interface field call = %+v, want a class-less method call", lc.Callee)
			}
		}
	}
	if !found {
		t.Error("no local call for k.s.Read()")
	}
	ra := funcIndex(t, f, "reassign")
	if r := oneCall(t, f, "os", "ReadFile").Args[0].Refs; !hasRef(r, ref(ra, 1)) {
		t.Errorf("reassigned in a branch: refs = %+v", r)
	}
}
