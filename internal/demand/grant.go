package demand

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
	"shuyu/internal/domain"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// Grants lists the grants p may read, newest first: an operator's own, a
// provider's on its data, or those before the units in reach (the unit and
// the regulators over it).
func (s *Service) Grants(ctx context.Context, p access.Principal, page store.Page) ([]Grant, string, error) {
	w, err := s.reach(ctx, p, access.GrantRead, "g", "grant_datasets", "grant_id")
	if err != nil {
		return nil, "", err
	}
	rows, next, err := plan.Newest(ctx, s.db, `SELECT `+grantColumns+grantFrom+` WHERE`, w, "g.id", page, scanGrant,
		func(g grantRow) string { return g.ID })
	if err != nil {
		return nil, "", fmt.Errorf("demand: %w", err)
	}
	out := make([]Grant, len(rows))
	for i := range rows {
		if err := grantScope(ctx, s.db, &rows[i]); err != nil {
			return nil, "", err
		}
		if out[i], err = s.showGrant(ctx, p, rows[i]); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

// GetGrant returns one grant if p may read it.
func (s *Service) GetGrant(ctx context.Context, p access.Principal, id string) (Grant, error) {
	g, err := getGrant(ctx, s.db, id, "")
	if err != nil {
		return Grant{}, err
	}
	return s.showGrant(ctx, p, g)
}

func (s *Service) showGrant(ctx context.Context, p access.Principal, g grantRow) (Grant, error) {
	rs, err := s.resources(ctx, g.UnitID, g.OperatorID, "", providers(g.Scope))
	if err != nil {
		return Grant{}, err
	}
	if err := checkAny(p, access.GrantRead, rs); err != nil {
		return Grant{}, err
	}
	g.Actions = GrantMachine.Allowed(p, fsm.State(g.State), rs[0], Expire)
	g.Columns = []Column{}
	for _, d := range g.spec.Datasets {
		entry, err := s.catalog.Get(ctx, s.system, d.Name)
		if err != nil {
			return Grant{}, err
		}
		for _, c := range d.Columns {
			if c.Role == sandbox.None {
				continue
			}
			f, _ := entry.Field(c.Name)
			g.Columns = append(g.Columns, Column{Dataset: d.Name, Name: c.Name, Title: f.Title, Description: f.Description,
				Type: c.Type, Role: c.Role, Mask: c.Mask})
		}
	}
	return g.Grant, nil
}

// RevokeGrant revokes active grant id (the implementing unit), with the
// reason: from this instant it runs nothing.
func (s *Service) RevokeGrant(ctx context.Context, p access.Principal, id, reason string) (Grant, error) {
	if err := s.endGrant(ctx, p, id, Revoke, &reason); err != nil {
		return Grant{}, err
	}
	s.changed()
	return s.GetGrant(ctx, p, id)
}

// endGrant takes action (expire or revoke) on grant id and, in the same
// transaction, tells the grant-end hooks (OnGrantEnd).
func (s *Service) endGrant(ctx context.Context, p access.Principal, id string, action fsm.Action, reason *string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		g, err := getGrant(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		rs, err := s.resources(ctx, g.UnitID, g.OperatorID, "", providers(g.Scope))
		if err != nil {
			return err
		}
		now := s.now()
		sub := grantSubject{g: g.Grant, reason: reason, now: now}
		_, err = GrantMachine.Apply(ctx, tx, s.ledger, p, fsm.Step[grantSubject]{Object: sub, From: fsm.State(g.State), Action: action,
			Resource: rs[0], ObjectID: g.ID, Detail: map[string]any{"demand_id": g.ApplicationID, "agreement_id": g.AgreementID, "reason": *reason},
			Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
				if _, err := tx.Exec(ctx, `UPDATE grants SET state = $1, ended_at = $2, end_reason = $3, ended_by = $4 WHERE id = $5`,
					string(to), now, *reason, p.UserID, g.ID); err != nil {
					return err
				}
				return s.grantEnded(ctx, tx, GrantEnd{GrantID: g.ID, AgreementID: g.AgreementID, OperatorID: g.OperatorID,
					Action: action, Reason: *reason, By: p, At: now})
			}})
		return err
	})
}

// Tick ends the grants whose period is over, as the platform, and returns
// how many it ended. Several processes may run it at once: each grant is
// locked and its state checked, so one of them ends it and the others find
// it ended.
func (s *Service) Tick(ctx context.Context) (int, error) {
	due, err := store.Strings(ctx, s.db, `SELECT id FROM grants WHERE state = $1 AND expires_at <= $2 ORDER BY id`, string(GrantActive), s.now())
	if err != nil {
		return 0, fmt.Errorf("demand: grants due: %w", err)
	}
	n := 0
	for _, id := range due {
		reason := "使用期限届满"
		switch err := s.endGrant(ctx, s.system, id, Expire, &reason); {
		case err == nil:
			n++
		case !errsConflict(err): // a conflict: another process ended it
			return n, fmt.Errorf("demand: expire grant %s: %w", id, err)
		}
	}
	if n > 0 {
		s.changed()
	}
	return n, nil
}

