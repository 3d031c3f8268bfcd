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

// rebind turns PostgreSQL's $1 placeholders into SQLite's ?1. It leaves
// alone what SQLite does not read as a parameter: quoted text ('…' and "…",
// where a doubled quote closes and reopens, so stays inside), comments (-- and
// /* */, whose apostrophes must not start a quote), and a $ that continues an
// identifier (a$1). All SQL here is our own, never user input.
func (db *DB) rebind(query string) string {
	if db.dialect == Postgres || !strings.Contains(query, "$") {
		return query
	}
	b := []byte(query)
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '\'' || c == '"':
			i = skipPast(query, i+1, string(c))
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			i = skipPast(query, i+2, "\n")
		case c == '/' && strings.HasPrefix(query[i:], "/*"):
			i = skipPast(query, i+2, "*/")
		case c == '$' && i+1 < len(b) && isDigit(b[i+1]) && (i == 0 || !isIdentByte(b[i-1])):
			b[i] = '?'
		}
	}
	return string(b)
}

// skipPast returns the index of the last byte of the first end in s at or
// after from, or len(s) when there is none.
func skipPast(s string, from int, end string) int {
	if j := strings.Index(s[from:], end); j >= 0 {
		return from + j + len(end) - 1
	}
	return len(s)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isIdentByte reports whether c can continue an identifier (non-ASCII bytes
// included, as both engines allow).
func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || isDigit(c) || c >= 0x80 || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// sqliteTypes maps the PostgreSQL type names our migrations use to SQLite's.
// Everything else (TEXT, BIGINT, INTEGER, BOOLEAN, DOUBLE PRECISION) means
// the same to both.
var sqliteTypes = strings.NewReplacer(
	"BYTEA", "BLOB",
	"TIMESTAMPTZ", "TIMESTAMP",
	"JSONB", "TEXT",
)

// Whole words only: a column such as serial_no is fine.
var unsupportedSQLite = regexp.MustCompile(`(?i)\b(SERIAL|BIGSERIAL|ILIKE)\b|::`)

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
