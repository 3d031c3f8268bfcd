package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

var testMigrations = store.Migrations{Package: "storetest", FS: fstest.MapFS{
	"001_things.sql": {Data: []byte(`CREATE TABLE things (
		id TEXT PRIMARY KEY,
		name TEXT NOT NULL UNIQUE,
		blob BYTEA,
		at TIMESTAMPTZ NOT NULL,
		parent TEXT REFERENCES things(id)
	);`)},
	"002_more.sql":          {Data: []byte(`ALTER TABLE things ADD COLUMN note TEXT NOT NULL DEFAULT 'common';`)},
	"002_more.postgres.sql": {Data: []byte(`ALTER TABLE things ADD COLUMN note TEXT NOT NULL DEFAULT 'postgres';`)},
}}

func TestStoreBothEngines(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := db.Now()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO things (id, name, blob, at) VALUES ($1, $2, $3, $4)`, "a", "it's $1", []byte{0, 1, 2}, at)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var (
			name, note string
			blob       []byte
			got        = at
		)
		if err := db.QueryRow(ctx, `SELECT name, blob, at, note FROM things WHERE id = $1`, "a").Scan(&name, &blob, &got, &note); err != nil {
			t.Fatal(err)
		}
		wantNote := map[store.Dialect]string{store.SQLite: "common", store.Postgres: "postgres"}[db.Dialect()]
		if name != "it's $1" || len(blob) != 3 || !got.Equal(at) || note != wantNote {
			t.Errorf("read back %q %v %v %q; want %q [0 1 2] %v %q", name, blob, got, note, "it's $1", at, wantNote)
		}

		// A failed transaction leaves nothing behind.
		boom := errors.New("boom")
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO things (id, name, at) VALUES ($1, $2, $3)`, "b", "b", at); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx returned %v, want boom", err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM things`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("after rollback: %d rows, %v; want 1", n, err)
		}

		// Constraint violations are recognised by code on both engines.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO things (id, name, at) VALUES ($1, $2, $3)`, "c", "it's $1", at)
			return err
		})
		if !store.IsUniqueViolation(err) {
			t.Errorf("duplicate name: %v, want a unique violation", err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO things (id, name, at, parent) VALUES ($1, $2, $3, $4)`, "d", "d", at, "nobody")
			return err
		})
		if !store.IsForeignKeyViolation(err) {
			t.Errorf("dangling parent: %v, want a foreign-key violation", err)
		}
		if err := db.QueryRow(ctx, `SELECT name FROM things WHERE id = $1`, "zz").Scan(&name); !store.IsNoRows(err) {
			t.Errorf("missing row: %v, want no rows", err)
		}

		// Migrating again applies nothing; an edited migration is refused.
		applied, err := db.Migrate(ctx, testMigrations)
		if err != nil || len(applied) != 0 {
			t.Errorf("second Migrate applied %v, %v; want nothing", applied, err)
		}
		edited := store.Migrations{Package: "storetest", FS: fstest.MapFS{
			"001_things.sql": {Data: []byte(`CREATE TABLE things (id TEXT);`)},
		}}
		if _, err := db.Migrate(ctx, edited); err == nil {
			t.Error("an edited migration was accepted")
		}
	}, testMigrations)
}

func TestOpenRejectsNothing(t *testing.T) {
	t.Parallel()
	if _, err := store.Open(context.Background(), ""); err == nil {
		t.Fatal("Open with no DSN succeeded")
	}
}

// TestPlaceholdersBothEngines runs texts where a $ is not a placeholder on
// both engines: each must return the same value.
func TestPlaceholdersBothEngines(t *testing.T) {
	t.Parallel()
	cases := []struct{ query, want string }{
		{`SELECT 'it''s $1' || CAST($1 AS TEXT)`, "it's $1x"},
		{`SELECT CAST($1 AS TEXT) /* it's */ || 'cost $2'`, "xcost $2"},
		{"SELECT CAST($1 AS TEXT) -- don't\n || 'cost $2'", "xcost $2"},
		{`SELECT a$1 FROM (SELECT CAST($1 AS TEXT) AS a$1) AS t`, "x"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, c := range cases {
			var got string
			if err := db.QueryRow(context.Background(), c.query, "x").Scan(&got); err != nil || got != c.want {
				t.Errorf("%q: %q, %v; want %q", c.query, got, err, c.want)
			}
		}
	})
}

// TestStrings reads one column of every row, and leaves the transaction
// free for the next statement.
func TestStrings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, name := range []string{"b", "a", "c"} {
				if _, err := tx.Exec(ctx, `INSERT INTO things (id, name, at) VALUES ($1, $1, $2)`, name, db.Now()); err != nil {
					return err
				}
			}
			got, err := store.Strings(ctx, tx, `SELECT name FROM things WHERE name <> $1 ORDER BY name`, "b")
			if err != nil || len(got) != 2 || got[0] != "a" || got[1] != "c" {
				t.Errorf("strings: %v %v, want [a c]", got, err)
			}
			_, err = tx.Exec(ctx, `UPDATE things SET note = $1`, "read")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if none, err := store.Strings(ctx, db, `SELECT name FROM things WHERE name = $1`, "z"); err != nil || none != nil {
			t.Errorf("no rows: %v %v, want nil", none, err)
		}
		if _, err := store.Strings(ctx, db, `SELECT nope FROM things`); err == nil {
			t.Error("a broken query gave no error")
		}
	}, testMigrations)
}

// TestSnapshotIgnoresLaterCommits checks that reads inside InSnapshot agree
// with each other while a writer commits in between.
func TestSnapshotIgnoresLaterCommits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		insert := func(id string) {
			t.Helper()
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO things (id, name, at) VALUES ($1, $1, $2)`, id, db.Now())
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		count := func(q store.Querier) (n int) {
			t.Helper()
			if err := q.QueryRow(ctx, `SELECT count(*) FROM things`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		insert("a")
		err := db.InSnapshot(ctx, func(q store.Querier) error {
			before := count(q)
			insert("b")
			if after := count(q); after != before {
				t.Errorf("the snapshot saw %d rows, then %d after another transaction committed", before, after)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(db); n != 2 {
			t.Errorf("after the snapshot: %d rows, want 2", n)
		}
	}, testMigrations)
}

// TestMigrationWordsAreWhole checks that the SQLite translation refuses
// PostgreSQL-only words, not column names that merely start with them.
func TestMigrationWordsAreWhole(t *testing.T) {
	t.Parallel()
	ok := store.Migrations{Package: "serials", FS: fstest.MapFS{
		"001_certs.sql": {Data: []byte(`CREATE TABLE certs (serial_no TEXT PRIMARY KEY, ilike_count INTEGER NOT NULL)`)},
	}}
	storetest.New(t, store.SQLite, ok)
	bad := store.Migrations{Package: "serials", FS: fstest.MapFS{
		"001_certs.sql": {Data: []byte(`CREATE TABLE certs (id SERIAL PRIMARY KEY)`)},
	}}
	db, err := store.Open(context.Background(), storetest.DSN(t, store.SQLite))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background(), bad); err == nil {
		t.Error("a SERIAL column was accepted on SQLite")
	}
}

// TestConcurrentMigrate starts several processes' worth of handles on one
// database and migrates from all at once: each migration runs exactly once
// and every caller succeeds.
func TestConcurrentMigrate(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			const handles = 4
			type result struct {
				applied int
				err     error
			}
			results := make(chan result, handles)
			for range handles {
				go func() {
					db, err := store.Open(ctx, dsn)
					if err != nil {
						results <- result{err: err}
						return
					}
					defer db.Close()
					applied, err := db.Migrate(ctx, testMigrations)
					results <- result{len(applied), err}
				}()
			}
			total := 0
			for range handles {
				r := <-results
				if r.err != nil {
					t.Error(r.err)
				}
				total += r.applied
			}
			if total != 2 {
				t.Errorf("%d migrations applied in all, want 2 (each once)", total)
			}
		})
	}
}

// TestSQLiteFilesAreOwnerOnly checks that a new SQLite database and its WAL
// files are readable by their owner alone: they hold password hashes.
func TestSQLiteFilesAreOwnerOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := storetest.DSN(t, store.SQLite)
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, testMigrations); err != nil { // writes, so the WAL files exist
		t.Fatal(err)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v, want no access for group or others", filepath.Base(name), fi.Mode().Perm())
		}
	}
}
