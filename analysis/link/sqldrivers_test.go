package link

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/finding"
)

// sqlCaps lists "line capability" for the findings of file store.go.
func sqlCaps(res *finding.Result) []string {
	var out []string
	for _, f := range res.Findings {
		if strings.HasSuffix(f.File, "store.go") {
			out = append(out, fmt.Sprintf("%d %s", f.Span.Start.Line, f.Capability))
		}
	}
	return out
}

// TestSQLDriversAcrossFiles: the queries of store.go take their capability
// from the driver another file imports; an edit of that import alone
// changes them, and the relinked result equals a full link.
func TestSQLDriversAcrossFiles(t *testing.T) {
	const store = `package main

import "database/sql"

type Store struct{ db *sql.DB }

func (s *Store) Names() (*sql.Rows, error) { return s.db.Query("SELECT name FROM users") }

func (s *Store) Add(n string) error {
	_, err := s.db.Exec("INSERT INTO users (name) VALUES (?)", n)
	return err
}
`
	main := func(imports string) string {
		header := ""
		if i := strings.Index(imports, "\t"); i > 0 {
			header, imports = imports[:i]+"\n", imports[i:]
		}
		return header + "package main\n\nimport (\n\t\"database/sql\"\n" + imports + ")\n\nfunc open(p string) (*sql.DB, error) { return sql.Open(driver, p) }\n\nvar driver = \"x\"\n"
	}
	cases := []struct {
		name, imports string
		want          []string // capabilities of the store.go findings, by 0-based line
	}{
		{"sqlite", "\t_ \"modernc.org/sqlite\"\n", []string{"6 file.read", "9 file.write"}},
		{"postgres", "\t_ \"github.com/lib/pq\"\n", []string{"6 network.client", "9 network.client"}},
		{"pgx", "\t_ \"github.com/jackc/pgx/v5/stdlib\"\n", []string{"6 network.client", "9 network.client"}},
		{"both", "\t_ \"github.com/lib/pq\"\n\t_ \"github.com/mattn/go-sqlite3\"\n",
			[]string{"6 file.read", "6 network.client", "9 file.write", "9 network.client"}},
		{"none", "", []string{"6 network.client", "9 network.client"}},
		// A driver imported under a custom build tag is not in a plain build.
		{"sqlite under a custom tag", "//go:build doltlite\n" + "\t_ \"modernc.org/sqlite\"\n", []string{"6 network.client", "9 network.client"}},
		{"sqlite under a negated custom tag", "//go:build !doltlite\n" + "\t_ \"modernc.org/sqlite\"\n", []string{"6 file.read", "9 file.write"}},
		{"sqlite under an OS tag", "// Copyright x\n/* c */\n//go:build linux || darwin\n" + "\t_ \"modernc.org/sqlite\"\n", []string{"6 file.read", "9 file.write"}},
	}
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	w := &workspace{root: t.TempDir(), paths: []string{"main.go", "store.go"},
		texts: map[string]string{"main.go": main(cases[0].imports), "store.go": store}}
	linkAndCheck(e, w.root, w.extract(t, e, nil))
	for _, tc := range cases {
		got, want := relinkAndFull(t, e, w, map[string]string{"main.go": main(tc.imports)})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the relinked result differs from a full link:\n%s", tc.name, diffResults(got, want))
		}
		caps := sqlCaps(want)
		slices.Sort(caps)
		slices.Sort(tc.want)
		if !reflect.DeepEqual(caps, tc.want) {
			t.Errorf("%s: store.go findings = %v, want %v", tc.name, caps, tc.want)
		}
	}
}

// TestSQLDriverLiteralEdit: editing the driver sql.Open is given moves the
// queries of that instance between file and network access, on the
// incremental path as on a full link, over the tree's imports (which name
// both kinds).
func TestSQLDriverLiteralEdit(t *testing.T) {
	const store = `package main

import (
	"database/sql"

	_ "github.com/lib/pq"
	_ "modernc.org/sqlite"
)

func names(p string) {
	db, _ := sql.Open("sqlite", p)
	db.Query("SELECT name FROM users")
}
`
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	w := &workspace{root: t.TempDir(), paths: []string{"store.go"}, texts: map[string]string{"store.go": store}}
	before := sqlCaps(linkAndCheck(e, w.root, w.extract(t, e, nil)))
	if want := []string{"10 file.write", "11 file.read"}; !reflect.DeepEqual(before, want) {
		t.Errorf("sqlite: store.go findings = %v, want %v", before, want)
	}
	edited := strings.Replace(store, `"sqlite", p`, `"postgres", p`, 1)
	got, want := relinkAndFull(t, e, w, map[string]string{"store.go": edited})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the relinked result differs from a full link:\n%s", diffResults(got, want))
	}
	if caps, w := sqlCaps(want), []string{"10 network.client", "11 network.client"}; !reflect.DeepEqual(caps, w) {
		t.Errorf("postgres: store.go findings = %v, want %v", caps, w)
	}
}
