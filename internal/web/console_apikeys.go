package web

import (
	"net/http"
	"net/url"

	"shuyu/internal/access"
	"shuyu/internal/identity"
	"shuyu/internal/store"
)

// API keys are an application unit's credentials for product calls. Its
// developers list, create and revoke them here; an administrator may look at
// (and revoke) another unit's keys with ?org=ID from that unit's page.

type apiKeysPage struct {
	Org       identity.Organization
	Keys      []identity.APIKey
	Next      string
	CanCreate bool
	CanRevoke bool
	Name      string // the create form as typed
	// Secret is the key just created: shown on this answer only.
	Secret  string
	Created *identity.APIKey
}

func (c *console) loadAPIKeys(r *http.Request, p access.Principal, orgID string) (apiKeysPage, error) {
	if orgID == "" {
		orgID = p.OrgID
	}
	o, err := c.Identity.Org(r.Context(), p, orgID)
	if err != nil {
		return apiKeysPage{}, err
	}
	keys, next, err := c.Identity.APIKeys(r.Context(), p, o.ID, store.NewPage(0, r.URL.Query().Get("after")))
	if err != nil {
		return apiKeysPage{}, err
	}
	res := o.Resource()
	return apiKeysPage{Org: o, Keys: keys, Next: next,
		CanCreate: o.ID == p.OrgID && access.Check(p, access.APIKeyCreate, res) == nil,
		CanRevoke: access.Check(p, access.APIKeyRevoke, res) == nil}, nil
}

func (c *console) apiKeyList(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.api_keys"
	page, err := c.loadAPIKeys(r, *v.User, r.URL.Query().Get("org"))
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "api_keys", page)
}

// apiKeyCreate answers with the page itself rather than a redirect: the
// secret exists only in this answer, which no cache may keep.
func (c *console) apiKeyCreate(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.api_keys"
	name := formValue(r, "name")
	k, secret, err := c.Products.CreateKey(r.Context(), *v.User, name, nil)
	page, perr := c.loadAPIKeys(r, *v.User, "")
	if perr != nil {
		c.fail(w, r, v, perr, "error", nil)
		return
	}
	if err != nil {
		page.Name = name
		c.fail(w, r, v, err, "api_keys", page)
		return
	}
	page.Secret, page.Created = secret, &k
	c.render(w, r, v, http.StatusCreated, "api_keys", page)
}

func (c *console) apiKeyRevoke(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.api_keys"
	k, err := c.Identity.RevokeAPIKey(r.Context(), *v.User, r.PathValue("id"))
	back := "/console/api-keys"
	if org := formValue(r, "org"); org != "" {
		back += "?org=" + url.QueryEscape(org)
	}
	if err != nil {
		page, perr := c.loadAPIKeys(r, *v.User, formValue(r, "org"))
		if perr != nil {
			c.fail(w, r, v, err, "error", nil)
			return
		}
		c.fail(w, r, v, err, "api_keys", page)
		return
	}
	c.seeOther(w, r, back, "flash.key_revoked", k.Name)
}
