package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/app"
	"shuyu/internal/app/apptest"
	"shuyu/internal/demo"
	"shuyu/internal/product"
	"shuyu/internal/store"
)

// demoProduct is the demo's published API product and the demo unit's
// approved subscription of it.
func demoProduct(t *testing.T, env *apptest.Env) (product.Product, product.Subscription) {
	t.Helper()
	ctx, sys := context.Background(), access.System("test")
	prs, _, err := env.App.Products.List(ctx, sys, store.NewPage(store.MaxPageSize, ""))
	if err != nil {
		t.Fatal(err)
	}
	subs, _, err := env.App.Products.Subscriptions(ctx, sys, store.NewPage(store.MaxPageSize, ""))
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range prs {
		for _, s := range subs {
			if pr.Name == app.DemoProduct && s.ProductID == pr.ID {
				return pr, s
			}
		}
	}
	t.Fatalf("no demo product with a subscription among %d products", len(prs))
	return product.Product{}, product.Subscription{}
}

// demoCallsMonth is the month of the demo's calls, last month, whose
// statements shuyu demo issued: the pages show its figures.
func demoCallsMonth(t *testing.T, env *apptest.Env) string {
	t.Helper()
	return demo.AgreementStart(env.App.DB.Now()).String()[:7]
}

// TestProductPageAccess opens the product, subscription, usage, revenue
// and statement pages as each role: who sees which page and which forms
// follows the policy, the regulator reads without forms, and the pages
// speak English too.
func TestProductPageAccess(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		pr, sub := demoProduct(t, env)
		// The bureau records the revenue-sharing rule, which statements need;
		// parts that do not make 100% are refused beside the form.
		bureau := consoleLogin(t, env, "bureau")
		rule := url.Values{"agreement": {pr.AgreementID}, "government_bp": {"3000"}, "operator_bp": {"5000"}, "providers_bp": {"1000"}}
		wantPage(t, "a rule short of 100%", bureau.submit("/console/billing", "/console/billing/rules", rule), http.StatusBadRequest, "10000", `data-test="rule-form"`)
		rule.Set("providers_bp", "2000")
		if a := bureau.submit("/console/billing", "/console/billing/rules", rule); a.status != http.StatusSeeOther {
			t.Fatalf("rule: %d\n%.2000s", a.status, a.body)
		}
		month := demoCallsMonth(t, env)
		page := "/console/products/" + pr.ID
		cases := []struct {
			user, path string
			status     int
			want, not  []string
		}{
			{"appunit", "/console/products", 200, []string{`data-product="` + pr.ID + `"`, app.DemoProduct, "¥0.30"}, []string{`data-test="product-new"`, `data-tab=`}},
			{"appunit", page, 200, []string{`data-test="api-doc"`, `data-test="example"`, "/call", `&#34;uscc&#34;:&#34;`, "¥0.50", `data-test="apply-form"`},
				[]string{`data-test="cap-form"`, `data-test="price-form"`, `data-test="product-review"`}},
			{"appunit", "/console/subscriptions", 200, []string{`data-sub="` + sub.ID + `"`, "已同意"}, []string{`data-test="sub-end"`}},
			{"appunit", "/console/usage", 200, []string{`data-usage="` + pr.ID + `"`, `data-test="usage-chart"`, `data-month="` + month + `">240<`}, nil},
			{"appunit", "/console/statements", 200, []string{`data-kind="app_unit"`, "¥72.00"}, []string{`data-kind="operator"`}},
			{"appunit", "/console/billing", 403, nil, nil},
			{"appunit", "/console/products/new", 403, nil, nil},
			{"appunit", "/console/products/reviews", 403, nil, nil},
			{"operator", "/console/products", 200, []string{`data-test="product-new"`, `data-tab="reviewing"`}, nil},
			{"operator", page, 200, []string{`data-test="price-form"`, `data-test="reg-code"`}, []string{`data-test="cap-form"`, `data-test="apply-form"`}},
			{"operator", "/console/products/new", 200, []string{`data-test="product-form"`, `name="api.query"`}, nil},
			{"operator", "/console/subscriptions", 200, []string{`data-sub="` + sub.ID + `"`, `data-test="sub-end"`}, nil},
			{"operator", "/console/usage", 200, []string{`data-month="` + month + `">240<`}, nil},
			{"operator", "/console/statements", 200, []string{`data-kind="operator"`, `data-kind="app_unit"`}, nil},
			{"operator", "/console/billing", 200, []string{`data-test="maximum"`, "¥100,000.00", `data-test="cap-table"`}, []string{`data-test="maximum-form"`}},
			{"bureau", "/console/products/reviews", 200, []string{"产品合规审核"}, []string{`data-product="` + pr.ID + `"`}},
			{"bureau", page, 200, []string{`data-test="cap-form"`}, []string{`data-test="price-form"`, `data-test="apply-form"`}},
			{"bureau", "/console/billing?month=" + month, 200, []string{`data-test="maximum-form"`, `data-test="split"`, `data-party="government"`, "¥72.00", "政府 30%"}, nil},
			{"bureau", "/console/billing?year=abc", 400, []string{"2000"}, nil},
			{"regulator", page, 200, []string{`data-test="cap"`, `data-test="price-value"`}, []string{"<form method=\"post\" action=\"/console/products/"}},
			{"regulator", "/console/subscriptions", 200, []string{`data-sub="` + sub.ID + `"`}, []string{`data-test="sub-`}},
			{"regulator", "/console/billing?month=" + month, 200, []string{`data-test="split"`}, []string{`data-test="maximum-form"`}},
			{"regulator", "/console/statements", 200, []string{`data-kind="operator"`}, nil},
			{"regulator", "/console/products/reviews", 403, nil, nil},
			{"regulator", "/console/products/new", 403, nil, nil},
			{"provider-hrss", "/console/subscriptions", 200, []string{"暂无使用申请"}, nil},
			{"provider-hrss", "/console/billing", 403, nil, nil},
			{"analyst", "/console/subscriptions", 403, nil, nil},
			{"analyst", "/console/products/no-such-product", 404, nil, nil},
		}
		clients := map[string]*consoleClient{"bureau": bureau}
		for _, c := range cases {
			b := clients[c.user]
			if b == nil {
				b = consoleLogin(t, env, c.user)
				clients[c.user] = b
			}
			a := b.get(c.path)
			wantPage(t, c.user+" GET "+c.path, a, c.status, c.want...)
			for _, n := range c.not {
				if strings.Contains(a.body, n) {
					t.Errorf("%s GET %s shows %q", c.user, c.path, n)
				}
			}
		}
		// The navigation follows the roles.
		nav := map[string][]string{"appunit": {"products", "subscriptions", "usage", "statements", "api-keys"},
			"bureau": {"products", "product-reviews", "subscriptions", "billing", "statements"}, "regulator": {"products", "subscriptions", "billing", "statements"}}
		for user, ids := range nav {
			home := clients[user].get("/console")
			for _, id := range ids {
				if !strings.Contains(home.body, `data-nav="`+id+`"`) {
					t.Errorf("%s's navigation lacks %s", user, id)
				}
			}
		}
		if home := clients["appunit"].get("/console"); strings.Contains(home.body, `data-nav="billing"`) || strings.Contains(home.body, `data-nav="product-reviews"`) {
			t.Error("the application unit is offered revenue or the review queue")
		}
		if home := clients["provider-hrss"].get("/console"); strings.Contains(home.body, `data-nav="subscriptions"`) {
			t.Error("a provider is offered subscriptions")
		}
		// A regulator's post is refused whatever the page showed.
		reg := clients["regulator"]
		wantPage(t, "regulator sets a price", reg.submit(page, page+"/price", url.Values{"price_fen": {"1"}, "basis": {"x"}}), http.StatusForbidden)
		// English.
		b := clients["appunit"]
		b.get("/lang?to=en&back=/")
		wantPage(t, "product in English", b.get(page), 200, "API documentation", "Apply to use this product", "per call")
		wantPage(t, "usage in English", b.get("/console/usage"), 200, "Bar chart of the calls of")
	})
}

