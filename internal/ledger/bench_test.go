package ledger

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

const benchBatch = 1000

// BenchmarkLedgerAppend appends in batches of 1,000 (one transaction and one
// signature each) on SQLite, and reports entries/s and the ratio against
// inserting the same rows into a plain table without hashing or signing, the
// baseline measured in the same run.
func BenchmarkLedgerAppend(b *testing.B) {
	db := storetest.New(b, store.SQLite, Migrations)
	ctx := context.Background()
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `CREATE TABLE plain AS SELECT * FROM ledger_entries WHERE 0 = 1`)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	l := newLedger(b, db, SuiteEd25519)
	recs := make([]Record, benchBatch)
	for i := range recs {
		recs[i] = Record{Actor: Actor{UserID: "0192f0c4-0000-7000-8000-000000000001", Name: "analyst", OrgID: "0192f0c4-0000-7000-8000-000000000002",
			JurisdictionID: "370700", IP: "10.0.0.8"}, Action: "sandbox.query", ObjectType: "grant",
			ObjectID: "0192f0c4-0000-7000-8000-000000000003", Detail: map[string]any{"sql_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "rows": 12}}
	}
	b.ResetTimer()
	start := time.Now()
	appended := 0
	for appended < b.N {
		n := min(benchBatch, b.N-appended)
		if err := db.InTx(ctx, func(tx *store.Tx) error { return l.Append(ctx, tx, recs[:n]...) }); err != nil {
			b.Fatal(err)
		}
		appended += n
	}
	elapsed := time.Since(start)
	b.StopTimer()

	base := plainInsert(b, db, b.N)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "entries/s")
	b.ReportMetric(elapsed.Seconds()/base.Seconds(), "ratio-vs-plain-insert")
}

func plainInsert(b *testing.B, db *store.DB, n int) time.Duration {
	ctx := context.Background()
	start := time.Now()
	for done := 0; done < n; done += benchBatch {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			stmt, err := tx.Prepare(ctx, `INSERT INTO plain VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for i := done; i < min(done+benchBatch, n); i++ {
				if _, err := stmt.ExecContext(ctx, i, 1, "0192f0c4-0000-7000-8000-000000000001", "analyst", "0192f0c4-0000-7000-8000-000000000002",
					"370700", "10.0.0.8", "sandbox.query", "grant", "0192f0c4-0000-7000-8000-000000000003",
					`{"rows":12,"sql_sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}`, make([]byte, 32), make([]byte, 32)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// BenchmarkLedgerVerify verifies a log of SHUYU_BENCH_LEDGER entries
// (default 1,000,000) on SQLite, with MACs, and reports the seconds for the
// whole log and entries/s.
func BenchmarkLedgerVerify(b *testing.B) {
	size := 1_000_000
	if s := os.Getenv("SHUYU_BENCH_LEDGER"); s != "" {
		var err error
		if size, err = strconv.Atoi(s); err != nil {
			b.Fatalf("SHUYU_BENCH_LEDGER: %v", err)
		}
	}
	db := storetest.New(b, store.SQLite, Migrations)
	l := newLedger(b, db, SuiteEd25519)
	fill(b, l, size, 5000)
	b.ResetTimer()
	var total time.Duration
	for b.Loop() {
		start := time.Now()
		rep, err := Verify(context.Background(), db, l.key, nil)
		if err != nil || rep.Size != int64(size) {
			b.Fatalf("verify: %+v, %v", rep, err)
		}
		total += time.Since(start)
	}
	per := total.Seconds() / float64(b.N)
	b.ReportMetric(per, "s/log")
	b.ReportMetric(float64(size)/per, "entries/s")
}
