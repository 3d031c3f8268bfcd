package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestMemo: a fact is kept until the next committed write transaction (but
// an unwatched one or a rolled back one), its own deadline or MemoTTL; one
// read before a commit is not kept at all; more than max start it again.
func TestMemo(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		m := store.NewMemo[string, int](db, 2)
		has := func(what, key string, want bool) {
			t.Helper()
			if v, ok := m.Get(key); ok != want || (ok && v != len(key)) {
				t.Fatalf("%s: Get(%q) = %d, %v; want kept %v", what, key, v, ok, want)
			}
		}
		commit := func(fn func(tx *store.Tx) error) error { return db.InTx(ctx, fn) }

		m.Put("a", db.Generation(), 1, time.Time{})
		has("put", "a", true)
		if err := commit(func(tx *store.Tx) error { tx.Unwatched(); return nil }); err != nil {
			t.Fatal(err)
		}
		has("after an unwatched commit", "a", true)
		if err := commit(func(*store.Tx) error { return errors.New("no") }); err == nil {
			t.Fatal("the rollback succeeded")
		}
		has("after a rollback", "a", true)
		gen := db.Generation()
		if err := commit(func(*store.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		has("after a commit", "a", false)
		m.Put("bb", gen, 2, time.Time{})
		has("read before the commit", "bb", false)

		m.Put("bb", db.Generation(), 2, now.Add(time.Second/2))
		now = now.Add(time.Second / 2)
		has("at its own deadline", "bb", false)
		m.Put("bb", db.Generation(), 2, time.Time{})
		now = now.Add(store.MemoTTL - time.Millisecond)
		has("just before MemoTTL", "bb", true)
		now = now.Add(time.Millisecond)
		has("at MemoTTL", "bb", false)

		m.Put("a", db.Generation(), 1, time.Time{})
		m.Put("bb", db.Generation(), 2, time.Time{})
		m.Put("ccc", db.Generation(), 3, time.Time{})
		has("over max, the newest", "ccc", true)
		has("over max, an older one", "a", false)
	})
}

// TestMemoConcurrentCommits: while readers keep putting what they read, a
// fact read before a commit is never returned once the commit is done.
func TestMemoConcurrentCommits(t *testing.T) {
	t.Parallel()
	db := storetest.New(t, store.SQLite)
	ctx := context.Background()
	m := store.NewMemo[string, uint64](db, 1000)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				gen := db.Generation()
				m.Put("fact", gen, gen, time.Time{})
			}
		})
	}
	for range 200 {
		if err := db.InTx(ctx, func(*store.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		done := db.Generation()
		if v, ok := m.Get("fact"); ok && v < done {
			t.Fatalf("after commit %d the memo returned a fact read at %d", done, v)
		}
	}
	close(stop)
	wg.Wait()
}
