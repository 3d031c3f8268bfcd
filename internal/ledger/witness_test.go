package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"

	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestWitnessesCatchRollbackAndRewrite shows what checkpoints kept outside
// the database add: a restored old copy, or a log rewritten by someone who
// holds the key, no longer matches what a witness saw.
func TestWitnessesCatchRollbackAndRewrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := storetest.DSN(t, store.SQLite)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, Migrations); err != nil {
		t.Fatal(err)
	}
	l := newLedger(t, db, SuiteEd25519)
	fill(t, l, 700, 100)
	// An administrator's backup, taken the way SQLite copies a live file.
	backup := filepath.Join(t.TempDir(), "backup.db")
	raw, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `VACUUM INTO '`+backup+`'`); err != nil {
		t.Fatal(err)
	}
	fill(t, l, 300, 100)
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The witness keeps the checkpoint as the API serves it, as JSON.
	saved, _ := json.Marshal(cp)
	var witness Checkpoint
	if err := json.Unmarshal(saved, &witness); err != nil {
		t.Fatal(err)
	}
	rep, err := VerifyWitnessed(ctx, db, l.key, []Checkpoint{witness}, nil)
	if err != nil || rep.Witnessed != 1 {
		t.Fatalf("the live log against its witness: %+v %v", rep, err)
	}

	restored, err := store.Open(ctx, backup)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if _, err := Verify(ctx, restored, l.key, nil); err != nil {
		t.Fatalf("the old copy verifies on its own, as expected: %v", err)
	}
	if _, err := VerifyWitnessed(ctx, restored, l.key, []Checkpoint{witness}, nil); !isFailure(err, 700) {
		t.Errorf("the restored copy against the witness: %v, want a failure at index 700", err)
	}

	// A rewrite with the key: another log of the same size, signed by the same key.
	other := storetest.New(t, store.SQLite, Migrations)
	forger, err := New(other, l.key, "test", MinRetention)
	if err != nil {
		t.Fatal(err)
	}
	fill(t, forger, 999, 1000)
	if err := other.InTx(ctx, func(tx *store.Tx) error {
		return forger.Append(ctx, tx, Record{Actor: System, Action: "test.innocent"})
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyWitnessed(ctx, other, l.key, []Checkpoint{witness}, nil); !isFailure(err, 0) {
		t.Errorf("a rewritten log against the witness: %v, want a failure", err)
	}
}
