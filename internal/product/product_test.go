package product_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/app"
	"shuyu/internal/app/apptest"
	"shuyu/internal/billing"
	"shuyu/internal/calendar"
	"shuyu/internal/disclosure"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/product"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
	"shuyu/internal/workspace"
)

// taxCredit is the demo's tax-credit check: the latest year's grade of an
// enterprise by its credit code, under the demo operator's list grant.
func taxCredit(grantID string) map[string]any {
	return map[string]any{"name": "纳税信用核验（测试）", "type": "api", "scenario": "普惠金融贷前核验企业纳税信用等级",
		"price_category": "guided", "grant_ids": []string{grantID},
		"api": map[string]any{"query": "SELECT uscc, grade, year FROM tax_credit ORDER BY year DESC",
			"param": map[string]any{"name": "uscc", "format": "uscc"}, "outputs": []string{"grade", "year"}}}
}

func principal(t *testing.T, env *apptest.Env, username string) access.Principal {
	t.Helper()
	p, err := env.App.Identity.PrincipalOf(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// listGrant is the demo operator's list grant over the registry and tax credit.
func listGrant(t *testing.T, env *apptest.Env) (id, agreementID string) {
	t.Helper()
	gs, _, err := env.App.Demands.Grants(context.Background(), principal(t, env, "operator"), store.NewPage(50, ""))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		if g.Rule == sandbox.List {
			return g.ID, g.AgreementID
		}
	}
	t.Fatalf("no list grant among %+v", gs)
	return "", ""
}

// errorOf is an API error body.
type errorOf struct {
	Error struct{ Code, Message string }
}

func want(t *testing.T, what string, status, code int, body []byte, fragment string) {
	t.Helper()
	if status != code || !strings.Contains(string(body), fragment) {
		t.Fatalf("%s: %d %s; want %d containing %q", what, status, body, code, fragment)
	}
}

// TestProductAPI goes register → review → publish → price → subscribe →
// key → call → metered → statement → revenue split → disclosed over HTTP, with the refusals on the way: a product
// on a product, an output the query lacks, a price above the cap, a key
// before approval, a malformed credit code, the quota, a revoked key, and
// the operator's exit.
func TestProductAPI(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			env := apptest.New(t, d)
			op, bureau, unit := env.Login(t, "operator"), env.Login(t, "bureau"), env.Login(t, "appunit")
			grantID, agreementID := listGrant(t, env)

			var pr product.Product
			if st := env.Call(t, "POST", "/api/v1/products", op, taxCredit(grantID), &pr); st != http.StatusCreated || pr.State != product.Reviewing || pr.Version != 1 {
				t.Fatalf("register: %d %+v", st, pr)
			}
			onProduct := taxCredit(pr.ID)
			onProduct["name"] = "套娃产品"
			st, body := env.Do(t, "POST", "/api/v1/products", op, onProduct)
			want(t, "product on a product", st, http.StatusBadRequest, body, "Art. 19")
			bad := taxCredit(grantID)
			bad["name"] = "缺字段"
			bad["api"].(map[string]any)["outputs"] = []string{"grade", "legal_rep_name"}
			st, body = env.Do(t, "POST", "/api/v1/products", op, bad)
			want(t, "an output the query lacks", st, http.StatusBadRequest, body, "legal_rep_name")
			st, body = env.Do(t, "GET", "/api/v1/products/"+pr.ID, unit, nil)
			want(t, "a product in review, to an application unit", st, http.StatusForbidden, body, "product.read")

			st, body = env.Do(t, "POST", "/api/v1/products/"+pr.ID+"/approve", op, map[string]string{"comment": "自审"})
			want(t, "the operator approving its own product", st, http.StatusForbidden, body, "product.review")
			if st := env.Call(t, "POST", "/api/v1/products/"+pr.ID+"/approve", bureau, map[string]string{"comment": "合规审核通过"}, &pr); st != http.StatusOK ||
				pr.State != product.Published || pr.Registration == nil || !strings.HasPrefix(pr.Registration.Code, "SYDP-") ||
				pr.Registration.ValidUntil.Sub(pr.Registration.RegisteredAt).Hours() < 3*365*24 {
				t.Fatalf("approve: %d %+v", st, pr)
			}

			// Prices through billing: a price above the cap is refused.
			year := calendar.DateOf(env.App.DB.Now()).Year()
			bp, op2 := principal(t, env, "bureau"), principal(t, env, "operator")
			if _, err := env.App.Billing.SetMaximum(ctx, bp, agreementID, year, billing.MaximumInput{CostFen: 8_000_000, ProfitFen: 1_500_000, TaxFen: 500_000, Basis: "成本监审"}); err != nil {
				t.Fatal(err)
			}
			if _, err := env.App.Billing.SetCap(ctx, bp, pr.ID, year, billing.CapInput{ProductName: pr.Name, AgreementID: agreementID, Method: billing.PerCall,
				CapFen: 50, ExpectedVolume: 10_000, Basis: "单位成本加合理利润"}); err != nil {
				t.Fatal(err)
			}
			if _, err := env.App.Billing.SetPrice(ctx, op2, pr.ID, year, billing.PriceInput{PriceFen: 60, Basis: "成本"}); !errs.Is(err, errs.Invalid) {
				t.Fatalf("a price above the cap: %v", err)
			}
			if _, err := env.App.Billing.SetPrice(ctx, op2, pr.ID, year, billing.PriceInput{PriceFen: 30, Basis: "成本"}); err != nil {
				t.Fatal(err)
			}

			var items struct{ Items []map[string]any }
			env.Call(t, "GET", "/api/v1/products", unit, nil, &items)
			var listed map[string]any
			for _, it := range items.Items {
				if it["id"] == pr.ID {
					listed = it
				}
			}
			if listed == nil || listed["price_fen"] != 30.0 || listed["cap_fen"] != 50.0 || listed["billing"] != "per_call" || listed["state"] != "published" ||
				listed["type"] != "api" || listed["operator"] == "" || listed["price_category"] != "guided" {
				t.Fatalf("the product in the list: %+v", listed)
			}
			var detail product.View
			env.Call(t, "GET", "/api/v1/products/"+pr.ID, unit, nil, &detail)
			example, _ := detail.Example["uscc"].(string)
			if example == "" || len(detail.Params) != 1 || detail.Params[0].Format != "uscc" || len(detail.Outputs) != 2 {
				t.Fatalf("detail: %+v", detail)
			}

			var sub product.Subscription
			if st := env.Call(t, "POST", "/api/v1/products/"+pr.ID+"/subscriptions", unit, map[string]any{"purpose": "小微企业贷款贷前核验"}, &sub); st != http.StatusCreated || sub.State != product.Applied {
				t.Fatalf("subscribe: %d %+v", st, sub)
			}
			st, body = env.Do(t, "POST", "/api/v1/api-keys", unit, map[string]any{"name": "尚未获批", "subscription_ids": []string{sub.ID}})
			want(t, "a key for a subscription not yet approved", st, http.StatusBadRequest, body, "not an approved subscription")
			var demoKey struct{ Key string }
			if st := env.Call(t, "POST", "/api/v1/api-keys", unit, map[string]any{"name": "演示产品专用", "subscription_ids": []string{demoSubscription(t, env)}}, &demoKey); st != http.StatusCreated {
				t.Fatalf("a key for the demo subscription: %d", st)
			}
			if st := env.Call(t, "POST", "/api/v1/subscriptions/"+sub.ID+"/approve", op, map[string]any{"comment": "用途合规", "quota_per_month": 5}, &sub); st != http.StatusOK || sub.State != product.Approved {
				t.Fatalf("approve the subscription: %d %+v", st, sub)
			}
			var key struct {
				ID, Key string
			}
			if st := env.Call(t, "POST", "/api/v1/api-keys", unit, map[string]any{"name": "贷前核验", "subscription_ids": []string{sub.ID}}, &key); st != http.StatusCreated || key.Key == "" {
				t.Fatalf("key: %d", st)
			}

			demoBatches := len(callBatches(t, env))
			var out map[string]any
			if st := env.Call(t, "POST", "/api/v1/products/"+pr.ID+"/call", key.Key, map[string]string{"uscc": example}, &out); st != http.StatusOK || out["found"] != true {
				t.Fatalf("call: %d %+v", st, out)
			}
			// The answer is the latest year's, as the analyst sees it in the grant.
			ans, err := env.App.Workspace.Run(ctx, principal(t, env, "analyst"), grantID,
				fmt.Sprintf("SELECT grade, year FROM tax_credit WHERE uscc = '%s' ORDER BY year DESC LIMIT 1", example))
			if err != nil {
				t.Fatal(err)
			}
			if len(ans.Rows) != 1 || fmt.Sprint(ans.Rows[0][0]) != fmt.Sprint(out["grade"]) || fmt.Sprint(ans.Rows[0][1]) != fmt.Sprint(out["year"]) {
				t.Fatalf("call answered %+v; the grant says %+v", out, ans.Rows)
			}
			malformed := example[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(strings.IndexByte("0123456789ABCDEFGHJKLMNPQRTUWXY", example[17])+1)%31])
			st, body = env.Do(t, "POST", "/api/v1/products/"+pr.ID+"/call", key.Key, map[string]string{"uscc": malformed})
			want(t, "a malformed credit code", st, http.StatusBadRequest, body, "GB 32100")
			st, body = env.Do(t, "POST", "/api/v1/products/"+pr.ID+"/call", key.Key, map[string]string{"uscc": example, "name": "x"})
			want(t, "an undeclared parameter", st, http.StatusBadRequest, body, "not a parameter")
			st, body = env.Do(t, "POST", "/api/v1/products/"+pr.ID+"/call", demoKey.Key, map[string]string{"uscc": example})
			want(t, "a key scoped to another subscription", st, http.StatusForbidden, body, "scoped to other subscriptions")
			st, body = env.Do(t, "POST", "/api/v1/products/"+pr.ID+"/call", unit, map[string]string{"uscc": example})
			want(t, "a call with a session instead of a key", st, http.StatusForbidden, body, "product.call")
			for range 3 {
				if st, body := env.Do(t, "POST", "/api/v1/products/"+pr.ID+"/call", key.Key, map[string]string{"uscc": example}); st != http.StatusOK {
					t.Fatalf("call within the quota: %d %s", st, body)
				}
			}

			// Metered: four calls this month, one batch in the ledger whose hash the records give.
			month := calendar.DateOf(env.App.DB.Now()).String()[:7]
			usage, err := env.App.Products.Usage(ctx, access.System("test"), month)
			if err != nil {
				t.Fatal(err)
			}
			usage = slices.DeleteFunc(usage, func(u billing.Usage) bool { return u.ProductID != pr.ID })
			if len(usage) != 1 || usage[0].Calls != 4 || usage[0].Records != 4 || usage[0].ProductID != pr.ID || usage[0].PublicWelfare || len(usage[0].ProviderCalls) == 0 {
				t.Fatalf("usage: %+v", usage)
			}
			// The batches after the demo's are this test's: one, or more if
			// the meter's timer struck between its calls; each verifies.
			entries := callBatches(t, env)
			batched := 0
			for _, e := range entries[:len(entries)-demoBatches] {
				var detailOf struct {
					Calls  int    `json:"calls"`
					SHA256 string `json:"sha256"`
				}
				if err := json.Unmarshal(e.Detail, &detailOf); err != nil {
					t.Fatal(err)
				}
				hash, n, err := env.App.Products.VerifyBatch(ctx, e.ObjectID)
				if err != nil || n != detailOf.Calls || hash != detailOf.SHA256 {
					t.Fatalf("batch %s: %d calls, %s; the ledger says %+v (%v)", e.ObjectID, n, hash, detailOf, err)
				}
				batched += n
			}
			if batched != 4 {
				t.Fatalf("the batches since the demo's hold %d calls; want 4", batched)
			}

			// The meter feeds billing: once the month is over its statement
			// to the unit bills this test's calls and the demo's of today at 30 fen.
			if _, err := env.App.Billing.SetRule(ctx, bp, agreementID, billing.RuleInput{GovernmentBP: 3000, OperatorBP: 5000, ProvidersBP: 2000}); err != nil {
				t.Fatal(err)
			}
			all, err := env.App.Products.Usage(ctx, access.System("test"), month)
			if err != nil {
				t.Fatal(err)
			}
			today := calendar.DateOf(env.App.DB.Now())
			later := env.App.Billing.WithClock(func() time.Time { return time.Date(today.Year(), today.Month()+1, 2, 12, 0, 0, 0, calendar.Shanghai()) })
			sts, err := later.Issue(ctx, access.System("test"), month, all)
			if err != nil {
				t.Fatal(err)
			}
			var calls int64
			for _, u := range all {
				calls += u.Calls
			}
			if len(sts) != 2 || sts[0].Kind != billing.ToAppUnit || sts[0].TotalFen != calls*30 || calls != 4+app.DemoCallsToday {
				t.Fatalf("statements of %d calls: %+v", calls, sts)
			}
			checkSplit(t, env, bp.Username, agreementID, month, calls*30)
			checkDisclosed(t, env, pr, month, 4)

			// A revoked key stops at once; a new one calls, up to the quota.
			if st := env.Call(t, "DELETE", "/api/v1/api-keys/"+key.ID, unit, nil, nil); st != http.StatusOK {
				t.Fatalf("revoke: %d", st)
			}
			st, body = env.Do(t, "POST", "/api/v1/products/"+pr.ID+"/call", key.Key, map[string]string{"uscc": example})
			want(t, "a revoked key", st, http.StatusUnauthorized, body, "revoked")
			if st := env.Call(t, "POST", "/api/v1/api-keys", unit, map[string]any{"name": "新密钥"}, &key); st != http.StatusCreated {
				t.Fatalf("a second key: %d", st)
			}
			if st, body := env.Do(t, "POST", "/api/v1/products/"+pr.ID+"/call", key.Key, map[string]string{"uscc": example}); st != http.StatusOK {
				t.Fatalf("the fifth call: %d %s", st, body)
			}
			st, body = env.Do(t, "POST", "/api/v1/products/"+pr.ID+"/call", key.Key, map[string]string{"uscc": example})
			want(t, "beyond the quota", st, http.StatusForbidden, body, "quota")

			// The operator's exit ends the product: the next call is refused.
			if _, err := env.App.Agreements.Terminate(ctx, bp, agreementID, agreement.EndInput{Code: agreement.EarlyTermination, Reason: "运营单位申请提前终止"}); err != nil {
				t.Fatal(err)
			}
			st, body = env.Do(t, "POST", "/api/v1/products/"+pr.ID+"/call", key.Key, map[string]string{"uscc": example})
			want(t, "a call after the operator's exit", st, http.StatusForbidden, body, "deregistered")
			if got, err := env.App.Products.Get(ctx, op2, pr.ID); err != nil || got.State != product.Deregistered {
				t.Fatalf("the product after the exit: %v %+v", err, got)
			}
			if st := env.Call(t, "POST", "/api/v1/subscriptions/"+sub.ID+"/end", op, map[string]any{"comment": "产品已终止"}, &sub); st != http.StatusOK || sub.State != product.Ended {
				t.Fatalf("end the subscription: %d %+v", st, sub)
			}
			st, body = env.Do(t, "POST", "/api/v1/products/"+pr.ID+"/call", key.Key, map[string]string{"uscc": example})
			want(t, "a call on an ended subscription", st, http.StatusForbidden, body, "no approved subscription")
		})
	}
}

