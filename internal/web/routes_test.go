package web_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/app/apptest"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/store/storetest"
)

// callers are every demo account, an application unit's API key and the
// anonymous public.
var callers = []string{"anonymous", "admin", "bureau", "kuiwen", "provider-hrss", "provider-amr", "provider-tax",
	"operator", "analyst", "analyst2", "appunit", "regulator", "finance", "api-key"}

// expect says who may call a route; everyone else is refused (401 when
// anonymous, 403 otherwise). Resources in paths belong to 市人社局 (a
// city-level provider) unless said otherwise, so the table also shows who
// reaches another organization's or county's things.
type expect struct {
	allowed []string // "public" allows everyone
	body    func(n int64) any
	// fresh gives the call a token of its own, for routes that end sessions.
	fresh bool
}

var (
	public      = []string{"public"}
	orgAdmins   = []string{"admin", "bureau", "kuiwen", "provider-hrss", "provider-amr", "provider-tax", "operator", "appunit"}
	members     = []string{"admin", "bureau", "kuiwen", "provider-hrss", "provider-amr", "provider-tax", "operator", "analyst", "analyst2", "appunit", "regulator", "finance"}
	hrssReaders = []string{"admin", "bureau", "regulator", "finance", "provider-hrss"}
	hrssAdmins  = []string{"admin", "provider-hrss"}
	// browsers may list the catalog: everyone but the application unit.
	browsers      = []string{"admin", "bureau", "kuiwen", "provider-hrss", "provider-amr", "provider-tax", "operator", "analyst", "analyst2", "regulator", "finance"}
	commissioners = []string{"provider-hrss", "provider-amr", "provider-tax"}
	// insuranceReaders reach social_insurance, a city entry in the operation
	// scope: not the county, not the application unit.
	insuranceReaders = []string{"admin", "bureau", "provider-hrss", "provider-amr", "provider-tax", "operator", "analyst", "analyst2", "regulator", "finance"}
	// hrssManagers also counts the city's implementing unit, which registers
	// units and their first accounts.
	hrssManagers = []string{"admin", "provider-hrss", "bureau"}
)

// matrix holds the expectations of every route; feature areas add theirs
// from their own test files (see addToMatrix).
var matrix = map[string]expect{
	"POST /api/v1/auth/login": {allowed: public, body: func(int64) any {
		return map[string]string{"username": "regulator", "password": apptest.Password}
	}},
	"POST /api/v1/auth/logout": {allowed: members, fresh: true},
	"GET /api/v1/me":           {allowed: append(slices.Clone(members), "api-key")},
	"POST /api/v1/me/password": {allowed: members, body: func(int64) any {
		return map[string]string{"current_password": "not-it", "password": "Another-Pass-123"}
	}},
	"GET /api/v1/jurisdictions": {allowed: public},
	"POST /api/v1/jurisdictions": {allowed: []string{"admin"}, body: func(n int64) any {
		return map[string]string{"code": fmt.Sprint(379900 + n), "name": "测试县", "name_en": "Test"}
	}},
	"GET /api/v1/roles":         {allowed: public},
	"GET /api/v1/organizations": {allowed: members},
	"POST /api/v1/organizations": {allowed: []string{"admin", "bureau"}, body: func(n int64) any {
		return map[string]any{"name": fmt.Sprintf("测试运营公司%d", n), "kind": "operator", "jurisdiction_id": "{city}"}
	}},
	"GET /api/v1/organizations/{id}":       {allowed: hrssReaders},
	"PATCH /api/v1/organizations/{id}":     {allowed: []string{"admin", "bureau"}, body: func(n int64) any { return map[string]string{"name_en": fmt.Sprint("HRSS ", n)} }},
	"GET /api/v1/organizations/{id}/users": {allowed: hrssManagers},
	"POST /api/v1/organizations/{id}/users": {allowed: hrssManagers, body: func(n int64) any {
		return map[string]any{"username": fmt.Sprintf("matrix%d", n), "password": "Matrix-Passw0rd", "roles": []string{"commissioner"}}
	}},
	"GET /api/v1/users/{id}":                {allowed: hrssManagers},
	"PATCH /api/v1/users/{id}":              {allowed: hrssAdmins, body: func(n int64) any { return map[string]string{"display_name": fmt.Sprint("专员", n)} }},
	"POST /api/v1/users/{id}/password":      {allowed: hrssAdmins, body: func(int64) any { return map[string]string{"password": "Reset-Passw0rd-1"} }},
	"GET /api/v1/api-keys":                  {allowed: []string{"admin", "appunit"}},
	"POST /api/v1/api-keys":                 {allowed: []string{"appunit"}, body: func(int64) any { return map[string]string{"name": "matrix"} }},
	"DELETE /api/v1/api-keys/{id}":          {allowed: []string{"admin", "appunit"}},
	"GET /api/v1/ledger/checkpoint":         {allowed: public},
	"GET /api/v1/ledger/entries":            {allowed: append(slices.Clone(orgAdmins), "regulator", "finance")},
	"GET /api/v1/ledger/entries/{index}":    {allowed: hrssReaders},
	"GET /api/v1/ledger/proofs/inclusion":   {allowed: public},
	"GET /api/v1/ledger/proofs/consistency": {allowed: public},
	"GET /api/v1/calendar/{year}":           {allowed: public},
	"GET /api/v1/catalog/scheme":            {allowed: append(slices.Clone(members), "api-key")},
	"GET /api/v1/datasets":                  {allowed: browsers},
	"POST /api/v1/datasets": {allowed: commissioners, body: func(n int64) any {
		return map[string]any{"name": fmt.Sprintf("matrix_%d", n), "title": "测试", "frequency": "monthly",
			"fields": []map[string]string{{"name": "a", "type": "text", "classification": "other", "grade": "general-2"}}}
	}},
	"GET /api/v1/datasets/{id}":             {allowed: insuranceReaders},
	"PATCH /api/v1/datasets/{id}":           {allowed: []string{"provider-hrss"}, body: func(n int64) any { return map[string]string{"description": fmt.Sprint("说明 ", n)} }},
	"GET /api/v1/datasets/{id}/revisions":   {allowed: insuranceReaders},
	"GET /api/v1/datasets/{id}/suggestions": {allowed: insuranceReaders},
	"GET /api/v1/datasets/{id}/versions":    {allowed: insuranceReaders},
	"POST /api/v1/datasets/{id}/versions":   {allowed: []string{"admin", "provider-hrss"}, body: func(int64) any { return map[string]string{} }},
	"GET /api/v1/calendar/deadline":         {allowed: public},
}

