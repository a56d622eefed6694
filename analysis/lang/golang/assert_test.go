package golang

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

func findCalls(f *facts.File, mod, member string) []facts.Call {
	var out []facts.Call
	for _, c := range f.Calls {
		if c.Module == mod && c.Member == member {
			out = append(out, c)
		}
	}
	return out
}

func oneCall(t *testing.T, f *facts.File, mod, member string) facts.Call {
	t.Helper()
	cs := findCalls(f, mod, member)
	if len(cs) != 1 {
		t.Fatalf("want one call %s %q, got %d; calls:\n%s", mod, member, len(cs), render(f))
	}
	return cs[0]
}

func noCallTo(t *testing.T, f *facts.File, mod string) {
	t.Helper()
	for _, c := range f.Calls {
		if c.Module == mod {
			t.Errorf("unexpected call %s %q at line %d", c.Module, c.Member, c.Span.Start.Line+1)
		}
	}
}

func funcIndex(t *testing.T, f *facts.File, name string) int {
	t.Helper()
	for i, fn := range f.Functions {
		if fn.Name == name {
			return i
		}
	}
	t.Fatalf("no function %q", name)
	return -1
}

func ref(fn, param int, path ...string) facts.ParamRef {
	return facts.ParamRef{Fn: fn, Param: param, Path: path}
}

func hasRef(rs []facts.ParamRef, want facts.ParamRef) bool {
	for _, r := range rs {
		if r.Fn == want.Fn && r.Param == want.Param && reflect.DeepEqual(append([]string{}, r.Path...), append([]string{}, want.Path...)) {
			return true
		}
	}
	return false
}

const hdr = "package main\n\n"