// TestProductCSRF posts to every state-changing product and billing page
// forged: each is refused and nothing is recorded.
func TestProductCSRF(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		pr, sub := demoProduct(t, env)
		operator, bureau, unit := consoleLogin(t, env, "operator"), consoleLogin(t, env, "bureau"), consoleLogin(t, env, "appunit")
		p := "/console/products/" + pr.ID
		refuseForged(t, env, consoleLogin(t, env, "regulator").token("/console"), []forgedPost{
			{operator, "/console/products/new", url.Values{"name": {"不该出现的产品"}, "type": {"model"}, "scenario": {"s"}, "price_category": {"free"}}},
			{operator, p + "/edit", url.Values{"scenario": {"s"}, "price_category": {"free"}}},
			{operator, p + "/deregister", url.Values{"reason": {"r"}}},
			{bureau, p + "/approve", url.Values{"comment": {"同意"}}},
			{bureau, p + "/reject", url.Values{"comment": {"退回"}}},
			{unit, p + "/subscribe", url.Values{"purpose": {"用途"}}},
			{bureau, p + "/cap", url.Values{"method": {"per_call"}, "cap_fen": {"40"}, "expected_volume": {"100"}, "basis": {"b"}}},
			{operator, p + "/price", url.Values{"price_fen": {"20"}, "basis": {"b"}}},
			{operator, "/console/subscriptions/" + sub.ID + "/approve", url.Values{"comment": {"同意"}}},
			{operator, "/console/subscriptions/" + sub.ID + "/refuse", url.Values{"comment": {"不同意"}}},
			{operator, "/console/subscriptions/" + sub.ID + "/end", url.Values{"comment": {"终止"}}},
			{bureau, "/console/billing/maximums", url.Values{"agreement": {pr.AgreementID}, "year": {"2026"}, "cost_fen": {"1"}, "basis": {"b"}}},
			{bureau, "/console/billing/rules", url.Values{"agreement": {pr.AgreementID}, "government_bp": {"10000"}}},
		})
	})
}

