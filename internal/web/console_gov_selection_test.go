package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/app/apptest"
	"shuyu/internal/calendar"
	"shuyu/internal/identity"
	"shuyu/internal/store"
	"shuyu/internal/tender"
	"shuyu/internal/tender/tendertest"
)

// principal signs a demo user in over the API and returns them as the
// services see them, to prepare what a test does not walk in the console.
func principal(t *testing.T, env *apptest.Env, username string) access.Principal {
	t.Helper()
	p, err := env.App.Identity.Authenticate(context.Background(), env.Login(t, username), identity.APISession, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGovernanceSelectionForms runs a selection in the console after an
// application made through the service: the eligibility check refuses a
// failed item without a note, scores that are not numbers are refused with
// the typed values kept, the award starts publicity, an objection is filed
// and dismissed, and the selection is vetoed (Art. 16) with a reason that
// the portal does not show.
func TestGovernanceSelectionForms(t *testing.T) {
	clock := &apptest.Clock{}
	env := apptest.NewWithClock(t, store.SQLite, clock)
	ctx, d := context.Background(), findDemoGovernance(t, env)
	bp, op := principal(t, env, "bureau"), principal(t, env, "operator")
	title, conditions, method := "遴选测试公告", "第十三条", tender.PublicTender
	deadline := clock.Now().Add(time.Hour)
	criteria := []tender.Criterion{{Name: "技术方案", Weight: 60}, {Name: "安全保障", Weight: 40}}
	a, err := env.App.Tender.Create(ctx, bp, tender.Input{PlanID: &d.filedPlan, Title: &title, Method: &method, Conditions: &conditions,
		Criteria: &criteria, Deadline: &deadline})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.Tender.Act(ctx, bp, a.ID, tender.Publish, tender.StepInput{}); err != nil {
		t.Fatal(err)
	}
	ap, err := env.App.Tender.Submit(ctx, op, a.ID, tendertest.Declarations(), tendertest.Evidence())
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Hour)
	if _, err := env.App.Tender.Tick(ctx); err != nil {
		t.Fatal(err)
	}

	b := consoleLogin(t, env, "bureau")
	page, app := "/console/announcements/"+a.ID, "/console/applications/"+ap.ID
	idIn(t, b.submit(page, page+"/evaluate", nil))
	checks := url.Values{}
	for i := 1; i <= 7; i++ {
		checks.Set(fmt.Sprintf("pass.%d", i), "pass")
	}
	checks.Set("pass.3", "fail")
	wantPage(t, "a failed item without a note", b.submit(app, app+"/eligibility", checks), http.StatusBadRequest, "item 3", `id="f-fail-3" name="pass.3" value="fail" checked`)
	checks.Set("pass.3", "pass")
	idIn(t, b.submit(app, app+"/eligibility", checks))
	wantPage(t, "scores that are not numbers", b.submit(app, app+"/scores", url.Values{"score.0": {"八十"}, "score.1": {"90"}, "note.1": {"完善"}}),
		http.StatusBadRequest, "第 1 项标准的分数须为整数", `value="八十"`, `value="完善"`)
	idIn(t, b.submit(app, app+"/scores", url.Values{"score.0": {"80"}, "score.1": {"90"}}))
	wantPage(t, "the ranking", b.get(page), http.StatusOK, `data-col="total">84.0<`, `data-test="award"`)
	idIn(t, b.submit(page, page+"/award", url.Values{"application_id": {ap.ID}}))
	a, err = env.App.Tender.Get(ctx, bp, a.ID)
	if err != nil || a.State != tender.Publicity {
		t.Fatalf("after the award: %s %v", a.State, err)
	}
	wantPage(t, "under publicity", b.get(page), http.StatusOK, `data-state="publicity"`, a.PublicityDay, `data-test="agreement-draft"`)

	// Anyone signed in objects; the bureau resolves it.
	au := consoleLogin(t, env, "appunit")
	obj := idIn(t, au.submit(page, page+"/objections", url.Values{"text": {"评分过程未公开"}}))
	wantPage(t, "the objection to its filer", au.get("/console/objections/"+obj), http.StatusOK, "评分过程未公开", `data-state="open"`)
	if a := au.submit("/console/objections/"+obj, "/console/objections/"+obj+"/dismiss", url.Values{"resolution": {"x"}}); a.status != http.StatusForbidden {
		t.Errorf("the filer resolving its objection: %d", a.status)
	}
	o := "/console/objections/" + obj
	wantPage(t, "dismissing without a resolution", b.submit(o, o+"/dismiss", nil), http.StatusBadRequest, "resolution")
	idIn(t, b.submit(o, o+"/dismiss", url.Values{"resolution": {"评分记录已按规定存档"}}))
	wantPage(t, "dismissed", au.get(o), http.StatusOK, `data-state="dismissed"`, "评分记录已按规定存档")
	if a := b.submit(o, o+"/ignore", url.Values{"resolution": {"x"}}); a.status != http.StatusNotFound {
		t.Errorf("a step that does not exist: %d", a.status)
	}

	// The veto stops the selection; its reason stays out of the portal.
	wantPage(t, "a veto without a reason", b.submit(page, page+"/veto", nil), http.StatusBadRequest, "reason: required")
	idIn(t, b.submit(page, page+"/veto", url.Values{"reason": {"涉及国家安全审查，终止遴选"}}))
	wantPage(t, "vetoed", b.get(page), http.StatusOK, `data-state="vetoed"`, "涉及国家安全审查")
	portal := newConsoleClient(t, env).get("/announcements/" + a.ID)
	wantPage(t, "the vetoed announcement on the portal", portal, http.StatusOK, `data-state="vetoed"`)
	if wantNot := "涉及国家安全审查"; strings.Contains(portal.body, wantNot) {
		t.Error("the portal shows the veto's reason")
	}
}

// TestGovernanceEvaluationForms: a year on, the bureau opens the
// operator's evaluation from the agreement page; the operator answers every
// item (the first with evidence) and submits; the bureau scores, grades and
// finalises, then turns a finding into a rectification task with its
// working-day deadline. A regulator reads the evaluation without forms.
func TestGovernanceEvaluationForms(t *testing.T) {
	clock := &apptest.Clock{}
	env := apptest.NewWithClock(t, store.SQLite, clock)
	d := findDemoGovernance(t, env)
	clock.Advance(366 * 24 * time.Hour)
	b, op := consoleLogin(t, env, "bureau"), consoleLogin(t, env, "operator")
	g := "/console/agreements/" + d.agreement
	year := strconv.Itoa(calendar.DateOf(clock.Now()).Year())
	ev := idIn(t, b.submit(g, "/console/evaluations", url.Values{"agreement_id": {d.agreement}, "year": {year}}))
	page := "/console/evaluations/" + ev
	e, err := env.App.Evaluation.Evaluation(context.Background(), access.System("test"), ev)
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range e.Items {
		var files [][3]string
		if i == 0 {
			files = [][3]string{{"file", "制度汇编.pdf", "%PDF-1.7\n制度\n"}, {"file", "演练记录.pdf", "%PDF-1.7\n演练\n"}}
		}
		idIn(t, op.postMultipart(page, page+"/items/"+it.Key+"/answer", [][2]string{{"answer", "已落实：" + it.Title}}, files))
	}
	idIn(t, op.submit(page, page+"/submit", nil))
	reg := consoleLogin(t, env, "regulator")
	if a := reg.get(page); a.status != http.StatusOK || strings.Contains(a.body, `data-test="item-score-form"`) || !strings.Contains(a.body, "制度汇编.pdf") ||
		!strings.Contains(a.body, "演练记录.pdf") {
		t.Errorf("the regulator's view: %d, offered scoring %v", a.status, strings.Contains(a.body, `data-test="item-score-form"`))
	}
	for _, it := range e.Items {
		idIn(t, b.submit(page, page+"/items/"+it.Key+"/score", url.Values{"points": {strconv.FormatFloat(it.Weight, 'f', -1, 64)}}))
	}
	idIn(t, b.submit(page, page+"/grade", nil))
	wantPage(t, "finalising without a conclusion", b.submit(page, page+"/finalise", nil), http.StatusBadRequest, "comment: required")
	idIn(t, b.submit(page, page+"/finalise", url.Values{"comment": {"运营规范，评为优秀。"}}))
	wantPage(t, "finalised", op.get(page), http.StatusOK, `data-state="finalised"`, "100.0", "运营规范，评为优秀。")
	task := idIn(t, b.submit(page, page+"/rectifications", url.Values{"item_key": {e.Items[0].Key}, "finding": {"制度未公开"},
		"requirement": {"在门户公开安全管理制度"}, "days": {"10"}}))
	wantPage(t, "the task", op.get("/console/rectifications/"+task), http.StatusOK, "制度未公开", "10 个工作日", `data-test="report-form"`)
}
