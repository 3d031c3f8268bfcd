package app_test

import (
	"context"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/app"
	"shuyu/internal/billing"
	"shuyu/internal/calendar"
	"shuyu/internal/demo"
	"shuyu/internal/store"
)

// TestDemoBillsLastMonth: shuyu demo records DemoCalls of its product last
// month and DemoCallsToday this month, issues last month's statements at
// the demo price, and splits that revenue so that the shares sum to it;
// seeding again changes none of it.
func TestDemoBillsLastMonth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := open(t)
	last := demo.AgreementStart(a.DB.Now()).String()[:7]
	this := calendar.DateOf(a.DB.Now()).String()[:7]
	for run := range 2 {
		if _, err := a.SeedDemo(ctx, "Products-Demo-Passw0rd", 0.001); err != nil {
			t.Fatal(err)
		}
		calls := func(month string) (n int64) {
			us, err := a.Products.Usage(ctx, app.Admin(), month)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range us {
				n += u.Calls
			}
			return n
		}
		if n := calls(last); n != app.DemoCalls {
			t.Errorf("run %d: %d calls in %s; want %d", run, n, last, app.DemoCalls)
		}
		if n := calls(this); n != app.DemoCallsToday {
			t.Errorf("run %d: %d calls in %s; want %d", run, n, this, app.DemoCallsToday)
		}
		sts, _, err := a.Billing.Statements(ctx, access.System("test"), billing.StatementFilter{Month: last}, store.NewPage(50, ""))
		if err != nil || len(sts) != 2 {
			t.Fatalf("run %d: statements of %s: %v, %+v", run, last, err, sts)
		}
		sp, err := a.Billing.Split(ctx, access.System("test"), sts[0].AgreementID, last)
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, sh := range sp.Shares {
			sum += sh.Fen
		}
		if sp.TotalFen != app.DemoCalls*30 || sum != sp.TotalFen || sp.GovernmentBP != 4000 {
			t.Errorf("run %d: split of %s: %+v (shares sum to %d)", run, last, sp, sum)
		}
	}
}
