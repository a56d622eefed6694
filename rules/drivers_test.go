package rules

import (
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

func TestDriverOf(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{"github.com/lib/pq", "postgres"},
		{"github.com/jackc/pgx/v5/stdlib", "pgx"},
		{"github.com/jackc/pgx/v4/stdlib", "pgx"},
		{"github.com/go-sql-driver/mysql", "mysql"},
		{"github.com/mattn/go-sqlite3", "sqlite3"},
		{"modernc.org/sqlite", "sqlite"},
		{"github.com/ClickHouse/clickhouse-go/v2", "clickhouse"},
		{"github.com/vertica/vertica-sql-go", "vertica"},
		{"github.com/jackc/pgx/v5", ""},         // the native API, not a database/sql driver
		{"github.com/jackc/pgx/v5/pgxpool", ""}, // idem
		{"example.com/app/internal/sqlite", ""}, // a project package
		{"github.com/lib/pq/oid", ""},           // a subpackage registers nothing
		{"github.com/mattn/go-sqlite3/v2x", ""}, // not a version segment
		{"github.com/go-sql-driver/mysql/v9", "mysql"},
	} {
		got, ok := DriverOf(tc.spec)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("DriverOf(%q) = %q, %v; want %q", tc.spec, got, ok, tc.want)
		}
	}
}

// TestDriverConditions checks the set semantics of driver conditions and
// that a receiver carrying sql.Open's literal driver decides them at Match.
func TestDriverConditions(t *testing.T) {
	const yaml = `language: go
rules:
  - id: go.t.net
    capability: network.client
    modules: [database/sql]
    calls: ["**.Query"]
    when: [{driver: true, notMatches: "sqlite", unknown: true}]
    message: m
  - id: go.t.file
    capability: file.read
    modules: [database/sql]
    calls: ["**.Query"]
    when: [{driver: true, matches: "sqlite"}]
    message: m
`
	rs, err := parseFile("t.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	set := build(map[string]*Rule{rs[0].ID: rs[0], rs[1].ID: rs[1]})
	net, file := rs[0], rs[1]
	for _, tc := range []struct {
		names           []string
		wantNet, wantFi bool
	}{
		{nil, true, false},
		{[]string{"postgres"}, true, false},
		{[]string{"sqlite"}, false, true},
		{[]string{"postgres", "sqlite3"}, true, true},
	} {
		if got := net.DriversHold(tc.names); got != tc.wantNet {
			t.Errorf("net over %v = %v", tc.names, got)
		}
		if got := file.DriversHold(tc.names); got != tc.wantFi {
			t.Errorf("file over %v = %v", tc.names, got)
		}
	}
	// No receiver driver: both match, the link decides.
	typed := &facts.Call{Module: "database/sql", Member: "DB().Query", Recv: &facts.Arg{Func: -1}}
	if m := set.Match("go", typed); len(m) != 2 || !net.DriverDeferred(typed) {
		t.Errorf("typed receiver: %d matches, deferred %v; want 2, true", len(m), net.DriverDeferred(typed))
	}
	// The receiver's literal driver decides at Match and wins over the tree.
	opened := &facts.Call{Module: "database/sql", Member: "Open().Query", Recv: &facts.Arg{Func: -1,
		Props: map[string]facts.Arg{facts.SQLDriverProp: {Func: -1, Value: "sqlite3", Known: true}}}}
	m := set.Match("go", opened)
	if len(m) != 1 || m[0].Rule != file || file.DriverDeferred(opened) {
		t.Errorf("sqlite3 receiver: %+v; want only %s, not deferred", m, file.ID)
	}
}
