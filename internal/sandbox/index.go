package sandbox

import (
	"context"
	"fmt"
	"slices"

	"shuyu/internal/errs"
)

// indexMaxRows bounds the rows a product's index is built from.
const indexMaxRows = 5_000_000

// Index is an API product's answers, built inside the domain from one
// analyzed query in a grant: the query's rows by the text of the key
// column, the first row of each key in the query's order winning (ORDER BY
// year DESC keeps each key's latest year). A product call reads it instead
// of scanning a dataset. It is read-only once built and safe for
// concurrent readers.
type Index struct {
	// Columns are the query's output columns, without the key.
	Columns []string
	// Versions are the dataset versions it was built from, by dataset: a
	// new version means a new index.
	Versions map[string]string
	rows     map[string][]any
}

// BuildIndex runs req in grant g, as any query of the grant runs (parse,
// analyze, rewrite, the grant's rule, views, masks and limits, but with
// room for a whole dataset's rows), and keys its answer by column key.
// The engine's limiter counts it as a query of the grant.
func (s *Sandbox) BuildIndex(ctx context.Context, g Grant, req Request, key string) (*Index, error) {
	if g.Rule != List && g.Rule != Aggregate {
		return nil, errs.E(errs.Invalid, "an API product answers from rows or thresholded aggregates: grant %s is %s; use a list or an aggregate grant", g.ID, g.Rule.article())
	}
	g.Limits.MaxRows = indexMaxRows
	ans, err := s.Query(ctx, g, req)
	if err != nil {
		return nil, err
	}
	k := slices.Index(ans.Columns, key)
	if k < 0 {
		return nil, errs.E(errs.Invalid, "the query's answer has no column %q to look calls up by (it has %v): select it", key, ans.Columns)
	}
	ix := &Index{Versions: map[string]string{}, rows: make(map[string][]any, len(ans.Rows))}
	for _, d := range g.Datasets {
		ix.Versions[d.Name] = d.Version.ID
	}
	for i, c := range ans.Columns {
		if i != k {
			ix.Columns = append(ix.Columns, c)
		}
	}
	for _, r := range ans.Rows {
		id := fmt.Sprint(r[k])
		if _, seen := ix.rows[id]; seen || r[k] == nil {
			continue
		}
		ix.rows[id] = slices.Delete(slices.Clone(r), k, k+1)
	}
	return ix, nil
}

// Lookup returns the row of key, in Columns' order.
func (ix *Index) Lookup(key string) ([]any, bool) {
	r, ok := ix.rows[key]
	return r, ok
}

// Len is the number of keys.
func (ix *Index) Len() int { return len(ix.rows) }

// Any returns some key of the index (the smallest), for a working example;
// "" when it is empty.
func (ix *Index) Any() string {
	first := ""
	for k := range ix.rows {
		if first == "" || k < first {
			first = k
		}
	}
	return first
}
