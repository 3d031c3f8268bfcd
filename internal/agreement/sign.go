package agreement

import (
	"context"
	"fmt"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// GiveOpinion records the finance department's opinion on a draft's
// revenue-sharing clause as it stands (Art. 15). Only members with the
// finance role of the department the agreement names give it; a later
// change of the clause needs a new one.
func (s *Service) GiveOpinion(ctx context.Context, p access.Principal, id string, in OpinionInput) (Agreement, error) {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		a, err := getAgreement(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		u, err := s.ids.Lookup(ctx, a.UnitID)
		if err != nil {
			return err
		}
		// The finance department's own, placed in the unit's jurisdiction.
		if err := access.Check(p, access.AgreementFinance, plan.CaseResource(u, a.FinanceOrgID, access.KindRegulator, "")); err != nil {
			return err
		}
		if a.State != Draft {
			return errs.E(errs.Conflict, "agreement %s is %s; opinions are given on a draft", a.ID, a.State)
		}
		if err := plan.Text("text", &in.Text, 4000, "the finance department's opinion on the revenue sharing"); err != nil {
			return err
		}
		oid := store.NewID()
		if _, err := tx.Exec(ctx, `INSERT INTO agreement_opinions (id, agreement_id, concurs, text, revenue_sharing_sha256, by_id, by_name, org_id, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, oid, a.ID, in.Concurs, in.Text, digest(a.Terms.RevenueSharing), p.UserID,
			p.Name(), p.OrgID, s.now()); err != nil {
			return fmt.Errorf("agreement: opinion on %s: %w", a.ID, err)
		}
		return s.record(ctx, tx, p, "agreement.finance_opinion", a.ID, map[string]any{"opinion_id": oid, "concurs": in.Concurs,
			"revenue_sharing_sha256": digest(a.Terms.RevenueSharing)})
	})
	if err != nil {
		return Agreement{}, err
	}
	s.changed()
	return s.Get(ctx, p, id)
}

// Sign signs a draft with the unit's collective decision (Art. 12(4)): on a
// selection whose publicity ended without objection (bound to it in the
// same transaction), or as the renewal of an agreement still in force. An
// agreement whose term has begun comes into force at once.
func (s *Service) Sign(ctx context.Context, p access.Principal, id string, in SignInput) (Agreement, error) {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		a, r, err := s.locked(ctx, tx, id)
		if err != nil {
			return err
		}
		now := s.now()
		sub := subject{a: a, now: now, sign: &in}
		if pl, err := s.plans.InForce(ctx, a.PlanID); err != nil {
			sub.scopeErr = err
		} else {
			sub.scopeErr = s.scopeErr(pl, a)
		}
		if a.RenewsID != "" {
			if old, err := getAgreement(ctx, tx, a.RenewsID, ""); err != nil {
				sub.renewErr = err
			} else if old.State != Signed && old.State != Active {
				sub.renewErr = errs.E(errs.Conflict, "agreement %s that this one renews is %s; a renewal continues an agreement in force", old.ID, old.State)
			}
		}
		to, err := Machine.Apply(ctx, tx, s.ledger, p, fsm.Step[subject]{
			Object: sub, From: a.State, Action: Sign, Resource: r, ObjectID: a.ID,
			Detail: map[string]any{"decision": in.Decision, "announcement_id": a.AnnouncementID, "renews_id": a.RenewsID,
				"operator_id": a.OperatorID, "starts_on": a.StartsOn, "ends_on": a.EndsOn, "datasets": a.DatasetIDs()},
			Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
				if a.RenewsID == "" {
					if _, err := s.tender.BindAgreement(ctx, tx, a.AnnouncementID, a.ID, a.ApplicationID); err != nil {
						return err
					}
				}
				d := in.Decision
				return s.write(ctx, tx, a, to, now, `, decision_meeting = $5, decision_number = $6, decision_date = $7, signed_at = $2, signed_by = $8`,
					d.Meeting, d.Number, d.Date, p.Name())
			},
		})
		if err != nil || now.Before(a.StartsAt) {
			return err
		}
		a.State = to
		return s.activate(ctx, tx, a, s.system, now)
	})
	if err != nil {
		return Agreement{}, err
	}
	s.changed()
	return s.Get(ctx, p, id)
}

// activate brings a signed agreement into force for p (the platform).
func (s *Service) activate(ctx context.Context, tx *store.Tx, a Agreement, p access.Principal, now time.Time) error {
	r, err := s.resource(ctx, a)
	if err != nil {
		return err
	}
	_, err = Machine.Apply(ctx, tx, s.ledger, p, fsm.Step[subject]{
		Object: subject{a: a, now: now}, From: a.State, Action: Activate, Resource: r, ObjectID: a.ID,
		Detail: map[string]any{"operator_id": a.OperatorID, "starts_on": a.StartsOn},
		Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
			return s.write(ctx, tx, a, to, now, `, activated_at = $2`)
		},
	})
	return err
}

// Withdraw gives up a draft.
func (s *Service) Withdraw(ctx context.Context, p access.Principal, id string) (Agreement, error) {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		a, r, err := s.locked(ctx, tx, id)
		if err != nil {
			return err
		}
		now := s.now()
		_, err = Machine.Apply(ctx, tx, s.ledger, p, fsm.Step[subject]{
			Object: subject{a: a, now: now}, From: a.State, Action: Withdraw, Resource: r, ObjectID: a.ID,
			Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error { return s.write(ctx, tx, a, to, now, "") },
		})
		return err
	})
	if err != nil {
		return Agreement{}, err
	}
	s.changed()
	return s.Get(ctx, p, id)
}

// write stores an agreement's new state, and set with its arguments from
// $5 on ($2 is now). The state in the condition turns a lost race into a
// conflict.
func (s *Service) write(ctx context.Context, tx *store.Tx, a Agreement, to fsm.State, now time.Time, set string, args ...any) error {
	res, err := tx.Exec(ctx, `UPDATE agreements SET state = $1, updated_at = $2`+set+` WHERE id = $3 AND state = $4`,
		append([]any{string(to), now, a.ID, string(a.State)}, args...)...)
	if err != nil {
		return fmt.Errorf("agreement: %s %s: %w", to, a.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "agreement %s changed meanwhile; read it again", a.ID)
	}
	return nil
}
