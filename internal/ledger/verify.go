package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/transparency-dev/merkle/compact"

	"shuyu/internal/store"
)

// Failure is what Verify found wrong. Index is the first entry that does not
// verify, or -1 when no entry is at fault: the signed head, a kept checkpoint
// or a kept subtree hash was damaged.
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
	Witnessed   int  // checkpoints kept outside the database that matched
	MACs        bool // whether entry MACs were checked (needs the private key)
}

// Verify recomputes the whole log in db from its entries and checks it
// against the signed head and every kept checkpoint, with key. It returns a
// *Failure naming the first bad index when any entry was edited, deleted,
// inserted or moved, or when entries were removed from the front without a
// recorded prune. With a private key it also checks each entry's MAC, which
// pinpoints an edit even when the attacker recomputed the public hashes.
// It reads one snapshot, so it may run while the log grows. progress, when
// not nil, is called now and then with the entries done.
//
// What it cannot see from the database alone: a rollback to an earlier state
// of the log (the whole database restored from an old copy, or the tail cut
// back to a kept checkpoint whose signed values are copied into the head).
// Every such state was once genuine; only a checkpoint kept outside the
// database (published, or held by a witness) shows that the log has since
// been larger.
func Verify(ctx context.Context, db *store.DB, key *Key, progress func(done, total int64)) (rep Report, err error) {
	return VerifyWitnessed(ctx, db, key, nil, progress)
}

// VerifyWitnessed is Verify that also checks the log against checkpoints
// kept outside the database: saved from GET /api/v1/ledger/checkpoint by an
// auditor, a regulator or a witness. They close what Verify alone cannot
// see: a log rolled back to an earlier state, or rewritten and re-signed by
// someone who took the key, no longer contains what they saw.
func VerifyWitnessed(ctx context.Context, db *store.DB, key *Key, witnesses []Checkpoint, progress func(done, total int64)) (rep Report, err error) {
	err = db.InSnapshot(ctx, func(q store.Querier) error {
		rep, err = verify(ctx, q, key, witnesses, progress)
		return err
	})
	return rep, err
}

func verify(ctx context.Context, q store.Querier, key *Key, witnesses []Checkpoint, progress func(done, total int64)) (Report, error) {
	hd, err := readHead(ctx, q, "")
	if err != nil {
		return Report{}, err
	}
	rep := Report{Suite: key.Suite, KeyID: key.ID, Size: hd.size, Pruned: hd.prunedSize, Root: hd.root, MACs: key.Private()}
	if hd.suite == "" {
		return rep, verifyUnsigned(ctx, q, hd)
	}
	if err := hd.checkpoint().Verify(key); err != nil {
		return rep, &Failure{-1, "the signed tree head does not verify: " + err.Error()}
	}
	if hd.prunedSize < 0 || hd.prunedSize > hd.size {
		return rep, &Failure{-1, fmt.Sprintf("the head's pruned size %d lies outside the log of size %d", hd.prunedSize, hd.size)}
	}
	checkpoints, cpFault, err := loadCheckpoints(ctx, q, hd, key)
	if err != nil {
		return rep, err
	}
	witnessed, err := witnessSizes(witnesses, hd, key)
	if err != nil {
		return rep, err
	}
	nodes, err := loadNodes(ctx, q)
	if err != nil {
		return rep, err
	}
	h := key.Suite.hasher()
	cr, err := h.rangeOf(hd.prunedSize, hd.prunedRange)
	if err != nil {
		return rep, &Failure{hd.prunedSize, "the kept range of pruned entries is damaged: " + err.Error()}
	}
	// A kept subtree hash that differs is only a damaged cache if the signed
	// roots still match; if they do not, it narrows down where entries differ.
	var badNode *compact.NodeID
	visit := func(id compact.NodeID, hash []byte) {
		if stored, ok := nodes[id]; ok && badNode == nil && !bytes.Equal(stored, hash) {
			badNode = &id
		}
	}
	mismatch := func(lastGood, next int64, what string) *Failure {
		if badNode != nil {
			if begin, end := badNode.Coverage(); int64(begin) >= lastGood {
				return &Failure{int64(begin), fmt.Sprintf("entries [%d, %d) match neither their kept hash nor %s", begin, end, what)}
			}
		}
		return &Failure{lastGood, fmt.Sprintf("entries [%d, %d) do not match %s", lastGood, next, what)}
	}
	rows, err := q.Query(ctx, `SELECT `+entryColumns+` FROM ledger_entries ORDER BY idx`)
	if err != nil {
		return rep, err
	}
	defer rows.Close()
	next, lastGood, lastWitnessed := hd.prunedSize, hd.prunedSize, hd.prunedSize
	var lastPrune *Entry
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
		if e.Action == actionPrune && e.ObjectType == "ledger" {
			lastPrune = &e
		}
		if err := cr.Append(leaf, visit); err != nil {
			return rep, err
		}
		next++
		if cp, ok := checkpoints[next]; ok {
			root, err := cr.GetRootHash(nil)
			if err != nil {
				return rep, err
			}
			if !bytes.Equal(root, cp.Root) {
				return rep, mismatch(lastGood, next, fmt.Sprintf("the signed checkpoint at size %d", next))
			}
			rep.Checkpoints++
			lastGood = next
		}
		if w, ok := witnessed[next]; ok {
			// The log's own checkpoints may be re-signed forgeries here, so
			// only an earlier witness bounds where the rewrite starts.
			if root, err := cr.GetRootHash(nil); err != nil || !bytes.Equal(root, w.Root) {
				return rep, &Failure{lastWitnessed, fmt.Sprintf("entries [%d, %d) differ from the checkpoint witnessed at size %d on %s: the log was rewritten",
					lastWitnessed, next, next, w.Time.Format(time.RFC3339))}
			}
			rep.Witnessed++
			lastWitnessed = next
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
		return rep, mismatch(lastGood, hd.size, "the signed head")
	}
	if f := accountForPruning(lastPrune, hd); f != nil {
		return rep, f
	}
	if cpFault != nil {
		return rep, cpFault
	}
	if badNode != nil {
		begin, end := badNode.Coverage()
		return rep, &Failure{-1, fmt.Sprintf("the kept hash of entries [%d, %d) differs from the entries, which verify (ledger_nodes was edited)", begin, end)}
	}
	if !bytes.Equal(joinHashes(cr.Hashes()), hd.rangeHashes) {
		return rep, &Failure{-1, "the head's stored compact range differs from the entries"}
	}
	if progress != nil {
		progress(hd.size-hd.prunedSize, hd.size-hd.prunedSize)
	}
	return rep, nil
}

