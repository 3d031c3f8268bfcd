package web_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/app/apptest"
	"shuyu/internal/plan"
	"shuyu/internal/store"
	"shuyu/internal/tender"
	"shuyu/internal/tender/tendertest"
)

// Governance paths name the demo's objects, all of the city's bureau: its
// filed plan, its concluded announcement, the demo operator's application
// and its agreement in force; and an award under publicity with the
// operator's objection, made by the fixture. The matrix takes the steps in
// route order, so allowed callers may meet a conflict (or end the demo
// agreement), never a refusal. The county's bureau (kuiwen) holds the same
// roles and is refused everything of the city's.
func init() {
	var (
		planReaders    = []string{"admin", "bureau", "regulator", "finance"}
		cityMembers    = []string{"admin", "bureau", "provider-hrss", "provider-amr", "provider-tax", "operator", "analyst", "analyst2", "regulator", "finance"}
		bureau         = []string{"bureau"}
		officers       = []string{"bureau", "kuiwen"}
		appReaders     = []string{"admin", "bureau", "regulator", "finance", "operator"}
		appListers     = []string{"admin", "bureau", "kuiwen", "regulator", "finance", "operator"}
		agreementRead  = []string{"admin", "bureau", "regulator", "finance", "operator", "analyst", "analyst2"}
		agreementLists = []string{"admin", "bureau", "kuiwen", "regulator", "finance", "operator", "analyst", "analyst2"}
	)
	// A fresh map per call: resolve fills in each run's own IDs.
	body := func(v map[string]any) func(int64) any { return func(int64) any { return maps.Clone(v) } }
	reason := body(map[string]any{"reason": "矩阵测试"})
	decision := map[string]any{"meeting": "常务会议", "number": "1号", "date": "2026-01-05"}
	fixtureHooks = append(fixtureHooks, governanceFixtures)
	fillHooks = append(fillHooks, fillGovernancePath)
	addToMatrix(map[string]expect{
		"GET /api/v1/plans":                {allowed: append(slices.Clone(planReaders), "kuiwen")},
		"POST /api/v1/plans":               {allowed: officers, body: body(map[string]any{"title": "矩阵测试方案"})},
		"GET /api/v1/plans/{id}":           {allowed: planReaders},
		"PATCH /api/v1/plans/{id}":         {allowed: bureau, body: body(map[string]any{"title": "改"})},
		"GET /api/v1/plans/{id}/versions":  {allowed: planReaders},
		"POST /api/v1/plans/{id}/submit":   {allowed: bureau},
		"POST /api/v1/plans/{id}/return":   {allowed: bureau, body: reason},
		"POST /api/v1/plans/{id}/approve":  {allowed: bureau, body: body(map[string]any{"decision": decision})},
		"POST /api/v1/plans/{id}/file":     {allowed: bureau, body: body(map[string]any{"filing": map[string]any{"reference": "1号", "date": "2026-01-06"}})},
		"POST /api/v1/plans/{id}/withdraw": {allowed: bureau},

		"GET /api/v1/announcements":                    {allowed: members},
		"POST /api/v1/announcements":                   {allowed: bureau, body: body(map[string]any{"plan_id": "{gov-plan}", "title": "矩阵测试公告"})},
		"GET /api/v1/announcements/{id}":               {allowed: cityMembers},
		"PATCH /api/v1/announcements/{id}":             {allowed: bureau, body: body(map[string]any{"title": "改"})},
		"POST /api/v1/announcements/{id}/publish":      {allowed: bureau},
		"POST /api/v1/announcements/{id}/cancel":       {allowed: bureau, body: reason},
		"POST /api/v1/announcements/{id}/evaluate":     {allowed: bureau},
		"POST /api/v1/announcements/{id}/award":        {allowed: bureau, body: body(map[string]any{"application_id": "{gov-application}"})},
		"POST /api/v1/announcements/{id}/reopen":       {allowed: bureau, body: reason},
		"POST /api/v1/announcements/{id}/veto":         {allowed: bureau, body: reason},
		"GET /api/v1/announcements/{id}/ranking":       {allowed: planReaders},
		"POST /api/v1/announcements/{id}/applications": {allowed: []string{"operator"}, body: body(map[string]any{})},
		"POST /api/v1/announcements/{id}/objections":   {allowed: members, body: body(map[string]any{"text": "矩阵测试异议"})},
		"GET /api/v1/announcements/{id}/objections":    {allowed: cityMembers},
		"GET /api/v1/public/announcements":             {allowed: public},
		"GET /api/v1/public/announcements/{id}":        {allowed: public},

		"GET /api/v1/applications":                   {allowed: appListers},
		"GET /api/v1/applications/{id}":              {allowed: appReaders},
		"GET /api/v1/applications/{id}/files/{file}": {allowed: appReaders},
		"POST /api/v1/applications/{id}/eligibility": {allowed: bureau, body: body(map[string]any{"items": []any{}})},
		"POST /api/v1/applications/{id}/recheck":     {allowed: bureau, body: reason},
		"PUT /api/v1/applications/{id}/scores":       {allowed: bureau, body: body(map[string]any{"scores": []any{}})},
		"GET /api/v1/objections/{id}":                {allowed: appReaders},
		"POST /api/v1/objections/{id}/uphold":        {allowed: bureau, body: body(map[string]any{"resolution": "矩阵测试"})},
		"POST /api/v1/objections/{id}/dismiss":       {allowed: bureau, body: body(map[string]any{"resolution": "矩阵测试"})},

		"GET /api/v1/agreements":                       {allowed: agreementLists},
		"POST /api/v1/agreements":                      {allowed: bureau, body: body(map[string]any{"announcement_id": "{gov-announcement}"})},
		"GET /api/v1/agreements/{id}":                  {allowed: agreementRead},
		"PATCH /api/v1/agreements/{id}":                {allowed: bureau, body: body(map[string]any{"ends_on": "2030-01-01"})},
		"POST /api/v1/agreements/{id}/finance-opinion": {allowed: []string{"finance"}, body: body(map[string]any{"concurs": true, "text": "同意"})},
		"POST /api/v1/agreements/{id}/sign":            {allowed: bureau, body: body(map[string]any{"decision": decision})},
		"POST /api/v1/agreements/{id}/withdraw":        {allowed: bureau},
		"POST /api/v1/agreements/{id}/renew":           {allowed: bureau, body: body(map[string]any{})},
		"POST /api/v1/agreements/{id}/terminate":       {allowed: bureau, body: reason},
		"POST /api/v1/agreements/{id}/revoke":          {allowed: bureau, body: body(map[string]any{"code": "unsuitable", "reason": "矩阵测试"})},
		"GET /api/v1/agreements/{id}/exit":             {allowed: agreementRead},
		"GET /api/v1/public/agreements":                {allowed: public},
	})
}

