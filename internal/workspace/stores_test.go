package workspace_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"shuyu/internal/errs"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
	"shuyu/internal/workspace"
)

// twoProcesses opens two handles on one fresh database, as two serve
// processes sharing it would.
func twoProcesses(t *testing.T, d store.Dialect) (*store.DB, *store.DB) {
	t.Helper()
	dsn := storetest.DSN(t, d)
	var dbs []*store.DB
	for range 2 {
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(context.Background(), workspace.Migrations); err != nil {
			t.Fatal(err)
		}
		dbs = append(dbs, db)
	}
	return dbs[0], dbs[1]
}

func eachDialect(t *testing.T, fn func(t *testing.T, d store.Dialect)) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) { t.Parallel(); fn(t, d) })
	}
}

// Many queries spending at once, through two processes, never spend more
// than the limit: exactly as many succeed as fit, and the sum is exact.
func TestBudgetConcurrentSpendsNeverOverspend(t *testing.T) {
	eachDialect(t, func(t *testing.T, d store.Dialect) {
		db1, db2 := twoProcesses(t, d)
		budgets := []*workspace.Budget{workspace.NewBudget(db1), workspace.NewBudget(db2)}
		limit := sandbox.CostOf(3, 1e-5)
		cost := sandbox.CostOf(0.3, 1e-6) // ten fit exactly
		var ok, refused atomic.Int64
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				_, err := budgets[i%2].Spend(context.Background(), "g1", cost, limit)
				switch {
				case err == nil:
					ok.Add(1)
				case errs.Is(err, errs.Forbidden):
					refused.Add(1)
				default:
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if ok.Load() != 10 || refused.Load() != 30 {
			t.Fatalf("spent %d times, refused %d; want exactly 10 and 30", ok.Load(), refused.Load())
		}
		spent, err := budgets[0].Spent(context.Background(), "g1")
		if err != nil {
			t.Fatal(err)
		}
		if spent != limit {
			t.Fatalf("spent %+v, want exactly the limit %+v", spent, limit)
		}
		left, err := budgets[1].Left(context.Background(), "g1", limit)
		if err != nil || left != (sandbox.Cost{}) {
			t.Fatalf("left %+v, %v; want nothing", left, err)
		}
		// A refused spend changes nothing and says what is left.
		_, err = budgets[1].Spend(context.Background(), "g1", sandbox.CostOf(0.000001, 0), limit)
		if !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a spend beyond the limit: %v", err)
		}
		if other, _ := budgets[0].Left(context.Background(), "g2", limit); other != limit {
			t.Fatalf("another grant's budget moved: %+v", other)
		}
	})
}

// The hourly limits hold across processes and restarts, count runtime
// errors, and let go after an hour.
func TestLimiterAcrossProcesses(t *testing.T) {
	eachDialect(t, func(t *testing.T, d store.Dialect) {
		db1, db2 := twoProcesses(t, d)
		l := sandbox.Limits{QueriesPerHour: 5, RuntimeErrorsPerHour: 2, EngineTimePerHour: time.Hour}
		lims := []*workspace.Limiter{workspace.NewLimiter(db1), workspace.NewLimiter(db2)}
		var admitted atomic.Int64
		var wg sync.WaitGroup
		for i := range 16 {
			wg.Go(func() {
				done, err := lims[i%2].Admit(context.Background(), "g1", l)
				if err == nil {
					admitted.Add(1)
					done(time.Second, false)
				} else if !errs.Is(err, errs.RateLimited) {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if admitted.Load() != 5 {
			t.Fatalf("admitted %d queries, want the 5 of the hour", admitted.Load())
		}
		// A restarted process sees the same use.
		_, err := workspace.NewLimiter(db2).Admit(context.Background(), "g1", l)
		if !errs.Is(err, errs.RateLimited) {
			t.Fatalf("after a restart: %v", err)
		}
		// The refusal says how long to wait: until the hour's first query leaves it.
		if n := errs.RetryAfter(err); n < 3500 || n > 3600 {
			t.Errorf("retry after %d seconds, want about an hour", n)
		}
		// Runtime errors: two failures stop the grant before its query count does.
		l.QueriesPerHour = 100
		for range 2 {
			done, err := lims[0].Admit(context.Background(), "g2", l)
			if err != nil {
				t.Fatal(err)
			}
			done(time.Millisecond, true)
		}
		_, err = lims[1].Admit(context.Background(), "g2", l)
		if !errs.Is(err, errs.RateLimited) || !strings.Contains(err.Error(), "failed at run time 2 times") || errs.RetryAfter(err) < 1 {
			t.Fatalf("after two runtime errors: %v, retry after %d s", err, errs.RetryAfter(err))
		}
		// Engine time.
		l.RuntimeErrorsPerHour, l.EngineTimePerHour = 100, 10*time.Second
		done, err := lims[0].Admit(context.Background(), "g3", l)
		if err != nil {
			t.Fatal(err)
		}
		done(10*time.Second, false)
		if _, err := lims[1].Admit(context.Background(), "g3", l); !errs.Is(err, errs.RateLimited) {
			t.Fatalf("after the hour's engine time: %v", err)
		}
		// An hour later everything is available again.
		later := time.Now().Add(time.Hour + time.Minute).UTC()
		db2.Now = func() time.Time { return later }
		for _, g := range []string{"g1", "g2", "g3"} {
			if _, err := lims[1].Admit(context.Background(), g, l); err != nil {
				t.Fatalf("%s an hour later: %v", g, err)
			}
		}
	})
}
