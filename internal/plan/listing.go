package plan

import (
	"context"
	"fmt"

	"shuyu/internal/access"
	"shuyu/internal/identity"
	"shuyu/internal/store"
)

// The governance packages list their objects the same way: newest first
// by ID, within what the caller's widest rule reaches. These helpers are
// that way, once.

// Where is an SQL condition with its arguments; arguments are numbered in
// the order they are added.
type Where struct {
	Cond string
	Args []any
}

// And adds a condition whose placeholder %d takes the number of the
// argument v.
func (w *Where) And(cond string, v any) {
	w.Args = append(w.Args, v)
	w.Cond += fmt.Sprintf(" AND "+cond, len(w.Args))
}

// Reach is the condition that keeps what action reaches for p: every row
// (Any), the rows whose jurisdiction column is in p's reach
// (Jurisdiction), or those whose organization column is p's (Org). A
// column given as "" makes that scope reach nothing.
func Reach(ctx context.Context, ids *identity.Service, p access.Principal, action access.Action, jurisdictionCol, orgCol string) (Where, error) {
	switch scope := access.Widest(p, action); {
	case scope == access.Any:
		return Where{Cond: "1 = 1"}, nil
	case scope == access.Jurisdiction && jurisdictionCol != "":
		reach, err := ids.Reach(ctx, p)
		if err != nil {
			return Where{}, err
		}
		w := Where{Cond: jurisdictionCol + " IN (" + store.Placeholders(1, len(reach)) + ")"}
		for _, id := range reach {
			w.Args = append(w.Args, id)
		}
		return w, nil
	case scope == access.Org && orgCol != "":
		return Where{Cond: orgCol + " = $1", Args: []any{p.OrgID}}, nil
	}
	return Where{}, access.Check(p, action, access.Resource{})
}

// Newest runs query (a SELECT up to its WHERE keyword) with w, newest ID
// column idCol first, one page of it, scanning each row with scan.
func Newest[T any](ctx context.Context, q store.Querier, query string, w Where, idCol string, page store.Page,
	scan func(interface{ Scan(...any) error }) (T, error), id func(T) string) ([]T, string, error) {
	after := page.After
	if after == "" {
		after = "~" // sorts after every UUID
	}
	w.And(idCol+" < $%d", after)
	return store.Paged(ctx, q, query+" "+w.Cond+" ORDER BY "+idCol+" DESC", w.Args, page, scan, id)
}
