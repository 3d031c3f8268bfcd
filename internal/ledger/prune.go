package ledger

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"shuyu/internal/errs"
	"shuyu/internal/store"
)

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
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+entryColumns+` FROM ledger_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx`, hd.prunedSize, end)
		if err != nil {
			return err
		}
		defer rows.Close()
		for want := hd.prunedSize; rows.Next(); want++ {
			e, err := scanEntry(rows)
			if err != nil {
				return err
			}
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
		rows.Close()
		if int64(cr.End()) != end {
			return errs.E(errs.Conflict, "entries before %d are incomplete; run shuyu ledger verify before pruning", end)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM ledger_entries WHERE idx < $1`, end); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE ledger_head SET pruned_size = $1, pruned_range = $2 WHERE id = 1`, end, joinHashes(cr.Hashes())); err != nil {
			return err
		}
		removed = end - hd.prunedSize
		return l.Append(ctx, tx, Record{Actor: by, Action: "ledger.prune", ObjectType: "ledger",
			Detail: map[string]any{"cutoff": cutoff.UTC().Format(time.RFC3339), "removed": removed, "pruned_size": end}})
	})
	if err != nil {
		return 0, fmt.Errorf("ledger: prune: %w", err)
	}
	return removed, nil
}
