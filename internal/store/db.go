package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the SQL engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the control-plane database. Reads go to a pool; writes go through
// transactions. On SQLite all transactions share one connection, so writers
// queue in Go instead of failing with SQLITE_BUSY, while WAL lets readers go on.
type DB struct {
	dialect Dialect
	read    *sql.DB
	write   *sql.DB
	// Now is the clock; tests replace it. Times are UTC, truncated to
	// microseconds because that is what PostgreSQL keeps.
	Now func() time.Time
	// where describes the database for messages, without credentials.
	where string
	// gen counts the write transactions committed through this handle:
	// see Generation.
	gen atomic.Uint64
}

// Querier is what both a DB (reads) and a Tx offer.
type Querier interface {
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// IsPostgres reports whether dsn names a PostgreSQL server.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn: a postgres:// URL for PostgreSQL, or else a path to an
// SQLite file (created with its directory when missing). It does not migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if dsn == "" {
		return nil, errors.New("store: no database given (want a file path or a postgres:// URL)")
	}
	var (
		db  *DB
		err error
	)
	if IsPostgres(dsn) {
		db, err = openPostgres(dsn)
	} else {
		db, err = openSQLite(dsn)
	}
	if err != nil {
		return nil, err
	}
	if err := db.read.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: cannot reach %s: %w", db.where, err)
	}
	return db, nil
}

func openSQLite(path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: create directory for %s: %w", path, err)
	}
	// SQLite would create the file readable by all (0644), and its -wal and
	// -shm files copy that mode; it holds password and key hashes, so create
	// it for the owner alone when it is new.
	if f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("store: create %s: %w", path, err)
	}
	// Pragmas apply to every connection of the pool. _txlock=immediate makes
	// each transaction take the write lock at BEGIN, so a transaction never
	// fails half-way when it turns from reading to writing.
	// The path goes into a URI, where '#', '?' and '%' have meanings of their own.
	escaped := strings.NewReplacer("%", "%25", "#", "%23", "?", "%3F").Replace(path)
	base := "file:" + escaped + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)" +
		"&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
	write, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	read.SetMaxOpenConns(8)
	return &DB{dialect: SQLite, read: read, write: write, Now: now, where: path}, nil
}

func openPostgres(dsn string) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open PostgreSQL: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{dialect: Postgres, read: pool, write: pool, Now: now, where: redact(dsn)}, nil
}

// redact removes the passwords from a URL-shaped DSN for messages: the one in
// the user information and those given as query parameters.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "an unparsable PostgreSQL URL" // the parse error would quote it
	}
	q := u.Query()
	for _, k := range []string{"password", "sslpassword"} {
		if q.Has(k) {
			q.Set(k, "xxxxx")
		}
	}
	u.RawQuery = q.Encode()
	return u.Redacted()
}

func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Close releases both pools.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Dialect returns the engine behind db.
func (db *DB) Dialect() Dialect { return db.dialect }

// String describes the database without credentials.
func (db *DB) String() string { return string(db.dialect) + " " + db.where }

// Ping checks that the database answers (for /readyz).
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Query runs a read-only query on the read pool.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.read.QueryContext(ctx, db.rebind(query), args...)
}

// QueryRow runs a read-only single-row query on the read pool.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, db.rebind(query), args...)
}

// NewID returns a new time-ordered identifier (UUIDv7 text).
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// Strings returns the one text column query selects, every row. The rows
// are closed when it returns, so that the caller may query again in the
// same transaction.
func Strings(ctx context.Context, q Querier, query string, args ...any) ([]string, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// TimePtr turns a nullable time column into a UTC pointer, nil for NULL.
func TimePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}
