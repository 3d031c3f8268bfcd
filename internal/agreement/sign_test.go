package agreement_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"shuyu/internal/agreement"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/plan"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
	"shuyu/internal/tender"
)

// TestTermAtMostFiveYears: a term runs at most five years, the end on the
// day before the fifth anniversary of the start.
func TestTermAtMostFiveYears(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		bureau := e.As(t, "bureau")
		sel := e.AnnouncementIn(t, tender.Concluded)
		in := e.input(sel.Announcement.ID, 0, 1)
		for _, c := range []struct {
			starts, ends string
			ok           bool
		}{
			{"2026-05-01", "2031-04-30", true},
			{"2026-05-01", "2031-05-01", false},
			{"2026-05-01", "2036-05-01", false},
			{"2028-02-29", "2033-02-28", true},
			{"2028-02-29", "2033-03-01", false},
			{"2026-05-01", "2026-04-30", false},
			{"2026-05-01", "2026-05-01", true},
			{"2026-02-30", "2027-01-01", false},
		} {
			in.StartsOn, in.EndsOn = &c.starts, &c.ends
			a, err := e.ag.Create(ctx, bureau, in)
			if c.ok != (err == nil) {
				t.Errorf("term %s to %s: %v; want accepted %v", c.starts, c.ends, err, c.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "ends_on") && !strings.Contains(err.Error(), "starts_on") {
				t.Errorf("term %s to %s: %v; want the field named", c.starts, c.ends, err)
			}
			if err == nil && !a.EndsAt.Equal(shanghaiMidnight(t, c.ends).Add(24*time.Hour)) {
				t.Errorf("term ending %s ends at %v", c.ends, a.EndsAt)
			}
		}
		// Nor can a draft be stretched beyond it.
		a, err := e.ag.Create(ctx, bureau, e.input(sel.Announcement.ID, 0, 30))
		if err != nil {
			t.Fatal(err)
		}
		long := "2040-01-01"
		if _, err := e.ag.Update(ctx, bureau, a.ID, agreement.Input{EndsOn: &long}); !errs.Is(err, errs.Invalid) {
			t.Errorf("stretching a draft to 2040: %v, want invalid", err)
		}
	}, migrations()...)
}

func shanghaiMidnight(t *testing.T, day string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, day, calendar.Shanghai())
	if err != nil {
		t.Fatal(err)
	}
	return d.UTC()
}

