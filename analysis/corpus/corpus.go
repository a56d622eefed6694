// Package corpus reads the lists of real MCP servers the engine is developed
// and measured on (../shared/corpus beside the repository) and splits them,
// once and by a stable hash of each server's name, into a dev part to tune on
// and a test part to measure on. The code of those servers never enters the
// repository; the split does, as testdata/corpus/split.tsv (docs/corpus.md).
package corpus

import (
	"bufio"
	"crypto/sha1"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
)

// Lists are the list files of the corpus directory, in the order entries
// are written. The list of an entry is its file name without extension.
var Lists = []string{"npm-mcp.txt", "github-python.tsv", "github-go.tsv", "github-ts.tsv", "memory.tsv"}

// The two parts of the corpus.
const (
	Dev  = "dev"
	Test = "test"
)

// Entry is one server of one list. Name is the npm package name without its
// version, or OWNER/NAME of a GitHub repository; Subpath is the directory of
// the server inside the package or repository ("." for its root).
type Entry struct {
	List    string
	Name    string
	Subpath string
	Version string // npm only; not part of the split file
	Split   string
}

// SplitOf is the part a server belongs to: test when the SHA-1 of its name,
// read as a big-endian number, is divisible by 5, else dev. It depends on
// the name only, so a server listed twice lands in one part both times.
func SplitOf(name string) string {
	sum := sha1.Sum([]byte(name))
	if new(big.Int).Mod(new(big.Int).SetBytes(sum[:]), big.NewInt(5)).Sign() == 0 {
		return Test
	}
	return Dev
}

// ReadLists reads every list of the corpus directory dir and assigns each
// entry its split. same maps an npm package to the GitHub repository it is
// built from when that repository is listed too: the package then takes the
// repository's part, so one server never sits in both. A missing list or a
// malformed line is an error naming the file and line; an entry listed twice
// in one list is kept once.
func ReadLists(dir string, same map[string]string) ([]Entry, error) {
	var all []Entry
	for _, file := range Lists {
		f, err := os.Open(filepath.Join(dir, file))
		if err != nil {
			return nil, err
		}
		entries, err := readList(f, file)
		f.Close()
		if err != nil {
			return nil, err
		}
		all = append(all, entries...)
	}
	repos := map[string]bool{}
	for _, e := range all {
		if e.Version == "" {
			repos[e.Name] = true
		}
	}
	npm := map[string]bool{}
	for i, e := range all {
		if e.Version != "" {
			npm[e.Name] = true
			if repo, ok := same[e.Name]; ok {
				all[i].Split = SplitOf(repo)
			}
		}
	}
	for pkg, repo := range same {
		if !npm[pkg] || !repos[repo] {
			return nil, fmt.Errorf("same-server table: %s → %s: both must be listed (npm package, GitHub repository)", pkg, repo)
		}
	}
	return all, nil
}

// ReadSame reads the same-server table: a header line, then one npm package
// name and one GitHub OWNER/NAME a line, tab-separated.
func ReadSame(r io.Reader) (map[string]string, error) {
	sc := bufio.NewScanner(r)
	same := map[string]string{}
	n := 0
	for n = 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			if line != SameHeader {
				return nil, fmt.Errorf("same-server table: line 1: want header %q, got %q", SameHeader, line)
			}
			continue
		}
		pkg, repo, ok := strings.Cut(line, "\t")
		if !ok || pkg == "" || !validRepo(repo) {
			return nil, fmt.Errorf("same-server table: line %d: want npm name<TAB>OWNER/NAME, got %q", n, line)
		}
		if _, dup := same[pkg]; dup {
			return nil, fmt.Errorf("same-server table: line %d: %s listed twice", n, pkg)
		}
		same[pkg] = repo
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("same-server table: %w", err)
	}
	if n == 1 {
		return nil, fmt.Errorf("same-server table: empty (want at least the header %q)", SameHeader)
	}
	return same, nil
}

// SameHeader is the first line of the same-server table.
const SameHeader = "npm\tgithub"

func readList(r io.Reader, file string) ([]Entry, error) {
	list := strings.TrimSuffix(file, filepath.Ext(file))
	npm := filepath.Ext(file) == ".txt"
	seen := map[[2]string]bool{}
	var out []Entry
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		e := Entry{List: list, Subpath: "."}
		if npm {
			// name@version; a scoped name starts with its own @.
			at := strings.LastIndex(line, "@")
			if at <= 0 || at == len(line)-1 || strings.ContainsAny(line, " \t") {
				return nil, fmt.Errorf("%s:%d: want name@version, got %q", file, n, line)
			}
			e.Name, e.Version = line[:at], line[at+1:]
		} else {
			cols := strings.Split(line, "\t")
			if len(cols) < 2 || !validRepo(cols[0]) || !validSubpath(cols[1]) {
				return nil, fmt.Errorf("%s:%d: want OWNER/NAME<TAB>subpath<TAB>note, got %q", file, n, line)
			}
			e.Name, e.Subpath = cols[0], strings.TrimSuffix(cols[1], "/")
		}
		key := [2]string{e.Name, e.Subpath}
		if seen[key] {
			continue
		}
		seen[key] = true
		e.Split = SplitOf(e.Name)
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return out, nil
}

func validRepo(s string) bool {
	owner, name, ok := strings.Cut(s, "/")
	return ok && owner != "" && name != "" && !strings.ContainsAny(name, "/ ") && !strings.Contains(s, "..")
}

// validSubpath keeps a list from naming a directory outside the repository.
func validSubpath(s string) bool {
	if s == "" || strings.HasPrefix(s, "/") || strings.ContainsAny(s, " \\") {
		return false
	}
	for _, part := range strings.Split(s, "/") {
		if part == ".." {
			return false
		}
	}
	return true
}

// Header is the first line of the split file.
const Header = "list\tname\tsubpath\tsplit"

// Format writes entries as the split file: the header, then one entry a line.
func Format(entries []Entry) string {
	var b strings.Builder
	b.WriteString(Header + "\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", e.List, e.Name, e.Subpath, e.Split)
	}
	return b.String()
}

// ReadSplit reads a split file written by Format, so that tools can pick the
// servers of one part without the lists.
func ReadSplit(r io.Reader) ([]Entry, error) {
	sc := bufio.NewScanner(r)
	var out []Entry
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			if line != Header {
				return nil, fmt.Errorf("split file: line 1: want header %q, got %q", Header, line)
			}
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 || (cols[3] != Dev && cols[3] != Test) {
			return nil, fmt.Errorf("split file: line %d: want list, name, subpath, dev|test, got %q", n, line)
		}
		out = append(out, Entry{List: cols[0], Name: cols[1], Subpath: cols[2], Split: cols[3]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("split file: %w", err)
	}
	if out == nil {
		return nil, fmt.Errorf("split file: no entries")
	}
	return out, nil
}
