package demotest

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/demo"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// Password is every demo account's password in tests.
const Password = "Test-Demo-Passw0rd"

// City is the demo city over a real store.
type City struct {
	DB     *store.DB
	Ledger *ledger.Ledger
	IDs    *identity.Service
	// Orgs maps demo organization keys (bureau, operator, finance, …) to IDs.
	Orgs map[string]string

	mu  sync.Mutex
	now time.Time
}

// Shanghai returns a time given on the wall clock in Asia/Shanghai.
func Shanghai(s string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, s, calendar.Shanghai())
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// New seeds the demo city into db (migrated with at least the ledger's and
// identity's schemas) with the clock at start, a Shanghai wall time.
// Passwords are hashed cheaply.
func New(tb testing.TB, db *store.DB, start string) *City {
	tb.Helper()
	c := &City{DB: db, now: Shanghai(start)}
	db.Now = c.Clock
	key, _, err := ledger.LoadOrCreateKey(filepath.Join(tb.TempDir(), "key.pem"), ledger.SuiteEd25519)
	if err != nil {
		tb.Fatal(err)
	}
	if c.Ledger, err = ledger.New(db, key, "test", ledger.MinRetention); err != nil {
		tb.Fatal(err)
	}
	c.IDs = identity.New(db, c.Ledger, identity.Options{Argon2: identity.Argon2{MemoryKiB: 1024, Time: 1, Threads: 1}})
	res, err := demo.Seed(context.Background(), c.IDs, Password)
	if err != nil {
		tb.Fatal(err)
	}
	c.Orgs = res.Orgs
	return c
}

// Clock is the city's clock (the store's Now).
func (c *City) Clock() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// At sets the clock to a Shanghai wall time.
func (c *City) At(s string) {
	c.mu.Lock()
	c.now = Shanghai(s)
	c.mu.Unlock()
}

// Advance moves the clock on by d.
func (c *City) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// As returns the principal of a demo account.
func (c *City) As(tb testing.TB, username string) access.Principal {
	tb.Helper()
	p, err := c.IDs.PrincipalOf(context.Background(), username)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
