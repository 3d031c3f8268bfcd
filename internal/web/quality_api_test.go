package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shuyu/internal/app/apptest"
	"shuyu/internal/ledger"
	"shuyu/internal/quality"
	"shuyu/internal/store/storetest"
)

// TestQualityAPI walks the demo's quality over HTTP: reports with scores
// and no values, rules, a ticket from filing to closing, the supply
// evaluation as JSON and as XLSX, and the OpenAPI description of the export.
func TestQualityAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := apptest.New(t, d)
			hrss, analyst, bureau := env.Login(t, "provider-hrss"), env.Login(t, "analyst"), env.Login(t, "bureau")

			// The demo's versions are assessed when seeded, under the
			// rules the demo commissioners set.
			for _, name := range []string{"social_insurance", "enterprise_registry", "tax_credit"} {
				var r quality.Report
				if status := env.Call(t, "GET", "/api/v1/datasets/"+name+"/quality", analyst, nil, &r); status != http.StatusOK {
					t.Fatalf("quality of %s: %d", name, status)
				}
				if r.Version == nil || r.Assessment == nil || r.Assessment.Defaults || r.Assessment.Score == nil || *r.Assessment.Score < 99 ||
					r.Assessment.Rows != r.Version.Rows || r.Timeliness.Late {
					t.Errorf("%s: %+v", name, r)
				}
				for _, res := range r.Assessment.Results {
					if res.Checked == 0 || res.Skipped != "" {
						t.Errorf("%s: rule %s checked nothing: %+v", name, res.ID, res)
					}
				}
			}
			var rs quality.RuleSet
			if status := env.Call(t, "GET", "/api/v1/datasets/tax_credit/quality/rules", bureau, nil, &rs); status != http.StatusOK || rs.Revision != 1 || len(rs.Rules) != 5 {
				t.Errorf("tax_credit rules: %d %+v", status, rs)
			}
			var e apiError
			if status := env.Call(t, "PUT", "/api/v1/datasets/social_insurance/quality/rules", hrss,
				map[string]any{"rules": []map[string]string{{"field": "gender", "kind": "regex", "pattern": "(["}}}, &e); status != http.StatusBadRequest ||
				!strings.Contains(e.Error.Message, "rules[0]: pattern") {
				t.Errorf("a bad rule: %d %+v", status, e)
			}

			// A ticket from filing to closing.
			var tk quality.Ticket
			if status := env.Call(t, "POST", "/api/v1/datasets/social_insurance/tickets", analyst,
				map[string]string{"kind": "correction", "field": "monthly_base_yuan", "title": "缴费基数异常", "description": "部分记录缴费基数低于当地下限"}, &tk); status != http.StatusCreated ||
				tk.State != quality.Open || tk.DueDay == "" || !slices.Equal(tk.Steps, []quality.Step{quality.Close}) {
				t.Fatalf("file: %d %+v", status, tk)
			}
			var waiting listOf[quality.Ticket]
			if env.Call(t, "GET", "/api/v1/tickets?state=open&dataset=social_insurance", hrss, nil, &waiting); len(waiting.Items) != 1 || waiting.Items[0].ID != tk.ID {
				t.Errorf("open tickets of social_insurance for its provider: %+v", waiting.Items)
			}
			for _, step := range []struct {
				token, path string
				body        any
				state       quality.State
			}{
				{hrss, "answer", map[string]string{"comment": "已核实，系历史补缴记录"}, quality.Answered},
				{analyst, "accept", nil, quality.Accepted},
				{analyst, "close", nil, quality.Closed},
			} {
				if status := env.Call(t, "POST", "/api/v1/tickets/"+tk.ID+"/"+step.path, step.token, step.body, &tk); status != http.StatusOK || tk.State != step.state {
					t.Fatalf("%s: %d %+v", step.path, status, tk)
				}
			}
			if status := env.Call(t, "POST", "/api/v1/tickets/"+tk.ID+"/answer", hrss, map[string]string{"comment": "再答"}, &e); status != http.StatusConflict ||
				!strings.Contains(e.Error.Message, "is closed") {
				t.Errorf("answering a closed ticket: %d %+v", status, e)
			}
			if env.Call(t, "GET", "/api/v1/tickets/"+tk.ID, bureau, nil, &tk); len(tk.Events) != 4 || tk.Events[1].Comment != "已核实，系历史补缴记录" {
				t.Errorf("history %+v", tk.Events)
			}
			var mine listOf[quality.Ticket]
			if env.Call(t, "GET", "/api/v1/tickets?mine=true&limit=1", analyst, nil, &mine); len(mine.Items) != 1 || mine.Next == "" {
				t.Errorf("the analyst's tickets, a page of one: %+v (the demo filed one too)", mine)
			}

			// The supply evaluation, as JSON and as a workbook.
			var ev quality.SupplyEvaluation
			if status := env.Call(t, "GET", "/api/v1/evaluations/supply", bureau, nil, &ev); status != http.StatusOK || len(ev.Items) != 3 || ev.Items[0].Rank != 1 {
				t.Fatalf("evaluation: %d %+v", status, ev)
			}
			req, _ := http.NewRequest("GET", env.URL+"/api/v1/evaluations/supply.xlsx", nil)
			req.Header.Set("Authorization", "Bearer "+bureau)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
				!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; filename=\"supply-evaluation-") {
				t.Fatalf("export: %d %v", resp.StatusCode, resp.Header)
			}
			f, err := excelize.OpenReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := f.GetRows(quality.SupplySheet)
			f.Close()
			if len(rows) != 4 || !slices.Equal(rows[0], quality.SupplyHeaders) || rows[1][1] != ev.Items[0].Provider {
				t.Errorf("exported rows %v", rows)
			}
			if status, body := env.Do(t, "GET", "/api/v1/evaluations/supply.xlsx?from=nope", bureau, nil); status != http.StatusBadRequest ||
				!strings.Contains(string(body), `"invalid"`) {
				t.Errorf("export with a bad date: %d %s", status, body)
			}

			var doc struct {
				Paths map[string]map[string]struct {
					Responses map[string]struct {
						Content map[string]json.RawMessage `json:"content"`
					} `json:"responses"`
				} `json:"paths"`
			}
			env.Call(t, "GET", "/api/v1/openapi.json", "", nil, &doc)
			if _, ok := doc.Paths["/api/v1/evaluations/supply.xlsx"]["get"].Responses["200"].Content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]; !ok {
				t.Errorf("the OpenAPI document does not describe the workbook")
			}
			if _, err := ledger.Verify(t.Context(), env.App.DB, env.App.Ledger.Key(), nil); err != nil {
				t.Errorf("ledger: %v", err)
			}
		})
	}
}

// listOf mirrors the API's list shape for decoding.
type listOf[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next"`
}
