package ledger

import (
	"bytes"
	"context"
	"fmt"

	"github.com/transparency-dev/merkle/compact"

	"shuyu/internal/store"
)

// Failure is what Verify found wrong. Index is the first entry that does not
// verify, or -1 when the fault is in the signed head itself.
type Failure struct {
	Index  int64
	Reason string
}

func (f *Failure) Error() string {
	if f.Index < 0 {
		return "ledger: " + f.Reason
	}
	return fmt.Sprintf("ledger: index %d: %s", f.Index, f.Reason)
}

// Report sums up a successful verification.
type Report struct {
	Suite       Suite
	KeyID       string
	Size        int64
	Pruned      int64
	Root        []byte
	Checkpoints int  // checkpoints whose roots were recomputed and matched
	MACs        bool // whether entry MACs were checked (needs the private key)
}

// Verify recomputes the whole log in db from its entries and checks it
// against the signed head and every kept checkpoint, with key. It returns a
// *Failure naming the first bad index when any entry was edited, deleted,
// inserted or moved. With a private key it also checks each entry's MAC, which
// pinpoints an edit even when the attacker recomputed the public hashes.
// progress, when not nil, is called now and then with the entries done.
func Verify(ctx context.Context, db *store.DB, key *Key, progress func(done, total int64)) (Report, error) {
	hd, err := readHead(ctx, db, "")
	if err != nil {
		return Report{}, err
	}
	rep := Report{Suite: key.Suite, KeyID: key.ID, Size: hd.size, Pruned: hd.prunedSize, Root: hd.root, MACs: key.Private()}
	if hd.suite == "" {
		if hd.size != 0 {
			return rep, &Failure{-1, "the head claims entries but was never signed"}
		}
		var n int64
		if err := db.QueryRow(ctx, `SELECT count(*) FROM ledger_entries`).Scan(&n); err != nil {
			return rep, err
		}
		if n > 0 {
			return rep, &Failure{0, "entries exist but the log was never signed (inserted)"}
		}
		return rep, nil
	}
	if err := hd.checkpoint().Verify(key); err != nil {
		return rep, &Failure{-1, "the signed tree head does not verify: " + err.Error()}
	}
	checkpoints, err := loadCheckpoints(ctx, db, hd, key)
	if err != nil {
		return rep, err
	}
	nodes, err := loadNodes(ctx, db)
	if err != nil {
		return rep, err
	}
	h := key.Suite.hasher()
	cr, err := h.rangeOf(hd.prunedSize, hd.prunedRange)
	if err != nil {
		return rep, &Failure{hd.prunedSize, "the kept range of pruned entries is damaged: " + err.Error()}
	}
	var nodeFault *Failure
	visit := func(id compact.NodeID, hash []byte) {
		if stored, ok := nodes[id]; ok && nodeFault == nil && !bytes.Equal(stored, hash) {
			nodeFault = &Failure{int64(id.Index << id.Level), fmt.Sprintf("the kept hash of entries [%d, %d) differs from the entries", id.Index<<id.Level, (id.Index+1)<<id.Level)}
		}
	}
	rows, err := db.Query(ctx, `SELECT `+entryColumns+` FROM ledger_entries ORDER BY idx`)
	if err != nil {
		return rep, err
	}
	defer rows.Close()
	next, lastGood := hd.prunedSize, hd.prunedSize
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return rep, err
		}
		switch {
		case e.Index < hd.prunedSize:
			return rep, &Failure{e.Index, fmt.Sprintf("entry lies in the pruned range [0, %d) (inserted)", hd.prunedSize)}
		case e.Index > next:
			return rep, &Failure{next, "entry is missing (deleted or moved)"}
		case e.Index >= hd.size:
			return rep, &Failure{e.Index, fmt.Sprintf("entry is beyond the signed head of size %d (inserted)", hd.size)}
		}
		leaf := h.HashLeaf(e.leafData())
		if !bytes.Equal(leaf, e.LeafHash) {
			return rep, &Failure{e.Index, "content does not match its leaf hash (edited or moved)"}
		}
		if key.Private() && !bytes.Equal(h.mac(key.macKey, leaf), e.mac) {
			return rep, &Failure{e.Index, "MAC does not match (edited, with hashes recomputed)"}
		}
		if err := cr.Append(leaf, visit); err != nil {
			return rep, err
		}
		if nodeFault != nil {
			return rep, nodeFault
		}
		next++
		if cp, ok := checkpoints[next]; ok {
			root, err := cr.GetRootHash(nil)
			if err != nil {
				return rep, err
			}
			if !bytes.Equal(root, cp.Root) {
				return rep, &Failure{lastGood, fmt.Sprintf("entries [%d, %d) do not match the signed checkpoint at size %d", lastGood, next, next)}
			}
			rep.Checkpoints++
			lastGood = next
		}
		if progress != nil && next%65536 == 0 {
			progress(next-hd.prunedSize, hd.size-hd.prunedSize)
		}
	}
	if err := rows.Err(); err != nil {
		return rep, err
	}
	if next < hd.size {
		return rep, &Failure{next, fmt.Sprintf("entry is missing: the signed head has size %d (deleted)", hd.size)}
	}
	root, err := cr.GetRootHash(nil)
	if err != nil {
		return rep, err
	}
	if !bytes.Equal(root, hd.root) {
		return rep, &Failure{lastGood, fmt.Sprintf("entries [%d, %d) do not match the signed head", lastGood, hd.size)}
	}
	if !bytes.Equal(joinHashes(cr.Hashes()), hd.rangeHashes) {
		return rep, &Failure{-1, "the head's stored compact range differs from the entries"}
	}
	if progress != nil {
		progress(hd.size-hd.prunedSize, hd.size-hd.prunedSize)
	}
	return rep, nil
}

// loadCheckpoints reads and checks the signature of every kept checkpoint.
// Those inside the pruned range can no longer be recomputed and are skipped.
func loadCheckpoints(ctx context.Context, db *store.DB, hd head, key *Key) (map[int64]Checkpoint, error) {
	rows, err := db.Query(ctx, `SELECT size, root, signed_at_us, key_id, signature FROM ledger_checkpoints ORDER BY size`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]Checkpoint{}
	for rows.Next() {
		cp := Checkpoint{Origin: hd.origin, Suite: Suite(hd.suite)}
		var at int64
		if err := rows.Scan(&cp.Size, &cp.Root, &at, &cp.KeyID, &cp.Signature); err != nil {
			return nil, err
		}
		cp.Time = timeOfMicros(at)
		if err := cp.Verify(key); err != nil {
			return nil, &Failure{cp.Size - 1, "kept checkpoint does not verify: " + err.Error()}
		}
		if cp.Size > hd.size {
			return nil, &Failure{hd.size, fmt.Sprintf("a signed checkpoint has size %d but the head only %d (entries deleted from the end)", cp.Size, hd.size)}
		}
		if cp.Size > hd.prunedSize {
			out[cp.Size] = cp
		}
	}
	return out, rows.Err()
}

func loadNodes(ctx context.Context, db *store.DB) (map[compact.NodeID][]byte, error) {
	rows, err := db.Query(ctx, `SELECT level, idx, hash FROM ledger_nodes`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[compact.NodeID][]byte{}
	for rows.Next() {
		var (
			level, idx int64
			hash       []byte
		)
		if err := rows.Scan(&level, &idx, &hash); err != nil {
			return nil, err
		}
		out[compact.NewNodeID(uint(level), uint64(idx))] = hash
	}
	return out, rows.Err()
}
