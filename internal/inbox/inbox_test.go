package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/inbox"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func shanghai(s string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, s, calendar.Shanghai())
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// People of two organizations: the bureau's officer and reviewer, the
// operator's manager and analyst.
var (
	officer  = access.Principal{UserID: "u-officer", OrgID: "bureau", Roles: []access.Role{access.RoleOfficer}}
	reviewer = access.Principal{UserID: "u-reviewer", OrgID: "bureau", Roles: []access.Role{access.RoleReviewer, access.RoleOrgAdmin}}
	manager  = access.Principal{UserID: "u-manager", OrgID: "operator", Roles: []access.Role{access.RoleOperatorManager}}
	analyst  = access.Principal{UserID: "u-analyst", OrgID: "operator", Roles: []access.Role{access.RoleAnalyst}}
)

func item(kind, id, org string, due string, roles ...access.Role) inbox.Item {
	it := inbox.Item{Kind: kind, ObjectType: strings.Split(kind, ".")[0], ObjectID: id, Title: kind + " " + id, OrgID: org, Roles: roles, Path: "/console/x/" + id}
	if due != "" {
		it.DueAt = shanghai(due)
	}
	return it
}

func source(items ...inbox.Item) inbox.Source {
	return func(context.Context) ([]inbox.Item, error) { return items, nil }
}

// TestReadMine gathers two sources and reads each person's inbox: exactly
// their organization's items addressed to a role they hold, to no role, or
// to them; earliest deadline first, none last; overdue marked against the
// clock when read; pages that add up to the whole; counts by kind.
func TestReadMine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := shanghai("2026-05-06 09:00:00")
		db.Now = func() time.Time { return now }
		s := inbox.New(db, inbox.Options{Log: quiet})
		s.Register("evaluation", source(
			item("evaluation.answer", "e1", "operator", "2026-05-20 23:59:59", access.RoleOperatorManager),
			item("evaluation.score", "e2", "bureau", "", access.RoleReviewer),
			item("evaluation.finalise", "e3", "bureau", "", access.RoleOfficer),
			item("rectification.review", "r1", "bureau", "2026-05-06 08:00:00", access.RoleOfficer, access.RoleReviewer),
			item("rectification.submit", "r2", "operator", "2026-04-30 23:59:59", access.RoleOperatorManager),
		))
		decide := item("ticket.decide", "t1", "operator", "")
		decide.UserID = "u-analyst"
		s.Register("quality", source(decide, item("ticket.answer", "t2", "operator", "2026-05-07 23:59:59"),
			item("ticket.answer", "t3", "hrss", "2026-05-01 23:59:59", access.RoleCommissioner)))
		if took, err := s.Gather(ctx, "p1"); !took || err != nil {
			t.Fatalf("gather: %v, %v", took, err)
		}
		read := func(p access.Principal, f inbox.Filter, limit int) []string {
			t.Helper()
			var out []string
			page := store.NewPage(limit, "")
			for {
				items, next, err := s.Items(ctx, p, f, page)
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range items {
					mark := ""
					if it.Overdue {
						mark = "!"
					}
					out = append(out, it.ObjectID+mark)
				}
				if next == "" {
					return out
				}
				page.After = next
			}
		}
		for _, tc := range []struct {
			who  access.Principal
			want string
		}{
			{officer, "r1! e3"},
			{reviewer, "r1! e2"},
			{manager, "r2! t2 e1"},
			{analyst, "t2 t1"},
		} {
			for _, limit := range []int{1, 2, 50} {
				if got := strings.Join(read(tc.who, inbox.Filter{}, limit), " "); got != tc.want {
					t.Errorf("%s, pages of %d: %s, want %s", tc.who.UserID, limit, got, tc.want)
				}
			}
		}
		if got := strings.Join(read(manager, inbox.Filter{Overdue: true}, 50), " "); got != "r2!" {
			t.Errorf("the manager's overdue items: %s", got)
		}
		if got := strings.Join(read(manager, inbox.Filter{Kind: "ticket.answer"}, 50), " "); got != "t2" {
			t.Errorf("the manager's ticket answers: %s", got)
		}
		now = shanghai("2026-05-08 00:00:00") // a day and a half later, nothing gathered since
		if got := strings.Join(read(manager, inbox.Filter{}, 50), " "); got != "r2! t2! e1" {
			t.Errorf("later, the manager's items: %s; want t2 overdue too", got)
		}
		c, err := s.Counts(ctx, manager)
		if err != nil || c.Total != 3 || c.Overdue != 2 || c.ByKind["evaluation.answer"] != 1 || c.ByKind["ticket.answer"] != 1 || c.GatheredAt == nil {
			t.Errorf("counts: %+v, %v", c, err)
		}
		for _, p := range []access.Principal{{}, {APIKeyID: "k", OrgID: "operator"}} {
			if _, _, err := s.Items(ctx, p, inbox.Filter{}, store.NewPage(0, "")); !errs.Is(err, errs.Unauthenticated) && !errs.Is(err, errs.Forbidden) {
				t.Errorf("an inbox for %+v: %v; want a refusal", p, err)
			}
		}
		if _, _, err := s.Items(ctx, manager, inbox.Filter{}, store.NewPage(10, "garbage")); !errs.Is(err, errs.Invalid) {
			t.Errorf("a made-up cursor: %v", err)
		}
	}, inbox.Migrations)
}

