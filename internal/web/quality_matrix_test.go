package web_test

import (
	"net/http"
	"strings"
	"testing"

	"shuyu/internal/app/apptest"
)

// Quality follows the reach of the entry (social_insurance of 市人社局, in
// the operation scope); provider scores and the supply evaluation follow
// supply.read. The ticket in paths is one the operator filed against
// social_insurance; the matrix takes its steps in route order (answer,
// accept, reject, close), so an allowed caller may meet a conflict, never
// a refusal.
func init() {
	ticketFiler := "operator"
	evaluators := []string{"admin", "bureau", "kuiwen", "provider-hrss", "provider-amr", "provider-tax", "regulator", "finance"}
	comment := func(text string) func(int64) any {
		return func(int64) any { return map[string]string{"comment": text} }
	}
	fixtureHooks = append(fixtureHooks, fileFixtureTicket)
	fillHooks = append(fillHooks, fillQualityPath)
	addToMatrix(map[string]expect{
		"GET /api/v1/datasets/{id}/quality":       {allowed: insuranceReaders},
		"GET /api/v1/datasets/{id}/quality/rules": {allowed: insuranceReaders},
		"PUT /api/v1/datasets/{id}/quality/rules": {allowed: []string{"provider-hrss"}, body: func(int64) any { return map[string]bool{"defaults": true} }},
		"GET /api/v1/providers/{id}/quality":      {allowed: hrssReaders},
		"POST /api/v1/datasets/{id}/tickets": {allowed: insuranceReaders, body: func(int64) any {
			return map[string]string{"kind": "correction", "field": "name", "title": "姓名有误", "description": "个别记录姓名为空"}
		}},
		"GET /api/v1/tickets":                 {allowed: members},
		"GET /api/v1/tickets/{id}":            {allowed: []string{"admin", "bureau", "regulator", "finance", "provider-hrss", ticketFiler}},
		"POST /api/v1/tickets/{id}/answer":    {allowed: []string{"provider-hrss"}, body: comment("已核实并更正")},
		"POST /api/v1/tickets/{id}/accept":    {allowed: []string{ticketFiler}},
		"POST /api/v1/tickets/{id}/reject":    {allowed: []string{ticketFiler}, body: comment("未解决")},
		"POST /api/v1/tickets/{id}/close":     {allowed: []string{ticketFiler, "bureau"}},
		"GET /api/v1/evaluations/supply":      {allowed: evaluators},
		"GET /api/v1/evaluations/supply.xlsx": {allowed: evaluators},
	})
}

// fileFixtureTicket files the ticket the ticket paths name.
func fileFixtureTicket(t *testing.T, env *apptest.Env, ids map[string]string) {
	t.Helper()
	var tk struct{ ID string }
	body := map[string]string{"kind": "objection", "field": "gender", "title": "性别有误", "description": "请核实"}
	if status := env.Call(t, "POST", "/api/v1/datasets/social_insurance/tickets", env.Login(t, "operator"), body, &tk); status != http.StatusCreated {
		t.Fatalf("file the fixture ticket: %d", status)
	}
	ids["ticket"] = tk.ID
}

func fillQualityPath(path, key string, ids map[string]string) string {
	switch {
	case strings.HasPrefix(path, "/api/v1/tickets/"):
		return strings.Replace(path, "{id}", ids["ticket"], 1)
	case strings.HasPrefix(path, "/api/v1/evaluations/"):
		return path + "?from=2026-01-01&to=2026-12-31"
	}
	return ""
}
