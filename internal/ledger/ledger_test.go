package ledger

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"shuyu/internal/errs"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

func newLedger(t testing.TB, db *store.DB, suite Suite) *Ledger {
	t.Helper()
	key, _, err := LoadOrCreateKey(filepath.Join(t.TempDir(), "ledger.pem"), suite)
	if err != nil {
		t.Fatal(err)
	}
	l, err := New(db, key, "test", MinRetention)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// fill appends n entries in batches of batch.
func fill(t testing.TB, l *Ledger, n, batch int) {
	t.Helper()
	ctx := context.Background()
	for done := 0; done < n; {
		k := min(batch, n-done)
		recs := make([]Record, k)
		for i := range recs {
			recs[i] = Record{Actor: Actor{UserID: "u1", Name: "张三", OrgID: "o1", JurisdictionID: "j1", IP: "127.0.0.1"},
				Action: "test.act", ObjectType: "thing", ObjectID: fmt.Sprint(done + i), Detail: map[string]int{"n": done + i}}
		}
		if err := l.db.InTx(ctx, func(tx *store.Tx) error { return l.Append(ctx, tx, recs...) }); err != nil {
			t.Fatal(err)
		}
		done += k
	}
}

func TestAppendProveVerify(t *testing.T) {
	t.Parallel()
	for _, suite := range []Suite{SuiteEd25519, SuiteSM2} {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			ctx := context.Background()
			l := newLedger(t, db, suite)
			empty, err := l.Checkpoint(ctx)
			if err != nil || empty.Size != 0 || empty.Verify(l.key) != nil {
				t.Fatalf("empty checkpoint %v, %v", empty, err)
			}
			fill(t, l, 700, 1)
			old, err := l.Checkpoint(ctx)
			if err != nil {
				t.Fatal(err)
			}
			fill(t, l, 1500, 250)
			cp, err := l.Checkpoint(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if cp.Size != 2200 || cp.Suite != suite {
				t.Fatalf("checkpoint %v suite %s, want size 2200 suite %s", cp, cp.Suite, suite)
			}
			if err := cp.Verify(l.key); err != nil {
				t.Fatal(err)
			}
			pub, err := ParsePublicKey(l.key.PublicPEM())
			if err != nil {
				t.Fatal(err)
			}
			for _, idx := range []int64{0, 1, 255, 256, 699, 1024, 2199} {
				p, err := l.Inclusion(ctx, idx, 0)
				if err != nil {
					t.Fatalf("inclusion %d: %v", idx, err)
				}
				if err := pub.VerifyInclusion(p, cp.Root); err != nil {
					t.Errorf("inclusion %d does not verify: %v", idx, err)
				}
			}
			p, err := l.Inclusion(ctx, 10, old.Size)
			if err != nil || pub.VerifyInclusion(p, old.Root) != nil {
				t.Errorf("inclusion in an older tree: %v", err)
			}
			cons, err := l.Consistency(ctx, old.Size, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := pub.VerifyConsistency(cons, old.Root, cp.Root); err != nil {
				t.Errorf("consistency %d→%d: %v", old.Size, cp.Size, err)
			}
			if _, err := l.Inclusion(ctx, 2200, 0); !errs.Is(err, errs.Invalid) {
				t.Errorf("inclusion past the end: %v, want invalid", err)
			}
			rep, err := Verify(ctx, db, l.key, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Size != 2200 || rep.Checkpoints < 2 || !rep.MACs {
				t.Errorf("report %+v", rep)
			}
			if _, err := Verify(ctx, db, pub, nil); err != nil {
				t.Errorf("verify with the public key only: %v", err)
			}
			other, _ := GenerateKey(suite)
			if _, err := Verify(ctx, db, other, nil); !isFailure(err, -1) {
				t.Errorf("verify with another key: %v, want a head failure", err)
			}
			entries, err := l.Entries(ctx, Filter{ActionPrefix: "test.", Limit: 5, Before: 100})
			if err != nil || len(entries) != 5 || entries[0].Index != 99 {
				t.Errorf("entries: %d, %v", len(entries), err)
			}
		}, Migrations)
	}
}

func isFailure(err error, index int64) bool {
	f, ok := errors.AsType[*Failure](err)
	return ok && f.Index == index
}

// TestVerifyFindsTampering edits the database behind the ledger's back, as an
// attacker with database access would, and expects the verifier to name the
// first bad index each time.
func TestVerifyFindsTampering(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		tamper func(ctx context.Context, tx *store.Tx, l *Ledger) error
		index  int64
	}{
		{"edited", func(ctx context.Context, tx *store.Tx, _ *Ledger) error {
			_, err := tx.Exec(ctx, `UPDATE ledger_entries SET actor_name = 'nobody' WHERE idx = 1234`)
			return err
		}, 1234},
		{"edited with hashes recomputed", func(ctx context.Context, tx *store.Tx, l *Ledger) error {
			e, err := scanEntry(tx.QueryRow(ctx, `SELECT `+entryColumns+` FROM ledger_entries WHERE idx = 1500`))
			if err != nil {
				return err
			}
			e.Action = "test.innocent"
			_, err = tx.Exec(ctx, `UPDATE ledger_entries SET action = $1, leaf_hash = $2 WHERE idx = 1500`, e.Action, l.h.HashLeaf(e.leafData()))
			return err
		}, 1500},
		{"deleted", func(ctx context.Context, tx *store.Tx, _ *Ledger) error {
			_, err := tx.Exec(ctx, `DELETE FROM ledger_entries WHERE idx = 777`)
			return err
		}, 777},
		{"deleted at the end", func(ctx context.Context, tx *store.Tx, _ *Ledger) error {
			_, err := tx.Exec(ctx, `DELETE FROM ledger_entries WHERE idx = 2999`)
			return err
		}, 2999},
		{"inserted at the end", func(ctx context.Context, tx *store.Tx, _ *Ledger) error {
			_, err := tx.Exec(ctx, `INSERT INTO ledger_entries SELECT 3000, at_us, actor_id, actor_name, org_id, jurisdiction_id, ip,
				action, object_type, object_id, detail, leaf_hash, mac FROM ledger_entries WHERE idx = 2999`)
			return err
		}, 3000},
		{"inserted in the middle", func(ctx context.Context, tx *store.Tx, _ *Ledger) error {
			// Make room at 2000 by shifting later entries up, then copy one in.
			if _, err := tx.Exec(ctx, `UPDATE ledger_entries SET idx = -idx - 1 WHERE idx >= 2000`); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE ledger_entries SET idx = -idx WHERE idx < 0`); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO ledger_entries SELECT 2000, at_us, actor_id, actor_name, org_id, jurisdiction_id, ip,
				action, object_type, object_id, detail, leaf_hash, mac FROM ledger_entries WHERE idx = 10`)
			return err
		}, 2000},
		{"reordered", func(ctx context.Context, tx *store.Tx, _ *Ledger) error {
			for _, q := range []string{`UPDATE ledger_entries SET idx = -1 WHERE idx = 400`,
				`UPDATE ledger_entries SET idx = 400 WHERE idx = 300`, `UPDATE ledger_entries SET idx = 300 WHERE idx = -1`} {
				if _, err := tx.Exec(ctx, q); err != nil {
					return err
				}
			}
			return nil
		}, 300},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				l := newLedger(t, db, SuiteEd25519)
				fill(t, l, 3000, 500)
				if _, err := Verify(ctx, db, l.key, nil); err != nil {
					t.Fatalf("before tampering: %v", err)
				}
				if err := db.InTx(ctx, func(tx *store.Tx) error { return tc.tamper(ctx, tx, l) }); err != nil {
					t.Fatal(err)
				}
				_, err := Verify(ctx, db, l.key, nil)
				if !isFailure(err, tc.index) {
					t.Fatalf("Verify = %v; want a failure at index %d", err, tc.index)
				}
			}, Migrations)
		})
	}
}

