package domain

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Rows is the placeholder that Eval replaces with the version's table.
const Rows = "{version}"

// Eval runs a query the platform wrote itself (quality rules, indexes,
// statistics) over version v, with the placeholder {version} standing for
// its rows, and hands the rows to scan. It is never for SQL from outside:
// analysts' SQL goes through the sandbox.
func (d *Domain) Eval(ctx context.Context, v Version, query string, scan func(*sql.Rows) error) error {
	if !strings.Contains(query, Rows) {
		return fmt.Errorf("domain: eval: the query does not name %s", Rows)
	}
	q := strings.ReplaceAll(query, Rows, "read_parquet("+quote(d.path(v.DatasetID, v.ID))+")")
	rows, err := d.duck.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("domain: eval over %s: %w", v.ID, err)
	}
	defer rows.Close()
	if err := scan(rows); err != nil {
		return err
	}
	return rows.Err()
}

// Quote renders s as an SQL string literal, for queries given to Eval.
func Quote(s string) string { return quote(s) }

// Ident renders s as an SQL identifier, for queries given to Eval.
func Ident(s string) string { return ident(s) }
