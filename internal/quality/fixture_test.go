package quality_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"

	"shuyu/internal/calendar"
	"shuyu/internal/catalog"
	"shuyu/internal/demo/demotest"
	"shuyu/internal/domain"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/quality"
	"shuyu/internal/store"
)

// env is the quality service over a real store and domain, with the demo
// city's organizations and accounts, and a clock the test moves.
type env struct {
	*demotest.City
	catalog *catalog.Service
	domain  *domain.Domain
	q       *quality.Service
	// changes counts what the service told the inbox (Options.Changed).
	changes atomic.Int64
}

func migrations() []store.Migrations {
	return []store.Migrations{ledger.Migrations, identity.Migrations, catalog.Migrations, domain.Migrations, quality.Migrations}
}

func newEnv(t testing.TB, db *store.DB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{City: demotest.New(t, db, "2026-01-01 09:00:00")}
	e.catalog = catalog.New(db, e.Ledger, e.IDs, catalog.DefaultScheme())
	var err error
	if e.domain, err = domain.Open(ctx, t.TempDir(), db, e.Ledger, domain.Limits{Memory: "256MB", Threads: 1}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.domain.Close() })
	e.q = quality.New(db, e.Ledger, e.IDs, e.catalog, e.domain, calendar.Default(),
		quality.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Changed: func() { e.changes.Add(1) }})
	return e
}

// entry creates a catalog entry of the commissioner's provider.
func (e *env) entry(t testing.TB, commissioner, name string, freq catalog.Frequency, privacyUnit string, fields ...catalog.Field) catalog.Dataset {
	t.Helper()
	title, inScope := name, true
	d, err := e.catalog.Create(context.Background(), e.As(t, commissioner), catalog.Input{Name: &name, Title: &title, Frequency: &freq,
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
