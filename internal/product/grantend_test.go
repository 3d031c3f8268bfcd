package product_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/app"
	"shuyu/internal/app/apptest"
	"shuyu/internal/calendar"
	"shuyu/internal/demand"
	"shuyu/internal/fsm"
	"shuyu/internal/ledger"
	"shuyu/internal/product"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestGrantEndStopsProducts: a published API product answers calls until
// the grant it draws on is revoked (the implementing unit, with a reason)
// or expires (the demand tick); the next call is refused, the product is
// deregistered and its ledger entry names the grant and why. A product on
// another grant goes on answering.
func TestGrantEndStopsProducts(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			clock := &apptest.Clock{}
			env := apptest.NewWithClock(t, d, clock)
			listID, _ := listGrant(t, env)
			shortID := shortGrant(t, env, listID)
			onList, listKey := servedProduct(t, env, listID, "撤销授权核验（测试）", 0)
			onShort, shortKey := servedProduct(t, env, shortID, "到期授权核验（测试）", 0)
			call := func(pr product.Product, key string) (int, []byte) {
				var v product.View
				env.Call(t, "GET", "/api/v1/products/"+pr.ID, env.Login(t, "appunit"), nil, &v)
				return env.Do(t, "POST", "/api/v1/products/"+pr.ID+"/call", key, v.Example)
			}
			for _, c := range []struct {
				pr  product.Product
				key string
			}{{onList, listKey}, {onShort, shortKey}} {
				if st, body := call(c.pr, c.key); st != http.StatusOK {
					t.Fatalf("%s before its grant ends: %d %s", c.pr.Name, st, body)
				}
			}

			const why = "运营单位超出授权用途使用数据"
			st, body := env.Do(t, "POST", "/api/v1/grants/"+listID+"/revoke", env.Login(t, "bureau"), map[string]string{"reason": why})
			want(t, "revoke the list grant", st, http.StatusOK, body, `"revoked"`)
			st, body = call(onList, listKey)
			want(t, "a call after the grant's revocation", st, http.StatusForbidden, body, "deregistered")
			ended(t, env, onList.ID, listID, demand.Revoke, why)
			ended(t, env, demoProductID(t, env), listID, demand.Revoke, why)
			if st, body := call(onShort, shortKey); st != http.StatusOK {
				t.Fatalf("a product on another grant after the revocation: %d %s", st, body)
			}

			clock.Advance(3 * 24 * time.Hour)
			if n, err := env.App.Demands.Tick(ctx); err != nil || n != 1 {
				t.Fatalf("tick: %d grants ended, %v; want the short one", n, err)
			}
			st, body = call(onShort, shortKey)
			want(t, "a call after the grant's expiry", st, http.StatusForbidden, body, "deregistered")
			ended(t, env, onShort.ID, shortID, demand.Expire, "使用期限届满")
		})
	}
}

// shortGrant files the list grant's demand again for a period ending
// tomorrow and has every party approve it; it returns the new grant.
func shortGrant(t *testing.T, env *apptest.Env, listID string) string {
	t.Helper()
	ctx := context.Background()
	analyst := principal(t, env, "analyst")
	g, err := env.App.Demands.GetGrant(ctx, analyst, listID)
	if err != nil {
		t.Fatal(err)
	}
	a, err := env.App.Demands.Get(ctx, analyst, g.ApplicationID)
	if err != nil {
		t.Fatal(err)
	}
	in := a.Request
	in.Title += "（短期）"
	in.EndsOn = calendar.DateOf(env.App.DB.Now()).AddDays(1).String()
	if a, err = env.App.Demands.File(ctx, analyst, in); err != nil {
		t.Fatal(err)
	}
	reviewers := map[string]access.Principal{}
	for _, name := range []string{"bureau", "provider-hrss", "provider-amr", "provider-tax"} {
		p := principal(t, env, name)
		reviewers[p.OrgID] = p
	}
	for _, p := range a.Parties {
		if a, err = env.App.Demands.Decide(ctx, reviewers[p.OrgID], a.ID, demand.Approve, "同意"); err != nil {
			t.Fatal(err)
		}
	}
	if a.State != demand.Approved || a.GrantID == "" {
		t.Fatalf("the short demand: %+v", a)
	}
	return a.GrantID
}

// servedProduct registers, publishes and subscribes the tax-credit check on
// grant grantID, with a monthly quota (0: the default), and returns it with
// an API key of the application unit.
func servedProduct(t *testing.T, env *apptest.Env, grantID, name string, quota int64) (product.Product, string) {
	t.Helper()
	ctx := context.Background()
	in := product.Input{}
	raw, _ := json.Marshal(taxCredit(grantID))
	if err := json.Unmarshal(raw, &in); err != nil {
		t.Fatal(err)
	}
	in.Name = name
	pr, err := env.App.Products.Register(ctx, principal(t, env, "operator"), in)
	if err != nil {
		t.Fatal(err)
	}
	if pr, err = env.App.Products.Review(ctx, principal(t, env, "bureau"), pr.ID, product.Approve, product.ReviewInput{Comment: "合规"}); err != nil {
		t.Fatal(err)
	}
	sub, err := env.App.Products.Subscribe(ctx, principal(t, env, "appunit"), pr.ID, product.SubscribeInput{Purpose: "贷前核验"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.Products.Decide(ctx, principal(t, env, "operator"), sub.ID, product.Grant, product.DecideInput{Comment: "同意", QuotaPerMonth: quota}); err != nil {
		t.Fatal(err)
	}
	_, secret, err := env.App.Products.CreateKey(ctx, principal(t, env, "appunit"), name, []string{sub.ID})
	if err != nil {
		t.Fatal(err)
	}
	return pr, secret
}

// ended checks that product id is deregistered and that its newest ledger
// entry is the platform's end naming grant grantID, how it ended and why.
func ended(t *testing.T, env *apptest.Env, id, grantID string, how fsm.Action, why string) {
	t.Helper()
	ctx := context.Background()
	pr, err := env.App.Products.Get(ctx, principal(t, env, "operator"), id)
	if err != nil || pr.State != product.Deregistered {
		t.Fatalf("product %s after its grant ended: %v %+v", id, err, pr)
	}
	es, err := env.App.Ledger.Entries(ctx, ledger.Filter{ObjectType: "product", ObjectID: id, Limit: 1})
	if err != nil || len(es) != 1 {
		t.Fatalf("ledger of product %s: %v %d", id, err, len(es))
	}
	var detail struct {
		To          string `json:"to"`
		GrantID     string `json:"grant_id"`
		GrantAction string `json:"grant_action"`
		Reason      string `json:"reason"`
	}
	if err := json.Unmarshal(es[0].Detail, &detail); err != nil {
		t.Fatal(err)
	}
	if es[0].Action != "product.end" || detail.To != string(product.Deregistered) || detail.GrantID != grantID ||
		detail.GrantAction != string(how) || detail.Reason != why {
		t.Fatalf("ledger entry of product %s: %s %s", id, es[0].Action, es[0].Detail)
	}
}

// demoProductID is the demo's product, also drawing on the list grant.
func demoProductID(t *testing.T, env *apptest.Env) string {
	t.Helper()
	subs, _, err := env.App.Products.Subscriptions(context.Background(), principal(t, env, "appunit"), store.NewPage(50, ""))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		if s.Product == app.DemoProduct {
			return s.ProductID
		}
	}
	t.Fatal("no demo subscription")
	return ""
}
