package corpus

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
)

// The hand labels of test-split servers (testdata/corpus/labels, described
// in its README): what each tool of a server really uses, and every
// sensitive call in a few fully labelled files. They are the ground truth
// the scorer measures the engine against.

// ServerKey names a labelled server: the list it is labelled under and its
// name there. A server on two lists can be labelled under both.
type ServerKey struct {
	List string `json:"list"`
	Name string `json:"name"`
}

func (k ServerKey) String() string { return k.List + "/" + k.Name }

// ToolLabel is one row of tools.tsv: a tool and every capability its
// handler exercises (empty for "-").
type ToolLabel struct {
	Server ServerKey
	Tool   string
	Caps   []capability.ID
	Row    int // line in tools.tsv
}

// Taint roles of a site label: what model-chosen tool input reaches.
const (
	TaintTarget  = "target"  // the call's destination: URL/host, path, program, code, SQL
	TaintPayload = "payload" // only its body, content, stdin or argument list
	TaintNone    = "-"
)

// SiteLabel is one row of sites.tsv: one sensitive call (file, line of the
// callee) and one capability it exercises.
type SiteLabel struct {
	Server ServerKey
	File   string // slash-separated, relative to the server directory
	Line   int
	Cap    capability.ID
	Tools  []string // tools that reach the call; nil when only the server does
	Taint  string   // TaintTarget, TaintPayload or TaintNone
	Note   string
	Row    int // line in sites.tsv
}

// Labels are the three label files of a directory.
type Labels struct {
	Tools []ToolLabel
	Sites []SiteLabel
	// Files are the fully labelled files of each server: only there is a
	// finding without a label row a false alarm.
	Files map[ServerKey]map[string]bool
}

// Label file names and their header lines.
const (
	ToolsFile   = "tools.tsv"
	SitesFile   = "sites.tsv"
	FilesFile   = "files.tsv"
	ToolsHeader = "list\tserver\ttool\tcapabilities"
	SitesHeader = "list\tserver\tfile\tline\tcapability\ttools\ttaint\tnote"
	FilesHeader = "list\tserver\tfile"
)

// ReadLabels reads tools.tsv, sites.tsv and files.tsv of dir. Every
// malformed row is an error naming its file and line: a scorer that skipped
// rows would report figures on labels nobody wrote.
func ReadLabels(dir string) (*Labels, error) {
	l := &Labels{Files: map[ServerKey]map[string]bool{}}
	read := func(name string, parse func(io.Reader, string) error) error {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		defer f.Close()
		return parse(f, name)
	}
	if err := read(ToolsFile, l.readTools); err != nil {
		return nil, err
	}
	if err := read(SitesFile, l.readSites); err != nil {
		return nil, err
	}
	if err := read(FilesFile, l.readFiles); err != nil {
		return nil, err
	}
	return l, nil
}

