package access

import (
	"slices"

	"shuyu/internal/ledger"
)

// Level is where a jurisdiction sits: a city covers its counties.
type Level string

const (
	LevelCity   Level = "city"
	LevelCounty Level = "county"
)

// Principal is who is asking: a user signed in to their organization, or an
// application unit's API key. The zero Principal is the anonymous public.
type Principal struct {
	UserID      string
	Username    string
	DisplayName string
	// APIKeyID is set when the caller authenticated with an API key; such a
	// principal acts for its organization and holds only RoleAPIKey.
	APIKeyID          string
	OrgID             string
	OrgName           string
	OrgKind           Kind
	JurisdictionID    string
	JurisdictionLevel Level
	Roles             []Role
	// SessionID is the console session or API token the caller presented.
	SessionID string
	// Addr is the network address the request came from, for the ledger.
	Addr string
}

// System is the principal of the command line and of background jobs: the
// platform acting on its own, with the administrator's reach.
func System(name string) Principal {
	return Principal{UserID: "system", Username: name, DisplayName: name, OrgKind: KindPlatform, Roles: []Role{RoleAdmin}}
}

// Actor describes p for a ledger entry.
func (p Principal) Actor() ledger.Actor {
	name := p.Username
	if p.APIKeyID != "" {
		name = "api-key:" + p.APIKeyID
	}
	return ledger.Actor{UserID: p.UserID, Name: name, OrgID: p.OrgID, JurisdictionID: p.JurisdictionID, IP: p.Addr}
}

// Name is what people see p as in histories and records: the display name,
// else the username.
func (p Principal) Name() string {
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.Username
}

// Pseudo-roles that principals hold implicitly; they are never stored.
const (
	// RoleMember is held by every signed-in user.
	RoleMember Role = "member"
	// RoleAPIKey is held by a caller that presented an application unit's API key.
	RoleAPIKey Role = "api_key"
)

// Anonymous reports whether p is the unauthenticated public.
func (p Principal) Anonymous() bool { return p.UserID == "" && p.APIKeyID == "" }

// Has reports whether p holds role r, counting the implicit pseudo-roles.
func (p Principal) Has(r Role) bool {
	switch r {
	case RoleMember:
		return p.UserID != "" && p.APIKeyID == ""
	case RoleAPIKey:
		return p.APIKeyID != ""
	}
	return slices.Contains(p.Roles, r)
}

// Resource describes what an action touches, as far as authorization cares:
// whose it is and where. Callers fill what applies; an empty Resource stands
// for "any resource of this kind" and matches only the Any scope.
type Resource struct {
	OrgID   string
	OrgKind Kind
	// JurisdictionID is the resource's jurisdiction; ParentJurisdictionID is
	// the city of a county, so a city principal covers county resources.
	JurisdictionID       string
	ParentJurisdictionID string
	UserID               string
}

// covers reports whether scope s of principal p reaches resource r.
func (s Scope) covers(p Principal, r Resource) bool {
	switch s {
	case Any:
		return true
	case Jurisdiction:
		if r.JurisdictionID == "" || p.JurisdictionID == "" {
			return false
		}
		return r.JurisdictionID == p.JurisdictionID ||
			(p.JurisdictionLevel == LevelCity && r.ParentJurisdictionID == p.JurisdictionID)
	case Org:
		return r.OrgID != "" && r.OrgID == p.OrgID
	case Self:
		return r.UserID != "" && r.UserID == p.UserID
	}
	return false
}
