package rules

import "strings"

// goDrivers maps the Go packages that register a database/sql driver when
// imported (usually blank: _ "github.com/lib/pq") to the driver name they
// register, as sql.Open takes it. Major-version suffixes (/v2, /v5) are
// dropped before the lookup.
var goDrivers = map[string]string{
	"github.com/lib/pq":                                "postgres",
	"github.com/jackc/pgx/stdlib":                      "pgx",
	"github.com/go-sql-driver/mysql":                   "mysql",
	"github.com/ziutek/mymysql/godrv":                  "mymysql",
	"github.com/microsoft/go-mssqldb":                  "sqlserver",
	"github.com/denisenkom/go-mssqldb":                 "sqlserver",
	"github.com/ClickHouse/clickhouse-go":              "clickhouse",
	"github.com/snowflakedb/gosnowflake":               "snowflake",
	"github.com/sijms/go-ora":                          "oracle",
	"github.com/godror/godror":                         "godror",
	"github.com/trinodb/trino-go-client/trino":         "trino",
	"github.com/prestodb/presto-go-client/presto":      "presto",
	"github.com/databricks/databricks-sql-go":          "databricks",
	"github.com/googleapis/go-sql-spanner":             "spanner",
	"github.com/vertica/vertica-sql-go":                "vertica",
	"github.com/nakagami/firebirdsql":                  "firebirdsql",
	"github.com/tursodatabase/libsql-client-go/libsql": "libsql",
	"github.com/mattn/go-sqlite3":                      "sqlite3",
	"modernc.org/sqlite":                               "sqlite",
	"github.com/glebarez/go-sqlite":                    "sqlite",
	"github.com/ncruces/go-sqlite3/driver":             "sqlite3",
	"github.com/mutecomm/go-sqlcipher":                 "sqlite3",
	"github.com/marcboeker/go-duckdb":                  "duckdb",
	"github.com/duckdb/duckdb-go":                      "duckdb",
}

// DriverOf is the database/sql driver name a Go import registers, if any.
func DriverOf(importPath string) (string, bool) {
	p := importPath
	// Drop a major-version segment anywhere (clickhouse-go/v2, pgx/v5/stdlib).
	if i := strings.Index(p, "/v"); i >= 0 {
		segs := strings.Split(p, "/")
		kept := segs[:0]
		for _, s := range segs {
			if len(s) > 1 && s[0] == 'v' && strings.Trim(s[1:], "0123456789") == "" {
				continue
			}
			kept = append(kept, s)
		}
		p = strings.Join(kept, "/")
	}
	d, ok := goDrivers[p]
	return d, ok
}
