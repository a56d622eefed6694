package golang

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// spans collects every source.Span held anywhere in v.
func spans(v reflect.Value, out *[]source.Span) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			spans(v.Elem(), out)
		}
	case reflect.Struct:
		if s, ok := v.Interface().(source.Span); ok {
			*out = append(*out, s)
			return
		}
		for i := 0; i < v.NumField(); i++ {
			spans(v.Field(i), out)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			spans(v.Index(i), out)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			spans(it.Value(), out)
		}
	}
}

func FuzzExtract(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.go.txt")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("package p\nfunc f() { go func(){ defer g()() }() }"))
	f.Add([]byte("package p\nvar x = new(true)\nfunc (s *S[T]) m[]() {}"))
	f.Fuzz(func(t *testing.T, src []byte) {
		tree, err := parse.Parse(context.Background(), source.Go, src, nil)
		if err != nil {
			t.Skip()
		}
		file, err := Extract("fuzz/x.go", src, tree)
		if err != nil {
			t.Fatalf("Extract: %v", err)
		}
		var ss []source.Span
		spans(reflect.ValueOf(file), &ss)
		for _, s := range ss {
			if s.Start.Offset < 0 || s.Start.Offset > s.End.Offset || s.End.Offset > len(src) {
				t.Fatalf("span %+v outside the text (%d bytes)", s, len(src))
			}
		}
		for _, fn := range file.Functions[1:] {
			if fn.Parent < 0 || fn.Parent >= len(file.Functions) {
				t.Fatalf("bad parent %d", fn.Parent)
			}
		}
		for _, c := range file.Calls {
			if c.Func < 0 || c.Func >= len(file.Functions) {
				t.Fatalf("call in function %d of %d", c.Func, len(file.Functions))
			}
		}
	})
}

// genSource builds a Go file of about size bytes in the style of an MCP
// server: handlers with taint, closures, composite literals, registrations.
func genSource(size int) []byte {
	var b strings.Builder
	b.WriteString(`package bench

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

type Srv struct {
	hc   *http.Client
	root string
}

`)
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `// handle%[1]d serves tool_%[1]d. mcpriv-ignore: file.read -- bench
func (s *Srv) handle%[1]d(ctx context.Context, request mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	path, err := request.RequireString("path")
	if err != nil {
		return nil, err
	}
	full := s.root + "/" + strings.TrimSpace(path)
	data, err := os.ReadFile(full)
	if err != nil {
		return nil, fmt.Errorf("read %%s: %%w", full, err)
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("https://api.example.com/v1/%%s", path), nil)
	resp, err := s.hc.Do(req)
	if err == nil {
		defer resp.Body.Close()
	}
	run := func(args ...string) error {
		return exec.CommandContext(ctx, "git", append([]string{"-C", full}, args...)...).Run()
	}
	for _, a := range []string{"status", "log"} {
		if err := run(a, string(data[:%[1]d%%len(data)+0])); err != nil {
			return nil, err
		}
	}
	return mcp.NewToolResultText(string(data)), nil
}

func register%[1]d(s *server.MCPServer, h *Srv) {
	s.AddTool(mcp.NewTool("tool_%[1]d", mcp.WithString("path", mcp.Required()), mcp.WithReadOnlyHintAnnotation(true)), h.handle%[1]d)
}

`, i)
	}
	return []byte(b.String())
}

func BenchmarkExtract(b *testing.B) {
	src := genSource(4 << 20)
	tree, err := parse.Parse(context.Background(), source.Go, src, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := Extract("bench/x.go", src, tree)
		if err != nil || len(f.Tools) == 0 {
			b.Fatalf("extract: %v, %d tools", err, len(f.Tools))
		}
	}
}

// BenchmarkParse is the reference the extraction cost is compared with.
func BenchmarkParse(b *testing.B) {
	src := genSource(4 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := parse.Parse(context.Background(), source.Go, src, nil); err != nil {
			b.Fatal(err)
		}
	}
}
