package manifest

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/finding"
)

// CheckAll runs the manifest checks over a whole result: every file of res
// is governed by the manifest Find picks for its directory, each manifest
// is read once through read (text and whether it exists: an editor's
// unsaved buffer or the disk, ReadFile; a manifest that exists but cannot
// be read is an invalid-manifest finding), parsed (its invalid-manifest findings are
// appended) and checked against the files it governs; files without a
// manifest are checked as having none. File paths in res may be relative to
// root (the CLI) or absolute (the language server); a manifest's findings
// carry its path in the same style.
//
// The language server runs this after every keystroke, and a 10,000-line
// file has over a thousand findings but one governing manifest, so the
// grouping is done per file rather than per finding, and the directory
// lookups share their ancestors through a finder.
func CheckAll(root string, res *finding.Result, read func(path string) (data []byte, exists bool, err error)) {
	if res == nil {
		return
	}
	type text struct {
		data []byte
		ok   bool
		err  error
	}
	cache := map[string]text{}
	load := func(p string) text {
		t, seen := cache[p]
		if !seen {
			t.data, t.ok, t.err = read(p)
			cache[p] = t
		}
		return t
	}
	exists := func(p string) bool { return load(p).ok }
	find := newFinder(root)

	groups := map[string]map[string]bool{} // manifest → files it governs
	display := map[string]string{}
	governed := map[string]bool{}
	add := func(file string) {
		if governed[file] {
			return
		}
		governed[file] = true
		abs := filepath.FromSlash(file)
		rel := !filepath.IsAbs(abs)
		if rel {
			abs = filepath.Join(root, abs)
		}
		mp := find.find(filepath.Dir(abs), exists)
		if groups[mp] == nil {
			groups[mp] = map[string]bool{}
			display[mp] = filepath.ToSlash(mp)
			if r, err := filepath.Rel(root, mp); rel && err == nil && !strings.HasPrefix(r, "..") {
				display[mp] = filepath.ToSlash(r)
			}
		}
		groups[mp][file] = true
	}
	// Findings come in runs of one file (Link sorts them by file); checking
	// the previous file skips most map lookups.
	last, started := "", false
	for i := range res.Findings {
		if f := &res.Findings[i]; f.Kind == finding.KindCapability && (!started || f.File != last) {
			last, started = f.File, true
			add(f.File)
		}
	}
	for i := range res.Tools {
		add(res.Tools[i].File)
		for _, s := range res.Tools[i].Sites {
			add(s.File)
		}
	}
	paths := make([]string, 0, len(groups))
	for p := range groups {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		var m *Manifest
		if t := load(p); t.ok {
			var errs []finding.Finding
			if t.err != nil {
				m, errs = Unreadable(display[p], t.err)
			} else {
				m, errs = Parse(display[p], t.data)
			}
			res.Findings = append(res.Findings, errs...)
		}
		// A sole manifest governs every file Check asks about (each
		// capability finding's and each tool's file was grouped above), so
		// it need not look the files up.
		var accept func(string) bool
		if files := groups[p]; len(groups) > 1 {
			accept = func(file string) bool { return files[file] }
		}
		check(m, res, accept, root)
	}
}

// finder answers Find(dir, root, exists) for many directories, remembering
// the answer for every directory on the way up: the files of a workspace
// share their ancestors, so each directory is asked about once. exists is
// passed to each call rather than kept, which lets CheckAll's caches stay
// off the heap.
type finder struct {
	root  string // clean
	byDir map[string]string
}

func newFinder(root string) finder {
	return finder{root: filepath.Clean(root), byDir: map[string]string{}}
}

// find follows Find step by step: the manifest in dir if there is one, else
// root's when dir is root, the top of the file system or outside root, else
// the parent's answer. exists must be the same function on every call.
func (f *finder) find(dir string, exists func(string) bool) string {
	dir = filepath.Clean(dir)
	if mp, ok := f.byDir[dir]; ok {
		return mp
	}
	mp := filepath.Join(dir, FileName)
	if exists == nil || !exists(mp) {
		if parent := filepath.Dir(dir); dir == f.root || parent == dir || !within(dir, f.root) {
			mp = filepath.Join(f.root, FileName)
		} else {
			mp = f.find(parent, exists)
		}
	}
	f.byDir[dir] = mp
	return mp
}

// Disagreements returns the findings that make `mcpriv manifest --check`
// fail: calls the manifest does not declare (or no manifest at all), calls
// out of scope, unused grants, unknown tools and invalid manifests.
// Annotation mismatches are about the code alone and do not count.
func Disagreements(res *finding.Result) []finding.Finding {
	var out []finding.Finding
	for _, f := range res.Findings {
		switch {
		case f.Kind == finding.KindCapability && (f.Manifest == finding.Undeclared || f.Manifest == finding.OutOfScope || f.Manifest == finding.NoManifest):
		case f.Kind == finding.KindUnusedGrant || f.Kind == finding.KindInvalidManifest || f.Kind == finding.KindUnanalysed:
		default:
			continue
		}
		out = append(out, f)
	}
	return out
}
