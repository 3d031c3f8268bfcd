package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/transparency-dev/merkle/compact"

	"shuyu/internal/store"
)

// MinRetention is the shortest time entries are kept: Art. 24 requires logs
// for at least six months.
const MinRetention = 180 * 24 * time.Hour

const (
	// nodeStride: perfect subtree hashes are kept at every nodeStride-th level.
	nodeStride = 8
	// A checkpoint row is kept whenever the size crosses a multiple of
	// checkpointEvery, or checkpointInterval after the last one.
	checkpointEvery    = 1024
	checkpointInterval = time.Hour
)

// Ledger appends to and reads the log.
type Ledger struct {
	db        *store.DB
	key       *Key
	h         treeHasher
	origin    string
	retention time.Duration
}

// New returns the ledger kept in db, signed with key. origin names the log in
// checkpoints (e.g. the deployment's jurisdiction). retention below
// MinRetention is refused.
func New(db *store.DB, key *Key, origin string, retention time.Duration) (*Ledger, error) {
	if !key.Private() {
		return nil, errors.New("ledger: appending needs the private key")
	}
	if retention < MinRetention {
		return nil, fmt.Errorf("ledger: retention %s is below the minimum of 180 days (Art. 24 keeps logs at least six months)", retention)
	}
	if origin == "" {
		return nil, errors.New("ledger: an origin name is required")
	}
	return &Ledger{db: db, key: key, h: key.Suite.hasher(), origin: origin, retention: retention}, nil
}

// Key returns the signing key (its public half is published with checkpoints).
func (l *Ledger) Key() *Key { return l.key }

// Retention returns how long entries are kept at least.
func (l *Ledger) Retention() time.Duration { return l.retention }

// head is the row of ledger_head.
type head struct {
	suite, keyID, origin string
	size                 int64
	root                 []byte
	rangeHashes          []byte
	signedAt             int64
	signature            []byte
	checkpointAt         int64
	prunedSize           int64
	prunedRange          []byte
}

const headColumns = `suite, key_id, origin, size, root, range_hashes, signed_at_us, signature, checkpoint_at_us, pruned_size, pruned_range`

func readHead(ctx context.Context, q store.Querier, lock string) (head, error) {
	var h head
	err := q.QueryRow(ctx, `SELECT `+headColumns+` FROM ledger_head WHERE id = 1`+lock).Scan(
		&h.suite, &h.keyID, &h.origin, &h.size, &h.root, &h.rangeHashes, &h.signedAt, &h.signature,
		&h.checkpointAt, &h.prunedSize, &h.prunedRange)
	if err != nil {
		return h, fmt.Errorf("ledger: read head: %w", err)
	}
	return h, nil
}

func (h head) checkpoint() Checkpoint {
	return Checkpoint{Origin: h.origin, Suite: Suite(h.suite), KeyID: h.keyID, Size: h.size, Root: h.root,
		Time: timeOfMicros(h.signedAt), Signature: h.signature}
}

// splitHashes cuts concatenated 32-byte hashes apart.
func splitHashes(b []byte) ([][]byte, error) {
	if len(b)%32 != 0 {
		return nil, fmt.Errorf("ledger: stored range of %d bytes is not a list of 32-byte hashes", len(b))
	}
	out := make([][]byte, 0, len(b)/32)
	for i := 0; i < len(b); i += 32 {
		out = append(out, b[i:i+32])
	}
	return out, nil
}

func joinHashes(hs [][]byte) []byte {
	out := make([]byte, 0, 32*len(hs))
	for _, h := range hs {
		out = append(out, h...)
	}
	return out
}

// rangeOf rebuilds the compact range [0, size) from its stored hashes.
func (t treeHasher) rangeOf(size int64, stored []byte) (*compact.Range, error) {
	if size < 0 { // as a uint64 it would be a range the next append overflows
		return nil, fmt.Errorf("ledger: stored range of negative size %d", size)
	}
	hs, err := splitHashes(stored)
	if err != nil {
		return nil, err
	}
	return t.factory().NewRange(0, uint64(size), hs)
}
