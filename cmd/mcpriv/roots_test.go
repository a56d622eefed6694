package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcpriv/mcpriv/analysis/finding"
)

// slowScanner answers each root after a delay that shrinks with its
// position, so overlapping scans finish out of order; roots named bad*
// fail.
type slowScanner struct {
	delay   map[string]time.Duration
	running atomic.Int32
	most    atomic.Int32
}

func (s *slowScanner) Scan(ctx context.Context, root string, _ func(done, total int)) (*finding.Result, error) {
	n := s.running.Add(1)
	defer s.running.Add(-1)
	for {
		m := s.most.Load()
		if n <= m || s.most.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(s.delay[root])
	if strings.HasPrefix(filepath.Base(root), "bad") {
		return nil, errors.New("cannot scan")
	}
	return &finding.Result{Root: root}, nil
}

// TestScanRootsOverlapKeepsOrder: PATHs scanned at once are reported in
// command-line order, errors included, never more than rootsAtOnce at a
// time.
func TestScanRootsOverlapKeepsOrder(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	sc := &slowScanner{delay: map[string]time.Duration{}}
	for i, name := range []string{"a", "bad1", "c", "d", "bad2", "f"} {
		p := filepath.Join(dir, name)
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		sc.delay[p] = time.Duration(6-i) * 5 * time.Millisecond
	}
	paths = append(paths[:3], append([]string{filepath.Join(dir, "missing")}, paths[3:]...)...)
	var stderr bytes.Buffer
	out, fatal := scanRoots(context.Background(), sc, paths, nil, &stderr)
	if !fatal {
		t.Error("failed PATHs did not make the scan fatal")
	}
	var got []string
	for _, r := range out {
		got = append(got, filepath.Base(r.path))
	}
	if strings.Join(got, ",") != "a,c,d,f" {
		t.Errorf("results %v, want a,c,d,f in order", got)
	}
	want := fmt.Sprintf("mcpriv scan: %s: cannot scan\nmcpriv scan: %s: no such file or directory\nmcpriv scan: %s: cannot scan\n",
		paths[1], paths[3], paths[5])
	if stderr.String() != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr.String(), want)
	}
	if m := sc.most.Load(); m > rootsAtOnce {
		t.Errorf("%d PATHs scanned at once, at most %d allowed", m, rootsAtOnce)
	}
}
