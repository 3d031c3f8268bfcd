package sandbox

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"shuyu/internal/demo"
	"shuyu/internal/domain"
	"shuyu/internal/store/storetest"
)

// benchPostgres loads social_insurance's version file into a table of a
// fresh schema of the test database (SHUYU_TEST_POSTGRES), as the domain
// loads versions, and returns two functions: raw runs query (which names
// the table social_insurance) on that table directly, pipeline runs it in
// grant g on a sandbox with the PostgreSQL engine. Both are nil when no
// database is given. Everything made is dropped when the benchmark ends.
func benchPostgres(b *testing.B, w *world, duck *sql.DB, g Grant, query string) (raw, pipeline func()) {
	dsn := os.Getenv(storetest.EnvPostgres)
	if dsn == "" {
		b.Log(storetest.EnvPostgres + " is not set: no PostgreSQL comparison")
		return nil, nil
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		b.Fatalf("%s: %v", storetest.EnvPostgres, err)
	}
	nonce := make([]byte, 6)
	rand.Read(nonce)
	tables := &domain.Tables{Pool: pool, Schema: "bench_" + hex.EncodeToString(nonce)}
	pg := &Postgres{Pool: pool, Schema: "bench_sandbox_" + hex.EncodeToString(nonce),
		Table: func(_ context.Context, v Version) (string, error) { return tables.Name(v.ID), nil }}
	var sb *Sandbox
	b.Cleanup(func() {
		if sb != nil {
			sb.Close()
		}
		pg.dropGrant(context.Background(), g.ID)
		pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+ident(pg.Schema)+" CASCADE")
		pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+ident(tables.Schema)+" CASCADE")
		pool.Close()
	})
	if err := tables.Open(ctx); err != nil {
		b.Fatal(err)
	}
	var cols []domain.Column
	for _, d := range demo.Datasets(0.001) {
		if d.Name == "social_insurance" {
			for _, f := range d.Fields {
				cols = append(cols, domain.Column{Name: f.Name, Type: f.Type})
			}
		}
	}
	v := w.version("social_insurance")
	if err := tables.Load(ctx, duck, v.ID, v.Path, cols); err != nil {
		b.Fatal(err)
	}
	if sb, err = Open(ctx, Config{Dir: w.dir + "/domain", Postgres: pg}); err != nil {
		b.Fatal(err)
	}
	rawQ := strings.Replace(query, "FROM social_insurance", "FROM "+tables.Name(v.ID), 1)
	raw = func() {
		rs, err := pool.Query(ctx, rawQ)
		if err != nil {
			b.Fatal(err)
		}
		for rs.Next() {
		}
		if rs.Close(); rs.Err() != nil {
			b.Fatal(rs.Err())
		}
	}
	pipeline = func() {
		if _, err := sb.Query(ctx, g, Request{SQL: query}); err != nil {
			b.Fatal(err)
		}
	}
	return raw, pipeline
}
