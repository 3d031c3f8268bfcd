package store

import (
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