// eachRow calls row with the columns of every line after the header,
// which must be header; cols is the number of columns wanted (the last
// one may be missing when optional is set).
func eachRow(r io.Reader, file, header string, cols int, optionalLast bool, row func(n int, c []string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if n == 1 {
			if line != header {
				return fmt.Errorf("%s:1: want header %q, got %q", file, header, line)
			}
			continue
		}
		if line == "" {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) == cols-1 && optionalLast {
			c = append(c, "")
		}
		if len(c) != cols {
			return fmt.Errorf("%s:%d: want %d tab-separated columns (%s), got %d: %q", file, n, cols, strings.ReplaceAll(header, "\t", ", "), len(c), line)
		}
		for i, v := range c[:cols-1] {
			if strings.TrimSpace(v) == "" {
				return fmt.Errorf("%s:%d: column %d is empty", file, n, i+1)
			}
		}
		if err := row(n, c); err != nil {
			return fmt.Errorf("%s:%d: %w", file, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: empty (want at least the header %q)", file, header)
	}
	return nil
}

func parseCaps(s string) ([]capability.ID, error) {
	if s == "-" {
		return nil, nil
	}
	var out []capability.ID
	for _, c := range strings.Split(s, ",") {
		id := capability.ID(c)
		if !capability.Valid(id) {
			return nil, unknownCap(c)
		}
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

func unknownCap(c string) error {
	if s := capability.Suggest(c); s != "" {
		return fmt.Errorf("unknown capability %q (did you mean %s?)", c, s)
	}
	return fmt.Errorf("unknown capability %q", c)
}

// validLabelPath keeps a label inside its server directory.
func validLabelPath(p string) bool {
	return p != "" && !path.IsAbs(p) && path.Clean(p) == p && p != "." && !strings.HasPrefix(p, "../") && p != ".."
}

func (l *Labels) readTools(r io.Reader, file string) error {
	seen := map[[3]string]int{}
	return eachRow(r, file, ToolsHeader, 4, false, func(n int, c []string) error {
		caps, err := parseCaps(c[3])
		if err != nil {
			return err
		}
		k := [3]string{c[0], c[1], c[2]}
		if prev, dup := seen[k]; dup {
			return fmt.Errorf("tool %s of %s/%s already labelled on line %d", c[2], c[0], c[1], prev)
		}
		seen[k] = n
		l.Tools = append(l.Tools, ToolLabel{Server: ServerKey{c[0], c[1]}, Tool: c[2], Caps: caps, Row: n})
		return nil
	})
}

func (l *Labels) readSites(r io.Reader, file string) error {
	seen := map[string]int{}
	return eachRow(r, file, SitesHeader, 8, true, func(n int, c []string) error {
		if !validLabelPath(c[2]) {
			return fmt.Errorf("file %q is not a clean path inside the server directory", c[2])
		}
		line, err := strconv.Atoi(c[3])
		if err != nil || line < 1 {
			return fmt.Errorf("line %q is not a line number", c[3])
		}
		id := capability.ID(c[4])
		if !capability.Valid(id) {
			return unknownCap(c[4])
		}
		switch c[6] {
		case TaintTarget, TaintPayload, TaintNone:
		default:
			return fmt.Errorf("taint %q: want %s, %s or %s", c[6], TaintTarget, TaintPayload, TaintNone)
		}
		k := strings.Join([]string{c[0], c[1], c[2], c[3], c[4]}, "\t")
		if prev, dup := seen[k]; dup {
			return fmt.Errorf("%s:%s %s of %s/%s already labelled on line %d (one row per call line and capability)", c[2], c[3], c[4], c[0], c[1], prev)
		}
		seen[k] = n
		var tools []string
		if c[5] != "server" {
			tools = strings.Split(c[5], ",")
		}
		l.Sites = append(l.Sites, SiteLabel{Server: ServerKey{c[0], c[1]}, File: c[2], Line: line, Cap: id,
			Tools: tools, Taint: c[6], Note: c[7], Row: n})
		return nil
	})
}

func (l *Labels) readFiles(r io.Reader, file string) error {
	return eachRow(r, file, FilesHeader, 3, false, func(n int, c []string) error {
		if !validLabelPath(c[2]) {
			return fmt.Errorf("file %q is not a clean path inside the server directory", c[2])
		}
		k := ServerKey{c[0], c[1]}
		if l.Files[k] == nil {
			l.Files[k] = map[string]bool{}
		}
		if l.Files[k][c[2]] {
			return fmt.Errorf("%s of %s listed twice", c[2], k)
		}
		l.Files[k][c[2]] = true
		return nil
	})
}

// Servers are the labelled servers, sorted.
func (l *Labels) Servers() []ServerKey {
	seen := map[ServerKey]bool{}
	for _, t := range l.Tools {
		seen[t.Server] = true
	}
	for _, s := range l.Sites {
		seen[s.Server] = true
	}
	for k := range l.Files {
		seen[k] = true
	}
	out := make([]ServerKey, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].List != out[j].List {
			return out[i].List < out[j].List
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Only returns the labels of the servers keep accepts.
func (l *Labels) Only(keep func(ServerKey) bool) *Labels {
	out := &Labels{Files: map[ServerKey]map[string]bool{}}
	for _, t := range l.Tools {
		if keep(t.Server) {
			out.Tools = append(out.Tools, t)
		}
	}
	for _, s := range l.Sites {
		if keep(s.Server) {
			out.Sites = append(out.Sites, s)
		}
	}
	for k, f := range l.Files {
		if keep(k) {
			out.Files[k] = f
		}
	}
	return out
}
