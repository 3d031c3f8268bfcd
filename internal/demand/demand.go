package demand

import (
	"context"
	"fmt"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// File files a demand of p's organization (an operator) inside one of its
// active agreements; the parties' reviews are due in Options.ReviewDays
// working days.
func (s *Service) File(ctx context.Context, p access.Principal, in Input) (Application, error) {
	if err := access.Check(p, access.DemandFile, access.Resource{OrgID: p.OrgID, OrgKind: p.OrgKind}); err != nil {
		return Application{}, err
	}
	c, err := s.check(ctx, p.OrgID, in)
	if err != nil {
		return Application{}, err
	}
	u, err := s.ids.Lookup(ctx, c.ag.UnitID)
	if err != nil {
		return Application{}, err
	}
	now := s.now()
	a := Application{ID: store.NewID(), AgreementID: c.ag.ID, OperatorID: p.OrgID, UnitID: u.ID, JurisdictionID: u.JurisdictionID,
		State: Reviewing, Round: 1, Request: c.in, Datasets: c.datasets, FiledBy: p.UserID, FiledByName: p.Name(),
		SubmittedAt: now, DueAt: s.cal.Deadline(now, s.opts.ReviewDays), CreatedAt: now, UpdatedAt: now}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := s.agreements.RequireActiveIn(ctx, tx, a.OperatorID, datasetIDs(a.Datasets)); err != nil {
			return err // ended since it was checked
		}
		if err := saveDemand(ctx, tx, a, true); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "demand.file", "demand", a.ID, s.detail(a))
	})
	if err != nil {
		return Application{}, err
	}
	s.changed()
	return s.Get(ctx, p, a.ID)
}

// detail is what the ledger keeps of a demand's request.
func (s *Service) detail(a Application) map[string]any {
	fields := map[string][]string{}
	filters := map[string][]sandbox.Condition{}
	for _, d := range a.Request.Datasets {
		for _, f := range d.Fields {
			fields[d.Dataset] = append(fields[d.Dataset], f.Name+":"+string(f.Role))
		}
		if len(d.RowFilter) > 0 {
			filters[d.Dataset] = d.RowFilter
		}
	}
	return map[string]any{"row_filters": filters, "agreement_id": a.AgreementID, "operator_id": a.OperatorID, "round": a.Round, "title": a.Request.Title,
		"rule": a.Request.Rule, "k": a.Request.K, "dp": a.Request.DP, "fields": fields, "ends_on": a.Request.EndsOn, "due_at": a.DueAt}
}

// Get returns one demand if p may read it.
func (s *Service) Get(ctx context.Context, p access.Principal, id string) (Application, error) {
	a, err := getDemand(ctx, s.db, id, "")
	if err != nil {
		return a, err
	}
	return s.show(ctx, p, a)
}

func (s *Service) show(ctx context.Context, p access.Principal, a Application) (Application, error) {
	rs, err := s.resources(ctx, a.UnitID, a.OperatorID, a.FiledBy, providers(a.Datasets))
	if err != nil {
		return a, err
	}
	if err := checkAny(p, access.DemandRead, rs); err != nil {
		return a, err
	}
	_, r := partyOf(a, p, rs)
	a.Actions = Machine.Allowed(p, a.State, r, Conclude)
	return a, nil
}

// partyOf returns the party p reviews for, and the resource that stands for
// it: a provider of the demand's data, or else the implementing unit (the
// operator's case before it).
func partyOf(a Application, p access.Principal, rs []access.Resource) (*Party, access.Resource) {
	for i, party := range a.Parties {
		if i > 0 && party.OrgID == p.OrgID {
			for _, r := range rs[1:] {
				if r.OrgID == p.OrgID {
					return &a.Parties[i], r
				}
			}
		}
	}
	if p.OrgKind == access.KindImplementingUnit {
		return &a.Parties[0], rs[0]
	}
	return nil, rs[0]
}

// Filter narrows a list of demands.
type Filter struct {
	State       fsm.State
	AgreementID string
}

