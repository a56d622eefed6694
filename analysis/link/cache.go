package link

import (
	"slices"
	"sync"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// linkCache keeps, per root, the latest link (linkSnapshot): the next
// link reuses what the files it shares with it give alone, and, when only
// a few files changed in ways the call graph does not see, the whole
// outcome (relink). Only the files of a root's latest link are kept, and
// few roots.
type linkCache struct {
	mu    sync.Mutex
	tick  uint64
	roots map[string]*rootLink
}

type rootLink struct {
	snap *linkSnapshot
	used uint64
}

// linkSnapshot is one link of a root. It is immutable.
type linkSnapshot struct {
	given []*facts.File // the files as the caller passed them
	base  []*fileStatic // what each gives alone (before Go type rewrites)
	out   *linkOut
	// ix is the call graph, reach and name tables of the link, kept when
	// its taint answers do not depend on the order of the questions (see
	// graphLink); nil otherwise. Its files and tools may be older versions
	// of out's with the same graph (relink keeps it).
	ix *index
}

// maxCachedRoots bounds the roots kept: an editor has a few workspace
// folders open; a program linking many trees once gains nothing from more.
const maxCachedRoots = 8

func (c *linkCache) snapshot(root string) *linkSnapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := c.roots[root]; r != nil {
		return r.snap
	}
	return nil
}

func (c *linkCache) store(root string, snap *linkSnapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	c.roots[root] = &rootLink{snap: snap, used: c.tick}
	for len(c.roots) > maxCachedRoots {
		oldest, at := "", c.tick
		for r, rl := range c.roots {
			if rl.used < at {
				oldest, at = r, rl.used
			}
		}
		delete(c.roots, oldest)
	}
}

// drop forgets root's latest link.
func (c *linkCache) drop(root string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.roots, root)
}

// statics returns the fileStatic of every file, reusing those of the
// root's latest link and the comparisons of changed files with it (diffs).
func (c *linkCache) statics(l *Linker, root string, files []*facts.File, ld *linkDiff) []*fileStatic {
	var prev map[*facts.File]*fileStatic
	var byPath map[string]int // index in snap.given, for files edited since
	snap := c.snapshot(root)
	if snap != nil {
		prev = make(map[*facts.File]*fileStatic, len(snap.given))
		byPath = make(map[string]int, len(snap.given))
		for i, f := range snap.given {
			prev[f] = snap.base[i]
			if f != nil {
				byPath[f.Path] = i
			}
		}
	}
	out := make([]*fileStatic, len(files))
	var diffs []*fileDiff
	if ld != nil {
		diffs = ld.files
	}
	for _, d := range diffs {
		if d.i < len(files) && files[d.i] == d.nf {
			out[d.i] = d.static(l)
			if prev != nil {
				prev[d.nf] = out[d.i]
			}
		}
	}
	for i, f := range files {
		if out[i] == nil {
			out[i] = prev[f]
		}
		if out[i] == nil {
			if j, ok := byPath[f.Path]; ok && f != nil && snap.given[j] != nil && snap.base[j] != nil {
				out[i] = updatedStatic(l, snap.given[j], f, snap.base[j])
			} else {
				out[i] = newFileStatic(l, f)
			}
			if prev != nil {
				prev[f] = out[i] // a file listed twice
			}
		}
	}
	return out
}

// remember makes a full link the root's latest. Its index is kept for
// graphLink when its taint answers are exact (see graphLink), without the
// memos: graphLink asks its questions afresh.
func (c *linkCache) remember(root string, given []*facts.File, ix *index, out *linkOut) {
	snap := &linkSnapshot{given: slices.Clone(given), base: ix.cached, out: out}
	if ix.taintExact() {
		ix.taintMemo, ix.inFlight, ix.localDirs, ix.pyLocal, ix.diffs, ix.live, ix.paths = nil, nil, nil, nil, nil, nil, pathTable{}
		snap.ix = ix
	}
	c.store(root, snap)
}