// columnsOf checks a stored grant's datasets against the catalog as it is
// now and returns them with the catalog's types and privacy-unit columns:
// a column no longer catalogued, or graded core since, stops the grant.
func columnsOf(entry catalog.Dataset, d sandbox.Dataset, grantID string) (sandbox.Dataset, error) {
	if !entry.InScope || entry.PrivacyUnit == "" {
		return d, errConflict("grant %s: %s has left the authorized-operation scope or has no privacy-unit column; the grant cannot run", grantID, entry.Name)
	}
	d.PrivacyUnit = entry.PrivacyUnit
	hasUnit := false
	cols := make([]sandbox.Column, 0, len(d.Columns)+1)
	for _, c := range d.Columns {
		f, ok := entry.Field(c.Name)
		switch {
		case !ok:
			return d, errConflict("grant %s: %s.%s is no longer in the catalog; the grant cannot run", grantID, entry.Name, c.Name)
		case f.Grade == catalog.Core:
			return d, errConflict("grant %s: %s.%s is graded core data (核心数据) now, which is never granted; the grant cannot run", grantID, entry.Name, c.Name)
		}
		c.Type = string(f.Type)
		hasUnit = hasUnit || c.Name == entry.PrivacyUnit
		cols = append(cols, c)
	}
	if !hasUnit {
		f, _ := entry.Field(entry.PrivacyUnit)
		cols = append(cols, sandbox.Column{Name: f.Name, Type: string(f.Type), Role: sandbox.None})
	}
	d.Columns = cols
	return d, nil
}

// Held returns grant id for running a query (no access check: the caller
// checks); errs.NotFound if none. A grant that exists but cannot run is
// returned with the error, its ID, operator, agreement and state filled,
// so that the caller checks access before it says why. Each dataset's
// current version is resolved now, and its columns checked against the catalog as it is now;
// State says "ended" for an active grant whose period is over even before
// Tick has recorded it.
func (s *Service) Held(ctx context.Context, id string) (Held, error) {
	g, err := getGrant(ctx, s.db, id, "")
	if err != nil {
		return Held{}, err
	}
	h := Held{ID: g.ID, OperatorID: g.OperatorID, AgreementID: g.AgreementID, ApplicationID: g.ApplicationID, State: g.State, ExpiresAt: g.ExpiresAt}
	if h.State == string(GrantActive) && !s.now().Before(g.ExpiresAt) {
		h.State = string(GrantEnded)
	}
	spec := g.spec
	spec.ID, spec.OrgID = g.ID, g.OperatorID
	spec.Datasets = make([]sandbox.Dataset, len(g.spec.Datasets))
	byName := map[string]string{}
	for _, d := range g.Scope {
		byName[d.Name] = d.ID
	}
	for _, d := range g.spec.Datasets {
		h.DatasetIDs = append(h.DatasetIDs, byName[d.Name])
	}
	versions, err := s.domain.CurrentOf(ctx, h.DatasetIDs)
	if err != nil {
		return h, err
	}
	for i, d := range g.spec.Datasets {
		entry, err := s.catalog.Get(ctx, s.system, h.DatasetIDs[i])
		if err != nil {
			return h, err
		}
		if spec.Datasets[i], err = columnsOf(entry, d, g.ID); err != nil {
			return h, err
		}
		v, ok := versions[entry.ID]
		if !ok {
			return h, errConflict("grant %s: %s has no data yet; its provider has not stored a version", g.ID, entry.Name)
		}
		for _, c := range spec.Datasets[i].Columns {
			if !hasColumn(v.Columns, c.Name, c.Type) {
				return h, errConflict("grant %s: the current version of %s (no. %d) has no %s column %s; its provider must store a version that has",
					g.ID, entry.Name, v.Seq, c.Type, c.Name)
			}
		}
		spec.Datasets[i].Version = sandbox.Version{ID: v.ID, Path: s.domain.File(v)}
	}
	if err := spec.Validate(); err != nil {
		return h, err
	}
	h.Spec = spec
	return h, nil
}

// Lock reads grant id's state and term inside tx (no access check),
// locking its row until tx ends: a revocation, an expiry or an exit that
// has not committed yet waits, one that has is seen.
func (s *Service) Lock(ctx context.Context, tx *store.Tx, id string) (Held, error) {
	g, err := getGrant(ctx, tx, id, tx.ForUpdate())
	if err != nil {
		return Held{}, err
	}
	return Held{ID: g.ID, OperatorID: g.OperatorID, AgreementID: g.AgreementID, ApplicationID: g.ApplicationID, State: g.State,
		ExpiresAt: g.ExpiresAt}, nil
}

func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func errConflict(format string, args ...any) error { return errs.E(errs.Conflict, format, args...) }

func errsConflict(err error) bool { return errs.Is(err, errs.Conflict) }

func hasColumn(cols []domain.Column, name, typ string) bool {
	return slices.ContainsFunc(cols, func(c domain.Column) bool { return c.Name == name && c.Type == typ })
}
