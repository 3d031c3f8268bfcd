package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"testing"
)

// A copy of a version lives while a grant's view reads it: a grant moving
// to a newer version leaves the older copy to the other grant still on it,
// a query in flight under that grant keeps reading it, a transaction
// holding its lock (a grant making views on it) keeps it, and the copy goes
// with the last grant reading it.
func TestPostgresDropsUnusedCopies(t *testing.T) {
	w := thePGWorld(t)
	ctx := context.Background()
	nonce := make([]byte, 5)
	rand.Read(nonce)
	pg := &Postgres{Pool: w.pool, Schema: "test_copies_" + hex.EncodeToString(nonce),
		Table: func(_ context.Context, v Version) (string, error) {
			return w.tables.Name(w.version("social_insurance").ID), nil
		}}
	sb, err := Open(ctx, Config{Dir: t.TempDir(), Postgres: pg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sb.Close()
		w.pool.Exec(ctx, "DROP SCHEMA "+ident(pg.Schema)+" CASCADE")
	})
	copies := func() []string {
		rows, err := w.pool.Query(ctx, "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename LIKE 'p\\_%' ORDER BY 1", pg.Schema)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			out = append(out, n)
		}
		return out
	}
	grant := func(version string) Grant {
		g := w.aggregateGrant()
		d := w.socialInsurance()
		d.Version.ID = version // the same rows as another version
		g.Datasets = []Dataset{d}
		return g
	}
	const q = `SELECT district, count(*) AS n FROM social_insurance GROUP BY district`
	ask := func(g Grant) {
		t.Helper()
		if _, err := sb.Query(ctx, g, Request{SQL: q}); err != nil {
			t.Fatal(err)
		}
	}
	moving, staying := grant("v1-si"), grant("v1-si")
	ask(moving)
	ask(staying)
	if c := copies(); !slices.Equal(c, []string{"p_v1-si"}) {
		t.Fatalf("copies after two grants on one version: %v", c)
	}
	// A query under the staying grant, in flight while the other moves.
	tx, err := w.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	view := ident(pg.RoleOf(staying.ID)) + "." + ident(viewPrefix+"social_insurance")
	var before, after int64
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+view).Scan(&before); err != nil {
		t.Fatal(err)
	}
	moving.Datasets[0].Version.ID = "v2-si"
	ask(moving)
	if c := copies(); !slices.Equal(c, []string{"p_v1-si", "p_v2-si"}) {
		t.Fatalf("copies after one grant moved, the other not: %v", c)
	}
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+view).Scan(&after); err != nil || after != before {
		t.Fatalf("the query in flight read %d rows, then %d: %v", before, after, err)
	}
	tx.Rollback(ctx)
	// The staying grant moves too, while another transaction holds v1's
	// lock, as a grant making its views on v1 would: v1 is left to it.
	held, err := w.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Rollback(ctx)
	if _, err := held.Exec(ctx, "SELECT pg_advisory_xact_lock_shared(hashtext($1))", ident(pg.Schema)+"."+ident("p_v1-si")); err != nil {
		t.Fatal(err)
	}
	staying.Datasets[0].Version.ID = "v2-si"
	ask(staying)
	if c := copies(); !slices.Equal(c, []string{"p_v1-si", "p_v2-si"}) {
		t.Fatalf("copies after both grants moved, v1's lock held: %v", c)
	}
	held.Rollback(ctx)
	// Without the lock, the next drop takes v1: no view reads it.
	sb.Forget(moving.ID)
	if c := copies(); !slices.Equal(c, []string{"p_v2-si"}) {
		t.Fatalf("copies after one grant of two ended, v1 unread: %v", c)
	}
	sb.Forget(staying.ID)
	if c := copies(); len(c) != 0 {
		t.Fatalf("copies after the last grant ended: %v", c)
	}
	// A grant on a dropped version makes its copy again.
	again := grant("v1-si")
	ask(again)
	if c := copies(); !slices.Equal(c, []string{"p_v1-si"}) {
		t.Fatalf("copies after a new grant on a dropped version: %v", c)
	}
	sb.Forget(again.ID) // its role is the cluster's, not the schema's
}
