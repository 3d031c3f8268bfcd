package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shuyu/internal/app/apptest"
	"shuyu/internal/demand"
	"shuyu/internal/store"
)

// TestRowFilterInBrowser: the analyst files a demand in a real browser
// with a row filter (people of 奎文区 only); the demand's page shows it,
// and once the unit and the provider approve, the grant's workspace shows
// it beside the schema and a grouped count has the district's row alone.
func TestRowFilterInBrowser(t *testing.T) {
	browser := startChromium(t)
	env := apptest.New(t, store.SQLite)
	analyst := newTab(t, browser)
	browse(t, analyst, "the analyst signs in", formSignIn(env.URL, "analyst"))
	steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(env.URL + "/console/demands/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="demand-form"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-title"), "奎文区参保结构"),
		chromedp.SendKeys(chromedp.CSS("#f-scenario"), "奎文区分性别参保统计"),
		chromedp.SendKeys(chromedp.CSS("#f-purpose"), "就业形势研判"),
		chromedp.SetValue(chromedp.CSS(`input[name="ends_on"]`), "2026-12-20")}
	for name, role := range map[string]string{"id_number": "privacy_unit", "district": "dimension", "gender": "dimension"} {
		key := "social_insurance." + name
		steps = append(steps, chromedp.Click(chromedp.CSS(`input[name="use.`+key+`"]`)),
			chromedp.SetValue(chromedp.CSS(`select[name="role.`+key+`"]`), role),
			chromedp.SendKeys(chromedp.CSS(`input[name="why.`+key+`"]`), "按性别统计奎文区参保人数"))
	}
	steps = append(steps,
		chromedp.SetValue(chromedp.CSS(`select[name="rf.social_insurance.0.column"]`), "district"),
		chromedp.SetValue(chromedp.CSS(`select[name="rf.social_insurance.0.op"]`), "="),
		chromedp.SendKeys(chromedp.CSS(`input[name="rf.social_insurance.0.values"]`), "奎文区"),
		chromedp.Click(chromedp.CSS(`[data-test="demand-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="demand-row-filter"]`)))
	browse(t, analyst, "the analyst files a demand with a row filter", steps...)
	if f := textsOf(t, analyst, `[data-test="demand-row-filter"] code`); len(f) != 1 || f[0] != "district = 奎文区" {
		t.Fatalf("the demand's row filter reads %v", f)
	}
	id := location(t, analyst)[strings.LastIndex(location(t, analyst), "/")+1:]
	ctx := context.Background()
	var a demand.Application
	for _, who := range []string{"bureau", "provider-hrss"} {
		p, err := env.App.Identity.PrincipalOf(ctx, who)
		if err != nil {
			t.Fatal(err)
		}
		if a, err = env.App.Demands.Decide(ctx, p, id, demand.Approve, "同意"); err != nil {
			t.Fatalf("%s approves: %v", who, err)
		}
	}
	browse(t, analyst, "the analyst opens the grant", chromedp.Navigate(env.URL+"/console/grants/"+a.GrantID),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="row-filters"]`)))
	if f := textsOf(t, analyst, `[data-test="row-filters"] li`); len(f) != 1 || f[0] != "social_insurance: district = 奎文区" {
		t.Errorf("the workspace's row filters read %v", f)
	}
	runQuery(t, analyst, "a grouped count in the filtered grant", "SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district", `[data-test="answer"]`)
	if rows := textsOf(t, analyst, `[data-test="result"] tbody td:first-child`); len(rows) != 1 || rows[0] != "奎文区" {
		t.Errorf("the filtered grant's districts: %v", rows)
	}
}
