package ledger

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// Filter selects entries to list. Zero fields do not filter.
type Filter struct {
	// OrgID keeps entries whose actor belongs to the organization.
	OrgID string
	// JurisdictionIDs keeps entries of any of these jurisdictions.
	JurisdictionIDs []string
	// ActionPrefix keeps actions starting with it ("auth." for all logins).
	ActionPrefix string
	ObjectType   string
	ObjectID     string
	// Before lists entries with an index below it (a page cursor); 0 starts at the newest.
	Before int64
	Limit  int
}

const entryColumns = `idx, at_us, actor_id, actor_name, org_id, jurisdiction_id, ip, action, object_type, object_id, detail, leaf_hash, mac`

func scanEntry(rows interface{ Scan(...any) error }) (Entry, error) {
	var (
		e      Entry
		at     int64
		detail string
	)
	err := rows.Scan(&e.Index, &at, &e.Actor.UserID, &e.Actor.Name, &e.Actor.OrgID, &e.Actor.JurisdictionID, &e.Actor.IP,
		&e.Action, &e.ObjectType, &e.ObjectID, &detail, &e.LeafHash, &e.mac)
	e.At = timeOfMicros(at)
	e.Detail = []byte(detail)
	return e, err
}

// Entries lists entries newest first.
func (l *Ledger) Entries(ctx context.Context, f Filter) ([]Entry, error) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.OrgID != "" {
		add("org_id = ?", f.OrgID)
	}
	if len(f.JurisdictionIDs) > 0 {
		var in []string
		for _, j := range f.JurisdictionIDs {
			args = append(args, j)
			in = append(in, fmt.Sprintf("$%d", len(args)))
		}
		where = append(where, "jurisdiction_id IN ("+strings.Join(in, ", ")+")")
	}
	if f.ActionPrefix != "" {
		// substr counts characters on both engines, not bytes.
		add("substr(action, 1, "+fmt.Sprint(utf8.RuneCountInString(f.ActionPrefix))+") = ?", f.ActionPrefix)
	}
	if f.ObjectType != "" {
		add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = ?", f.ObjectID)
	}
	if f.Before > 0 {
		add("idx < ?", f.Before)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := `SELECT ` + entryColumns + ` FROM ledger_entries`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY idx DESC LIMIT %d", f.Limit)
	rows, err := l.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger: list: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Entry returns entry index.
func (l *Ledger) Entry(ctx context.Context, index int64) (Entry, error) {
	e, err := scanEntry(l.db.QueryRow(ctx, `SELECT `+entryColumns+` FROM ledger_entries WHERE idx = $1`, index))
	if store.IsNoRows(err) {
		return e, errs.E(errs.NotFound, "no ledger entry %d (it may have been pruned)", index)
	}
	return e, err
}
