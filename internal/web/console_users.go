package web

import (
	"net/http"
	"net/url"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
)

// userValues is a user form as typed. Passwords are never sent back.
type userValues struct {
	Username, DisplayName string
	Roles                 []access.Role
	TrainingDate, NDADate string
	Disabled              bool
}

func userValuesOf(u identity.User) userValues {
	return userValues{Username: u.Username, DisplayName: u.DisplayName, Roles: u.Roles,
		TrainingDate: u.TrainingDate, NDADate: u.NDADate, Disabled: u.Disabled}
}

func userValuesFrom(r *http.Request) userValues {
	roles := []access.Role{}
	for _, s := range r.PostForm["roles"] {
		roles = append(roles, access.Role(s))
	}
	return userValues{Username: formValue(r, "username"), DisplayName: formValue(r, "display_name"), Roles: roles,
		TrainingDate: formValue(r, "training_date"), NDADate: formValue(r, "nda_date"), Disabled: r.PostFormValue("disabled") != ""}
}

// newPassword reads a password typed twice; the console checks that both
// agree, the service checks its strength.
func newPassword(r *http.Request) (string, error) {
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("password2") {
		return "", &uiError{code: errs.Invalid, key: "error.password_mismatch", field: "password2"}
	}
	return pw, nil
}

// userNewPage is the form that adds a user to Org, offering the roles its
// kind may hold.
type userNewPage struct {
	Org    identity.Organization
	Roles  []access.Role
	Values userValues
}

func (c *console) userNewForm(w http.ResponseWriter, r *http.Request, v *view) {
	c.userNew(w, r, v, userValues{}, nil)
}

func (c *console) userNewSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	in := userValuesFrom(r)
	pw, err := newPassword(r)
	if err == nil {
		orgID := r.PathValue("id")
		ui := identity.UserInput{OrgID: &orgID, Username: &in.Username, Password: &pw, Roles: &in.Roles,
			TrainingDate: &in.TrainingDate, NDADate: &in.NDADate}
		if in.DisplayName != "" {
			ui.DisplayName = &in.DisplayName
		}
		var u identity.User
		if u, err = c.Identity.CreateUser(r.Context(), *v.User, ui); err == nil {
			c.seeOther(w, r, "/console/users/"+url.PathEscape(u.ID), "flash.user_created", u.Username)
			return
		}
	}
	c.userNew(w, r, v, in, err)
}

func (c *console) userNew(w http.ResponseWriter, r *http.Request, v *view, in userValues, err error) {
	v.Title = "title.user_new"
	o, oerr := c.Identity.Org(r.Context(), *v.User, r.PathValue("id"))
	if oerr == nil {
		oerr = access.Check(*v.User, access.UserCreate, o.Resource())
	}
	if oerr != nil {
		c.fail(w, r, v, oerr, "error", nil)
		return
	}
	page := userNewPage{Org: o, Roles: access.RolesFor(o.Kind), Values: in}
	if err != nil {
		c.fail(w, r, v, err, "user_new", page)
		return
	}
	c.render(w, r, v, http.StatusOK, "user_new", page)
}

// userPage is one user: details, the edit form and the password reset, each
// shown when the policy allows it.
type userPage struct {
	User     identity.User
	Org      identity.Organization
	Values   userValues
	Roles    []access.Role // the roles the organization's kind allows
	CanEdit  bool
	CanReset bool
}

func (c *console) loadUserPage(r *http.Request, p access.Principal) (userPage, error) {
	u, err := c.Identity.User(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return userPage{}, err
	}
	o, err := c.Identity.Org(r.Context(), p, u.OrgID)
	if err != nil {
		return userPage{}, err
	}
	res := o.Resource()
	res.UserID = u.ID
	return userPage{User: u, Org: o, Values: userValuesOf(u), Roles: access.RolesFor(o.Kind),
		CanEdit:  access.Check(p, access.UserUpdate, res) == nil,
		CanReset: access.Check(p, access.UserSetPassword, res) == nil}, nil
}

func (c *console) userShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.user"
	page, err := c.loadUserPage(r, *v.User)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "user", page)
}

func (c *console) userUpdate(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.user"
	in := userValuesFrom(r)
	u, err := c.Identity.UpdateUser(r.Context(), *v.User, r.PathValue("id"), identity.UserInput{DisplayName: &in.DisplayName,
		Roles: &in.Roles, TrainingDate: &in.TrainingDate, NDADate: &in.NDADate, Disabled: &in.Disabled})
	if err == nil {
		c.seeOther(w, r, "/console/users/"+url.PathEscape(u.ID), "flash.user_saved", u.Username)
		return
	}
	c.userFailed(w, r, v, err, &in)
}

func (c *console) userSetPassword(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.user"
	pw, err := newPassword(r)
	if err == nil {
		if err = c.Identity.SetPassword(r.Context(), *v.User, r.PathValue("id"), pw); err == nil {
			c.seeOther(w, r, "/console/users/"+url.PathEscape(r.PathValue("id")), "flash.password_reset")
			return
		}
	}
	c.userFailed(w, r, v, err, nil)
}

// userFailed shows the user page again with err, keeping the edit form as
// typed when typed is not nil.
func (c *console) userFailed(w http.ResponseWriter, r *http.Request, v *view, err error, typed *userValues) {
	page, perr := c.loadUserPage(r, *v.User)
	if perr != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	if typed != nil {
		typed.Username = page.User.Username
		page.Values = *typed
	}
	c.fail(w, r, v, err, "user", page)
}
