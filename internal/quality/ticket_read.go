package quality

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

const ticketColumns = `t.id, t.kind, t.state, t.dataset_id, t.dataset_name, t.provider_id, o.name, t.version_id, t.field, t.title,
	t.description, t.filed_by, t.filed_by_name, t.filer_org_id, t.filed_at, t.due_day, t.due_at, t.due_estimated, t.answer,
	t.answered_by, t.answered_at, t.resolution, t.resolved_at, t.closed_by, t.closed_at, t.updated_at`

// The provider's name and jurisdiction are read from its organization, as
// the catalog reads its entries' (they may change; a ticket follows them).
const ticketFrom = ` FROM quality_tickets t JOIN organizations o ON o.id = t.provider_id`

func scanTicket(row interface{ Scan(...any) error }) (Ticket, error) {
	var (
		t                          Ticket
		kind, state                string
		answered, resolved, closed sql.NullTime
	)
	err := row.Scan(&t.ID, &kind, &state, &t.DatasetID, &t.Dataset, &t.ProviderID, &t.Provider, &t.VersionID, &t.Field, &t.Title,
		&t.Description, &t.FiledBy, &t.FiledByName, &t.FilerOrgID, &t.FiledAt, &t.DueDay, &t.DueAt, &t.DueEstimated, &t.Answer,
		&t.AnsweredBy, &answered, &t.Resolution, &resolved, &t.ClosedBy, &closed, &t.UpdatedAt)
	t.Kind, t.State = TicketKind(kind), State(state)
	t.FiledAt, t.DueAt, t.UpdatedAt = t.FiledAt.UTC(), t.DueAt.UTC(), t.UpdatedAt.UTC()
	t.AnsweredAt, t.ResolvedAt, t.ClosedAt = store.TimePtr(answered), store.TimePtr(resolved), store.TimePtr(closed)
	return t, err
}

// getTicket reads a ticket, locking it with lock (tx.ForUpdate) if asked.
func getTicket(ctx context.Context, q store.Querier, id, lock string) (Ticket, error) {
	if lock != "" {
		lock += " OF t" // PostgreSQL cannot lock the joined organization
	}
	t, err := scanTicket(q.QueryRow(ctx, `SELECT `+ticketColumns+ticketFrom+` WHERE t.id = $1`+lock, id))
	if store.IsNoRows(err) {
		return t, errs.E(errs.NotFound, "no ticket %q", id)
	}
	return t, err
}

// visible checks that p may read t and fills what depends on the caller
// and the clock. providers caches the providers' descriptions over a list.
func (s *Service) visible(ctx context.Context, p access.Principal, t *Ticket, providers map[string]access.Resource) error {
	r, ok := providers[t.ProviderID]
	if !ok {
		o, err := s.ids.Lookup(ctx, t.ProviderID)
		if err != nil {
			return err
		}
		r = o.Resource()
		providers[t.ProviderID] = r
	}
	res := t.resource(r)
	if err := access.Check(p, access.TicketRead, res); err != nil {
		return err
	}
	t.derive(s.db.Now())
	t.Steps = []Step{}
	for _, tr := range Transitions {
		if tr.From == t.State && !slices.Contains(t.Steps, tr.Step) && access.Check(p, tr.Who, res) == nil {
			t.Steps = append(t.Steps, tr.Step)
		}
	}
	return nil
}

// Ticket returns a ticket with its history, for the filer, the provider
// and those overseeing the provider.
func (s *Service) Ticket(ctx context.Context, p access.Principal, id string) (Ticket, error) {
	t, err := getTicket(ctx, s.db, id, "")
	if err != nil {
		return t, err
	}
	if err := s.visible(ctx, p, &t, map[string]access.Resource{}); err != nil {
		return Ticket{}, err
	}
	t.Events, err = s.events(ctx, t.ID)
	return t, err
}

// TicketFilter narrows a list of tickets; zero fields do not filter.
type TicketFilter struct {
	Dataset    string // an entry's ID or name
	ProviderID string
	State      State
	Kind       TicketKind
	Overdue    bool // open and past the deadline
	Mine       bool // filed by the caller
}

// Tickets lists, newest first, the tickets p may see that match f.
func (s *Service) Tickets(ctx context.Context, p access.Principal, f TicketFilter, page store.Page) ([]Ticket, string, error) {
	var (
		conds []string
		args  []any
	)
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	switch access.Widest(p, access.TicketRead) {
	case 0:
		return nil, "", access.Check(p, access.TicketRead, access.Resource{})
	case access.Any:
	case access.Jurisdiction:
		reach, err := s.ids.Reach(ctx, p)
		if err != nil {
			return nil, "", err
		}
		in := make([]string, len(reach))
		for i, j := range reach {
			in[i] = arg(j)
		}
		conds = append(conds, fmt.Sprintf("(o.jurisdiction_id IN (%s) OR t.filed_by = %s)", strings.Join(in, ", "), arg(p.UserID)))
	case access.Org:
		conds = append(conds, fmt.Sprintf("(t.provider_id = %s OR t.filed_by = %s)", arg(p.OrgID), arg(p.UserID)))
	default:
		conds = append(conds, "t.filed_by = "+arg(p.UserID))
	}
	if f.Dataset != "" {
		v := arg(f.Dataset)
		conds = append(conds, fmt.Sprintf("(t.dataset_id = %s OR t.dataset_name = %s)", v, v))
	}
	if f.ProviderID != "" {
		conds = append(conds, "t.provider_id = "+arg(f.ProviderID))
	}
	if f.State != "" {
		if err := fsm.CheckState(f.State, States); err != nil {
			return nil, "", err
		}
		conds = append(conds, "t.state = "+arg(string(f.State)))
	}
	if f.Kind != "" {
		if f.Kind != Correction && f.Kind != Objection {
			return nil, "", errs.E(errs.Invalid, "kind: %q is not %s or %s", f.Kind, Correction, Objection)
		}
		conds = append(conds, "t.kind = "+arg(string(f.Kind)))
	}
	if f.Overdue {
		conds = append(conds, fmt.Sprintf("(t.state = %s AND t.due_at < %s)", arg(string(Open)), arg(s.db.Now())))
	}
	if f.Mine {
		conds = append(conds, "t.filed_by = "+arg(p.UserID))
	}
	if page.After != "" {
		conds = append(conds, "t.id < "+arg(page.After))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := s.db.Query(ctx, `SELECT `+ticketColumns+ticketFrom+where+fmt.Sprintf(` ORDER BY t.id DESC LIMIT %d`, page.Limit+1), args...)
	if err != nil {
		return nil, "", fmt.Errorf("quality: list tickets: %w", err)
	}
	var out []Ticket
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			rows.Close()
			return nil, "", err
		}
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	out, next := store.Trim(out, page, func(t Ticket) string { return t.ID })
	kept, providers := out[:0], map[string]access.Resource{}
	for _, t := range out {
		// The SQL condition is the policy's reach; each ticket is checked
		// as well, so a list never shows what Ticket would refuse.
		if s.visible(ctx, p, &t, providers) == nil {
			kept = append(kept, t)
		}
	}
	return kept, next, nil
}
