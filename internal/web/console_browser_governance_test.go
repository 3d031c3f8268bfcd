package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shuyu/internal/access"
	"shuyu/internal/app/apptest"
	"shuyu/internal/calendar"
	"shuyu/internal/store"
	"shuyu/internal/tender/tendertest"
)

// TestGovernanceInBrowser walks one announcement to an active agreement as
// the demo users, in the browser: the bureau announces under the approved
// plan and publishes; the operator applies with evidence files; after the
// deadline the bureau, led by its inbox, begins the selection, checks the
// application item by item, scores it and awards it; the agreement is
// drafted under publicity and the finance department gives its opinion;
// once publicity has ended (the clock moved on, the platform's job run as
// serve runs it) the bureau signs with its collective decision, and the
// operator finds its agreement in force.
func TestGovernanceInBrowser(t *testing.T) {
	browser := startChromium(t)
	clock := &apptest.Clock{}
	env := apptest.NewWithClock(t, store.SQLite, clock)
	start := time.Now()
	ctx, sys := context.Background(), access.System("test")
	// tick runs what serve runs on a timer: dated steps, then the inbox.
	tick := func() {
		t.Helper()
		if _, err := env.App.Tender.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := env.App.Agreements.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if err := gather(env); err != nil {
			t.Fatal(err)
		}
	}
	bureau, operator, finance := newTab(t, browser), newTab(t, browser), newTab(t, browser)
	for user, tab := range map[string]context.Context{"bureau": bureau, "operator": operator, "finance": finance} {
		browse(t, tab, "sign in as "+user, formSignIn(env.URL, user))
	}
	shanghai := func(d time.Duration, layout string) string {
		return clock.Now().Add(d).In(calendar.Shanghai()).Format(layout)
	}

	// The bureau announces under the demo's filed plan.
	const title = "第二批公共数据授权运营单位申报公告（浏览器测试）"
	browse(t, bureau, "the bureau opens its plans", chromedp.Navigate(env.URL+"/console"),
		chromedp.Click(chromedp.CSS(`[data-nav="plans"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="plan-table"]`)),
		chromedp.Click(chromedp.CSS(`tr:has([data-state="filed"]) [data-col="title"] a`)),
		chromedp.Click(chromedp.CSS(`[data-test="plan-announce"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="announcement-form"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-title"), title),
		chromedp.SetValue(chromedp.CSS("#f-conditions"), "符合《办法》第十三条规定的法人组织"),
		chromedp.SetValue(chromedp.CSS("#f-c0-name"), "技术方案"), chromedp.SetValue(chromedp.CSS("#f-c0-weight"), "60"),
		chromedp.SetValue(chromedp.CSS("#f-c1-name"), "安全保障"), chromedp.SetValue(chromedp.CSS("#f-c1-weight"), "40"),
		chromedp.SetValue(chromedp.CSS("#f-deadline"), shanghai(time.Hour, "2006-01-02T15:04")),
		chromedp.Click(chromedp.CSS(`[data-test="announcement-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.page-head [data-state="draft"]`)),
		chromedp.Click(chromedp.CSS(`[data-test="step-publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.page-head [data-state="published"]`)))
	announcementURL := location(t, bureau)

	// The operator applies, with a PDF for each item that needs evidence.
	pdf := filepath.Join(t.TempDir(), "营业执照.pdf")
	if err := os.WriteFile(pdf, tendertest.PDF, 0o600); err != nil {
		t.Fatal(err)
	}
	steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(env.URL + "/console"),
		chromedp.Click(chromedp.CSS(`[data-nav="announcements"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="announcement-table"]`)),
		chromedp.Click(chromedp.CSS(`tr:has([data-state="published"]) [data-col="title"] a`)),
		chromedp.Click(chromedp.CSS(`[data-test="apply"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="apply-form"]`))}
	for item := 1; item <= 7; item++ {
		steps = append(steps, chromedp.SetValue(chromedp.CSS(fmt.Sprintf("#f-answer-%d", item)), fmt.Sprintf("第 %d 项：符合，详见证明材料。", item)))
		if item <= 6 {
			steps = append(steps, chromedp.SetUploadFiles(chromedp.CSS(fmt.Sprintf("#f-item%d", item)), []string{pdf}))
		}
	}
	steps = append(steps, chromedp.Click(chromedp.CSS("#f-noinc-4-yes")), chromedp.Click(chromedp.CSS("#f-noinc-6-yes")),
		chromedp.Click(chromedp.CSS(`[data-test="apply-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="application-state"]`)))
	browse(t, operator, "the operator applies", steps...)
	sum := sha256.Sum256(tendertest.PDF)
	if hashes := textsOf(t, operator, `[data-test="sha256"]`); len(hashes) != 6 || hashes[0] != hex.EncodeToString(sum[:]) {
		t.Errorf("the application shows evidence hashes %v, want six of %x", hashes, sum)
	}

	// The deadline passes; the inbox leads the bureau to the selection.
	clock.Advance(2 * time.Hour)
	tick()
	browse(t, bureau, "the bureau's inbox: begin the selection", chromedp.Navigate(env.URL+"/console/inbox"),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="inbox-table"]`)),
		chromedp.Click(chromedp.CSS(`[data-kind="announcement.selection"] a`)),
		chromedp.Click(chromedp.CSS(`[data-test="step-evaluate"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.page-head [data-state="selection"]`)))
	tick()
	browse(t, bureau, "the inbox: check the application", chromedp.Navigate(env.URL+"/console/inbox"),
		chromedp.Click(chromedp.CSS(`[data-kind="application.check"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="eligibility-form"]`)),
		chromedp.Click(chromedp.CSS(`[data-test="eligibility-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.page-head [data-state="eligible"]`)),
		chromedp.SetValue(chromedp.CSS("#f-score-0"), "85"), chromedp.SetValue(chromedp.CSS("#f-score-1"), "90"),
		chromedp.Click(chromedp.CSS(`[data-test="score-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="total"]`)))
	if total := textsOf(t, bureau, `[data-test="total"]`); !slices.Equal(total, []string{"87.0"}) {
		t.Errorf("the weighted total reads %v, want 87.0 (85 × 60%% + 90 × 40%%)", total)
	}
	browse(t, bureau, "the bureau awards the result", chromedp.Navigate(announcementURL),
		chromedp.Click(chromedp.CSS(`[data-test="award"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.page-head [data-state="publicity"]`)))
	if winner, publicity := textsOf(t, bureau, `[data-test="announcement-winner"]`), textsOf(t, bureau, `[data-test="announcement-publicity"]`); !slices.Equal(winner, []string{"潍坊数智运营有限公司"}) || len(publicity) != 1 {
		t.Errorf("under publicity the page shows winner %v, publicity %v", winner, publicity)
	}

	// The agreement is drafted under publicity; finance gives its opinion.
	steps = []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS(`[data-test="agreement-draft"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="agreement-form"]`)),
		chromedp.SetValue(chromedp.CSS("#f-starts_on"), shanghai(0, time.DateOnly)),
		chromedp.SetValue(chromedp.CSS("#f-ends_on"), shanghai(3*365*24*time.Hour, time.DateOnly)),
		chromedp.SetValue(chromedp.CSS("#f-p0-name"), "企业信用核验接口"),
		chromedp.SetValue(chromedp.CSS("#f-p0-review"), "上线前经实施单位合规审查")}
	for _, n := range []string{"platform", "asset_ownership", "security", "risk_monitoring", "evaluation_criteria", "confidentiality",
		"disclosure", "accounting", "revenue_sharing", "liability", "renewal", "exit"} {
		steps = append(steps, chromedp.SetValue(chromedp.CSS("#f-terms\\."+n), "按实施方案和《办法》执行："+n))
	}
	steps = append(steps, chromedp.Click(chromedp.CSS(`[data-test="agreement-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.page-head [data-state="draft"]`)))
	browse(t, bureau, "the bureau drafts the agreement", steps...)
	agreementURL := location(t, bureau)
	tick()
	browse(t, finance, "finance finds the opinion in its inbox and gives it", chromedp.Navigate(env.URL+"/console"),
		chromedp.Click(chromedp.CSS(`[data-test="dashboard-inbox"] [data-kind="agreement.finance_opinion"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-step="opinion"]`)),
		chromedp.SetValue(chromedp.CSS("#f-text"), "收益分配符合国有资产管理规定，同意。"),
		chromedp.Click(chromedp.CSS(`[data-test="step-opinion"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="agreement-opinion"] .badge-ok`)))

	// Signing before publicity ends is refused, with the reason, and the
	// decision typed stays on the form.
	decide := chromedp.Steps(chromedp.Navigate(agreementURL),
		chromedp.WaitVisible(chromedp.CSS(`[data-step="sign"]`)),
		chromedp.SetValue(chromedp.CSS("#f-sign-meeting"), "市大数据局党组会议"),
		chromedp.SetValue(chromedp.CSS("#f-sign-number"), "会议纪要〔2026〕9号"),
		chromedp.SetValue(chromedp.CSS("#f-sign-date"), shanghai(0, time.DateOnly)),
		chromedp.Click(chromedp.CSS(`[data-test="step-sign"]`)))
	browse(t, bureau, "the bureau tries to sign under publicity", decide, chromedp.WaitVisible(chromedp.CSS(`[data-test="error"]`)))
	if kept := eval[string](t, bureau, `document.querySelector('#f-sign-meeting').value`); kept != "市大数据局党组会议" {
		t.Errorf("after the refusal the meeting reads %q", kept)
	}

	// Publicity ends: the clock moves past it and the job concludes.
	a, err := env.App.Tender.Get(ctx, sys, announcementURL[strings.LastIndex(announcementURL, "/")+1:])
	if err != nil || a.PublicityUntil == nil {
		t.Fatalf("announcement %+v: %v", a, err)
	}
	clock.Advance(a.PublicityUntil.Sub(clock.Now()) + time.Hour)
	tick()
	// Sessions expire by the same clock: sign in again.
	browse(t, bureau, "the bureau signs in again", formSignIn(env.URL, "bureau"))
	browse(t, bureau, "the inbox: sign the agreement", chromedp.Navigate(env.URL+"/console/inbox"),
		chromedp.WaitVisible(chromedp.CSS(`[data-kind="agreement.sign"]`)))
	browse(t, bureau, "the bureau signs", decide, chromedp.WaitVisible(chromedp.CSS(`.page-head [data-state="active"]`)))
	if decision := textsOf(t, bureau, `[data-test="agreement-decision"]`); len(decision) != 1 || !strings.Contains(decision[0], "会议纪要〔2026〕9号") {
		t.Errorf("the signed agreement shows decision %v", decision)
	}

	browse(t, operator, "the operator signs in again and finds its agreement", formSignIn(env.URL, "operator"),
		chromedp.Click(chromedp.CSS(`[data-nav="agreements"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="agreement-table"]`)))
	id := agreementURL[strings.LastIndex(agreementURL, "/")+1:]
	if state := textsOf(t, operator, `tr[data-agreement="`+id+`"] [data-col="state"]`); !slices.Equal(state, []string{"生效中"}) {
		t.Errorf("the operator sees its new agreement as %v", state)
	}
	anon := newTab(t, browser)
	browse(t, anon, "the portal lists the result", chromedp.Navigate(env.URL+"/announcements"),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="portal-announcements"]`)))
	if winner := textsOf(t, anon, `tr[data-announcement="`+a.ID+`"] [data-col="winner"]`); len(winner) != 1 || !strings.HasPrefix(winner[0], "潍坊数智运营有限公司") {
		t.Errorf("the portal shows the result as %v", winner)
	}
	t.Logf("browser walk took %s", time.Since(start).Round(time.Millisecond))
}
