package domain

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"shuyu/internal/errs"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestCrashBetweenRenameAndCommit stops a write after its file reached
// datasets/ but before its record committed, the way a killed process
// would: the previous version stays current, and the next start removes
// the orphan file.
func TestCrashBetweenRenameAndCommit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := fixture(t, db)
		good := writeFile(t, d, "id,n,amount,day,ok\na,1,2.5,2026-01-02,true\n")
		v1, err := d.Store(ctx, ledger.System, Input{DatasetID: "ds", Columns: columns, Path: good})
		if err != nil {
			t.Fatal(err)
		}
		crash := func(context.Context, *store.Tx, Version) error { panic("killed") }
		func() {
			defer func() { recover() }()
			d.Store(ctx, ledger.System, Input{DatasetID: "ds", Columns: columns, Path: good, Record: crash})
		}()
		os.Remove(good)
		orphans, err := d.Leftovers(ctx)
		if err != nil || len(orphans) != 1 || filepath.Dir(orphans[0]) != filepath.Join("datasets", "ds") {
			t.Fatalf("after the crash: leftovers %v, %v; want the renamed file", orphans, err)
		}
		if cur, _ := d.Current(ctx, "ds"); cur.ID != v1.ID {
			t.Errorf("current is %s, want %s", cur.ID, v1.ID)
		}
		d.Close()
		d2, err := Open(ctx, d.dir, db, d.ledger, Limits{Memory: "256MB", Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer d2.Close()
		if left, err := d2.Leftovers(ctx); err != nil || len(left) != 0 {
			t.Errorf("after the next start: leftovers %v, %v", left, err)
		}
		if _, err := os.Stat(d2.path("ds", v1.ID)); err != nil {
			t.Errorf("the recorded version's file: %v", err)
		}
	}, append(migrations(), Migrations)...)
}

// TestRecordRefusal: a hook that refuses (a pull that lost its lease) keeps
// nothing of the version.
func TestRecordRefusal(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := fixture(t, db)
		src := writeFile(t, d, "id,n,amount,day,ok\na,1,2.5,2026-01-02,true\n")
		refuse := func(context.Context, *store.Tx, Version) error { return errs.E(errs.Conflict, "lost the lease") }
		_, err := d.Store(ctx, ledger.System, Input{DatasetID: "ds", Columns: columns, Path: src, Record: refuse})
		if !errs.Is(err, errs.Conflict) {
			t.Fatalf("store: %v, want the hook's conflict", err)
		}
		if _, err := d.Current(ctx, "ds"); !errs.Is(err, errs.NotFound) {
			t.Errorf("a refused version became current: %v", err)
		}
		os.Remove(src)
		if left, _ := d.Leftovers(ctx); len(left) != 0 {
			t.Errorf("leftovers %v", left)
		}
	}, append(migrations(), Migrations)...)
}
