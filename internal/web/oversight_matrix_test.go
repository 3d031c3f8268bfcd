package web_test

import (
	"strings"
	"testing"
	"time"

	"shuyu/internal/app/apptest"
	"shuyu/internal/calendar"
)

// Evaluations and rectification tasks in paths are those of the demo
// operator's agreement with the city bureau (see oversight). Their readers
// are the platform administrator, the city bureau, the city's regulators
// (finance is one) and the operator's manager; the county bureau lists
// them (and finds none) but reads none; the operator's analysts do not.
// The matrix takes the steps in route order, so an allowed caller may meet
// a conflict, never a refusal.
func init() {
	readers := []string{"admin", "bureau", "regulator", "finance", "operator"}
	listers := append([]string{"kuiwen"}, readers...)
	comment := func(text string) func(int64) any {
		return func(int64) any { return map[string]any{"comment": text} }
	}
	fixtureHooks = append(fixtureHooks, func(t *testing.T, env *apptest.Env, ids map[string]string) { oversight(t, env, ids) })
	fillHooks = append(fillHooks, fillOversightPath)
	addToMatrix(map[string]expect{
		"GET /api/v1/evaluation-templates":           {allowed: listers},
		"GET /api/v1/evaluation-templates/{version}": {allowed: listers},
		// The demo's agreement has its evaluation of this year: a conflict
		// for the city bureau, a refusal for everyone else.
		"POST /api/v1/operator-evaluations": {allowed: []string{"bureau"}, body: func(int64) any {
			return map[string]any{"agreement_id": "{agreement}", "year": calendar.DateOf(time.Now()).Year()}
		}},
		"GET /api/v1/operator-evaluations":      {allowed: listers},
		"GET /api/v1/operator-evaluations/{id}": {allowed: readers},
		"POST /api/v1/operator-evaluations/{id}/items/{item}/answer": {allowed: []string{"operator"}, body: func(int64) any {
			return map[string]any{"answer": "全部使用均在授权范围内"}
		}},
		"POST /api/v1/operator-evaluations/{id}/items/{item}/score": {allowed: []string{"bureau"}, body: func(int64) any {
			return map[string]any{"points": 10}
		}},
		"GET /api/v1/operator-evaluations/{id}/files/{file}": {allowed: readers},
		"POST /api/v1/operator-evaluations/{id}/rectifications": {allowed: []string{"bureau"}, body: func(int64) any {
			return map[string]any{"item_key": "disclosure", "finding": "披露迟报", "requirement": "补报", "days": 10}
		}},
		"POST /api/v1/operator-evaluations/{id}/submit":   {allowed: []string{"operator"}},
		"POST /api/v1/operator-evaluations/{id}/return":   {allowed: []string{"bureau"}, body: comment("请补充材料")},
		"POST /api/v1/operator-evaluations/{id}/grade":    {allowed: []string{"bureau"}},
		"POST /api/v1/operator-evaluations/{id}/revise":   {allowed: []string{"bureau"}, body: comment("复核")},
		"POST /api/v1/operator-evaluations/{id}/finalise": {allowed: []string{"bureau"}, body: comment("合格")},

		"GET /api/v1/rectifications":      {allowed: listers},
		"GET /api/v1/rectifications/{id}": {allowed: readers},
		"POST /api/v1/rectifications/{id}/submit": {allowed: []string{"operator"}, body: func(int64) any {
			return map[string]any{"report": "已整改"}
		}},
		"GET /api/v1/rectifications/{id}/files/{file}": {allowed: readers},
		"POST /api/v1/rectifications/{id}/accept":      {allowed: []string{"bureau"}},
		"POST /api/v1/rectifications/{id}/reject":      {allowed: []string{"bureau"}, body: comment("未到位")},
		"POST /api/v1/rectifications/{id}/cancel":      {allowed: []string{"bureau"}, body: comment("误报")},

		"GET /api/v1/inbox":        {allowed: members},
		"GET /api/v1/inbox/counts": {allowed: members},
	})
}

func fillOversightPath(path, _ string, ids map[string]string) string {
	switch {
	case strings.HasPrefix(path, "/api/v1/evaluation-templates/"):
		return strings.Replace(path, "{version}", "current", 1)
	case strings.HasSuffix(path, "/{id}/rectifications"):
		return strings.Replace(path, "{id}", ids["final"], 1)
	case strings.HasPrefix(path, "/api/v1/operator-evaluations/"):
		return strings.NewReplacer("{id}", ids["evaluation"], "{item}", "scope", "{file}", ids["evaluation-file"]).Replace(path)
	case strings.HasSuffix(path, "/files/{file}"):
		return strings.NewReplacer("{id}", ids["reported"], "{file}", ids["reported-file"]).Replace(path)
	case strings.HasPrefix(path, "/api/v1/rectifications/"):
		return strings.Replace(path, "{id}", ids["rectification"], 1)
	case strings.HasPrefix(path, "/api/v1/inbox"), strings.HasPrefix(path, "/api/v1/operator-evaluations"),
		strings.HasPrefix(path, "/api/v1/rectifications"), path == "/api/v1/evaluation-templates":
		return path
	}
	return ""
}
