package tender_test

import (
	"context"
	"strings"
	"testing"

	"shuyu/internal/errs"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
	"shuyu/internal/tender"
	"shuyu/internal/tender/tendertest"
)

// TestListStateFilter: announcements and applications filtered by a state
// that does not exist are refused with the states there are, not answered
// with an empty list.
func TestListStateFilter(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := tendertest.New(t, db)
		bureau := e.As(t, "bureau")
		if _, _, err := e.Tender.List(ctx, bureau, tender.Filter{State: tender.Published}, store.NewPage(10, "")); err != nil {
			t.Fatalf("published: %v", err)
		}
		_, _, err := e.Tender.List(ctx, bureau, tender.Filter{State: "publshed"}, store.NewPage(10, ""))
		if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "published") {
			t.Errorf("announcements in state publshed: %v", err)
		}
		if _, _, err := e.Tender.Applications(ctx, bureau, tender.ApplicationFilter{State: tender.Eligible}, store.NewPage(10, "")); err != nil {
			t.Fatalf("eligible: %v", err)
		}
		_, _, err = e.Tender.Applications(ctx, bureau, tender.ApplicationFilter{State: "eligble"}, store.NewPage(10, ""))
		if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "ineligible") {
			t.Errorf("applications in state eligble: %v", err)
		}
	}, tendertest.Migrations()...)
}