// callBatches returns the meter's batch entries in the ledger, newest first.
func callBatches(t *testing.T, env *apptest.Env) []ledger.Entry {
	t.Helper()
	es, err := env.App.Ledger.Entries(context.Background(), ledger.Filter{ActionPrefix: "product.calls", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// demoSubscription is the demo application unit's approved subscription to
// the demo product, which shuyu demo seeds.
func demoSubscription(t *testing.T, env *apptest.Env) string {
	t.Helper()
	subs, _, err := env.App.Products.Subscriptions(context.Background(), principal(t, env, "appunit"), store.NewPage(50, ""))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		if s.Product == app.DemoProduct && s.State == product.Approved {
			return s.ID
		}
	}
	t.Fatalf("no approved demo subscription among %+v", subs)
	return ""
}

// TestReportsModelsAndChanges: a report is a released result of the
// operator's grant (a kept one is refused), a model is registration only,
// and a change to a published product's declaration sends it back to
// review, out of the application units' sight.
func TestReportsModelsAndChanges(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			env := apptest.New(t, d)
			op, bureau, unit := principal(t, env, "operator"), principal(t, env, "bureau"), principal(t, env, "appunit")
			analyst := principal(t, env, "analyst")
			gs, _, err := env.App.Demands.Grants(ctx, analyst, store.NewPage(50, ""))
			if err != nil {
				t.Fatal(err)
			}
			byRule := map[sandbox.Rule]string{}
			for _, g := range gs {
				byRule[g.Rule] = g.ID
			}
			released, err := env.App.Workspace.Run(ctx, analyst, byRule[sandbox.Aggregate], "SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district")
			if err != nil || released.Release == nil {
				t.Fatalf("aggregate answer: %v", err)
			}
			kept, err := env.App.Workspace.Run(ctx, analyst, byRule[sandbox.Review], "SELECT gender, COUNT(*) AS n FROM social_insurance GROUP BY gender")
			if err != nil {
				t.Fatal(err)
			}
			pending, err := env.App.Workspace.Request(ctx, analyst, kept.QueryID, workspace.RequestInput{Reason: "报告"})
			if err != nil {
				t.Fatal(err)
			}
			report := product.Input{Name: "区县参保统计报告", Type: product.Report, Scenario: "区县参保人数统计", PriceCategory: "free"}
			report.ReleaseID = pending.ID
			if _, err := env.App.Products.Register(ctx, op, report); !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "only a released result") {
				t.Fatalf("a report on a pending release: %v", err)
			}
			report.ReleaseID = released.Release.ID
			rp, err := env.App.Products.Register(ctx, op, report)
			if err != nil || len(rp.GrantIDs) != 1 || rp.GrantIDs[0] != byRule[sandbox.Aggregate] || rp.State != product.Reviewing {
				t.Fatalf("report: %v %+v", err, rp)
			}
			model, err := env.App.Products.Register(ctx, op, product.Input{Name: "企业信用评分模型", Type: product.Model, Scenario: "信用评分",
				PriceCategory: "guided", GrantIDs: []string{byRule[sandbox.List]}})
			if err != nil || model.Type != product.Model {
				t.Fatalf("model: %v %+v", err, model)
			}
			if _, err := env.App.Products.Register(ctx, analyst, report); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("an analyst registering: %v", err)
			}

			grantID, _ := listGrant(t, env)
			in := product.Input{Name: "纳税信用（变更）", Type: product.API, Scenario: "核验", PriceCategory: "guided", GrantIDs: []string{grantID},
				API: &product.APISpec{Query: "SELECT uscc, grade, year FROM tax_credit ORDER BY year DESC", Param: product.Param{Name: "uscc", Format: "uscc"},
					Outputs: []string{"grade", "year"}}}
			api, err := env.App.Products.Register(ctx, op, in)
			if err != nil {
				t.Fatal(err)
			}
			if api, err = env.App.Products.Review(ctx, bureau, api.ID, product.Approve, product.ReviewInput{Comment: "通过"}); err != nil || api.State != product.Published {
				t.Fatalf("approve: %v %+v", err, api)
			}
			code := api.Registration.Code
			in.API.Outputs = []string{"grade"}
			if api, err = env.App.Products.Change(ctx, op, api.ID, in); err != nil || api.State != product.Reviewing || api.Version != 2 || len(api.API.Outputs) != 1 {
				t.Fatalf("change: %v %+v", err, api)
			}
			if _, err := env.App.Products.Detail(ctx, unit, api.ID); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("a product back in review, to an application unit: %v", err)
			}
			year := calendar.DateOf(env.App.DB.Now()).Year()
			reported(t, env, api.ID, year, "", []string{"grade", "year"}) // the published version, not the draft under review
			if api, err = env.App.Products.Review(ctx, bureau, api.ID, product.Approve, product.ReviewInput{Comment: "变更通过"}); err != nil || api.Registration.Code != code {
				t.Fatalf("approve the change: %v %+v; the registration code stays %s", err, api, code)
			}
			v, err := env.App.Products.Detail(ctx, unit, api.ID)
			if err != nil || len(v.Outputs) != 1 || v.Example["uscc"] == nil {
				t.Fatalf("the changed product: %v %+v", err, v)
			}
			if api, err = env.App.Products.Deregister(ctx, op, api.ID, "停止服务"); err != nil || api.State != product.Deregistered {
				t.Fatalf("deregister: %v %+v", err, api)
			}
			// Deregistered, it stays in the report of the year it served,
			// as its last approved version, and in its operator's; not in a
			// year before it was published.
			reported(t, env, api.ID, year, "", []string{"grade"})
			reported(t, env, api.ID, year, api.OperatorID, []string{"grade"})
			reported(t, env, api.ID, year-1, "", nil)
			later := env.App.DB.Now().Add(time.Hour)
			if pubs, err := env.App.Products.PublishedDuring(ctx, later, later.Add(time.Hour)); err != nil ||
				slices.ContainsFunc(pubs, func(p product.Publication) bool { return p.ID == api.ID }) {
				t.Fatalf("published after its deregistration: %v %+v", err, pubs)
			}
		})
	}
}