// TestRouteRoleMatrix calls every API route as every caller and checks that
// exactly the expected ones get through. A route without an entry fails.
func TestRouteRoleMatrix(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := apptest.New(t, d)
			routes := env.App.Web.Routes()
			seen := map[string]bool{}
			for _, rt := range routes {
				key := rt.Method + " " + rt.Path
				seen[key] = true
				if _, ok := matrix[key]; !ok {
					t.Errorf("route %s has no entry in the route-by-role matrix: add one", key)
				}
				if rt.Action != "" && !access.Known(rt.Action) {
					t.Errorf("route %s needs action %q, which the policy does not know", key, rt.Action)
				}
			}
			for key := range matrix {
				if !seen[key] {
					t.Errorf("the matrix lists %s, which is not a route", key)
				}
			}
			ids := fixtures(t, env)
			tokens := map[string]string{"anonymous": "", "api-key": ids["apikey"]}
			for _, c := range callers[1:] {
				if c != "api-key" {
					tokens[c] = env.Login(t, c)
				}
			}
			var n atomic.Int64
			for _, rt := range routes {
				key := rt.Method + " " + rt.Path
				want := matrix[key]
				for _, caller := range callers {
					token := tokens[caller]
					if want.fresh && caller != "anonymous" && caller != "api-key" {
						token = env.Login(t, caller)
					}
					var body any
					if want.body != nil {
						body = resolve(want.body(n.Add(1)), ids)
					}
					status, raw := env.Do(t, rt.Method, fill(rt.Path, key, ids), token, body)
					raw = raw[:min(len(raw), 300)]
					allowed := slices.Contains(want.allowed, "public") || slices.Contains(want.allowed, caller)
					switch {
					case allowed && (status == http.StatusUnauthorized || status == http.StatusForbidden):
						t.Errorf("%s as %s: %d %s; want it allowed", key, caller, status, raw)
					case !allowed && caller == "anonymous" && status != http.StatusUnauthorized:
						t.Errorf("%s anonymously: %d %s; want 401", key, status, raw)
					case !allowed && caller != "anonymous" && status != http.StatusForbidden:
						t.Errorf("%s as %s: %d %s; want 403", key, caller, status, raw)
					case status >= 500:
						t.Errorf("%s as %s: %d %s", key, caller, status, raw)
					}
				}
			}
			if _, err := ledger.Verify(context.Background(), env.App.DB, env.App.Ledger.Key(), nil); err != nil {
				t.Errorf("ledger after the matrix: %v", err)
			}
		})
	}
}

