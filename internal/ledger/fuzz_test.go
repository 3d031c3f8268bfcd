package ledger

import (
	"bytes"
	"context"
	"testing"

	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// FuzzVerifyHostileRows writes arbitrary values into one column of the head
// or of an entry of a pruned ledger. Verify, the proofs and Checkpoint must
// not panic on any of them, and Verify must fail exactly when the value
// differs from what was there.
func FuzzVerifyHostileRows(f *testing.F) {
	db := storetest.New(f, store.SQLite, Migrations)
	l := prunedLedger(f, db)
	ctx := context.Background()
	hd, err := readHead(ctx, db, "")
	if err != nil {
		f.Fatal(err)
	}
	for field := range uint8(len(hostileFields)) {
		f.Add(field, int64(-1), []byte{})
		f.Add(field, int64(1)<<62, bytes.Repeat([]byte{1}, 64*32))
		f.Add(field, int64(700), hd.prunedRange[:32])
	}
	f.Fuzz(func(t *testing.T, field uint8, n int64, b []byte) {
		hf := hostileFields[int(field)%len(hostileFields)]
		e, err := scanEntry(db.QueryRow(ctx, `SELECT `+entryColumns+` FROM ledger_entries WHERE idx = $1`, 600+(n&0xffff)%401))
		if err != nil {
			t.Fatal(err)
		}
		v := hf.value(n, b)
		tamper(t, db, func(ctx context.Context, tx *store.Tx) error {
			q, args := `UPDATE ledger_head SET `+hf.column+` = $1`, []any{v}
			if hf.table == "ledger_entries" {
				q, args = `UPDATE ledger_entries SET `+hf.column+` = $1 WHERE idx = $2`, []any{v, e.Index}
			}
			_, err := tx.Exec(ctx, q, args...)
			return err
		})
		_, verr := Verify(ctx, db, l.key, nil)
		_, _ = l.Inclusion(ctx, e.Index, 0)
		_, _ = l.Consistency(ctx, hd.prunedSize, 0)
		_, _ = l.Checkpoint(ctx)
		tamper(t, db, func(ctx context.Context, tx *store.Tx) error { return restore(ctx, tx, hd, e) })
		if changed := !sameValue(v, hf.was(hd, e)); changed != (verr != nil) {
			t.Errorf("%s.%s set to %v (changed: %v): Verify = %v", hf.table, hf.column, v, changed, verr)
		}
	})
}

// hostileFields are the columns the fuzzer writes: in the head, or in one
// entry.
var hostileFields = []struct {
	table, column string
	value         func(n int64, b []byte) any // what the fuzzer writes
	was           func(hd head, e Entry) any  // what it replaces
}{
	{"ledger_head", "size", num, func(hd head, _ Entry) any { return hd.size }},
	{"ledger_head", "root", blob, func(hd head, _ Entry) any { return hd.root }},
	{"ledger_head", "range_hashes", blob, func(hd head, _ Entry) any { return hd.rangeHashes }},
	{"ledger_head", "signed_at_us", num, func(hd head, _ Entry) any { return hd.signedAt }},
	{"ledger_head", "signature", blob, func(hd head, _ Entry) any { return hd.signature }},
	{"ledger_head", "pruned_size", num, func(hd head, _ Entry) any { return hd.prunedSize }},
	{"ledger_head", "pruned_range", blob, func(hd head, _ Entry) any { return hd.prunedRange }},
	{"ledger_entries", "actor_name", text, func(_ head, e Entry) any { return e.Actor.Name }},
	{"ledger_entries", "at_us", num, func(_ head, e Entry) any { return e.At.UnixMicro() }},
	{"ledger_entries", "leaf_hash", blob, func(_ head, e Entry) any { return e.LeafHash }},
	{"ledger_entries", "mac", blob, func(_ head, e Entry) any { return e.mac }},
}

func num(n int64, _ []byte) any  { return n }
func blob(_ int64, b []byte) any { return b }
func text(_ int64, b []byte) any { return string(b) }

func sameValue(a, b any) bool {
	if x, ok := a.([]byte); ok {
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	}
	return a == b
}

func restore(ctx context.Context, tx *store.Tx, hd head, e Entry) error {
	if _, err := tx.Exec(ctx, `UPDATE ledger_head SET size = $1, root = $2, range_hashes = $3, signed_at_us = $4, signature = $5,
		pruned_size = $6, pruned_range = $7`, hd.size, hd.root, hd.rangeHashes, hd.signedAt, hd.signature, hd.prunedSize, hd.prunedRange); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE ledger_entries SET actor_name = $1, at_us = $2, leaf_hash = $3, mac = $4 WHERE idx = $5`,
		e.Actor.Name, e.At.UnixMicro(), e.LeafHash, e.mac, e.Index)
	return err
}