// TestResolution checks symbol resolution: import forms, instances, shadowing, look-alikes.
func TestResolution(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		check func(t *testing.T, f *facts.File)
	}{
		{"alias", `import ex "os/exec"
func f() { ex.Command("ls").Run() }`, func(t *testing.T, f *facts.File) {
			c := oneCall(t, f, "os/exec", "Command")
			if c.Args[0].Value != "ls" || !c.Args[0].Known {
				t.Errorf("arg = %+v", c.Args[0])
			}
			oneCall(t, f, "os/exec", "Command().Run")
		}},
		{"dot import", `import . "os"
func f(p string) { ReadFile(p) }`, func(t *testing.T, f *facts.File) {
			oneCall(t, f, "os", "ReadFile")
			if f.Imports[0].Local != "." {
				t.Errorf("local = %q", f.Imports[0].Local)
			}
		}},
		{"blank import", `import _ "net/http/pprof"
func f() {}`, func(t *testing.T, f *facts.File) {
			if len(f.Imports) != 1 || f.Imports[0].Local != "_" || f.Imports[0].Spec != "net/http/pprof" {
				t.Errorf("imports = %+v", f.Imports)
			}
		}},
		{"major version", `import "github.com/google/go-github/v62/github"
func f() { c := github.NewClient(nil); c.Repositories.Get(nil, "o", "r") }`, func(t *testing.T, f *facts.File) {
			oneCall(t, f, "github.com/google/go-github/v62/github", "NewClient().Repositories.Get")
		}},
		{"name differs from path", `import "github.com/acme/go-sdk-weather/v3"
func f() { weather.Forecast("x") }`, func(t *testing.T, f *facts.File) {
			oneCall(t, f, "github.com/acme/go-sdk-weather/v3", "Forecast")
		}},
		{"gopkg.in", `import "gopkg.in/yaml.v3"
func f(b []byte, v any) { yaml.Unmarshal(b, v) }`, func(t *testing.T, f *facts.File) {
			oneCall(t, f, "gopkg.in/yaml.v3", "Unmarshal")
		}},
		{"local shadows package", `import "os"
func f() { os := fake{}; os.Remove("/") }
type fake struct{}
func (fake) Remove(string) {}`, func(t *testing.T, f *facts.File) {
			noCallTo(t, f, "os")
			lc := f.Functions[funcIndex(t, f, "f")].LocalCalls
			if len(lc) != 1 || lc[0].Callee.Class != "fake" || lc[0].Callee.Name != "Remove" {
				t.Errorf("local calls = %+v", lc)
			}
		}},
		{"param shadows package", `import "net/http"
type Client interface{ Get(string) }
func f(http Client) { http.Get("https://x") }`, func(t *testing.T, f *facts.File) {
			noCallTo(t, f, "net/http")
		}},
		{"param instance", `import "net/http"
func f(c *http.Client, r *http.Request) { c.Do(r) }`, func(t *testing.T, f *facts.File) {
			oneCall(t, f, "net/http", "Client().Do")
		}},
		{"struct field instance", `import "github.com/google/go-github/v62/github"
type S struct { gh *github.Client }
func (s *S) get() { s.gh.Issues.Get(nil, "o", "r", 1) }`, func(t *testing.T, f *facts.File) {
			oneCall(t, f, "github.com/google/go-github/v62/github", "Client().Issues.Get")
		}},
		{"embedded fields", `import ("net/http"; "github.com/google/go-github/v62/github")
type base struct{ gh *github.Client }
func (b *base) helper() {}
type Srv struct {
	*base
	http.Client
}
func (s *Srv) run(r *http.Request) {
	s.gh.Users.Get(nil, "u")
	s.helper()
	s.Do(r)
}`, func(t *testing.T, f *facts.File) {
			oneCall(t, f, "github.com/google/go-github/v62/github", "Client().Users.Get")
			oneCall(t, f, "net/http", "Client().Do")
			lc := f.Functions[funcIndex(t, f, "run")].LocalCalls
			if len(lc) != 1 || lc[0].Callee.Class != "base" || lc[0].Callee.Func != funcIndex(t, f, "helper") {
				t.Errorf("promoted method call = %+v", lc)
			}
		}},
		{"package var and default client", `import "net/http"
var client = &http.Client{}
func f() { client.Get("u"); http.DefaultClient.Do(nil) }`, func(t *testing.T, f *facts.File) {
			c := oneCall(t, f, "net/http", "Client")
			if !c.New || c.Func != 0 {
				t.Errorf("composite literal call = %+v", c)
			}
			oneCall(t, f, "net/http", "Client().Get")
			oneCall(t, f, "net/http", "DefaultClient.Do")
		}},
		{"method value aliases", `import ("os"; "os/exec")
var osWriteFile = os.WriteFile
func f() { run := exec.Command; run("git"); osWriteFile("p", nil, 0) }`, func(t *testing.T, f *facts.File) {
			oneCall(t, f, "os/exec", "Command")
			oneCall(t, f, "os", "WriteFile")
		}},
		{"receiver of instance calls", `import ("net/http"; "os"; "database/sql")
func f(name string) {
	srv := &http.Server{Addr: ":8080"}
	srv.ListenAndServe()
	fh, _ := os.Create("/tmp/out.txt")
	fh.WriteString(name)
	db, _ := sql.Open("postgres", "dbname=x")
	db.Query("SELECT 1")
	os.Getenv("X")
}`, func(t *testing.T, f *facts.File) {
			if r := oneCall(t, f, "net/http", "Server().ListenAndServe").Recv; r == nil || r.Props["Addr"].Value != ":8080" {
				t.Errorf("ListenAndServe recv = %+v", r)
			}
			if r := oneCall(t, f, "os", "Create().WriteString").Recv; r == nil || r.Value != "/tmp/out.txt" || !r.Known {
				t.Errorf("WriteString recv = %+v", r)
			}
			if r := oneCall(t, f, "database/sql", "Open().Query").Recv; r == nil || r.Known {
				t.Errorf("Query recv = %+v", r)
			}
			if r := oneCall(t, f, "os", "Getenv").Recv; r != nil {
				t.Errorf("package function with a receiver: %+v", r)
			}
		}},
		{"env", `import "os"
func f() { os.Getenv("A"); os.LookupEnv("B"); os.Environ() }`, func(t *testing.T, f *facts.File) {
			for _, m := range []string{"Getenv", "LookupEnv", "Environ"} {
				oneCall(t, f, "os", m)
			}
		}},
		{"look-alikes", `import ("regexp"; "database/sql")
func Open(string) {}
type Tool struct{}
func (Tool) Exec(string) {}
var re = regexp.MustCompile("x")
func f(db *sql.DB) {
	Open("a.txt") // os.Open("b")
	Tool{}.Exec("rm")
	re.FindString("os.Remove")
	db.Exec("DELETE")
	_ = "exec.Command(\"sh\")"
}`, func(t *testing.T, f *facts.File) {
			for _, c := range f.Calls {
				switch c.Module + " " + c.Member {
				case "regexp MustCompile", "regexp MustCompile().FindString", "database/sql DB().Exec":
				default:
					t.Errorf("unexpected call %s %q", c.Module, c.Member)
				}
			}
			lc := f.Functions[funcIndex(t, f, "f")].LocalCalls
			if len(lc) != 2 || lc[0].Callee.Kind != "package" || lc[0].Callee.Name != "Open" || lc[1].Callee.Class != "Tool" {
				t.Errorf("local calls = %+v", lc)
			}
		}},
		{"same package calls", `func helper() {}
type T struct{}
func (t *T) m() { t.n(); helper(); other(); unknownRecv().x() }
func (t *T) n() {}`, func(t *testing.T, f *facts.File) {
			lc := f.Functions[funcIndex(t, f, "m")].LocalCalls
			want := []string{"method n T", "package helper ", "package other ", "package unknownRecv ", "method x "}
			var got []string
			for _, l := range lc {
				got = append(got, l.Callee.Kind+" "+l.Callee.Name+" "+l.Callee.Class)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("local calls = %q, want %q", got, want)
			}
			if lc[0].Callee.Func != funcIndex(t, f, "n") || lc[1].Callee.Func != funcIndex(t, f, "helper") || lc[2].Callee.Func != -1 {
				t.Errorf("func indices = %+v", lc)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, extract(t, "x/main.go", []byte(hdr+tt.src)))
		})
	}
}

