package agreement_test

import (
	"context"
	"strings"
	"testing"

	"shuyu/internal/agreement"
	"shuyu/internal/errs"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestListStateFilter: a state that does not exist is refused with the
// states there are, not answered with an empty list, on the console and on
// the portal alike.
func TestListStateFilter(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		bureau := e.As(t, "bureau")
		if _, _, err := e.ag.List(ctx, bureau, agreement.Filter{State: agreement.Active}, store.NewPage(10, "")); err != nil {
			t.Fatalf("active: %v", err)
		}
		_, _, err := e.ag.List(ctx, bureau, agreement.Filter{State: "actve"}, store.NewPage(10, ""))
		if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "active") {
			t.Errorf("state actve: %v", err)
		}
		_, _, err = e.ag.Public(ctx, agreement.Filter{State: "actve"}, store.NewPage(10, ""))
		if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "terminated") {
			t.Errorf("portal, state actve: %v", err)
		}
	}, migrations()...)
}
