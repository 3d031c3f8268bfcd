package plan

import (
	"context"
	"slices"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// Create drafts a plan of p's implementing unit.
func (s *Service) Create(ctx context.Context, p access.Principal, in Input) (Plan, error) {
	u, err := s.unit(ctx, p.OrgID)
	if err != nil {
		return Plan{}, err
	}
	if err := access.Check(p, access.PlanWrite, u.Resource()); err != nil {
		return Plan{}, err
	}
	if u.Kind != access.KindImplementingUnit {
		return Plan{}, errs.E(errs.Forbidden, "plans are drafted by implementing units; %s is a %s", u.Name, u.Kind)
	}
	if in.Title == nil {
		return Plan{}, errs.E(errs.Invalid, "title: required")
	}
	now := s.now()
	pl := Plan{ID: store.NewID(), Version: 1, UnitID: u.ID, Unit: u.Name, JurisdictionID: u.JurisdictionID, Mode: Whole,
		Datasets: []Dataset{}, Consulted: []Consultation{}, State: Draft, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
	pl.SeriesID = pl.ID
	if err := s.apply(ctx, p, u, &pl, in); err != nil {
		return Plan{}, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := insertPlan(ctx, tx, pl); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "plan.create", pl.ID, map[string]any{"title": pl.Title, "mode": pl.Mode, "datasets": pl.DatasetIDs()})
	})
	if err != nil {
		return Plan{}, err
	}
	return s.Get(ctx, p, pl.ID)
}

// Update edits a plan version. A draft is edited in place. After approval
// (Art. 11) only the mode, the data scope and the revenue sharing may
// change, and each change makes a new draft version, linked to this one,
// that must be approved again; this one stays in force until then. The
// answer is the edited draft or the new version.
func (s *Service) Update(ctx context.Context, p access.Principal, id string, in Input) (Plan, error) {
	var out string
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		pl, err := getPlan(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		u, err := s.unit(ctx, pl.UnitID)
		if err != nil {
			return err
		}
		if err := access.Check(p, access.PlanWrite, u.Resource()); err != nil {
			return err
		}
		switch pl.State {
		case Draft:
			out = pl.ID
			return s.edit(ctx, tx, p, u, pl, in)
		case Approved, Filed:
			if out, err = s.newVersion(ctx, tx, p, u, pl, in); err != nil {
				return err
			}
			return nil
		case Submitted:
			return errs.E(errs.Conflict, "plan %s is submitted for approval; it cannot change until it is returned to draft", pl.ID)
		}
		return errs.E(errs.Conflict, "plan %s is %s and cannot change; edit the version in force", pl.ID, pl.State)
	})
	if err != nil {
		return Plan{}, err
	}
	return s.Get(ctx, p, out)
}

func (s *Service) edit(ctx context.Context, tx *store.Tx, p access.Principal, u identity.Organization, pl Plan, in Input) error {
	before := pl
	if err := s.apply(ctx, p, u, &pl, in); err != nil {
		return err
	}
	pl.UpdatedAt = s.now()
	if err := updateContent(ctx, tx, pl); err != nil {
		return err
	}
	before.UpdatedAt = pl.UpdatedAt
	return s.record(ctx, tx, p, "plan.update", pl.ID, ledger.Diff(before, pl))
}

// newVersion starts the next version of an approved plan with the changes
// of in, refusing changes that Art. 11 does not foresee.
func (s *Service) newVersion(ctx context.Context, tx *store.Tx, p access.Principal, u identity.Organization, pl Plan, in Input) (string, error) {
	versioned, fixed := in.versioned()
	if len(fixed) > 0 {
		return "", errs.E(errs.Conflict, "plan %s is %s: after approval %s cannot change; only the mode, the data scope and the revenue sharing may, through a new version approved again (Art. 11)",
			pl.ID, pl.State, strings.Join(fixed, ", "))
	}
	if !versioned {
		return "", errs.E(errs.Invalid, "nothing to change: give mode, mode_reason, datasets or revenue_sharing")
	}
	var open string
	err := tx.QueryRow(ctx, `SELECT id FROM plans WHERE series_id = $1 AND state IN ($2, $3)`, pl.SeriesID, string(Draft), string(Submitted)).Scan(&open)
	if err == nil {
		return "", errs.E(errs.Conflict, "plan %s already has a version in progress (%s); edit or withdraw that one", pl.ID, open)
	}
	if !store.IsNoRows(err) {
		return "", err
	}
	var last int
	if err := tx.QueryRow(ctx, `SELECT MAX(version) FROM plans WHERE series_id = $1`, pl.SeriesID).Scan(&last); err != nil {
		return "", err
	}
	now := s.now()
	next := pl
	next.ID, next.Version, next.PreviousID, next.State, next.ReturnReason = store.NewID(), last+1, pl.ID, Draft, ""
	next.Decision, next.ApprovedAt, next.FilingDueAt, next.FilingDueDay, next.Filing, next.FiledAt = nil, nil, nil, "", nil, nil
	next.CreatedBy, next.CreatedAt, next.UpdatedAt = p.UserID, now, now
	if err := s.apply(ctx, p, u, &next, in); err != nil {
		return "", err
	}
	if next.Mode == pl.Mode && next.ModeReason == pl.ModeReason && next.RevenueSharing == pl.RevenueSharing &&
		slices.Equal(next.DatasetIDs(), pl.DatasetIDs()) {
		return "", errs.E(errs.Invalid, "nothing changes: the mode, data scope and revenue sharing given are those of version %d", pl.Version)
	}
	if err := insertPlan(ctx, tx, next); err != nil {
		return "", err
	}
	return next.ID, s.record(ctx, tx, p, "plan.version", next.ID, map[string]any{"series_id": next.SeriesID, "version": next.Version,
		"previous_id": pl.ID, "changes": ledger.Diff(pl, next)})
}

