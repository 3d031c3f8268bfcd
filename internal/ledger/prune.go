package ledger

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/transparency-dev/merkle/compact"

	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// actionPrune is the action of the entry each prune appends. Verify requires
// the newest one to account for every pruned entry: the pruned size in the
// head is not signed, but that entry is.
const actionPrune = "ledger.prune"

// pruneDetail is the detail of an actionPrune entry.
type pruneDetail struct {
	Cutoff     string `json:"cutoff"`
	PrunedSize int64  `json:"pruned_size"` // entries [0, PrunedSize) are gone
	Removed    int64  `json:"removed"`
}

// Prune deletes the oldest entries recorded before cutoff, which must lie at
// least the retention period in the past. It keeps the compact range of what
// it removes, so the remaining entries still verify and still prove inclusion
// under roots signed before. It refuses to prune entries that fail to verify,
// and records itself in the ledger. It returns how many entries it removed.
func (l *Ledger) Prune(ctx context.Context, cutoff time.Time, by Actor) (int64, error) {
	if oldest := l.db.Now().Add(-l.retention); cutoff.After(oldest) {
		return 0, errs.E(errs.Invalid, "entries younger than the retention period (%d days) cannot be pruned: cutoff %s is after %s",
			int(l.retention.Hours()/24), cutoff.Format(time.DateOnly), oldest.Format(time.DateOnly))
	}
	var removed int64
	err := l.db.InTx(ctx, func(tx *store.Tx) error {
		hd, err := readHead(ctx, tx, tx.ForUpdate())
		if err != nil {
			return err
		}
		// Prune a prefix only: up to the first entry at or after the cutoff.
		var end int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MIN(idx), $1) FROM ledger_entries WHERE at_us >= $2`, hd.size, cutoff.UnixMicro()).Scan(&end); err != nil {
			return err
		}
		if end <= hd.prunedSize {
			return nil
		}
		cr, err := l.h.rangeOf(hd.prunedSize, hd.prunedRange)
		if err != nil {
			return errs.E(errs.Conflict, "%v; run shuyu ledger verify before pruning", err)
		}
		if err := l.appendVerified(ctx, tx, cr, end); err != nil {
			return err
		}
		kept := joinHashes(cr.Hashes())
		if err := l.confirmRange(ctx, tx, hd, cr); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM ledger_entries WHERE idx < $1`, end); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE ledger_head SET pruned_size = $1, pruned_range = $2 WHERE id = 1`, end, kept); err != nil {
			return err
		}
		removed = end - hd.prunedSize
		return l.Append(ctx, tx, Record{Actor: by, Action: actionPrune, ObjectType: "ledger",
			Detail: pruneDetail{Cutoff: cutoff.UTC().Format(time.RFC3339), PrunedSize: end, Removed: removed}})
	})
	if err != nil {
		return 0, fmt.Errorf("ledger: prune: %w", err)
	}
	return removed, nil
}

// appendVerified extends cr with the entries from its end up to end, each of
// which must match its leaf hash and MAC.
func (l *Ledger) appendVerified(ctx context.Context, tx *store.Tx, cr *compact.Range, end int64) error {
	rows, err := tx.Query(ctx, `SELECT `+entryColumns+` FROM ledger_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx`, int64(cr.End()), end)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return err
		}
		want := int64(cr.End())
		leaf := l.h.HashLeaf(e.leafData())
		if e.Index != want || !bytes.Equal(leaf, e.LeafHash) || !bytes.Equal(l.h.mac(l.key.macKey, leaf), e.mac) {
			return errs.E(errs.Conflict, "entry %d does not verify; run shuyu ledger verify before pruning", want)
		}
		if err := cr.Append(leaf, nil); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if int64(cr.End()) != end {
		return errs.E(errs.Conflict, "entries before %d are incomplete; run shuyu ledger verify before pruning", end)
	}
	return nil
}

// confirmRange checks cr, built from the unsigned pruned range and verified
// entries, against the first signed root at or after its end (a kept
// checkpoint, or else the head), extending it with the stored leaf hashes up
// to there. Prune deletes for good, so the range it keeps in place of the
// entries must be known to match what was signed: a damaged pruned range
// would otherwise turn into a log that can never verify again.
func (l *Ledger) confirmRange(ctx context.Context, tx *store.Tx, hd head, cr *compact.Range) error {
	signed := hd.checkpoint()
	var at int64
	err := tx.QueryRow(ctx, `SELECT size, root, signed_at_us, key_id, signature FROM ledger_checkpoints
		WHERE size >= $1 ORDER BY size LIMIT 1`, int64(cr.End())).Scan(&signed.Size, &signed.Root, &at, &signed.KeyID, &signed.Signature)
	switch {
	case err == nil:
		signed.Time = timeOfMicros(at)
	case !store.IsNoRows(err):
		return fmt.Errorf("ledger: read checkpoint: %w", err)
	}
	if err := signed.Verify(l.key); err != nil {
		return errs.E(errs.Conflict, "%v; run shuyu ledger verify before pruning", err)
	}
	if err := appendStoredLeaves(ctx, tx, cr, signed.Size); err != nil {
		return errs.E(errs.Conflict, "%v", err)
	}
	if root, err := cr.GetRootHash(nil); err != nil || !bytes.Equal(root, signed.Root) {
		return errs.E(errs.Conflict, "the kept range of pruned entries does not match the root signed at size %d; run shuyu ledger verify before pruning", signed.Size)
	}
	return nil
}
