package quality

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// Act takes step on ticket id for p. It is the one way a ticket changes
// state: it finds the transition in Transitions, checks who may take it and
// its guard, writes the new state, the history and the ledger entry in one
// transaction, and refuses anything else with an error that says why.
func (s *Service) Act(ctx context.Context, p access.Principal, id string, step Step, in StepInput) (Ticket, error) {
	in.Comment = strings.TrimSpace(in.Comment)
	if utf8.RuneCountInString(in.Comment) > maxComment {
		return Ticket{}, errs.E(errs.Invalid, "comment: at most %d characters", maxComment)
	}
	var rows []Transition
	for _, tr := range Transitions {
		if tr.Step == step {
			rows = append(rows, tr)
		}
	}
	if len(rows) == 0 {
		return Ticket{}, errs.E(errs.Invalid, "step %q is not one of %v", step, Steps)
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		t, err := getTicket(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		o, err := s.ids.Lookup(ctx, t.ProviderID)
		if err != nil {
			return err
		}
		res := t.resource(o.Resource())
		// Who comes before state: whoever may never take this step on this
		// ticket is refused the same way whatever state it is in.
		if err := whoMay(p, rows, res); err != nil {
			return err
		}
		tr, ok := transitionFrom(rows, t.State)
		if !ok {
			return errs.E(errs.Conflict, "ticket %s is %s; %s applies to a ticket that is %s", t.ID, t.State, step, fromStates(rows))
		}
		if err := access.Check(p, tr.Who, res); err != nil {
			return err
		}
		if tr.Guard != nil {
			if err := tr.Guard(t, in); err != nil {
				return err
			}
		}
		now := s.db.Now()
		if err := s.write(ctx, tx, t, tr, p, in.Comment, now); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, t.ID, string(step), t.State, tr.To, p, in.Comment, now); err != nil {
			return err
		}
		detail := map[string]any{"from": t.State, "to": tr.To, "dataset_id": t.DatasetID, "provider_id": t.ProviderID}
		if step == Answer {
			detail["late"] = now.After(t.DueAt)
		}
		return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: "ticket." + string(step), ObjectType: "ticket", ObjectID: t.ID, Detail: detail})
	})
	if err != nil {
		return Ticket{}, err
	}
	s.opts.Changed()
	return s.Ticket(ctx, p, id)
}

// write stores the ticket's new state and what the step adds to it. The
// state in the condition makes a lost race an error rather than a double step.
func (s *Service) write(ctx context.Context, tx *store.Tx, t Ticket, tr Transition, p access.Principal, comment string, now any) error {
	name := p.Name()
	var (
		set  string
		args = []any{string(tr.To), now, t.ID, string(t.State)}
	)
	switch tr.Step {
	case Answer:
		set, args = ", answer = $5, answered_by = $6, answered_at = $2", append(args, comment, name)
	case Accept, Reject:
		set, args = ", resolution = $5, resolved_at = $2", append(args, comment)
	case Close:
		set, args = ", closed_by = $5, closed_at = $2", append(args, name)
	}
	res, err := tx.Exec(ctx, `UPDATE quality_tickets SET state = $1, updated_at = $2`+set+` WHERE id = $3 AND state = $4`, args...)
	if err != nil {
		return fmt.Errorf("quality: %s ticket %s: %w", tr.Step, t.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "ticket %s changed meanwhile; read it again", t.ID)
	}
	return nil
}

// whoMay returns nil if p may take one of rows on res, and otherwise the
// refusal of the first.
func whoMay(p access.Principal, rows []Transition, res access.Resource) error {
	var first error
	for _, tr := range rows {
		err := access.Check(p, tr.Who, res)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

func transitionFrom(rows []Transition, from State) (Transition, bool) {
	for _, tr := range rows {
		if tr.From == from {
			return tr, true
		}
	}
	return Transition{}, false
}

func fromStates(rows []Transition) string {
	var out []string
	for _, tr := range rows {
		out = append(out, string(tr.From))
	}
	return strings.Join(out, " or ")
}
