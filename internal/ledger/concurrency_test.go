package ledger

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestAppendFromSeveralProcesses appends through several store handles on
// one database at once, as several shuyu processes sharing one PostgreSQL
// would: the head lock must serialize them into one verifiable log.
func TestAppendFromSeveralProcesses(t *testing.T) {
	t.Parallel()
	const handles, txs = 4, 25
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			key, err := GenerateKey(SuiteEd25519)
			if err != nil {
				t.Fatal(err)
			}
			ledgers := make([]*Ledger, handles)
			for i := range ledgers {
				db, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if _, err := db.Migrate(ctx, Migrations); err != nil {
					t.Fatal(err)
				}
				if ledgers[i], err = New(db, key, "test", MinRetention); err != nil {
					t.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			errc := make(chan error, handles)
			for p, l := range ledgers {
				wg.Go(func() {
					for i := range txs {
						recs := make([]Record, 1+i%5) // 3 per transaction on average
						for j := range recs {
							recs[j] = Record{Actor: System, Action: "test.concurrent", ObjectID: fmt.Sprintf("%d/%d/%d", p, i, j)}
						}
						if err := l.db.InTx(ctx, func(tx *store.Tx) error { return l.Append(ctx, tx, recs...) }); err != nil {
							errc <- fmt.Errorf("process %d, transaction %d: %w", p, i, err)
							return
						}
					}
				})
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Error(err)
			}
			rep, err := Verify(ctx, ledgers[0].db, key, nil)
			if err != nil {
				t.Fatal(err)
			}
			if want := int64(handles * txs * 3); rep.Size != want {
				t.Errorf("log of %d entries, want %d", rep.Size, want)
			}
		})
	}
}

// TestVerifyWhileAppending verifies a log that grows meanwhile, as
// `shuyu ledger verify` does beside a running server: entries committed after
// Verify read the head are not tampering.
func TestVerifyWhileAppending(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := newLedger(t, db, SuiteEd25519)
		fill(t, l, 2000, 1000)
		stop := make(chan struct{})
		done := make(chan error)
		go func() {
			for {
				select {
				case <-stop:
					close(done)
					return
				default:
				}
				if err := db.InTx(ctx, func(tx *store.Tx) error { return l.Append(ctx, tx, Record{Action: "test.live"}) }); err != nil {
					done <- err
					return
				}
			}
		}()
		for range 5 {
			if _, err := Verify(ctx, db, l.key, nil); err != nil {
				t.Errorf("Verify during appends: %v", err)
			}
		}
		close(stop)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}, Migrations)
}
