package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// Filter narrows a user's items; zero fields do not filter.
type Filter struct {
	Kind    string
	Overdue bool
}

// mine returns the conditions and arguments that select p's items of the
// current snapshot: those for p's organization, addressed to no one in
// particular or to p, and to no roles in particular or to one p holds.
func mine(p access.Principal) ([]string, []any, error) {
	if err := access.Check(p, access.InboxRead, access.Resource{UserID: p.UserID}); err != nil {
		return nil, nil, err
	}
	args := []any{p.OrgID, p.UserID}
	roles := []string{"i.roles = ''"}
	for _, r := range p.Roles {
		args = append(args, "%,"+string(r)+",%")
		roles = append(roles, fmt.Sprintf("i.roles LIKE $%d", len(args)))
	}
	return []string{
		"i.snapshot_id = (SELECT snapshot_id FROM inbox_state WHERE id = 1)",
		"i.org_id = $1", "(i.user_id = '' OR i.user_id = $2)",
		"(" + strings.Join(roles, " OR ") + ")",
	}, args, nil
}

// Items returns a page of p's items, the earliest deadline first and those
// without one last, with overdue marked against the clock now.
func (s *Service) Items(ctx context.Context, p access.Principal, f Filter, page store.Page) ([]Item, string, error) {
	conds, args, err := mine(p)
	if err != nil {
		return nil, "", err
	}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	now := s.db.Now()
	if f.Kind != "" {
		conds = append(conds, "i.kind = "+arg(f.Kind))
	}
	if f.Overdue {
		conds = append(conds, "i.due_us < "+arg(now.UnixMicro()))
	}
	if page.After != "" {
		due, key, ok := parseCursor(page.After)
		if !ok {
			return nil, "", errs.E(errs.Invalid, "after: %q is not a cursor this list gave", page.After)
		}
		d, k := arg(due), arg(key)
		conds = append(conds, fmt.Sprintf("(i.due_us > %s OR (i.due_us = %s AND i.item_key > %s))", d, d, k))
	}
	rows, err := s.db.Query(ctx, `SELECT i.item_key, i.kind, i.object_type, i.object_id, i.title, i.org_id, i.roles, i.user_id, i.due_us, i.path
		FROM inbox_items i WHERE `+strings.Join(conds, " AND ")+fmt.Sprintf(` ORDER BY i.due_us, i.item_key LIMIT %d`, page.Limit+1), args...)
	if err != nil {
		return nil, "", fmt.Errorf("inbox: read: %w", err)
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var (
			r     row
			roles string
		)
		if err := rows.Scan(&r.key, &r.Kind, &r.ObjectType, &r.ObjectID, &r.Title, &r.OrgID, &roles, &r.UserID, &r.due, &r.Path); err != nil {
			return nil, "", err
		}
		for _, role := range strings.Split(strings.Trim(roles, ","), ",") {
			if role != "" {
				r.Roles = append(r.Roles, access.Role(role))
			}
		}
		if r.due != noDue {
			r.DueAt = time.UnixMicro(r.due).UTC()
			r.Overdue = now.After(r.DueAt)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	out, next := store.Trim(out, page, func(r row) string { return strconv.FormatInt(r.due, 10) + "." + r.key })
	items := make([]Item, len(out))
	for i, r := range out {
		items[i] = r.Item
	}
	return items, next, nil
}

func parseCursor(s string) (int64, string, bool) {
	due, key, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(due, 10, 64)
	return n, key, ok && err == nil && key != ""
}

// Counts is the size of a user's inbox, for a badge.
type Counts struct {
	Total   int            `json:"total"`
	Overdue int            `json:"overdue"`
	ByKind  map[string]int `json:"by_kind"`
	// GatheredAt is when the snapshot read was gathered; absent before the first.
	GatheredAt *time.Time `json:"gathered_at,omitempty"`
}

// Counts counts p's items by kind, and those overdue now.
func (s *Service) Counts(ctx context.Context, p access.Principal) (Counts, error) {
	conds, args, err := mine(p)
	if err != nil {
		return Counts{}, err
	}
	args = append(args, s.db.Now().UnixMicro())
	c := Counts{ByKind: map[string]int{}}
	rows, err := s.db.Query(ctx, `SELECT i.kind, COUNT(*), SUM(CASE WHEN i.due_us < $`+strconv.Itoa(len(args))+` THEN 1 ELSE 0 END)
		FROM inbox_items i WHERE `+strings.Join(conds, " AND ")+` GROUP BY i.kind`, args...)
	if err != nil {
		return c, fmt.Errorf("inbox: count: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			kind       string
			n, overdue int
		)
		if err := rows.Scan(&kind, &n, &overdue); err != nil {
			return c, err
		}
		c.ByKind[kind], c.Total, c.Overdue = n, c.Total+n, c.Overdue+overdue
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	var at sql.NullTime
	if err := s.db.QueryRow(ctx, `SELECT gathered_at FROM inbox_state WHERE id = 1`).Scan(&at); err != nil {
		return c, fmt.Errorf("inbox: read state: %w", err)
	}
	if at.Valid {
		t := at.Time.UTC()
		c.GatheredAt = &t
	}
	return c, nil
}
