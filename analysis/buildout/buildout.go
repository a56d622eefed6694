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
// it is named like build output and the directory holding it has analysable
// files outside every such directory: the sources it is built from.
func Find(files []string) []Dir {
	// sources[p] is a source file below directory p ("" is the root), the
	// first in sorted order, preferring one under src/.
	sources := map[string]string{}
	outputs := map[string]bool{}
	for _, f := range files {
		if d, ok := Output(f); ok {
			outputs[d] = true
			continue
		}
		els := strings.Split(f, "/")
		for i := 0; i < len(els); i++ {
			dir := strings.Join(els[:i], "/")
			from := strings.Join(els[:i+1], "/")
			if i < len(els)-1 {
				from += "/"
			}
			if cur, ok := sources[dir]; !ok || better(from, cur, dir) {
				sources[dir] = from
			}
		}
	}
	var out []Dir
	for d := range outputs {
		parent := path.Dir(d)
		if parent == "." {
			parent = ""
		}
		if from, ok := sources[parent]; ok {
			out = append(out, Dir{Path: d, From: from})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// better prefers the conventional source directory, then the first name.
func better(from, cur, dir string) bool {
	src := path.Join(dir, "src") + "/"
	if (from == src) != (cur == src) {
		return from == src
	}
	return from < cur
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
