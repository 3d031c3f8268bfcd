package quality_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/catalog"
	"shuyu/internal/demo"
	"shuyu/internal/domain"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/quality"
	"shuyu/internal/store"
)

// env is the quality service over a real store and domain, with the demo
// city's organizations and accounts, and a clock the test moves.
type env struct {
	db      *store.DB
	ledger  *ledger.Ledger
	ids     *identity.Service
	catalog *catalog.Service
	domain  *domain.Domain
	q       *quality.Service
	orgs    map[string]string
	// changes counts what the service told the inbox (Options.Changed).
	changes atomic.Int64

	mu  sync.Mutex
	now time.Time
}

func migrations() []store.Migrations {
	return []store.Migrations{ledger.Migrations, identity.Migrations, catalog.Migrations, domain.Migrations, quality.Migrations}
}

// shanghai returns a time given on the wall clock in Asia/Shanghai.
func shanghai(s string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, s, calendar.Shanghai())
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func newEnv(t testing.TB, db *store.DB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{db: db, now: shanghai("2026-01-01 09:00:00")}
	db.Now = e.clock
	key, _, err := ledger.LoadOrCreateKey(filepath.Join(t.TempDir(), "key.pem"), ledger.SuiteEd25519)
	if err != nil {
		t.Fatal(err)
	}
	if e.ledger, err = ledger.New(db, key, "test", ledger.MinRetention); err != nil {
		t.Fatal(err)
	}
	e.ids = identity.New(db, e.ledger, identity.Options{Argon2: identity.Argon2{MemoryKiB: 1024, Time: 1, Threads: 1}})
	res, err := demo.Seed(ctx, e.ids, "Test-Demo-Passw0rd")
	if err != nil {
		t.Fatal(err)
	}
	e.orgs = res.Orgs
	e.catalog = catalog.New(db, e.ledger, e.ids, catalog.DefaultScheme())
	if e.domain, err = domain.Open(ctx, t.TempDir(), db, e.ledger, domain.Limits{Memory: "256MB", Threads: 1}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.domain.Close() })
	e.q = quality.New(db, e.ledger, e.ids, e.catalog, e.domain, calendar.Default(),
		quality.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Changed: func() { e.changes.Add(1) }})
	return e
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

// at sets the clock to a Shanghai wall time.
func (e *env) at(s string) {
	e.mu.Lock()
	e.now = shanghai(s)
	e.mu.Unlock()
}

func (e *env) as(t testing.TB, username string) access.Principal {
	t.Helper()
	p, err := e.ids.PrincipalOf(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// entry creates a catalog entry of the commissioner's provider.
func (e *env) entry(t testing.TB, commissioner, name string, freq catalog.Frequency, privacyUnit string, fields ...catalog.Field) catalog.Dataset {
	t.Helper()
	title, inScope := name, true
	d, err := e.catalog.Create(context.Background(), e.as(t, commissioner), catalog.Input{Name: &name, Title: &title, Frequency: &freq,
		Fields: &fields, PrivacyUnit: &privacyUnit, InScope: &inScope})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// store keeps csv (header first) as the entry's next version.
func (e *env) store(t testing.TB, d catalog.Dataset, csv string) domain.Version {
	t.Helper()
	f, err := e.domain.TempFile("test-*.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(csv); err != nil {
		t.Fatal(err)
	}
	cols := make([]domain.Column, len(d.Fields))
	for i, fl := range d.Fields {
		cols[i] = domain.Column{Name: fl.Name, Type: string(fl.Type)}
	}
	v, err := e.domain.Store(context.Background(), ledger.System, domain.Input{DatasetID: d.ID, Columns: cols, Path: f.Name(),
		Source: domain.Source{Format: "csv", Encoding: "utf-8"}})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// field is a catalog field with a title, classified and graded.
func field(name string, typ catalog.FieldType, class string) catalog.Field {
	grade := map[string]string{"personal.identity": "general-4", "personal.name": "general-3"}[class]
	if grade == "" {
		grade = "general-1"
	}
	return catalog.Field{Name: name, Type: typ, Title: name, Classification: class, Grade: grade}
}
