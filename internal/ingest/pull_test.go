package ingest_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	_ "github.com/go-sql-driver/mysql" // the test sets up MariaDB tables with it

	"shuyu/internal/app/apptest"
	"shuyu/internal/errs"
	"shuyu/internal/ingest"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// Source databases on this machine (trust authentication on PostgreSQL,
// so any password passes; root without one on MariaDB).
const (
	pgSource    = "postgres://postgres:s3cret-pw@127.0.0.1:5432/test?sslmode=disable"
	mysqlSource = "mysql://root@127.0.0.1:3306/test?tls=false"
)

// sourceTable creates a table on a source database, dropped when t ends,
// with the test entry's columns (name as full_name), one more, and two rows.
func sourceTable(t *testing.T, driver string) string {
	t.Helper()
	admin := map[string][2]string{
		ingest.Postgres: {"pgx", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"},
		ingest.MySQL:    {"mysql", "root@tcp(127.0.0.1:3306)/test"},
	}[driver]
	db, err := sql.Open(admin[0], admin[1])
	if err == nil {
		err = db.Ping()
	}
	if err != nil {
		if os.Getenv("SHUYU_REQUIRE_SOURCES") != "" { // CI starts them: a missing one is a failure there
			t.Fatalf("no %s source database on this machine: %v", driver, err)
		}
		t.Skipf("no %s source database on this machine: %v", driver, err)
	}
	b := make([]byte, 4)
	rand.Read(b)
	table := "pull_" + hex.EncodeToString(b)
	for _, q := range []string{
		`CREATE TABLE ` + table + ` (id INTEGER, full_name VARCHAR(40), day DATE, n BIGINT, amount DECIMAL(12, 2), note VARCHAR(10))`,
		`INSERT INTO ` + table + ` VALUES (1, '张三', '2026-01-02', 7, 12.50, 'x'), (2, '刘䶮', NULL, 8, NULL, NULL)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		db.Exec(`DROP TABLE IF EXISTS ` + table)
		db.Close()
	})
	return table
}

// pulls is an ingest service over env that may reach this machine's
// databases, logging into log.
func pulls(t *testing.T, env *apptest.Env, log *bytes.Buffer) *ingest.Service {
	t.Helper()
	key, _, err := ingest.LoadOrCreateKey(env.App.Config.SourceKey) // shared, as serve processes share it
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := ingest.NewSealer(key, false)
	if err != nil {
		t.Fatal(err)
	}
	return ingest.New(env.App.Catalog, env.App.Domain, env.App.Identity, ingest.Options{DB: env.App.DB, Ledger: env.App.Ledger,
		Sealer: sealer, PullAllow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, Log: slog.New(slog.NewTextHandler(log, nil))})
}

// TestPull configures a source on each source database, pulls from it on
// schedule, and checks that the DSN's password appears nowhere.
func TestPull(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, store.SQLite)
	ctx := context.Background()
	var log bytes.Buffer
	svc := pulls(t, env, &log)
	p := principal(t, env, "provider-hrss")
	for _, c := range []struct{ driver, dsn string }{{ingest.Postgres, pgSource}, {ingest.MySQL, mysqlSource}} {
		t.Run(c.driver, func(t *testing.T) {
			table := sourceTable(t, c.driver)
			entry := newEntry(t, env, "pulled_"+c.driver)
			in := ingest.SourceInput{Driver: c.driver, DSN: c.dsn, Table: table, Columns: map[string]string{"name": "full_name"}, Interval: "24h"}
			src, err := svc.CreateSource(ctx, p, entry.Name, in)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(src.DSN, "s3cret") || !strings.Contains(src.DSN, "127.0.0.1") {
				t.Errorf("source shows DSN %q", src.DSN)
			}
			if n, err := svc.PullDue(ctx); err != nil || n != 1 {
				t.Fatalf("first pull: %d, %v", n, err)
			}
			if n, _ := svc.PullDue(ctx); n != 0 {
				t.Errorf("a second look pulled %d more; the next pull is due in 24h", n)
			}
			srcs, err := svc.Sources(ctx, p, entry.Name)
			if err != nil || len(srcs) != 1 || srcs[0].LastSuccessAt == nil || srcs[0].LastError != "" || srcs[0].LastVersionID == "" {
				t.Fatalf("after the pull: %+v, %v", srcs, err)
			}
			v, err := env.App.Domain.Current(ctx, entry.ID)
			if err != nil || v.ID != srcs[0].LastVersionID || v.Rows != 2 || v.SourceFormat != c.driver {
				t.Fatalf("version %+v, %v", v, err)
			}
			sample, _ := env.App.Domain.Sample(ctx, v, []string{"name"}, 10)
			if got := slices.Sorted(slices.Values(sample["name"])); !slices.Equal(got, []string{"刘䶮", "张三"}) {
				t.Errorf("names pulled: %q", got)
			}
			if _, err := svc.DeleteSource(ctx, p, entry.Name, src.ID); err != nil {
				t.Fatal(err)
			}
			if srcs, _ := svc.Sources(ctx, p, entry.Name); len(srcs) != 0 {
				t.Errorf("a deleted source is listed: %+v", srcs)
			}
		})
	}
	if strings.Contains(log.String(), "s3cret") {
		t.Errorf("the log holds the password: %s", log.String())
	}
	assertNoSecret(t, env, "s3cret")
}

// assertNoSecret checks that no ledger entry and no column of the sources
// table holds secret in the clear.
func assertNoSecret(t *testing.T, env *apptest.Env, secret string) {
	t.Helper()
	ctx := context.Background()
	entries, err := env.App.Ledger.Entries(ctx, ledger.Filter{ActionPrefix: "dataset.", Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(string(e.Detail), secret) {
			t.Errorf("ledger entry %d holds the password: %s", e.Index, e.Detail)
		}
	}
	rows, err := env.App.DB.Query(ctx, `SELECT dsn_sealed, dsn_redacted FROM ingest_sources`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var sealed []byte
		var redacted string
		rows.Scan(&sealed, &redacted)
		if bytes.Contains(sealed, []byte(secret)) || strings.Contains(redacted, secret) {
			t.Errorf("the sources table holds the password")
		}
	}
}

// TestPullRefusals: sources that do not fit the entry, and DSNs and tables
// that would reach what a commissioner must not, are refused before any
// row is read.
func TestPullRefusals(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, store.SQLite)
	ctx := context.Background()
	svc := pulls(t, env, &bytes.Buffer{})
	p := principal(t, env, "provider-hrss")
	entry := newEntry(t, env, "refusals")
	table := sourceTable(t, ingest.Postgres)
	ok := ingest.SourceInput{Driver: ingest.Postgres, DSN: pgSource, Table: table, Columns: map[string]string{"name": "full_name"}, Interval: "1h"}
	for _, c := range []struct {
		name    string
		change  func(*ingest.SourceInput)
		message string
	}{
		{"missing column", func(in *ingest.SourceInput) { in.Columns = nil }, `the table has no column "name"`},
		{"wrong type", func(in *ingest.SourceInput) { in.Columns["day"] = "n" }, "column \"n\" is of type INT8, which cannot become date"},
		{"unknown field", func(in *ingest.SourceInput) { in.Columns["nope"] = "id" }, `"nope" is not a field`},
		{"no such table", func(in *ingest.SourceInput) { in.Table = "nowhere" }, "nowhere"},
		{"system catalog", func(in *ingest.SourceInput) { in.Table = "pg_catalog.pg_authid" }, "own catalog"},
		{"injection", func(in *ingest.SourceInput) { in.Table = `t"; DROP TABLE x; --` }, "not a plain name"},
		{"short interval", func(in *ingest.SourceInput) { in.Interval = "10s" }, "at least 1m0s"},
		{"unknown driver", func(in *ingest.SourceInput) { in.Driver = "sqlite" }, "want postgres or mysql"},
		{"driver and scheme differ", func(in *ingest.SourceInput) { in.Driver = ingest.MySQL }, "needs a mysql:// URL"},
		{"file parameter", func(in *ingest.SourceInput) { in.DSN = pgSource + "&sslrootcert=/etc/shadow" }, `"sslrootcert" is not accepted`},
		{"socket host", func(in *ingest.SourceInput) { in.DSN = "postgres://postgres@%2Ftmp/test" }, "dsn:"},
		{"host parameter", func(in *ingest.SourceInput) { in.DSN = "postgres://postgres@127.0.0.1/test?host=/tmp" }, `"host" is not accepted`},
		{"no host", func(in *ingest.SourceInput) { in.DSN = "postgres:///test" }, "want a URL"},
		{"key=value form", func(in *ingest.SourceInput) { in.DSN = "host=127.0.0.1 user=postgres dbname=test" }, "want a URL"},
		{"mysql local files", func(in *ingest.SourceInput) {
			in.Driver, in.DSN = ingest.MySQL, "mysql://root@127.0.0.1/test?allowAllFiles=true"
		}, `"allowAllFiles" is not accepted`},
		{"outside the allowed networks", func(in *ingest.SourceInput) { in.DSN = "postgres://postgres@169.254.169.254/test?sslmode=disable" },
			"outside the networks allowed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := ok
			in.Columns = map[string]string{"name": "full_name"}
			c.change(&in)
			_, err := svc.CreateSource(ctx, p, entry.Name, in)
			if code, msg, _ := errs.Public(err); code != errs.Invalid || !strings.Contains(msg, c.message) {
				t.Errorf("%s %q, want invalid with %q", code, msg, c.message)
			}
		})
	}
	// The platform's own defaults keep sources off this machine.
	_, err := env.App.Ingest.CreateSource(ctx, p, entry.Name, ok)
	if code, msg, _ := errs.Public(err); code != errs.Invalid || !strings.Contains(msg, "is this machine") {
		t.Errorf("loopback with the default networks: %s %q", code, msg)
	}
	// Another provider's commissioner may not configure this entry's sources.
	if _, err := svc.CreateSource(ctx, principal(t, env, "provider-amr"), entry.Name, ok); !errs.Is(err, errs.Forbidden) {
		t.Errorf("another provider: %v", err)
	}
	if srcs, _ := svc.Sources(ctx, p, entry.Name); len(srcs) != 0 {
		t.Errorf("refused sources were kept: %+v", srcs)
	}
}

