package demand_test

import (
	"context"
	"testing"
	"time"

	"shuyu/internal/demand"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestReviewDaysConfigured: a service told another review period gives the
// parties that many working days, not the default ten (PostgreSQL keeps
// microseconds).
func TestReviewDaysConfigured(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		svc := demand.New(db, e.Ledger, e.IDs, e.Catalog, e.ag, e.dom, e.Cal, demand.Options{ReviewDays: 3})
		a, err := svc.File(context.Background(), e.As(t, "operator"), e.people())
		if err != nil {
			t.Fatal(err)
		}
		if want := e.Cal.Deadline(a.SubmittedAt, 3); a.DueAt.Sub(want).Abs() > time.Millisecond || !a.DueAt.Before(e.Cal.Deadline(a.SubmittedAt, demand.ReviewDays)) {
			t.Errorf("due %s with a review period of 3 working days; want %s", a.DueAt, want)
		}
	}, migrations()...)
}
