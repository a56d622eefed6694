package scope

import (
	"path"
	"strings"
)

// inferPath reads a literal path as the runtime's file API does: ".."
// is resolved lexically (as path.Clean, posixpath.normpath and Node's
// path.normalize do), "~" is the home directory only in Python (pathlib's
// home() and expanduser, which the Python extractor writes as "~"; JS and
// Go open a directory named "~"). A path whose ".." climbs out of ${HOME}
// or the working directory names a directory mcpriv cannot know: Unknown,
// never a path under the placeholder.
func inferPath(fam Family, v string, prefix bool) Scope {
	if strings.ContainsRune(v, 0) {
		return unknownScope("a NUL byte in the path")
	}
	if strings.HasPrefix(v, "file://") {
		rest := v[len("file://"):]
		if !strings.HasPrefix(rest, "/") {
			// file://host/path: only the local host is a path on this machine.
			j := strings.IndexByte(rest, '/')
			if j < 0 {
				if prefix {
					return dynamic
				}
				return unknownScope("a file: URL on another host")
			}
			if !strings.EqualFold(rest[:j], "localhost") {
				return unknownScope("a file: URL on another host")
			}
			rest = rest[j:]
		}
		if k := strings.IndexAny(rest, "?#"); k >= 0 {
			rest, prefix = rest[:k], false
		}
		if strings.Contains(rest, "%") {
			return unknownScope("a percent-encoded file: URL")
		}
		if len(rest) >= 3 && rest[0] == '/' && isDrive(rest[1:]) {
			rest = rest[1:] // file:///C:/x
		}
		v = rest
	}
	windows := isDrive(v) || strings.HasPrefix(v, `\\`)
	if windows {
		v = strings.ReplaceAll(v, `\`, "/")
	} else if strings.Contains(v, `\`) {
		// A plain character on Linux and macOS, a separator on Windows:
		// refuse what would name another place there.
		w := strings.ReplaceAll(v, `\`, "/")
		if strings.HasPrefix(w, "/") || hasDotSegment(w) {
			return unknownScope(`a backslash path that means another place on Windows`)
		}
	}
	if v == "" {
		return unknownScope("an empty path")
	}
	// root is where a relative rest is anchored: "" for an absolute path.
	root := ""
	switch {
	case fam == Python && prefix && v == "~":
		return dynamic // "~" + x: ${HOME}, or "~user"
	case fam == Python && (v == "~" || strings.HasPrefix(v, "~/")):
		root, v = "${HOME}", strings.TrimLeft(v[1:], "/")
	case fam == Python && strings.HasPrefix(v, "~"):
		return unknownScope("~user: another user's home directory")
	case strings.HasPrefix(v, "/"), windows:
	default:
		root = "${CWD}"
	}
	if prefix {
		// Only the start is known: cover the directory it names.
		j := strings.LastIndexByte(v, '/')
		switch {
		case j < 0 && root == "${HOME}":
			v = "" // "~/na" + x: somewhere in ${HOME}
		case j < 0:
			return dynamic // "pre" + x: could be anywhere under the working directory
		case j == 0:
			v = "/"
		default:
			v = v[:j]
		}
	}
	var c string
	if root == "" {
		unc := strings.HasPrefix(v, "//")
		c = path.Clean(v)
		if unc {
			c = "/" + c // keep //server/share
		}
	} else {
		c = path.Clean(v)
		if v == "" {
			c = "."
		}
		if c == ".." || strings.HasPrefix(c, "../") {
			where := "the working directory"
			if root == "${HOME}" {
				where = "${HOME}"
			}
			return unknownScope(`".." climbs out of ` + where)
		}
		switch {
		case root == "${CWD}":
			// Relative paths stay relative (manifest.md: relative to ${CWD}),
			// except one the manifest would read as a placeholder: "~" is
			// ${HOME} there, "${HOME}" written in the code is a directory name.
			if c == "~" || strings.HasPrefix(c, "~/") || strings.HasPrefix(c, "${") {
				c = "${CWD}/" + c
			}
		case c == ".":
			c = root
		default:
			c = root + "/" + c
		}
	}
	if prefix {
		if c == "." {
			return known("**")
		}
		if strings.HasSuffix(c, "/") {
			return known(c + "**")
		}
		return known(c + "/**")
	}
	return known(c)
}

// hasDotSegment reports whether a slash path has a "." or ".." segment.
func hasDotSegment(p string) bool {
	for _, s := range strings.Split(p, "/") {
		if s == "." || s == ".." {
			return true
		}
	}
	return false
}

func isDrive(s string) bool {
	return len(s) >= 2 && s[1] == ':' && (s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') &&
		(len(s) == 2 || s[2] == '/' || s[2] == '\\')
}
