package link

import (
	"slices"

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
		if lang.For(f.Lang).Imports() != lang.ImportsPackages {
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