// TestFailingSourceKeepsItems: a source that fails keeps what it listed
// last time, while the others are gathered anew.
func TestFailingSourceKeepsItems(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := inbox.New(db, inbox.Options{Log: quiet})
		var (
			mu       sync.Mutex
			broken   bool
			fromGood = []inbox.Item{item("evaluation.score", "e1", "bureau", "")}
		)
		s.Register("good", func(context.Context) ([]inbox.Item, error) { mu.Lock(); defer mu.Unlock(); return fromGood, nil })
		s.Register("flaky", func(context.Context) ([]inbox.Item, error) {
			mu.Lock()
			defer mu.Unlock()
			if broken {
				return nil, errors.New("flaky: database gone")
			}
			return []inbox.Item{item("evaluation.finalise", "e9", "bureau", "")}, nil
		})
		gather := func() []string {
			t.Helper()
			if took, err := s.Gather(ctx, "p1"); !took || err != nil {
				t.Fatalf("gather: %v %v", took, err)
			}
			items, _, err := s.Items(ctx, officer, inbox.Filter{}, store.NewPage(0, ""))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, it := range items {
				ids = append(ids, it.ObjectID)
			}
			slices.Sort(ids)
			return ids
		}
		gather()
		mu.Lock()
		broken, fromGood = true, []inbox.Item{item("evaluation.score", "e2", "bureau", "")}
		mu.Unlock()
		if got := strings.Join(gather(), " "); got != "e2 e9" {
			t.Errorf("after a failing gathering the officer sees %s; want e2 (new) and e9 (kept)", got)
		}
	}, inbox.Migrations)
}

// TestOneGathererAtATime: while one process gathers, another does not
// start; it gathers once the first has finished.
func TestOneGathererAtATime(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			a, b := twoProcesses(t, d)
			entered, release := make(chan struct{}), make(chan struct{})
			sa, sb := inbox.New(a, inbox.Options{Log: quiet}), inbox.New(b, inbox.Options{Log: quiet})
			sa.Register("slow", func(context.Context) ([]inbox.Item, error) {
				close(entered)
				<-release
				return []inbox.Item{item("evaluation.score", "a", "bureau", "")}, nil
			})
			sb.Register("quick", source(item("evaluation.score", "b", "bureau", "")))
			done := make(chan error)
			go func() {
				took, err := sa.Gather(ctx, "process-a")
				if err == nil && !took {
					err = errors.New("process a did not gather")
				}
				done <- err
			}()
			<-entered
			if took, err := sb.Gather(ctx, "process-b"); took || err != nil {
				t.Errorf("process b while a gathers: %v, %v; want it to stand aside", took, err)
			}
			close(release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if took, err := sb.Gather(ctx, "process-b"); !took || err != nil {
				t.Errorf("process b after a: %v, %v; want it to gather", took, err)
			}
			items, _, err := sa.Items(ctx, officer, inbox.Filter{}, store.NewPage(0, ""))
			if err != nil || len(items) != 1 || items[0].ObjectID != "b" {
				t.Errorf("items: %+v, %v; want b's snapshot only", items, err)
			}
		})
	}
}

