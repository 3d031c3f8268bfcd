package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"shuyu/internal/app/apptest"
)

func ledgerSize(t *testing.T, env *apptest.Env) int64 {
	t.Helper()
	cp, err := env.App.Ledger.Checkpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cp.Size
}

// TestConsoleCSRF posts to every state-changing console route without a
// token, with a wrong one, with another session's, and cross-site or from a
// foreign origin with a good one: each is refused with 403 and the ledger,
// which records every change, does not grow.
func TestConsoleCSRF(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		admin, other, app := consoleLogin(t, env, "admin"), consoleLogin(t, env, "analyst"), consoleLogin(t, env, "appunit")
		good := admin.token("/console")
		foreign := other.token("/console")
		operator := env.Demo.Orgs["operator"]
		analyst := userID(t, env, "analyst")
		posts := []forgedPost{
			{admin, "/console/orgs/new", url.Values{"name": {"不该出现的单位"}, "kind": {"operator"}}},
			{admin, "/console/orgs/" + operator, url.Values{"name": {"改名"}}},
			{admin, "/console/orgs/" + operator + "/users/new", url.Values{"username": {"intruder"}, "password": {"Intruder-Passw0rd"}, "password2": {"Intruder-Passw0rd"}}},
			{admin, "/console/users/" + analyst, url.Values{"display_name": {"改名"}, "disabled": {"1"}}},
			{admin, "/console/users/" + analyst + "/password", url.Values{"password": {"Intruder-Passw0rd"}, "password2": {"Intruder-Passw0rd"}}},
			{admin, "/console/account", url.Values{"current_password": {apptest.Password}, "password": {"Intruder-Passw0rd"}, "password2": {"Intruder-Passw0rd"}}},
			{app, "/console/api-keys", url.Values{"name": {"intruder"}}},
			{app, "/console/api-keys/whatever/revoke", nil},
			{admin, "/logout", nil},
		}
		refuseForged(t, env, foreign, posts)
		// A good token does not help a request from a foreign origin either.
		before := ledgerSize(t, env)
		for _, p := range posts {
			p.c.header.Set("Origin", "https://evil.example")
			wantPage(t, "foreign origin "+p.path, p.c.post(p.path, url.Values{"csrf": {p.c.token("/console")}}), http.StatusForbidden)
			p.c.header.Del("Origin")
		}
		if after := ledgerSize(t, env); after != before {
			t.Errorf("refused posts changed something: the ledger grew from %d to %d entries", before, after)
		}
		// The same form with its token from this site goes through.
		admin.header.Set("Sec-Fetch-Site", "same-origin")
		a := admin.post("/console/orgs/"+operator, url.Values{"csrf": {good}, "name": {"潍坊数智运营有限公司"}, "name_en": {"Renamed"}})
		if a.status != http.StatusSeeOther {
			t.Errorf("a same-origin post with its token: %d\n%.1000s", a.status, a.body)
		}
	})
}

// TestConsoleLoginCrossSite: the login form has no token, so a cross-site
// POST to it must be refused by the origin check (login CSRF).
func TestConsoleLoginCrossSite(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		b := newConsoleClient(t, env)
		b.header.Set("Sec-Fetch-Site", "cross-site")
		a := b.post("/login", url.Values{"username": {"admin"}, "password": {apptest.Password}})
		wantPage(t, "cross-site login", a, http.StatusForbidden)
		if a.header.Get("Set-Cookie") != "" {
			t.Errorf("a refused login set a cookie: %s", a.header.Get("Set-Cookie"))
		}
		b.header.Set("Sec-Fetch-Site", "same-origin")
		if a := b.post("/login", url.Values{"username": {"admin"}, "password": {apptest.Password}}); a.status != http.StatusSeeOther {
			t.Errorf("same-origin login: %d", a.status)
		}
	})
}

func userID(t *testing.T, env *apptest.Env, username string) string {
	t.Helper()
	var out struct{ User struct{ ID string } }
	if status := env.Call(t, "GET", "/api/v1/me", env.Login(t, username), nil, &out); status != http.StatusOK {
		t.Fatalf("me of %s: %d", username, status)
	}
	return out.User.ID
}
