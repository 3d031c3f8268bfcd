package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/app/apptest"
	"shuyu/internal/calendar"
	"shuyu/internal/store"
	"shuyu/internal/tender/tendertest"
)

// postMultipart sends an upload form as a browser does: the CSRF token
// first (taken from page), then fields, then files (name, filename, content).
func (b *consoleClient) postMultipart(page, path string, fields [][2]string, files [][3]string) consoleAnswer {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", b.token(page))
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	for _, f := range files {
		fw, _ := mw.CreateFormFile(f[0], f[1])
		fw.Write([]byte(f[2]))
	}
	mw.Close()
	req, err := http.NewRequest("POST", b.base+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw bytes.Buffer
	raw.ReadFrom(resp.Body)
	return consoleAnswer{status: resp.StatusCode, body: raw.String(), header: resp.Header}
}

var objectID = regexp.MustCompile(`/console/[a-z]+/([0-9a-f-]{36})`)

// idIn returns the object ID a redirect points to.
func idIn(t *testing.T, a consoleAnswer) string {
	t.Helper()
	m := objectID.FindStringSubmatch(a.location())
	if a.status != http.StatusSeeOther || m == nil {
		t.Fatalf("want a redirect to an object, got %d %q\n%.2000s", a.status, a.location(), a.body)
	}
	return m[1]
}

// TestGovernancePlanForms drafts a plan through the console, with a
// refusal that keeps what was typed, takes it to approval, makes a new
// version, and shows the refusals the service makes; writes by the wrong
// role and without the CSRF token are refused.
func TestGovernancePlanForms(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		ctx, sys := context.Background(), access.System("test")
		si, err := env.App.Catalog.Get(ctx, sys, "social_insurance")
		if err != nil {
			t.Fatal(err)
		}
		b := consoleLogin(t, env, "bureau")
		form := url.Values{"title": {""}, "mode": {"whole"}, "datasets": {si.ID}, "consulted": {env.Demo.Orgs["cac"]},
			"opinion." + env.Demo.Orgs["cac"]: {"同意"}, "revenue_sharing": {"按贡献分配"}, "security": {"原始数据不出域"},
			"benefits.economic": {"带动产业"}, "benefits.social": {"便民利企"}}
		wantPage(t, "a plan without a title", b.submit("/console/plans/new", "/console/plans/new", form), http.StatusBadRequest,
			"field-invalid", "title: required", "原始数据不出域", `value="`+si.ID+`" checked`, "按贡献分配")
		form.Set("title", "表单测试实施方案")
		id := idIn(t, b.submit("/console/plans/new", "/console/plans/new", form))
		page := "/console/plans/" + id
		wantPage(t, "the draft", b.get(page), http.StatusOK, "表单测试实施方案", "social_insurance", "原始数据不出域", "已起草实施方案")

		idIn(t, b.submit(page, page+"/submit", nil))
		today := calendar.DateOf(time.Now()).String()
		wantPage(t, "approval without a date", b.submit(page, page+"/approve", url.Values{"decision.meeting": {"市政府第12次常务会议"},
			"decision.number": {"纪要12号"}}), http.StatusBadRequest, "decision.date", `value="市政府第12次常务会议"`, "field-invalid")
		idIn(t, b.submit(page, page+"/approve", url.Values{"decision.meeting": {"市政府第12次常务会议"}, "decision.number": {"纪要12号"},
			"decision.date": {today}}))
		wantPage(t, "approved", b.get(page), http.StatusOK, `data-state="approved"`, "纪要12号", `data-step="file"`)

		// After approval only mode, scope and revenue sharing may change,
		// into a new version; the same values again are refused.
		wantPage(t, "the version form", b.get(page+"/edit"), http.StatusOK, "变更（形成新版本）", `name="revenue_sharing"`)
		if a := b.get(page + "/edit"); strings.Contains(a.body, `name="title"`) || strings.Contains(a.body, `name="security"`) {
			t.Error("the form for a new version offers fields that may not change after approval")
		}
		same := url.Values{"mode": {"whole"}, "datasets": {si.ID}, "revenue_sharing": {"按贡献分配"}}
		wantPage(t, "a new version changing nothing", b.submit(page+"/edit", page+"/edit", same), http.StatusBadRequest, "nothing changes")
		same.Set("revenue_sharing", "按贡献和成本分配")
		v2 := idIn(t, b.submit(page+"/edit", page+"/edit", same))
		if v2 == id {
			t.Fatal("the change did not make a new version")
		}
		wantPage(t, "version 2", b.get("/console/plans/"+v2), http.StatusOK, "第 2 版", `data-state="draft"`, "按贡献和成本分配", "须重新提交审批")

		// Wrong role, no token.
		op := consoleLogin(t, env, "operator")
		if a := op.submit("/console", "/console/plans/new", form); a.status != http.StatusForbidden {
			t.Errorf("the operator drafting a plan: %d", a.status)
		}
		if a := op.submit("/console", page+"/file", url.Values{"filing.reference": {"x"}, "filing.date": {today}}); a.status != http.StatusForbidden {
			t.Errorf("the operator filing a plan: %d", a.status)
		}
		if a := b.post(page+"/file", url.Values{"filing.reference": {"x"}, "filing.date": {today}}); a.status != http.StatusForbidden {
			t.Errorf("filing without the CSRF token: %d", a.status)
		}
		b.get("/lang?to=en&back=/")
		wantPage(t, "a refusal in English", b.submit(page, page+"/file", url.Values{"filing.reference": {"鲁数备〔2026〕1号"}}),
			http.StatusBadRequest, "Please correct the input", "filing.date", "Record filing")
	})
}

