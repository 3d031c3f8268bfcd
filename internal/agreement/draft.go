package agreement

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// Create drafts the agreement on the awarded selection in.AnnouncementID
// with its winner. Drafting may begin under publicity; signing waits for
// its end without objection.
func (s *Service) Create(ctx context.Context, p access.Principal, in Input) (Agreement, error) {
	if in.AnnouncementID == nil {
		return Agreement{}, errs.E(errs.Invalid, "announcement_id: required: the selection the agreement is made on")
	}
	res, err := s.tender.Winner(ctx, *in.AnnouncementID)
	if errs.Is(err, errs.NotFound) {
		return Agreement{}, errs.E(errs.Invalid, "announcement_id: no announcement %q", *in.AnnouncementID)
	}
	if err != nil {
		return Agreement{}, err
	}
	now := s.now()
	a := Agreement{ID: store.NewID(), AnnouncementID: res.AnnouncementID, ApplicationID: res.ApplicationID, PlanID: res.PlanID,
		UnitID: res.UnitID, OperatorID: res.OperatorID, State: Draft, Datasets: res.Datasets, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
	return s.draft(ctx, p, a, in, "agreement.create")
}

// Renew drafts the agreement that continues agreement id, signed or in
// force, through the same checks as any: a term of at most five years, a
// scope within the plan in force, the finance department's opinion, the
// unit's decision. Its terms start as the old one's.
func (s *Service) Renew(ctx context.Context, p access.Principal, id string, in Input) (Agreement, error) {
	old, err := s.Get(ctx, p, id)
	if err != nil {
		return Agreement{}, err
	}
	if err := s.renewable(ctx, s.db, old); err != nil {
		return Agreement{}, err
	}
	now := s.now()
	a := old
	a.ID, a.RenewsID, a.State, a.CreatedBy, a.CreatedAt, a.UpdatedAt = store.NewID(), old.ID, Draft, p.UserID, now, now
	a.Opinion, a.Decision, a.SignedAt, a.SignedBy, a.ActivatedAt, a.EndedAt, a.EndReason = nil, nil, nil, "", nil, nil, nil
	if in.StartsOn == nil {
		next, _ := calendar.ParseDate(old.EndsOn)
		day := next.AddDays(1).String()
		in.StartsOn = &day
	}
	return s.draft(ctx, p, a, in, "agreement.renew")
}

// renewable refuses to renew an agreement that is not signed or in force,
// or that has a renewal in progress already.
func (s *Service) renewable(ctx context.Context, q store.Querier, old Agreement) error {
	if old.State != Signed && old.State != Active {
		return errs.E(errs.Conflict, "agreement %s is %s; only a signed or active agreement is renewed", old.ID, old.State)
	}
	var open string
	err := q.QueryRow(ctx, `SELECT id FROM agreements WHERE renews_id = $1 AND state IN ($2, $3)`, old.ID, string(Draft), string(Signed)).Scan(&open)
	if err == nil {
		return errs.E(errs.Conflict, "agreement %s is renewed by %s already", old.ID, open)
	}
	if !store.IsNoRows(err) {
		return err
	}
	return nil
}

// draft checks and stores a new draft.
func (s *Service) draft(ctx context.Context, p access.Principal, a Agreement, in Input, action string) (Agreement, error) {
	r, err := s.resource(ctx, a)
	if err != nil {
		return Agreement{}, err
	}
	if err := access.Check(p, access.AgreementWrite, r); err != nil {
		return Agreement{}, err
	}
	if err := s.apply(ctx, &a, in); err != nil {
		return Agreement{}, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := save(ctx, tx, a, true); err != nil {
			return err
		}
		return s.record(ctx, tx, p, action, a.ID, map[string]any{"announcement_id": a.AnnouncementID, "operator_id": a.OperatorID,
			"renews_id": a.RenewsID, "starts_on": a.StartsOn, "ends_on": a.EndsOn, "datasets": a.DatasetIDs()})
	})
	if err != nil {
		return Agreement{}, err
	}
	s.changed()
	return s.Get(ctx, p, a.ID)
}

// Update edits a draft. A changed revenue-sharing clause needs a new
// opinion of the finance department before signing.
func (s *Service) Update(ctx context.Context, p access.Principal, id string, in Input) (Agreement, error) {
	if in.AnnouncementID != nil {
		return Agreement{}, errs.E(errs.Invalid, "announcement_id cannot change; draft a new agreement instead")
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		a, r, err := s.locked(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := access.Check(p, access.AgreementWrite, r); err != nil {
			return err
		}
		if a.State != Draft {
			return errs.E(errs.Conflict, "agreement %s is %s: a signed agreement does not change; renew it, or end it", a.ID, a.State)
		}
		before := a
		a.UpdatedAt = s.now()
		if err := s.apply(ctx, &a, in); err != nil {
			return err
		}
		if err := save(ctx, tx, a, false); err != nil {
			return err
		}
		before.UpdatedAt = a.UpdatedAt
		return s.record(ctx, tx, p, "agreement.update", a.ID, ledger.Diff(before, a))
	})
	if err != nil {
		return Agreement{}, err
	}
	s.changed()
	return s.Get(ctx, p, id)
}

