package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shuyu/internal/app/apptest"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// TestWorkspaceInBrowser is the analyst's workspace in a real browser:
// the analyst runs a grouped count in the aggregate grant (Ctrl+Enter in
// the editor) and sees rows and the suppressed groups; a query selecting
// id_number is refused with the rule's message and no ID number on the
// page; a dp query lowers the budget left. Then a review result waits for
// the implementing unit's reviewer, who looks at it in the queue and
// releases it, and the analyst downloads it.
func TestWorkspaceInBrowser(t *testing.T) {
	browser := startChromium(t)
	env := apptest.New(t, store.SQLite)
	g := demoGrants(t, env)
	aggregate, dp, review := g[sandbox.Aggregate], g[sandbox.DP], g[sandbox.Review]
	start := time.Now()
	analyst, bureau := newTab(t, browser), newTab(t, browser)
	browse(t, analyst, "the analyst signs in", formSignIn(env.URL, "analyst"))
	browse(t, bureau, "the reviewer signs in", formSignIn(env.URL, "bureau"))

	browse(t, analyst, "the analyst opens the aggregate grant's workspace", chromedp.Click(chromedp.CSS(`[data-nav="grants"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="grant-table"]`)),
		chromedp.Click(chromedp.CSS(`tr[data-grant="`+aggregate+`"] [data-col="title"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="schema"]`)))
	if role := textsOf(t, analyst, `tr[data-column="social_insurance.id_number"] [data-col="role"]`); len(role) != 1 || role[0] != "隐私单位" {
		t.Errorf("the schema shows id_number as %v", role)
	}
	runQuery(t, analyst, "a grouped count, with Ctrl+Enter",
		"SELECT district, gender, birth_date, COUNT(DISTINCT id_number) AS people FROM social_insurance GROUP BY district, gender, birth_date",
		`[data-test="answer"]`)
	rows, suppressed := textsOf(t, analyst, `[data-test="result"] tbody tr`), textsOf(t, analyst, `[data-test="suppressed"]`)
	if len(suppressed) != 1 {
		t.Fatalf("no suppressed count on the page")
	}
	if n, _ := strconv.Atoi(suppressed[0]); n == 0 {
		t.Errorf("grouping by birth date suppressed no group (%d rows)", len(rows))
	}
	runQuery(t, analyst, "a grouped count by district", "SELECT district, COUNT(DISTINCT id_number) AS people FROM social_insurance GROUP BY district",
		`[data-test="answer"]`)
	if rows = textsOf(t, analyst, `[data-test="result"] tbody tr`); len(rows) == 0 {
		t.Errorf("the grouped count by district shows no rows")
	}

	runQuery(t, analyst, "selecting id_number", "SELECT id_number, district FROM social_insurance", `[data-test="error"]`)
	if msg := textsOf(t, analyst, `[data-test="error"] .alert-text`); len(msg) != 1 || !strings.Contains(msg[0], "id_number") {
		t.Errorf("the refusal reads %v", msg)
	}
	if body := eval[string](t, analyst, `document.body.innerText`); anyIDNumber.MatchString(body) {
		t.Errorf("the refusal page shows an ID number: %s", anyIDNumber.FindString(body))
	}

	browse(t, analyst, "the analyst opens the dp grant", chromedp.Navigate(env.URL+"/console/grants/"+dp),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="eps-left"]`)))
	before := textsOf(t, analyst, `[data-test="eps-left"]`)
	runQuery(t, analyst, "a dp query", "SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district", `[data-test="answer"]`)
	after, spent := textsOf(t, analyst, `[data-test="eps-left"]`), textsOf(t, analyst, `[data-test="eps-spent"]`)
	if len(before) != 1 || len(after) != 1 || len(spent) != 1 || before[0] != "3.00" || spent[0] == "0.00" || !sameEpsilon(3, spent[0], after[0]) {
		t.Errorf("the budget left went from %v to %v, having spent %v", before, after, spent)
	}

	browse(t, analyst, "the analyst opens the review grant", chromedp.Navigate(env.URL+"/console/grants/"+review),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="query-form"]`)))
	runQuery(t, analyst, "a review query", "SELECT district, gender, COUNT(*) AS n FROM social_insurance GROUP BY district, gender", `[data-test="kept"]`)
	browse(t, analyst, "the analyst asks for its release",
		chromedp.SendKeys(chromedp.CSS(`[data-test="release-form"] input[name="reason"]`), "用于就业形势研判报告"),
		chromedp.Click(chromedp.CSS(`[data-test="release-request"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-release-state="pending"]`)))

	browse(t, bureau, "the reviewer finds it in the queue", chromedp.Click(chromedp.CSS(`[data-nav="releases"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="release-table"]`)))
	if sql := textsOf(t, bureau, `[data-test="release-table"] tbody code.small`); len(sql) != 1 || !strings.Contains(sql[0], "GROUP BY district, gender") {
		t.Errorf("the queue shows %v", sql)
	}
	browse(t, bureau, "the reviewer looks at the rows and releases them", chromedp.Click(chromedp.CSS(`[data-test="release-open"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="release-rows"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-comment-release"), "汇总结果，可以出域"),
		chromedp.Click(chromedp.CSS(`[data-test="decide-release"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="flash"]`)))

	browse(t, analyst, "the analyst sees it released", chromedp.Navigate(env.URL+"/console/grants/"+review),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="download-csv"]`)))
	got, err := chromedp.Run(analyst, chromedp.Evaluate[string](`(async () => {
		const r = await fetch(document.querySelector('[data-test="download-csv"]').href);
		return r.status + " " + r.headers.get("content-type") + "\n" + await r.text();
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "200 text/csv") || !strings.Contains(got, "district,gender,n") {
		t.Errorf("the download: %.300s", got)
	}
	t.Logf("workspace browser test took %s", time.Since(start).Round(time.Millisecond))
}

// runQuery types sql into the editor of the open workspace, runs it with
// Ctrl+Enter and waits for the page that answers, which shows want.
func runQuery(t *testing.T, ctx context.Context, what, sql, want string) {
	t.Helper()
	browse(t, ctx, what,
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.before = "1"`),
		chromedp.SetValue(chromedp.CSS("#f-sql"), sql),
		chromedp.Focus(chromedp.CSS("#f-sql")),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.WaitVisible(chromedp.CSS(`body:not([data-before]) `+want)))
}