// reported checks the annual disclosure report of year (of operatorID's
// agreements when given): product id is in it with outputs, or absent
// when outputs is nil.
func reported(t *testing.T, env *apptest.Env, id string, year int, operatorID string, outputs []string) {
	t.Helper()
	a := env.App
	d := disclosure.New(disclosure.Sources{Products: a.Products, Billing: a.Billing, Demands: a.Demands, Evaluation: a.Evaluation,
		Agreements: a.Agreements, Tender: a.Tender, Catalog: a.Catalog, Now: a.DB.Now})
	r, err := d.Report(context.Background(), year, operatorID)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(r.Products, func(p disclosure.Product) bool { return p.ID == id })
	switch {
	case outputs == nil && i >= 0:
		t.Fatalf("report of %d: product %s, not yet published then, is in it: %+v", year, id, r.Products[i])
	case outputs != nil && i < 0:
		t.Fatalf("report of %d (operator %q): product %s missing from %+v", year, operatorID, id, r.Products)
	case outputs != nil && !slices.Equal(r.Products[i].Outputs, outputs):
		t.Fatalf("report of %d: product %s has outputs %v; want %v, as published", year, id, r.Products[i].Outputs, outputs)
	}
}

// checkSplit reads the revenue split of agreementID's month through the
// API, as the implementing unit, and checks that it is by the rule and its
// shares sum exactly to the total billed.
func checkSplit(t *testing.T, env *apptest.Env, username, agreementID, month string, total int64) {
	t.Helper()
	var sp billing.Split
	if st := env.Call(t, "GET", "/api/v1/billing/agreements/"+agreementID+"/splits/"+month, env.Login(t, username), nil, &sp); st != http.StatusOK {
		t.Fatalf("the split: %d", st)
	}
	var sum int64
	parties := map[string]bool{}
	for _, sh := range sp.Shares {
		sum += sh.Fen
		parties[sh.Party] = true
	}
	if sp.TotalFen != total || sum != total || sp.GovernmentBP != 3000 || !parties[billing.Government] || !parties[billing.Operator] || !parties[billing.Provider] {
		t.Fatalf("split of %d fen: shares sum to %d: %+v", total, sum, sp)
	}
}

