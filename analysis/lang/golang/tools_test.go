package golang

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// TestInputJSONNames checks that fields of typed tool inputs are named as
// the model sees them: the JSON name of a struct declared in the file.
func TestInputJSONNames(t *testing.T) {
	const sdk = `import ("context"; "os"; "github.com/modelcontextprotocol/go-sdk/mcp")
`
	tests := []struct {
		name string
		src  string
		fn   string // the function making the os call
		call string // os member
		want [][]string
	}{
		{"tag", sdk + `type In struct { Path string ` + "`json:\"path\" jsonschema:\"p\"`" + ` }
func h(ctx context.Context, req *mcp.CallToolRequest, args In) (*mcp.CallToolResult, any, error) { os.Remove(args.Path); return nil, nil, nil }`,
			"h", "Remove", [][]string{{"path"}}},
		{"omitempty and no tag", sdk + `type In struct {
	Dir string ` + "`json:\"dir,omitempty\"`" + `
	Mode string
	Same string ` + "`json:\",omitempty\"`" + `
}
func h(ctx context.Context, req *mcp.CallToolRequest, args In) (*mcp.CallToolResult, any, error) { os.Remove(args.Dir + args.Mode + args.Same); return nil, nil, nil }`,
			"h", "Remove", [][]string{{"dir"}, {"Mode"}, {"Same"}}},
		{"pointer input", sdk + `type In struct { Path string ` + "`json:\"p\"`" + ` }
func h(ctx context.Context, req *mcp.CallToolRequest, args *In) (*mcp.CallToolResult, any, error) { os.Remove(args.Path); return nil, nil, nil }`,
			"h", "Remove", [][]string{{"p"}}},
		{"nested and embedded", sdk + `type Opts struct { Recursive bool ` + "`json:\"recursive\"`" + `; Target string ` + "`json:\"target\"`" + ` }
type Base struct { Root string ` + "`json:\"root\"`" + ` }
type In struct {
	Base
	Opts Opts ` + "`json:\"options\"`" + `
}
func h(ctx context.Context, req *mcp.CallToolRequest, args In) (*mcp.CallToolResult, any, error) { os.Remove(args.Root + args.Base.Root + args.Opts.Target); return nil, nil, nil }`,
			"h", "Remove", [][]string{{"root"}, {"options", "target"}}},
		{"anonymous struct", sdk + `func h(ctx context.Context, req *mcp.CallToolRequest, args struct {
	URL string ` + "`json:\"url\"`" + `
}) (*mcp.CallToolResult, any, error) { os.Remove(args.URL); return nil, nil, nil }`,
			"h", "Remove", [][]string{{"url"}}},
		{"helper taking the input type", sdk + `type In struct { Path string ` + "`json:\"path\"`" + ` }
func check(a In) { os.Remove(a.Path) }`,
			"check", "Remove", [][]string{{"path"}}},
		{"type of another file keeps the Go name", sdk + `func h(ctx context.Context, req *mcp.CallToolRequest, args Elsewhere) (*mcp.CallToolResult, any, error) { os.Remove(args.Path); return nil, nil, nil }`,
			"h", "Remove", [][]string{{"Path"}}},
		{"mcp-go BindArguments", `import ("context"; "os"; "github.com/mark3labs/mcp-go/mcp")
type In struct { Path string ` + "`json:\"path\"`" + ` }
func h(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	var in In
	req.BindArguments(&in)
	os.Remove(in.Path)
	return nil, nil
}`, "h", "Remove", [][]string{{"Params", "Arguments", "path"}}},
		{"field assigned in the handler keeps its own taint", sdk + `type In struct { Path string ` + "`json:\"path\"`" + `; Root string ` + "`json:\"-\"`" + ` }
func h(ctx context.Context, req *mcp.CallToolRequest, args In) (*mcp.CallToolResult, any, error) {
	args.Root = args.Path
	os.Remove(args.Root)
	return nil, nil, nil
}`, "h", "Remove", [][]string{{"path"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := extract(t, "x/main.go", []byte(hdr+tt.src))
			fn := funcIndex(t, f, tt.fn)
			c := oneCall(t, f, "os", tt.call)
			var got [][]string
			for _, r := range c.Args[0].Refs {
				if r.Fn != fn {
					t.Errorf("ref %+v not from %s", r, tt.fn)
				}
				got = append(got, r.Path)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("paths = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestHiddenInputFields checks that `json:"-"` and unexported fields of a
// typed input are not tool input, while the rest of the input still is.
func TestHiddenInputFields(t *testing.T) {
	src := hdr + `import ("context"; "os"; "github.com/modelcontextprotocol/go-sdk/mcp")
type In struct {
	Path   string ` + "`json:\"path\"`" + `
	Token  string ` + "`json:\"-\"`" + `
	Dash   string ` + "`json:\"-,\"`" + `
	secret string
}
func h(ctx context.Context, req *mcp.CallToolRequest, args In) (*mcp.CallToolResult, any, error) {
	os.Remove(args.Token)
	os.Remove(args.secret)
	os.Remove(args.Dash)
	go func() { os.Remove(args.Token + args.Path) }()
	return nil, nil, nil
}
func other(args In) { os.Remove(args.Token) }
func main() { mcp.AddTool(mcp.NewServer(nil, nil), &mcp.Tool{Name: "rm"}, h) }`
	f := extract(t, "x/main.go", []byte(src))
	h := funcIndex(t, f, "h")
	other := funcIndex(t, f, "other")
	var got []string
	for _, c := range findCalls(f, "os", "Remove") {
		s := ""
		for _, r := range c.Args[0].Refs {
			switch r.Fn {
			case h:
				s += "h" + pathStr(r.Path)
			case other:
				s += "other" + pathStr(r.Path)
			}
		}
		got = append(got, s)
	}
	// "-," names the field "-": it is input. Outside the handler the field
	// is a field like any other.
	want := []string{"", "", "h[-]", "h[path]", "other[Token]"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Remove refs = %q, want %q", got, want)
	}
}

// TestToolTables checks tools registered from tables and loops.
func TestToolTables(t *testing.T) {
	const imp = `import ("context"; "github.com/mark3labs/mcp-go/mcp"; "github.com/mark3labs/mcp-go/server")
`
	tests := []struct {
		name string
		src  string
		want []string // "name handler" in registration order
	}{
		{"range over a local slice of ServerTool", imp + `func reg(s *server.MCPServer) {
	tools := []server.ServerTool{{Tool: mcp.NewTool("a"), Handler: ha}, {Tool: mcp.NewTool("b"), Handler: hb}}
	for _, t := range tools {
		s.AddTool(t.Tool, t.Handler)
	}
}`, []string{"a ha", "b hb"}},
		{"range over a package-level table", imp + `var tools = []server.ServerTool{
	{Tool: mcp.NewTool("a"), Handler: ha},
}
func reg(s *server.MCPServer) { for _, t := range tools { s.AddTool(t.Tool, t.Handler) } }`, []string{"a ha"}},
		{"AddTools with a package-level table", imp + `var tools = []server.ServerTool{{Tool: mcp.NewTool("a"), Handler: ha}}
func reg(s *server.MCPServer) { s.AddTools(tools...) }`, []string{"a ha"}},
		{"AddTools on each element", imp + `var tools = []server.ServerTool{{Tool: mcp.NewTool("a"), Handler: ha}, {Tool: mcp.NewTool("b"), Handler: hb}}
func reg(s *server.MCPServer) { for _, t := range tools { s.AddTools(t) } }`, []string{"a ha", "b hb"}},
		{"project struct with Tool and Handler fields", imp + `type entry struct { Tool mcp.Tool; Handler server.ToolHandlerFunc; ReadOnly bool }
func reg(s *server.MCPServer) {
	for _, e := range []entry{{Tool: mcp.NewTool("a"), Handler: ha, ReadOnly: true}, {Tool: mcp.NewTool("b"), Handler: func(ctx context.Context, r mcp.CallToolRequest) (*mcp.CallToolResult, error) { return nil, nil }}} {
		s.AddTool(e.Tool, e.Handler)
	}
}`, []string{"a ha", "b #2"}},
		{"positional entries and other field names", imp + `type entry struct { def mcp.Tool; fn server.ToolHandlerFunc }
var entries = []entry{{mcp.NewTool("a"), ha}, {mcp.NewTool("b"), hb}}
func reg(s *server.MCPServer) { for i := range entries { s.AddTool(entries[i].def, entries[i].fn) } }`, []string{"a ha", "b hb"}},
		{"one shared handler", imp + `func reg(s *server.MCPServer) {
	for _, t := range []mcp.Tool{} { s.AddTool(t, h) }
	for _, t := range []server.ServerTool{{Tool: mcp.NewTool("a"), Handler: ha}} { s.AddTool(t.Tool, shared) }
}`, []string{"a shared"}},
		{"append builds the table", imp + `func reg(s *server.MCPServer) {
	var tools []server.ServerTool
	tools = append(tools, server.ServerTool{Tool: mcp.NewTool("a"), Handler: ha})
	tools = append(tools, []server.ServerTool{{Tool: mcp.NewTool("b"), Handler: hb}}...)
	s.SetTools(tools...)
}`, []string{"a ha", "b hb"}},
		{"map of tools", imp + `var byName = map[string]server.ServerTool{"a": {Tool: mcp.NewTool("a"), Handler: ha}}
func reg(s *server.MCPServer) {
	for _, t := range byName { s.AddTool(t.Tool, t.Handler) }
	s.AddTool(byName["a"].Tool, byName["a"].Handler)
}`, []string{"a ha"}},
		{"index picks one entry", imp + `var tools = []server.ServerTool{{Tool: mcp.NewTool("a"), Handler: ha}, {Tool: mcp.NewTool("b"), Handler: hb}}
func reg(s *server.MCPServer) { s.AddTool(tools[1].Tool, tools[1].Handler) }`, []string{"b hb"}},
		{"a table registered by another file", imp + `var tools = []server.ServerTool{{Tool: mcp.NewTool("a"), Handler: ha}, {Tool: mcp.NewTool("b")}}
var other = []server.ServerTool{{Tool: mcp.NewTool("c"), Handler: hc}}
func reg(s *server.MCPServer) { s.AddTool(other[0].Tool, other[0].Handler) }`, []string{"c hc", "a ha"}},
		{"a wrapper taking the handler and another function", imp + `func (t *T) wrap(name string, h server.ToolHandlerFunc, label func(args any) string) server.ToolHandlerFunc { return h }
func reg(s *server.MCPServer, t *T) {
	handler := func(ctx context.Context, r mcp.CallToolRequest) (*mcp.CallToolResult, error) { return nil, nil }
	wrapped := t.wrap("a", handler, func(args any) string { return "" })
	s.AddTool(mcp.NewTool("a"), wrapped)
	s.AddTool(mcp.NewTool("b"), t.wrap("b", func(a any) string { return "" }, func(a any) string { return "" }))
}`, []string{"a #3", "b "}}, // b: which function is the handler is unknown
		{"a table returned to another package", imp + `type def struct { Tool mcp.Tool; Handler server.ToolHandlerFunc }
func All(s *svc.Service) []def {
	return []def{{Tool: mcp.NewTool("a"), Handler: s.Read}, {Tool: mcp.NewTool("b"), Handler: ha}}
}`, []string{"a Read", "b ha"}},
		{"a table of strings is no table", imp + `func reg(s *server.MCPServer) {
	for _, n := range []string{"a", "b"} { s.AddTool(mcp.NewTool(n), h) }
	for _, e := range []struct{ name string; h server.ToolHandlerFunc }{{"a", ha}} { s.AddTool(mcp.NewTool(e.name), e.h) }
}`, []string{" h", "a ha"}}, // a slice of strings is no table; rows of a name and a handler are (named.go)
		{"named rows: keyed, positional, by index", imp + `type ToolDef struct { Name, Desc string; Handler server.ToolHandlerFunc }
type spec struct { name string; fn server.ToolHandlerFunc }
func reg(s *server.MCPServer) {
	for _, d := range []ToolDef{{Name: "a", Handler: ha}, {"b", "desc", hb}} { s.AddTool(mcp.NewTool(d.Name, mcp.WithDescription(d.Desc)), d.Handler) }
	rows := []spec{{"c", hc}, {name: "d", fn: hd}, {"f", makeHandler(cfg)}}
	for i := range rows { s.AddTool(mcp.NewTool(rows[i].name), rows[i].fn) }
}`, []string{"a ha", "b hb", "c hc", "d hd", "f makeHandler"}},
		{"named rows: a map of handlers, one handler for every row", imp + `const nameE = "e"
func reg(s *server.MCPServer) {
	for name, h := range map[string]server.ToolHandlerFunc{"a": ha, nameE: he} { s.AddTool(mcp.NewTool(name), h) }
	for _, n := range []struct{ name, title string; h server.ToolHandlerFunc }{{"b", "B", hb}} { s.AddTool(&mcp.Tool{Name: n.name}, dispatch) }
}`, []string{"a ha", "e he", "b dispatch"}},
		{"named rows: a row without a literal name stays unresolved", imp + `func reg(s *server.MCPServer, x string) {
	for _, d := range []struct{ name string; h server.ToolHandlerFunc }{{"a", ha}, {x, hb}} { s.AddTool(mcp.NewTool(d.name), d.h) }
	for _, d := range []struct{ name string; h server.ToolHandlerFunc }{{"c", hc}, newRow()} { s.AddTool(mcp.NewTool(d.name), d.h) }
}`, []string{"a ha", " hb", "c hc", " "}},
		{"look-alike rows: routes and commands are no tools", imp + `type Route struct { Name string; Handler func() }
func reg(s *server.MCPServer, mux *Mux) {
	for _, r := range []Route{{"home", hr}} { mux.HandleFunc(r.Name, r.Handler) }
	for k, f := range map[string]func(){"run": hr} { register(k, f) }
}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := extract(t, "x/main.go", []byte(hdr+tt.src))
			var got []string
			for _, tool := range f.Tools {
				h := ""
				switch {
				case tool.Handler >= 0 && f.Functions[tool.Handler].Name != "":
					h = f.Functions[tool.Handler].Name
				case tool.Handler >= 0:
					h = "#" + itoa(tool.Handler)
				case tool.HandlerRef != nil:
					h = tool.HandlerRef.Name
				}
				got = append(got, tool.Name+" "+h)
				// A factory's result takes no input of its own: its closure does.
				if factory := strings.HasPrefix(h, "make"); tool.SDK != "mcp-go" || len(tool.Inputs) != 1 && !factory || len(tool.Inputs) != 0 && factory {
					t.Errorf("tool %q: sdk %s inputs %v", tool.Name, tool.SDK, tool.Inputs)
				}
				if tool.Span.End.Offset <= tool.Span.Start.Offset {
					t.Errorf("tool %q: empty span", tool.Name)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("tools = %q, want %q\n%s", got, tt.want, render(f))
			}
		})
	}
}

// TestToolsOfOtherFiles checks registrations of tool definitions held
// outside the file (NameRef), and the constants a defining file provides.
func TestToolsOfOtherFiles(t *testing.T) {
	const imp = `import ("github.com/mark3labs/mcp-go/mcp"; "github.com/mark3labs/mcp-go/server"; gosdk "github.com/modelcontextprotocol/go-sdk/mcp"; "example.com/srv/tools")
`
	tests := []struct {
		name  string
		src   string
		tools []string // "name|nameRef handler"
		cons  map[string]string
	}{
		{"package var and func of another file", imp + `func reg(s *server.MCPServer) {
	s.AddTool(readTool, handleRead)
	s.AddTool(WriteTool(), handleWrite)
	s.AddTool(&readTool, handleRead)
}`, []string{"|readTool handleRead", "|func:WriteTool handleWrite", "|readTool handleRead"}, nil},
		{"go-sdk generic AddTool", imp + `func reg(s *gosdk.Server) { gosdk.AddTool(s, greetTool, greet) }`,
			[]string{"|greetTool greet"}, nil},
		{"other package", imp + `func reg(s *server.MCPServer) { s.AddTool(tools.Lint, tools.HandleLint); s.AddTool(tools.FormatTool(), tools.HandleFormat) }`,
			[]string{"|tools.Lint HandleLint", "|func:FormatTool HandleFormat"}, nil},
		{"defined in this file", imp + `var pingTool = mcp.NewTool("ping")
var sdkTool = &gosdk.Tool{Name: "sdk"}
func reg(s *server.MCPServer) {
	s.AddTool(versionTool(), handleVersion)
	s.AddTool(pingTool, handlePing)
}
func versionTool() mcp.Tool { return mcp.NewTool("version") }
func (x *X) methodTool() mcp.Tool { return mcp.NewTool("m") }
func pairTool() (mcp.Tool, server.ToolHandlerFunc) { return mcp.NewTool("pair"), handlePair }`,
			[]string{"version| handleVersion", "ping| handlePing", "pair| handlePair"},
			map[string]string{"pingTool": "ping", "sdkTool": "sdk", "func:versionTool": "version", "func:pairTool": "pair"}},
		{"not registrations", imp + `type Menu struct{}
func (Menu) AddTool(any, any) {}
func reg(s *server.MCPServer, m Menu, t mcp.Tool) {
	m.AddTool(readTool, handleRead)
	s.AddTool(readTool, nil)
	s.AddTool(t, handleRead)
	s.AddTool(readTool)
	s.AddTool(strings.ToUpper("x"), handleRead)
}`, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := extract(t, "x/main.go", []byte(hdr+tt.src))
			var got []string
			for _, tool := range f.Tools {
				h := ""
				switch {
				case tool.Handler >= 0:
					h = f.Functions[tool.Handler].Name
				case tool.HandlerRef != nil:
					h = tool.HandlerRef.Name
				}
				got = append(got, tool.Name+"|"+tool.NameRef+" "+h)
				if (tool.Name == "") == (tool.NameRef == "") {
					t.Errorf("tool %+v: want exactly one of Name and NameRef", tool)
				}
				if tool.NameRef != "" && tool.NameSpan.End.Offset <= tool.NameSpan.Start.Offset {
					t.Errorf("tool %q: empty name span", tool.NameRef)
				}
			}
			if !reflect.DeepEqual(got, tt.tools) {
				t.Errorf("tools = %q, want %q", got, tt.tools)
			}
			for k, v := range tt.cons {
				if f.Constants[k] != v {
					t.Errorf("Constants[%q] = %q, want %q", k, f.Constants[k], v)
				}
			}
			if _, ok := f.Constants["func:methodTool"]; ok {
				t.Errorf("a method is not a package function: %v", f.Constants)
			}
		})
	}
}

// refsOf lists every ParamRef of the file's facts, sorted, for checks that
// a ref is gone everywhere.
func refsOf(f *facts.File) []string {
	var out []string
	var arg func(a facts.Arg)
	arg = func(a facts.Arg) {
		out = append(out, refs(a.Refs))
		for _, p := range a.Props {
			arg(p)
		}
		for _, e := range a.Elems {
			arg(e)
		}
	}
	for _, fn := range f.Functions {
		out = append(out, refs(fn.Returns))
		for _, lc := range fn.LocalCalls {
			out = append(out, refs(lc.Receiver))
			for _, a := range lc.Args {
				arg(a)
			}
		}
	}
	for _, c := range f.Calls {
		for _, a := range c.Args {
			arg(a)
		}
	}
	sort.Strings(out)
	return out
}

// TestHiddenFieldsEverywhere checks that a hidden input field leaves no
// trace in any fact: returns, local call arguments, composite props.
func TestHiddenFieldsEverywhere(t *testing.T) {
	src := hdr + `import ("context"; "net/http"; "github.com/modelcontextprotocol/go-sdk/mcp")
type In struct { Key string ` + "`json:\"-\"`" + `; URL string ` + "`json:\"url\"`" + ` }
func h(ctx context.Context, req *mcp.CallToolRequest, args In) (*mcp.CallToolResult, any, error) {
	helper(args.Key)
	c := &http.Client{}
	r, _ := http.NewRequest("GET", args.URL, nil)
	_ = &http.Cookie{Value: args.Key}
	c.Do(r)
	return nil, args.Key, nil
}
func main() { mcp.AddTool(mcp.NewServer(nil, nil), &mcp.Tool{Name: "get"}, h) }`
	f := extract(t, "x/main.go", []byte(src))
	for _, r := range refsOf(f) {
		if r != "{}" && r != fmt.Sprintf("{%d.2[url]}", funcIndex(t, f, "h")) {
			t.Errorf("unexpected refs %s", r)
		}
	}
}

// TestMCPGolang: metoro-io/mcp-golang's server.RegisterTool(name,
// description, handler), the handler taking its typed arguments last;
// RegisterTool of anything else registers nothing.
func TestMCPGolang(t *testing.T) {
	src := hdr + `import (
	"os"

	mcp_golang "github.com/metoro-io/mcp-golang"
	"github.com/metoro-io/mcp-golang/transport/stdio"
)

type ReadArgs struct {
	Path string ` + "`json:\"path\"`" + `
}

func read(args ReadArgs) (*mcp_golang.ToolResponse, error) {
	b, err := os.ReadFile(args.Path)
	return mcp_golang.NewToolResponse(mcp_golang.NewTextContent(string(b))), err
}

type registry struct{}

func (registry) RegisterTool(name, desc string, h any) error { return nil }

func main() {
	server := mcp_golang.NewServer(stdio.NewStdioServerTransport())
	_ = server.RegisterTool("read_file", "reads a file", read)
	_ = server.RegisterTool(toolName, "named elsewhere", read)
	var r registry
	_ = r.RegisterTool("not_a_tool", "d", read)
}
`
	f := extract(t, "x/main.go", []byte(src))
	var got []string
	for _, tool := range f.Tools {
		h := ""
		if tool.Handler >= 0 {
			h = f.Functions[tool.Handler].Name
		}
		got = append(got, fmt.Sprintf("%s|%s %s %s %+v", tool.Name, tool.NameRef, tool.SDK, h, tool.Inputs))
	}
	want := []string{"read_file| mcp-golang read [{Index:0 Prefix:[] Name:}]", "|toolName mcp-golang read [{Index:0 Prefix:[] Name:}]"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tools = %q, want %q", got, want)
	}
}