// TestSigningWaitsForPublicity: an agreement may be drafted on an award
// under publicity, but is signed only after publicity ends and every
// objection is resolved, with the finance department's opinion on the
// revenue sharing as it stands and the unit's decision.
func TestSigningWaitsForPublicity(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		bureau, fin := e.As(t, "bureau"), e.As(t, "finance")
		sel := e.AnnouncementIn(t, tender.Publicity)
		a, err := e.ag.Create(ctx, bureau, e.input(sel.Announcement.ID, 20, 400))
		if err != nil {
			t.Fatal(err)
		}
		if a.OperatorID != e.Orgs["operator"] || a.FinanceOrgID != e.Orgs["finance"] || len(a.Datasets) != 3 || a.Opinion != nil {
			t.Fatalf("drafted %+v", a)
		}
		sign := func() error {
			_, err := e.ag.Sign(ctx, bureau, a.ID, decision(e.day(0)))
			return err
		}
		if err := sign(); !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "finance") {
			t.Errorf("signing without the finance opinion: %v", err)
		}
		for _, who := range []string{"regulator", "bureau", "operator"} {
			if _, err := e.ag.GiveOpinion(ctx, e.As(t, who), a.ID, agreement.OpinionInput{Concurs: true, Text: "同意"}); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s giving the finance opinion: %v, want forbidden", who, err)
			}
		}
		if a, err = e.ag.GiveOpinion(ctx, fin, a.ID, agreement.OpinionInput{Concurs: true, Text: "同意该收益分配方案"}); err != nil || !a.Opinion.Current {
			t.Fatalf("the opinion: %+v %v", a.Opinion, err)
		}
		// A changed revenue-sharing clause needs a new opinion.
		tm := a.Terms
		tm.RevenueSharing = "政府占六成"
		if a, err = e.ag.Update(ctx, bureau, a.ID, agreement.Input{Terms: &tm}); err != nil || a.Opinion.Current {
			t.Fatalf("after changing the revenue sharing: %+v %v", a.Opinion, err)
		}
		if err := sign(); !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "finance") {
			t.Errorf("signing on a stale opinion: %v", err)
		}
		if _, err = e.ag.GiveOpinion(ctx, fin, a.ID, agreement.OpinionInput{Concurs: false, Text: "建议调整分成比例"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.ag.Sign(ctx, bureau, a.ID, agreement.SignInput{}); !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "decision") {
			t.Errorf("signing without the decision record: %v", err)
		}
		if err := sign(); !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "publicity") {
			t.Errorf("signing under publicity: %v", err)
		}
		o, err := e.Tender.Object(ctx, e.As(t, "operator2"), sel.Announcement.ID, "评分有误")
		if err != nil {
			t.Fatal(err)
		}
		e.Advance(sel.Announcement.PublicityUntil.Sub(e.Clock()) + time.Minute)
		if err := sign(); !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "objection") {
			t.Errorf("signing with an open objection: %v", err)
		}
		if _, err := e.Tender.Resolve(ctx, bureau, o.ID, tender.Dismiss, "评分无误"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Tender.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if err := sign(); err != nil {
			t.Fatal(err)
		}
		a, _ = e.ag.Get(ctx, bureau, a.ID)
		if a.State != agreement.Signed || a.Decision == nil || a.SignedAt == nil {
			t.Fatalf("signed: %+v", a)
		}
		// One agreement per selection, and no veto after signing.
		if _, err := e.Tender.Act(ctx, bureau, sel.Announcement.ID, tender.Veto, tender.StepInput{Reason: "国家安全"}); !errs.Is(err, errs.Conflict) {
			t.Errorf("veto after signing: %v", err)
		}
		other, err := e.ag.Create(ctx, bureau, e.input(sel.Announcement.ID, 20, 400))
		if err != nil {
			t.Fatal(err)
		}
		e.ag.GiveOpinion(ctx, fin, other.ID, agreement.OpinionInput{Concurs: true, Text: "同意"})
		if _, err := e.ag.Sign(ctx, bureau, other.ID, decision(e.day(0))); !errs.Is(err, errs.Conflict) {
			t.Errorf("a second agreement on one selection: %v, want a conflict", err)
		}
		// It comes into force on its start date, by the clock.
		e.Advance(a.StartsAt.Sub(e.Clock()))
		if n, err := e.ag.Tick(ctx); err != nil || n != 1 {
			t.Fatalf("tick on the start date: %d %v", n, err)
		}
		if a, _ = e.ag.Get(ctx, bureau, a.ID); a.State != agreement.Active || a.ActivatedAt == nil {
			t.Errorf("on the start date: %s", a.State)
		}
	}, migrations()...)
}

// TestScopeWithinPlan: an agreement's scope lies within the approved plan's;
// a new plan version that narrows it stops the signing.
func TestScopeWithinPlan(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		bureau := e.As(t, "bureau")
		sel := e.AnnouncementIn(t, tender.Concluded)
		in := e.input(sel.Announcement.ID, 0, 100)
		in.Datasets = &[]string{"people", e.Outside}
		if _, err := e.ag.Create(ctx, bureau, in); !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "not in the data scope") {
			t.Errorf("a dataset beyond the plan: %v", err)
		}
		for _, who := range []string{"kuiwen", "operator", "finance", "admin"} {
			if _, err := e.ag.Create(ctx, e.As(t, who), e.input(sel.Announcement.ID, 0, 100)); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s drafting: %v, want forbidden", who, err)
			}
		}
		a := e.drafted(t, 0, 100)
		scope := []string{"people"}
		v2, err := e.Plans.Update(ctx, bureau, e.Plan.ID, plan.Input{Datasets: &scope})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Plans.Act(ctx, bureau, v2.ID, plan.Submit, plan.StepInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Plans.Act(ctx, bureau, v2.ID, plan.Approve, e.Step(plan.Approve)); err != nil {
			t.Fatal(err)
		}
		if _, err := e.ag.Sign(ctx, bureau, a.ID, decision(e.day(0))); !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "outside the data scope") {
			t.Errorf("signing beyond the plan in force: %v", err)
		}
		if a, err = e.ag.Update(ctx, bureau, a.ID, agreement.Input{Datasets: &scope}); err != nil || len(a.Datasets) != 1 || a.PlanID != v2.ID {
			t.Fatalf("narrowed: %+v %v", a, err)
		}
		if _, err := e.ag.Sign(ctx, bureau, a.ID, decision(e.day(0))); err != nil {
			t.Errorf("signing within the plan in force: %v", err)
		}
	}, migrations()...)
}
