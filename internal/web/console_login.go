package web

import (
	"net/http"
	"strconv"

	"shuyu/internal/errs"
	"shuyu/internal/identity"
)

// loginPage is what the sign-in form shows. The password is never sent back.
type loginPage struct {
	Username string
	Next     string
}

// loginForm shows the sign-in form; a visitor who is signed in already goes
// straight on.
func (c *console) loginForm(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"), "/console")
	if _, _, err := c.session(r); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	v := c.newView(w, r)
	v.Title = "title.login"
	w.Header().Set("Cache-Control", "no-store")
	c.render(w, r, v, http.StatusOK, "login", loginPage{Next: next})
}

// loginSubmit signs in with identity.ConsoleSession. The form has no CSRF
// token (there is no session yet); http.CrossOriginProtection refuses a
// cross-site POST, which is what login CSRF needs.
func (c *console) loginSubmit(w http.ResponseWriter, r *http.Request) {
	v := c.newView(w, r)
	v.Title = "title.login"
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, v, errBadForm, "login", loginPage{Next: "/console"})
		return
	}
	page := loginPage{Username: formValue(r, "username"), Next: localPath(r.PostFormValue("next"), "/console")}
	sess, err := c.Identity.Login(r.Context(), identity.Login{Username: page.Username, Password: r.PostFormValue("password"),
		Kind: identity.ConsoleSession, Addr: clientAddr(r, c.TrustedProxies), UserAgent: r.UserAgent()})
	if err != nil {
		if secs := errs.RetryAfter(err); secs > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(secs))
		}
		c.fail(w, r, v, loginError(err), "login", page)
		return
	}
	setSessionCookie(w, c.SecureCookies, sess)
	http.Redirect(w, r, page.Next, http.StatusSeeOther)
}

// loginError words the usual refusals in the reader's language: a wrong
// password, a lock with the time left, missing fields. Anything else (a
// disabled account) keeps the service's message.
func loginError(err error) error {
	switch {
	case identity.IsBadLogin(err):
		return &uiError{code: errs.Unauthenticated, key: "login.error.bad"}
	case errs.Is(err, errs.Invalid):
		return &uiError{code: errs.Invalid, key: "login.error.required"}
	case errs.Is(err, errs.RateLimited):
		return &uiError{code: errs.RateLimited, key: "login.error.throttled", args: []any{max(1, (errs.RetryAfter(err)+30)/60)}}
	}
	return err
}

// retryAfter is the wait in seconds that a lock error carries, or 0.

// logout ends the session and returns to the portal.
func (c *console) logout(w http.ResponseWriter, r *http.Request, v *view) {
	if err := c.Identity.Logout(r.Context(), *v.User); err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	clearCookie(w, sessionCookie, c.SecureCookies)
	c.seeOther(w, r, "/", "flash.signed_out")
}
