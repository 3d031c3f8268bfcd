package domain

import (
	"context"
	"fmt"
	"strings"
)

// Sample returns up to n values of each named column of version v, drawn
// with a fixed seed so that the same version gives the same sample. It is
// for the sensitive-field detector, which runs inside the platform.
func (d *Domain) Sample(ctx context.Context, v Version, columns []string, n int) (map[string][]string, error) {
	out := map[string][]string{}
	if len(columns) == 0 {
		return out, nil
	}
	sel := make([]string, len(columns))
	for i, c := range columns {
		sel[i] = "CAST(" + ident(c) + " AS VARCHAR)"
	}
	rows, err := d.duck.QueryContext(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM read_parquet(`+quote(d.path(v.DatasetID, v.ID))+
		fmt.Sprintf(`) USING SAMPLE reservoir(%d ROWS) REPEATABLE (42)`, n))
	if err != nil {
		return nil, fmt.Errorf("domain: sample: %w", err)
	}
	defer rows.Close()
	vals := make([]any, len(columns)) // a NULL scans as nil, a value as string
	dest := make([]any, len(columns))
	for i := range vals {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		for i, c := range columns {
			if s, ok := vals[i].(string); ok {
				out[c] = append(out[c], s)
			}
		}
	}
	return out, rows.Err()
}