// TestGovernanceApplyForms announces through the console (weights that do
// not sum to 100 refused, the criteria kept), applies as the operator
// through the multipart form (incomplete evidence refused with the reason
// and the answers kept; then with evidence, hashes shown), and after the
// deadline an application is refused with the reason. Then the bureau
// terminates the demo agreement and the page shows the deletion record.
func TestGovernanceApplyForms(t *testing.T) {
	clock := &apptest.Clock{}
	env := apptest.NewWithClock(t, store.SQLite, clock)
	d := findDemoGovernance(t, env)
	b := consoleLogin(t, env, "bureau")
	deadline := clock.Now().Add(time.Hour).In(calendar.Shanghai()).Format("2006-01-02T15:04")
	form := url.Values{"plan_id": {d.filedPlan}, "title": {"表单测试公告"}, "method": {"public_tender"}, "conditions": {"第十三条"},
		"criteria": {"5"}, "criteria[0].name": {"方案"}, "criteria[0].weight": {"60"}, "criteria[1].name": {"安全"}, "criteria[1].weight": {"30"},
		"deadline": {deadline}}
	wantPage(t, "weights summing to 90", b.submit("/console/announcements/new", "/console/announcements/new", form), http.StatusBadRequest,
		"the weights sum to 90", `value="安全"`, `value="30"`, `value="`+deadline+`"`)
	form.Set("criteria[1].weight", "40")
	id := idIn(t, b.submit("/console/announcements/new", "/console/announcements/new", form))
	page := "/console/announcements/" + id
	wantPage(t, "the draft's form", b.get(page+"/edit"), http.StatusOK, `value="表单测试公告"`, `value="40"`, `value="`+deadline+`"`)
	form.Set("title", "表单测试公告（修改）")
	idIn(t, b.submit(page+"/edit", page+"/edit", form))
	idIn(t, b.submit(page, page+"/publish", nil))
	wantPage(t, "editing once published", b.submit(page, page+"/edit", form), http.StatusConflict, "does not change", "表单测试公告（修改）")

	op := consoleLogin(t, env, "operator")
	apply := page + "/apply"
	var answers [][2]string
	for i := 1; i <= 7; i++ {
		answers = append(answers, [2]string{fmt.Sprintf("answer.%d", i), fmt.Sprintf("第%d项符合", i)})
	}
	answers = append(answers, [2]string{"no_incidents.4", "true"}, [2]string{"no_incidents.6", "true"})
	wantPage(t, "evidence missing", op.postMultipart(apply, apply, answers, [][3]string{{"item1", "执照.pdf", string(tendertest.PDF)}}),
		http.StatusBadRequest, "item 2", "needs at least one evidence file", "第7项符合")
	var files [][3]string
	for i := 1; i <= 6; i++ {
		files = append(files, [3]string{fmt.Sprintf("item%d", i), "证明.pdf", string(tendertest.PDF)})
	}
	files = append(files, [3]string{"item7", "", ""}) // a file input left empty
	ap := idIn(t, op.postMultipart(apply, apply, answers, files))
	sum := sha256.Sum256(tendertest.PDF)
	wantPage(t, "the application", op.get("/console/applications/"+ap), http.StatusOK, hex.EncodeToString(sum[:]), "第7项符合", "6 个证明文件")

	clock.Advance(2 * time.Hour)
	wantPage(t, "after the deadline", op.postMultipart(page, apply, answers, files), http.StatusConflict, "applications closed", "第3项符合")
	if a := b.postMultipart(page, apply, answers, files); a.status != http.StatusForbidden {
		t.Errorf("the bureau applying: %d", a.status)
	}

	// The exit, from the agreement page.
	g := "/console/agreements/" + d.agreement
	if a := op.submit(g, g+"/terminate", url.Values{"code": {"early_termination"}, "reason": {"x"}}); a.status != http.StatusForbidden {
		t.Errorf("the operator terminating: %d", a.status)
	}
	wantPage(t, "termination without facts", b.submit(g, g+"/terminate", url.Values{"code": {"early_termination"}}), http.StatusBadRequest, "reason: required")
	if a := b.submit(g, g+"/terminate", url.Values{"code": {"early_termination"}, "reason": {"运营单位申请提前终止"}}); a.status != http.StatusSeeOther {
		t.Fatalf("terminate: %d\n%.2000s", a.status, a.body)
	}
	wantPage(t, "the deletion record", op.get(g), http.StatusOK, `data-test="exit-record"`, "王建华（市大数据局）", "已终止", "提前终止（第二十七条第一项）")
}

