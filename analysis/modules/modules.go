// Package modules resolves module references to files and directories:
// relative JavaScript/TypeScript and Python imports to the files they may
// name, and Go directories to the module (go.mod) that governs them. Only
// GoModules reads the disk; the engine asks it before linking, so the link
// itself reads nothing.
package modules

import (
	"bufio"
	"bytes"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// maxGoMod bounds a go.mod read: real ones are a few kilobytes.
const maxGoMod = 4 << 20

var jsExts = []string{".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx"}

// JSCandidates lists the files a relative JS/TS import specifier may name,
// most likely first (TypeScript sources import "./x.js" meaning "./x.ts").
func JSCandidates(dir, spec string) []string {
	if !strings.HasPrefix(spec, "./") && !strings.HasPrefix(spec, "../") && spec != "." && spec != ".." {
		return nil
	}
	base := path.Join(dir, spec)
	var out []string
	ext := path.Ext(base)
	switch ext {
	case ".js", ".mjs", ".cjs", ".jsx":
		stem := strings.TrimSuffix(base, ext)
		out = append(out, base)
		switch ext {
		case ".mjs":
			out = append(out, stem+".mts")
		case ".cjs":
			out = append(out, stem+".cts")
		default:
			out = append(out, stem+".ts", stem+".tsx")
		}
		return out
	case ".ts", ".tsx", ".mts", ".cts":
		return []string{base}
	}
	for _, e := range jsExts {
		out = append(out, base+e)
	}
	for _, e := range jsExts {
		out = append(out, base+"/index"+e)
	}
	return out
}

// PyCandidates lists the files a relative Python module (".utils",
// "..pkg.mod") may name. Absolute modules are resolved through the index's
// module table instead.
func PyCandidates(dir, spec string) []string {
	n := 0
	for n < len(spec) && spec[n] == '.' {
		n++
	}
	if n == 0 {
		return nil
	}
	d := dir
	for i := 1; i < n; i++ {
		d = path.Dir(d)
	}
	rest := spec[n:]
	if rest == "" {
		return []string{path.Join(d, "__init__.py")}
	}
	p := path.Join(d, strings.ReplaceAll(rest, ".", "/"))
	return []string{p + ".py", p + "/__init__.py"}
}

// PyModuleNames returns the dotted names a Python file may be imported as:
// every suffix of its path ("a/b/c.py" → "c", "b.c", "a.b.c").
func PyModuleNames(p string) []string {
	p = strings.TrimSuffix(p, ".py")
	p = strings.TrimSuffix(p, "/__init__")
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	var out []string
	for i := len(parts) - 1; i >= 0; i-- {
		if parts[i] == "" || strings.ContainsAny(parts[i], ".- ") {
			break
		}
		out = append(out, strings.Join(parts[i:], "."))
	}
	return out
}

// GoModules finds the module path governing a directory (go.mod files are
// read once and cached).
type GoModules struct {
	mu sync.Mutex
	m  map[string]GoModule // dir → module of the nearest go.mod at or above it
}

// GoModule is a module: its root directory (absolute OS path) and its
// module path; both are "" when no go.mod governs a directory.
type GoModule struct{ Dir, Path string }

func NewGoModules() *GoModules { return &GoModules{m: map[string]GoModule{}} }

// Lookup returns the module root directory and module path for dir (an
// absolute OS path), or "" when no go.mod is found.
func (g *GoModules) Lookup(dir string) GoModule {
	g.mu.Lock()
	defer g.mu.Unlock()
	var walked []string
	d := dir
	var found GoModule
	for {
		if m, ok := g.m[d]; ok {
			found = m
			break
		}
		walked = append(walked, d)
		// Bounded and regular files only (source.ReadFile): a go.mod that is
		// a FIFO, /dev/zero or a sparse 50 GB file is hostile input. One that
		// is there but refused still ends the module, with an unknown path.
		if data, err := source.ReadFile(filepath.Join(d, "go.mod"), maxGoMod); err == nil {
			found = GoModule{Dir: d, Path: modulePath(data)}
			break
		} else if _, lerr := os.Lstat(filepath.Join(d, "go.mod")); lerr == nil {
			found = GoModule{Dir: d}
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	for _, w := range walked {
		g.m[w] = found
	}
	return found
}

func modulePath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "module") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				return strings.Trim(f[1], `"`)
			}
		}
	}
	return ""
}

// GoDir is the absolute OS directory of a facts path (slash-separated,
// relative to root unless absolute): the key of the map ForFiles returns.
func GoDir(root, p string) string {
	absDir := filepath.Dir(filepath.FromSlash(p))
	if !filepath.IsAbs(absDir) {
		absDir = filepath.Join(root, absDir)
	}
	return absDir
}

// ForFiles returns the module of the directory of every Go file of files,
// by GoDir: what a link of root needs to know of go.mod files, read before
// linking so the link reads nothing.
func (g *GoModules) ForFiles(root string, files []*facts.File) map[string]GoModule {
	out := map[string]GoModule{}
	for _, f := range files {
		if f == nil || f.Lang != source.Go {
			continue
		}
		d := GoDir(root, f.Path)
		if _, ok := out[d]; !ok {
			out[d] = g.Lookup(d)
		}
	}
	inferModule(root, files, out)
	return out
}

// inferModule gives the Go directories no go.mod governs (a subtree of a
// module scanned alone: a monorepo's server directory) the module path
// their imports imply. An import path ending in the relative path of a
// scanned directory (".../cmd/mcp/k8s" with k8s/ scanned) says the scan
// root is the package at its prefix. The prefix the most directories
// agree on wins; a tie gives none, and a directory a go.mod governs (even
// one whose path it does not say) keeps it.
func inferModule(root string, files []*facts.File, mods map[string]GoModule) {
	orphans := map[string]string{} // slash path relative to root → GoDir key
	for d, m := range mods {
		if m.Dir != "" {
			continue
		}
		if rel, err := filepath.Rel(root, d); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
			orphans[filepath.ToSlash(rel)] = d
		}
	}
	if len(orphans) == 0 {
		return
	}
	votes := map[string]map[string]bool{} // prefix → directories it explains
	for _, f := range files {
		if f == nil || f.Lang != source.Go || mods[GoDir(root, f.Path)].Dir != "" {
			continue
		}
		for _, imp := range f.Imports {
			spec := imp.Spec
			for i := strings.IndexByte(spec, '/'); i > 0; {
				if _, ok := orphans[spec[i+1:]]; ok {
					prefix := spec[:i]
					if votes[prefix] == nil {
						votes[prefix] = map[string]bool{}
					}
					votes[prefix][spec[i+1:]] = true
				}
				next := strings.IndexByte(spec[i+1:], '/')
				if next < 0 {
					break
				}
				i += next + 1
			}
		}
	}
	best, n, tie := "", 0, false
	for prefix, dirs := range votes {
		switch {
		case len(dirs) > n:
			best, n, tie = prefix, len(dirs), false
		case len(dirs) == n:
			tie = true
		}
	}
	if best == "" || tie {
		return
	}
	for d, m := range mods {
		if m.Dir == "" {
			mods[d] = GoModule{Dir: root, Path: best}
		}
	}
}
