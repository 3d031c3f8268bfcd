package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
)

const (
	sessionCookie = "shuyu_session"
	flashCookie   = "shuyu_flash"
	// maxFormBody bounds every console form; none needs more.
	maxFormBody = 64 << 10
)

// consoleHandler serves a page to a signed-in user.
type consoleHandler func(w http.ResponseWriter, r *http.Request, v *view)

// signedIn wraps a console page: it finds the session, sends strangers to the
// login page, checks the CSRF token of every POST, and refuses early a user
// whose roles cannot take action on anything (the service then checks the
// particular resource). action "" admits every signed-in user.
func (c *console) signedIn(action access.Action, h consoleHandler) http.HandlerFunc {
	return c.guard(action, h, false)
}

// signedInUpload is signedIn for a form that sends a file
// (multipart/form-data). The body is not parsed into memory: the CSRF token
// must come as the form's first part, and the handler reads the rest from
// v.parts as a stream. The body limit is the largest upload, not maxFormBody.
func (c *console) signedInUpload(action access.Action, h consoleHandler) http.HandlerFunc {
	return c.guard(action, h, true)
}

func (c *console) guard(action access.Action, h consoleHandler, upload bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// Console pages show what only this user may see: no cache may keep them.
		w.Header().Set("Cache-Control", "no-store")
		v := c.newView(w, r)
		p, token, err := c.session(r)
		if err != nil {
			if !errs.Is(err, errs.Unauthenticated) {
				c.fail(w, r, v, err, "error", nil)
				return
			}
			clearCookie(w, sessionCookie, c.SecureCookies)
			next := r.URL.RequestURI()
			if r.Method != http.MethodGet {
				next = "/console" // the form's content is lost anyway; do not replay it as a GET
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		setPrincipal(r, p)
		v.User, v.CSRF, v.Nav = &p, csrfToken(token), navFor(p, r.URL.Path)
		if r.Method == http.MethodPost {
			var got string
			if upload {
				r.Body = http.MaxBytesReader(w, r.Body, c.Ingest.MaxUploadBytes()+1<<20)
				mr, err := r.MultipartReader()
				if err != nil {
					c.fail(w, r, v, errBadForm, "error", nil)
					return
				}
				got, v.parts = firstPart(mr, "csrf"), mr
			} else {
				r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
				if err := r.ParseForm(); err != nil {
					c.fail(w, r, v, errBadForm, "error", nil)
					return
				}
				got = r.PostForm.Get("csrf")
			}
			if !validCSRF(token, got) {
				c.fail(w, r, v, errBadCSRF, "error", nil)
				return
			}
		}
		if action != "" && !access.Permits(p, action) {
			c.fail(w, r, v, access.Check(p, action, access.Resource{}), "error", nil)
			return
		}
		h(w, r, v)
	}
}

// session authenticates the request's session cookie; it returns the
// principal and the cookie's token, which the CSRF token is derived from.
func (c *console) session(r *http.Request) (access.Principal, string, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return access.Principal{}, "", errs.E(errs.Unauthenticated, "not signed in")
	}
	p, err := c.Identity.Authenticate(r.Context(), ck.Value, identity.ConsoleSession, clientAddr(r, c.TrustedProxies))
	return p, ck.Value, err
}

// newView starts the view of any page: language, address and the flash
// message left by the previous request, which is shown once.
func (c *console) newView(w http.ResponseWriter, r *http.Request) *view {
	v := &view{Lang: langOf(r), Path: r.URL.RequestURI()}
	if r.Method != http.MethodGet {
		v.Path = r.URL.Path
	}
	if ck, err := r.Cookie(flashCookie); err == nil {
		clearCookie(w, flashCookie, c.SecureCookies)
		v.Flash = readFlash(v.Lang, ck.Value)
	}
	return v
}

// csrfToken derives the form token from the session token: only a holder of
// the session cookie can compute it, and it needs no storage. The label keeps
// the MAC apart from any other use of the same key.
func csrfToken(sessionToken string) string {
	m := hmac.New(sha256.New, []byte(sessionToken))
	m.Write([]byte("shuyu console csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validCSRF compares in constant time, so the comparison leaks nothing.
func validCSRF(sessionToken, got string) bool {
	if sessionToken == "" || got == "" {
		return false
	}
	return hmac.Equal([]byte(csrfToken(sessionToken)), []byte(got))
}

func setSessionCookie(w http.ResponseWriter, secure bool, sess identity.Session) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: sess.Token, Path: "/",
		Expires: sess.ExpiresAt, MaxAge: max(1, int(time.Until(sess.ExpiresAt).Seconds())),
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	})
}

func clearCookie(w http.ResponseWriter, name string, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// setFlash leaves a message for the next page: a catalog key and optional
// arguments (such as a name), never HTML.
func setFlash(w http.ResponseWriter, secure bool, key string, args ...string) {
	v := url.Values{"k": {key}, "a": args}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(v.Encode())),
		Path: "/", MaxAge: 60, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// readFlash translates a flash cookie; anything that is not a known flash
// key is dropped, so a planted cookie cannot put arbitrary text on a page.
func readFlash(lang, raw string) string {
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return ""
	}
	v, err := url.ParseQuery(string(b))
	if err != nil {
		return ""
	}
	key := v.Get("k")
	if !strings.HasPrefix(key, "flash.") || !hasKey(key) {
		return ""
	}
	args := make([]any, 0, len(v["a"]))
	for _, a := range v["a"] {
		args = append(args, a)
	}
	return translate(lang, key, args...)
}

// localPath returns s when it is a path on this site, and otherwise def. It
// guards every redirect target that comes from a request (next, back) against
// open redirects: "//host", "/\host", schemes and control characters all fail.
func localPath(s, def string) string {
	if s == "" || s[0] != '/' || strings.HasPrefix(s, "//") || len(s) > 2000 {
		return def
	}
	for _, r := range s {
		if r == '\\' || r < 0x20 || r == 0x7f {
			return def
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return def
	}
	return s
}

// firstPart returns the value of a multipart body's first part when it is
// the field name (at most 256 bytes), and "" otherwise.
func firstPart(mr *multipart.Reader, name string) string {
	part, err := mr.NextPart()
	if err != nil || part.FormName() != name || part.FileName() != "" {
		return ""
	}
	b, err := io.ReadAll(io.LimitReader(part, 257))
	if err != nil || len(b) > 256 {
		return ""
	}
	return strings.TrimSpace(string(b))
}