// TestArgs checks argument values, props, elems, funcs and spreads.
func TestArgs(t *testing.T) {
	src := hdr + `import ("fmt"; "net/http"; "os/exec")
const base = "https://api.example.com"
type Host string
const typed Host = "h.example.com"
func handler(w http.ResponseWriter, r *http.Request) {}
func f(id string, args []string) {
	http.Get(base + "/v1/" + id)
	http.Get(fmt.Sprintf("https://api.x.com/%s/items", id))
	http.Get(fmt.Sprintf("https://%%d.x.com"))
	http.Get(` + "`https://raw.example.com`" + `)
	http.Get(string(typed))
	http.ListenAndServe(":8080", nil)
	srv := &http.Server{Addr: ":9090", ReadTimeout: 5}
	srv.ListenAndServe()
	exec.Command("git", args...)
	_ = exec.Cmd{Args: []string{"ls", "-l"}}
	http.HandleFunc("/", handler)
	http.HandleFunc("/x", func(w http.ResponseWriter, r *http.Request) {})
	http.Get(fmt.Sprint("a", 1))
}`
	f := extract(t, "x/main.go", []byte(src))
	gets := findCalls(f, "net/http", "Get")
	want := []struct {
		v      string
		prefix bool
	}{
		{"https://api.example.com/v1/", true},
		{"https://api.x.com/", true},
		{"https://%d.x.com", false},
		{"https://raw.example.com", false},
		{"h.example.com", false},
		{"a", true},
	}
	if len(gets) != len(want) {
		t.Fatalf("got %d Get calls", len(gets))
	}
	for i, w := range want {
		a := gets[i].Args[0]
		if !a.Known || a.Value != w.v || a.Prefix != w.prefix {
			t.Errorf("Get #%d arg = %q known=%v prefix=%v, want %q prefix=%v", i, a.Value, a.Known, a.Prefix, w.v, w.prefix)
		}
	}
	if !hasRef(gets[0].Args[0].Refs, ref(funcIndex(t, f, "f"), 0)) {
		t.Errorf("concat refs = %+v", gets[0].Args[0].Refs)
	}
	if a := oneCall(t, f, "net/http", "ListenAndServe").Args[0]; a.Value != ":8080" {
		t.Errorf("listen arg = %+v", a)
	}
	srv := oneCall(t, f, "net/http", "Server")
	if p := srv.Args[0].Props; p["Addr"].Value != ":9090" || p["ReadTimeout"].Number != "5" {
		t.Errorf("server props = %+v", p)
	}
	cmd := oneCall(t, f, "os/exec", "Command")
	if !cmd.Spread || !hasRef(cmd.Args[1].Refs, ref(funcIndex(t, f, "f"), 1)) {
		t.Errorf("spread call = %+v", cmd)
	}
	cs := oneCall(t, f, "os/exec", "Cmd")
	if el := cs.Args[0].Props["Args"].Elems; len(el) != 2 || el[0].Value != "ls" || el[1].Value != "-l" {
		t.Errorf("Cmd.Args elems = %+v", el)
	}
	hf := findCalls(f, "net/http", "HandleFunc")
	if len(hf) != 2 || hf[0].Args[1].Func != funcIndex(t, f, "handler") || hf[1].Args[1].Func < 0 || hf[0].Args[0].Func != -1 {
		t.Errorf("HandleFunc args = %+v", hf)
	}
	if c := f.Constants; c["base"] != "https://api.example.com" || c["typed"] != "h.example.com" {
		t.Errorf("constants = %v", c)
	}
}

