package plan_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"shuyu/internal/demo/demotest"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/plan"
	"shuyu/internal/plan/plantest"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestVersionAfterApproval: after approval, edits other than mode, scope
// and revenue sharing are refused; a scope change is a new draft version
// linked to the approved one, which stays in force until the new one is
// approved and then is superseded.
func TestVersionAfterApproval(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := plantest.New(t, db)
		ctx := context.Background()
		bureau := e.As(t, "bureau")
		v1 := e.PlanIn(t, plan.Filed)
		title := "新标题"
		for _, in := range []plan.Input{{Title: &title}, {Title: &title, Datasets: &[]string{e.Datasets[0]}}, {Security: &title}} {
			_, err := e.Plans.Update(ctx, bureau, v1.ID, in)
			if !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "after approval") {
				t.Errorf("editing a filed plan: %v; want a conflict that says what may change", err)
			}
		}
		same := v1.DatasetIDs()
		if _, err := e.Plans.Update(ctx, bureau, v1.ID, plan.Input{Datasets: &same}); !errs.Is(err, errs.Invalid) {
			t.Errorf("a new version that changes nothing: %v, want invalid", err)
		}
		scope := e.Datasets[:2]
		v2, err := e.Plans.Update(ctx, bureau, v1.ID, plan.Input{Datasets: &scope})
		if err != nil {
			t.Fatal(err)
		}
		if v2.ID == v1.ID || v2.Version != 2 || v2.PreviousID != v1.ID || v2.SeriesID != v1.ID || v2.State != plan.Draft ||
			len(v2.Datasets) != 2 || v2.Title != v1.Title || v2.Decision != nil || v2.InForce {
			t.Fatalf("the new version: %+v", v2)
		}
		if _, err := e.Plans.Update(ctx, bureau, v1.ID, plan.Input{Datasets: &scope}); !errs.Is(err, errs.Conflict) {
			t.Errorf("a second version in progress: %v, want a conflict", err)
		}
		// The draft version is edited in place, titles included.
		if v2, err = e.Plans.Update(ctx, bureau, v2.ID, plan.Input{Title: &title}); err != nil || v2.Title != title {
			t.Fatalf("editing the new draft: %+v %v", v2, err)
		}
		if in, err := e.Plans.InForce(ctx, v2.ID); err != nil || in.ID != v1.ID {
			t.Errorf("in force while v2 is a draft: %s %v; want v1", in.ID, err)
		}
		if _, err = e.Plans.Act(ctx, bureau, v2.ID, plan.Submit, plan.StepInput{}); err != nil {
			t.Fatal(err)
		}
		if v2, err = e.Plans.Act(ctx, bureau, v2.ID, plan.Approve, e.Step(plan.Approve)); err != nil {
			t.Fatal(err)
		}
		old, _ := e.Plans.Get(ctx, bureau, v1.ID)
		if old.State != plan.Superseded || old.InForce || !v2.InForce {
			t.Errorf("after approving v2: v1 %s (in force %v), v2 in force %v", old.State, old.InForce, v2.InForce)
		}
		if in, err := e.Plans.InForce(ctx, v1.ID); err != nil || in.ID != v2.ID {
			t.Errorf("in force after approval: %s %v; want v2", in.ID, err)
		}
		entries, _ := e.Ledger.Entries(ctx, ledger.Filter{ObjectType: "plan", ObjectID: v1.ID, Limit: 1})
		if len(entries) != 1 || entries[0].Action != "plan.supersede" || !strings.Contains(string(entries[0].Detail), v2.ID) {
			t.Errorf("ledger of v1: %+v", entries)
		}
		versions, err := e.Plans.Versions(ctx, bureau, v2.ID)
		if err != nil || len(versions) != 2 || versions[0].ID != v1.ID {
			t.Errorf("versions %v %v", versions, err)
		}
		if _, err := e.Plans.Update(ctx, bureau, v1.ID, plan.Input{Datasets: &scope}); !errs.Is(err, errs.Conflict) {
			t.Errorf("editing a superseded version: %v, want a conflict", err)
		}
		submitted := e.PlanIn(t, plan.Submitted)
		if _, err := e.Plans.Update(ctx, bureau, submitted.ID, plan.Input{Title: &title}); !errs.Is(err, errs.Conflict) {
			t.Errorf("editing a submitted plan: %v, want a conflict", err)
		}
	}, plantest.Migrations()...)
}

// TestFilingDeadlineOverHoliday counts the filing deadline in working days
// from the decision date and flags the plan once it passes.
func TestFilingDeadlineOverHoliday(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := plantest.New(t, db)
		ctx := context.Background()
		bureau := e.As(t, "bureau")
		e.At("2026-09-29 15:00:00")
		pl := e.PlanIn(t, plan.Submitted)
		// Approved on Tuesday 2026-09-29. Twenty working days after it, the
		// day itself not counted: Wed 09-30 (1); 10-01 to 10-07 are 国庆节;
		// Thu 10-08 (2), Fri 10-09 (3), the make-up Saturday 10-10 (4);
		// 10-12 to 10-16 (5–9), 10-19 to 10-23 (10–14), 10-26 to 10-30
		// (15–19), Monday 11-02 (20).
		pl, err := e.Plans.Act(ctx, bureau, pl.ID, plan.Approve, e.Step(plan.Approve))
		if err != nil {
			t.Fatal(err)
		}
		midnight := demotest.Shanghai("2026-11-03 00:00:00")
		if pl.FilingDueDay != "2026-11-02" || pl.FilingDueEstimated || !pl.FilingDueAt.Before(midnight) || pl.FilingDueAt.Before(midnight.Add(-time.Second)) {
			t.Fatalf("filing due %s at %v (estimated %v), want 2026-11-02 at the end of the day", pl.FilingDueDay, pl.FilingDueAt, pl.FilingDueEstimated)
		}
		overdue := func() int {
			list, _, err := e.Plans.List(ctx, bureau, plan.Filter{Overdue: true}, store.NewPage(10, ""))
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		pending := func() bool {
			items, err := e.Plans.Pending(ctx)
			if err != nil || len(items) != 1 || items[0].Kind != "plan.filing" || !items[0].DueAt.Equal(*pl.FilingDueAt) {
				t.Fatalf("inbox items %+v %v", items, err)
			}
			return items[0].Overdue
		}
		e.At("2026-11-02 23:59:00")
		if got, _ := e.Plans.Get(ctx, bureau, pl.ID); got.Overdue || overdue() != 0 || pending() {
			t.Errorf("late on the last working day: overdue %v", got.Overdue)
		}
		e.At("2026-11-03 00:00:01")
		if got, _ := e.Plans.Get(ctx, bureau, pl.ID); !got.Overdue || overdue() != 1 || !pending() {
			t.Errorf("the day after the deadline: overdue %v", got.Overdue)
		}
		filed, err := e.Plans.Act(ctx, bureau, pl.ID, plan.File, e.Step(plan.File))
		if err != nil || filed.Overdue || filed.Filing.Reference == "" || overdue() != 0 {
			t.Errorf("filed late: %+v %v", filed, err)
		}
		if items, _ := e.Plans.Pending(ctx); len(items) != 0 {
			t.Errorf("inbox after filing: %+v", items)
		}
	}, plantest.Migrations()...)
}