// apply validates in and copies it onto pl.
func (s *Service) apply(ctx context.Context, p access.Principal, u identity.Organization, pl *Plan, in Input) error {
	if in.Title != nil {
		pl.Title = *in.Title
		if err := Text("title", &pl.Title, 200, "e.g. 潍坊市公共数据资源授权运营实施方案"); err != nil {
			return err
		}
	}
	if in.Mode != nil {
		if !slices.Contains(Modes, *in.Mode) {
			return errs.E(errs.Invalid, "mode: %q is not one of %v (Art. 9 prefers whole)", *in.Mode, Modes)
		}
		pl.Mode = *in.Mode
	}
	if in.ModeReason != nil {
		pl.ModeReason = strings.TrimSpace(*in.ModeReason)
	}
	if pl.Mode == Whole {
		pl.ModeReason = ""
	}
	if in.RevenueSharing != nil {
		pl.RevenueSharing = strings.TrimSpace(*in.RevenueSharing)
	}
	if in.Security != nil {
		pl.Security = strings.TrimSpace(*in.Security)
	}
	if in.Benefits != nil {
		pl.Benefits = Benefits{Economic: strings.TrimSpace(in.Benefits.Economic), Social: strings.TrimSpace(in.Benefits.Social)}
	}
	for field, v := range map[string]string{"mode_reason": pl.ModeReason, "revenue_sharing": pl.RevenueSharing, "security": pl.Security,
		"benefits.economic": pl.Benefits.Economic, "benefits.social": pl.Benefits.Social} {
		if len([]rune(v)) > 4000 {
			return errs.E(errs.Invalid, "%s: at most 4000 characters", field)
		}
	}
	if in.Datasets != nil {
		ds, err := s.scope(ctx, p, u, *in.Datasets)
		if err != nil {
			return err
		}
		pl.Datasets = ds
	}
	if in.Consulted != nil {
		cs, err := s.consulted(ctx, u, *in.Consulted)
		if err != nil {
			return err
		}
		pl.Consulted = cs
	}
	return nil
}

// scope resolves catalog entries for the data scope of unit u: each must be
// in the operation scope (never core data) and supplied within u's
// jurisdiction (a city's covers its counties).
func (s *Service) scope(ctx context.Context, p access.Principal, u identity.Organization, refs []string) ([]Dataset, error) {
	out := []Dataset{}
	seen := map[string]bool{}
	for _, ref := range refs {
		d, err := s.catalog.Get(ctx, p, strings.TrimSpace(ref))
		if errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden) {
			return nil, errs.E(errs.Invalid, "datasets: no catalog entry %q within your reach", ref)
		}
		if err != nil {
			return nil, err
		}
		provider, err := s.ids.Lookup(ctx, d.ProviderID)
		if err != nil {
			return nil, err
		}
		switch {
		case !d.InScope || d.Grade == catalog.Core:
			return nil, errs.E(errs.Invalid, "datasets: %s is not in the authorized-operation scope of the catalog; its provider must put it in scope first", d.Name)
		case !Covers(u, provider):
			return nil, errs.E(errs.Invalid, "datasets: %s is supplied by %s, outside the jurisdiction of %s", d.Name, provider.Name, u.Name)
		case seen[d.ID]:
			return nil, errs.E(errs.Invalid, "datasets: %s is named twice", d.Name)
		}
		seen[d.ID] = true
		out = append(out, Dataset{ID: d.ID, Name: d.Name, Title: d.Title, ProviderID: provider.ID, Provider: provider.Name})
	}
	slices.SortFunc(out, func(a, b Dataset) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Covers reports whether organization o lies within the jurisdiction of
// unit u: the same one, or a county of u's city.
func Covers(u, o identity.Organization) bool {
	return o.JurisdictionID == u.JurisdictionID || (u.ParentJurisdictionID == "" && o.ParentJurisdictionID == u.JurisdictionID)
}

// consulted resolves the industry authorities a plan was drafted with: the
// regulators of u's jurisdiction or of its city.
func (s *Service) consulted(ctx context.Context, u identity.Organization, in []ConsultationInput) ([]Consultation, error) {
	out := []Consultation{}
	for _, c := range in {
		o, err := s.ids.Lookup(ctx, strings.TrimSpace(c.OrgID))
		if errs.Is(err, errs.NotFound) {
			return nil, errs.E(errs.Invalid, "consulted: no organization %q", c.OrgID)
		}
		if err != nil {
			return nil, err
		}
		if o.Kind != access.KindRegulator || !(Covers(u, o) || o.JurisdictionID == u.ParentJurisdictionID) {
			return nil, errs.E(errs.Invalid, "consulted: %s is not an industry authority or regulator of %s's jurisdiction", o.Name, u.Name)
		}
		opinion := strings.TrimSpace(c.Opinion)
		if len([]rune(opinion)) > 2000 {
			return nil, errs.E(errs.Invalid, "consulted: the opinion of %s: at most 2000 characters", o.Name)
		}
		out = append(out, Consultation{OrgID: o.ID, Org: o.Name, Opinion: opinion})
	}
	return out, nil
}
