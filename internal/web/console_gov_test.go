package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/app/apptest"
	"shuyu/internal/evaluation"
	"shuyu/internal/plan"
	"shuyu/internal/store"
	"shuyu/internal/tender"
)

// demoGovernance names the demo's governance objects: the filed plan, the
// draft plan, the concluded announcement, the active agreement, its
// evaluation and rectification task.
type demoGovernance struct {
	filedPlan, draftPlan, announcement, application, agreement, evaluation, rectification string
}

func findDemoGovernance(t *testing.T, env *apptest.Env) demoGovernance {
	t.Helper()
	ctx, sys := context.Background(), access.System("test")
	var d demoGovernance
	pls, _, err := env.App.Plans.List(ctx, sys, plan.Filter{}, store.NewPage(50, ""))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pls {
		switch p.State {
		case plan.Filed:
			d.filedPlan = p.ID
		case plan.Draft:
			d.draftPlan = p.ID
		}
	}
	as, _, err := env.App.Tender.List(ctx, sys, tender.Filter{}, store.NewPage(50, ""))
	if err != nil || len(as) == 0 {
		t.Fatalf("announcements %v %v", as, err)
	}
	d.announcement = as[0].ID
	aps, _, err := env.App.Tender.Applications(ctx, sys, tender.ApplicationFilter{AnnouncementID: d.announcement}, store.NewPage(50, ""))
	if err != nil || len(aps) == 0 {
		t.Fatalf("applications %v %v", aps, err)
	}
	d.application = aps[0].ID
	gs, _, err := env.App.Agreements.List(ctx, sys, agreement.Filter{State: agreement.Active}, store.NewPage(50, ""))
	if err != nil || len(gs) == 0 {
		t.Fatalf("agreements %v %v", gs, err)
	}
	d.agreement = gs[0].ID
	evs, _, err := env.App.Evaluation.Evaluations(ctx, sys, evaluation.EvaluationFilter{AgreementID: d.agreement}, store.NewPage(50, ""))
	if err != nil || len(evs) == 0 {
		t.Fatalf("evaluations %v %v", evs, err)
	}
	d.evaluation = evs[0].ID
	rs, _, err := env.App.Evaluation.Rectifications(ctx, sys, evaluation.RectificationFilter{EvaluationID: d.evaluation}, store.NewPage(50, ""))
	if err != nil || len(rs) == 0 {
		t.Fatalf("rectifications %v %v", rs, err)
	}
	d.rectification = rs[0].ID
	if d.filedPlan == "" || d.draftPlan == "" {
		t.Fatalf("demo plans %+v", pls)
	}
	return d
}

