package link

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestRelinkGoHelperName edits the literal a caller passes a Go
// registration helper, in the same file and in another package: the tool
// takes the new name, and the incremental link equals a full link.
func TestRelinkGoHelperName(t *testing.T) {
	texts := map[string]string{
		"go.mod": "module example.com/h\n\ngo 1.22\n",
		"reg/reg.go": `package reg

import (
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func Add(s *server.MCPServer, name string, h server.ToolHandlerFunc) { s.AddTool(mcp.NewTool(name), h) }
`,
		"main.go": `package main

import (
	"context"
	"os"

	"example.com/h/reg"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func host(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	n, err := os.Hostname()
	return mcp.NewToolResultText(n), err
}

func main() {
	s := server.NewMCPServer("h", "1")
	reg.Add(s, "host_name", host)
}
`,
	}
	e, w := textWorkspace(t, texts)
	if err := os.WriteFile(filepath.Join(w.root, "go.mod"), []byte(texts["go.mod"]), 0o644); err != nil {
		t.Fatal(err)
	}
	before := linkAndCheck(e, w.root, w.extract(t, e, nil))
	if len(before.Tools) != 1 || before.Tools[0].Name != "host_name" || len(before.Tools[0].Capabilities) != 1 {
		t.Fatalf("before the edit: tools %+v", before.Tools)
	}
	edited := map[string]string{"main.go": strings.Replace(texts["main.go"], `"host_name"`, `"hostname"`, 1)}
	got, want := relinkAndFull(t, e, w, edited)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after the edit the incremental result differs from a full link:\n%s", diffResults(got, want))
	}
	if len(want.Tools) != 1 || want.Tools[0].Name != "hostname" {
		t.Errorf("the tool should take the edited name: %+v", want.Tools)
	}
}
