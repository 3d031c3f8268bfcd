package evaluation

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// change is one transition of an evaluation or a rectification task.
type change[T any] struct {
	machine *fsm.Machine[T]
	// table holds the objects; its rows have id, state and updated_at.
	table  string
	id     string
	from   fsm.State // "" when the step creates the object
	action fsm.Action
	obj    T
	res    access.Resource
	// comment goes into the object's history, never into the ledger.
	comment string
	// detail is the ledger entry's; write may add to it.
	detail map[string]any
	// write makes the step's own changes (the whole row when creating).
	write func(ctx context.Context, tx *store.Tx, to fsm.State, now time.Time) error
}

// apply lets the machine check who, state and guard, then writes the new
// state, the step's changes, the history and the ledger entry inside tx.
// The state in the UPDATE's condition turns a lost race into a conflict
// rather than a double step.
func apply[T any](ctx context.Context, s *Service, tx *store.Tx, p access.Principal, c change[T], now time.Time) error {
	_, err := c.machine.Apply(ctx, tx, s.ledger, p, fsm.Step[T]{
		Object: c.obj, From: c.from, Action: c.action, Resource: c.res, ObjectID: c.id, Detail: c.detail,
		Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
			if c.from != "" {
				r, err := tx.Exec(ctx, `UPDATE `+c.table+` SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4`, string(to), now, c.id, string(c.from))
				if err != nil {
					return fmt.Errorf("%s: %s %s: %w", c.machine.Kind, c.action, c.id, err)
				}
				if n, _ := r.RowsAffected(); n != 1 {
					return errs.E(errs.Conflict, "%s %s changed meanwhile; read it again", c.machine.Kind, c.id)
				}
			}
			if c.write != nil {
				if err := c.write(ctx, tx, to, now); err != nil {
					return err
				}
			}
			return addEvent(ctx, tx, c.machine.Kind, c.id, c.action, c.from, to, p, c.comment, now)
		},
	})
	return err
}

// cleanComment trims a comment and refuses one too long.
func cleanComment(in *StepInput) error {
	in.Comment = strings.TrimSpace(in.Comment)
	if utf8.RuneCountInString(in.Comment) > maxComment {
		return errs.E(errs.Invalid, "comment: at most %d characters", maxComment)
	}
	if in.Days < 0 || in.Days > maxDays {
		return errs.E(errs.Invalid, "days: %d; give 1 to %d working days, or leave it out for the default", in.Days, maxDays)
	}
	return nil
}