// TestGovernancePageAccess opens the governance pages as the roles that may
// and may not see them, in both languages: the services decide.
func TestGovernancePageAccess(t *testing.T) {
	consoleEnvs(t, func(t *testing.T, env *apptest.Env) {
		if err := gather(env); err != nil {
			t.Fatal(err)
		}
		d := findDemoGovernance(t, env)
		cases := []struct {
			user, path string
			status     int
			want       []string
		}{
			{"bureau", "/console/plans", 200, []string{`data-plan="` + d.filedPlan + `"`, `data-plan="` + d.draftPlan + `"`, "已备案", "起草实施方案"}},
			{"bureau", "/console/plans/" + d.filedPlan, 200, []string{"政府集体决策", "据此发布申报公告", "social_insurance"}},
			{"bureau", "/console/plans/" + d.draftPlan, 200, []string{`data-step="submit"`, `data-step="withdraw"`, "修改草稿"}},
			{"bureau", "/console/plans/new", 200, []string{`name="datasets"`, `name="consulted"`, "整体授权"}},
			{"bureau", "/console/plans/" + d.filedPlan + "/edit", 200, []string{"变更（形成新版本）"}},
			{"regulator", "/console/plans/" + d.filedPlan, 200, nil},
			{"regulator", "/console/plans/new", 403, nil},
			{"kuiwen", "/console/plans/" + d.filedPlan, 403, nil},
			{"kuiwen", "/console/agreements/" + d.agreement, 403, nil},
			{"operator", "/console/plans", 403, nil},
			{"appunit", "/console/plans/" + d.filedPlan, 403, nil},
			{"bureau", "/console/announcements", 200, []string{`data-announcement="` + d.announcement + `"`}},
			{"bureau", "/console/announcements/" + d.announcement, 200, []string{`data-test="ranking"`, "潍坊数智运营有限公司"}},
			{"operator", "/console/announcements/" + d.announcement, 200, []string{`data-application="` + d.application + `"`}},
			{"bureau", "/console/applications/" + d.application, 200, []string{"SHA-256", "第十三条资格条件"}},
			{"operator", "/console/applications/" + d.application, 200, []string{"SHA-256"}},
			{"provider-hrss", "/console/applications/" + d.application, 403, nil},
			{"bureau", "/console/agreements", 200, []string{`data-agreement="` + d.agreement + `"`, "生效中"}},
			{"bureau", "/console/agreements/" + d.agreement, 200, []string{`data-step="terminate"`, `data-step="revoke"`, "技术支撑平台", "续签"}},
			{"operator", "/console/agreements/" + d.agreement, 200, []string{"生效中"}},
			{"finance", "/console/agreements/" + d.agreement, 200, []string{"财政部门意见"}},
			{"appunit", "/console/agreements", 403, nil},
			{"provider-hrss", "/console/agreements/" + d.agreement, 403, nil},
			{"bureau", "/console/evaluations", 200, []string{`data-evaluation="` + d.evaluation + `"`}},
			{"operator", "/console/evaluations/" + d.evaluation, 200, []string{"评估项目"}},
			{"regulator", "/console/evaluations/" + d.evaluation, 200, nil},
			{"analyst", "/console/evaluations/" + d.evaluation, 403, nil},
			{"operator", "/console/rectifications/" + d.rectification, 200, []string{`data-test="report-form"`, "个工作日"}},
			{"bureau", "/console/rectifications", 200, []string{`data-rectification="` + d.rectification + `"`}},
			{"operator", "/console/inbox", 200, []string{`data-kind="rectification.submit"`}},
			{"operator", "/console", 200, []string{`data-test="dashboard-inbox"`, `data-kind="rectification.submit"`}},
			{"bureau", "/console/agreements/new?announcement=" + d.announcement, 200, nil},
		}
		clients := map[string]*consoleClient{}
		for _, c := range cases {
			b := clients[c.user]
			if b == nil {
				b = consoleLogin(t, env, c.user)
				clients[c.user] = b
			}
			wantPage(t, c.user+" GET "+c.path, b.get(c.path), c.status, c.want...)
		}
		// A county's officer may not act on the city's plan, whatever the form says.
		k := clients["kuiwen"]
		if a := k.submit("/console", "/console/plans/"+d.draftPlan+"/submit", nil); a.status != http.StatusForbidden {
			t.Errorf("kuiwen submitting the city's plan: %d", a.status)
		}
		// The same pages in English.
		b := clients["bureau"]
		b.get("/lang?to=en&back=/")
		wantPage(t, "plans in English", b.get("/console/plans"), 200, "Implementation plans", "Filed")
		wantPage(t, "agreement in English", b.get("/console/agreements/"+d.agreement), 200, "Early termination (Art. 27(1))", "Active")
		wantPage(t, "announcement in English", b.get("/console/announcements/"+d.announcement), 200, "Ranking")
		wantPage(t, "inbox in English", b.get("/console/inbox"), 200, "Inbox")

		// The public portal, without signing in.
		anon := newConsoleClient(t, env)
		wantPage(t, "portal announcements", anon.get("/announcements"), 200, `data-announcement="`+d.announcement+`"`, "潍坊数智运营有限公司")
		wantPage(t, "portal announcement", anon.get("/announcements/"+d.announcement), 200, "评审标准")
		wantPage(t, "portal operators", anon.get("/operators"), 200, "潍坊数智运营有限公司", "生效中")
		if a := anon.get("/console/plans"); a.status != http.StatusSeeOther || !strings.HasPrefix(a.location(), "/login") {
			t.Errorf("a stranger at the plans: %d %s", a.status, a.location())
		}
	})
}

// gather gathers every inbox now, as the daily job would.
func gather(env *apptest.Env) error {
	_, err := env.App.Inbox.Gather(context.Background(), "test")
	return err
}
