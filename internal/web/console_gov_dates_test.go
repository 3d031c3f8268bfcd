package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"shuyu/internal/app/apptest"
	"shuyu/internal/calendar"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// TestGovernanceDates: a plan approved and not filed within 20 working days
// is marked overdue in the list, on its page and in the officer's inbox;
// and an agreement in force is renewed from its page, the renewal starting
// the day after it ends, then withdrawn.
func TestGovernanceDates(t *testing.T) {
	clock := &apptest.Clock{}
	env := apptest.NewWithClock(t, store.SQLite, clock)
	ctx, d := context.Background(), findDemoGovernance(t, env)
	bp := principal(t, env, "bureau")
	title, mode, rev, sec := "逾期备案测试方案", plan.Whole, "按贡献分配", "不出域"
	ds := []string{"social_insurance"}
	cs := []plan.ConsultationInput{{OrgID: env.Demo.Orgs["cac"]}}
	pl, err := env.App.Plans.Create(ctx, bp, plan.Input{Title: &title, Mode: &mode, Datasets: &ds, Consulted: &cs, RevenueSharing: &rev,
		Security: &sec, Benefits: &plan.Benefits{Economic: "增收", Social: "便民"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.Plans.Act(ctx, bp, pl.ID, plan.Submit, plan.StepInput{}); err != nil {
		t.Fatal(err)
	}
	if pl, err = env.App.Plans.Act(ctx, bp, pl.ID, plan.Approve, plan.StepInput{Decision: &plan.Decision{Meeting: "常务会议", Number: "纪要1号",
		Date: calendar.DateOf(clock.Now()).String()}}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(pl.FilingDueAt.Sub(clock.Now()) + time.Hour)
	if err := gather(env); err != nil {
		t.Fatal(err)
	}
	b := consoleLogin(t, env, "bureau")
	list := b.get("/console/plans?overdue=1")
	wantPage(t, "overdue plans", list, http.StatusOK, `data-plan="`+pl.ID+`" class="row-bad"`, `data-test="overdue"`)
	if strings.Contains(list.body, `data-plan="`+d.filedPlan+`"`) {
		t.Error("the filed plan is listed as overdue")
	}
	wantPage(t, "the overdue plan", b.get("/console/plans/"+pl.ID), http.StatusOK, `data-test="overdue"`, pl.FilingDueDay, `data-step="file"`)
	wantPage(t, "the inbox", b.get("/console/inbox"), http.StatusOK, `data-kind="plan.filing" data-object="`+pl.ID+`" class="row-bad"`, "/console/plans/"+pl.ID)

	g := "/console/agreements/" + d.agreement
	old, err := env.App.Agreements.Get(ctx, bp, d.agreement)
	if err != nil {
		t.Fatal(err)
	}
	end, _ := calendar.ParseDate(old.EndsOn)
	next := end.AddDays(1).String()
	wantPage(t, "the renewal's term offered", b.get(g), http.StatusOK, `value="`+next+`"`)
	a := b.submit(g, g+"/renew", url.Values{"starts_on": {next}, "ends_on": {"2099-01-01"}})
	wantPage(t, "a renewal longer than five years", a, http.StatusBadRequest, "longer than 5 years", `value="2099-01-01"`)
	a = b.submit(g, g+"/renew", url.Values{"starts_on": {next}, "ends_on": {end.AddDays(365).String()}})
	renewal := idIn(t, a)
	if !strings.HasSuffix(a.location(), "/edit") {
		t.Errorf("the renewal leads to %s, want its edit form", a.location())
	}
	wantPage(t, "the renewal's form", b.get("/console/agreements/"+renewal+"/edit"), http.StatusOK, `value="`+next+`"`)
	wantPage(t, "renewing twice", b.submit(g, g+"/renew", url.Values{"starts_on": {next}, "ends_on": {end.AddDays(365).String()}}),
		http.StatusConflict, "renewed by")
	idIn(t, b.submit("/console/agreements/"+renewal, "/console/agreements/"+renewal+"/withdraw", nil))
	wantPage(t, "the renewal withdrawn", b.get("/console/agreements/"+renewal), http.StatusOK, `data-state="withdrawn"`, "续签自")
}