// TestTaint checks intra-procedural taint: params, receivers, closures, returns.
func TestTaint(t *testing.T) {
	src := hdr + `import ("os"; "os/exec"; "strings"; "fmt")
type In struct{ Path string; Opts map[string]string }
type Srv struct{ root string }
func (s *Srv) h(in In, req Req) string {
	os.ReadFile(s.root + in.Path)
	p := req.Params.Arguments["path"].(string)
	os.Remove(strings.TrimSpace(p))
	m := in.Opts["mode"]
	go func() { exec.Command(fmt.Sprintf("x %s", m)).Run() }()
	a, err := split(p)
	_ = err
	os.Chmod(a, 0)
	return in.Path
}
func split(s string) (string, error) { return s, nil }
func fields(in In, name string) {
	cfg := In{Path: in.Path}
	os.Truncate(cfg.Path, 0)
	var out In
	out.Path = name
	os.Lchown(out.Path, 0, 0)
}`
	f := extract(t, "x/main.go", []byte(src))
	h := funcIndex(t, f, "h")
	if got := f.Functions[h].Params; !reflect.DeepEqual(got, []string{"in", "req"}) {
		t.Errorf("params = %q", got)
	}
	checks := []struct {
		member string
		want   facts.ParamRef
	}{
		{"ReadFile", ref(h, -1, "root")},
		{"ReadFile", ref(h, 0, "Path")},
		{"Remove", ref(h, 1, "Params", "Arguments", "path")},
		{"Chmod", ref(h, 1, "Params", "Arguments", "path")},
	}
	for _, c := range checks {
		call := oneCall(t, f, "os", c.member)
		if !hasRef(call.Args[0].Refs, c.want) {
			t.Errorf("%s refs = %+v, want %+v", c.member, call.Args[0].Refs, c.want)
		}
	}
	cmd := oneCall(t, f, "os/exec", "Command")
	if cmd.Func == h || f.Functions[cmd.Func].Parent != h {
		t.Errorf("closure call in func %d", cmd.Func)
	}
	if !hasRef(cmd.Args[0].Refs, ref(h, 0, "Opts", "mode")) {
		t.Errorf("closure refs = %+v", cmd.Args[0].Refs)
	}
	if !hasRef(f.Functions[h].Returns, ref(h, 0, "Path")) {
		t.Errorf("returns = %+v", f.Functions[h].Returns)
	}
	fi := funcIndex(t, f, "fields")
	if r := oneCall(t, f, "os", "Truncate").Args[0].Refs; len(r) != 1 || !hasRef(r, ref(fi, 0, "Path")) {
		t.Errorf("composite field refs = %+v", r)
	}
	if r := oneCall(t, f, "os", "Lchown").Args[0].Refs; !hasRef(r, ref(fi, 1)) {
		t.Errorf("field assignment refs = %+v", r)
	}
	sp := funcIndex(t, f, "split")
	if !hasRef(f.Functions[sp].Returns, ref(sp, 0)) {
		t.Errorf("split returns = %+v", f.Functions[sp].Returns)
	}
}

