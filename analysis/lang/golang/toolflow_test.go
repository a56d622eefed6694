package golang_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/engine"
)

// scanTools writes files under a temporary module root, scans it as the
// CLI does and returns each tool as "name cap cap…" (sorted), and the
// capability findings as "file:line capability api".
func scanTools(t *testing.T, files map[string]string) (tools, sites []string) {
	t.Helper()
	root := t.TempDir()
	for p, text := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e, err := engine.New(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Scan(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range res.Tools {
		s := tool.Name
		for _, c := range tool.Capabilities {
			s += " " + string(c)
		}
		tools = append(tools, s)
	}
	for _, f := range res.Findings {
		if f.Capability != "" {
			sites = append(sites, filepath.ToSlash(f.File)+":"+strconv.Itoa(f.Span.Start.Line)+" "+string(f.Capability)+" "+f.API)
		}
	}
	sort.Strings(tools)
	sort.Strings(sites)
	return tools, sites
}

func assertTools(t *testing.T, got, want []string) {
	t.Helper()
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tools:\n got %q\nwant %q", got, want)
	}
}

const goMod = "module example.com/srv\n\ngo 1.22\n"

// TestInterfaceMethodResult: a client reached through a method of a
// project interface declared in another package (provider.GetClientSet()
// returning a struct whose field is a Kubernetes client) keeps its type.
// The look-alike, an interface whose method returns a struct without a
// client, stays silent.
func TestInterfaceMethodResult(t *testing.T) {
	tools, sites := scanTools(t, map[string]string{
		"go.mod": goMod,
		"kube/types.go": `package kube

import (
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
)

type Clients struct {
	Typed   kubernetes.Interface
	Dynamic dynamic.Interface
}

type Provider interface {
	Clients(name string) (*Clients, error)
	Names() []string
}

type Cache struct{ Entries Store }
type Store struct{}

func (Store) List() []string { return nil }

type Lister interface{ Cache() *Cache }
`,
		"tools/pods.go": `package tools

import (
	"context"

	"example.com/srv/kube"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type Toolset struct {
	provider kube.Provider
	lister   kube.Lister
}

type PodsIn struct{ Namespace string }

func (t *Toolset) listPods(ctx context.Context, req *mcp.CallToolRequest, in PodsIn) (*mcp.CallToolResult, any, error) {
	cs, err := t.provider.Clients("")
	if err != nil {
		return nil, nil, err
	}
	_, err = cs.Typed.CoreV1().Pods(in.Namespace).List(ctx, metav1.ListOptions{})
	return nil, nil, err
}

func (t *Toolset) cached(ctx context.Context, req *mcp.CallToolRequest, in PodsIn) (*mcp.CallToolResult, any, error) {
	t.lister.Cache().Entries.List()
	return nil, nil, nil
}

func (t *Toolset) Register(s *mcp.Server) {
	mcp.AddTool(s, &mcp.Tool{Name: "pods_list"}, t.listPods)
	mcp.AddTool(s, &mcp.Tool{Name: "cache_list"}, t.cached)
}
`,
	})
	assertTools(t, tools, []string{"cache_list", "pods_list network.client"})
	for _, s := range sites {
		if strings.Contains(s, "Entries") || strings.Contains(s, "Cache") {
			t.Errorf("look-alike reported: %s", s)
		}
	}
}
