package web

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/errs"
)

// view is what every page template receives: who is looking, in which
// language, the navigation they may use, and the page's own Data.
type view struct {
	Lang  string
	Title string // catalog key of the page title
	// Path is this page's address, for the language switch to come back to.
	Path string
	// User is the signed-in principal; nil on public pages.
	User  *access.Principal
	CSRF  string
	Nav   []navLink
	Flash string
	Err   *formError
	Data  any
	// parts is the rest of a multipart form after its CSRF token, for a
	// page that takes an upload (signedInUpload).
	parts *multipart.Reader
}

// formError is a failure shown on the page: a headline in the reader's
// language, the detail, and the form field it concerns, if any.
type formError struct {
	Status  int
	Title   string
	Message string
	Field   string
}

// ErrFor returns the error message for a form field, or "".
func (v *view) ErrFor(field string) string {
	if v.Err == nil || v.Err.Field != field {
		return ""
	}
	return v.Err.Message
}

// ErrIn is ErrFor for a list field: the message for the field or for any
// of its elements (api.outputs[1]), which one form input holds.
func (v *view) ErrIn(field string) string {
	if v.Err == nil || (v.Err.Field != field && !strings.HasPrefix(v.Err.Field, field+"[")) {
		return ""
	}
	return v.Err.Message
}

// T translates key in the page's language; templates use the t function,
// handlers this.
func (v *view) T(key string, args ...any) string { return translate(v.Lang, key, args...) }

// uiError is a failure the console itself detects; its message is a catalog
// key so that it is shown in the reader's language.
type uiError struct {
	code  errs.Code
	key   string
	args  []any
	field string
}

func (e *uiError) Error() string { return string(e.code) + ": " + e.key }

var (
	errNoPage      = &uiError{code: errs.NotFound, key: "error.no_page"}
	errCrossOrigin = &uiError{code: errs.Forbidden, key: "error.cross_origin"}
	errBadCSRF     = &uiError{code: errs.Forbidden, key: "error.csrf"}
	errBadForm     = &uiError{code: errs.Invalid, key: "error.bad_form"}
)

// fieldPrefix recognises the "field: problem" form of service messages, so
// the page can put the message beside the input it concerns.
// Lists of inputs are named by position: "fields[2].name: …"; parts of a
// structured input by path: "decision.date: …", "terms.products[0].name: …".
var fieldPrefix = regexp.MustCompile(`^([a-z_]+(?:\.[a-z_]+)*(?:\[[0-9]+\](?:\.[a-z_]+)?)?): `)

// errorFrom turns err into what the page shows. Internal errors show a
// generic message; their detail goes to the log.
func (c *console) errorFrom(r *http.Request, lang string, err error) *formError {
	if ue, ok := errors.AsType[*uiError](err); ok {
		return &formError{Status: statusOf[ue.code], Title: translate(lang, "error."+string(ue.code)),
			Message: translate(lang, ue.key, ue.args...), Field: ue.field}
	}
	code, msg, _ := errs.Public(err)
	if code == errs.Internal {
		c.Log.ErrorContext(r.Context(), "console request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = translate(lang, "error.internal_detail")
	}
	fe := &formError{Status: statusOf[code], Title: translate(lang, "error."+string(code)), Message: msg}
	if m := fieldPrefix.FindStringSubmatch(msg); m != nil {
		fe.Field = m[1]
	}
	return fe
}

// fail renders page with err shown and the status err's code maps to; data
// holds what the user typed, so that a form comes back filled in.
func (c *console) fail(w http.ResponseWriter, r *http.Request, v *view, err error, page string, data any) {
	v.Err = c.errorFrom(r, v.Lang, err)
	if page == "error" && v.Title == "" {
		v.Title = "title.error"
	}
	c.render(w, r, v, v.Err.Status, page, data)
}

// render executes a page into a buffer first, so that a template failure
// becomes a clean 500 instead of half a page.
func (c *console) render(w http.ResponseWriter, r *http.Request, v *view, status int, page string, data any) {
	v.Data = data
	t := c.pages[v.Lang][page]
	if t == nil {
		t = c.pages[defaultLang][page]
	}
	var buf bytes.Buffer
	if t == nil {
		c.Log.ErrorContext(r.Context(), "console: no such template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		c.Log.ErrorContext(r.Context(), "console: render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// seeOther ends a successful POST: the flash message is shown once by the
// page redirected to (POST-redirect-GET).
func (c *console) seeOther(w http.ResponseWriter, r *http.Request, to, flashKey string, args ...string) {
	setFlash(w, c.SecureCookies, flashKey, args...)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// formValue returns a trimmed form field.
func formValue(r *http.Request, name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
