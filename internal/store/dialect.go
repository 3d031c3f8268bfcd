package store

import (
	"database/sql"
	"errors"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// rebind turns PostgreSQL's $1 placeholders into SQLite's ?1. Text inside
// quotes is left alone; all SQL here is our own, never user input.
func (db *DB) rebind(query string) string {
	if db.dialect == Postgres || !strings.Contains(query, "$") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query))
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '$' && i+1 < len(query) && query[i+1] >= '0' && query[i+1] <= '9':
			c = '?'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// sqliteTypes maps the PostgreSQL type names our migrations use to SQLite's.
// Everything else (TEXT, BIGINT, INTEGER, BOOLEAN, DOUBLE PRECISION) means
// the same to both.
var sqliteTypes = strings.NewReplacer(
	"BYTEA", "BLOB",
	"TIMESTAMPTZ", "TIMESTAMP",
	"JSONB", "TEXT",
)

var unsupportedSQLite = regexp.MustCompile(`(?i)\b(SERIAL|BIGSERIAL|ILIKE|::)`)

// translate adapts a migration written in the common subset to the dialect.
func (d Dialect) translate(ddl string) (string, error) {
	if d == Postgres {
		return ddl, nil
	}
	if m := unsupportedSQLite.FindString(ddl); m != "" {
		return "", errors.New("uses " + m + ", which SQLite lacks: write a .sqlite.sql variant")
	}
	return sqliteTypes.Replace(ddl), nil
}

// IsUniqueViolation reports whether err is a unique-constraint violation on
// either engine, by error code rather than by message.
func IsUniqueViolation(err error) bool {
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pgErr.Code == "23505"
	}
	if sqErr, ok := errors.AsType[*sqlite.Error](err); ok {
		return sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// IsForeignKeyViolation reports whether err is a foreign-key violation.
func IsForeignKeyViolation(err error) bool {
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pgErr.Code == "23503"
	}
	if sqErr, ok := errors.AsType[*sqlite.Error](err); ok {
		return sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// IsNoRows reports whether err says a single-row query found nothing.
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
