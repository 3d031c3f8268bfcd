package identity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/cnid"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// Organization is a unit of one kind in one jurisdiction.
type Organization struct {
	ID             string      `json:"id"`
	Name           string      `json:"name"`
	NameEN         string      `json:"name_en"`
	Kind           access.Kind `json:"kind"`
	Sector         string      `json:"sector,omitempty"`
	USCC           string      `json:"uscc,omitempty"`
	JurisdictionID string      `json:"jurisdiction_id"`
	// JurisdictionName and ParentJurisdictionID come from the jurisdiction.
	JurisdictionName     string    `json:"jurisdiction_name"`
	ParentJurisdictionID string    `json:"-"`
	Disabled             bool      `json:"disabled"`
	CreatedAt            time.Time `json:"created_at"`
	UpdatedAt            time.Time `json:"updated_at"`
}

// Resource describes o for access checks.
func (o Organization) Resource() access.Resource {
	return access.Resource{OrgID: o.ID, OrgKind: o.Kind, JurisdictionID: o.JurisdictionID, ParentJurisdictionID: o.ParentJurisdictionID}
}

// OrgInput is what creating or updating an organization takes. On update,
// nil fields stay as they are.
type OrgInput struct {
	Name           *string      `json:"name"`
	NameEN         *string      `json:"name_en"`
	Kind           *access.Kind `json:"kind"`
	Sector         *string      `json:"sector"`
	USCC           *string      `json:"uscc"`
	JurisdictionID *string      `json:"jurisdiction_id"`
	Disabled       *bool        `json:"disabled"`
}

const orgColumns = `o.id, o.name, o.name_en, o.kind, o.sector, COALESCE(o.uscc, ''), o.jurisdiction_id, j.name,
	COALESCE(j.parent_id, ''), o.disabled, o.created_at, o.updated_at`

const orgFrom = ` FROM organizations o JOIN jurisdictions j ON j.id = o.jurisdiction_id`

func scanOrg(row interface{ Scan(...any) error }) (Organization, error) {
	var o Organization
	var kind string
	err := row.Scan(&o.ID, &o.Name, &o.NameEN, &kind, &o.Sector, &o.USCC, &o.JurisdictionID, &o.JurisdictionName,
		&o.ParentJurisdictionID, &o.Disabled, &o.CreatedAt, &o.UpdatedAt)
	o.Kind, o.CreatedAt, o.UpdatedAt = access.Kind(kind), o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, err
}

func getOrg(ctx context.Context, q store.Querier, id string) (Organization, error) {
	o, err := scanOrg(q.QueryRow(ctx, `SELECT `+orgColumns+orgFrom+` WHERE o.id = $1`, id))
	if store.IsNoRows(err) {
		return o, errs.E(errs.NotFound, "no organization %q", id)
	}
	return o, err
}

// CreateOrg registers an organization.
func (s *Service) CreateOrg(ctx context.Context, p access.Principal, in OrgInput) (Organization, error) {
	var o Organization
	if in.Name == nil || in.Kind == nil || in.JurisdictionID == nil {
		return o, errs.E(errs.Invalid, "name, kind and jurisdiction_id are required")
	}
	o = Organization{ID: store.NewID(), CreatedAt: s.db.Now()}
	o.UpdatedAt = o.CreatedAt
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := applyOrgInput(ctx, tx, &o, in); err != nil {
			return err
		}
		if err := access.Check(p, access.OrgCreate, o.Resource()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO organizations (id, name, name_en, kind, sector, uscc, jurisdiction_id, disabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			o.ID, o.Name, o.NameEN, string(o.Kind), o.Sector, nullable(o.USCC), o.JurisdictionID, o.Disabled, o.CreatedAt, o.UpdatedAt)
		if err := orgConflict(err, o); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "org.create", "organization", o.ID, map[string]any{"name": o.Name, "kind": o.Kind, "jurisdiction_id": o.JurisdictionID})
	})
	return o, err
}

