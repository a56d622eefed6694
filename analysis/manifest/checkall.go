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
// unsaved buffer or the disk), parsed (its invalid-manifest findings are
// appended) and checked against the files it governs; files without a
// manifest are checked as having none. File paths in res may be relative to
// root (the CLI) or absolute (the language server); a manifest's findings
// carry its path in the same style.
func CheckAll(root string, res *finding.Result, read func(path string) ([]byte, bool)) {
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

	// Group the files by governing manifest.
	groups := map[string]map[string]bool{}
	display := map[string]string{}
	add := func(file string) {
		abs := filepath.FromSlash(file)
		rel := !filepath.IsAbs(abs)
		if rel {
			abs = filepath.Join(root, abs)
		}
		mp := Find(filepath.Dir(abs), root, exists)
		if groups[mp] == nil {
			groups[mp] = map[string]bool{}
			display[mp] = filepath.ToSlash(mp)
			if r, err := filepath.Rel(root, mp); rel && err == nil && !strings.HasPrefix(r, "..") {
				display[mp] = filepath.ToSlash(r)
			}
		}
		groups[mp][file] = true
	}
	for _, f := range res.Findings {
		if f.Kind == finding.KindCapability {
			add(f.File)
		}
	}
	for _, t := range res.Tools {
		add(t.File)
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
			m, errs = Parse(display[p], t.data)
			res.Findings = append(res.Findings, errs...)
		}
		files := groups[p]
		Check(m, res, func(file string) bool { return files[file] })
	}
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
		case f.Kind == finding.KindUnusedGrant || f.Kind == finding.KindInvalidManifest:
		default:
			continue
		}
		out = append(out, f)
	}
	return out
}
