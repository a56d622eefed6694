package measure

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
)

// Prefetcher is a Fetcher that can download many entries in one process
// (one npm start-up for a batch instead of one per package). Prefetch is
// best effort: what it could not fetch, Fetch fetches alone and records.
type Prefetcher interface {
	Prefetch(ctx context.Context, es []Entry)
}

// BatchSize is the number of packages one `npm pack` downloads.
const BatchSize = 16

// Prefetch packs the npm entries of es that are not cached with one
// `npm pack A@1 B@2 …` and files each tarball by its digest. npm stops at
// the first package it cannot get; those after it are left to Fetch.
func (c *Cache) Prefetch(ctx context.Context, es []Entry) {
	var todo []Entry
	for _, e := range es {
		if e.Source != SourceNPM {
			continue
		}
		if r, ok := c.readRef(e.ID); ok {
			if _, err := os.Stat(c.treeDir(r.Digest)); err == nil {
				continue
			}
		}
		todo = append(todo, e)
	}
	if len(todo) < 2 {
		return
	}
	tmp, err := os.MkdirTemp(c.mkdir("tmp"), "npm-batch-")
	if err != nil {
		return
	}
	defer os.RemoveAll(tmp)
	args := []string{"pack", "--ignore-scripts", "--json", "--silent", "--pack-destination", tmp}
	for _, e := range todo {
		args = append(args, e.Name+"@"+e.Version)
	}
	out, _ := c.run(ctx, tmp, nil, or(c.NPM, "npm"), args...)
	var packed []struct {
		Name     string `json:"name"`
		Version  string `json:"version"`
		Filename string `json:"filename"`
	}
	if json.Unmarshal(out, &packed) != nil {
		return
	}
	for _, p := range packed {
		e := Entry{Source: SourceNPM, Name: p.Name, Version: p.Version}
		e.ID = e.canonical()
		if p.Filename == "" || !contains(todo, e.ID) {
			continue
		}
		digest, err := c.store(filepath.Join(tmp, filepath.Base(p.Filename)))
		if err != nil {
			continue
		}
		// A package that does not unpack is left to Fetch, which records why.
		if c.unpack(digest, untarOptions{gzip: true, stripTop: true}) == nil {
			c.writeRef(ref{ID: e.ID, Digest: digest})
		}
	}
}

func contains(es []Entry, id string) bool {
	for _, e := range es {
		if e.ID == id {
			return true
		}
	}
	return false
}