// TestGovernanceRectificationForms: the operator reports on the demo's
// rectification task with an evidence file through the console; the bureau
// rejects the report with a comment and a new deadline.
func TestGovernanceRectificationForms(t *testing.T) {
	env := apptest.New(t, store.SQLite)
	d := findDemoGovernance(t, env)
	op, b := consoleLogin(t, env, "operator"), consoleLogin(t, env, "bureau")
	page := "/console/rectifications/" + d.rectification
	report := []byte("%PDF-1.7\n整改报告\n")
	roster := []byte("%PDF-1.7\n培训签到表\n")
	idIn(t, op.postMultipart(page, page+"/submit", [][2]string{{"report", "已补充安全管理人员并完成培训。"}},
		[][3]string{{"file", "整改报告.pdf", string(report)}, {"file", "培训签到表.pdf", string(roster)}}))
	sum, sum2 := sha256.Sum256(report), sha256.Sum256(roster)
	wantPage(t, "the report", b.get(page), http.StatusOK, `data-state="submitted"`, hex.EncodeToString(sum[:]), hex.EncodeToString(sum2[:]),
		"已补充安全管理人员", `data-step="reject"`)
	wantPage(t, "rejecting without a comment", b.submit(page, page+"/reject", url.Values{"days": {"5"}}), http.StatusBadRequest, "comment: required", `value="5"`)
	idIn(t, b.submit(page, page+"/reject", url.Values{"comment": {"培训记录不完整"}, "days": {"5"}}))
	wantPage(t, "rejected", op.get(page), http.StatusOK, `data-state="open"`, "培训记录不完整", "5 个工作日")
	if a := op.submit(page, page+"/accept", nil); a.status != http.StatusForbidden {
		t.Errorf("the operator accepting its own report: %d", a.status)
	}
}