// verifyUnsigned checks a head that was never signed: the log must be empty
// and hold nothing that only appends and prunes leave behind, or else it was
// reset after the fact.
func verifyUnsigned(ctx context.Context, q store.Querier, hd head) error {
	if hd.size != 0 || hd.prunedSize != 0 || len(hd.rangeHashes) != 0 || len(hd.prunedRange) != 0 {
		return &Failure{-1, "the head claims entries but was never signed"}
	}
	for _, t := range []struct{ table, reason string }{
		{"ledger_entries", "entries exist but the log was never signed (inserted)"},
		{"ledger_checkpoints", "signed checkpoints exist but the head is empty (the log was reset: entries deleted)"},
		{"ledger_nodes", "kept subtree hashes exist but the head is empty (the log was reset: entries deleted)"},
	} {
		var n int64
		if err := q.QueryRow(ctx, `SELECT count(*) FROM `+t.table).Scan(&n); err != nil {
			return fmt.Errorf("ledger: count %s: %w", t.table, err)
		}
		if n > 0 {
			return &Failure{0, t.reason}
		}
	}
	return nil
}

// accountForPruning checks that the newest prune entry, which is signed,
// states the pruned size in the head, which is not. Otherwise entries were
// removed from the front with a pruned range recomputed from the public leaf
// hashes: a prune that bypassed retention and left no trace.
func accountForPruning(last *Entry, hd head) *Failure {
	var recorded int64
	if last != nil {
		var d pruneDetail
		if err := json.Unmarshal(last.Detail, &d); err != nil {
			return &Failure{last.Index, "the detail of the prune entry is unreadable: " + err.Error()}
		}
		recorded = d.PrunedSize
	}
	if recorded == hd.prunedSize {
		return nil
	}
	return &Failure{min(recorded, hd.prunedSize), fmt.Sprintf("the head says entries [0, %d) were pruned, but the last recorded prune removed [0, %d) (entries deleted without a prune)",
		hd.prunedSize, recorded)}
}

// loadCheckpoints reads the kept checkpoints that lie after the pruned range,
// whose roots the scan recomputes. A checkpoint whose signature fails, or a
// genuine one larger than the head (the tail was cut), is returned as a fault
// to report once the entries themselves verify, so that a bad entry is named
// first.
func loadCheckpoints(ctx context.Context, q store.Querier, hd head, key *Key) (map[int64]Checkpoint, *Failure, error) {
	rows, err := q.Query(ctx, `SELECT size, root, signed_at_us, key_id, signature FROM ledger_checkpoints ORDER BY size`)
	if err != nil {
		return nil, nil, fmt.Errorf("ledger: read checkpoints: %w", err)
	}
	defer rows.Close()
	out := map[int64]Checkpoint{}
	var fault *Failure
	note := func(f *Failure) { // an entry fault outranks any other
		if fault == nil || (fault.Index < 0 && f.Index >= 0) {
			fault = f
		}
	}
	for rows.Next() {
		cp := Checkpoint{Origin: hd.origin, Suite: Suite(hd.suite)}
		var at int64
		if err := rows.Scan(&cp.Size, &cp.Root, &at, &cp.KeyID, &cp.Signature); err != nil {
			return nil, nil, err
		}
		cp.Time = timeOfMicros(at)
		if err := cp.Verify(key); err != nil {
			note(&Failure{-1, "a kept checkpoint does not verify: " + err.Error()})
			continue
		}
		switch {
		case cp.Size > hd.size:
			note(&Failure{hd.size, fmt.Sprintf("a signed checkpoint has size %d but the head only %d (entries deleted from the end)", cp.Size, hd.size)})
		case cp.Size > hd.prunedSize:
			out[cp.Size] = cp
		}
	}
	return out, fault, rows.Err()
}

func loadNodes(ctx context.Context, q store.Querier) (map[compact.NodeID][]byte, error) {
	rows, err := q.Query(ctx, `SELECT level, idx, hash FROM ledger_nodes`)
	if err != nil {
		return nil, fmt.Errorf("ledger: read kept nodes: %w", err)
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

// witnessSizes checks each witnessed checkpoint's signature and that the log
// has not shrunk below it, and returns those the scan can recompute.
func witnessSizes(witnesses []Checkpoint, hd head, key *Key) (map[int64]Checkpoint, error) {
	out := map[int64]Checkpoint{}
	for _, w := range witnesses {
		if err := w.Verify(key); err != nil {
			return nil, fmt.Errorf("witnessed checkpoint of size %d: %w", w.Size, err)
		}
		if w.Size > hd.size {
			return nil, &Failure{hd.size, fmt.Sprintf("the log has %d entries, but a checkpoint witnessed on %s had %d: it was rolled back",
				hd.size, w.Time.Format(time.RFC3339), w.Size)}
		}
		if w.Size > hd.prunedSize {
			out[w.Size] = w
		}
	}
	return out, nil
}
