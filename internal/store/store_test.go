package store_test

import (
	"context"
	"errors"
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
