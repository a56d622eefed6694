package parse

import (
	"context"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/source"
)

func TestParseEveryLanguage(t *testing.T) {
	for lang, src := range map[source.Lang]string{
		source.JavaScript: "const a = require('fs');",
		source.TypeScript: "let x: number = 1;",
		source.TSX:        "const e = <div/>;",
		source.Python:     "import os\nos.remove('x')\n",
		source.Go:         "package main\nfunc main() {}\n",
	} {
		tree, err := Parse(context.Background(), lang, []byte(src), nil)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if tree.RootNode().HasError() {
			t.Errorf("%s: syntax error in %q", lang, src)
		}
	}
	if _, err := Parse(context.Background(), "cobol", nil, nil); err == nil {
		t.Error("no error for an unknown language")
	}
}

// TestCancelledContextDoesNotPoison: parses with a cancelled context must not
// leave parsers that fail later parses.
func TestCancelledContextDoesNotPoison(t *testing.T) {
	for i := 0; i < 50; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		Parse(ctx, source.JavaScript, []byte("f(1);"), nil)
		cancel()
	}
	for i := 0; i < 50; i++ {
		if _, err := Parse(context.Background(), source.JavaScript, []byte("f(1);"), nil); err != nil {
			t.Fatalf("parse %d after cancelled ones: %v", i, err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		if _, err := Parse(ctx, source.JavaScript, []byte("g(2);"), nil); err != nil {
			t.Fatalf("cancellable parse %d: %v", i, err)
		}
		cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Parse(ctx, source.Python, []byte("x = 1\n"), nil); err == nil {
		t.Log("a parse with an already-cancelled context finished before noticing: allowed")
	}
}
