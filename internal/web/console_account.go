package web

import "net/http"

// The account page changes the signed-in user's own password. The service
// checks the current one and ends the user's other sessions; this one stays.

func (c *console) accountForm(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.account"
	c.render(w, r, v, http.StatusOK, "account", nil)
}

func (c *console) accountSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.account"
	pw, err := newPassword(r)
	if err == nil {
		if err = c.Identity.ChangePassword(r.Context(), *v.User, r.PostFormValue("current_password"), pw); err == nil {
			c.seeOther(w, r, "/console/account", "flash.password_changed")
			return
		}
	}
	c.fail(w, r, v, err, "account", nil)
}
