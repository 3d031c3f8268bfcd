package web_test

import (
	"context"
	"strings"
	"testing"

	"shuyu/internal/app/apptest"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
	"shuyu/internal/workspace"
)

// The workspace's routes. Paths name an aggregate grant of the demo
// operator, an answered review query and a pending release of another:
// only its analysts query (analyst2 lacks the Art. 30 records) and ask
// for releases, its analysts and manager read the history and download
// (the release is decided before); the city's reviewers decide releases,
// the county's reaching none of the city's. The routes come before the
// governance routes, which end the demo agreement.
func init() {
	operatorStaff := []string{"analyst", "analyst2", "operator"}
	releaseReaders := []string{"admin", "bureau", "regulator", "finance", "analyst", "analyst2", "operator"}
	releaseListers := append([]string{"kuiwen"}, releaseReaders...)
	comment := func(int64) any { return map[string]any{"comment": "审核意见"} }
	fixtureHooks = append(fixtureHooks, workspaceFixtures)
	// Before demand's hook, which fills every grant path with its own grant
	// (which the matrix revokes).
	fillHooks = append([]func(string, string, map[string]string) string{fillWorkspacePath}, fillHooks...)
	addToMatrix(map[string]expect{
		"POST /api/v1/grants/{id}/queries": {allowed: []string{"analyst"}, body: func(int64) any {
			return map[string]any{"sql": "SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district"}
		}},
		"GET /api/v1/grants/{id}/queries": {allowed: operatorStaff},
		"POST /api/v1/queries/{id}/release": {allowed: []string{"analyst", "analyst2"}, body: func(int64) any {
			return map[string]any{"reason": "统计报告"}
		}},
		"GET /api/v1/releases":                  {allowed: releaseListers},
		"GET /api/v1/releases/{id}":             {allowed: releaseReaders},
		"POST /api/v1/releases/{id}/release":    {allowed: []string{"bureau"}, body: comment},
		"POST /api/v1/releases/{id}/refuse":     {allowed: []string{"bureau"}, body: comment},
		"GET /api/v1/releases/{id}/result.csv":  {allowed: operatorStaff},
		"GET /api/v1/releases/{id}/result.xlsx": {allowed: operatorStaff},
	})
}

func workspaceFixtures(t *testing.T, env *apptest.Env, ids map[string]string) {
	t.Helper()
	ctx := context.Background()
	demo := demoGrants(t, env)
	ids["ws-grant"] = demo[sandbox.Aggregate]
	analyst, err := env.App.Identity.PrincipalOf(ctx, "analyst")
	must(t, err, true)
	var answers []workspace.Answer
	for _, q := range []string{"SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district",
		"SELECT gender, COUNT(*) AS n FROM social_insurance GROUP BY gender"} {
		ans, err := env.App.Workspace.Run(ctx, analyst, demo[sandbox.Review], q)
		must(t, err, true)
		answers = append(answers, ans)
	}
	rel, err := env.App.Workspace.Request(ctx, analyst, answers[1].QueryID, workspace.RequestInput{Reason: "矩阵测试"})
	must(t, err, true)
	ids["ws-query"], ids["ws-release"] = answers[0].QueryID, rel.ID
}

// demoGrants are the demo analyst's grants (shuyu demo seeds one of each
// rule), by rule: the oldest of each, the list being newest first.
func demoGrants(t *testing.T, env *apptest.Env) map[sandbox.Rule]string {
	t.Helper()
	analyst, err := env.App.Identity.PrincipalOf(context.Background(), "analyst")
	must(t, err, true)
	gs, _, err := env.App.Demands.Grants(context.Background(), analyst, store.NewPage(50, ""))
	must(t, err, true)
	out := map[sandbox.Rule]string{}
	for _, g := range gs {
		out[g.Rule] = g.ID
	}
	must(t, nil, len(out) == 4)
	return out
}

func fillWorkspacePath(path, _ string, ids map[string]string) string {
	switch {
	case strings.HasPrefix(path, "/api/v1/grants/") && strings.HasSuffix(path, "/queries"):
		return strings.Replace(path, "{id}", ids["ws-grant"], 1)
	case strings.HasPrefix(path, "/api/v1/queries/"):
		return strings.Replace(path, "{id}", ids["ws-query"], 1)
	case strings.HasPrefix(path, "/api/v1/releases/"):
		return strings.Replace(path, "{id}", ids["ws-release"], 1)
	}
	return ""
}
