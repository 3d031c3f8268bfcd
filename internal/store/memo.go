package store

import (
	"sync"
	"time"
)

// Generation counts the write transactions this process has committed
// through db (but those marked Unwatched). A value read from the database
// at one generation may have changed once it moves on; a Memo relies on it.
func (db *DB) Generation() uint64 { return db.gen.Load() }

// Unwatched marks tx as one that changes nothing a Memo keeps (it appends
// records, like the gateway's meter): its commit leaves memos valid. A
// transaction that changes a fact any memo holds must never be marked.
func (tx *Tx) Unwatched() { tx.unwatched = true }

// Memo keeps facts read from the database for a hot path, such as the
// gateway's: who an API key is, whether it may call a product. A fact is
// good while no write transaction has committed in this process since it
// was read (any commit forgets every fact at once: no code that changes a
// fact has to know the memo exists), and for at most MemoTTL.
type Memo[K comparable, V any] struct {
	db  *DB
	max int

	mu  sync.RWMutex
	gen uint64 // the generation m's facts were read at
	m   map[K]memoFact[V]
}

type memoFact[V any] struct {
	v     V
	until time.Time
}

// MemoTTL is how long a memo keeps a fact at most: the bound on how long a
// change committed by another process sharing the database (which this
// process's generation does not count) goes unseen here.
const MemoTTL = time.Second

// NewMemo returns a memo of db's facts, at most max of them (more, and it
// starts again empty).
func NewMemo[K comparable, V any](db *DB, max int) *Memo[K, V] {
	return &Memo[K, V]{db: db, max: max, m: map[K]memoFact[V]{}}
}

// Get returns key's fact if it is still good.
func (m *Memo[K, V]) Get(key K) (V, bool) {
	gen := m.db.Generation()
	m.mu.RLock()
	f, ok := m.m[key]
	ok = ok && m.gen == gen
	m.mu.RUnlock()
	if !ok || !m.db.Now().Before(f.until) {
		var zero V
		return zero, false
	}
	return f.v, true
}

// Put keeps v for key: read from the database at generation gen (taken
// before the reads began, so that a commit during them makes v stale) and
// good until the earlier of until (zero: no bound of its own) and MemoTTL
// from now.
func (m *Memo[K, V]) Put(key K, gen uint64, v V, until time.Time) {
	if limit := m.db.Now().Add(MemoTTL); until.IsZero() || limit.Before(until) {
		until = limit
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if gen != m.db.Generation() {
		return // already stale
	}
	if m.gen != gen || len(m.m) >= m.max {
		m.gen, m.m = gen, map[K]memoFact[V]{}
	}
	m.m[key] = memoFact[V]{v: v, until: until}
}
