package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"shuyu/internal/app/apptest"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func TestAPIBasics(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := apptest.New(t, d)

			// Every demo login works.
			for _, a := range env.Demo.Accounts {
				env.Login(t, a.Username)
			}
			var e apiError
			if status := env.Call(t, "POST", "/api/v1/auth/login", "", map[string]string{"username": "bureau", "password": "wrong-Password-1"}, &e); status != 401 || e.Error.Code != "unauthenticated" || e.Error.Message == "" {
				t.Errorf("wrong password: %d %+v; want 401 unauthenticated", status, e)
			}

			token := env.Login(t, "kuiwen")
			var me struct {
				Kind         string   `json:"kind"`
				Roles        []string `json:"roles"`
				Organization struct{ Name string }
				Jurisdiction struct{ Name, Level string }
				User         struct{ Username string }
			}
			if status := env.Call(t, "GET", "/api/v1/me", token, nil, &me); status != 200 {
				t.Fatalf("me: %d", status)
			}
			if me.Kind != "implementing_unit" || me.Organization.Name != "奎文区大数据局" || me.Jurisdiction.Name != "奎文区" ||
				me.Jurisdiction.Level != "county" || me.User.Username != "kuiwen" || len(me.Roles) != 3 {
				t.Errorf("me = %+v", me)
			}

			// Pagination walks every organization exactly once.
			admin := env.Login(t, "admin")
			seen := map[string]bool{}
			for after, pages := "", 0; ; pages++ {
				var page struct {
					Items []struct{ ID string }
					Next  string
				}
				if status := env.Call(t, "GET", "/api/v1/organizations?limit=3&after="+after, admin, nil, &page); status != 200 {
					t.Fatalf("page: %d", status)
				}
				for _, o := range page.Items {
					if seen[o.ID] {
						t.Fatalf("organization %s on two pages", o.ID)
					}
					seen[o.ID] = true
				}
				if page.Next == "" {
					break
				}
				if len(page.Items) != 3 || pages > 10 {
					t.Fatalf("a middle page of %d items", len(page.Items))
				}
				after = page.Next
			}
			if len(seen) != 10 {
				t.Errorf("pagination saw %d organizations, want the 10 of the demo", len(seen))
			}
			if status := env.Call(t, "GET", "/api/v1/organizations?limit=0", admin, nil, &e); status != 400 || !strings.Contains(e.Error.Message, "limit") {
				t.Errorf("limit=0: %d %+v", status, e)
			}
		})
	}
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, store.SQLite)
	token := env.Login(t, "admin")
	for _, tc := range []struct {
		name, method, path, contentType, body string
		status                                int
		inMessage                             string
	}{
		{"malformed JSON", "POST", "/api/v1/organizations", "application/json", `{"name": `, 400, "JSON"},
		{"unknown field", "POST", "/api/v1/organizations", "application/json", `{"nmae": "x"}`, 400, "nmae"},
		{"wrong type", "POST", "/api/v1/organizations", "application/json", `{"name": 5}`, 400, "name"},
		{"two objects", "POST", "/api/v1/organizations", "application/json", `{} {}`, 400, "one JSON object"},
		{"not JSON", "POST", "/api/v1/organizations", "text/plain", `hello`, 400, "Content-Type"},
		{"too large", "POST", "/api/v1/organizations", "application/json", `{"name": "` + strings.Repeat("x", 2<<20) + `"}`, 413, "larger"},
		{"missing fields", "POST", "/api/v1/organizations", "application/json", `{"name": "x"}`, 400, "required"},
		{"bad kind", "POST", "/api/v1/organizations", "application/json", `{"name": "x", "kind": "bank", "jurisdiction_id": "j"}`, 400, "kind"},
		{"no such route", "GET", "/api/v1/nothing", "", "", 404, "openapi"},
		{"no such organization", "GET", "/api/v1/organizations/nobody", "", "", 404, "nobody"},
		{"bad year", "GET", "/api/v1/calendar/year", "", "", 400, "year"},
		{"bad date", "GET", "/api/v1/calendar/deadline?from=2026-02-30&days=5", "", "", 400, "from"},
	} {
		req, _ := http.NewRequest(tc.method, env.URL+tc.path, strings.NewReader(tc.body))
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e apiError
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(e.Error.Message, tc.inMessage) {
			t.Errorf("%s: %d %+v; want %d with %q in the message", tc.name, resp.StatusCode, e, tc.status, tc.inMessage)
		}
	}
	// A bad bearer token is refused even on a public route.
	if status := env.Call(t, "GET", "/api/v1/jurisdictions", "sy_s_forged", nil, nil); status != 401 {
		t.Errorf("forged token: %d, want 401", status)
	}
}

