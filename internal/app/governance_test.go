package app_test

import (
	"context"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/calendar"
	"shuyu/internal/plan"
	"shuyu/internal/store"
	"shuyu/internal/tender"
)

// TestDemoSeedsAnActiveAgreement: shuyu demo leaves one filed plan and one
// draft of the city's bureau, a concluded selection of the demo operator,
// and its agreement in force for three years from the first day of last
// month over the three demo datasets; seeding again adds nothing.
func TestDemoSeedsAnActiveAgreement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := open(t)
	var counts [2][3]int
	for run := range 2 {
		res, err := a.SeedDemo(ctx, "Governance-Demo-Passw0rd", 0.001)
		if err != nil {
			t.Fatalf("seeding (run %d): %v", run+1, err)
		}
		sys := access.System("test")
		plans, _, _ := a.Plans.List(ctx, sys, plan.Filter{}, store.NewPage(50, ""))
		anns, _, _ := a.Tender.List(ctx, sys, tender.Filter{}, store.NewPage(50, ""))
		ags, _, _ := a.Agreements.List(ctx, sys, agreement.Filter{}, store.NewPage(50, ""))
		counts[run] = [3]int{len(plans), len(anns), len(ags)}
		states := map[string]int{}
		for _, p := range plans {
			states[string(p.State)]++
		}
		if states["filed"] != 1 || states["draft"] != 1 {
			t.Errorf("plans by state: %v", states)
		}
		if len(anns) != 1 || anns[0].State != tender.Concluded || anns[0].Winner == nil || anns[0].Winner.ID != res.Orgs["operator"] {
			t.Fatalf("announcements: %+v", anns)
		}
		if len(ags) != 1 {
			t.Fatalf("%d agreements", len(ags))
		}
		g := ags[0]
		start := calendar.DateOf(time.Now())
		start = calendar.NewDate(start.Year(), start.Month()-1, 1)
		end := calendar.NewDate(start.Year()+3, start.Month(), start.Day()).AddDays(-1)
		if g.State != agreement.Active || g.OperatorID != res.Orgs["operator"] || len(g.Datasets) != 3 || g.StartsOn != start.String() ||
			g.EndsOn != end.String() || g.Opinion == nil || !g.Opinion.Current || g.Decision == nil {
			t.Errorf("the demo agreement: %+v", g)
		}
		if _, err := a.Agreements.ActiveUntil(ctx, res.Orgs["operator"], g.DatasetIDs()); err != nil {
			t.Errorf("the demo operator's authorization: %v", err)
		}
	}
	if counts[0] != counts[1] {
		t.Errorf("seeding again changed the counts: %v then %v", counts[0], counts[1])
	}
}
