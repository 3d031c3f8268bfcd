package quality

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"shuyu/internal/access"
	"shuyu/internal/domain"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// TicketInput is a ticket as its filer writes it.
type TicketInput struct {
	Kind TicketKind `json:"kind"`
	// Field and VersionID, both optional, say what the ticket is about.
	Field       string `json:"field,omitempty"`
	VersionID   string `json:"version_id,omitempty"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// File files a ticket against entry ref for a caller who reaches the entry.
// The provider must answer within the configured working days, counted with
// the holiday calendar from the day of filing (Asia/Shanghai).
func (s *Service) File(ctx context.Context, p access.Principal, ref string, in TicketInput) (Ticket, error) {
	d, o, err := s.entry(ctx, p, ref, access.TicketFile)
	if err != nil {
		return Ticket{}, err
	}
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	switch {
	case in.Kind != Correction && in.Kind != Objection:
		return Ticket{}, errs.E(errs.Invalid, "kind: %q is not %s (纠错) or %s (异议)", in.Kind, Correction, Objection)
	case in.Title == "" || utf8.RuneCountInString(in.Title) > 100:
		return Ticket{}, errs.E(errs.Invalid, "title: required, at most 100 characters")
	case in.Description == "" || utf8.RuneCountInString(in.Description) > maxComment:
		return Ticket{}, errs.E(errs.Invalid, "description: required, at most %d characters: say which records look wrong and why (never paste personal data you were not given)", maxComment)
	}
	if _, ok := d.Field(in.Field); in.Field != "" && !ok {
		return Ticket{}, errs.E(errs.Invalid, "field: %q is not a field of %s", in.Field, d.Name)
	}
	if in.VersionID != "" {
		vs, err := s.domain.Versions(ctx, d.ID)
		if err != nil {
			return Ticket{}, err
		}
		if !slices.ContainsFunc(vs, func(v domain.Version) bool { return v.ID == in.VersionID }) {
			return Ticket{}, errs.E(errs.Invalid, "version_id: %s has no version %q", d.Name, in.VersionID)
		}
	}
	now := s.db.Now()
	due := s.cal.Due(now, s.opts.AnswerDays)
	t := Ticket{ID: store.NewID(), Kind: in.Kind, State: Open, DatasetID: d.ID, Dataset: d.Name, ProviderID: o.ID, Provider: o.Name,
		VersionID: in.VersionID, Field: in.Field, Title: in.Title, Description: in.Description,
		FiledBy: p.UserID, FiledByName: p.Name(), FilerOrgID: p.OrgID, FiledAt: now,
		DueDay: due.Day.String(), DueAt: due.At, DueEstimated: due.Estimated, UpdatedAt: now}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO quality_tickets (id, kind, state, dataset_id, dataset_name, provider_id, version_id, field, title, description,
			filed_by, filed_by_name, filer_org_id, filed_at, due_day, due_at, due_estimated, answer, answered_by, resolution, closed_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, '', '', '', '', $18)`,
			t.ID, string(t.Kind), string(t.State), t.DatasetID, t.Dataset, t.ProviderID, t.VersionID, t.Field, t.Title, t.Description,
			t.FiledBy, t.FiledByName, t.FilerOrgID, t.FiledAt, t.DueDay, t.DueAt, t.DueEstimated, t.UpdatedAt); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, t.ID, "file", "", Open, p, "", now); err != nil {
			return err
		}
		// Titles and descriptions stay out of the ledger: filers may quote data.
		return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: "ticket.file", ObjectType: "ticket", ObjectID: t.ID,
			Detail: map[string]any{"kind": t.Kind, "dataset_id": t.DatasetID, "provider_id": t.ProviderID, "field": t.Field,
				"version_id": t.VersionID, "due_day": t.DueDay, "due_estimated": t.DueEstimated}})
	})
	if err != nil {
		return Ticket{}, err
	}
	s.opts.Changed()
	return s.Ticket(ctx, p, t.ID)
}

// addEvent appends a step to a ticket's history.
func addEvent(ctx context.Context, tx *store.Tx, ticketID, step string, from, to State, p access.Principal, comment string, at any) error {
	name := p.Name()
	_, err := tx.Exec(ctx, `INSERT INTO quality_ticket_events (ticket_id, seq, action, from_state, to_state, user_id, user_name, comment, at)
		VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM quality_ticket_events WHERE ticket_id = $1), $2, $3, $4, $5, $6, $7, $8)`,
		ticketID, step, string(from), string(to), p.UserID, name, comment, at)
	return err
}

// events returns a ticket's history, oldest first.
func (s *Service) events(ctx context.Context, ticketID string) ([]Event, error) {
	rows, err := s.db.Query(ctx, `SELECT seq, action, from_state, to_state, user_name, comment, at FROM quality_ticket_events
		WHERE ticket_id = $1 ORDER BY seq`, ticketID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var from, to string
		if err := rows.Scan(&e.Seq, &e.Step, &from, &to, &e.UserName, &e.Comment, &e.At); err != nil {
			return nil, err
		}
		e.From, e.To, e.At = State(from), State(to), e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
