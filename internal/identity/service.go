package identity

import (
	"context"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// Options tunes a Service; zero fields take the defaults.
type Options struct {
	Argon2         Argon2
	SessionTTL     time.Duration // console sessions; default 12 hours
	TokenTTL       time.Duration // API bearer tokens; default 12 hours
	AccountLimit   int           // failed logins per account before a lock; default 5
	AddressLimit   int           // failed logins per address before a lock; default 20
	ThrottleWindow time.Duration // the window failures are counted in, and the lock's length; default 15 minutes
}

func (o Options) withDefaults() Options {
	if o.Argon2 == (Argon2{}) {
		o.Argon2 = DefaultArgon2
	}
	if o.SessionTTL == 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.TokenTTL == 0 {
		o.TokenTTL = 12 * time.Hour
	}
	if o.AccountLimit == 0 {
		o.AccountLimit = 5
	}
	if o.AddressLimit == 0 {
		o.AddressLimit = 20
	}
	if o.ThrottleWindow == 0 {
		o.ThrottleWindow = 15 * time.Minute
	}
	return o
}

// Service manages identities. Its exported methods are transaction
// boundaries; each takes the principal asking and checks it with access.
type Service struct {
	db     *store.DB
	ledger *ledger.Ledger
	hasher *hasher
	opts   Options
	// dummyHash is checked when a login names no user, so that answering
	// takes as long as for a real one and does not reveal which names exist.
	dummyHash string
	// keys keeps the principals of API keys by the key's hash, for the
	// gateway's calls: forgotten at this process's next commit (a
	// revocation, an organization disabled), kept store.MemoTTL at most.
	keys *store.Memo[string, access.Principal]
}

// New returns the identity service over db, recording to l.
func New(db *store.DB, l *ledger.Ledger, opts Options) *Service {
	opts = opts.withDefaults()
	s := &Service{db: db, ledger: l, hasher: newHasher(opts.Argon2), opts: opts, keys: store.NewMemo[string, access.Principal](db, 100_000)}
	s.dummyHash, _ = s.hasher.hash(context.Background(), RandomPassword())
	return s
}

// record appends one ledger entry for an act of p inside tx.
func (s *Service) record(ctx context.Context, tx *store.Tx, p access.Principal, action, objectType, objectID string, detail any) error {
	return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: action, ObjectType: objectType, ObjectID: objectID, Detail: detail})
}