// TestProductForms runs a product's registration, sending back, change and
// deregistration through the console's forms, with the services' refusals
// shown beside the field they concern and the form kept as typed.
func TestProductForms(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		grant := listGrant(t, env)
		operator, bureau := consoleLogin(t, env, "operator"), consoleLogin(t, env, "bureau")
		form := url.Values{"name": {"企业信用等级（表单测试）"}, "type": {"api"}, "scenario": {"贷前核验"}, "price_category": {"guided"},
			"grant_ids": {grant}, "api.query": {"SELECT uscc, grade FROM tax_credit ORDER BY year DESC"}, "api.param.name": {"uscc"},
			"api.param.format": {"uscc"}, "api.outputs": {"grade, rating"}}
		a := operator.submit("/console/products/new", "/console/products/new", form)
		wantPage(t, "an output the query lacks", a, http.StatusBadRequest, `id="f-outputs"`, "api.outputs[1]", "grade, rating", "贷前核验")
		if !strings.Contains(a.body, `<div class="field field-invalid"><label for="f-outputs">`) {
			t.Error("the outputs' error is not beside the outputs")
		}
		form.Set("api.outputs", "grade")
		a = operator.submit("/console/products/new", "/console/products/new", form)
		if a.status != http.StatusSeeOther || !strings.HasPrefix(a.location(), "/console/products/") {
			t.Fatalf("register: %d\n%.2000s", a.status, a.body)
		}
		page := a.location()
		wantPage(t, "the registered product", operator.get(page), 200, `data-state="reviewing"`, "已登记", `data-test="deregister-form"`)
		wantPage(t, "the review queue", bureau.get("/console/products/reviews"), 200, `href="`+page+`"`)

		wantPage(t, "sending back without a finding", bureau.submit(page, page+"/reject", nil), http.StatusBadRequest, "comment:", `data-step="reject"`)
		if a = bureau.submit(page, page+"/reject", url.Values{"comment": {"请说明输出字段的必要性"}}); a.status != http.StatusSeeOther {
			t.Fatalf("send back: %d\n%.2000s", a.status, a.body)
		}
		wantPage(t, "sent back", operator.get(page), 200, `data-state="rejected"`, "请说明输出字段的必要性", `data-test="product-edit"`)
		edit := operator.get(page + "/edit")
		wantPage(t, "the change form", edit, 200, `action="`+page+`/edit"`, "SELECT uscc, grade FROM tax_credit", `value="grade"`)
		if strings.Contains(edit.body, `id="f-name"`) {
			t.Error("the change form offers to rename the product")
		}
		form.Set("scenario", "银行贷前核验企业纳税信用等级")
		if a = operator.submit(page+"/edit", page+"/edit", form); a.status != http.StatusSeeOther {
			t.Fatalf("change: %d\n%.2000s", a.status, a.body)
		}
		wantPage(t, "changed", operator.get(page), 200, `data-state="reviewing"`, "银行贷前核验企业纳税信用等级", "<dd>2</dd>")
		wantPage(t, "a change in review", operator.get(page+"/edit"), http.StatusConflict, "只有已发布或已退回的产品可以变更")

		wantPage(t, "deregistering without a reason", operator.submit(page, page+"/deregister", nil), http.StatusBadRequest, "reason:", `id="f-reason-err"`)
		if a = operator.submit(page, page+"/deregister", url.Values{"reason": {"业务调整"}}); a.status != http.StatusSeeOther {
			t.Fatalf("deregister: %d\n%.2000s", a.status, a.body)
		}
		wantPage(t, "deregistered", operator.get(page), 200, `data-state="deregistered"`)
		// Another operator's staff may not touch it: the analyst cannot register at all.
		wantPage(t, "an analyst changes it", consoleLogin(t, env, "analyst").submit("/console", page+"/edit", form), http.StatusForbidden)
	})
}
