package web_test

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/app/apptest"
	"shuyu/internal/billing"
	"shuyu/internal/calendar"
	"shuyu/internal/store"
)

// Billing paths name the demo agreement (as governance finds it), a product
// bill-p1 priced under it this year, and the statements of this month,
// issued by a clock set at the start of next month.
func init() {
	var (
		readers = []string{"admin", "bureau", "regulator", "finance", "operator"}
		listers = []string{"admin", "bureau", "kuiwen", "regulator", "finance", "operator"}
		bureau  = []string{"bureau"}
	)
	body := func(v map[string]any) func(int64) any { return func(int64) any { return maps.Clone(v) } }
	fixtureHooks = append(fixtureHooks, billingFixtures)
	fillHooks = append(fillHooks, fillBillingPath)
	addToMatrix(map[string]expect{
		"GET /api/v1/billing/agreements/{id}/maximums":        {allowed: readers},
		"GET /api/v1/billing/agreements/{id}/maximums/{year}": {allowed: readers},
		"PUT /api/v1/billing/agreements/{id}/maximums/{year}": {allowed: bureau, body: body(map[string]any{"cost_fen": 5_000_000, "profit_fen": 500_000, "tax_fen": 300_000, "basis": "矩阵测试"})},
		"GET /api/v1/billing/agreements/{id}/revenue-rule":    {allowed: readers},
		"PUT /api/v1/billing/agreements/{id}/revenue-rule":    {allowed: bureau, body: body(map[string]any{"government_bp": 3000, "operator_bp": 5000, "providers_bp": 2000})},
		"GET /api/v1/billing/agreements/{id}/splits/{month}":  {allowed: readers},
		"GET /api/v1/billing/caps":                            {allowed: listers},
		"GET /api/v1/billing/caps/{product}/{year}":           {allowed: readers},
		"PUT /api/v1/billing/caps/{product}/{year}": {allowed: bureau, body: body(map[string]any{"product_name": "矩阵测试产品", "agreement_id": "{bill-agreement}",
			"method": "per_call", "cap_fen": 50, "expected_volume": 1000, "basis": "矩阵测试"})},
		"PUT /api/v1/billing/prices/{product}/{year}": {allowed: []string{"operator"}, body: body(map[string]any{"price_fen": 40, "basis": "矩阵测试"})},
		"GET /api/v1/public/prices":                   {allowed: public},
		"POST /api/v1/billing/statements":             {allowed: []string{"admin"}, body: body(map[string]any{"month": "2026-01", "usage": []any{}})},
		"GET /api/v1/billing/statements":              {allowed: []string{"admin", "bureau", "kuiwen", "regulator", "finance", "operator", "appunit"}},
		"GET /api/v1/billing/statements/{id}":         {allowed: []string{"admin", "bureau", "regulator", "finance", "operator", "appunit"}},
	})
}

// billingFixtures prices bill-p1 under the demo agreement this year and
// issues this month's statements to the demo application unit.
func billingFixtures(t *testing.T, env *apptest.Env, ids map[string]string) {
	t.Helper()
	ctx := context.Background()
	a, sys := env.App, access.System("test")
	bureau, err := a.Identity.PrincipalOf(ctx, "bureau")
	must(t, err, true)
	operator, err := a.Identity.PrincipalOf(ctx, "operator")
	must(t, err, true)
	today := calendar.DateOf(time.Now())
	year, month := today.Year(), today.String()[:7]
	// Hooks run in file order, before governance's: find the agreement here.
	ags, _, err := a.Agreements.List(ctx, sys, agreement.Filter{State: agreement.Active}, store.NewPage(50, ""))
	must(t, err, len(ags) == 1)
	ag := ags[0].ID
	ids["bill-agreement"] = ag
	_, err = a.Billing.SetMaximum(ctx, bureau, ag, year, billing.MaximumInput{CostFen: 8_000_000, ProfitFen: 1_000_000, TaxFen: 500_000, Basis: "成本监审"})
	must(t, err, true)
	_, err = a.Billing.SetCap(ctx, bureau, "bill-p1", year, billing.CapInput{ProductName: "企业纳税信用等级核验", AgreementID: ag,
		Method: billing.PerCall, CapFen: 50, ExpectedVolume: 10000, Basis: "单位成本加合理利润"})
	must(t, err, true)
	_, err = a.Billing.SetPrice(ctx, operator, "bill-p1", year, billing.PriceInput{PriceFen: 40, Basis: "按成本"})
	must(t, err, true)
	_, err = a.Billing.SetRule(ctx, bureau, ag, billing.RuleInput{GovernmentBP: 3000, OperatorBP: 5000, ProvidersBP: 2000})
	must(t, err, true)
	next := time.Date(year, today.Month()+1, 2, 12, 0, 0, 0, calendar.Shanghai())
	later := a.Billing.WithClock(func() time.Time { return next })
	sts, err := later.Issue(ctx, sys, month, []billing.Usage{{ProductID: "bill-p1", AppUnitID: env.Demo.Orgs["appunit"],
		OperatorID: env.Demo.Orgs["operator"], Month: month, Calls: 1000}})
	must(t, err, len(sts) == 2 && sts[0].Kind == billing.ToAppUnit)
	ids["bill-statement"], ids["bill-month"], ids["bill-year"] = sts[0].ID, month, month[:4]
}

func fillBillingPath(path, _ string, ids map[string]string) string {
	if !strings.HasPrefix(path, "/api/v1/billing/") {
		return ""
	}
	id := ids["bill-agreement"]
	if strings.HasPrefix(path, "/api/v1/billing/statements/") {
		id = ids["bill-statement"]
	}
	return strings.NewReplacer("{id}", id, "{product}", "bill-p1", "{year}", ids["bill-year"], "{month}", ids["bill-month"]).Replace(path)
}
