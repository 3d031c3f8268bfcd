package ledger

import (
	"bytes"
	"context"
	"testing"
	"time"

	"shuyu/internal/errs"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// prunedLedger returns a ledger of 1,001 entries whose first 600 were pruned
// (the last entry is the prune's own), with db's clock set past retention.
func prunedLedger(t testing.TB, db *store.DB) *Ledger {
	t.Helper()
	l := newLedger(t, db, SuiteEd25519)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := start
	db.Now = func() time.Time { return clock }
	fill(t, l, 600, 100)
	clock = start.Add(30 * 24 * time.Hour)
	fill(t, l, 400, 100)
	clock = start.Add(MinRetention + 24*time.Hour)
	if n, err := l.Prune(context.Background(), start.Add(time.Hour), System); err != nil || n != 600 {
		t.Fatalf("prune removed %d, %v; want 600", n, err)
	}
	return l
}

// publicRange computes what anyone who can read the database can: the
// compact range [0, end) from the kept pruned range and the stored leaf hashes.
func publicRange(ctx context.Context, tx *store.Tx, l *Ledger, end int64) ([]byte, error) {
	hd, err := readHead(ctx, tx, "")
	if err != nil {
		return nil, err
	}
	cr, err := l.h.rangeOf(hd.prunedSize, hd.prunedRange)
	if err != nil {
		return nil, err
	}
	if err := appendStoredLeaves(ctx, tx, cr, end); err != nil {
		return nil, err
	}
	return joinHashes(cr.Hashes()), nil
}

// prunePrefix deletes entries [0, end) and makes the head look pruned up to
// end, without the key: what a prune that bypasses retention would leave.
func prunePrefix(ctx context.Context, tx *store.Tx, l *Ledger, end int64) error {
	kept, err := publicRange(ctx, tx, l, end)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM ledger_entries WHERE idx < $1`, end); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE ledger_head SET pruned_size = $1, pruned_range = $2`, end, kept)
	return err
}

