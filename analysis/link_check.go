package analysis

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/manifest"
)

// checkManifests is manifest.CheckAll with its per-finding work done per
// file: a 10,000-line file has over a thousand findings and one governing
// manifest, and the language server runs this after every keystroke. The
// grouping, the manifests read and parsed, the order of their findings and
// the checks are CheckAll's (TestCheckManifestsMatchesCheckAll holds them
// to it).
func checkManifests(root string, res *finding.Result, read func(path string) ([]byte, bool)) {
	if res == nil {
		return
	}
	type text struct {
		data []byte
		ok   bool
	}
	cache := map[string]text{}
	load := func(p string) text {
		t, seen := cache[p]
		if !seen {
			t.data, t.ok = read(p)
			cache[p] = t
		}
		return t
	}
	exists := func(p string) bool { return load(p).ok }

	groups := map[string]map[string]bool{} // manifest → files it governs
	display := map[string]string{}
	governed := map[string]bool{} // files already grouped
	byDir := map[string]string{}  // directory → governing manifest
	// find is manifest.Find with every directory on the way memoised: files
	// of a workspace share their ancestors.
	cleanRoot := filepath.Clean(root)
	var find func(dir string) string
	find = func(dir string) string {
		dir = filepath.Clean(dir)
		if mp, ok := byDir[dir]; ok {
			return mp
		}
		mp := filepath.Join(dir, manifest.FileName)
		if !exists(mp) {
			if parent := filepath.Dir(dir); dir == cleanRoot || parent == dir || !within(dir, cleanRoot) {
				mp = filepath.Join(cleanRoot, manifest.FileName)
			} else {
				mp = find(parent)
			}
		}
		byDir[dir] = mp
		return mp
	}
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
		mp := find(filepath.Dir(abs))
		if groups[mp] == nil {
			groups[mp] = map[string]bool{}
			display[mp] = filepath.ToSlash(mp)
			if r, err := filepath.Rel(root, mp); rel && err == nil && !strings.HasPrefix(r, "..") {
				display[mp] = filepath.ToSlash(r)
			}
		}
		groups[mp][file] = true
	}
	last := ""
	for i := range res.Findings {
		if f := &res.Findings[i]; f.Kind == finding.KindCapability && (f.File != last || i == 0) {
			last = f.File
			add(f.File)
		}
	}
	for i := range res.Tools {
		add(res.Tools[i].File)
	}
	paths := make([]string, 0, len(groups))
	for p := range groups {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		var m *manifest.Manifest
		if t := load(p); t.ok {
			var errs []finding.Finding
			m, errs = manifest.Parse(display[p], t.data)
			res.Findings = append(res.Findings, errs...)
		}
		files := groups[p]
		if len(groups) == 1 {
			files = nil // every finding's file is governed by it
		}
		var accept func(string) bool
		if files != nil {
			accept = func(file string) bool { return files[file] }
		}
		manifest.Check(m, res, accept)
	}
}

// within reports whether dir is root or below it (manifest.Find's test).
func within(dir, root string) bool {
	rel, err := filepath.Rel(root, dir)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// sortResultFindings sorts findings as sortFindings does, cheaply when they
// are mostly sorted already: Link returns them sorted and the manifest
// checks append a few.
func sortResultFindings(fs []finding.Finding) {
	n := 1
	for n < len(fs) && compareFindings(&fs[n-1], &fs[n]) <= 0 {
		n++
	}
	if n >= len(fs) {
		return
	}
	tail := append([]finding.Finding(nil), fs[n:]...)
	sortFindings(tail)
	// Merge from the back; on ties the sorted prefix goes first, as a stable
	// sort of the whole would keep it.
	i, j := n-1, len(tail)-1
	for k := len(fs) - 1; j >= 0; k-- {
		if i >= 0 && compareFindings(&fs[i], &tail[j]) > 0 {
			fs[k] = fs[i]
			i--
		} else {
			fs[k] = tail[j]
			j--
		}
	}
}
