package corpus

import (
	"bytes"
	"regexp"
	"strings"
)

// Bundles (esbuild, rolldown) inline the SDK and every dependency into the
// server's file, each module under a comment naming its source. Labellers
// label only the server's own modules there (labels README, "Which files
// count"), so the scorer must not count findings in inlined library code.

// Region is a range of 1-based lines, both ends included.
type Region struct {
	From int `json:"from"`
	To   int `json:"to"`
}

var (
	// esbuild: "// node_modules/ajv/dist/compile/util.js", "// src/tools/x.ts"
	esbuildMarker = regexp.MustCompile(`^// ((?:\.\./)*[\w@.+-][\w@.+/-]*\.[cm]?[jt]sx?|(?:\.\./)*[\w@.+-][\w@.+/-]*\.json)$`)
	// rolldown: "//#region src/server.ts" … "//#endregion"
	rolldownStart = regexp.MustCompile(`^//#region (.+)$`)
)

// OwnRegions returns the lines of a bundle that hold the server's own
// modules, and whether src is a bundle at all: a file with module markers
// at least one of which names inlined third-party code (node_modules or the
// bundler's runtime). For any other file every line is the server's own
// and OwnRegions returns nil, false.
func OwnRegions(src []byte) ([]Region, bool) {
	type marker struct {
		line int
		path string // "" for a rolldown #endregion
	}
	var marks []marker
	foreign := false
	lines := bytes.Split(src, []byte("\n"))
	if len(lines) > 1 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1] // the newline ends the last line
	}
	for i, raw := range lines {
		l := strings.TrimRight(string(raw), "\r")
		if !strings.HasPrefix(l, "//") {
			continue
		}
		var p string
		if l == "//#endregion" {
			marks = append(marks, marker{line: i + 1})
			continue
		} else if m := rolldownStart.FindStringSubmatch(l); m != nil {
			p = m[1]
		} else if m := esbuildMarker.FindStringSubmatch(l); m != nil {
			p = m[1]
		} else {
			continue
		}
		if !ownModule(p) {
			foreign = true
		}
		marks = append(marks, marker{line: i + 1, path: p})
	}
	if !foreign {
		return nil, false
	}
	var out []Region
	for i, m := range marks {
		if m.path == "" || !ownModule(m.path) {
			continue
		}
		end := len(lines)
		if i+1 < len(marks) {
			end = marks[i+1].line - 1
		}
		if end > m.line {
			out = append(out, Region{From: m.line + 1, To: end})
		}
	}
	return out, true
}

// ownModule reports whether a module marker names the server's own source
// rather than a dependency or the bundler's runtime ("\0rolldown/runtime.js").
func ownModule(p string) bool {
	return !strings.Contains(p, "node_modules/") && !strings.HasPrefix(p, "\\0") && !strings.HasPrefix(p, "\x00")
}

// inRegions reports whether line lies in one of rs.
func inRegions(rs []Region, line int) bool {
	for _, r := range rs {
		if line >= r.From && line <= r.To {
			return true
		}
	}
	return false
}