// UpdateOrg changes an organization. Moving it to another jurisdiction or
// kind needs the right to manage it both before and after.
func (s *Service) UpdateOrg(ctx context.Context, p access.Principal, id string, in OrgInput) (Organization, error) {
	var o Organization
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if o, err = getOrg(ctx, tx, id); err != nil {
			return err
		}
		if err := access.Check(p, access.OrgUpdate, o.Resource()); err != nil {
			return err
		}
		before := o
		if err := applyOrgInput(ctx, tx, &o, in); err != nil {
			return err
		}
		if err := access.Check(p, access.OrgUpdate, o.Resource()); err != nil {
			return err
		}
		o.UpdatedAt = s.db.Now()
		_, err = tx.Exec(ctx, `UPDATE organizations SET name = $1, name_en = $2, kind = $3, sector = $4, uscc = $5,
			jurisdiction_id = $6, disabled = $7, updated_at = $8 WHERE id = $9`,
			o.Name, o.NameEN, string(o.Kind), o.Sector, nullable(o.USCC), o.JurisdictionID, o.Disabled, o.UpdatedAt, o.ID)
		if err := orgConflict(err, o); err != nil {
			return err
		}
		if o.Kind != before.Kind {
			if err := checkRolesFit(ctx, tx, o); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, p, "org.update", "organization", o.ID, ledger.Diff(before, o))
	})
	return o, err
}

// applyOrgInput validates in and copies it onto o, loading the jurisdiction.
func applyOrgInput(ctx context.Context, q store.Querier, o *Organization, in OrgInput) error {
	if in.Name != nil {
		o.Name = strings.TrimSpace(*in.Name)
		if o.Name == "" || len([]rune(o.Name)) > 100 {
			return errs.E(errs.Invalid, "name: required, at most 100 characters")
		}
	}
	if in.NameEN != nil {
		o.NameEN = strings.TrimSpace(*in.NameEN)
	}
	if in.Kind != nil {
		if !access.ValidKind(*in.Kind) {
			return errs.E(errs.Invalid, "kind: %q is not one of %v", *in.Kind, access.Kinds)
		}
		o.Kind = *in.Kind
	}
	if in.Sector != nil {
		o.Sector = strings.TrimSpace(*in.Sector)
	}
	if in.USCC != nil {
		o.USCC = strings.ToUpper(strings.TrimSpace(*in.USCC))
		if o.USCC != "" && !cnid.ValidUSCC(o.USCC) {
			return errs.E(errs.Invalid, "uscc: %q is not a valid unified social credit code (18 characters, GB 32100 check digit)", o.USCC)
		}
	}
	if in.Disabled != nil {
		o.Disabled = *in.Disabled
	}
	if in.JurisdictionID != nil {
		j, err := getJurisdiction(ctx, q, *in.JurisdictionID)
		if err != nil {
			return errs.E(errs.Invalid, "jurisdiction_id: no jurisdiction %q", *in.JurisdictionID)
		}
		o.JurisdictionID, o.JurisdictionName, o.ParentJurisdictionID = j.ID, j.Name, j.ParentID
	}
	return nil
}

func orgConflict(err error, o Organization) error {
	if store.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "an organization named %q or with credit code %q exists already", o.Name, o.USCC)
	}
	return err
}

// checkRolesFit refuses a change of kind that would leave members holding
// roles the new kind does not allow.
func checkRolesFit(ctx context.Context, tx *store.Tx, o Organization) error {
	rows, err := tx.Query(ctx, `SELECT DISTINCT r.role FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.org_id = $1`, o.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return err
		}
		if !access.RoleFits(access.Role(r), o.Kind) {
			return errs.E(errs.Conflict, "kind: members hold the role %s, which a %s cannot have; change their roles first", r, o.Kind)
		}
	}
	return rows.Err()
}

// Org returns one organization if p may see it.
func (s *Service) Org(ctx context.Context, p access.Principal, id string) (Organization, error) {
	o, err := getOrg(ctx, s.db, id)
	if err != nil {
		return o, err
	}
	return o, access.Check(p, access.OrgRead, o.Resource())
}

// Orgs lists, by creation, the organizations p may see.
func (s *Service) Orgs(ctx context.Context, p access.Principal, page store.Page) ([]Organization, string, error) {
	var (
		where = ` WHERE o.id > $1`
		args  = []any{page.After}
	)
	switch access.Widest(p, access.OrgRead) {
	case access.Any:
	case access.Jurisdiction:
		ids, err := reach(ctx, s.db, p)
		if err != nil {
			return nil, "", err
		}
		where += ` AND o.jurisdiction_id IN (` + store.Placeholders(len(args)+1, len(ids)) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	case access.Org:
		where += ` AND o.id = $2`
		args = append(args, p.OrgID)
	default:
		return nil, "", access.Check(p, access.OrgRead, access.Resource{})
	}
	rows, err := s.db.Query(ctx, `SELECT `+orgColumns+orgFrom+where+fmt.Sprintf(` ORDER BY o.id LIMIT %d`, page.Limit+1), args...)
	if err != nil {
		return nil, "", fmt.Errorf("identity: list organizations: %w", err)
	}
	defer rows.Close()
	var out []Organization
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	out, next := store.Trim(out, page, func(o Organization) string { return o.ID })
	return out, next, nil
}