func tamper(t testing.TB, db *store.DB, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := db.InTx(ctx, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyFindsTamperingBesideEntries edits the tables around the entries:
// the head's unsigned fields, checkpoints and kept subtree hashes. Each case
// names the index it expects (-1: no entry is at fault).
func TestVerifyFindsTamperingBesideEntries(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		pruned bool // start from prunedLedger instead of 3,000 plain entries
		tamper func(ctx context.Context, tx *store.Tx, l *Ledger) error
		index  int64
	}{
		{"prefix deleted as if pruned", false, func(ctx context.Context, tx *store.Tx, l *Ledger) error {
			return prunePrefix(ctx, tx, l, 1500)
		}, 0},
		{"prune extended past its record", true, func(ctx context.Context, tx *store.Tx, l *Ledger) error {
			return prunePrefix(ctx, tx, l, 800)
		}, 600},
		// With its record gone, nothing says the first prune was genuine.
		{"prune record deleted with the entries before it", true, func(ctx context.Context, tx *store.Tx, l *Ledger) error {
			return prunePrefix(ctx, tx, l, 1001)
		}, 0},
		{"pruned size out of range", false, func(ctx context.Context, tx *store.Tx, _ *Ledger) error {
			_, err := tx.Exec(ctx, `UPDATE ledger_head SET pruned_size = -1, pruned_range = $1`, make([]byte, 64*32))
			return err
		}, -1},
		{"pruned range damaged", true, func(ctx context.Context, tx *store.Tx, _ *Ledger) error {
			_, err := tx.Exec(ctx, `UPDATE ledger_head SET pruned_range = $1`, bytes.Repeat([]byte{7}, 4*32))
			return err
		}, 600},
		{"log reset, checkpoints left", false, func(ctx context.Context, tx *store.Tx, _ *Ledger) error {
			for _, q := range []string{`DELETE FROM ledger_entries`, `DELETE FROM ledger_nodes`} {
				if _, err := tx.Exec(ctx, q); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, `UPDATE ledger_head SET suite = '', key_id = '', origin = '', size = 0, root = $1,
				range_hashes = $1, signed_at_us = 0, signature = $1`, []byte{})
			return err
		}, 0},
		{"checkpoint signature edited", false, func(ctx context.Context, tx *store.Tx, _ *Ledger) error {
			_, err := tx.Exec(ctx, `UPDATE ledger_checkpoints SET signature = $1 WHERE size = 1500`, make([]byte, 64))
			return err
		}, -1},
		{"checkpoint edited and an earlier entry too", false, func(ctx context.Context, tx *store.Tx, _ *Ledger) error {
			if _, err := tx.Exec(ctx, `UPDATE ledger_checkpoints SET signature = $1 WHERE size = 1500`, make([]byte, 64)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE ledger_entries SET actor_name = 'nobody' WHERE idx = 42`)
			return err
		}, 42},
		{"kept subtree hash edited", false, func(ctx context.Context, tx *store.Tx, _ *Ledger) error {
			_, err := tx.Exec(ctx, `UPDATE ledger_nodes SET hash = $1 WHERE level = 8 AND idx = 3`, make([]byte, 32))
			return err
		}, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				var l *Ledger
				if tc.pruned {
					l = prunedLedger(t, db)
				} else {
					l = newLedger(t, db, SuiteEd25519)
					fill(t, l, 3000, 500)
				}
				if _, err := Verify(ctx, db, l.key, nil); err != nil {
					t.Fatalf("before tampering: %v", err)
				}
				tamper(t, db, func(ctx context.Context, tx *store.Tx) error { return tc.tamper(ctx, tx, l) })
				if _, err := Verify(ctx, db, l.key, nil); !isFailure(err, tc.index) {
					t.Fatalf("Verify = %v; want a failure at index %d", err, tc.index)
				}
			}, Migrations)
		})
	}
}

// TestAppendRefusesForgedRange forges the head's unsigned compact range over
// an edited history. The next append must not sign it: otherwise a verifier
// with the public key only would accept the edit.
func TestAppendRefusesForgedRange(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := newLedger(t, db, SuiteEd25519)
		fill(t, l, 3000, 500)
		tamper(t, db, func(ctx context.Context, tx *store.Tx) error {
			e, err := scanEntry(tx.QueryRow(ctx, `SELECT `+entryColumns+` FROM ledger_entries WHERE idx = 5`))
			if err != nil {
				return err
			}
			e.Action = "test.innocent"
			if _, err = tx.Exec(ctx, `UPDATE ledger_entries SET action = $1, leaf_hash = $2 WHERE idx = 5`, e.Action, l.h.HashLeaf(e.leafData())); err != nil {
				return err
			}
			forged, err := publicRange(ctx, tx, l, 3000)
			if err != nil {
				return err
			}
			for _, q := range []string{`DELETE FROM ledger_checkpoints`, `DELETE FROM ledger_nodes`} {
				if _, err := tx.Exec(ctx, q); err != nil {
					return err
				}
			}
			_, err = tx.Exec(ctx, `UPDATE ledger_head SET range_hashes = $1`, forged)
			return err
		})
		err := db.InTx(ctx, func(tx *store.Tx) error { return l.Append(ctx, tx, Record{Action: "test.next"}) })
		if err == nil {
			t.Error("Append extended a compact range that does not match the signed root")
		}
		pub, err := ParsePublicKey(l.key.PublicPEM())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(ctx, db, pub, nil); err == nil {
			t.Error("Verify with the public key accepts the edited history")
		}
	}, Migrations)
}

// TestPruneRefusesDamagedRange damages the kept pruned range and prunes
// again: Prune must refuse rather than delete entries and keep a range that
// can never verify.
func TestPruneRefusesDamagedRange(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := prunedLedger(t, db)
		tamper(t, db, func(ctx context.Context, tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE ledger_head SET pruned_range = $1`, bytes.Repeat([]byte{7}, 4*32))
			return err
		})
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return start.Add(MinRetention + 60*24*time.Hour) }
		if _, err := l.Prune(ctx, start.Add(31*24*time.Hour), System); !errs.Is(err, errs.Conflict) {
			t.Errorf("prune over a damaged range: %v, want conflict", err)
		}
		var n int64
		if err := db.QueryRow(ctx, `SELECT count(*) FROM ledger_entries`).Scan(&n); err != nil || n != 401 {
			t.Errorf("%d entries left, %v; want all 401", n, err)
		}
	}, Migrations)
}

// TestVerifyWithPublicKeyNarrowsByKeptNodes edits an entry and recomputes its
// leaf hash, which only the MAC would pinpoint. With the public key alone,
// Verify names the start of the kept subtree that no longer matches, which
// is closer than the last matching checkpoint (1500).
func TestVerifyWithPublicKeyNarrowsByKeptNodes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := newLedger(t, db, SuiteEd25519)
		fill(t, l, 3000, 500)
		tamper(t, db, func(ctx context.Context, tx *store.Tx) error {
			e, err := scanEntry(tx.QueryRow(ctx, `SELECT `+entryColumns+` FROM ledger_entries WHERE idx = 1800`))
			if err != nil {
				return err
			}
			e.Action = "test.innocent"
			_, err = tx.Exec(ctx, `UPDATE ledger_entries SET action = $1, leaf_hash = $2 WHERE idx = 1800`, e.Action, l.h.HashLeaf(e.leafData()))
			return err
		})
		pub, err := ParsePublicKey(l.key.PublicPEM())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(ctx, db, pub, nil); !isFailure(err, 1792) {
			t.Errorf("Verify = %v; want a failure at 1792, where the kept subtree [1792, 2048) starts", err)
		}
	}, Migrations)
}
