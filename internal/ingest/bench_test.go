package ingest_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"shuyu/internal/app/apptest"
	"shuyu/internal/ingest"
	"shuyu/internal/store"
)

// BenchmarkIngestCSV ingests a 1,000,000-row CSV (the demo's
// social_insurance at five times its size, 84 MiB) through the whole upload
// path: spooling into the domain with hashing and the UTF-8 check, the
// engine's check of every value against the declared types while writing
// Parquet, hashing that, recording the version with its ledger entry, and
// the detector's sample. It reports ratio-vs-duckdb: that time divided by
// the time DuckDB alone, in this process and run, takes to COPY the same
// file to Parquet with read_csv's auto-detection. The goal is at most 1.5.
func BenchmarkIngestCSV(b *testing.B) {
	env := apptest.New(b, store.SQLite)
	ctx := context.Background()
	path, rows := demoCSV(b, "social_insurance", 5)
	p := principal(b, env, "provider-hrss")
	duck, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	defer duck.Close()
	duck.SetMaxOpenConns(1)
	for _, q := range []string{"SET threads = " + itoa(runtime.NumCPU()), "SET memory_limit = '1GB'"} {
		if _, err := duck.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	out := filepath.Join(b.TempDir(), "duckdb.parquet")
	var ours, theirs time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := duck.Exec(`COPY (SELECT * FROM read_csv(` + quote(path) + `)) TO ` + quote(out) + ` (FORMAT parquet)`); err != nil {
			b.Fatal(err)
		}
		theirs += time.Since(start)
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		res, err := env.App.Ingest.Upload(ctx, p, ingest.Upload{Dataset: "social_insurance", Body: f, Filename: filepath.Base(path)})
		ours += time.Since(start)
		f.Close()
		if err != nil || res.Version.Rows != rows {
			b.Fatalf("ingest: %+v, %v; want %d rows", res.Version, err, rows)
		}
	}
	b.ReportMetric(float64(ours)/float64(theirs), "ratio-vs-duckdb")
	b.ReportMetric(ours.Seconds()/float64(b.N), "shuyu-s/op")
	b.ReportMetric(theirs.Seconds()/float64(b.N), "duckdb-s/op")
}
