package plan

import (
	"context"
	"fmt"
	"slices"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// Act takes step on plan version id for p: the one way a plan changes
// state. Approving a version supersedes the one in force before it, in the
// same transaction.
func (s *Service) Act(ctx context.Context, p access.Principal, id string, step fsm.Action, in StepInput) (Plan, error) {
	if !slices.Contains(Steps, step) {
		return Plan{}, errs.E(errs.Invalid, "plan: there is no step %q (steps: %v)", step, Steps)
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		pl, err := getPlan(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		u, err := s.unit(ctx, pl.UnitID)
		if err != nil {
			return err
		}
		// The version in force is locked before the ledger is: the ledger's
		// head must be the last lock a transaction takes.
		var prev *Plan
		if step == Approve {
			if prev, err = s.previousInForce(ctx, tx, pl); err != nil {
				return err
			}
		}
		now := s.now()
		to, err := Machine.Apply(ctx, tx, s.ledger, p, fsm.Step[subject]{
			Object: subject{plan: pl, in: &in, now: now}, From: pl.State, Action: step, Resource: u.Resource(), ObjectID: pl.ID,
			Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
				return s.write(ctx, tx, pl, step, to, in, now)
			},
			Detail: s.detail(pl, step, in),
		})
		if err != nil || to != Approved || prev == nil {
			return err
		}
		return s.supersede(ctx, tx, p, *prev, pl.ID)
	})
	if err != nil {
		return Plan{}, err
	}
	s.changed()
	return s.Get(ctx, p, id)
}

// write stores a step's state and what it records. The state in the
// condition turns a lost race into a conflict rather than a double step.
func (s *Service) write(ctx context.Context, tx *store.Tx, pl Plan, step fsm.Action, to fsm.State, in StepInput, now time.Time) error {
	set, args := "", []any{string(to), now, pl.ID, string(pl.State)}
	switch step {
	case Return:
		set, args = `, return_reason = $5`, append(args, in.Reason)
	case Approve:
		day, _ := calendar.ParseDate(in.Decision.Date)
		due := s.cal.DueAfter(day, FilingDays)
		set = `, return_reason = '', decision_meeting = $5, decision_number = $6, decision_date = $7, approved_at = $2,
			filing_due_day = $8, filing_due_at = $9, filing_due_estimated = $10`
		args = append(args, in.Decision.Meeting, in.Decision.Number, day.String(), due.Day.String(), due.At, due.Estimated)
	case File:
		set, args = `, filing_reference = $5, filing_date = $6, filed_at = $2`, append(args, in.Filing.Reference, in.Filing.Date)
	}
	res, err := tx.Exec(ctx, `UPDATE plans SET state = $1, updated_at = $2`+set+` WHERE id = $3 AND state = $4`, args...)
	if err != nil {
		return fmt.Errorf("plan: %s %s: %w", step, pl.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "plan %s changed meanwhile; read it again", pl.ID)
	}
	return nil
}

// detail is what the ledger keeps of a step besides the states.
func (s *Service) detail(pl Plan, step fsm.Action, in StepInput) map[string]any {
	d := map[string]any{"series_id": pl.SeriesID, "version": pl.Version}
	switch step {
	case Return:
		d["reason"] = in.Reason
	case Approve:
		if in.Decision != nil {
			d["decision"] = *in.Decision
		}
	case File:
		if in.Filing != nil {
			d["filing"] = *in.Filing
		}
	}
	return d
}

// previousInForce locks and returns the version in force that approving pl
// would supersede, or nil.
func (s *Service) previousInForce(ctx context.Context, tx *store.Tx, pl Plan) (*Plan, error) {
	var id string
	err := tx.QueryRow(ctx, `SELECT id FROM plans WHERE series_id = $1 AND id <> $2 AND state IN ($3, $4)`,
		pl.SeriesID, pl.ID, string(Approved), string(Filed)).Scan(&id)
	if store.IsNoRows(err) {
		return nil, nil // the first version, or the one before was never approved
	}
	if err != nil {
		return nil, err
	}
	old, err := getPlan(ctx, tx, id, tx.ForUpdate())
	return &old, err
}

// supersede retires old, the version in force before the version by, now
// that by is approved.
func (s *Service) supersede(ctx context.Context, tx *store.Tx, p access.Principal, old Plan, by string) error {
	u, err := s.unit(ctx, old.UnitID)
	if err != nil {
		return err
	}
	now := s.now()
	_, err = Machine.Apply(ctx, tx, s.ledger, p, fsm.Step[subject]{
		Object: subject{plan: old, now: now}, From: old.State, Action: Supersede, Resource: u.Resource(), ObjectID: old.ID,
		Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
			return s.write(ctx, tx, old, Supersede, to, StepInput{}, now)
		},
		Detail: map[string]any{"series_id": old.SeriesID, "version": old.Version, "superseded_by": by},
	})
	return err
}
