package tender

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// Create drafts an announcement under the approved plan in.PlanID, for the
// plan's implementing unit.
func (s *Service) Create(ctx context.Context, p access.Principal, in Input) (Announcement, error) {
	if in.PlanID == nil {
		return Announcement{}, errs.E(errs.Invalid, "plan_id: required: the approved implementation plan the announcement is made under")
	}
	pl, u, err := s.planInForce(ctx, *in.PlanID)
	if err != nil {
		return Announcement{}, err
	}
	if err := access.Check(p, access.AnnouncementWrite, u.Resource()); err != nil {
		return Announcement{}, err
	}
	now := s.now()
	a := Announcement{ID: store.NewID(), Plan: PlanRef{ID: pl.ID}, UnitID: u.ID, Method: PublicTender, State: Draft, Invited: []Org{},
		Criteria: []Criterion{}, Datasets: []plan.Dataset{}, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
	if err := s.apply(ctx, pl, &a, in); err != nil {
		return Announcement{}, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := saveAnnouncement(ctx, tx, a, true); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "announcement.create", a.ID, map[string]any{"plan_id": pl.ID, "title": a.Title, "method": a.Method,
			"deadline": a.DeadlineAt, "datasets": plan.IDs(a.Datasets)})
	})
	if err != nil {
		return Announcement{}, err
	}
	return s.Get(ctx, p, a.ID)
}

// Update edits a draft announcement; once published it is a public
// commitment and does not change (cancel it and announce again).
func (s *Service) Update(ctx context.Context, p access.Principal, id string, in Input) (Announcement, error) {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		a, err := getAnnouncement(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		u, err := s.unitOf(ctx, a)
		if err != nil {
			return err
		}
		if err := access.Check(p, access.AnnouncementWrite, u.Resource()); err != nil {
			return err
		}
		if a.State != Draft {
			return errs.E(errs.Conflict, "announcement %s is %s: a published announcement does not change; cancel it and announce again", a.ID, a.State)
		}
		ref := a.Plan.ID
		if in.PlanID != nil {
			ref = *in.PlanID
		}
		pl, pu, err := s.planInForce(ctx, ref)
		if err != nil {
			return err
		}
		if pu.ID != u.ID {
			return errs.E(errs.Invalid, "plan_id: %s is a plan of %s, not of %s", pl.ID, pu.Name, u.Name)
		}
		before := a
		a.Plan.ID, a.UpdatedAt = pl.ID, s.now()
		if err := s.apply(ctx, pl, &a, in); err != nil {
			return err
		}
		if err := saveAnnouncement(ctx, tx, a, false); err != nil {
			return err
		}
		before.UpdatedAt = a.UpdatedAt
		return s.record(ctx, tx, p, "announcement.update", a.ID, ledger.Diff(before, a))
	})
	if err != nil {
		return Announcement{}, err
	}
	return s.Get(ctx, p, id)
}

// planInForce returns the version in force of the plan ref names and its unit.
func (s *Service) planInForce(ctx context.Context, ref string) (plan.Plan, identity.Organization, error) {
	if _, err := s.plans.Lookup(ctx, ref); errs.Is(err, errs.NotFound) {
		return plan.Plan{}, identity.Organization{}, errs.E(errs.Invalid, "plan_id: no plan %q", ref)
	} else if err != nil {
		return plan.Plan{}, identity.Organization{}, err
	}
	pl, err := s.plans.InForce(ctx, ref)
	if err != nil {
		return pl, identity.Organization{}, err
	}
	u, err := s.ids.Lookup(ctx, pl.UnitID)
	return pl, u, err
}

// apply validates in against plan pl and copies it onto a; the result must
// be a complete announcement.
func (s *Service) apply(ctx context.Context, pl plan.Plan, a *Announcement, in Input) error {
	if in.Title != nil {
		a.Title = *in.Title
	}
	if in.Conditions != nil {
		a.Conditions = *in.Conditions
	}
	if in.Method != nil {
		a.Method = *in.Method
	}
	if in.Deadline != nil {
		a.DeadlineAt = in.Deadline.UTC().Truncate(time.Microsecond)
	}
	if in.Criteria != nil {
		a.Criteria = slices.Clone(*in.Criteria)
	}
	if err := plan.Text("title", &a.Title, 200, "e.g. 潍坊市公共数据资源授权运营单位申报公告"); err != nil {
		return err
	}
	if err := plan.Text("conditions", &a.Conditions, 8000, "the conditions applicants must meet (Art. 13) and what to submit"); err != nil {
		return err
	}
	if !slices.Contains(Methods, a.Method) {
		return errs.E(errs.Invalid, "method: %q is not one of %v", a.Method, Methods)
	}
	if a.DeadlineAt.IsZero() {
		return errs.E(errs.Invalid, "deadline: required: the last instant applications are accepted (RFC 3339)")
	}
	if err := checkCriteria(a.Criteria); err != nil {
		return err
	}
	if in.Datasets != nil || len(a.Datasets) == 0 {
		refs := pl.DatasetIDs()
		if in.Datasets != nil {
			refs = *in.Datasets
		}
		ds, err := pl.Pick(refs)
		if err != nil {
			return err
		}
		a.Datasets = ds
	}
	if in.Invited != nil {
		a.Invited = []Org{}
		for _, id := range *in.Invited {
			o, err := s.ids.Lookup(ctx, strings.TrimSpace(id))
			if err != nil || o.Kind != access.KindOperator {
				return errs.E(errs.Invalid, "invited: %q is not an operator organization", id)
			}
			if !slices.ContainsFunc(a.Invited, func(x Org) bool { return x.ID == o.ID }) {
				a.Invited = append(a.Invited, Org{ID: o.ID, Name: o.Name})
			}
		}
	}
	switch {
	case a.Method == PublicTender && len(a.Invited) > 0:
		return errs.E(errs.Invalid, "invited: a public tender is open to every operator; invite only for invited_tender or negotiation")
	case a.Method != PublicTender && len(a.Invited) == 0:
		return errs.E(errs.Invalid, "invited: %s needs the operators invited", a.Method)
	}
	return nil
}

func checkCriteria(cs []Criterion) error {
	if len(cs) == 0 || len(cs) > 20 {
		return errs.E(errs.Invalid, "criteria: give 1 to 20 evaluation criteria with weights summing to 100")
	}
	sum := 0
	for i := range cs {
		if err := plan.Text(fmt.Sprintf("criteria[%d].name", i), &cs[i].Name, 100, "what is evaluated"); err != nil {
			return err
		}
		cs[i].Description = strings.TrimSpace(cs[i].Description)
		if cs[i].Weight < 1 || cs[i].Weight > 100 {
			return errs.E(errs.Invalid, "criteria[%d].weight: %d; give 1 to 100", i, cs[i].Weight)
		}
		sum += cs[i].Weight
	}
	if sum != 100 {
		return errs.E(errs.Invalid, "criteria: the weights sum to %d; they must sum to 100", sum)
	}
	return nil
}

// record appends a ledger entry for an act of p on announcement id.
func (s *Service) record(ctx context.Context, tx *store.Tx, p access.Principal, action, id string, detail any) error {
	return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: action, ObjectType: "announcement", ObjectID: id, Detail: detail})
}
