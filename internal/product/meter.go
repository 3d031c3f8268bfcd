package product

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/store"
)

// call is one call's record as the meter keeps it: who, what, when, and
// whether a record was returned; never the parameter's value.
type call struct {
	At             time.Time `json:"at"`
	SubscriptionID string    `json:"subscription_id"`
	APIKeyID       string    `json:"api_key_id"`
	ProductID      string    `json:"product_id"`
	Records        int64     `json:"records"`
}

// meter batches call records and flushes them, by count, by age and on
// close, into product_usage and product_call_batches with one ledger entry
// per batch carrying the SHA-256 of the batch's records: the batch is
// verifiable against the ledger, and a call costs no transaction.
//
// Quotas count per subscription and month the calls in the database (of
// every process sharing it, read on first use and again after each flush
// of the subscription's calls) plus this process's calls not yet flushed:
// a process learns of the others' calls when it flushes its own, so each
// may let through at most one flush's worth (FlushCalls, or FlushEvery of
// its calls) beyond a quota; a single process counts exactly.
type meter struct {
	s     *Service
	max   int
	mu    sync.Mutex
	batch []call
	// flushed and pending count calls per subscription and month ("sub/month").
	flushed map[string]int64
	pending map[string]int64

	flushMu sync.Mutex
	stop    chan struct{}
	done    chan struct{}
}

func newMeter(s *Service, max int, every time.Duration) *meter {
	m := &meter{s: s, max: max, flushed: map[string]int64{}, pending: map[string]int64{}, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(m.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				if err := m.flush(context.Background()); err != nil {
					s.log.Error("product: flush the meter", "err", err)
				}
			case <-m.stop:
				return
			}
		}
	}()
	return m
}

// month is the Asia/Shanghai month of t, as billing counts it.
func month(t time.Time) string { return calendar.DateOf(t).String()[:7] }

// usageKey is the quota counters' key of subscription sub in month.
func usageKey(sub, month string) string { return sub + "/" + month }

// admit counts a call of subscription sub against its monthly quota and
// says whether it is within it. An admitted call is one the caller meters.
func (m *meter) admit(ctx context.Context, sub string, quota int64, now time.Time) (bool, error) {
	key := usageKey(sub, month(now))
	m.mu.Lock()
	_, ok := m.flushed[key]
	m.mu.Unlock()
	if !ok {
		n, err := m.stored(ctx, sub, month(now))
		if err != nil {
			return false, err
		}
		m.mu.Lock()
		if _, ok := m.flushed[key]; !ok {
			m.flushed[key] = n
		}
		m.mu.Unlock()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.flushed[key]+m.pending[key] >= quota {
		return false, nil
	}
	m.pending[key]++
	return true, nil
}

// stored returns the calls of subscription sub in month in the database.
func (m *meter) stored(ctx context.Context, sub, month string) (int64, error) {
	var n int64
	err := m.s.db.QueryRow(ctx, `SELECT COALESCE(SUM(calls), 0) FROM product_usage WHERE subscription_id = $1 AND month = $2`, sub, month).Scan(&n)
	return n, err
}

// add records a call; a full batch is flushed in the background.
func (m *meter) add(c call) {
	m.mu.Lock()
	m.batch = append(m.batch, c)
	full := len(m.batch) >= m.max
	m.mu.Unlock()
	if full {
		go func() {
			if err := m.flush(context.Background()); err != nil {
				m.s.log.Error("product: flush the meter", "err", err)
			}
		}()
	}
}

// flush writes the pending batch: usage counts, the batch's records and
// its ledger entry in one transaction. On failure the batch is kept for
// the next flush.
func (m *meter) flush(ctx context.Context) error {
	m.flushMu.Lock()
	defer m.flushMu.Unlock()
	m.mu.Lock()
	batch := m.batch
	m.batch = nil
	m.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if err := m.write(ctx, batch); err != nil {
		m.mu.Lock()
		m.batch = append(batch, m.batch...)
		m.mu.Unlock()
		return err
	}
	// The batch's calls move from pending to flushed, and flushed takes in
	// what other processes flushed meanwhile.
	written := map[[2]string]int64{}
	for _, c := range batch {
		written[[2]string{c.SubscriptionID, month(c.At)}]++
	}
	for k, n := range written {
		total, err := m.stored(ctx, k[0], k[1])
		m.mu.Lock()
		key := usageKey(k[0], k[1])
		m.pending[key] -= n
		if err == nil {
			m.flushed[key] = total
		} else {
			// Counted again from the database on the next call.
			delete(m.flushed, key)
		}
		m.mu.Unlock()
	}
	return nil
}

func (m *meter) write(ctx context.Context, batch []call) error {
	records, err := json.Marshal(batch)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(records)
	hash := hex.EncodeToString(sum[:])
	type key struct{ sub, apiKey, month string }
	counts := map[key][2]int64{}
	for _, c := range batch {
		k := key{c.SubscriptionID, c.APIKeyID, month(c.At)}
		v := counts[k]
		counts[k] = [2]int64{v[0] + 1, v[1] + c.Records}
	}
	id := store.NewID()
	return m.s.db.InTx(ctx, func(tx *store.Tx) error {
		// Usage and the ledger are no facts the gateway's memos keep.
		tx.Unwatched()
		for k, v := range counts {
			if _, err := tx.Exec(ctx, `INSERT INTO product_usage (subscription_id, api_key_id, month, calls, records) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (subscription_id, api_key_id, month) DO UPDATE SET calls = product_usage.calls + excluded.calls,
				records = product_usage.records + excluded.records`, k.sub, k.apiKey, k.month, v[0], v[1]); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO product_call_batches (id, calls, sha256, flushed_at) VALUES ($1, $2, $3, $4)`,
			id, string(records), hash, m.s.now()); err != nil {
			return err
		}
		return m.s.record(ctx, tx, access.System("gateway"), "product.calls", "call_batch", id,
			map[string]any{"calls": len(batch), "sha256": hash, "first": batch[0].At, "last": batch[len(batch)-1].At})
	})
}

// close stops the timer and flushes what is left.
func (m *meter) close() error {
	select {
	case <-m.stop:
		return nil
	default:
	}
	close(m.stop)
	<-m.done
	return m.flush(context.Background())
}

// Flush writes the meter's pending calls now: for tests and for issuing
// statements right after calls.
func (s *Service) Flush(ctx context.Context) error { return s.meter.flush(ctx) }

// VerifyBatch recomputes the hash of call batch id's records: what its
// ledger entry must carry.
func (s *Service) VerifyBatch(ctx context.Context, id string) (string, int, error) {
	var records, stored string
	if err := s.db.QueryRow(ctx, `SELECT calls, sha256 FROM product_call_batches WHERE id = $1`, id).Scan(&records, &stored); err != nil {
		return "", 0, err
	}
	var batch []call
	if err := json.Unmarshal([]byte(records), &batch); err != nil {
		return "", 0, err
	}
	sum := sha256.Sum256([]byte(records))
	return hex.EncodeToString(sum[:]), len(batch), nil
}