// governanceFixtures finds the demo's objects and makes an award under
// publicity with the operator's objection, its history dated in the past.
func governanceFixtures(t *testing.T, env *apptest.Env, ids map[string]string) {
	t.Helper()
	ctx := context.Background()
	a, sys := env.App, access.System("test")
	page := store.NewPage(50, "")
	plans, _, err := a.Plans.List(ctx, sys, plan.Filter{State: plan.Filed}, page)
	must(t, err, len(plans) == 1)
	anns, _, err := a.Tender.List(ctx, sys, tender.Filter{State: tender.Concluded}, page)
	must(t, err, len(anns) == 1)
	apps, _, err := a.Tender.Applications(ctx, sys, tender.ApplicationFilter{AnnouncementID: anns[0].ID}, page)
	must(t, err, len(apps) == 1 && len(apps[0].Files) > 0)
	ags, _, err := a.Agreements.List(ctx, sys, agreement.Filter{State: agreement.Active}, page)
	must(t, err, len(ags) == 1)
	ids["gov-plan"], ids["gov-announcement"], ids["gov-application"], ids["gov-file"], ids["gov-agreement"] = plans[0].ID, anns[0].ID, apps[0].ID, apps[0].Files[0].ID, ags[0].ID

	principal := func(name string) access.Principal {
		p, err := a.Identity.PrincipalOf(ctx, name)
		must(t, err, true)
		return p
	}
	bureau, operator := principal("bureau"), principal("operator")
	past := time.Now().AddDate(0, 0, -20)
	then := a.Tender.WithClock(func() time.Time { return past })
	planID, title, method, conditions, deadline := ids["gov-plan"], "矩阵测试公示", tender.PublicTender, "第十三条", past.Add(48*time.Hour)
	criteria := []tender.Criterion{{Name: "方案", Weight: 100}}
	ann, err := then.Create(ctx, bureau, tender.Input{PlanID: &planID, Title: &title, Method: &method, Conditions: &conditions,
		Criteria: &criteria, Deadline: &deadline})
	must(t, err, true)
	_, err = then.Act(ctx, bureau, ann.ID, tender.Publish, tender.StepInput{})
	must(t, err, true)
	ap, err := then.Submit(ctx, operator, ann.ID, tendertest.Declarations(), tendertest.Evidence())
	must(t, err, true)
	later := a.Tender.WithClock(func() time.Time { return deadline.Add(time.Hour) })
	for _, step := range []func() error{
		func() error { _, err := later.Act(ctx, sys, ann.ID, tender.Close, tender.StepInput{}); return err },
		func() error {
			_, err := later.Act(ctx, bureau, ann.ID, tender.Evaluate, tender.StepInput{})
			return err
		},
		func() error { _, err := later.CheckEligibility(ctx, bureau, ap.ID, tendertest.AllPass()); return err },
		func() error {
			_, err := later.Score(ctx, bureau, ap.ID, []tender.ScoreInput{{Criterion: 0, Score: 90}})
			return err
		},
		func() error {
			_, err := a.Tender.Act(ctx, bureau, ann.ID, tender.Award, tender.StepInput{ApplicationID: ap.ID})
			return err
		},
	} {
		must(t, step(), true)
	}
	o, err := a.Tender.Object(ctx, operator, ann.ID, "中选结果有误")
	must(t, err, true)
	ids["gov-objection"] = o.ID
}

func must(t *testing.T, err error, ok bool) {
	t.Helper()
	if err != nil || !ok {
		t.Fatalf("governance fixture: %v (ok %v)", err, ok)
	}
}

func fillGovernancePath(path, key string, ids map[string]string) string {
	for prefix, id := range map[string]string{
		"/api/v1/plans/": "gov-plan", "/api/v1/announcements/": "gov-announcement", "/api/v1/public/announcements/": "gov-announcement",
		"/api/v1/applications/": "gov-application", "/api/v1/objections/": "gov-objection", "/api/v1/agreements/": "gov-agreement",
	} {
		if strings.HasPrefix(path, prefix) {
			return strings.NewReplacer("{id}", ids[id], "{file}", ids["gov-file"]).Replace(path)
		}
	}
	return ""
}
