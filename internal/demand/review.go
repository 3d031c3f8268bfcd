package demand

import (
	"context"
	"fmt"
	"slices"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// Decide takes a party's decision on demand id: approve, reject or return
// (Reviews), with a comment (required to reject or return). The caller
// decides for its organization: a provider of the demand's data, or the
// implementing unit. Approval checks the demand against its agreement and
// the catalog again; the last approval of a round approves the demand and
// creates its grant, in the same transaction.
func (s *Service) Decide(ctx context.Context, p access.Principal, id string, action fsm.Action, comment string) (Application, error) {
	if !slices.Contains(Reviews, action) {
		return Application{}, errs.E(errs.Invalid, "demand: %q is not a review decision (approve, reject, return)", action)
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		// The agreement before the demand, as an exit locks them: an
		// approval that creates a grant is wholly before the exit (which
		// ends the grant) or after it (and refused).
		d, err := getDemand(ctx, tx, id, "")
		if err != nil {
			return err
		}
		if err := s.agreements.LockIn(ctx, tx, d.AgreementID); err != nil {
			return err
		}
		a, rs, err := s.locked(ctx, tx, id)
		if err != nil {
			return err
		}
		party, r := partyOf(a, p, rs)
		sub := subject{d: a, party: party, comment: &comment}
		var c checked
		if action == Approve && party != nil && access.Check(p, access.DemandReview, r) == nil {
			c, sub.scopeErr = s.recheck(ctx, tx, a)
		}
		now := s.now()
		detail := map[string]any{"round": a.Round}
		if party != nil {
			detail["party_id"], detail["party"] = party.OrgID, party.Name
		}
		_, err = Machine.Apply(ctx, tx, s.ledger, p, fsm.Step[subject]{Object: sub, From: a.State, Action: action, Resource: r, ObjectID: a.ID, Detail: detail,
			Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
				detail["comment"] = comment
				if _, err := tx.Exec(ctx, `INSERT INTO demand_reviews (id, demand_id, review_round, party_id, decision, comment, by_id, by_name, at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, store.NewID(), a.ID, a.Round, party.OrgID, string(action), comment,
					p.UserID, p.Name(), now); err != nil {
					return fmt.Errorf("demand: review of %s: %w", a.ID, err)
				}
				if to == a.State {
					_, err := tx.Exec(ctx, `UPDATE demands SET updated_at = $1 WHERE id = $2`, now, a.ID)
					return err
				}
				return setState(ctx, tx, a.ID, to, now, to == Rejected)
			}})
		if err != nil || action != Approve {
			return err
		}
		party.Decision = string(Approve)
		if slices.ContainsFunc(sub.d.Parties, func(x Party) bool { return x.Decision != string(Approve) }) {
			return nil
		}
		grantID := store.NewID()
		_, err = Machine.Apply(ctx, tx, s.ledger, p, fsm.Step[subject]{Object: sub, From: a.State, Action: Conclude, Resource: r, ObjectID: a.ID,
			Detail: map[string]any{"round": a.Round, "grant_id": grantID},
			Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
				if err := setState(ctx, tx, a.ID, to, now, true); err != nil {
					return err
				}
				return s.createGrant(ctx, tx, p, grantID, a, c)
			}})
		return err
	})
	if err != nil {
		return Application{}, err
	}
	s.changed()
	return s.Get(ctx, p, id)
}

// recheck checks demand a again as filed, now: its agreement still active
// and covering it, its fields still catalogued and not core.
func (s *Service) recheck(ctx context.Context, tx *store.Tx, a Application) (checked, error) {
	c, err := s.check(ctx, a.OperatorID, a.Request)
	if err == nil {
		err = s.agreements.RequireActiveIn(ctx, tx, a.OperatorID, datasetIDs(a.Datasets))
	}
	return c, err
}

// createGrant writes the grant of approved demand a, as checked in c.
func (s *Service) createGrant(ctx context.Context, tx *store.Tx, p access.Principal, id string, a Application, c checked) error {
	spec := c.spec
	spec.ID = id
	spec.Datasets = slices.Clone(spec.Datasets)
	for i := range spec.Datasets {
		spec.Datasets[i].Version = sandbox.Version{}
	}
	raw, err := jsonText(spec)
	if err != nil {
		return err
	}
	now := s.now()
	if _, err := tx.Exec(ctx, `INSERT INTO grants (id, demand_id, agreement_id, operator_id, unit_id, jurisdiction_id, rule, spec, state,
		expires_at, created_at, end_reason, ended_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', '')`,
		id, a.ID, a.AgreementID, a.OperatorID, a.UnitID, a.JurisdictionID, string(spec.Rule), raw, string(GrantActive), c.expires, now); err != nil {
		return fmt.Errorf("demand: grant of %s: %w", a.ID, err)
	}
	for _, d := range c.datasets {
		if _, err := tx.Exec(ctx, `INSERT INTO grant_datasets (grant_id, dataset_id, name, title, provider_id, provider) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, d.ID, d.Name, d.Title, d.ProviderID, d.Provider); err != nil {
			return fmt.Errorf("demand: grant of %s: %w", a.ID, err)
		}
	}
	columns := map[string][]string{}
	for _, d := range spec.Datasets {
		for _, col := range d.Columns {
			if col.Role != sandbox.None {
				columns[d.Name] = append(columns[d.Name], col.Name+":"+string(col.Role)+maskNote(col.Mask))
			}
		}
	}
	return s.record(ctx, tx, p, "grant.create", "grant", id, map[string]any{"demand_id": a.ID, "agreement_id": a.AgreementID,
		"operator_id": a.OperatorID, "rule": spec.Rule, "k": spec.K, "allow_min_max": spec.AllowMinMax, "dp": spec.DP,
		"columns": columns, "expires_at": c.expires})
}

func maskNote(m sandbox.Mask) string {
	if m.Kind == "" {
		return ""
	}
	return "/" + string(m.Kind)
}
