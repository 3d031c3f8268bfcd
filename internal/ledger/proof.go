package ledger

import (
	"context"
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"

	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// tree computes the hash of any node of the tree as it stands: from the
// pruned frontier, the kept subtree hashes, or the leaf hashes.
type tree struct {
	q        store.Querier
	h        treeHasher
	size     int64
	pruned   int64
	frontier map[compact.NodeID][]byte
}

// tree reads the head through q, which should be a snapshot, so that a
// prune or append meanwhile cannot pull entries from under the proof.
func (l *Ledger) tree(ctx context.Context, q store.Querier) (*tree, head, error) {
	hd, err := readHead(ctx, q, "")
	if err != nil {
		return nil, hd, err
	}
	t := &tree{q: q, h: l.h, size: hd.size, pruned: hd.prunedSize, frontier: map[compact.NodeID][]byte{}}
	hashes, err := splitHashes(hd.prunedRange)
	if err != nil {
		return nil, hd, err
	}
	ids := compact.RangeNodes(0, uint64(hd.prunedSize), nil)
	if len(ids) != len(hashes) {
		return nil, hd, fmt.Errorf("ledger: pruned range holds %d hashes, want %d", len(hashes), len(ids))
	}
	for i, id := range ids {
		t.frontier[id] = hashes[i]
	}
	return t, hd, nil
}

func (t *tree) node(ctx context.Context, id compact.NodeID) ([]byte, error) {
	if h, ok := t.frontier[id]; ok {
		return h, nil
	}
	begin, end := int64(id.Index<<id.Level), int64((id.Index+1)<<id.Level)
	if id.Level > 0 && id.Level%nodeStride == 0 {
		var h []byte
		err := t.q.QueryRow(ctx, `SELECT hash FROM ledger_nodes WHERE level = $1 AND idx = $2`, int64(id.Level), int64(id.Index)).Scan(&h)
		if err == nil {
			return h, nil
		}
		if !store.IsNoRows(err) {
			return nil, err
		}
	}
	if begin >= t.pruned && id.Level <= nodeStride {
		return t.leafSubtree(ctx, begin, end)
	}
	if id.Level == 0 {
		return nil, errs.E(errs.NotFound, "entry %d was pruned; the proof would need it", begin)
	}
	left, err := t.node(ctx, compact.NewNodeID(id.Level-1, id.Index*2))
	if err != nil {
		return nil, err
	}
	right, err := t.node(ctx, compact.NewNodeID(id.Level-1, id.Index*2+1))
	if err != nil {
		return nil, err
	}
	return t.h.HashChildren(left, right), nil
}

// leafSubtree hashes the perfect subtree over leaves [begin, end).
func (t *tree) leafSubtree(ctx context.Context, begin, end int64) ([]byte, error) {
	cr := t.h.factory().NewEmptyRange(uint64(begin))
	if err := appendStoredLeaves(ctx, t.q, cr, end); err != nil {
		return nil, err
	}
	return cr.Hashes()[0], nil
}

// appendStoredLeaves extends cr with the stored leaf hashes of the entries
// from its end up to end, all of which must be there.
func appendStoredLeaves(ctx context.Context, q store.Querier, cr *compact.Range, end int64) error {
	begin := int64(cr.End())
	rows, err := q.Query(ctx, `SELECT leaf_hash FROM ledger_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx`, begin, end)
	if err != nil {
		return fmt.Errorf("ledger: read leaves [%d, %d): %w", begin, end, err)
	}
	defer rows.Close()
	for rows.Next() {
		var leaf []byte
		if err := rows.Scan(&leaf); err != nil {
			return err
		}
		if err := cr.Append(leaf, nil); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if int64(cr.End()) != end {
		return fmt.Errorf("ledger: entries [%d, %d) are incomplete; run shuyu ledger verify", begin, end)
	}
	return nil
}

// rootAt returns the root of the tree of the given size.
func (t *tree) rootAt(ctx context.Context, size int64) ([]byte, error) {
	if size == 0 {
		return t.h.EmptyRoot(), nil
	}
	ids := compact.RangeNodes(0, uint64(size), nil)
	hashes := make([][]byte, len(ids))
	for i, id := range ids {
		h, err := t.node(ctx, id)
		if err != nil {
			return nil, err
		}
		hashes[i] = h
	}
	cr, err := t.h.factory().NewRange(0, uint64(size), hashes)
	if err != nil {
		return nil, err
	}
	return cr.GetRootHash(nil)
}

func (t *tree) proof(ctx context.Context, nodes proof.Nodes) ([][]byte, error) {
	hashes := make([][]byte, len(nodes.IDs))
	for i, id := range nodes.IDs {
		h, err := t.node(ctx, id)
		if err != nil {
			return nil, err
		}
		hashes[i] = h
	}
	return nodes.Rehash(hashes, t.h.HashChildren)
}

// InclusionProof proves that entry index is in the tree of the given size.
type InclusionProof struct {
	Index    int64    `json:"index"`
	Size     int64    `json:"size"`
	LeafHash []byte   `json:"leaf_hash"`
	Hashes   [][]byte `json:"hashes"`
	Root     []byte   `json:"root_hash"`
}

// Inclusion returns the proof that entry index is in the tree of size size
// (0 means the current size).
func (l *Ledger) Inclusion(ctx context.Context, index, size int64) (p InclusionProof, err error) {
	err = l.db.InSnapshot(ctx, func(q store.Querier) error {
		p, err = l.inclusion(ctx, q, index, size)
		return err
	})
	return p, err
}

func (l *Ledger) inclusion(ctx context.Context, q store.Querier, index, size int64) (InclusionProof, error) {
	t, hd, err := l.tree(ctx, q)
	if err != nil {
		return InclusionProof{}, err
	}
	if size == 0 {
		size = hd.size
	}
	switch {
	case size < 1 || size > hd.size:
		return InclusionProof{}, errs.E(errs.Invalid, "size %d is outside the log (1 to %d)", size, hd.size)
	case index < 0 || index >= size:
		return InclusionProof{}, errs.E(errs.Invalid, "index %d is outside a tree of size %d", index, size)
	case index < hd.prunedSize:
		return InclusionProof{}, errs.E(errs.NotFound, "entry %d was pruned after its retention period", index)
	}
	nodes, err := proof.Inclusion(uint64(index), uint64(size))
	if err != nil {
		return InclusionProof{}, err
	}
	p := InclusionProof{Index: index, Size: size}
	if p.LeafHash, err = t.node(ctx, compact.NewNodeID(0, uint64(index))); err != nil {
		return p, err
	}
	if p.Hashes, err = t.proof(ctx, nodes); err != nil {
		return p, err
	}
	p.Root, err = t.rootAt(ctx, size)
	return p, err
}

// ConsistencyProof proves that the tree of size Second extends that of size First.
type ConsistencyProof struct {
	First      int64    `json:"first"`
	Second     int64    `json:"second"`
	FirstRoot  []byte   `json:"first_root_hash"`
	SecondRoot []byte   `json:"second_root_hash"`
	Hashes     [][]byte `json:"hashes"`
}

// Consistency returns the proof that the tree of size second (0 means the
// current size) is an append-only extension of the tree of size first.
func (l *Ledger) Consistency(ctx context.Context, first, second int64) (p ConsistencyProof, err error) {
	err = l.db.InSnapshot(ctx, func(q store.Querier) error {
		p, err = l.consistency(ctx, q, first, second)
		return err
	})
	return p, err
}

func (l *Ledger) consistency(ctx context.Context, q store.Querier, first, second int64) (ConsistencyProof, error) {
	t, hd, err := l.tree(ctx, q)
	if err != nil {
		return ConsistencyProof{}, err
	}
	if second == 0 {
		second = hd.size
	}
	if first < 0 || first > second || second > hd.size {
		return ConsistencyProof{}, errs.E(errs.Invalid, "want 0 ≤ first ≤ second ≤ %d, got first %d and second %d", hd.size, first, second)
	}
	nodes, err := proof.Consistency(uint64(first), uint64(second))
	if err != nil {
		return ConsistencyProof{}, err
	}
	p := ConsistencyProof{First: first, Second: second}
	if p.Hashes, err = t.proof(ctx, nodes); err != nil {
		return p, err
	}
	if p.FirstRoot, err = t.rootAt(ctx, first); err != nil {
		return p, err
	}
	p.SecondRoot, err = t.rootAt(ctx, second)
	return p, err
}

// VerifyInclusion checks p against root, for clients and tests.
func (k *Key) VerifyInclusion(p InclusionProof, root []byte) error {
	return proof.VerifyInclusion(k.Suite.hasher(), uint64(p.Index), uint64(p.Size), p.LeafHash, p.Hashes, root)
}

// VerifyConsistency checks p between the two roots, for clients and tests.
func (k *Key) VerifyConsistency(p ConsistencyProof, root1, root2 []byte) error {
	return proof.VerifyConsistency(k.Suite.hasher(), uint64(p.First), uint64(p.Second), p.Hashes, root1, root2)
}
