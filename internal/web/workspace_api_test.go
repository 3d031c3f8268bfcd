package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"shuyu/internal/app/apptest"
	"shuyu/internal/ledger"
	"shuyu/internal/sandbox"
	"shuyu/internal/store/storetest"
)

// answer is a query's answer as the API gives it.
type answer struct {
	QueryID      string   `json:"query_id"`
	Columns      []string `json:"columns"`
	Rows         [][]any  `json:"rows"`
	Suppressed   int      `json:"suppressed"`
	EpsilonSpent float64  `json:"epsilon_spent"`
	EpsilonLeft  *float64 `json:"epsilon_left"`
	Result       *struct {
		SHA256 string `json:"sha256"`
	} `json:"result"`
	Release *struct {
		ID    string `json:"id"`
		State string `json:"state"`
	} `json:"release"`
}

type release struct {
	ID        string `json:"id"`
	State     string `json:"state"`
	CSVSHA256 string `json:"csv_sha256"`
}

// The analyst's workspace through the API, on the demo's grants: an
// aggregate with suppression, the Art. 30 gate, a dp budget to the end, a
// review result released by the city's reviewer and downloaded with the
// ledger's hash, and the agreement's exit stopping the next query.
func TestWorkspaceAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := apptest.New(t, d)
			analyst, analyst2, operator, bureau := env.Login(t, "analyst"), env.Login(t, "analyst2"), env.Login(t, "operator"), env.Login(t, "bureau")
			demo := demoGrants(t, env)
			aggregate, dp, review := demo[sandbox.Aggregate], demo[sandbox.DP], demo[sandbox.Review]
			query := func(token, grant, sql string, out any) int {
				return env.Call(t, "POST", "/api/v1/grants/"+grant+"/queries", token, map[string]string{"sql": sql}, out)
			}

			var ans answer
			if status := query(analyst, aggregate, "SELECT district, gender, COUNT(*) AS n, AVG(monthly_base_yuan) AS base FROM social_insurance GROUP BY district, gender", &ans); status != http.StatusOK ||
				len(ans.Columns) != 4 || len(ans.Rows) == 0 || ans.QueryID == "" || ans.Release == nil || ans.Release.State != "released" {
				t.Fatalf("aggregate: %d %+v", status, ans)
			}
			// Groups of fewer than k people are suppressed and counted.
			var fine answer
			if status := query(analyst, aggregate, "SELECT district, birth_date, COUNT(*) AS n FROM social_insurance GROUP BY district, birth_date", &fine); status != http.StatusOK ||
				fine.Suppressed == 0 {
				t.Fatalf("grouping by birth date: %d, %d suppressed", status, fine.Suppressed)
			}
			// A refused query says which rule it broke.
			var refused apiError
			if status := query(analyst, aggregate, "SELECT id_number, COUNT(*) AS n FROM social_insurance GROUP BY id_number", &refused); status/100 != 4 ||
				refused.Error.Message == "" || strings.Contains(string(mustJSON(refused)), "3707") {
				t.Fatalf("grouping by the privacy unit: %d %+v", status, refused)
			}
			var e apiError
			if status := query(analyst2, aggregate, "SELECT COUNT(*) AS n FROM social_insurance", &e); status != http.StatusForbidden ||
				!strings.Contains(e.Error.Message, "security training") || !strings.Contains(e.Error.Message, "confidentiality agreement") {
				t.Fatalf("analyst2: %d %+v", status, e)
			}

			// dp (ε = 3, 0.5 a query): cost and what is left, then a refusal
			// before running.
			for _, left := range []float64{2.5, 2, 1.5, 1, 0.5, 0} {
				var a answer
				if status := query(analyst, dp, "SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district", &a); status != http.StatusOK ||
					a.EpsilonSpent != 0.5 || a.EpsilonLeft == nil || *a.EpsilonLeft != left {
					t.Fatalf("dp with %v left: %d %+v", left, status, a)
				}
			}
			var grants struct {
				Items []struct {
					ID          string   `json:"id"`
					Rule        string   `json:"rule"`
					EpsilonLeft *float64 `json:"epsilon_left"`
				} `json:"items"`
			}
			env.Call(t, "GET", "/api/v1/grants", analyst, nil, &grants)
			for _, g := range grants.Items {
				if (g.Rule == "dp") != (g.EpsilonLeft != nil) || (g.ID == dp && *g.EpsilonLeft != 0) {
					t.Fatalf("grant %s in the list: epsilon_left %v", g.ID, g.EpsilonLeft)
				}
			}
			e = apiError{}
			if status := query(analyst, dp, "SELECT COUNT(*) AS n FROM social_insurance", &e); status != http.StatusForbidden || !strings.Contains(e.Error.Message, "budget") {
				t.Fatalf("overspending: %d %+v", status, e)
			}
			var hist struct {
				Items []struct {
					Status string `json:"status"`
					Broke  string `json:"broke"`
				} `json:"items"`
			}
			if status := env.Call(t, "GET", "/api/v1/grants/"+dp+"/queries", operator, nil, &hist); status != http.StatusOK || len(hist.Items) != 7 || hist.Items[0].Broke != "budget" {
				t.Fatalf("dp history: %d %+v", status, hist)
			}

			// review: kept until the city's reviewer releases it.
			var rev answer
			if status := query(analyst, review, "SELECT district, AVG(monthly_base_yuan) AS base FROM social_insurance GROUP BY district", &rev); status != http.StatusOK ||
				rev.Result == nil || len(rev.Rows) != 0 || rev.Release != nil {
				t.Fatalf("review: %d %+v", status, rev)
			}
			var req release
			if status := env.Call(t, "POST", "/api/v1/queries/"+rev.QueryID+"/release", analyst, map[string]string{"reason": "区县缴费基数报告"}, &req); status != http.StatusCreated || req.State != "pending" {
				t.Fatalf("release request: %d %+v", status, req)
			}
			for _, token := range []string{analyst, operator} {
				if status, raw := env.Do(t, "GET", "/api/v1/releases/"+req.ID+"/result.csv", token, nil); status != http.StatusForbidden {
					t.Fatalf("an unreleased result downloads: %d %s", status, raw)
				}
			}
			var queue struct{ Items []release }
			if env.Call(t, "GET", "/api/v1/releases?state=pending", bureau, nil, &queue); len(queue.Items) != 1 || queue.Items[0].ID != req.ID {
				t.Fatalf("the reviewers' queue: %+v", queue)
			}
			var rel release
			if status := env.Call(t, "POST", "/api/v1/releases/"+req.ID+"/release", bureau, map[string]string{"comment": "区县汇总，无个人信息"}, &rel); status != http.StatusOK || rel.State != "released" {
				t.Fatalf("release: %d %+v", status, rel)
			}
			status, csv := env.Do(t, "GET", "/api/v1/releases/"+req.ID+"/result.csv", operator, nil)
			sum := sha256.Sum256(csv)
			if status != http.StatusOK || hex.EncodeToString(sum[:]) != rel.CSVSHA256 || !strings.Contains(string(csv), "district,base") {
				t.Fatalf("download: %d %q, hash %x, released %s", status, csv, sum, rel.CSVSHA256)
			}
			entries, err := env.App.Ledger.Entries(context.Background(), ledger.Filter{ObjectType: "release", ObjectID: req.ID, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			var released, downloaded bool
			for _, en := range entries {
				var detail map[string]any
				json.Unmarshal(en.Detail, &detail)
				released = released || (en.Action == "release.release" && detail["csv_sha256"] == hex.EncodeToString(sum[:]))
				downloaded = downloaded || (en.Action == "release.download" && detail["sha256"] == hex.EncodeToString(sum[:]))
			}
			if !released || !downloaded {
				t.Fatalf("the ledger does not record the hash of what left: %+v", entries)
			}
			if status, xlsx := env.Do(t, "GET", "/api/v1/releases/"+req.ID+"/result.xlsx", analyst, nil); status != http.StatusOK || !strings.HasPrefix(string(xlsx), "PK") {
				t.Fatalf("xlsx: %d", status)
			}

			// The agreement ends: the next query is refused.
			h, err := env.App.Demands.Held(context.Background(), aggregate)
			if err != nil {
				t.Fatal(err)
			}
			if status := env.Call(t, "POST", "/api/v1/agreements/"+h.AgreementID+"/terminate", bureau, map[string]string{"reason": "运营单位申请提前终止"}, nil); status != http.StatusOK {
				t.Fatalf("terminate: %d", status)
			}
			e = apiError{}
			if status := query(analyst, aggregate, "SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district", &e); status != http.StatusForbidden {
				t.Fatalf("a query after the exit: %d %+v", status, e)
			}
		})
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
