// Package measure runs the ecosystem measurement: it reads corpus lists of
// MCP servers, fetches each into a content-addressed cache, analyses it with
// the engine, records one result per server (servers.jsonl) and aggregates
// the records into a summary. Fetching never runs code from a package, and
// every server ends with a result or a recorded reason.
package measure

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"
)

// Source kinds of corpus entries.
const (
	SourceNPM = "npm"
	SourceGo  = "go"
	SourceGit = "git"
	SourceDir = "dir"
)

// Entry is one server of a corpus.
type Entry struct {
	// ID is the entry in canonical form ("npm:name@1.2.3", "git:/d@HEAD:sub"):
	// the key of resumption, sharding and merging.
	ID      string
	Source  string
	Name    string // npm package, Go module, git directory or local directory
	Version string // npm/go version, git revision ("" for dir)
	Subdir  string // slash-separated path inside the fetched tree ("" for its root)
}

// ParseEntry parses one corpus line: npm:NAME@VERSION, go:MODULE@VERSION[/SUBDIR],
// git:DIR[@REV][:SUBPATH], dir:PATH, or a plain NAME@VERSION (npm, the
// format of the shared npm list).
func ParseEntry(line string) (Entry, error) {
	kind, rest, ok := strings.Cut(line, ":")
	if !ok || strings.ContainsAny(kind, "@/ ") {
		kind, rest = SourceNPM, line
	}
	var e Entry
	switch kind {
	case SourceNPM:
		at := strings.LastIndex(rest, "@")
		if at <= 0 || at == len(rest)-1 {
			return e, fmt.Errorf("%q: want npm:NAME@VERSION", line)
		}
		e = Entry{Source: kind, Name: rest[:at], Version: rest[at+1:]}
		if strings.ContainsAny(e.Name+e.Version, " \t") || strings.HasPrefix(e.Name, "-") || strings.HasPrefix(e.Version, "-") {
			return e, fmt.Errorf("%q: not an npm package name and version", line)
		}
	case SourceGo:
		at := strings.LastIndex(rest, "@")
		if at <= 0 || at == len(rest)-1 {
			return e, fmt.Errorf("%q: want go:MODULE@VERSION[/SUBDIR]", line)
		}
		ver, sub, _ := strings.Cut(rest[at+1:], "/")
		e = Entry{Source: kind, Name: rest[:at], Version: ver, Subdir: sub}
		if strings.HasPrefix(e.Name, "-") || strings.HasPrefix(ver, "-") || ver == "" {
			return e, fmt.Errorf("%q: not a Go module and version", line)
		}
	case SourceGit:
		dir, sub, _ := strings.Cut(rest, ":")
		rev := "HEAD"
		if at := strings.LastIndex(dir, "@"); at > 0 && !strings.Contains(dir[at:], "/") {
			dir, rev = dir[:at], dir[at+1:]
		}
		if dir == "" || rev == "" || strings.HasPrefix(rev, "-") {
			return e, fmt.Errorf("%q: want git:DIR[@REV][:SUBPATH]", line)
		}
		e = Entry{Source: kind, Name: filepath.Clean(dir), Version: rev, Subdir: sub}
	case SourceDir:
		if rest == "" {
			return e, fmt.Errorf("%q: want dir:PATH", line)
		}
		e = Entry{Source: kind, Name: filepath.Clean(rest)}
	default:
		return e, fmt.Errorf("%q: unknown source %q (want npm, go, git or dir)", line, kind)
	}
	if e.Subdir != "" {
		sub := path.Clean(strings.Trim(filepath.ToSlash(e.Subdir), "/"))
		if sub == ".." || strings.HasPrefix(sub, "../") || path.IsAbs(sub) {
			return e, fmt.Errorf("%q: the subdirectory %q leaves the tree", line, e.Subdir)
		}
		if sub == "." {
			sub = ""
		}
		e.Subdir = sub
	}
	e.ID = e.canonical()
	return e, nil
}

func (e Entry) canonical() string {
	switch e.Source {
	case SourceNPM:
		return "npm:" + e.Name + "@" + e.Version
	case SourceGo:
		s := "go:" + e.Name + "@" + e.Version
		if e.Subdir != "" {
			s += "/" + e.Subdir
		}
		return s
	case SourceGit:
		s := "git:" + e.Name + "@" + e.Version
		if e.Subdir != "" {
			s += ":" + e.Subdir
		}
		return s
	}
	return "dir:" + e.Name
}

// ParseCorpus reads a corpus list: one entry a line; blank lines and lines
// starting with # are ignored; a repeated entry is kept once. Errors name
// the line; every bad line is reported, not only the first.
//
// A tab-separated line "OWNER/NAME<TAB>SUBPATH[<TAB>note]" (the shared
// GitHub lists) names a repository snapshot under mirror:
// git:MIRROR/OWNER+NAME:SUBPATH. Without a mirror such a line is an error.
func ParseCorpus(r io.Reader, name, mirror string) ([]Entry, error) {
	var out []Entry
	var errs []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var e Entry
		var err error
		if repo, rest, tsv := strings.Cut(line, "\t"); tsv {
			e, err = mirrorEntry(repo, rest, mirror)
		} else {
			e, err = ParseEntry(line)
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s:%d: %v", name, n, err))
			continue
		}
		if !seen[e.ID] {
			seen[e.ID] = true
			out = append(out, e)
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Sprintf("%s: %v", name, err))
	}
	if len(errs) > 0 {
		if len(errs) > 10 {
			errs = append(errs[:10], fmt.Sprintf("… and %d more", len(errs)-10))
		}
		return out, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out, nil
}

// Shard is part K of N of a corpus (1 ≤ K ≤ N).
type Shard struct{ K, N int }

// ParseShard parses "K/N".
func ParseShard(s string) (Shard, error) {
	var sh Shard
	if _, err := fmt.Sscanf(s, "%d/%d", &sh.K, &sh.N); err != nil || sh.N < 1 || sh.K < 1 || sh.K > sh.N || fmt.Sprintf("%d/%d", sh.K, sh.N) != s {
		return Shard{}, fmt.Errorf("bad shard %q: want K/N with 1 ≤ K ≤ N", s)
	}
	return sh, nil
}

// Has reports whether the entry belongs to the shard. Entries are dealt by
// a hash of their ID, so a shard's share does not move when the list is
// reordered or grows.
func (s Shard) Has(e Entry) bool {
	if s.N <= 1 {
		return true
	}
	var h uint32 = 2166136261 // FNV-1a
	for i := 0; i < len(e.ID); i++ {
		h ^= uint32(e.ID[i])
		h *= 16777619
	}
	return int(h%uint32(s.N)) == s.K-1
}

// mirrorEntry is a TSV line's repository as a git entry under mirror.
func mirrorEntry(repo, rest, mirror string) (Entry, error) {
	owner, name, ok := strings.Cut(strings.TrimSpace(repo), "/")
	if !ok || owner == "" || name == "" || strings.ContainsAny(name, "/\\") || owner == ".." || name == ".." {
		return Entry{}, fmt.Errorf("%q: want OWNER/NAME<TAB>SUBPATH", repo)
	}
	if mirror == "" {
		return Entry{}, fmt.Errorf("%s: a repository line needs a snapshot directory (--mirror DIR)", repo)
	}
	sub, _, _ := strings.Cut(rest, "\t")
	line := "git:" + filepath.Join(mirror, owner+"+"+name)
	if sub = strings.TrimSpace(sub); sub != "" && sub != "." {
		line += ":" + sub
	}
	return ParseEntry(line)
}
