package lsp

import (
	"context"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/bigserver"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

type discardRWC struct{ io.Reader }

func (discardRWC) Write(p []byte) (int, error) { return len(p), nil }
func (discardRWC) Close() error                { return nil }

// publishFixture returns a server writing to nowhere and the results of
// three versions of a 10,000-line TypeScript file: the file, one more
// character in a path literal in the middle (one diagnostic changes), one
// more line at the top (every diagnostic moves).
func publishFixture(b *testing.B) (*Server, string, [3]*finding.Result) {
	s := newServer(Options{})
	b.Cleanup(s.stop)
	s.stream = newHeaderStream(discardRWC{strings.NewReader("")}, nil)
	eng, err := realEngine(EngineConfig{})
	if err != nil {
		b.Fatal(err)
	}
	root := b.TempDir()
	path := filepath.Join(root, "big.ts")
	text := bigserver.TypeScript(10000)
	at := strings.Index(text[len(text)/2:], "/srv/data/") + len(text)/2 + len("/srv/data/")
	var res [3]*finding.Result
	for i, t := range []string{text, text[:at] + "x" + text[at:], "\n" + text} {
		f, err := eng.Extract(context.Background(), path, []byte(t))
		if err != nil {
			b.Fatal(err)
		}
		res[i] = eng.Link(root, []*facts.File{f})
		eng.Check(root, res[i], nil)
	}
	return s, root, res
}

// publishLoop publishes first, then times publishing next(i) after each
// previous result (building the result is not timed).
func publishLoop(b *testing.B, s *Server, root string, first *finding.Result, next func(int) *finding.Result) {
	prev := s.buildRootResult(root, first, nil)
	s.publish(prev, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		rr := s.buildRootResult(root, next(i), prev)
		b.StartTimer()
		s.publish(rr, prev)
		prev = rr
	}
}

// BenchmarkPublish measures the publish phase of an edit (the edited file's
// diagnostics encoded and written to a sink) and buildRootResult, which the
// link phase runs after every edit.
//
//	go test -run '^$' -bench Publish -benchmem ./lsp
func BenchmarkPublish(b *testing.B) {
	s, root, res := publishFixture(b)
	b.Run("edit", func(b *testing.B) {
		publishLoop(b, s, root, res[1], func(i int) *finding.Result { return res[i%2] })
		b.ReportMetric(float64(len(res[0].Findings)), "findings") // after ResetTimer, which drops metrics
	})
	b.Run("newline", func(b *testing.B) {
		publishLoop(b, s, root, res[2], func(i int) *finding.Result { return res[i%2*2] })
	})
	b.Run("edit-pipe", func(b *testing.B) {
		// The same through net.Pipe to a reader that drains it: the write
		// returns once the reader has taken the megabyte.
		a, c := net.Pipe()
		defer a.Close()
		go io.Copy(io.Discard, c)
		saved := s.stream
		defer func() { s.stream = saved }()
		s.stream = newHeaderStream(a, nil)
		publishLoop(b, s, root, res[1], func(i int) *finding.Result { return res[i%2] })
	})
	b.Run("edit-cold", func(b *testing.B) {
		// Every diagnostic encoded: the first publish.
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			rr := s.buildRootResult(root, res[i%2], nil)
			b.StartTimer()
			s.publish(rr, &rootResult{})
		}
	})
	b.Run("buildRootResult", func(b *testing.B) {
		prev := s.buildRootResult(root, res[1], nil)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			prev = s.buildRootResult(root, res[i%2], prev)
		}
	})
}
