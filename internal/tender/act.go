package tender

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// Act takes action on announcement id for p: the one way an announcement
// changes state. People take Steps; the platform's clock takes close and
// conclude (Tick).
func (s *Service) Act(ctx context.Context, p access.Principal, id string, action fsm.Action, in StepInput) (Announcement, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		a, err := getAnnouncement(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		return s.step(ctx, tx, p, a, action, &in)
	})
	if err != nil {
		return Announcement{}, err
	}
	s.changed()
	return s.Get(ctx, p, id)
}

// step applies action to a, which the caller has locked in tx.
func (s *Service) step(ctx context.Context, tx *store.Tx, p access.Principal, a Announcement, action fsm.Action, in *StepInput) error {
	u, err := s.unitOf(ctx, a)
	if err != nil {
		return err
	}
	now := s.now()
	sub := subject{a: a, in: in, now: now}
	switch action {
	case Publish:
		sub.planErr = s.stillInPlan(ctx, a)
	case Evaluate:
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM applications WHERE announcement_id = $1`, a.ID).Scan(&sub.apps); err != nil {
			return err
		}
	case Award:
		r, err := s.ranking(ctx, tx, a)
		if err != nil {
			return err
		}
		sub.ranking = &r
	}
	_, err = Machine.Apply(ctx, tx, s.ledger, p, fsm.Step[subject]{
		Object: sub, From: a.State, Action: action, Resource: u.Resource(), ObjectID: a.ID,
		Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
			return s.write(ctx, tx, a, action, to, in, now)
		},
		Detail: detail(a, action, in, sub),
	})
	return err
}

// stillInPlan checks, before publication, that the plan is in force and
// still covers the announcement's scope (a later version may narrow it).
func (s *Service) stillInPlan(ctx context.Context, a Announcement) error {
	pl, err := s.plans.InForce(ctx, a.Plan.ID)
	if err != nil {
		return err
	}
	if outside := pl.Outside(a.Datasets); len(outside) > 0 {
		return errs.E(errs.Conflict, "datasets: %s left the data scope of the plan in force (version %d); edit the announcement",
			strings.Join(outside, ", "), pl.Version)
	}
	return nil
}

// write stores an announcement's new state and what the step records. The
// state in the condition turns a lost race into a conflict.
func (s *Service) write(ctx context.Context, tx *store.Tx, a Announcement, action fsm.Action, to fsm.State, in *StepInput, now time.Time) error {
	set, args := "", []any{string(to), now, a.ID, string(a.State)}
	switch action {
	case Publish:
		set = ", published_at = $2"
	case Cancel, Veto:
		set, args = ", stop_reason = $5", append(args, in.Reason)
	case Reopen:
		set, args = `, stop_reason = $5, winner_id = '', award_reason = '', publicity_from = NULL, publicity_until = NULL, publicity_day = ''`,
			append(args, in.Reason)
	case Award:
		due := s.cal.Due(now, s.opts.PublicityDays)
		set = ", winner_id = $5, award_reason = $6, publicity_from = $2, publicity_until = $7, publicity_day = $8"
		args = append(args, in.ApplicationID, in.Reason, due.At, due.Day.String())
	}
	res, err := tx.Exec(ctx, `UPDATE announcements SET state = $1, updated_at = $2`+set+` WHERE id = $3 AND state = $4`, args...)
	if err != nil {
		return fmt.Errorf("tender: %s announcement %s: %w", action, a.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "announcement %s changed meanwhile; read it again", a.ID)
	}
	return nil
}

// detail is what the ledger keeps of a step besides the states.
func detail(a Announcement, action fsm.Action, in *StepInput, sub subject) map[string]any {
	d := map[string]any{"plan_id": a.Plan.ID}
	switch action {
	case Publish:
		d["deadline"] = a.DeadlineAt
	case Cancel, Veto, Reopen:
		d["reason"] = in.Reason
	case Award:
		d["application_id"] = in.ApplicationID
		if i := sub.ranking.position(in.ApplicationID); i >= 0 {
			d["operator_id"], d["total"], d["rank"] = sub.ranking.Rows[i].Operator.ID, sub.ranking.Rows[i].Total, i+1
		}
		if in.Reason != "" {
			d["reason"] = in.Reason
		}
	}
	return d
}
