package analysis

import (
	"bufio"
	"bytes"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
)

var jsExts = []string{".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx"}

// jsCandidates lists the files a relative JS/TS import specifier may name,
// most likely first (TypeScript sources import "./x.js" meaning "./x.ts").
func jsCandidates(dir, spec string) []string {
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

// pyCandidates lists the files a relative Python module (".utils",
// "..pkg.mod") may name. Absolute modules are resolved through the index's
// module table instead.
func pyCandidates(dir, spec string) []string {
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

// pyModuleNames returns the dotted names a Python file may be imported as:
// every suffix of its path ("a/b/c.py" → "c", "b.c", "a.b.c").
func pyModuleNames(p string) []string {
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

// goModules finds the module path governing a directory (go.mod files are
// read once and cached).
type goModules struct {
	mu sync.Mutex
	m  map[string]goMod // dir → module of the nearest go.mod at or above it
}

type goMod struct{ dir, path string }

func newGoModules() *goModules { return &goModules{m: map[string]goMod{}} }

// lookup returns the module root directory and module path for dir (an
// absolute OS path), or "" when no go.mod is found.
func (g *goModules) lookup(dir string) goMod {
	g.mu.Lock()
	defer g.mu.Unlock()
	var walked []string
	d := dir
	var found goMod
	for {
		if m, ok := g.m[d]; ok {
			found = m
			break
		}
		walked = append(walked, d)
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil {
			found = goMod{dir: d, path: modulePath(data)}
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
