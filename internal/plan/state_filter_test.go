package plan_test

import (
	"context"
	"strings"
	"testing"

	"shuyu/internal/errs"
	"shuyu/internal/plan"
	"shuyu/internal/plan/plantest"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestListStateFilter: a state that does not exist is refused with the
// states there are, not answered with an empty list.
func TestListStateFilter(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := plantest.New(t, db)
		bureau := e.As(t, "bureau")
		if _, err := e.Plans.Create(ctx, bureau, e.Input()); err != nil {
			t.Fatal(err)
		}
		list, _, err := e.Plans.List(ctx, bureau, plan.Filter{State: plan.Draft}, store.NewPage(10, ""))
		if err != nil || len(list) != 1 {
			t.Fatalf("draft: %d, %v", len(list), err)
		}
		_, _, err = e.Plans.List(ctx, bureau, plan.Filter{State: "draf"}, store.NewPage(10, ""))
		if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "state") || !strings.Contains(err.Error(), "submitted") {
			t.Fatalf("state draf: %v", err)
		}
	}, plantest.Migrations()...)
}
