package store

import (
	"context"
	"fmt"
	"strings"
)

// Page asks for one page of a list ordered by a text key: at most Limit items
// after the key After ("" starts at the beginning).
type Page struct {
	Limit int
	After string
}

// Page sizes: the default and the most one request may ask for.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// NewPage validates a page request as a client sent it.
func NewPage(limit int, after string) Page {
	switch {
	case limit <= 0:
		limit = DefaultPageSize
	case limit > MaxPageSize:
		limit = MaxPageSize
	}
	return Page{Limit: limit, After: after}
}

// Trim cuts a result fetched with LIMIT page.Limit+1 to the page and returns
// the cursor of the next page, or "" when this was the last.
func Trim[T any](items []T, page Page, key func(T) string) ([]T, string) {
	if len(items) <= page.Limit {
		return items, ""
	}
	items = items[:page.Limit]
	return items, key(items[len(items)-1])
}

// Placeholders returns "$first, $first+1, …" for n values.
func Placeholders(first, n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = fmt.Sprintf("$%d", first+i)
	}
	return strings.Join(p, ", ")
}

// Paged runs query (ordered by the page's key, ready for a LIMIT) for one
// page: a row more than the page, to know whether another follows, each
// scanned with scan, cut by Trim with key. An empty page is an empty slice,
// not nil, so that it encodes as [].
func Paged[T any](ctx context.Context, q Querier, query string, args []any, page Page,
	scan func(interface{ Scan(...any) error }) (T, error), key func(T) string) ([]T, string, error) {
	rows, err := q.Query(ctx, query+fmt.Sprintf(" LIMIT %d", page.Limit+1), args...)
	if err != nil {
		return nil, "", fmt.Errorf("list: %w", err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	out, next := Trim(out, page, key)
	return out, next, nil
}
