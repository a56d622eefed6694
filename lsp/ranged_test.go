package lsp

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcpriv/mcpriv/analysis/bigserver"
	"github.com/mcpriv/mcpriv/analysis/facts"
)

// rangedServer starts a server on the real engine with a 4,500-line TS file
// open, returning the client, the server and the file's text.
func rangedServer(t *testing.T, hook func(string, *facts.File), verify time.Duration) (*testClient, *Server, string) {
	t.Helper()
	text := bigserver.TypeScript(4500)
	var srv atomic.Pointer[Server]
	c := startServer(t, map[string]string{}, clientOpts{engine: realEngine, options: func(o *Options) {
		o.VerifyDelay = verify
		o.rangedHook = hook
		o.created = func(s *Server) { srv.Store(s) }
	}})
	c.open("big.ts", text)
	c.waitDiags("big.ts", func(d []diagnostic) bool { return len(d) > 0 })
	return c, srv.Load(), text
}

func (s *Server) statsNow() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// typeIn types one character inside the "/srv/data/N/" literal of the
// block in the middle of text; the scope of one diagnostic changes.
func typeIn(c *testClient, text string, ch string) {
	lines := strings.Split(text, "\n")
	for i := len(lines) / 2; i < len(lines); i++ {
		if k := strings.Index(lines[i], "/srv/data/"); k >= 0 {
			col := uint32(k + len("/srv/data/"))
			c.change("big.ts", TextDocumentContentChangeEvent{Range: rangePtr(pos(uint32(i), col), pos(uint32(i), col)), Text: ch})
			return
		}
	}
}

// TestRangedEditsAreVerified: edits of a big file are analysed by range,
// their diagnostics follow the text, and once idle the server re-extracts
// the file whole and finds nothing to correct.
func TestRangedEditsAreVerified(t *testing.T) {
	c, srv, text := rangedServer(t, nil, 30*time.Millisecond)
	typeIn(c, text, "é")
	c.waitDiags("big.ts", func(d []diagnostic) bool {
		for _, x := range d {
			if x.Data != nil && strings.Contains(x.Data.Scope, "/srv/data/é") {
				return true
			}
		}
		return false
	})
	deadline := time.Now().Add(10 * time.Second)
	for srv.statsNow().Verified == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	st := srv.statsNow()
	if st.Ranged == 0 || st.Verified == 0 || st.Mismatches != 0 {
		t.Fatalf("stats after one edit and idle time: %+v (want ranged and verified, no mismatch)", st)
	}
}

// TestRangedMismatchIsRepublished: a wrong ranged result (one call lost,
// simulated) is found by the idle whole-file check and corrected.
func TestRangedMismatchIsRepublished(t *testing.T) {
	var mu sync.Mutex
	drop := false
	hook := func(path string, f *facts.File) {
		mu.Lock()
		defer mu.Unlock()
		if drop && len(f.Calls) > 0 {
			f.Calls = f.Calls[1:]
		}
	}
	c, srv, text := rangedServer(t, hook, 100*time.Millisecond)
	want := len(c.waitDiags("big.ts", func(d []diagnostic) bool { return len(d) > 0 }))
	checked := rangedCheckFailures.Load()
	mu.Lock()
	drop = true
	mu.Unlock()
	typeIn(c, text, "x")
	c.waitDiags("big.ts", count(want-1))
	c.waitDiags("big.ts", count(want))
	if st := srv.statsNow(); st.Mismatches != 1 {
		t.Fatalf("stats: %+v, want one mismatch", st)
	}
	// Check mode (on in these tests) saw the simulated loss at once; the
	// count is taken back so TestMain fails only on real differences.
	if checkMode() {
		if n := rangedCheckFailures.Add(-1); n != checked {
			t.Errorf("check mode counted %d differences for the simulated one", n-checked+1)
		}
	}
}
