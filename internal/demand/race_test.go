package demand_test

import (
	"context"
	"testing"

	"shuyu/internal/agreement"
	"shuyu/internal/demand"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestApprovalDuringExit: the last approval of a demand, taken while its
// agreement's exit runs, comes wholly before the exit (its grant ended by
// it and named in its record) or after it (refused): no grant stays active
// under an ended agreement. PostgreSQL only: the test holds the ledger's
// head, so that the approval and the exit both reach their transactions
// before either commits.
func TestApprovalDuringExit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if db.Dialect() != store.Postgres {
			t.Skip("the interleaving is held with PostgreSQL's row locks")
		}
		e := newEnv(t, db)
		ctx := context.Background()
		a := e.file(t, e.people())
		for _, p := range a.Parties[1:] {
			e.decide(t, reviewerOf(t, e, p.OrgID), a.ID, demand.Approve)
		}
		blocked, release := storetest.Hold(t, db, `SELECT pg_backend_pid() FROM ledger_head WHERE id = 1 FOR UPDATE`)
		approved, exited := make(chan error), make(chan agreement.Record)
		go func() {
			_, err := e.svc.Decide(ctx, e.As(t, "bureau"), a.ID, demand.Approve, "同意")
			approved <- err
		}()
		blocked(1)
		go func() {
			rec, err := e.ag.Terminate(ctx, e.As(t, "bureau"), e.agreement.ID, agreement.EndInput{Code: agreement.EarlyTermination, Reason: "提前终止"})
			if err != nil {
				t.Error(err)
			}
			exited <- rec
		}()
		blocked(2)
		release()
		err, rec := <-approved, <-exited
		got, gerr := e.svc.Get(ctx, admin, a.ID)
		if gerr != nil {
			t.Fatal(gerr)
		}
		if err != nil {
			if got.GrantID != "" {
				t.Fatalf("a refused approval left grant %s", got.GrantID)
			}
			return
		}
		h, herr := e.svc.Held(ctx, got.GrantID)
		named := false
		for _, d := range rec.Revoked {
			named = named || (d.What == "grant" && d.Ref == got.GrantID)
		}
		if h.State != string(demand.GrantEnded) || !named {
			t.Fatalf("a grant approved during the exit is %q (%v) after it, named in its record: %v (%+v)", h.State, herr, named, rec.Revoked)
		}
	}, migrations()...)
}
