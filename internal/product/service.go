package product

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/demand"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
	"shuyu/internal/workspace"
)

// Grants finds grants as the sandbox runs them: *demand.Service.
type Grants interface {
	Held(ctx context.Context, id string) (demand.Held, error)
}

// Releases reads workspace releases: *workspace.Service.
type Releases interface {
	Get(ctx context.Context, p access.Principal, id string) (workspace.Release, error)
}

// Agreements is what products need of agreements: *agreement.Service.
type Agreements interface {
	Lookup(ctx context.Context, id string) (agreement.Agreement, error)
	ActiveUntil(ctx context.Context, operatorID string, datasetIDs []string) (time.Time, error)
}

// Indexer builds API products' indexes inside the domain: *sandbox.Sandbox.
type Indexer interface {
	BuildIndex(ctx context.Context, g sandbox.Grant, req sandbox.Request, key string) (*sandbox.Index, error)
}

// Service registers products, keeps subscriptions and runs the gateway.
type Service struct {
	db         *store.DB
	ledger     *ledger.Ledger
	ids        *identity.Service
	agreements Agreements
	grants     Grants
	releases   Releases
	indexer    Indexer
	prices     Prices
	log        *slog.Logger
	now        func() time.Time

	mu     sync.Mutex
	served map[string]*served // API products' declarations and indexes, by ID
	scopes sync.Map           // API key ID → its scope, fixed at the key's creation
	// permits remembers which key may call which product: see authorize.
	permits *store.Memo[permitKey, permit]
	limits  *limiter
	meter   *meter
}

// Options tune the gateway.
type Options struct {
	// RatePerSecond and Burst bound each API key's calls (token bucket);
	// defaults 200 and 400.
	RatePerSecond float64
	Burst         int
	// FlushCalls and FlushEvery flush the meter's batch by count or age;
	// defaults 1000 calls and 2 seconds.
	FlushCalls int
	FlushEvery time.Duration
	Log        *slog.Logger
	// Now is the service's clock, the store's by default. The demo gives
	// a past one to record a history of calls; nothing else should.
	Now func() time.Time
}

// New returns the product service. Close flushes the meter.
func New(db *store.DB, l *ledger.Ledger, ids *identity.Service, ags Agreements, grants Grants, rel Releases, ix Indexer, o Options) *Service {
	if o.RatePerSecond <= 0 {
		o.RatePerSecond = 200
	}
	if o.Burst <= 0 {
		o.Burst = 400
	}
	if o.FlushCalls <= 0 {
		o.FlushCalls = 1000
	}
	if o.FlushEvery <= 0 {
		o.FlushEvery = 2 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Now == nil {
		o.Now = db.Now
	}
	s := &Service{now: o.Now, db: db, ledger: l, ids: ids, agreements: ags, grants: grants, releases: rel, indexer: ix, log: o.Log,
		served: map[string]*served{}, limits: newLimiter(o.RatePerSecond, o.Burst),
		permits: store.NewMemo[permitKey, permit](db, 100_000)}
	s.meter = newMeter(s, o.FlushCalls, o.FlushEvery)
	return s
}

// Close flushes the meter's last batch and stops its timer.
func (s *Service) Close() error { return s.meter.close() }

// record appends a ledger entry for an act of p.
func (s *Service) record(ctx context.Context, tx *store.Tx, p access.Principal, action, objectType, id string, detail any) error {
	return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: action, ObjectType: objectType, ObjectID: id, Detail: detail})
}
