package ledger

import (
	"context"
	"testing"
	"time"

	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestProofsAtEdgeSizes checks inclusion and consistency proofs against the
// roots signed along the way, at the sizes where tree shapes change (1,
// powers of two and their neighbours, the kept level-8 subtrees), before and
// after a prune whose boundary (600 = 512+64+16+8) cuts through kept nodes.
func TestProofsAtEdgeSizes(t *testing.T) {
	t.Parallel()
	db := storetest.New(t, store.SQLite, Migrations)
	ctx := context.Background()
	l := newLedger(t, db, SuiteEd25519)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := start
	db.Now = func() time.Time { return clock }
	sizes := []int64{1, 2, 3, 4, 5, 7, 8, 9, 255, 256, 257, 511, 512, 513, 600, 601, 767, 768, 769, 1023, 1024, 1025, 1100}
	roots := map[int64][]byte{}
	var prev int64
	for _, s := range sizes {
		if s > 600 { // the prune below removes exactly the first 600
			clock = start.Add(time.Hour)
		}
		fill(t, l, int(s-prev), 1000)
		prev = s
		cp, err := l.Checkpoint(ctx)
		if err != nil || cp.Size != s {
			t.Fatalf("checkpoint %v, %v; want size %d", cp, err, s)
		}
		roots[s] = cp.Root
	}
	check := func(pruned int64) {
		t.Helper()
		for _, s := range sizes {
			for _, i := range []int64{0, 1, s / 2, s - 2, s - 1, 255, 256, 599, 600, 1023} {
				if i < pruned || i < 0 || i >= s {
					continue
				}
				if p, err := l.Inclusion(ctx, i, s); err != nil || l.key.VerifyInclusion(p, roots[s]) != nil {
					t.Errorf("pruned %d: inclusion of %d in %d: %v", pruned, i, s, err)
				}
			}
			for _, f := range sizes {
				if f < pruned || f > s {
					continue
				}
				if p, err := l.Consistency(ctx, f, s); err != nil || l.key.VerifyConsistency(p, roots[f], roots[s]) != nil {
					t.Errorf("pruned %d: consistency %d→%d: %v", pruned, f, s, err)
				}
			}
		}
	}
	check(0)
	clock = start.Add(MinRetention + 24*time.Hour)
	if n, err := l.Prune(ctx, start.Add(time.Minute), System); err != nil || n != 600 {
		t.Fatalf("prune removed %d, %v; want 600", n, err)
	}
	check(600)
}
