package web_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"shuyu/internal/app/apptest"
	"shuyu/internal/store/storetest"
)

// TestDemandAPI files a demand over HTTP as an analyst, has the bureau and
// 市人社局 approve it, finds the grant in the operator's GET /api/v1/grants
// with the fields the workspace and the console rely on, refuses a demand
// beyond the agreement with the reason, and revokes the grant.
func TestDemandAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := apptest.New(t, d)
			analyst, bureau, hrss, tax := env.Login(t, "analyst"), env.Login(t, "bureau"), env.Login(t, "provider-hrss"), env.Login(t, "provider-tax")
			call := func(method, path, token string, body any, want int) map[string]any {
				t.Helper()
				status, raw := env.Do(t, method, path, token, body)
				if status != want {
					t.Fatalf("%s %s: %d %s; want %d", method, path, status, raw, want)
				}
				var out map[string]any
				if len(raw) > 0 {
					if err := json.Unmarshal(raw, &out); err != nil {
						t.Fatal(err)
					}
				}
				return out
			}

			body := demandBody()
			body["ends_on"] = "2099-12-31"
			out := call("POST", "/api/v1/demands", analyst, body, http.StatusBadRequest)
			if msg := out["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "ends_on: 2099-12-31 lies after the end of agreement") {
				t.Errorf("refusal: %s", msg)
			}

			d := call("POST", "/api/v1/demands", analyst, demandBody(), http.StatusCreated)
			id := d["id"].(string)
			if d["state"] != "reviewing" || len(d["parties"].([]any)) != 2 {
				t.Fatalf("filed: %v", d)
			}
			call("POST", "/api/v1/demands/"+id+"/approve", tax, map[string]any{}, http.StatusForbidden)
			call("POST", "/api/v1/demands/"+id+"/approve", bureau, map[string]any{"comment": "同意"}, http.StatusOK)
			d = call("POST", "/api/v1/demands/"+id+"/approve", hrss, nil, http.StatusOK)
			grant, _ := d["grant_id"].(string)
			if d["state"] != "approved" || grant == "" {
				t.Fatalf("approved: %v", d)
			}

			list := call("GET", "/api/v1/grants", env.Login(t, "operator"), nil, http.StatusOK)
			var g map[string]any
			for _, it := range list["items"].([]any) {
				if it.(map[string]any)["id"] == grant {
					g = it.(map[string]any)
				}
			}
			if g == nil {
				t.Fatalf("grant %s not in the operator's list: %v", grant, list)
			}
			for _, k := range []string{"id", "dataset", "datasets", "rule", "k", "columns", "expires_at", "state"} {
				if _, ok := g[k]; !ok {
					t.Errorf("grant has no %q: %v", k, g)
				}
			}
			if g["dataset"] != "social_insurance" || g["rule"] != "aggregate" || g["k"] != float64(10) || g["state"] != "active" {
				t.Errorf("grant %v", g)
			}
			var cols []string
			for _, c := range g["columns"].([]any) {
				cols = append(cols, c.(map[string]any)["name"].(string)+":"+c.(map[string]any)["role"].(string))
			}
			if !slices.Equal(cols, []string{"district:dimension", "monthly_base_yuan:measure"}) {
				t.Errorf("columns %v", cols)
			}

			call("POST", "/api/v1/grants/"+grant+"/revoke", bureau, map[string]any{"reason": " "}, http.StatusBadRequest)
			g = call("POST", "/api/v1/grants/"+grant+"/revoke", bureau, map[string]any{"reason": "超范围使用"}, http.StatusOK)
			if g["state"] != "revoked" || g["end_reason"] != "超范围使用" {
				t.Errorf("revoked: %v", g)
			}
			call("POST", "/api/v1/grants/"+grant+"/revoke", bureau, map[string]any{"reason": "再次"}, http.StatusConflict)
			call("GET", "/api/v1/grants/"+grant, env.Login(t, "appunit"), nil, http.StatusForbidden)
		})
	}
}
