package golang_test

import (
	"sort"
	"strings"
	"testing"
)

// TestRegistrationForms covers tool registrations beyond the SDK
// tutorials, modelled on real servers: tools defined in another package of
// the module (a ServerTool or a (Tool, handler) pair returned by a
// function, a method value on an instance made there), rows of a name and
// a handler built into definitions in a loop, and registration helpers
// naming the tool by their parameter. Handlers reach the memory class
// through an internal Windows API wrapper. Look-alikes stay silent.
func TestRegistrationForms(t *testing.T) {
	tools, sites := scanTools(t, map[string]string{
		"go.mod": "module example.com/winmcp\n\ngo 1.22\n",
		"cmd/winmcp/main.go": `package main

import (
	"context"
	"os"

	"example.com/winmcp/internal/tools"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

const toolHost = "host_name"

func addTool(s *server.MCPServer, name, desc string, h server.ToolHandlerFunc) {
	s.AddTool(mcp.NewTool(name, mcp.WithDescription(desc)), h)
}

func addReadOnly(s *server.MCPServer, name string, h server.ToolHandlerFunc) {
	addTool(s, name, "read only", h)
}

func hEnv(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return mcp.NewToolResultText(os.Getenv("HOME")), nil
}

func hHost(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	h, err := os.Hostname()
	return mcp.NewToolResultText(h), err
}

// Look-alike: a route table's helper is no registration.
type mux struct{}

func (mux) Handle(name string, h func()) {}

func route(m mux, name string, h func()) { m.Handle(name, h) }

func main() {
	s := server.NewMCPServer("win", "1.0.0")
	s.AddTools(tools.ClickTool(), tools.ScreenTool())
	h := tools.NewHandlers()
	s.AddTool(mcp.NewTool("window_title"), h.HandleTitle)
	addTool(s, "env_get", "reads an environment variable", hEnv)
	addReadOnly(s, toolHost, hHost)
	addTool(s, os.Args[1], "dynamic", hEnv)
	route(mux{}, "home", func() { os.Remove("x") })
	tools.RegisterRows(s)
	server.ServeStdio(s)
}
`,
		"internal/tools/tools.go": `package tools

import (
	"context"
	"os"

	"example.com/winmcp/internal/win"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func ClickTool() server.ServerTool {
	return server.ServerTool{Tool: mcp.NewTool("mouse_click"), Handler: handleClick}
}

func handleClick(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	win.Click(req.GetInt("x", 0), req.GetInt("y", 0))
	return nil, nil
}

func ScreenTool() server.ServerTool {
	return server.ServerTool{
		Tool: mcp.NewTool("screen_size"),
		Handler: func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			w, h := win.ScreenSize()
			return mcp.NewToolResultText(string(rune(w + h))), nil
		},
	}
}

type Handlers struct{}

func NewHandlers() *Handlers { return &Handlers{} }

func (h *Handlers) HandleTitle(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return mcp.NewToolResultText(win.WindowTitle()), nil
}

type row struct {
	name    string
	desc    string
	handler server.ToolHandlerFunc
}

func RegisterRows(s *server.MCPServer) {
	rows := []row{
		{"file_read", "reads a file", readFile},
		{name: "mem_read", handler: readMem},
	}
	for _, r := range rows {
		s.AddTool(mcp.NewTool(r.name, mcp.WithDescription(r.desc)), r.handler)
	}
	for name, h := range map[string]server.ToolHandlerFunc{"file_remove": removeFile} {
		s.AddTool(mcp.NewTool(name), h)
	}
}

func readFile(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	b, err := os.ReadFile(req.GetString("path", ""))
	return mcp.NewToolResultText(string(b)), err
}

func readMem(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return mcp.NewToolResultText(string(win.ReadMemory(uintptr(req.GetInt("addr", 0)), 16))), nil
}

func removeFile(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return nil, os.Remove(req.GetString("path", ""))
}
`,
		"internal/win/win.go": `package win

import (
	"syscall"
	"unsafe"
)

var (
	user32               = syscall.NewLazyDLL("user32.dll")
	kernel32             = syscall.NewLazyDLL("kernel32.dll")
	procSetCursorPos     = user32.NewProc("SetCursorPos")
	procGetSystemMetrics = user32.NewProc("GetSystemMetrics")
	procGetWindowTextW   = user32.NewProc("GetWindowTextW")
	procReadProcessMem   = kernel32.NewProc("ReadProcessMemory")
)

type point struct{ x, y int32 }

func Click(x, y int) {
	procSetCursorPos.Call(uintptr(x), uintptr(y))
}

func ScreenSize() (int, int) {
	w, _, _ := procGetSystemMetrics.Call(0)
	h, _, _ := procGetSystemMetrics.Call(1)
	return int(w), int(h) + int(unsafe.Sizeof(point{}))
}

func WindowTitle() string {
	buf := make([]uint16, 256)
	procGetWindowTextW.Call(0, uintptr(unsafe.Pointer(&buf[0])), 256)
	return syscall.UTF16ToString(buf)
}

func ReadMemory(addr uintptr, n int) []byte {
	buf := make([]byte, n)
	procReadProcessMem.Call(0, addr, uintptr(unsafe.Pointer(&buf[0])), uintptr(n), 0)
	return buf
}
`,
	})
	assertTools(t, tools, []string{
		"env_get system.env",
		"file_read file.read",
		"file_remove file.delete",
		"host_name system.info",
		"mem_read memory.native memory.unsafe",
		"mouse_click memory.native",
		"screen_size memory.native",
		"unresolved tool at cmd/winmcp/main.go:15 (name) system.env",
		"window_title memory.native memory.unsafe",
	})
	unsafePointers := 0
	for _, s := range sites {
		if strings.HasSuffix(s, " unsafe.Sizeof") {
			t.Errorf("unsafe.Sizeof is no memory use: %s", s)
		}
		if strings.HasSuffix(s, "memory.unsafe unsafe.Pointer") {
			unsafePointers++
		}
	}
	if unsafePointers != 2 {
		t.Errorf("unsafe.Pointer sites: %d, want 2\n%s", unsafePointers, strings.Join(sites, "\n"))
	}
}

