package engine

import "sync"

// DefaultInFlight is the default budget of source bytes being parsed and
// extracted at once. A file costs about 45 bytes of tree-sitter tree and as
// much again of flat tree and extraction state per byte of text while it is
// in flight, so 8 MB keeps that under ~750 MB whatever the tree holds and
// however many jobs run, and still lets a large bundle share the cores with
// the small files around it.
const DefaultInFlight = 8 << 20

// inFlight bounds the bytes of files between read and facts. A file larger
// than the whole budget runs alone, so no file waits forever.
type inFlight struct {
	mu   sync.Mutex
	cond *sync.Cond
	max  int64
	used int64
}

func newInFlight(max int64) *inFlight {
	b := &inFlight{max: max}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// acquire waits until n more bytes fit (or nothing else is in flight) and
// returns what to release.
func (b *inFlight) acquire(n int64) int64 {
	n = max(n, 1)
	b.mu.Lock()
	for b.used > 0 && b.used+n > b.max {
		b.cond.Wait()
	}
	b.used += n
	b.mu.Unlock()
	return n
}

func (b *inFlight) release(n int64) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
	b.cond.Broadcast()
}
