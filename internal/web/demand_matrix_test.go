package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"shuyu/internal/app/apptest"
	"shuyu/internal/calendar"
	"shuyu/internal/demand"
	"shuyu/internal/sandbox"
)

// Demands and grants in paths are the demo operator's, on social_insurance
// (市人社局) under the demo agreement: their readers are the operator's
// staff, the city bureau and the city's regulators, 市人社局 and the
// administrator; the bureau's reviewer and 市人社局's commissioner review;
// the bureau revokes. The matrix takes the steps in route order: the two
// approvals conclude the demand, and every later step meets a conflict.
func init() {
	listers := []string{"admin", "bureau", "kuiwen", "provider-hrss", "provider-amr", "provider-tax", "operator", "analyst", "analyst2", "regulator", "finance"}
	readers := []string{"admin", "bureau", "provider-hrss", "operator", "analyst", "analyst2", "regulator", "finance"}
	staff := []string{"operator", "analyst", "analyst2"}
	reviewers := []string{"bureau", "provider-hrss"}
	filing := func(int64) any { return demandBody() }
	comment := func(int64) any { return map[string]any{"comment": "矩阵测试"} }
	fixtureHooks = append(fixtureHooks, demandFixtures)
	fillHooks = append(fillHooks, fillDemandPath)
	addToMatrix(map[string]expect{
		"GET /api/v1/demands":                {allowed: listers},
		"POST /api/v1/demands":               {allowed: staff, body: filing},
		"GET /api/v1/demands/{id}":           {allowed: readers},
		"POST /api/v1/demands/{id}/approve":  {allowed: reviewers, body: comment},
		"POST /api/v1/demands/{id}/reject":   {allowed: reviewers, body: comment},
		"POST /api/v1/demands/{id}/return":   {allowed: reviewers, body: comment},
		"POST /api/v1/demands/{id}/resubmit": {allowed: staff, body: filing},
		"POST /api/v1/demands/{id}/withdraw": {allowed: staff},
		"GET /api/v1/grants":                 {allowed: listers},
		"GET /api/v1/grants/{id}":            {allowed: readers},
		"POST /api/v1/grants/{id}/revoke":    {allowed: []string{"bureau"}, body: func(int64) any { return map[string]any{"reason": "矩阵测试"} }},
	})
}

// demandBody is a complete demand for an aggregate over social_insurance.
func demandBody() map[string]any {
	return map[string]any{"title": "矩阵测试需求", "scenario": "分区县参保统计", "purpose": "测试",
		"ends_on": calendar.DateOf(time.Now()).AddDays(30).String(), "rule": "aggregate",
		"datasets": []any{map[string]any{"dataset": "social_insurance", "fields": []any{
			map[string]any{"name": "district", "role": "dimension", "justification": "按区县分组"},
			map[string]any{"name": "monthly_base_yuan", "role": "measure", "justification": "平均缴费基数"},
		}}}}
}

// demandFixtures files a demand for the matrix to review, and makes a
// grant for it to revoke (the demo's grants stay as they are).
func demandFixtures(t *testing.T, env *apptest.Env, ids map[string]string) {
	t.Helper()
	ctx := context.Background()
	a := env.App
	in := demand.Input{Title: "矩阵测试", Scenario: "分区县参保统计", Purpose: "测试", EndsOn: calendar.DateOf(time.Now()).AddDays(30).String(),
		Rule: sandbox.Aggregate, Datasets: []demand.DatasetInput{{Dataset: "social_insurance", Fields: []demand.FieldInput{
			{Name: "district", Role: sandbox.Dimension, Justification: "按区县分组"}}}}}
	file := func() demand.Application {
		p, err := a.Identity.PrincipalOf(ctx, "operator")
		must(t, err, true)
		d, err := a.Demands.File(ctx, p, in)
		must(t, err, true)
		return d
	}
	ids["demand-id"] = file().ID
	g := file()
	for _, who := range []string{"bureau", "provider-hrss"} {
		p, err := a.Identity.PrincipalOf(ctx, who)
		must(t, err, true)
		g, err = a.Demands.Decide(ctx, p, g.ID, demand.Approve, "")
		must(t, err, true)
	}
	must(t, nil, g.GrantID != "")
	ids["grant-id"] = g.GrantID
}

func fillDemandPath(path, _ string, ids map[string]string) string {
	for prefix, id := range map[string]string{"/api/v1/demands/": "demand-id", "/api/v1/grants/": "grant-id"} {
		if strings.HasPrefix(path, prefix) {
			return strings.ReplaceAll(path, "{id}", ids[id])
		}
	}
	return ""
}