// checkDisclosed finds product pr in the public JSON feed, anonymously,
// with its cap, price and calls of month, and on the portal's products page.
func checkDisclosed(t *testing.T, env *apptest.Env, pr product.Product, month string, calls int64) {
	t.Helper()
	var feed struct {
		Products []struct {
			ID    string
			Name  string
			Price *struct {
				CapFen   int64  `json:"cap_fen"`
				PriceFen *int64 `json:"price_fen"`
				Method   string
			}
			Usage []product.MonthlyCalls
		}
	}
	if st := env.Call(t, "GET", "/feeds/disclosure.json", "", nil, &feed); st != http.StatusOK {
		t.Fatalf("the disclosure feed: %d", st)
	}
	found := false
	for _, p := range feed.Products {
		if p.ID != pr.ID {
			continue
		}
		found = true
		var got int64 = -1
		for _, u := range p.Usage {
			if u.Month == month {
				got = u.Calls
			}
		}
		if p.Price == nil || p.Price.CapFen != 50 || p.Price.PriceFen == nil || *p.Price.PriceFen != 30 || p.Price.Method != "per_call" || got != calls {
			t.Fatalf("disclosed product: %+v, %d calls in %s; want cap 50, price 30, %d calls", p, got, month, calls)
		}
	}
	if !found {
		t.Fatalf("product %s is not in the disclosure feed", pr.ID)
	}
	st, body := env.Do(t, "GET", "/products", "", nil)
	if st != http.StatusOK || !strings.Contains(string(body), `data-product="`+pr.ID+`"`) {
		t.Fatalf("the portal's products page: %d, product %s missing", st, pr.ID)
	}
}
