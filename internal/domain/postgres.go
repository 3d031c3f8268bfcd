package domain

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// Tables is the domain's storage in PostgreSQL (server mode): each version
// is also a table of Schema, named by the version's ID, so that the
// sandbox can run queries on PostgreSQL. The Parquet file stays the
// version's content of record (its hash is the version's); the table is
// loaded from it.
type Tables struct {
	Pool *pgxpool.Pool
	// Schema holds the tables; default DefaultSchema. Only the domain's
	// database user may use it.
	Schema string
}

// DefaultSchema is the schema of the domain's tables.
const DefaultSchema = "shuyu_domain"

// pgType is the PostgreSQL type that stores a field type.
var pgType = map[string]string{
	"text":      "text",
	"integer":   "bigint",
	"decimal":   "numeric(18,4)",
	"date":      "date",
	"timestamp": "timestamp",
	"boolean":   "boolean",
}

func (t *Tables) schema() string {
	if t.Schema == "" {
		return DefaultSchema
	}
	return t.Schema
}

// Open makes the schema, closed to everyone but its owner.
func (t *Tables) Open(ctx context.Context) error {
	return pgx.BeginFunc(ctx, t.Pool, func(tx pgx.Tx) error {
		for _, stmt := range []string{
			"SELECT pg_advisory_xact_lock(hashtext(" + quote(t.schema()) + "))",
			"CREATE SCHEMA IF NOT EXISTS " + ident(t.schema()),
			"REVOKE ALL ON SCHEMA " + ident(t.schema()) + " FROM PUBLIC",
		} {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("domain: PostgreSQL storage: %s: %w", stmt, err)
			}
		}
		return nil
	})
}

// Name is the qualified name of a version's table.
func (t *Tables) Name(versionID string) string {
	return pgx.Identifier{t.schema(), versionID}.Sanitize()
}

// Load copies a version's Parquet file (read with duck) into its table,
// in one transaction: a failed load leaves no table. A table already there
// is kept: versions never change.
func (t *Tables) Load(ctx context.Context, duck *sql.DB, versionID, path string, columns []Column) error {
	return pgx.BeginFunc(ctx, t.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", t.Name(versionID)); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", t.Name(versionID)).Scan(&exists); err != nil || exists {
			return err
		}
		defs := make([]string, len(columns))
		names := make([]string, len(columns))
		for i, c := range columns {
			defs[i] = ident(c.Name) + " " + pgType[c.Type]
			names[i] = c.Name
		}
		if _, err := tx.Exec(ctx, "CREATE TABLE "+t.Name(versionID)+" ("+strings.Join(defs, ", ")+")"); err != nil {
			return err
		}
		rows, err := duck.QueryContext(ctx, "SELECT "+selectList(columns, "")+" FROM read_parquet("+quote(path)+")")
		if err != nil {
			return err
		}
		defer rows.Close()
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.schema(), versionID}, names, &copyRows{rows: rows, n: len(columns)}); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "ANALYZE "+t.Name(versionID))
		return err
	})
}

// drop removes a version's table (a version whose record failed).
func (t *Tables) drop(ctx context.Context, versionID string) {
	t.Pool.Exec(ctx, "DROP TABLE IF EXISTS "+t.Name(versionID))
}

// dropUnknown drops the tables of versions that were never recorded: a
// process stopped between loading a table and recording its version. (Should
// another process's version commit after all, Domain.Table loads its
// table again from the file.)
func (t *Tables) dropUnknown(ctx context.Context, known map[string]bool) error {
	rows, err := t.Pool.Query(ctx, "SELECT tablename FROM pg_tables WHERE schemaname = $1", t.schema())
	if err != nil {
		return err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, n := range names {
		if !known[n] {
			t.drop(ctx, n)
		}
	}
	return nil
}

// Table returns the qualified name of a version's table, loading it from
// the version's file when missing (a version stored before the domain kept
// tables, or whose table was lost).
func (d *Domain) Table(ctx context.Context, versionID string) (string, error) {
	if d.tables == nil {
		return "", errs.E(errs.Internal, "the domain keeps no PostgreSQL tables")
	}
	v, err := scanVersion(d.db.QueryRow(ctx, `SELECT `+versionColumns+` FROM dataset_versions WHERE id = $1`, versionID))
	if store.IsNoRows(err) {
		return "", errs.E(errs.NotFound, "dataset version %s does not exist", versionID)
	}
	if err != nil {
		return "", err
	}
	if err := d.tables.Load(ctx, d.duck, v.ID, d.File(v), v.Columns); err != nil {
		return "", fmt.Errorf("domain: load version %s into PostgreSQL: %w", v.ID, err)
	}
	return d.tables.Name(v.ID), nil
}

// copyRows feeds COPY from the rows of a DuckDB query.
type copyRows struct {
	rows *sql.Rows
	n    int
	vals []any
	err  error
}

func (c *copyRows) Next() bool {
	if !c.rows.Next() {
		return false
	}
	c.vals = make([]any, c.n)
	ptrs := make([]any, c.n)
	for i := range ptrs {
		ptrs[i] = &c.vals[i]
	}
	if c.err = c.rows.Scan(ptrs...); c.err != nil {
		return false
	}
	for i, v := range c.vals {
		if d, ok := v.(duckdb.Decimal); ok {
			c.vals[i] = pgtype.Numeric{Int: d.Value, Exp: -int32(d.Scale), Valid: true}
		}
	}
	return true
}

func (c *copyRows) Values() ([]any, error) { return c.vals, c.err }

func (c *copyRows) Err() error {
	if c.err != nil {
		return c.err
	}
	return c.rows.Err()
}
