package domain

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"shuyu/internal/ledger"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// testTables is PostgreSQL storage in a schema of its own in the test
// database, dropped when the test ends; the test is skipped without one.
func testTables(t *testing.T) *Tables {
	dsn := os.Getenv(storetest.EnvPostgres)
	if dsn == "" {
		t.Skip(storetest.EnvPostgres + " is not set: the PostgreSQL storage is not tested")
	}
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	nonce := make([]byte, 5)
	rand.Read(nonce)
	tb := &Tables{Pool: pool, Schema: "test_domain_" + hex.EncodeToString(nonce)}
	t.Cleanup(func() {
		pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+ident(tb.Schema)+" CASCADE")
		pool.Close()
	})
	return tb
}

func TestStorePostgresTable(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tb := testTables(t)
		d := fixtureWith(t, db, Limits{Memory: "256MB", Threads: 1, Tables: tb})
		src := writeFile(t, d, "n,id,amount,day,ok\n1,a,12.5,2026-01-02,true\n2,\"b,c\",,2026-02-03,false\n3,c,0.0001,2026-03-04,\n")
		v1, err := d.Store(ctx, ledger.System, Input{DatasetID: "ds", Columns: columns, Path: src, Source: Source{Format: "csv", Encoding: "utf-8"}})
		if err != nil {
			t.Fatal(err)
		}
		var rows, n int64
		var amount, ids, days string
		err = tb.Pool.QueryRow(ctx, `SELECT count(*), sum(n), CAST(sum(amount) AS text), string_agg(id, '|' ORDER BY n),
			string_agg(CAST(day AS text), '|' ORDER BY n) FROM `+tb.Name(v1.ID)).Scan(&rows, &n, &amount, &ids, &days)
		if err != nil {
			t.Fatal(err)
		}
		if rows != v1.Rows || n != 6 || amount != "12.5001" || ids != "a|b,c|c" || days != "2026-01-02|2026-02-03|2026-03-04" {
			t.Errorf("the table holds %d rows, n %d, amount %s, ids %s, days %s", rows, n, amount, ids, days)
		}

		// A version whose record fails leaves no table, and the first stays current.
		refused := errors.New("refused by the caller")
		v2, err := d.Store(ctx, ledger.System, Input{DatasetID: "ds", Columns: columns, Path: src, Source: Source{Format: "csv", Encoding: "utf-8"},
			Record: func(context.Context, *store.Tx, Version) error { return refused }})
		if !errors.Is(err, refused) {
			t.Fatalf("want the caller's refusal, got %v", err)
		}
		var exists bool
		if err := tb.Pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", tb.Name(v2.ID)).Scan(&exists); err != nil || exists {
			t.Errorf("a version that was not recorded left its table (%v)", err)
		}
		if cur, err := d.Current(ctx, "ds"); err != nil || cur.ID != v1.ID {
			t.Errorf("current %v (%v), want %s", cur.ID, err, v1.ID)
		}

		// A version without its table (stored before the domain kept tables)
		// gets one when asked for it.
		if _, err := tb.Pool.Exec(ctx, "DROP TABLE "+tb.Name(v1.ID)); err != nil {
			t.Fatal(err)
		}
		name, err := d.Table(ctx, v1.ID)
		if err != nil || name != tb.Name(v1.ID) {
			t.Fatalf("table %q (%v)", name, err)
		}
		if err := tb.Pool.QueryRow(ctx, "SELECT count(*) FROM "+name).Scan(&rows); err != nil || rows != v1.Rows {
			t.Errorf("reloaded table has %d rows (%v)", rows, err)
		}
		if _, err := d.Table(ctx, "no-such-version"); err == nil {
			t.Error("a table for a version that does not exist")
		}

		// A table whose version was never recorded (a crash between the load
		// and the record) goes at the next start; recorded ones stay.
		if err := tb.Load(ctx, d.duck, "unrecorded", d.File(v1), columns); err != nil {
			t.Fatal(err)
		}
		if err := d.cleanup(ctx, true); err != nil {
			t.Fatal(err)
		}
		var left []string
		rs, err := tb.Pool.Query(ctx, "SELECT tablename FROM pg_tables WHERE schemaname = $1", tb.Schema)
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var n string
			rs.Scan(&n)
			left = append(left, n)
		}
		rs.Close()
		if len(left) != 1 || left[0] != v1.ID {
			t.Errorf("after cleanup the schema holds %v, want only %s", left, v1.ID)
		}
	}, append(migrations(), Migrations)...)
}