// TestHelperHandlersElsewhere: a registration helper method given handlers
// declared in another package (a function, a method value on a field, a
// factory's closure) and a name constant of that package runs each for
// its own tool, with its input tainting the handler's calls. A call of a
// project function with a string and a function that registers nothing
// stays no tool.
func TestHelperHandlersElsewhere(t *testing.T) {
	res := writeAndScan(t, t.TempDir(), map[string]string{
		"go.mod": "module example.com/helpers\n\ngo 1.22\n",
		"main.go": `package main

import (
	"example.com/helpers/h"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

type Server struct {
	mcp *server.MCPServer
	hs  *h.Handlers
}

func (s *Server) addTool(name, desc string, fn server.ToolHandlerFunc) {
	s.mcp.AddTool(mcp.NewTool(name, mcp.WithDescription(desc)), fn)
}

func (s *Server) register() {
	s.addTool("host", "host name", h.Host)
	s.addTool("rm", "removes a file", s.hs.Remove)
	s.addTool("mk", "makes the work directory", h.MakeHandler("/srv/work"))
	s.addTool(h.ToolWho, "user id", s.hs.Who)
	h.Route("/debug", h.Debug)
	h.Register(s.mcp, "list_dir", h.HandleList)
}

func main() {
	s := &Server{mcp: server.NewMCPServer("x", "1"), hs: h.New()}
	s.register()
	server.ServeStdio(s.mcp)
}
`,
		"h/h.go": `package h

import (
	"context"
	"os"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

const ToolWho = "whoami"

type Handlers struct{}

func New() *Handlers { return &Handlers{} }

func Host(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	n, err := os.Hostname()
	return mcp.NewToolResultText(n), err
}

func (x *Handlers) Remove(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return nil, os.Remove(req.GetString("path", ""))
}

func (x *Handlers) Who(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return mcp.NewToolResultText(string(rune(os.Getuid()))), nil
}

func MakeHandler(dir string) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return nil, os.MkdirAll(dir, 0o755)
	}
}

func Route(path string, f func()) {}

// Register is a helper of another package: a handler named as one runs
// for the tool its caller names.
func Register(s *server.MCPServer, name string, fn server.ToolHandlerFunc) { s.AddTool(mcp.NewTool(name), fn) }

func HandleList(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	_, err := os.ReadDir(req.GetString("dir", "."))
	return nil, err
}

func Debug() { os.Setenv("DEBUG", "1") }
`,
	})
	var tools []string
	for _, tool := range res.Tools {
		s := tool.Name
		for _, c := range tool.Capabilities {
			s += " " + string(c)
		}
		tools = append(tools, s)
	}
	sort.Strings(tools)
	assertTools(t, tools, []string{"host system.info", "list_dir file.read", "mk file.write", "rm file.delete", "whoami system.info"})
	tainted := false
	for _, f := range res.Findings {
		if f.API == "os.Remove" {
			tainted = f.Tainted && f.TaintTool == "rm" && f.TaintSource == "path"
		}
		if f.API == "os.Setenv" && len(f.Tools) > 0 {
			t.Errorf("a route's function is no tool's: %+v", f.Tools)
		}
	}
	if !tainted {
		t.Error("os.Remove in rm's handler: want tainted by rm's input path")
	}
}

