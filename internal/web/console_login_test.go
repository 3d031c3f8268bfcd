package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"shuyu/internal/app/apptest"
	"shuyu/internal/store"
	"shuyu/internal/web"
)

func sessionCookieOf(t *testing.T, a consoleAnswer) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: a.header}).Cookies() {
		if c.Name == "shuyu_session" {
			return c
		}
	}
	t.Fatalf("no shuyu_session cookie set; headers %v", a.header)
	return nil
}

func TestConsoleLoginCookie(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		b := newConsoleClient(t, env)
		a := b.post("/login", url.Values{"username": {"analyst"}, "password": {apptest.Password}, "next": {"/console/orgs"}})
		if a.status != http.StatusSeeOther || a.location() != "/console/orgs" {
			t.Fatalf("login: %d to %q, want 303 to /console/orgs", a.status, a.location())
		}
		c := sessionCookieOf(t, a)
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure || !strings.HasPrefix(c.Value, "sy_s_") {
			t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP", c)
		}
		if d := time.Until(c.Expires); d < 11*time.Hour || d > 13*time.Hour || c.MaxAge < 11*3600 {
			t.Errorf("session cookie expires in %s (Max-Age %d), want the session's 12 hours", d, c.MaxAge)
		}
		// The cookie is a console session, not an API token.
		if status, _ := env.Do(t, "GET", "/api/v1/me", c.Value, nil); status != http.StatusUnauthorized {
			t.Errorf("the console cookie works as an API token: %d", status)
		}
		wantPage(t, "dashboard", b.get("/console"), http.StatusOK, "刘洋（数据分析师）", "潍坊数智运营有限公司", "2026-03-02")
		// Signed in, the login page goes straight on.
		if a := b.get("/login?next=/console/account"); a.status != http.StatusSeeOther || a.location() != "/console/account" {
			t.Errorf("login page when signed in: %d to %q", a.status, a.location())
		}
	})
}

// TestConsoleSecureCookie serves the same shuyu through a server with
// SecureCookies set, as behind HTTPS.
func TestConsoleSecureCookie(t *testing.T) {
	env := apptest.New(t, store.SQLite)
	secure := web.New(web.Deps{Identity: env.App.Identity, Ledger: env.App.Ledger, Calendar: env.App.Calendar,
		SecureCookies: true, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := httptest.NewServer(secure)
	t.Cleanup(srv.Close)
	b := newConsoleClient(t, &apptest.Env{URL: srv.URL})
	a := b.post("/login", url.Values{"username": {"admin"}, "password": {apptest.Password}})
	if c := sessionCookieOf(t, a); !c.Secure || !c.HttpOnly {
		t.Errorf("with SecureCookies the session cookie is %+v", c)
	}
	a = b.get("/lang?to=en&back=/")
	for _, c := range (&http.Response{Header: a.header}).Cookies() {
		if c.Name == "lang" && !c.Secure {
			t.Error("the lang cookie is not Secure")
		}
	}
}

func TestConsoleLoginErrors(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		b := newConsoleClient(t, env)
		a := b.post("/login", url.Values{"username": {"bureau"}, "password": {"wrong-Password-1"}})
		// The form comes back with the name kept, the password not, and the message in Chinese.
		wantPage(t, "wrong password", a, http.StatusUnauthorized, "用户名或密码错误", `value="bureau"`)
		if strings.Contains(a.body, "wrong-Password-1") {
			t.Error("the password is sent back in the form")
		}
		for _, c := range (&http.Response{Header: a.header}).Cookies() {
			if c.Name == "shuyu_session" && c.Value != "" {
				t.Error("a failed login set a session cookie")
			}
		}
		wantPage(t, "empty form", b.post("/login", url.Values{"username": {"bureau"}}), http.StatusBadRequest, "请填写用户名和密码")

		b.do("GET", "/lang?to=en&back=/login", nil)
		wantPage(t, "wrong password in English", b.post("/login", url.Values{"username": {"bureau"}, "password": {"x"}}),
			http.StatusUnauthorized, "Wrong username or password.")
	})
}