// TestConcurrentGatherers runs two processes' gatherers at once, over and
// over, on one database, while a reader reads: every read sees one whole
// snapshot (all items of the same gathering), and in the end one snapshot
// is left.
func TestConcurrentGatherers(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			a, b := twoProcesses(t, d)
			const n = 120
			var (
				mu  sync.Mutex
				gen int
			)
			// Both processes list the same pending things; each gathering
			// stamps its titles, so a read mixing two gatherings shows.
			list := func(context.Context) ([]inbox.Item, error) {
				mu.Lock()
				gen++
				g := gen
				mu.Unlock()
				items := make([]inbox.Item, n)
				for i := range items {
					items[i] = item("evaluation.score", fmt.Sprint(i), "bureau", "")
					items[i].Title = fmt.Sprint("gathering ", g)
				}
				time.Sleep(5 * time.Millisecond)
				return items, nil
			}
			var wg sync.WaitGroup
			gathered := make([]int, 2)
			for i, db := range []*store.DB{a, b} {
				s := inbox.New(db, inbox.Options{Log: quiet})
				s.Register("evaluation", list)
				wg.Go(func() {
					for range 15 {
						took, err := s.Gather(ctx, fmt.Sprint("process-", i))
						if err != nil {
							t.Error(err)
							return
						}
						if took {
							gathered[i]++
						}
						time.Sleep(time.Duration(rand.IntN(8)) * time.Millisecond) // let the other have a turn
					}
				})
			}
			stop := make(chan struct{})
			readerDone := make(chan struct{})
			reader := inbox.New(a, inbox.Options{Log: quiet})
			go func() {
				defer close(readerDone)
				for {
					select {
					case <-stop:
						return
					default:
					}
					items, _, err := reader.Items(ctx, reviewer, inbox.Filter{}, store.NewPage(store.MaxPageSize, ""))
					if err != nil {
						t.Error(err)
						return
					}
					titles := map[string]bool{}
					for _, it := range items {
						titles[it.Title] = true
					}
					if (len(items) != 0 && len(items) != n) || len(titles) > 1 {
						t.Errorf("a read saw %d items from %d gatherings; want %d from one", len(items), len(titles), n)
						return
					}
				}
			}()
			wg.Wait()
			close(stop)
			<-readerDone
			if gathered[0]+gathered[1] == 0 {
				t.Fatal("nobody gathered")
			}
			var rows, snapshots int
			if err := a.QueryRow(ctx, `SELECT COUNT(*), COUNT(DISTINCT snapshot_id) FROM inbox_items`).Scan(&rows, &snapshots); err != nil {
				t.Fatal(err)
			}
			if rows != n || snapshots != 1 {
				t.Errorf("in the end: %d rows in %d snapshots; want %d in 1", rows, snapshots, n)
			}
			t.Logf("gatherings: process 0 %d, process 1 %d", gathered[0], gathered[1])
		})
	}
}

// twoProcesses opens one migrated database twice, as two serve processes would.
func twoProcesses(t *testing.T, d store.Dialect) (*store.DB, *store.DB) {
	t.Helper()
	dsn := storetest.DSN(t, d)
	var dbs []*store.DB
	for range 2 {
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	if _, err := dbs[0].Migrate(context.Background(), inbox.Migrations); err != nil {
		t.Fatal(err)
	}
	return dbs[0], dbs[1]
}

// TestRunGathersAfterTouch: the job gathers at start, then again shortly
// after a change is announced.
func TestRunGathersAfterTouch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var (
			mu    sync.Mutex
			items = []inbox.Item{item("evaluation.score", "e1", "bureau", "")}
		)
		s := inbox.New(db, inbox.Options{Log: quiet, Settle: 10 * time.Millisecond, Retry: 20 * time.Millisecond})
		s.Register("evaluation", func(context.Context) ([]inbox.Item, error) {
			mu.Lock()
			defer mu.Unlock()
			return slices.Clone(items), nil
		})
		ctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { s.Run(ctx); close(done) }()
		defer func() { cancel(); <-done }()
		waitFor := func(want int) {
			t.Helper()
			deadline := time.Now().Add(10 * time.Second)
			for {
				c, err := s.Counts(ctx, reviewer)
				if err != nil {
					t.Fatal(err)
				}
				if c.Total == want {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("the reviewer has %d items, want %d", c.Total, want)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		waitFor(1)
		mu.Lock()
		items = append(items, item("evaluation.score", "e2", "bureau", ""))
		mu.Unlock()
		s.Touch()
		waitFor(2)
	}, inbox.Migrations)
}