// TestTools checks tool registrations of both SDKs.
func TestTools(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // "name sdk handler inputs annotations"
	}{
		{"go-sdk typed", `import "github.com/modelcontextprotocol/go-sdk/mcp"
func h(ctx context.Context, req *mcp.CallToolRequest, in In) (*mcp.CallToolResult, any, error) { return nil, nil, nil }
func main() {
	s := mcp.NewServer(nil, nil)
	f := false
	mcp.AddTool(s, &mcp.Tool{Name: "greet", Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, DestructiveHint: &f}}, h)
}`, []string{"greet go-sdk h 2[] destructiveHint=false readOnlyHint=true"}},
		{"go-sdk raw in variable", `import "github.com/modelcontextprotocol/go-sdk/mcp"
const name = "raw"
func main() {
	s := mcp.NewServer(nil, nil)
	tool := &mcp.Tool{Name: name}
	s.AddTool(tool, func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) { return nil, nil })
}`, []string{"raw go-sdk #2 1[Params Arguments]"}},
		{"mcp-go", `import ("github.com/mark3labs/mcp-go/mcp"; "github.com/mark3labs/mcp-go/server")
type H struct{}
func main() {
	s := server.NewMCPServer("x", "1")
	h := &H{}
	s.AddTool(mcp.NewTool("read", mcp.WithReadOnlyHintAnnotation(true), mcp.WithOpenWorldHintAnnotation(false)), h.read)
	t := mcp.NewTool(ToolName, mcp.WithDestructiveHintAnnotation(true))
	s.AddTool(t, handleWrite)
	s.AddTools(server.ServerTool{Tool: mcp.NewTool("typed"), Handler: mcp.NewTypedToolHandler(typedH)})
}`, []string{
			"read mcp-go ref:method read H 1[Params Arguments] openWorldHint=false readOnlyHint=true",
			"ref:ToolName mcp-go ref:package handleWrite  1[Params Arguments] destructiveHint=true",
			"typed mcp-go ref:package typedH  2[]",
		}},
		{"returned tool and handler", `import ("github.com/mark3labs/mcp-go/mcp"; "github.com/mark3labs/mcp-go/server")
func GetMe() (mcp.Tool, server.ToolHandlerFunc) {
	return mcp.NewTool("get_me"), func(ctx context.Context, r mcp.CallToolRequest) (*mcp.CallToolResult, error) { return nil, nil }
}
func reg(s *server.MCPServer) {
	s.AddTool(GetMe())
	s.AddTools([]server.ServerTool{{Tool: mcp.NewTool("a"), Handler: ha}, {Tool: mcp.NewTool("b"), Handler: hb}}...)
}`, []string{
			"get_me mcp-go #2 1[Params Arguments]",
			"a mcp-go ref:package ha  1[Params Arguments]",
			"b mcp-go ref:package hb  1[Params Arguments]",
		}},
		{"go-sdk pair and older handler", `import "github.com/modelcontextprotocol/go-sdk/mcp"
func Search() (mcp.Tool, mcp.ToolHandlerFor[In, any]) {
	return mcp.Tool{Name: "search", Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true}}, search
}
func search(ctx context.Context, req *mcp.CallToolRequest, in In) (*mcp.CallToolResult, any, error) { return nil, nil, nil }
func old(ctx context.Context, ss *mcp.ServerSession, p *mcp.CallToolParamsFor[In]) (*mcp.CallToolResultFor[any], error) { return nil, nil }
func main() {
	s := mcp.NewServer(nil, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "old"}, old)
}`, []string{
			"search go-sdk search 2[] readOnlyHint=true",
			"old go-sdk old 2[Arguments]",
		}},
		{"project wrapper with dependencies", `import "github.com/modelcontextprotocol/go-sdk/mcp"
func GetTeams() ServerTool {
	return NewTool(Meta, mcp.Tool{Name: "get_teams"}, nil,
		func(ctx context.Context, deps Deps, _ *mcp.CallToolRequest, args map[string]any) (*mcp.CallToolResult, any, error) { return nil, nil, nil })
}`, []string{"get_teams go-sdk #2 3[]"}},
		{"no tool definition, no tool", `import "github.com/mark3labs/mcp-go/server"
func reg(s *server.MCPServer, t Tool) {
	s.AddTool(t, handler)
	var m Menu
	m.AddTool("x", nil)
}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := extract(t, "x/main.go", []byte(hdr+tt.src))
			var got []string
			for _, tool := range f.Tools {
				s := tool.Name
				if tool.NameRef != "" {
					s = "ref:" + tool.NameRef
				}
				s += " " + tool.SDK + " "
				switch {
				case tool.Handler >= 0 && f.Functions[tool.Handler].Name != "":
					s += f.Functions[tool.Handler].Name
				case tool.Handler >= 0:
					s += fmt.Sprintf("#%d", tool.Handler)
				case tool.HandlerRef == nil:
					t.Fatalf("tool %q has neither Handler nor HandlerRef", tool.Name)
				default:
					s += "ref:" + tool.HandlerRef.Kind + " " + tool.HandlerRef.Name + " " + tool.HandlerRef.Class
				}
				for _, in := range tool.Inputs {
					s += fmt.Sprintf(" %d%v", in.Index, in.Prefix)
				}
				for _, k := range keys(tool.Annotations) {
					s += fmt.Sprintf(" %s=%v", k, tool.Annotations[k])
					if sp := tool.AnnotationSpans[k]; sp.End.Offset <= sp.Start.Offset {
						t.Errorf("empty annotation span for %s", k)
					}
				}
				if tool.Dispatcher != -1 {
					t.Errorf("dispatcher = %d", tool.Dispatcher)
				}
				got = append(got, s)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("tools:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestFileFacts checks package, exports, params, suppressions, init and parse errors.
func TestFileFacts(t *testing.T) {
	src := `package fsx

import "os"

// mcpriv-ignore: file.read -- config is read at start-up
var cfg, _ = os.ReadFile("/etc/app.conf")

func init() { os.Getenv("X") }

type T struct{}

func (t *T) Method(_ int, b string, _ ...int) {} // mcpriv-ignore: system.exec

func unnamed(int, string) {}

/* mcpriv-ignore: network.client -- probe */ var probe = 1
`
	f := extract(t, "internal/fsx/a.go", []byte(src))
	if f.Package != "internal/fsx:fsx" || f.Lang != "go" || f.Path != "internal/fsx/a.go" {
		t.Errorf("file = %q %q %q", f.Package, f.Lang, f.Path)
	}
	if c := oneCall(t, f, "os", "ReadFile"); c.Func != 0 {
		t.Errorf("package-level call in func %d", c.Func)
	}
	m := f.Exports["T.Method"]
	if m == 0 || f.Functions[m].Class != "T" || !reflect.DeepEqual(f.Functions[m].Params, []string{"", "b", ""}) {
		t.Errorf("method = %+v (exports %v)", f.Functions[m], f.Exports)
	}
	if u := f.Functions[f.Exports["unnamed"]]; !reflect.DeepEqual(u.Params, []string{"", ""}) {
		t.Errorf("unnamed params = %q", u.Params)
	}
	top := f.Functions[0]
	if top.Parent != -1 || len(top.LocalCalls) != 1 || top.LocalCalls[0].Callee.Name != "init" {
		t.Errorf("top level = %+v", top)
	}
	want := []facts.Suppression{
		{Line: 4, OwnLine: true, Capabilities: []string{"file.read"}, Reason: "config is read at start-up"},
		{Line: 11, OwnLine: false, Capabilities: []string{"system.exec"}, Reason: ""},
		{Line: 15, OwnLine: false, Capabilities: []string{"network.client"}, Reason: "probe"},
	}
	if len(f.Suppressions) != len(want) {
		t.Fatalf("suppressions = %+v", f.Suppressions)
	}
	for i, w := range want {
		g := f.Suppressions[i]
		g.Span = w.Span
		if !reflect.DeepEqual(g, w) {
			t.Errorf("suppression %d = %+v, want %+v", i, g, w)
		}
	}
	if len(f.ParseErrors) != 0 {
		t.Errorf("parse errors = %+v", f.ParseErrors)
	}
}

// TestSyntaxErrors: broken files keep the facts of the parts that parse,
// and the number of parse errors is capped.
func TestSyntaxErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("package p\nimport \"os\"\nfunc ok() { os.Getenv(\"A\") }\n")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, "func bad%d( { os.Remove(\"x\"\n}\n", i)
	}
	b.WriteString("func ok2() { os.Getenv(\"B\") }\n")
	f := extract(t, "p.go", []byte(b.String()))
	if len(f.ParseErrors) == 0 || len(f.ParseErrors) > maxParseErrors {
		t.Errorf("parse errors = %d", len(f.ParseErrors))
	}
	got := map[string]bool{}
	for _, c := range findCalls(f, "os", "Getenv") {
		got[c.Args[0].Value] = true
	}
	if !got["A"] || !got["B"] {
		t.Errorf("Getenv calls around the broken code: %v", got)
	}
}

func TestDegenerateInput(t *testing.T) {
	f, err := Extract("a.go", nil, nil)
	if err == nil || f == nil || len(f.Functions) != 1 {
		t.Errorf("nil tree: %v %+v", err, f)
	}
	for _, src := range []string{"", "package", "}}}}", strings.Repeat("(", 5000), "package p\nvar x = " + strings.Repeat("a+", 20000) + "a\n",
		"package p\nfunc f() {" + strings.Repeat("{", 3000) + strings.Repeat("}", 3000) + "}\n"} {
		f := extract(t, "a.go", []byte(src))
		if len(f.Functions) == 0 || f.Functions[0].Parent != -1 {
			t.Errorf("%.20q: no top level", src)
		}
	}
}
