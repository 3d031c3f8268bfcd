package agreement_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"shuyu/internal/agreement"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestRenewal: a renewal is a new agreement through the same checks; when
// the old one expires, the renewal takes over and the operator keeps its
// keys and workspace, since its authorization continues.
func TestRenewal(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		bureau, fin := e.As(t, "bureau"), e.As(t, "finance")
		old := e.in(t, agreement.Active)
		ends := "2031-01-31"
		r, err := e.ag.Renew(ctx, bureau, old.ID, agreement.Input{EndsOn: &ends})
		if err != nil {
			t.Fatal(err)
		}
		if r.RenewsID != old.ID || r.State != agreement.Draft || !r.StartsAt.Equal(old.EndsAt) || r.Opinion != nil || r.Terms.Exit != old.Terms.Exit {
			t.Fatalf("renewal %+v", r)
		}
		if _, err := e.ag.Renew(ctx, bureau, old.ID, agreement.Input{}); !errs.Is(err, errs.Conflict) {
			t.Errorf("a second renewal: %v, want a conflict", err)
		}
		pending := func() map[string]string {
			items, err := e.ag.Pending(ctx)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, it := range items {
				out[it.ObjectID] = it.Kind
			}
			return out
		}
		if got := pending()[r.ID]; got != "agreement.finance_opinion" {
			t.Errorf("inbox before the opinion: %q", got)
		}
		if _, err := e.ag.Sign(ctx, bureau, r.ID, decision(e.day(0))); !errs.Is(err, errs.Conflict) {
			t.Errorf("signing a renewal without the finance opinion: %v", err)
		}
		if _, err := e.ag.GiveOpinion(ctx, fin, r.ID, agreement.OpinionInput{Concurs: true, Text: "同意续约"}); err != nil {
			t.Fatal(err)
		}
		if got := pending()[r.ID]; got != "agreement.sign" {
			t.Errorf("inbox after the opinion: %q", got)
		}
		if r, err = e.ag.Sign(ctx, bureau, r.ID, decision(e.day(0))); err != nil || r.State != agreement.Signed {
			t.Fatalf("signing the renewal: %+v %v", r, err)
		}
		key := e.operatorKey(t)
		e.workspace(t, map[string]string{"model.bin": "权重"})
		e.Advance(old.EndsAt.Sub(e.Clock()) + time.Second)
		if n, err := e.ag.Tick(ctx); err != nil || n != 2 {
			t.Fatalf("tick at the end of the old term: %d %v; want it expired and the renewal in force", n, err)
		}
		rec, err := e.ag.ExitRecord(ctx, bureau, old.ID)
		if err != nil || len(rec.Continuing) != 1 || rec.Continuing[0] != r.ID || len(rec.Revoked) != 0 || len(rec.Files) != 0 {
			t.Errorf("the old agreement's exit: %+v %v", rec, err)
		}
		if _, err := e.IDs.Authenticate(ctx, key, identity.APISession, "127.0.0.1"); err != nil {
			t.Errorf("the key under the renewal: %v", err)
		}
		if _, err := os.Stat(filepath.Join(workspaceRoot(t, e), "model.bin")); err != nil {
			t.Errorf("the workspace under the renewal: %v", err)
		}
		if _, err := e.ag.ActiveUntil(ctx, e.Orgs["operator"], r.DatasetIDs()); err != nil {
			t.Errorf("under the renewal: %v", err)
		}
	}, migrations()...)
}
