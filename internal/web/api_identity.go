package web

import (
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/identity"
	"shuyu/internal/store"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type meResponse = identity.Me

type passwordChange struct {
	CurrentPassword string `json:"current_password"`
	Password        string `json:"password"`
}

type passwordSet struct {
	Password string `json:"password"`
}

type newUser struct {
	Username     string        `json:"username"`
	DisplayName  string        `json:"display_name"`
	Password     string        `json:"password"`
	Roles        []access.Role `json:"roles"`
	TrainingDate string        `json:"training_date"`
	NDADate      string        `json:"nda_date"`
}

type newAPIKey struct {
	Name string `json:"name"`
	// SubscriptionIDs scope the key to these approved subscriptions; none:
	// every approved subscription of the unit.
	SubscriptionIDs []string `json:"subscription_ids,omitempty"`
}

type createdAPIKey struct {
	identity.APIKey
	// Key is the secret, shown in this answer only.
	Key string `json:"key"`
}

type kindRoles struct {
	Kind  access.Kind   `json:"kind"`
	Roles []access.Role `json:"roles"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, _ access.Principal) (any, error) {
	var in loginRequest
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.Identity.Login(r.Context(), identity.Login{Username: in.Username, Password: in.Password, Kind: identity.APISession,
		Addr: clientAddr(r, s.TrustedProxies), UserAgent: r.UserAgent()})
}

func (s *Server) logout(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return nil, s.Identity.Logout(r.Context(), p)
}

func (s *Server) me(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Identity.Me(r.Context(), p)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in passwordChange
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return nil, s.Identity.ChangePassword(r.Context(), p, in.CurrentPassword, in.Password)
}

func (s *Server) listJurisdictions(_ http.ResponseWriter, r *http.Request, _ access.Principal) (any, error) {
	js, err := s.Identity.Jurisdictions(r.Context())
	return list(js, ""), err
}

func (s *Server) createJurisdiction(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in identity.Jurisdiction
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Identity.CreateJurisdiction(r.Context(), p, in)
}

func (s *Server) listRoles(http.ResponseWriter, *http.Request, access.Principal) (any, error) {
	out := make([]kindRoles, 0, len(access.Kinds))
	for _, k := range access.Kinds {
		out = append(out, kindRoles{Kind: k, Roles: access.RolesFor(k)})
	}
	return out, nil
}

func page(r *http.Request) (store.Page, error) {
	limit, err := queryInt(r, "limit", 0, 1, store.MaxPageSize)
	return store.NewPage(int(limit), r.URL.Query().Get("after")), err
}

func (s *Server) listOrgs(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	orgs, next, err := s.Identity.Orgs(r.Context(), p, pg)
	return list(orgs, next), err
}

func (s *Server) createOrg(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in identity.OrgInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Identity.CreateOrg(r.Context(), p, in)
}

func (s *Server) getOrg(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Identity.Org(r.Context(), p, r.PathValue("id"))
}

func (s *Server) updateOrg(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in identity.OrgInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Identity.UpdateOrg(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) listUsers(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	users, next, err := s.Identity.Users(r.Context(), p, r.PathValue("id"), pg)
	return list(users, next), err
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in newUser
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	org := r.PathValue("id")
	ui := identity.UserInput{OrgID: &org, Username: &in.Username, Password: &in.Password,
		TrainingDate: &in.TrainingDate, NDADate: &in.NDADate}
	if in.DisplayName != "" {
		ui.DisplayName = &in.DisplayName
	}
	if in.Roles != nil {
		ui.Roles = &in.Roles
	}
	return s.Identity.CreateUser(r.Context(), p, ui)
}

func (s *Server) getUser(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Identity.User(r.Context(), p, r.PathValue("id"))
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in identity.UserInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Identity.UpdateUser(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) setPassword(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in passwordSet
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return nil, s.Identity.SetPassword(r.Context(), p, r.PathValue("id"), in.Password)
}

func (s *Server) listAPIKeys(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	keys, next, err := s.Identity.APIKeys(r.Context(), p, r.URL.Query().Get("org_id"), pg)
	return list(keys, next), err
}

func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in newAPIKey
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	k, secret, err := s.Products.CreateKey(r.Context(), p, in.Name, in.SubscriptionIDs)
	if err != nil {
		return nil, err
	}
	w.Header().Set("Cache-Control", "no-store")
	return createdAPIKey{APIKey: k, Key: secret}, nil
}

func (s *Server) revokeAPIKey(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Identity.RevokeAPIKey(r.Context(), p, r.PathValue("id"))
}
