package web_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/app/apptest"
	"shuyu/internal/billing"
	"shuyu/internal/calendar"
	"shuyu/internal/demo"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestBillingAPI prices a product over HTTP on the demo agreement: the
// bureau approves the year's maximum and sets a cap, the operator's price
// above the cap is refused naming both, the price under it is published to
// the anonymous public with method, standard and basis only; the month's
// statements (issued by the platform when the month is over) reach the
// application unit and the operator, and the split sums to the total.
func TestBillingAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := apptest.New(t, d)
			ctx := context.Background()
			ags, _, err := env.App.Agreements.List(ctx, access.System("test"), agreement.Filter{State: agreement.Active}, store.NewPage(5, ""))
			if err != nil || len(ags) != 1 {
				t.Fatalf("demo agreement: %v", err)
			}
			ag, today := ags[0].ID, calendar.DateOf(time.Now())
			year, month := today.Year(), today.String()[:7]
			bureau, operator, app := env.Login(t, "bureau"), env.Login(t, "operator"), env.Login(t, "appunit")
			call := func(method, path, token string, body any, want int) string {
				t.Helper()
				status, raw := env.Do(t, method, path, token, body)
				if status != want {
					t.Fatalf("%s %s: %d %s; want %d", method, path, status, raw, want)
				}
				return string(raw)
			}
			call("PUT", fmt.Sprintf("/api/v1/billing/agreements/%s/maximums/%d", ag, year), bureau,
				map[string]any{"cost_fen": 800_000, "profit_fen": 150_000, "tax_fen": 50_000, "basis": "成本监审报告"}, http.StatusOK)
			capPath := fmt.Sprintf("/api/v1/billing/caps/tax-grade/%d", year)
			capBody := map[string]any{"product_name": "企业纳税信用等级核验", "agreement_id": ag, "method": "per_call", "cap_fen": 50,
				"expected_volume": 10000, "basis": "单位成本 0.4 元/次加合理利润"}
			call("PUT", capPath, operator, capBody, http.StatusForbidden)
			call("PUT", capPath, bureau, capBody, http.StatusOK)
			pricePath := fmt.Sprintf("/api/v1/billing/prices/tax-grade/%d", year)
			raw := call("PUT", pricePath, operator, map[string]any{"price_fen": 60, "basis": "按成本"}, http.StatusBadRequest)
			if !strings.Contains(raw, "60 fen") || !strings.Contains(raw, "cap of 50 fen") {
				t.Errorf("price above the cap: %s; want it to name the price and the cap", raw)
			}
			call("PUT", pricePath, operator, map[string]any{"price_fen": 40, "trial": true, "basis": "试行价格，按成本"}, http.StatusOK)
			call("PUT", "/api/v1/billing/agreements/"+ag+"/revenue-rule", bureau,
				map[string]any{"government_bp": 3000, "operator_bp": 5000, "providers_bp": 2000}, http.StatusOK)

			var pub apiList[billing.PublicPrice]
			// The demo's product is published and priced (shuyu demo seeds
			// it); tax-grade is capped and priced but no published product,
			// so its prices are not public.
			status := env.Call(t, "GET", fmt.Sprintf("/api/v1/public/prices?year=%d", year), "", nil, &pub)
			i := slices.IndexFunc(pub.Items, func(p billing.PublicPrice) bool { return p.ProductID == "tax-grade" })
			if status != http.StatusOK || len(pub.Items) != 1 || i >= 0 || pub.Items[0].ProductName != "企业纳税信用等级核验" || *pub.Items[0].PriceFen != 30 {
				t.Fatalf("public prices: %d %+v", status, pub)
			}
			if c, err := env.App.Billing.Cap(ctx, access.System("test"), "tax-grade", year); err != nil || c.Price == nil || c.Price.PriceFen != 40 || !c.Price.Trial {
				t.Fatalf("tax-grade's price: %+v, %v", c, err)
			}
			_, rawPub := env.Do(t, "GET", "/api/v1/public/prices", "", nil)
			for _, secret := range []string{"expected_volume", "set_by", "agreement_id", "operator_id", "jurisdiction_id"} {
				if strings.Contains(string(rawPub), secret) {
					t.Errorf("public prices show %s: %s", secret, rawPub)
				}
			}

			// The month is issued once over; the meter's figures come in here.
			later := env.App.Billing.WithClock(func() time.Time { return time.Date(year, today.Month()+1, 2, 12, 0, 0, 0, calendar.Shanghai()) })
			provider := ags[0].Datasets[0].ProviderID
			if _, err := later.Issue(ctx, access.System("test"), month, []billing.Usage{{ProductID: "tax-grade", AppUnitID: env.Demo.Orgs["appunit"],
				OperatorID: env.Demo.Orgs["operator"], Month: month, Calls: 1001, ProviderCalls: map[string]int64{provider: 1001}}}); err != nil {
				t.Fatal(err)
			}
			call("POST", "/api/v1/billing/statements", env.Login(t, "admin"), map[string]any{"month": month, "usage": []any{}}, http.StatusBadRequest)
			var mine apiList[billing.Statement]
			env.Call(t, "GET", "/api/v1/billing/statements?month="+month, app, nil, &mine)
			if len(mine.Items) != 1 || mine.Items[0].TotalFen != 40040 || mine.Items[0].Lines[0].Quantity != 1001 || !mine.Items[0].Lines[0].Trial {
				t.Fatalf("the application unit's statements: %+v", mine)
			}
			var ops apiList[billing.Statement]
			env.Call(t, "GET", "/api/v1/billing/statements?kind=operator&month="+month, operator, nil, &ops)
			if len(ops.Items) != 1 || ops.Items[0].TotalFen != 40040 {
				t.Fatalf("the operator's statement: %+v", ops)
			}
			call("GET", "/api/v1/billing/statements/"+ops.Items[0].ID, app, nil, http.StatusForbidden)
			var sp billing.Split
			env.Call(t, "GET", "/api/v1/billing/agreements/"+ag+"/splits/"+month, operator, nil, &sp)
			var sum int64
			for _, sh := range sp.Shares {
				sum += sh.Fen
			}
			// 40,040 fen: 12,012 government, 20,020 operator, 8,008 the one provider.
			if sum != 40040 || len(sp.Shares) != 3 || sp.Shares[0].Fen != 12012 || sp.Shares[2].Fen != 8008 {
				t.Errorf("split: %+v", sp)
			}
			// The year's revenue counts the demo's of last month when last
			// month is in this year.
			demoFen := int64(0)
			if last := demo.AgreementStart(time.Now()); last.Year() == year {
				dsp, err := env.App.Billing.Split(ctx, access.System("test"), ag, last.String()[:7])
				if err != nil {
					t.Fatal(err)
				}
				demoFen = dsp.TotalFen
			}
			var m billing.Maximum
			env.Call(t, "GET", fmt.Sprintf("/api/v1/billing/agreements/%s/maximums/%d", ag, year), env.Login(t, "regulator"), nil, &m)
			// The caps commit this test's 500,000 fen and the demo product's as much.
			if m.ApprovedFen != 1_000_000 || m.RevenueFen != 40040+demoFen || m.CapsFen != 1_000_000 {
				t.Errorf("maximum: %+v", m)
			}
		})
	}
}
