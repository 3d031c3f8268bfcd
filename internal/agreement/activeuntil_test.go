package agreement_test

import (
	"context"
	"testing"

	"shuyu/internal/agreement"
	"shuyu/internal/errs"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestActiveUntil: the answer of the check holds until the covering
// agreement's term ends; what it does not cover is refused as by
// RequireActiveIn.
func TestActiveUntil(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		a := e.in(t, agreement.Active)
		until, err := e.ag.ActiveUntil(ctx, e.Orgs["operator"], a.DatasetIDs())
		if err != nil || !until.Equal(a.EndsAt) {
			t.Fatalf("ActiveUntil: %s, %v; want the agreement's end %s", until, err, a.EndsAt)
		}
		if _, err := e.ag.ActiveUntil(ctx, e.Orgs["operator"], []string{a.DatasetIDs()[0], e.Outside}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a dataset outside the agreement: %v, want forbidden", err)
		}
	}, migrations()...)
}