// apply validates in and copies it onto a: the term, a scope within the
// plan in force (no more, Art. 14), the finance department, every clause.
func (s *Service) apply(ctx context.Context, a *Agreement, in Input) error {
	if in.StartsOn != nil {
		a.StartsOn = strings.TrimSpace(*in.StartsOn)
	}
	if in.EndsOn != nil {
		a.EndsOn = strings.TrimSpace(*in.EndsOn)
	}
	if err := checkTerm(a.StartsOn, a.EndsOn); err != nil {
		return err
	}
	start, _ := calendar.ParseDate(a.StartsOn)
	end, _ := calendar.ParseDate(a.EndsOn)
	a.StartsAt, a.EndsAt = startOf(start), startOf(end.AddDays(1))
	pl, err := s.plans.InForce(ctx, a.PlanID)
	if err != nil {
		return err
	}
	a.PlanID = pl.ID
	if in.Datasets != nil {
		if a.Datasets, err = pl.Pick(*in.Datasets); err != nil {
			return err
		}
	} else if err := s.scopeErr(pl, *a); err != nil {
		return err
	}
	u, err := s.ids.Lookup(ctx, a.UnitID)
	if err != nil {
		return err
	}
	if in.FinanceOrgID != nil || a.FinanceOrgID == "" {
		if a.FinanceOrgID, err = s.finance(ctx, u, in.FinanceOrgID); err != nil {
			return err
		}
	}
	if in.Terms != nil {
		a.Terms = *in.Terms
	}
	return checkTerms(&a.Terms)
}

// startOf is the first instant of day d in Asia/Shanghai.
func startOf(d calendar.Date) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, calendar.Shanghai()).UTC()
}

// scopeErr says which of a's datasets left the scope of the plan in force.
func (s *Service) scopeErr(pl plan.Plan, a Agreement) error {
	if outside := pl.Outside(a.Datasets); len(outside) > 0 {
		return errs.E(errs.Conflict, "datasets: %s lie outside the data scope of the plan in force (version %d); narrow the scope",
			strings.Join(outside, ", "), pl.Version)
	}
	return nil
}

// finance returns the finance department asked for its opinion: the one
// named, or the regulator of sector finance in the unit's jurisdiction.
func (s *Service) finance(ctx context.Context, u identity.Organization, id *string) (string, error) {
	if id != nil {
		o, err := s.ids.Lookup(ctx, strings.TrimSpace(*id))
		if err != nil || o.Kind != access.KindRegulator || !plan.Covers(u, o) {
			return "", errs.E(errs.Invalid, "finance_org_id: %q is not a regulator in the jurisdiction of %s", *id, u.Name)
		}
		return o.ID, nil
	}
	var found []string
	page := store.NewPage(store.MaxPageSize, "")
	for {
		orgs, next, err := s.ids.Orgs(ctx, s.system, page)
		if err != nil {
			return "", err
		}
		for _, o := range orgs {
			if o.Kind == access.KindRegulator && o.Sector == "finance" && o.JurisdictionID == u.JurisdictionID {
				found = append(found, o.ID)
			}
		}
		if next == "" {
			break
		}
		page.After = next
	}
	if len(found) != 1 {
		return "", errs.E(errs.Invalid, "finance_org_id: %d finance departments found in the jurisdiction of %s; name the one to ask (Art. 15)", len(found), u.Name)
	}
	return found[0], nil
}

// checkTerms requires every clause of Art. 14 and at least one product,
// each with its compliance review.
func checkTerms(t *Terms) error {
	for _, c := range t.clauses() {
		if err := plan.Text("terms."+c.name, c.v, 4000, "Art. 14 asks the agreement to settle it"); err != nil {
			return err
		}
	}
	if len(t.Products) == 0 || len(t.Products) > 100 {
		return errs.E(errs.Invalid, "terms.products: list 1 to 100 products and services the operator intends to offer (Art. 14)")
	}
	for i := range t.Products {
		pr := &t.Products[i]
		field := fmt.Sprintf("terms.products[%d]", i)
		if err := plan.Text(field+".name", &pr.Name, 100, "the product's name"); err != nil {
			return err
		}
		if !slices.Contains(ProductKinds, pr.Kind) {
			return errs.E(errs.Invalid, "%s.kind: %q is not one of %v", field, pr.Kind, ProductKinds)
		}
		if err := plan.Text(field+".compliance_review", &pr.ComplianceReview, 2000, "the compliance review it must pass before release"); err != nil {
			return err
		}
		pr.Description = strings.TrimSpace(pr.Description)
	}
	return nil
}