// TestPullFailureAndLease: a failing pull is recorded on its source and in
// the ledger and leaves the current version; a pull held by another
// process is not run twice; several processes looking for due pulls at once
// make one version.
func TestPullFailureAndLease(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			testFailureAndLease(t, apptest.New(t, d))
		})
	}
}

func testFailureAndLease(t *testing.T, env *apptest.Env) {
	ctx := context.Background()
	svc := pulls(t, env, &bytes.Buffer{})
	p := principal(t, env, "provider-hrss")
	entry := newEntry(t, env, "leased")
	table := sourceTable(t, ingest.Postgres)
	src, err := svc.CreateSource(ctx, p, entry.Name, ingest.SourceInput{Driver: ingest.Postgres, DSN: pgSource, Table: table,
		Columns: map[string]string{"name": "full_name"}, Interval: "1h"})
	if err != nil {
		t.Fatal(err)
	}
	// Four processes look at once: one pulls.
	others := []*ingest.Service{svc, pulls(t, env, &bytes.Buffer{}), pulls(t, env, &bytes.Buffer{}), pulls(t, env, &bytes.Buffer{})}
	var wg sync.WaitGroup
	for _, o := range others {
		wg.Go(func() { o.PullDue(ctx) })
	}
	wg.Wait()
	vs, _ := env.App.Domain.Versions(ctx, entry.ID)
	if len(vs) != 1 {
		srcs, _ := svc.Sources(ctx, p, entry.Name)
		t.Fatalf("%d versions after four processes looked at once, want 1; source %+v", len(vs), srcs)
	}
	// Held by another process: refused, not run.
	hold := func(until string) {
		if err := env.App.DB.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE ingest_sources SET lease_owner = 'elsewhere', lease_until = `+until+` WHERE id = $1`, src.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	hold(`'2999-01-01 00:00:00+00:00'`)
	if _, err := svc.PullNow(ctx, p, entry.Name, src.ID); !errs.Is(err, errs.Conflict) {
		t.Errorf("pull now while another process pulls: %v, want a conflict", err)
	}
	hold(`NULL`)
	// The table disappears: the pull fails, is recorded, and keeps the version.
	sourceDB, _ := sql.Open("pgx", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	defer sourceDB.Close()
	if _, err := sourceDB.Exec(`DROP TABLE ` + table); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PullNow(ctx, p, entry.Name, src.ID); !errs.Is(err, errs.Unavailable) {
		t.Errorf("pull from a dropped table: %v, want unavailable", err)
	}
	srcs, _ := svc.Sources(ctx, p, entry.Name)
	if len(srcs) != 1 || srcs[0].Failures != 1 || !strings.Contains(srcs[0].LastError, table) || srcs[0].Running {
		t.Errorf("source after the failure: %+v", srcs)
	}
	if entries, _ := env.App.Ledger.Entries(ctx, ledger.Filter{ActionPrefix: "dataset.pull.fail", Limit: 5}); len(entries) != 1 {
		t.Errorf("%d ledger entries of the failure, want 1", len(entries))
	}
	assertKept(t, env, entry.ID, vs[0], 1)
}
