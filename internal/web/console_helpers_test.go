package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"shuyu/internal/app/apptest"
	"shuyu/internal/store/storetest"
)

// consoleEnvs runs fn against a fresh demo shuyu on every engine available
// to this run: SQLite always, PostgreSQL when SHUYU_TEST_POSTGRES is set.
func consoleEnvs(t *testing.T, fn func(t *testing.T, env *apptest.Env)) {
	t.Helper()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, apptest.New(t, d))
		})
	}
}

// browser is a cookie-keeping HTTP client that does not follow redirects,
// so tests see each 303 and where it points.
type consoleClient struct {
	t    testing.TB
	base string
	c    *http.Client
	// header is added to every request (e.g. Sec-Fetch-Site).
	header http.Header
}

func newConsoleClient(t testing.TB, env *apptest.Env) *consoleClient {
	jar, _ := cookiejar.New(nil)
	return &consoleClient{t: t, base: env.URL, header: http.Header{},
		c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// consoleAnswer is what a request got back.
type consoleAnswer struct {
	status int
	body   string
	header http.Header
}

func (a consoleAnswer) location() string { return a.header.Get("Location") }

func (b *consoleClient) do(method, path string, form url.Values) consoleAnswer {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return consoleAnswer{status: resp.StatusCode, body: string(raw), header: resp.Header}
}

func (b *consoleClient) get(path string) consoleAnswer { b.t.Helper(); return b.do("GET", path, nil) }

func (b *consoleClient) post(path string, form url.Values) consoleAnswer {
	b.t.Helper()
	return b.do("POST", path, form)
}

var consoleCSRFField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// token reads the CSRF token from a page the user can open.
func (b *consoleClient) token(path string) string {
	b.t.Helper()
	a := b.get(path)
	m := consoleCSRFField.FindStringSubmatch(a.body)
	if m == nil {
		b.t.Fatalf("GET %s (%d): no CSRF token on the page", path, a.status)
	}
	return m[1]
}

// submit posts form to path with the CSRF token taken from page.
func (b *consoleClient) submit(page, path string, form url.Values) consoleAnswer {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", b.token(page))
	return b.post(path, form)
}

// login signs in through the form and fails the test unless it worked.
func (b *consoleClient) login(username string) {
	b.t.Helper()
	a := b.post("/login", url.Values{"username": {username}, "password": {apptest.Password}})
	if a.status != http.StatusSeeOther {
		b.t.Fatalf("login %s: status %d\n%s", username, a.status, a.body)
	}
}

func consoleLogin(t testing.TB, env *apptest.Env, username string) *consoleClient {
	t.Helper()
	b := newConsoleClient(t, env)
	b.login(username)
	return b
}

// expect fails unless a has the status and every wanted fragment, and never
// a missing catalog key.
func wantPage(t testing.TB, what string, a consoleAnswer, status int, want ...string) {
	t.Helper()
	if a.status != status {
		t.Errorf("%s: status %d, want %d\n%.2000s", what, a.status, status, a.body)
		return
	}
	for _, w := range want {
		if !strings.Contains(a.body, w) {
			t.Errorf("%s: consoleAnswer lacks %q\n%.3000s", what, w, a.body)
		}
	}
	if strings.Contains(a.body, "⟦") {
		t.Errorf("%s: a catalog key is missing: %s", what, regexp.MustCompile(`⟦[^⟧]*⟧`).FindString(a.body))
	}
}

// forgedPost is a state-changing console form: who posts it, where, with
// what (the token aside).
type forgedPost struct {
	c    *consoleClient
	path string
	form url.Values
}

// refuseForged posts each form without a token, with a wrong one, with
// another session's (foreign), and cross-site with a good one: each must
// be refused, and the ledger, which records every change, must not grow.
func refuseForged(t *testing.T, env *apptest.Env, foreign string, posts []forgedPost) {
	t.Helper()
	before := ledgerSize(t, env)
	for _, p := range posts {
		token := p.c.token("/console")
		for _, c := range []struct{ name, token string }{{"no token", ""}, {"wrong token", "AAAA" + token[4:]}, {"another session's token", foreign}} {
			if c.token == token {
				continue // the poster's own session: not forged
			}
			form := url.Values{}
			for k, v := range p.form {
				form[k] = v
			}
			if c.token != "" {
				form.Set("csrf", c.token)
			}
			wantPage(t, c.name+" "+p.path, p.c.post(p.path, form), http.StatusForbidden, "表单已过期或不是从本平台提交的")
		}
		p.c.header.Set("Sec-Fetch-Site", "cross-site")
		wantPage(t, "cross-site "+p.path, p.c.post(p.path, url.Values{"csrf": {token}}), http.StatusForbidden, "请求来自其他网站")
		p.c.header.Del("Sec-Fetch-Site")
	}
	if after := ledgerSize(t, env); after != before {
		t.Errorf("refused posts changed something: the ledger grew from %d to %d entries", before, after)
	}
}
