package parse

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

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

// TestCancellableParsesReuseParsers: parsers used under a cancellable
// context go back to the pool unless the context ended during the parse;
// contexts cancelled at any moment around a parse never poison a later one,
// and a parse cut short returns the caller's reason.
func TestCancellableParsesReuseParsers(t *testing.T) {
	big := []byte(strings.Repeat("function f(a) { return g(a, [1, 2, 3], { k: a }) + h(a); }\n", 10000))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				ctx, cancel := context.WithCancel(context.Background())
				if i%3 == g%3 {
					go cancel() // races the parse
				}
				if tree, err := Parse(ctx, source.JavaScript, []byte("f(1);"), nil); err == nil {
					tree.Close()
				} else if !errors.Is(err, context.Canceled) {
					t.Errorf("cancelled parse: %v", err)
				}
				cancel()
				tree, err := Parse(context.Background(), source.JavaScript, []byte("g(2);"), nil)
				if err != nil {
					t.Errorf("parse after a cancellable one: %v", err)
					return
				}
				tree.Close()
			}
		}(g)
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if tree, err := Parse(ctx, source.JavaScript, big, nil); err == nil {
		tree.Close()
		t.Log("the big parse finished within its deadline: allowed")
	} else if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a parse past its deadline returned %v, want the deadline", err)
	}
	if tree, err := Parse(context.Background(), source.JavaScript, big, nil); err != nil {
		t.Fatalf("parse after a timed-out one: %v", err)
	} else {
		tree.Close()
	}
}

// TestPythonNewlines: a lone CR is a line end for CPython; the grammar is
// given "\n" there, at the same offset, and a text without one is not
// copied.
func TestPythonNewlines(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"a\nb", "a\nb"},
		{"a\r\nb\r\n", "a\r\nb\r\n"},
		{"a\rb", "a\nb"},
		{"a\r\nb\rc\r", "a\r\nb\nc\n"},
		{"\r\r\n\r", "\n\r\n\n"},
	} {
		in := []byte(tc.in)
		got := pythonNewlines(in)
		if string(got) != tc.want {
			t.Errorf("pythonNewlines(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if string(in) != tc.in {
			t.Errorf("pythonNewlines(%q) changed its input", tc.in)
		}
	}
	src := []byte("def f():\r    return 1\r")
	tree, err := Parse(context.Background(), source.Python, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tree.RootNode().HasError() {
		t.Errorf("a Python file with CR line ends has syntax errors: %s", tree.RootNode())
	}
}