// fixtures prepares the resources the paths name.
func fixtures(t *testing.T, env *apptest.Env) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := map[string]string{"org": env.Demo.Orgs["hrss"]}
	city, err := env.App.Identity.JurisdictionByCode(ctx, "370700")
	if err != nil {
		t.Fatal(err)
	}
	ids["city"] = city.ID
	// A member of 市人社局 who is no demo account, so resetting their
	// password does not end the sessions the test uses.
	org, name, pw := ids["org"], "hrss-extra", "Extra-Passw0rd-9"
	u, err := env.App.Identity.CreateUser(ctx, adminPrincipal(), identity.UserInput{OrgID: &org, Username: &name, Password: &pw})
	if err != nil {
		t.Fatal(err)
	}
	ids["user"] = u.ID
	// Two keys: one to call with, one for the matrix to revoke.
	app := env.Login(t, "appunit")
	var caller, revoked struct{ ID, Key string }
	for _, k := range []*struct{ ID, Key string }{&caller, &revoked} {
		if status := env.Call(t, "POST", "/api/v1/api-keys", app, map[string]string{"name": "fixture"}, k); status != http.StatusCreated {
			t.Fatalf("create API key: %d", status)
		}
	}
	ids["apikey"], ids["apikey-id"] = caller.Key, revoked.ID
	// The login of provider-hrss is an entry of 市人社局.
	env.Login(t, "provider-hrss")
	entries, err := env.App.Ledger.Entries(ctx, ledger.Filter{OrgID: ids["org"], ActionPrefix: "auth.login", Limit: 1})
	if err != nil || len(entries) == 0 {
		t.Fatalf("no login entry of 市人社局: %v", err)
	}
	ids["index"] = fmt.Sprint(entries[0].Index)
	for _, prepare := range fixtureHooks {
		prepare(t, env, ids)
	}
	return ids
}

func adminPrincipal() access.Principal { return access.System("test") }

// fill puts fixture IDs into a path and adds the query parameters it needs.
func fill(path, key string, ids map[string]string) string {
	for _, h := range fillHooks {
		if filled := h(path, key, ids); filled != "" {
			return filled
		}
	}
	id := ids["org"]
	switch {
	case strings.HasPrefix(path, "/api/v1/users/"):
		id = ids["user"]
	case strings.HasPrefix(path, "/api/v1/api-keys/"):
		id = ids["apikey-id"]
	case strings.HasPrefix(path, "/api/v1/datasets/"):
		id = "social_insurance"
	}
	path = strings.NewReplacer("{id}", id, "{index}", ids["index"], "{year}", "2026").Replace(path)
	switch key {
	case "GET /api/v1/ledger/proofs/inclusion":
		path += "?index=0"
	case "GET /api/v1/ledger/proofs/consistency":
		path += "?first=1"
	case "GET /api/v1/calendar/deadline":
		path += "?from=2026-09-29&days=20"
	}
	return path
}

// resolve replaces "{name}" values in a body with fixture IDs.
func resolve(body any, ids map[string]string) any {
	m, ok := body.(map[string]any)
	if !ok {
		return body
	}
	for k, v := range m {
		if s, ok := v.(string); ok && strings.HasPrefix(s, "{") {
			m[k] = ids[strings.Trim(s, "{}")]
		}
		if l, ok := v.([]string); ok {
			out := make([]string, len(l))
			for i, s := range l {
				out[i] = s
				if strings.HasPrefix(s, "{") {
					out[i] = ids[strings.Trim(s, "{}")]
				}
			}
			m[k] = out
		}
	}
	return m
}

// Feature areas whose paths name resources of their own prepare them with
// a fixture hook (adding their IDs to ids) and fill their paths with a fill
// hook, which returns "" for paths that are not theirs. Register both from
// an init function, like addToMatrix.
var (
	fixtureHooks []func(t *testing.T, env *apptest.Env, ids map[string]string)
	fillHooks    []func(path, key string, ids map[string]string) string
)

// addToMatrix adds a feature area's expectations; call it from an init
// function of that area's test file.
func addToMatrix(m map[string]expect) {
	for k, v := range m {
		if _, dup := matrix[k]; dup {
			panic("route-by-role matrix: " + k + " twice")
		}
		matrix[k] = v
	}
}
