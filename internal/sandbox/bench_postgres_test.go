package sandbox

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"shuyu/internal/store/storetest"
)

// benchPostgres loads the rows of a Parquet file of social_insurance into a
// table of a fresh schema of the test database (SHUYU_TEST_POSTGRES) with
// COPY, and returns a function running query (which names the table
// social_insurance) there, or nil when no database is given. The schema is
// dropped when the benchmark ends.
func benchPostgres(b *testing.B, duck *sql.DB, parquet, query string) func() {
	dsn := os.Getenv(storetest.EnvPostgres)
	if dsn == "" {
		b.Log(storetest.EnvPostgres + " is not set: no PostgreSQL comparison")
		return nil
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatalf("%s: %v", storetest.EnvPostgres, err)
	}
	nonce := make([]byte, 6)
	rand.Read(nonce)
	schema := "bench_" + hex.EncodeToString(nonce)
	b.Cleanup(func() {
		conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		conn.Close(context.Background())
	})
	for _, stmt := range []string{
		"CREATE SCHEMA " + schema,
		"SET search_path = " + schema,
		`CREATE TABLE social_insurance (id_number text, name text, gender text, birth_date date, district text,
			employer_uscc text, insured_since date, monthly_base_yuan bigint)`,
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			b.Fatal(err)
		}
	}
	cols := []string{"id_number", "name", "gender", "birth_date", "district", "employer_uscc", "insured_since", "monthly_base_yuan"}
	rows, err := duck.Query(`SELECT id_number, name, gender, birth_date, district, employer_uscc, insured_since, monthly_base_yuan FROM read_parquet(` +
		quote(parquet) + `)`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"social_insurance"}, cols, &copySource{rows: rows, n: len(cols)}); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "ANALYZE social_insurance"); err != nil {
		b.Fatal(err)
	}
	return func() {
		rs, err := conn.Query(ctx, query)
		if err != nil {
			b.Fatal(err)
		}
		for rs.Next() {
		}
		if rs.Close(); rs.Err() != nil {
			b.Fatal(rs.Err())
		}
	}
}

// copySource feeds COPY from the rows of a DuckDB query.
type copySource struct {
	rows *sql.Rows
	n    int
	vals []any
	err  error
}

func (c *copySource) Next() bool {
	if !c.rows.Next() {
		return false
	}
	c.vals = make([]any, c.n)
	ptrs := make([]any, c.n)
	for i := range ptrs {
		ptrs[i] = &c.vals[i]
	}
	c.err = c.rows.Scan(ptrs...)
	return c.err == nil
}

func (c *copySource) Values() ([]any, error) { return c.vals, c.err }

func (c *copySource) Err() error {
	if c.err != nil {
		return c.err
	}
	return c.rows.Err()
}