func TestPruneKeepsVerification(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := newLedger(t, db, SuiteEd25519)
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		clock := start
		db.Now = func() time.Time { return clock }
		fill(t, l, 600, 100) // all at the start
		before, _ := l.Checkpoint(ctx)
		clock = start.Add(30 * 24 * time.Hour)
		fill(t, l, 400, 100)

		// Too young: refused, nothing removed.
		if _, err := l.Prune(ctx, start.Add(time.Hour), System); !errs.Is(err, errs.Invalid) {
			t.Fatalf("prune inside retention: %v, want invalid", err)
		}
		clock = start.Add(MinRetention + 24*time.Hour)
		n, err := l.Prune(ctx, start.Add(time.Hour), System)
		if err != nil || n != 600 {
			t.Fatalf("prune removed %d, %v; want 600", n, err)
		}
		rep, err := Verify(ctx, db, l.key, nil)
		if err != nil {
			t.Fatalf("verify after prune: %v", err)
		}
		if rep.Pruned != 600 || rep.Size != 1001 { // 1000 plus the prune's own entry
			t.Errorf("report %+v", rep)
		}
		cp, _ := l.Checkpoint(ctx)
		p, err := l.Inclusion(ctx, 700, 0)
		if err != nil || l.key.VerifyInclusion(p, cp.Root) != nil {
			t.Errorf("inclusion after prune: %v", err)
		}
		cons, err := l.Consistency(ctx, before.Size, 0)
		if err != nil || l.key.VerifyConsistency(cons, before.Root, cp.Root) != nil {
			t.Errorf("consistency from a pruned size: %v", err)
		}
		if _, err := l.Inclusion(ctx, 5, 0); !errs.Is(err, errs.NotFound) {
			t.Errorf("inclusion of a pruned entry: %v, want not found", err)
		}
	}, Migrations)
}

func TestRetentionMinimum(t *testing.T) {
	t.Parallel()
	db := storetest.New(t, store.SQLite, Migrations)
	key, _ := GenerateKey(SuiteEd25519)
	if _, err := New(db, key, "x", 179*24*time.Hour); err == nil {
		t.Fatal("a retention under 180 days was accepted")
	}
}

func TestKeyFileKeepsSuite(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k.pem")
	k1, created, err := LoadOrCreateKey(path, SuiteSM2)
	if err != nil || !created {
		t.Fatal(err)
	}
	k2, created, err := LoadOrCreateKey(path, SuiteSM2)
	if err != nil || created || k2.ID != k1.ID || string(k2.macKey) != string(k1.macKey) {
		t.Fatalf("reload: %v %v", created, err)
	}
	if _, _, err := LoadOrCreateKey(path, SuiteEd25519); err == nil {
		t.Fatal("a key file of another suite was accepted")
	}
}