// List returns the demands p may read, newest first: an operator's own, a
// provider's concerning its data, or those before the units in reach.
func (s *Service) List(ctx context.Context, p access.Principal, f Filter, page store.Page) ([]Application, string, error) {
	w, err := s.reach(ctx, p, access.DemandRead, "d", "demand_datasets", "demand_id")
	if err != nil {
		return nil, "", err
	}
	if f.State != "" {
		if err := fsm.CheckState(f.State, States); err != nil {
			return nil, "", err
		}
		w.And("d.state = $%d", string(f.State))
	}
	if f.AgreementID != "" {
		w.And("d.agreement_id = $%d", f.AgreementID)
	}
	out, next, err := plan.Newest(ctx, s.db, `SELECT `+demandColumns+demandFrom+` WHERE`, w, "d.id", page, scanDemand,
		func(a Application) string { return a.ID })
	if err != nil {
		return nil, "", fmt.Errorf("demand: %w", err)
	}
	for i := range out {
		if err := demandDetails(ctx, s.db, &out[i]); err != nil {
			return nil, "", err
		}
		if out[i], err = s.show(ctx, p, out[i]); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

// reach is the condition that keeps the demands or grants (alias) p may
// read with action: every one, those before the units in p's reach, or, for
// an organization's members, its own and those concerning its data (a
// provider's), found through the scope rows (scopeTable, keyed by key).
func (s *Service) reach(ctx context.Context, p access.Principal, action access.Action, alias, scopeTable, key string) (plan.Where, error) {
	if access.Widest(p, action) == access.Org {
		return plan.Where{Cond: fmt.Sprintf("(%[1]s.operator_id = $1 OR EXISTS (SELECT 1 FROM %[2]s x WHERE x.%[3]s = %[1]s.id AND x.provider_id = $1))",
			alias, scopeTable, key), Args: []any{p.OrgID}}, nil
	}
	return plan.Reach(ctx, s.ids, p, action, alias+".jurisdiction_id", "")
}

// Resubmit files a returned demand again, with its content as in (whole),
// for a new round of reviews by every party.
func (s *Service) Resubmit(ctx context.Context, p access.Principal, id string, in Input) (Application, error) {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		a, rs, err := s.locked(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.AgreementID != "" && in.AgreementID != a.AgreementID {
			return errs.E(errs.Invalid, "agreement_id: a resubmission stays under agreement %s; file a new demand for another", a.AgreementID)
		}
		in.AgreementID = a.AgreementID
		sub := subject{d: a}
		var c checked
		if access.Check(p, access.DemandFile, rs[0]) == nil {
			c, sub.scopeErr = s.check(ctx, a.OperatorID, in)
		}
		now := s.now()
		_, err = Machine.Apply(ctx, tx, s.ledger, p, fsm.Step[subject]{Object: sub, From: a.State, Action: Resubmit, Resource: rs[0], ObjectID: a.ID,
			Detail: map[string]any{"round": a.Round + 1},
			Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
				a.Request, a.Datasets, a.Round, a.SubmittedAt, a.DueAt, a.UpdatedAt = c.in, c.datasets, a.Round+1, now, s.cal.Deadline(now, s.opts.ReviewDays), now
				if err := saveDemand(ctx, tx, a, false); err != nil {
					return err
				}
				return setState(ctx, tx, a.ID, to, now, false)
			}})
		return err
	})
	if err != nil {
		return Application{}, err
	}
	s.changed()
	return s.Get(ctx, p, id)
}

// Withdraw gives up a demand under review or returned.
func (s *Service) Withdraw(ctx context.Context, p access.Principal, id string) (Application, error) {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		a, rs, err := s.locked(ctx, tx, id)
		if err != nil {
			return err
		}
		_, err = Machine.Apply(ctx, tx, s.ledger, p, fsm.Step[subject]{Object: subject{d: a}, From: a.State, Action: Withdraw, Resource: rs[0], ObjectID: a.ID,
			Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
				return setState(ctx, tx, a.ID, to, s.now(), true)
			}})
		return err
	})
	if err != nil {
		return Application{}, err
	}
	s.changed()
	return s.Get(ctx, p, id)
}

// locked reads demand id in tx, locking its row, with its resources.
func (s *Service) locked(ctx context.Context, tx *store.Tx, id string) (Application, []access.Resource, error) {
	a, err := getDemand(ctx, tx, id, tx.ForUpdate())
	if err != nil {
		return a, nil, err
	}
	rs, err := s.resources(ctx, a.UnitID, a.OperatorID, a.FiledBy, providers(a.Datasets))
	return a, rs, err
}

// setState records a demand's new state; decided marks a final decision.
func setState(ctx context.Context, tx *store.Tx, id string, to fsm.State, now time.Time, decided bool) error {
	q := `UPDATE demands SET state = $1, updated_at = $2 WHERE id = $3`
	if decided {
		q = `UPDATE demands SET state = $1, updated_at = $2, decided_at = $2 WHERE id = $3`
	}
	_, err := tx.Exec(ctx, q, string(to), now, id)
	return err
}

func datasetIDs(ds []plan.Dataset) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}
