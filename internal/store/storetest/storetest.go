// Package storetest gives tests real databases: a fresh SQLite file, and a
// fresh PostgreSQL schema when SHUYU_TEST_POSTGRES holds a DSN, so every store
// test runs on both engines.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"shuyu/internal/store"
)

// EnvPostgres names the environment variable with the PostgreSQL DSN for tests.
const EnvPostgres = "SHUYU_TEST_POSTGRES"

// Each runs fn once per available engine, as parallel subtests named after
// the engine, each with its own freshly migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB), migrations ...store.Migrations) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, New(t, d, migrations...))
		})
	}
}

// Dialects lists the engines available to this test run.
func Dialects() []store.Dialect {
	if os.Getenv(EnvPostgres) != "" {
		return []store.Dialect{store.SQLite, store.Postgres}
	}
	return []store.Dialect{store.SQLite}
}

// New opens a fresh, migrated database on dialect, removed when t ends.
func New(tb testing.TB, dialect store.Dialect, migrations ...store.Migrations) *store.DB {
	tb.Helper()
	dsn := DSN(tb, dialect)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background(), migrations...); err != nil {
		tb.Fatal(err)
	}
	return db
}

// DSN returns a DSN for an empty database on dialect, dropped when tb ends:
// a file in a temporary directory, or a new schema on the test server.
func DSN(tb testing.TB, dialect store.Dialect) string {
	tb.Helper()
	if dialect == store.SQLite {
		return filepath.Join(tb.TempDir(), "shuyu.db")
	}
	base := os.Getenv(EnvPostgres)
	if base == "" {
		tb.Skip(EnvPostgres + " is not set")
	}
	schema := "test_" + randomHex(8)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("storetest: create schema on %s: %v", EnvPostgres, err)
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("storetest: %s is not a URL: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Hold runs lock, a PostgreSQL SELECT pg_backend_pid() … FOR UPDATE, in a
// transaction of its own and keeps the row locks it took until release is
// called. waitFor(n) returns once n sessions wait behind the holder, directly
// or behind one that does: race tests use it to put concurrent steps in a
// known order.
func Hold(t *testing.T, db *store.DB, lock string, args ...any) (waitFor func(n int), release func()) {
	t.Helper()
	ctx := context.Background()
	stop, held := make(chan struct{}), make(chan int)
	go db.InTx(ctx, func(tx *store.Tx) error {
		var pid int
		if err := tx.QueryRow(ctx, lock, args...).Scan(&pid); err != nil {
			close(held)
			return err
		}
		held <- pid
		<-stop
		return nil
	})
	holder, ok := <-held
	if !ok {
		t.Fatalf("storetest.Hold: %s took no lock", lock)
	}
	waitFor = func(want int) {
		t.Helper()
		for n := 0; n < want; {
			if err := db.QueryRow(ctx, `WITH b AS (SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)))
				SELECT (SELECT COUNT(*) FROM b) + (SELECT COUNT(*) FROM pg_stat_activity
				WHERE pg_blocking_pids(pid) && ARRAY(SELECT pid FROM b) AND pid NOT IN (SELECT pid FROM b))`, holder).Scan(&n); err != nil {
				t.Fatal(err)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return waitFor, func() { close(stop) }
}
