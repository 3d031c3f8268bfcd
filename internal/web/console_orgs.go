package web

import (
	"context"
	"net/http"
	"net/url"

	"shuyu/internal/access"
	"shuyu/internal/identity"
	"shuyu/internal/store"
)

// orgValues is an organization form as typed, so that it comes back filled
// in after an error.
type orgValues struct {
	Name, NameEN, Sector, USCC string
	Kind                       access.Kind
	JurisdictionID             string
	Disabled                   bool
}

func orgValuesOf(o identity.Organization) orgValues {
	return orgValues{Name: o.Name, NameEN: o.NameEN, Sector: o.Sector, USCC: o.USCC, Kind: o.Kind,
		JurisdictionID: o.JurisdictionID, Disabled: o.Disabled}
}

func orgValuesFrom(r *http.Request) orgValues {
	return orgValues{Name: formValue(r, "name"), NameEN: formValue(r, "name_en"), Sector: formValue(r, "sector"),
		USCC: formValue(r, "uscc"), Kind: access.Kind(formValue(r, "kind")), JurisdictionID: formValue(r, "jurisdiction_id"),
		Disabled: r.PostFormValue("disabled") != ""}
}

type orgListPage struct {
	Orgs      []identity.Organization
	Next      string
	Paged     bool // not the first page
	CanCreate bool
}

func (c *console) orgList(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.orgs"
	after := r.URL.Query().Get("after")
	orgs, next, err := c.Identity.Orgs(r.Context(), *v.User, store.NewPage(0, after))
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "orgs", orgListPage{Orgs: orgs, Next: next, Paged: after != "",
		CanCreate: access.Permits(*v.User, access.OrgCreate)})
}

// orgNewPage is the creation form with the choices the user's roles allow.
type orgNewPage struct {
	Values        orgValues
	Kinds         []access.Kind
	Jurisdictions []identity.Jurisdiction
}

// creatable lists the kinds and jurisdictions p may register organizations
// of and in, asking the policy about each pair; the form offers only those.
func (c *console) creatable(ctx context.Context, p access.Principal) ([]access.Kind, []identity.Jurisdiction, error) {
	js, err := c.Identity.Jurisdictions(ctx)
	if err != nil {
		return nil, nil, err
	}
	var (
		kinds []access.Kind
		where []identity.Jurisdiction
		kOK   = map[access.Kind]bool{}
	)
	for _, j := range js {
		jOK := false
		for _, k := range access.Kinds {
			if access.Check(p, access.OrgCreate, access.Resource{OrgKind: k, JurisdictionID: j.ID, ParentJurisdictionID: j.ParentID}) == nil {
				jOK, kOK[k] = true, true
			}
		}
		if jOK {
			where = append(where, j)
		}
	}
	for _, k := range access.Kinds {
		if kOK[k] {
			kinds = append(kinds, k)
		}
	}
	return kinds, where, nil
}

func (c *console) orgNewForm(w http.ResponseWriter, r *http.Request, v *view) {
	c.orgNew(w, r, v, orgValues{}, nil)
}

func (c *console) orgNewSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	in := orgValuesFrom(r)
	o, err := c.Identity.CreateOrg(r.Context(), *v.User, identity.OrgInput{Name: &in.Name, NameEN: &in.NameEN,
		Kind: &in.Kind, Sector: &in.Sector, USCC: &in.USCC, JurisdictionID: &in.JurisdictionID})
	if err != nil {
		c.orgNew(w, r, v, in, err)
		return
	}
	c.seeOther(w, r, "/console/orgs/"+url.PathEscape(o.ID), "flash.org_created", o.Name)
}

// orgNew renders the creation form, with err shown when it is not nil.
func (c *console) orgNew(w http.ResponseWriter, r *http.Request, v *view, in orgValues, err error) {
	v.Title = "title.org_new"
	kinds, js, jerr := c.creatable(r.Context(), *v.User)
	if jerr != nil {
		c.fail(w, r, v, jerr, "error", nil)
		return
	}
	page := orgNewPage{Values: in, Kinds: kinds, Jurisdictions: js}
	if err != nil {
		c.fail(w, r, v, err, "org_new", page)
		return
	}
	c.render(w, r, v, http.StatusOK, "org_new", page)
}

// orgPage is one organization: its details, the edit form and its users,
// each part shown only when the policy lets the user have it.
type orgPage struct {
	Org        identity.Organization
	Values     orgValues
	CanEdit    bool
	CanUsers   bool
	Users      []identity.User
	NextUsers  string
	CanAddUser bool
	CanKeys    bool
}

func (c *console) loadOrgPage(r *http.Request, p access.Principal) (orgPage, error) {
	o, err := c.Identity.Org(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return orgPage{}, err
	}
	res := o.Resource()
	page := orgPage{Org: o, Values: orgValuesOf(o),
		CanEdit:    access.Check(p, access.OrgUpdate, res) == nil,
		CanUsers:   access.Check(p, access.UserRead, res) == nil,
		CanAddUser: access.Check(p, access.UserCreate, res) == nil,
		CanKeys:    o.Kind == access.KindAppUnit && access.Check(p, access.APIKeyRead, res) == nil,
	}
	if page.CanUsers {
		page.Users, page.NextUsers, err = c.Identity.Users(r.Context(), p, o.ID, store.NewPage(0, r.URL.Query().Get("after")))
	}
	return page, err
}

func (c *console) orgShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.org"
	page, err := c.loadOrgPage(r, *v.User)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "org", page)
}

// orgUpdate saves the edit form. Kind and jurisdiction are not changed from
// the console: moving an organization is rare and the API offers it.
func (c *console) orgUpdate(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.org"
	in := orgValuesFrom(r)
	o, err := c.Identity.UpdateOrg(r.Context(), *v.User, r.PathValue("id"), identity.OrgInput{Name: &in.Name, NameEN: &in.NameEN,
		Sector: &in.Sector, USCC: &in.USCC, Disabled: &in.Disabled})
	if err == nil {
		c.seeOther(w, r, "/console/orgs/"+url.PathEscape(o.ID), "flash.org_saved", o.Name)
		return
	}
	page, perr := c.loadOrgPage(r, *v.User)
	if perr != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	in.Kind, in.JurisdictionID = page.Org.Kind, page.Org.JurisdictionID
	page.Values = in
	c.fail(w, r, v, err, "org", page)
}
