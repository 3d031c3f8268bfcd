package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"shuyu/internal/app/apptest"
	"shuyu/internal/sandbox"
	"shuyu/internal/store/storetest"
)

// TestRowFilterAPI: a demand with a row filter through the API — a wrong
// one refused naming the value, the right one normalized, approved into a
// grant that lists it and answers over the district's rows alone — and a
// query refused at the Art. 30 gate in the grant's history with its code.
func TestRowFilterAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := apptest.New(t, d)
			analyst := env.Login(t, "analyst")
			body := demandBody()
			ds := body["datasets"].([]any)[0].(map[string]any)
			ds["row_filter"] = []any{map[string]any{"column": "district", "op": "=", "values": []string{"奎文区"}},
				map[string]any{"column": "monthly_base_yuan", "op": ">=", "values": []string{"1OOO"}}}
			var e apiError
			if status := env.Call(t, "POST", "/api/v1/demands", analyst, body, &e); status != http.StatusBadRequest ||
				!strings.Contains(e.Error.Message, `datasets[0].row_filter[1].values[0]: "1OOO" is not an integer`) {
				t.Fatalf("a filter value of the wrong type: %d %+v", status, e)
			}
			ds["row_filter"] = []any{map[string]any{"column": "district", "op": "IN", "values": []string{"奎文区"}},
				map[string]any{"column": "monthly_base_yuan", "op": ">=", "values": []string{"01000"}}}
			var filed struct {
				ID      string `json:"id"`
				Request struct {
					Datasets []struct {
						RowFilter []sandbox.Condition `json:"row_filter"`
					} `json:"datasets"`
				} `json:"request"`
				GrantID string `json:"grant_id"`
			}
			if status := env.Call(t, "POST", "/api/v1/demands", analyst, body, &filed); status != http.StatusCreated || len(filed.Request.Datasets) != 1 ||
				!slices.EqualFunc(filed.Request.Datasets[0].RowFilter, []sandbox.Condition{{Column: "district", Op: "in", Values: []string{"奎文区"}},
					{Column: "monthly_base_yuan", Op: ">=", Values: []string{"1000"}}}, conditionsEqual) {
				t.Fatalf("filed: %d %+v", status, filed)
			}
			for _, who := range []string{"bureau", "provider-hrss"} {
				if status := env.Call(t, "POST", "/api/v1/demands/"+filed.ID+"/approve", env.Login(t, who), map[string]string{"comment": "同意"}, &filed); status != http.StatusOK {
					t.Fatalf("%s approves: %d", who, status)
				}
			}
			var grants struct{ Items []filteredGrant }
			env.Call(t, "GET", "/api/v1/grants", analyst, nil, &grants)
			i := slices.IndexFunc(grants.Items, func(g filteredGrant) bool { return g.ID == filed.GrantID })
			if i < 0 || len(grants.Items[i].RowFilters["social_insurance"]) != 2 {
				t.Fatalf("the grant in GET /api/v1/grants: %+v", grants.Items)
			}
			var ans answer
			if status := env.Call(t, "POST", "/api/v1/grants/"+filed.GrantID+"/queries", analyst,
				map[string]string{"sql": "SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district"}, &ans); status != http.StatusOK ||
				len(ans.Rows) != 1 || ans.Rows[0][0] != "奎文区" || ans.Suppressed != 0 {
				t.Fatalf("a query in the filtered grant: %d %+v", status, ans)
			}
			refusedAtGate(t, env, filed.GrantID)
		})
	}
}

// refusedAtGate: analyst2, without Art. 30 records, is refused, and the
// grant's history says who, how (forbidden, art30) and why.
func refusedAtGate(t *testing.T, env *apptest.Env, grant string) {
	t.Helper()
	var e apiError
	if status := env.Call(t, "POST", "/api/v1/grants/"+grant+"/queries", env.Login(t, "analyst2"), map[string]string{"sql": "SELECT COUNT(*) AS n FROM social_insurance"}, &e); status != http.StatusForbidden {
		t.Fatalf("analyst2: %d %+v", status, e)
	}
	var hist struct {
		Items []struct {
			Username, Status, Code, Broke, Message, SQL string
		} `json:"items"`
	}
	if status := env.Call(t, "GET", "/api/v1/grants/"+grant+"/queries", env.Login(t, "operator"), nil, &hist); status != http.StatusOK || len(hist.Items) != 2 {
		t.Fatalf("history: %d %+v", status, hist)
	}
	if q := hist.Items[0]; q.Username != "analyst2" || q.Status != "refused" || q.Code != "forbidden" || q.Broke != "art30" || q.Message != e.Error.Message {
		t.Errorf("the refusal in the history: %+v; want analyst2's, forbidden, art30, %q", q, e.Error.Message)
	}
}

type filteredGrant struct {
	ID         string                         `json:"id"`
	RowFilters map[string][]sandbox.Condition `json:"row_filters"`
}

func conditionsEqual(a, b sandbox.Condition) bool {
	return a.Column == b.Column && a.Op == b.Op && slices.Equal(a.Values, b.Values)
}
