package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/transparency-dev/merkle/compact"

	"shuyu/internal/store"
)

const insertEntry = `INSERT INTO ledger_entries
	(idx, at_us, actor_id, actor_name, org_id, jurisdiction_id, ip, action, object_type, object_id, detail, leaf_hash, mac)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`

// Append adds recs, in order, inside tx: they become part of the log exactly
// when tx commits. It locks the tree head until tx ends, so appends are
// serialized across processes sharing one PostgreSQL: call it as late in tx as
// you can (the lock is held for the rest of it, and taking other row locks
// after it invites deadlocks), and batch records that belong together into
// one call.
func (l *Ledger) Append(ctx context.Context, tx *store.Tx, recs ...Record) error {
	if len(recs) == 0 {
		return nil
	}
	h, err := readHead(ctx, tx, tx.ForUpdate())
	if err != nil {
		return err
	}
	if h.suite != "" && (Suite(h.suite) != l.key.Suite || h.keyID != l.key.ID) {
		return fmt.Errorf("ledger: the log is signed by %s key %s, but this process holds %s key %s; use the original key file",
			h.suite, h.keyID, l.key.Suite, l.key.ID)
	}
	cr, err := l.trustedRange(h)
	if err != nil {
		return err
	}
	var nodes []compact.NodeID
	var nodeHashes [][]byte
	visit := func(id compact.NodeID, hash []byte) {
		if id.Level > 0 && id.Level%nodeStride == 0 {
			nodes, nodeHashes = append(nodes, id), append(nodeHashes, hash)
		}
	}
	at := tx.DB().Now()
	stmt, err := tx.Prepare(ctx, insertEntry)
	if err != nil {
		return fmt.Errorf("ledger: prepare: %w", err)
	}
	defer stmt.Close()
	for i, r := range recs {
		e, err := r.entry(h.size+int64(i), at)
		if err != nil {
			return err
		}
		leaf := l.h.HashLeaf(e.leafData())
		a := e.Actor
		if _, err := stmt.ExecContext(ctx, e.Index, at.UnixMicro(), a.UserID, a.Name, a.OrgID, a.JurisdictionID, a.IP,
			e.Action, e.ObjectType, e.ObjectID, string(e.Detail), leaf, l.h.mac(l.key.macKey, leaf)); err != nil {
			return fmt.Errorf("ledger: append %s: %w", e.Action, err)
		}
		if err := cr.Append(leaf, visit); err != nil {
			return err
		}
	}
	for i, id := range nodes {
		if _, err := tx.Exec(ctx, `INSERT INTO ledger_nodes (level, idx, hash) VALUES ($1, $2, $3)`,
			int64(id.Level), int64(id.Index), nodeHashes[i]); err != nil {
			return fmt.Errorf("ledger: keep node: %w", err)
		}
	}
	root, err := cr.GetRootHash(nil)
	if err != nil {
		return err
	}
	cp := Checkpoint{Origin: l.origin, Size: int64(cr.End()), Root: root, Time: at}
	if err := cp.sign(l.key); err != nil {
		return err
	}
	checkpointAt := h.checkpointAt
	if h.size/checkpointEvery != cp.Size/checkpointEvery || at.UnixMicro()-h.checkpointAt >= checkpointInterval.Microseconds() {
		checkpointAt = at.UnixMicro()
		if _, err := tx.Exec(ctx, `INSERT INTO ledger_checkpoints (size, root, signed_at_us, key_id, signature) VALUES ($1, $2, $3, $4, $5)`,
			cp.Size, cp.Root, checkpointAt, cp.KeyID, cp.Signature); err != nil {
			return fmt.Errorf("ledger: keep checkpoint: %w", err)
		}
	}
	_, err = tx.Exec(ctx, `UPDATE ledger_head SET suite = $1, key_id = $2, origin = $3, size = $4, root = $5,
		range_hashes = $6, signed_at_us = $7, signature = $8, checkpoint_at_us = $9 WHERE id = 1`,
		string(cp.Suite), cp.KeyID, cp.Origin, cp.Size, cp.Root, joinHashes(cr.Hashes()), at.UnixMicro(), cp.Signature, checkpointAt)
	if err != nil {
		return fmt.Errorf("ledger: update head: %w", err)
	}
	return nil
}

// trustedRange rebuilds the head's compact range, which is not signed, and
// checks it against the signed root. Without the check, whoever can write
// ledger_head could have the next append sign a root over a history of their
// own making, which only a verifier holding the MAC key would catch.
func (l *Ledger) trustedRange(h head) (*compact.Range, error) {
	if h.suite == "" { // the unsigned row the migration made
		if h.size != 0 || len(h.rangeHashes) != 0 {
			return nil, errors.New("ledger: the head was never signed but claims entries; run shuyu ledger verify")
		}
		return l.h.factory().NewEmptyRange(0), nil
	}
	if err := h.checkpoint().Verify(l.key); err != nil {
		return nil, fmt.Errorf("%w; refusing to extend it (run shuyu ledger verify)", err)
	}
	cr, err := l.h.rangeOf(h.size, h.rangeHashes)
	if err != nil {
		return nil, err
	}
	if root, err := cr.GetRootHash(nil); err != nil || !bytes.Equal(root, h.root) {
		return nil, errors.New("ledger: the head's stored range does not match its signed root; refusing to extend it (run shuyu ledger verify)")
	}
	return cr, nil
}

// Checkpoint returns the current signed tree head.
func (l *Ledger) Checkpoint(ctx context.Context) (Checkpoint, error) {
	h, err := readHead(ctx, l.db, "")
	if err != nil {
		return Checkpoint{}, err
	}
	if h.suite == "" { // nothing appended yet: sign the empty tree now
		cp := Checkpoint{Origin: l.origin, Root: l.h.EmptyRoot(), Time: l.db.Now()}
		return cp, cp.sign(l.key)
	}
	return h.checkpoint(), nil
}
