package identity

import (
	"context"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// Me describes the caller: the user (absent for an API key), the
// organization with its kind, the roles and the jurisdiction.
type Me struct {
	User         *User         `json:"user,omitempty"`
	APIKeyID     string        `json:"api_key_id,omitempty"`
	Organization Organization  `json:"organization"`
	Kind         access.Kind   `json:"kind"`
	Roles        []access.Role `json:"roles"`
	Jurisdiction Jurisdiction  `json:"jurisdiction"`
	// SandboxReady says whether the Art. 30 records allow sandbox work.
	SandboxReady bool `json:"sandbox_ready"`
}

// Me returns what the caller is.
func (s *Service) Me(ctx context.Context, p access.Principal) (Me, error) {
	if err := access.Check(p, access.SelfRead, access.Resource{UserID: p.UserID, OrgID: p.OrgID}); err != nil {
		return Me{}, err
	}
	o, err := getOrg(ctx, s.db, p.OrgID)
	if err != nil {
		return Me{}, err
	}
	j, err := getJurisdiction(ctx, s.db, o.JurisdictionID)
	if err != nil {
		return Me{}, err
	}
	me := Me{APIKeyID: p.APIKeyID, Organization: o, Kind: o.Kind, Roles: []access.Role{}, Jurisdiction: j}
	if p.APIKeyID == "" {
		u, err := getUser(ctx, s.db, p.UserID)
		if err != nil {
			return Me{}, err
		}
		me.User, me.Roles, me.SandboxReady = &u, u.Roles, u.SandboxReady()
	}
	return me, nil
}

// Reach lists the jurisdictions that p's jurisdiction scope covers: its own
// and, for a city, its counties.
func (s *Service) Reach(ctx context.Context, p access.Principal) ([]string, error) {
	return reach(ctx, s.db, p)
}

// Resource describes a resource owned by organization orgID and placed in
// jurisdiction jurisdictionID, for access checks by other packages.
func (s *Service) Resource(ctx context.Context, orgID, jurisdictionID string) (access.Resource, error) {
	r := access.Resource{OrgID: orgID, JurisdictionID: jurisdictionID}
	if orgID != "" {
		o, err := getOrg(ctx, s.db, orgID)
		if err != nil {
			return r, err
		}
		r.OrgKind = o.Kind
	}
	if jurisdictionID != "" {
		j, err := getJurisdiction(ctx, s.db, jurisdictionID)
		if err != nil {
			return r, err
		}
		r.ParentJurisdictionID = j.ParentID
	}
	return r, nil
}

// DemoPasswordsInUse counts active users who still have the password that
// shuyu demo seeded; serve refuses a public address while any do.
func (s *Service) DemoPasswordsInUse(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM users WHERE demo_password = $1 AND disabled = $2`, true, false).Scan(&n)
	return n, err
}

// UserByName returns the user with username if p may see them.
func (s *Service) UserByName(ctx context.Context, p access.Principal, username string) (User, error) {
	var id string
	err := s.db.QueryRow(ctx, `SELECT id FROM users WHERE username = $1`, username).Scan(&id)
	if store.IsNoRows(err) {
		return User{}, errs.E(errs.NotFound, "no user %q", username)
	}
	if err != nil {
		return User{}, err
	}
	return s.User(ctx, p, id)
}

// FindOrg returns the organization whose ID or exact name is ref, if p may
// see it; a name used in several jurisdictions is ambiguous.
func (s *Service) FindOrg(ctx context.Context, p access.Principal, ref string) (Organization, error) {
	rows, err := s.db.Query(ctx, `SELECT o.id FROM organizations o WHERE o.id = $1 OR o.name = $1`, ref)
	if err != nil {
		return Organization{}, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return Organization{}, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	switch len(ids) {
	case 0:
		return Organization{}, errs.E(errs.NotFound, "no organization with ID or name %q", ref)
	case 1:
		return s.Org(ctx, p, ids[0])
	}
	return Organization{}, errs.E(errs.Invalid, "%d organizations are named %q; give the ID", len(ids), ref)
}

// JurisdictionByCode returns the jurisdiction with a division code.
func (s *Service) JurisdictionByCode(ctx context.Context, code string) (Jurisdiction, error) {
	j, err := scanJurisdiction(s.db.QueryRow(ctx, `SELECT `+jurisdictionColumns+` FROM jurisdictions WHERE code = $1`, code))
	if store.IsNoRows(err) {
		return j, errs.E(errs.NotFound, "no jurisdiction with code %q", code)
	}
	return j, err
}
