package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shuyu/internal/access"
	"shuyu/internal/app/apptest"
	"shuyu/internal/billing"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// TestProductsInBrowser walks a data product through its life in the
// browser, as the demo users: the operator registers an API product on its
// list grant; the bureau reviews and publishes it and sets its cap; the
// operator's price above the cap is refused on the page, then one within
// it is saved; the application unit applies, the operator approves, the
// unit creates a key (shown once), calls the product with it and finds
// the call in its usage chart and the demo's month on its bill. The
// regulator reads the same pages without a form.
func TestProductsInBrowser(t *testing.T) {
	browser := startChromium(t)
	env := apptest.New(t, store.SQLite)
	start := time.Now()
	ctx := context.Background()
	grant := listGrant(t, env)
	month := demoBill(t, env)

	operator, bureau, unit, regulator := newTab(t, browser), newTab(t, browser), newTab(t, browser), newTab(t, browser)
	for user, tab := range map[string]context.Context{"operator": operator, "bureau": bureau, "appunit": unit, "regulator": regulator} {
		browse(t, tab, "sign in as "+user, formSignIn(env.URL, user))
	}

	const name = "企业纳税信用等级查询（浏览器测试）"
	browse(t, operator, "the operator registers an API product", chromedp.Click(chromedp.CSS(`[data-nav="products"]`)),
		chromedp.Click(chromedp.CSS(`[data-test="product-new"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="product-form"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-name"), name),
		chromedp.SetValue(chromedp.CSS("#f-scenario"), "银行贷前按统一社会信用代码查询企业纳税信用等级"),
		chromedp.SetValue(chromedp.CSS("#f-grant"), grant),
		chromedp.SetValue(chromedp.CSS("#f-query"), "SELECT uscc, grade FROM tax_credit ORDER BY year DESC"),
		chromedp.SetValue(chromedp.CSS("#f-param"), "uscc"),
		chromedp.SetValue(chromedp.CSS("#f-outputs"), "grade"),
		chromedp.Click(chromedp.CSS(`[data-test="product-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.page-head [data-state="reviewing"]`)))
	productURL := location(t, operator)
	productID := productURL[strings.LastIndex(productURL, "/")+1:]

	browse(t, bureau, "the bureau approves it from the review queue and sets its cap",
		chromedp.Click(chromedp.CSS(`[data-nav="product-reviews"]`)),
		chromedp.Click(chromedp.CSS(`tr[data-product="`+productID+`"] [data-col="name"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="product-review"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-comment-approve"), "输出仅含纳税信用等级，符合最小必要原则。"),
		chromedp.Click(chromedp.CSS(`[data-test="review-approve"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.page-head [data-state="published"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="reg-code"]`)),
		chromedp.SetValue(chromedp.CSS("#f-cap_fen"), "40"),
		chromedp.SetValue(chromedp.CSS("#f-expected_volume"), "10000"),
		chromedp.SetValue(chromedp.CSS("#f-basis"), "单位调用成本加合理利润"),
		markPage, chromedp.Click(chromedp.CSS(`[data-test="cap-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(newPage+`[data-test="flash"]`)))
	if c := textsOf(t, bureau, `[data-test="cap"]`); len(c) != 1 || c[0] != "¥0.40" {
		t.Errorf("the cap reads %v", c)
	}

	browse(t, operator, "the operator prices it above the cap", chromedp.Navigate(productURL),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="price-form"]`)),
		chromedp.SetValue(chromedp.CSS("#f-price_fen"), "60"),
		chromedp.SetValue(chromedp.CSS("#f-basis"), "按成本定价"),
		chromedp.Click(chromedp.CSS(`[data-test="price-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-price_fen-err`)))
	if e := textsOf(t, operator, `#f-price_fen-err`); len(e) != 1 || !strings.Contains(e[0], "above the cap of 40 fen") {
		t.Errorf("the refusal beside the price reads %v", e)
	}
	if v := eval[string](t, operator, `document.querySelector("#f-price_fen").value`); v != "60" {
		t.Errorf("the refused price was not kept in the form: %q", v)
	}
	browse(t, operator, "the operator prices it within the cap",
		chromedp.SetValue(chromedp.CSS("#f-price_fen"), "35"),
		markPage, chromedp.Click(chromedp.CSS(`[data-test="price-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(newPage+`[data-test="flash"]`)))
	if p := textsOf(t, operator, `[data-test="price-value"]`); len(p) != 1 || p[0] != "¥0.35" {
		t.Errorf("the price reads %v", p)
	}

	browse(t, unit, "the application unit finds the product and applies", chromedp.Click(chromedp.CSS(`[data-nav="products"]`)),
		chromedp.Click(chromedp.CSS(`tr[data-product="`+productID+`"] [data-col="name"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="example"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-purpose"), "小微企业贷款贷前核验"),
		chromedp.Click(chromedp.CSS(`[data-test="apply-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="flash"]`)))
	if s := textsOf(t, unit, `tr:has(a[href="/console/products/`+productID+`"]) [data-state]`); len(s) != 1 || s[0] != "待审核" {
		t.Errorf("the unit's application reads %v", s)
	}

	row := `tr:has(a[href="/console/products/` + productID + `"])`
	browse(t, operator, "the operator approves the application", chromedp.Click(chromedp.CSS(`[data-nav="subscriptions"]`)),
		chromedp.WaitVisible(chromedp.CSS(row+` [data-step="approve"]`)),
		chromedp.SendKeys(chromedp.CSS(row+` [data-step="approve"] input[name="comment"]`), "用途明确，同意。"),
		chromedp.Click(chromedp.CSS(row+` [data-test="sub-approve"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="flash"]`)))
	if s := textsOf(t, operator, row+` [data-state]`); len(s) != 1 || s[0] != "已同意" {
		t.Errorf("the approved subscription reads %v", s)
	}

	browse(t, unit, "the unit creates a key", chromedp.Click(chromedp.CSS(`[data-nav="api-keys"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-name"), "信贷系统"),
		chromedp.Click(chromedp.CSS(`[data-test="key-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="key-secret"]`)))
	secret := eval[string](t, unit, `document.querySelector('[data-test="key-secret"]').value`)
	browse(t, unit, "the key is shown once", chromedp.Click(chromedp.CSS(`[data-nav="api-keys"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="key-table"]`)))
	if n := eval[int](t, unit, `document.querySelectorAll('[data-test="key-secret"]').length`); n != 0 || len(secret) < 20 {
		t.Errorf("the key list shows %d secrets (the key was %d characters)", n, len(secret))
	}
	// The unit's developers call the product with the key, as the page's example says.
	v, err := env.App.Products.Detail(ctx, access.System("test"), productID)
	if err != nil || v.Example == nil {
		t.Fatalf("example: %v %v", v.Example, err)
	}
	body, _ := json.Marshal(v.Example)
	answer, err := chromedp.Run(unit, chromedp.Evaluate[string](`fetch("/api/v1/products/`+productID+`/call", {method: "POST", body: `+jsQuote(string(body))+`,
		headers: {"Authorization": "Bearer `+secret+`", "Content-Type": "application/json"}}).then(async r => r.status + " " + await r.text())`, chromedp.EvalAwaitPromise))
	if err != nil || !strings.HasPrefix(answer, "200 ") || !strings.Contains(answer, `"grade"`) {
		t.Fatalf("the call: %q %v", answer, err)
	}

	browse(t, unit, "the unit looks at its usage", chromedp.Click(chromedp.CSS(`[data-nav="usage"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-usage="`+productID+`"] [data-test="usage-chart"]`)))
	bars := eval[[]string](t, unit, `Array.from(document.querySelectorAll('[data-usage="`+productID+`"] rect.chart-bar')).map(r => r.dataset.value)`)
	if len(bars) != 12 || bars[11] != "1" {
		t.Errorf("the new product's bars: %v", bars)
	}
	browse(t, unit, "the unit reads its bill", chromedp.Click(chromedp.CSS(`[data-nav="statements"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-kind="app_unit"] [data-test="statement-total"]`)))
	if total := textsOf(t, unit, `[data-kind="app_unit"] [data-test="statement-total"]`); len(total) != 1 || total[0] != "¥72.00" {
		t.Errorf("the bill of %s reads %v", month, total)
	}

	// The regulator reads the product, its subscriptions and the revenue, without a form.
	for _, path := range []string{productURL[len(env.URL):], "/console/subscriptions", "/console/billing?month=" + month, "/console/statements"} {
		browse(t, regulator, "the regulator opens "+path, chromedp.Navigate(env.URL+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
		if n := eval[int](t, regulator, `document.querySelectorAll('main form[method="post"]').length`); n != 0 {
			t.Errorf("the regulator is offered %d forms at %s", n, path)
		}
	}
	if s := textsOf(t, regulator, `[data-kind="operator"] [data-test="statement-total"]`); len(s) == 0 {
		t.Error("the regulator sees no operator statement")
	}
	t.Logf("product browser test took %s", time.Since(start).Round(time.Millisecond))
}

// markPage marks the page in the tab, so that newPage finds an element
// only on the page that follows: a flash already shown on this one must
// not stand for the next one's.
var markPage = chromedp.Evaluate[chromedp.Void](`document.body.dataset.before = "1"`)

const newPage = "body:not([data-before]) "

// listGrant is the demo operator's active list grant, which API products draw on.
func listGrant(t *testing.T, env *apptest.Env) string {
	t.Helper()
	op, err := env.App.Identity.PrincipalOf(context.Background(), "operator")
	if err != nil {
		t.Fatal(err)
	}
	gs, _, err := env.App.Demands.Grants(context.Background(), op, store.NewPage(store.MaxPageSize, ""))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		if g.Rule == sandbox.List && g.State == "active" {
			return g.ID
		}
	}
	t.Fatal("the demo operator holds no active list grant")
	return ""
}

// demoBill records the demo agreement's revenue-sharing rule and returns
// the demo's month of calls, whose statements shuyu demo issued.
func demoBill(t *testing.T, env *apptest.Env) string {
	t.Helper()
	pr, _ := demoProduct(t, env)
	bureau, err := env.App.Identity.PrincipalOf(context.Background(), "bureau")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.Billing.SetRule(context.Background(), bureau, pr.AgreementID, billing.RuleInput{GovernmentBP: 3000, OperatorBP: 5000, ProvidersBP: 2000}); err != nil {
		t.Fatal(err)
	}
	return demoCallsMonth(t, env)
}
