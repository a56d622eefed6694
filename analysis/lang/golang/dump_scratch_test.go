package golang

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

func TestDumpScratch(t *testing.T) {
	p := os.Getenv("DUMP")
	if p == "" {
		t.Skip()
	}
	src, _ := os.ReadFile(p)
	tree, _ := parse.Parse(context.Background(), source.Go, src, nil)
	f, err := Extract("srv/"+p, src, tree)
	fmt.Print(render(f), err)
}

func TestDumpTree(t *testing.T) {
	p := os.Getenv("TREE")
	if p == "" {
		t.Skip()
	}
	src, _ := os.ReadFile(p)
	tree, _ := parse.Parse(context.Background(), source.Go, src, nil)
	root := tree.RootNode()
	ft := flatten(src, root, root.HasError())
	var rec func(i int32, d int)
	rec = func(i int32, d int) {
		n := ft.nodes[i]
		txt := ""
		if n.first < 0 {
			txt = ft.text(i)
		}
		fmt.Printf("%*s%s %q named=%v err=%v\n", d*2, "", n.typ, txt, n.named, n.error)
		for c := n.first; c >= 0; c = ft.nodes[c].next {
			rec(c, d+1)
		}
	}
	rec(0, 0)
}
