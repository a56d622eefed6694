package link

import (
	"go/build/constraint"
	"slices"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/rules"
)

// A Go database/sql query (db.Query on a *sql.DB field) does not say which
// driver its database uses: a network server (postgres, mysql…) or an
// SQLite file. When the receiver does not carry the driver sql.Open was
// given, rules with driver conditions decide on the drivers the tree's Go
// files import (_ "github.com/lib/pq", _ "modernc.org/sqlite"). That set
// depends on every file, so it is applied when the findings are assembled,
// after any link (plain, graph edit or relink), from the files as linked:
// every path gives the same findings.

// sqlDriverSet is the sorted driver names the tree imports; computed only
// when a candidate asks.
type sqlDriverSet struct {
	o     *linkOut
	names []string
	done  bool
}

func (o *linkOut) sqlDrivers() *sqlDriverSet { return &sqlDriverSet{o: o} }

// hold says whether cd's driver conditions (if any) hold for the tree.
func (s *sqlDriverSet) hold(cd *candidate) bool {
	if !cd.driver {
		return true
	}
	if !s.done {
		s.names, s.done = treeDrivers(s.o), true
	}
	return cd.rule.DriversHold(s.names)
}

// treeDrivers lists the database/sql drivers the Go files of o import.
func treeDrivers(o *linkOut) []string {
	var names []string
	for _, f := range o.files {
		if lang.For(f.Lang).Imports() != lang.ImportsPackages || !defaultBuild(f.Build) {
			continue
		}
		for _, im := range f.Imports {
			if d, ok := rules.DriverOf(im.Spec); ok && !slices.Contains(names, d) {
				names = append(names, d)
			}
		}
	}
	slices.Sort(names)
	return names
}

// defaultBuild says whether a file with //go:build expression b is part of
// a plain `go build`: tags of an operating system, an architecture, cgo,
// the gc toolchain and Go versions may hold, custom tags (`doltlite`,
// `integration`) do not. A driver imported only under a custom tag is not
// the server's database unless someone builds it so.
func defaultBuild(b string) bool {
	if b == "" {
		return true
	}
	x, err := constraint.Parse("//go:build " + b)
	if err != nil {
		return true
	}
	return x.Eval(func(tag string) bool {
		return platformTags[tag] || tag == "cgo" || tag == "gc" || tag == "unix" || strings.HasPrefix(tag, "go1.")
	})
}

// platformTags are the GOOS and GOARCH values (go tool dist list).
var platformTags = map[string]bool{
	"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true, "hurd": true,
	"illumos": true, "ios": true, "js": true, "linux": true, "nacl": true, "netbsd": true,
	"openbsd": true, "plan9": true, "solaris": true, "wasip1": true, "windows": true, "zos": true,
	"386": true, "amd64": true, "arm": true, "arm64": true, "loong64": true, "mips": true,
	"mipsle": true, "mips64": true, "mips64le": true, "ppc64": true, "ppc64le": true,
	"riscv64": true, "s390x": true, "wasm": true,
}
