package web_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shuyu/internal/app/apptest"
	"shuyu/internal/demo"
)

// checkDataSupply is the demo's data supply in the browser: the provider's
// commissioner finds social_insurance in the catalog with its version and
// quality score, and uploads a new version; then a ticket goes end to end:
// the bureau files a correction, the provider answers it, the bureau
// accepts the answer and closes the ticket. hrss and bureau are tabs where
// those users are signed in.
func checkDataSupply(t *testing.T, env *apptest.Env, hrss, bureau context.Context) {
	row := `tr[data-entry="social_insurance"] `
	browse(t, hrss, "provider-hrss opens the catalog", chromedp.Navigate(env.URL+"/console"),
		chromedp.Click(chromedp.CSS(`[data-nav="catalog"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="catalog-table"]`)))
	version, score := textsOf(t, hrss, row+`[data-col="version"]`), textsOf(t, hrss, row+`[data-col="score"]`)
	if len(version) != 1 || !strings.Contains(version[0], "第 1 版 · 2,000 行") || len(score) != 1 || score[0] != "100.0" {
		t.Errorf("the catalog shows social_insurance with version %q and quality score %q", version, score)
	}

	browse(t, hrss, "provider-hrss opens social_insurance", chromedp.Click(chromedp.CSS(row+`[data-col="title"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="entry-title"]`)))
	if q, seqs := textsOf(t, hrss, `[data-test="quality-score"]`), textsOf(t, hrss, `[data-test="version-table"] [data-col="seq"]`); !slices.Equal(q, []string{"100.0"}) || !slices.Equal(seqs, []string{"1"}) {
		t.Errorf("the entry page shows quality score %v and versions %v", q, seqs)
	}

	// A new version, through the upload form.
	file := filepath.Join(t.TempDir(), "social_insurance.csv")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range demo.Datasets(0.0001) { // 20 people
		if d.Name == "social_insurance" {
			err = d.WriteCSV(f)
		}
	}
	if f.Close(); err != nil {
		t.Fatal(err)
	}
	browse(t, hrss, "provider-hrss uploads a new version", chromedp.Click(chromedp.CSS(`[data-test="entry-upload"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="upload-form"]`)),
		chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}),
		chromedp.Click(chromedp.CSS(`[data-test="upload-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="entry-title"]`)))
	if flash, seqs := textsOf(t, hrss, `[data-test="flash"]`), textsOf(t, hrss, `[data-test="version-table"] [data-col="seq"]`); len(flash) != 1 ||
		!strings.HasPrefix(flash[0], "第 2 版已入库：20 行") || !slices.Equal(seqs, []string{"2", "1"}) {
		t.Errorf("after the upload: message %v, versions %v", flash, seqs)
	}

	const title = "参保单位代码与企业登记不一致（浏览器测试）"
	browse(t, bureau, "the bureau files a correction", chromedp.Navigate(env.URL+"/console/catalog/social_insurance"),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="ticket-form"]`)),
		chromedp.Click(chromedp.CSS("#f-kind-correction")),
		chromedp.SetValue(chromedp.CSS("#f-field"), "employer_uscc"),
		chromedp.SendKeys(chromedp.CSS("#f-title"), title),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "抽查发现部分参保单位代码在企业登记中查不到。"),
		chromedp.Click(chromedp.CSS(`[data-test="ticket-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.page-head [data-state="open"]`)))
	ticketURL := location(t, bureau)
	if due := textsOf(t, bureau, `[data-test="ticket-due"]`); len(due) != 1 || !strings.Contains(due[0], "北京时间") {
		t.Errorf("the due date reads %v", due)
	}

	browse(t, hrss, "provider-hrss finds and answers it", chromedp.Click(chromedp.CSS(`[data-nav="tickets"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="ticket-table"]`)),
		chromedp.Click(chromedp.CSS(`[data-ticket="`+ticketURL[strings.LastIndex(ticketURL, "/")+1:]+`"] [data-col="title"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="step-answer"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-comment-answer"), "已与市市场监管局核对，下一版本更正。"),
		chromedp.Click(chromedp.CSS(`[data-test="step-answer"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.page-head [data-state="answered"]`)))
	if steps := textsOf(t, hrss, `[data-test="ticket-steps"]`); len(steps) != 0 {
		t.Errorf("after answering, the provider is still offered steps: %v", steps)
	}

	browse(t, bureau, "the bureau accepts the answer", chromedp.Navigate(ticketURL),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="ticket-answer"]`)),
		chromedp.Click(chromedp.CSS(`[data-test="step-accept"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.page-head [data-state="accepted"]`)))
	browse(t, bureau, "and closes the ticket", chromedp.Click(chromedp.CSS(`[data-test="step-close"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.page-head [data-state="closed"]`)))
	history := eval[[]string](t, bureau, `Array.from(document.querySelectorAll('[data-test="ticket-history"] li')).map(e => e.dataset.step)`)
	if !slices.Equal(history, []string{"file", "answer", "accept", "close"}) {
		t.Errorf("the ticket's history is %v", history)
	}
}
