// Package buildout decides which build-output directories are left out of
// an analysis: the one rule the CLI and the language server share.
//
// A directory named dist, build or out holds what a compiler or bundler made
// from sources. When those sources are in the tree, analysing both would
// report every call twice (and the bundle's copy at positions nobody edits),
// so the output is left out and the sources are analysed. When they are not
// (a server published as compiled JavaScript, as most npm packages are), the
// output is the server's code and is analysed like any other.
package buildout

import (
	"path"
	"sort"
	"strings"
)

// Names are the directory names of build output.
var Names = []string{"dist", "build", "out"}

func isName(el string) bool {
	for _, n := range Names {
		if el == n {
			return true
		}
	}
	return false
}

// Output returns the build-output directory holding rel (slash-separated,
// relative to the root): its outermost directory named like build output.
func Output(rel string) (string, bool) {
	els := strings.Split(rel, "/")
	for i, el := range els[:len(els)-1] {
		if isName(el) {
			return strings.Join(els[:i+1], "/"), true
		}
	}
	return "", false
}

// Dir is a build-output directory left out of the analysis.
type Dir struct {
	// Path is the directory, slash-separated and relative to the root.
	Path string
	// From names the sources built into it (a directory with a trailing
	// "/", or a file), relative to the root.
	From string
}

// Message says why the files of d were not analysed.
func (d Dir) Message() string {
	return "not analysed: build output of " + d.From + " (the sources are analysed instead)"
}

// Find returns the build-output directories among files to leave out.
// files are every analysable file of a tree (after the excludes), as
// slash-separated paths relative to its root. A directory is left out when
// it is named like build output and the directory holding it has, outside
// every such directory, a source that compiles into it: a file whose name
// without its last extension (src/index.ts: index) is that of a file of the
// output (dist/index.js). A published package's launcher (bin/cli.js,
// scripts/launcher.js), lint configuration or declaration files beside
// dist/ are no sources of it, so plain JavaScript counts only under src/,
// and declaration files and tests (x.test.ts, x.spec.ts) never.
func Find(files []string) []Dir {
	// stems[d] are the names, without their last extension, of the files of
	// output directory d.
	stems := map[string]map[string]bool{}
	var sources []string
	for _, f := range files {
		if d, ok := Output(f); ok {
			if stems[d] == nil {
				stems[d] = map[string]bool{}
			}
			stems[d][stem(f)] = true
			continue
		}
		sources = append(sources, f)
	}
	var out []Dir
	for d, names := range stems {
		parent := path.Dir(d)
		if parent == "." {
			parent = ""
		}
		from := ""
		for _, f := range sources {
			rest, ok := under(f, parent)
			if !ok || !compilesInto(rest) || !names[stem(f)] {
				continue
			}
			top := rest
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				top = rest[:i+1]
			}
			if parent != "" {
				top = parent + "/" + top
			}
			if from == "" || better(top, from, parent) {
				from = top
			}
		}
		if from != "" {
			out = append(out, Dir{Path: d, From: from})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// under returns f relative to directory dir ("" is the root).
func under(f, dir string) (string, bool) {
	if dir == "" {
		return f, true
	}
	rest, ok := strings.CutPrefix(f, dir+"/")
	return rest, ok
}

// stem is a path's file name without its last extension.
func stem(f string) string {
	b := path.Base(f)
	if i := strings.LastIndexByte(b, '.'); i > 0 {
		return b[:i]
	}
	return b
}

// compilesInto reports whether file rel (relative to the directory holding
// the output) may be a source the output is built from.
func compilesInto(rel string) bool {
	b := path.Base(rel)
	for _, x := range []string{".d.ts", ".d.mts", ".d.cts"} {
		if strings.HasSuffix(b, x) {
			return false
		}
	}
	if strings.Contains(b, ".test.") || strings.Contains(b, ".spec.") {
		return false
	}
	switch path.Ext(b) {
	case ".js", ".mjs", ".cjs":
		return strings.HasPrefix(rel, "src/")
	}
	return true
}

// Covering returns the directory of dirs that holds rel (slash-separated,
// relative to the root), if any.
func Covering(dirs []Dir, rel string) (Dir, bool) {
	for _, d := range dirs {
		if rel == d.Path || strings.HasPrefix(rel, d.Path+"/") {
			return d, true
		}
	}
	return Dir{}, false
}

// Split removes from files (paths relative to root as the caller holds them,
// converted by rel) those under a directory Find leaves out.
func Split(files []string, rel func(string) string) (kept []string, left []Dir) {
	rels := make([]string, len(files))
	for i, f := range files {
		rels[i] = rel(f)
	}
	left = Find(rels)
	if len(left) == 0 {
		return files, nil
	}
	for i, f := range files {
		if _, ok := Covering(left, rels[i]); !ok {
			kept = append(kept, f)
		}
	}
	return kept, left
}

// better prefers the conventional source directory, then the first name.
func better(from, cur, dir string) bool {
	src := path.Join(dir, "src") + "/"
	if (from == src) != (cur == src) {
		return from == src
	}
	return from < cur
}
