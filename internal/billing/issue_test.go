package billing_test

import (
	"context"
	"sync"
	"testing"

	"shuyu/internal/billing"
	"shuyu/internal/errs"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestIssueOnce issues one month from several goroutines at once, as
// several serve processes could: exactly one succeeds, the others meet a
// conflict, and one set of statements and one split exist.
func TestIssueOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.maximum(t, 2026, 10000)
		e.capOf(t, "p1", 2026, billing.PerItem, 500, 100)
		e.price(t, "p1", 2026, 500, false)
		if _, err := e.billing.SetRule(ctx, e.As(t, "bureau"), e.agreement, billing.RuleInput{GovernmentBP: 1, OperatorBP: 9998, ProvidersBP: 1}); err != nil {
			t.Fatal(err)
		}
		e.At("2026-04-01 00:00:01")
		usage := []billing.Usage{{ProductID: "p1", AppUnitID: e.Orgs["appunit"], OperatorID: e.Orgs["operator"], Month: "2026-03", Items: 3}}
		var wg sync.WaitGroup
		results := make([]error, 4)
		for i := range results {
			wg.Go(func() { _, results[i] = e.billing.Issue(ctx, sys(), "2026-03", usage) })
		}
		wg.Wait()
		ok := 0
		for _, err := range results {
			switch errs.CodeOf(err) {
			case "":
				ok++
			case errs.Conflict:
			default:
				t.Errorf("concurrent issue: %v", err)
			}
		}
		sts, _, err := e.billing.Statements(ctx, sys(), billing.StatementFilter{Month: "2026-03"}, store.NewPage(50, ""))
		if ok != 1 || err != nil || len(sts) != 2 {
			t.Fatalf("%d issues succeeded, %d statements (%v); want 1 and 2", ok, len(sts), err)
		}
		sp, err := e.billing.Split(ctx, sys(), e.agreement, "2026-03")
		var sum int64
		for _, sh := range sp.Shares {
			sum += sh.Fen
		}
		// 1,500 fen: 0.15 government, 1,499.7 operator → 0 and 1,500 by the largest remainder.
		if err != nil || sum != 1500 || sp.Shares[0].Fen != 0 || sp.Shares[1].Fen != 1500 {
			t.Errorf("split: %+v, %v", sp, err)
		}
	}, migrations()...)
}