// TestFactoryGivenImplementation: a handler factory calls a method on an
// interface parameter; each registration passes an implementation from
// another package, and each tool runs its own implementation's method,
// not the others'. A factory given a plain value binds nothing.
func TestFactoryGivenImplementation(t *testing.T) {
	tools, _ := scanTools(t, map[string]string{
		"go.mod": "module example.com/exec\n\ngo 1.22\n",
		"main.go": `package main

import (
	"example.com/exec/files"
	"example.com/exec/shell"
	"example.com/exec/tools"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func main() {
	s := server.NewMCPServer("exec", "1.0.0")
	s.AddTool(mcp.NewTool("run_command"), tools.CreateToolHandler(shell.NewExecutor()))
	s.AddTool(mcp.NewTool("write_note"), tools.CreateToolHandler(&files.Writer{Dir: "/srv/notes"}))
	s.AddTool(mcp.NewTool("echo"), tools.Echo("hello"))
	server.ServeStdio(s)
}
`,
		"tools/handler.go": `package tools

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

type Executor interface {
	Execute(ctx context.Context, args map[string]any) (string, error)
}

func CreateToolHandler(e Executor) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		out, err := e.Execute(ctx, req.GetArguments())
		return mcp.NewToolResultText(out), err
	}
}

func Echo(s string) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return mcp.NewToolResultText(s), nil
	}
}
`,
		"shell/shell.go": `package shell

import (
	"context"
	"os/exec"
)

type Executor struct{}

func NewExecutor() *Executor { return &Executor{} }

func (e *Executor) Execute(ctx context.Context, args map[string]any) (string, error) {
	out, err := exec.CommandContext(ctx, "az", "version").Output()
	return string(out), err
}
`,
		"files/files.go": `package files

import (
	"context"
	"os"
)

type Writer struct{ Dir string }

func (w *Writer) Execute(ctx context.Context, args map[string]any) (string, error) {
	return "", os.WriteFile(w.Dir+"/note.txt", []byte("x"), 0o600)
}
`,
	})
	assertTools(t, tools, []string{"echo", "run_command system.exec", "write_note file.write"})
}

// TestHelperCallerWithoutRuleWords: the file calling a registration helper
// mentions no rule's words and no registration word, so the pre-filter
// would skip it; its calls name the tool, so the scan extracts it.
func TestHelperCallerWithoutRuleWords(t *testing.T) {
	tools, _ := scanTools(t, map[string]string{
		"go.mod": "module example.com/p8\n\ngo 1.22\n",
		"main.go": `package main

import "example.com/p8/app"

func main() {
	s := app.New()
	app.Register(s, "list_dir", app.HandleList)
	app.Serve(s)
}
`,
		"app/app.go": `package app

import (
	"context"
	"os"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func New() *server.MCPServer { return server.NewMCPServer("x", "1") }

func Serve(s *server.MCPServer) { server.ServeStdio(s) }

func Register(s *server.MCPServer, name string, fn server.ToolHandlerFunc) { s.AddTool(mcp.NewTool(name), fn) }

func HandleList(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	_, err := os.ReadDir(".")
	return nil, err
}
`,
	})
	assertTools(t, tools, []string{"list_dir file.read"})
}
