package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"shuyu/internal/app"
	"shuyu/internal/app/apptest"
	"shuyu/internal/product"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// Products' routes. Paths name the demo's published API product (which
// the demo application unit holds an approved subscription to, and the
// fixture's key calls) or, for the routes that change a product, one the
// fixture registers and leaves in review; subscription paths name the demo
// unit's subscription, which the operator's matrix call ends last.
func init() {
	comment := func(int64) any { return map[string]any{"comment": "矩阵测试"} }
	browsers := append(append([]string{}, members...), "api-key")
	subReaders := []string{"admin", "bureau", "regulator", "finance", "operator", "appunit"}
	operator := []string{"operator"}
	fixtureHooks = append(fixtureHooks, productFixtures)
	fillHooks = append(fillHooks, fillProductPath)
	addToMatrix(map[string]expect{
		"GET /api/v1/products": {allowed: browsers},
		"POST /api/v1/products": {allowed: operator, body: func(n int64) any {
			return map[string]any{"name": fmt.Sprintf("矩阵产品%d", n), "type": "model", "scenario": "矩阵测试", "price_category": "free",
				"grant_ids": []string{"{prod-grant}"}}
		}},
		"GET /api/v1/products/{id}": {allowed: browsers},
		"PUT /api/v1/products/{id}": {allowed: operator, body: func(int64) any {
			return map[string]any{"scenario": "矩阵测试", "price_category": "free", "grant_ids": []string{"{prod-grant}"}}
		}},
		"POST /api/v1/products/{id}/deregister":    {allowed: operator, body: func(int64) any { return map[string]any{"reason": "矩阵测试"} }},
		"PUT /api/v1/products/{id}/listing":        {allowed: operator, body: func(int64) any { return map[string]any{"exchange": "某数据交易所", "listing_id": "L-1"} }},
		"POST /api/v1/products/{id}/subscriptions": {allowed: []string{"appunit"}, body: func(int64) any { return map[string]any{"purpose": "矩阵测试"} }},
		// Every organization administrator may list (the unit's own, an empty list elsewhere).
		"GET /api/v1/subscriptions":               {allowed: append([]string{"kuiwen", "provider-hrss", "provider-amr", "provider-tax"}, subReaders...)},
		"GET /api/v1/subscriptions/{id}":          {allowed: subReaders},
		"POST /api/v1/products/{id}/call":         {allowed: []string{"api-key"}, body: func(int64) any { return map[string]any{"uscc": "{prod-uscc}"} }},
		"POST /api/v1/products/{id}/approve":      {allowed: []string{"bureau"}, body: comment},
		"POST /api/v1/products/{id}/reject":       {allowed: []string{"bureau"}, body: comment},
		"POST /api/v1/subscriptions/{id}/approve": {allowed: operator, body: comment},
		"POST /api/v1/subscriptions/{id}/refuse":  {allowed: operator, body: comment},
		"POST /api/v1/subscriptions/{id}/end":     {allowed: operator, body: comment},
	})
}

func productFixtures(t *testing.T, env *apptest.Env, ids map[string]string) {
	t.Helper()
	ctx := context.Background()
	a := env.App
	operator, err := a.Identity.PrincipalOf(ctx, "operator")
	must(t, err, true)
	unit, err := a.Identity.PrincipalOf(ctx, "appunit")
	must(t, err, true)
	prs, _, err := a.Products.List(ctx, operator, store.NewPage(50, ""))
	must(t, err, true)
	for _, pr := range prs {
		if pr.Name == app.DemoProduct {
			ids["prod-product"] = pr.ID
		}
	}
	v, err := a.Products.Detail(ctx, unit, ids["prod-product"])
	must(t, err, v.Example["uscc"] != nil)
	ids["prod-uscc"] = v.Example["uscc"].(string)
	subs, _, err := a.Products.Subscriptions(ctx, unit, store.NewPage(50, ""))
	must(t, err, len(subs) == 1)
	ids["prod-subscription"] = subs[0].ID
	ids["prod-grant"] = demoGrants(t, env)[sandbox.List]
	draft, err := a.Products.Register(ctx, operator, product.Input{Name: "矩阵草稿", Type: product.Model, Scenario: "矩阵测试", PriceCategory: "free",
		GrantIDs: []string{ids["prod-grant"]}})
	must(t, err, true)
	ids["prod-draft"] = draft.ID
}

func fillProductPath(path, key string, ids map[string]string) string {
	switch {
	case strings.HasPrefix(path, "/api/v1/subscriptions/"):
		return strings.Replace(path, "{id}", ids["prod-subscription"], 1)
	case !strings.HasPrefix(path, "/api/v1/products/"):
		return ""
	case key == "GET /api/v1/products/{id}" || strings.HasSuffix(path, "/call") || strings.HasSuffix(path, "/subscriptions"):
		return strings.Replace(path, "{id}", ids["prod-product"], 1)
	}
	return strings.Replace(path, "{id}", ids["prod-draft"], 1)
}