// TestConsoleLoginThrottled locks an account with failed logins and sees the
// form say how long to wait.
func TestConsoleLoginThrottled(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		b := newConsoleClient(t, env)
		for range 5 {
			b.post("/login", url.Values{"username": {"provider-tax"}, "password": {"Not-The-Password-1"}})
		}
		a := b.post("/login", url.Values{"username": {"provider-tax"}, "password": {apptest.Password}})
		wantPage(t, "locked", a, http.StatusTooManyRequests, "登录失败次数过多", "请约 15 分钟后再试", `value="provider-tax"`)
		if a.header.Get("Retry-After") == "" {
			t.Error("no Retry-After header")
		}
	})
}

func TestConsoleRedirectsStrangers(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		b := newConsoleClient(t, env)
		for _, path := range []string{"/console", "/console/orgs?after=x", "/console/users/whoever", "/console/ledger"} {
			a := b.get(path)
			if want := "/login?next=" + url.QueryEscape(path); a.status != http.StatusSeeOther || a.location() != want {
				t.Errorf("GET %s: %d to %q, want 303 to %q", path, a.status, a.location(), want)
			}
		}
		a := b.post("/console/orgs/new", url.Values{"name": {"x"}})
		if a.status != http.StatusSeeOther || a.location() != "/login?next=%2Fconsole" {
			t.Errorf("POST while signed out: %d to %q", a.status, a.location())
		}
		// A stale cookie is dropped and leads to the login page too.
		u, _ := url.Parse(env.URL)
		b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "shuyu_session", Value: "sy_s_forged", Path: "/"}})
		if a := b.get("/console"); a.status != http.StatusSeeOther || !strings.Contains(a.header.Get("Set-Cookie"), "shuyu_session=;") {
			t.Errorf("forged session: %d, Set-Cookie %q", a.status, a.header.Get("Set-Cookie"))
		}
		// The login page carries next in its form.
		wantPage(t, "login form", b.get("/login?next=%2Fconsole%2Fledger"), http.StatusOK, `name="next" value="/console/ledger"`)
	})
}

// TestConsoleOpenRedirects tries to make next and back lead off the site.
func TestConsoleOpenRedirects(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		evil := []string{"//evil.com", "https://evil.com", "///evil.com/x", `/\evil.com`, "javascript:alert(1)", "http:evil.com", "/\t/evil.com", "evil.com"}
		for _, next := range evil {
			b := newConsoleClient(t, env)
			a := b.post("/login", url.Values{"username": {"regulator"}, "password": {apptest.Password}, "next": {next}})
			if a.status != http.StatusSeeOther || a.location() != "/console" {
				t.Errorf("login with next=%q: %d to %q, want /console", next, a.status, a.location())
			}
			if a := b.get("/login?next=" + url.QueryEscape(next)); a.location() != "/console" {
				t.Errorf("signed-in login page with next=%q leads to %q", next, a.location())
			}
			if a := b.get("/lang?to=en&back=" + url.QueryEscape(next)); a.status != http.StatusSeeOther || a.location() != "/" {
				t.Errorf("lang with back=%q: %d to %q, want /", next, a.status, a.location())
			}
		}
		b := newConsoleClient(t, env)
		a := b.get("/login?next=" + url.QueryEscape("//evil.com"))
		wantPage(t, "login form with a bad next", a, http.StatusOK, `name="next" value="/console"`)
		if strings.Contains(a.body, `value="//evil.com"`) {
			t.Error("the login form carries the foreign next")
		}
	})
}

func TestConsoleLogout(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		b := consoleLogin(t, env, "operator")
		u, _ := url.Parse(env.URL)
		var token string
		for _, c := range b.c.Jar.Cookies(u) {
			if c.Name == "shuyu_session" {
				token = c.Value
			}
		}
		a := b.submit("/console", "/logout", nil)
		if a.status != http.StatusSeeOther || a.location() != "/" {
			t.Fatalf("logout: %d to %q", a.status, a.location())
		}
		wantPage(t, "portal after sign-out", b.get("/"), http.StatusOK, "您已安全退出")
		// The session is over on the server, not only in this browser.
		b2 := newConsoleClient(t, env)
		b2.c.Jar.SetCookies(u, []*http.Cookie{{Name: "shuyu_session", Value: token, Path: "/"}})
		if a := b2.get("/console"); a.status != http.StatusSeeOther {
			t.Errorf("the old session still opens the console: %d", a.status)
		}
		// Logout needs the form token too.
		b3 := consoleLogin(t, env, "operator")
		if a := b3.post("/logout", url.Values{}); a.status != http.StatusForbidden {
			t.Errorf("logout without a token: %d", a.status)
		}
	})
}