func TestLoginThrottledOverAPI(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, store.SQLite)
	for range 5 {
		env.Call(t, "POST", "/api/v1/auth/login", "", map[string]string{"username": "operator", "password": "wrong-Password-1"}, nil)
	}
	req, _ := http.NewRequest("POST", env.URL+"/api/v1/auth/login", strings.NewReader(fmt.Sprintf(`{"username":"operator","password":%q}`, apptest.Password)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("after five failures: %d, Retry-After %q; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestAPIKeyLifecycle(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, store.SQLite)
	dev := env.Login(t, "appunit")
	var key struct{ ID, Key, Prefix string }
	if status := env.Call(t, "POST", "/api/v1/api-keys", dev, map[string]string{"name": "结算系统"}, &key); status != 201 || !strings.HasPrefix(key.Key, key.Prefix) {
		t.Fatalf("create: %d %+v", status, key)
	}
	var me struct {
		APIKeyID string `json:"api_key_id"`
	}
	if status := env.Call(t, "GET", "/api/v1/me", key.Key, nil, &me); status != 200 || me.APIKeyID != key.ID {
		t.Fatalf("me with the key: %d %+v", status, me)
	}
	var keys struct{ Items []map[string]any }
	env.Call(t, "GET", "/api/v1/api-keys", dev, nil, &keys)
	for _, k := range keys.Items {
		if _, ok := k["key"]; ok {
			t.Error("the list shows a secret")
		}
	}
	if status := env.Call(t, "DELETE", "/api/v1/api-keys/"+key.ID, dev, nil, nil); status != 200 {
		t.Fatalf("revoke: %d", status)
	}
	if status := env.Call(t, "GET", "/api/v1/me", key.Key, nil, nil); status != 401 {
		t.Errorf("the revoked key still works: %d", status)
	}
}

func TestLedgerAPI(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, store.SQLite)
	var cp struct {
		ledger.Checkpoint
		PublicKey string `json:"public_key"`
	}
	if status := env.Call(t, "GET", "/api/v1/ledger/checkpoint", "", nil, &cp); status != 200 {
		t.Fatalf("checkpoint: %d", status)
	}
	key, err := ledger.ParsePublicKey([]byte(cp.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if err := cp.Verify(key); err != nil {
		t.Fatalf("the served checkpoint does not verify: %v", err)
	}
	var proof ledger.InclusionProof
	if status := env.Call(t, "GET", fmt.Sprintf("/api/v1/ledger/proofs/inclusion?index=3&size=%d", cp.Size), "", nil, &proof); status != 200 {
		t.Fatalf("inclusion: %d", status)
	}
	if err := key.VerifyInclusion(proof, cp.Root); err != nil {
		t.Errorf("inclusion proof: %v", err)
	}
	admin := env.Login(t, "admin")
	var entries struct {
		Items  []ledger.Entry
		Before int64
	}
	if status := env.Call(t, "GET", "/api/v1/ledger/entries?action=auth.login&limit=1", admin, nil, &entries); status != 200 || len(entries.Items) != 1 || entries.Items[0].Action != "auth.login" {
		t.Fatalf("entries: %d %+v", status, entries)
	}
	var one struct {
		Entry ledger.Entry
		Proof ledger.InclusionProof
	}
	env.Call(t, "GET", fmt.Sprintf("/api/v1/ledger/entries/%d", entries.Items[0].Index), admin, nil, &one)
	var now ledger.Checkpoint
	env.Call(t, "GET", "/api/v1/ledger/checkpoint", "", nil, &now)
	if err := key.VerifyInclusion(one.Proof, now.Root); err != nil || one.Entry.Actor.Name != "admin" {
		t.Errorf("entry with proof: %+v %v", one.Entry, err)
	}
	var cons ledger.ConsistencyProof
	env.Call(t, "GET", fmt.Sprintf("/api/v1/ledger/proofs/consistency?first=%d&second=%d", cp.Size, now.Size), "", nil, &cons)
	if err := key.VerifyConsistency(cons, cp.Root, now.Root); err != nil {
		t.Errorf("consistency: %v", err)
	}
}

func TestOperationalEndpoints(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, store.SQLite)
	for _, path := range []string{"/healthz", "/readyz"} {
		if status, _ := env.Do(t, "GET", path, "", nil); status != 200 {
			t.Errorf("%s: %d", path, status)
		}
	}
	env.Call(t, "GET", "/api/v1/jurisdictions", "", nil, nil)
	resp, err := http.Get(env.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `shuyu_http_requests_total{code="200",method="GET",route="GET /api/v1/jurisdictions"}`) {
		t.Errorf("metrics lack the request counter by route")
	}
	// Security headers on every answer.
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("missing security headers: %v", resp.Header)
	}
}

// TestOpenAPICoversEveryRoute reads the served document and finds each route
// of the table in it, with its parameters and responses.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, store.SQLite)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if status := env.Call(t, "GET", "/api/v1/openapi.json", "", nil, &doc); status != 200 || doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi: %d %q", status, doc.OpenAPI)
	}
	for _, rt := range env.App.Web.Routes() {
		raw, ok := doc.Paths[rt.Path][strings.ToLower(rt.Method)]
		if !ok {
			t.Errorf("%s %s is missing from the OpenAPI document", rt.Method, rt.Path)
			continue
		}
		var op struct {
			Responses  map[string]any   `json:"responses"`
			Parameters []map[string]any `json:"parameters"`
			Security   []any            `json:"security"`
		}
		json.Unmarshal(raw, &op)
		if len(op.Responses) == 0 {
			t.Errorf("%s %s documents no responses", rt.Method, rt.Path)
		}
		if (rt.Action != "") != (len(op.Security) > 0) {
			t.Errorf("%s %s: security %v does not match action %q", rt.Method, rt.Path, op.Security, rt.Action)
		}
		if strings.Contains(rt.Path, "{") && len(op.Parameters) == 0 {
			t.Errorf("%s %s documents no path parameters", rt.Method, rt.Path)
		}
	}
}
