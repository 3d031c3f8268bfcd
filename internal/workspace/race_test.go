package workspace_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"shuyu/internal/agreement"
	"shuyu/internal/errs"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
	"shuyu/internal/workspace"
)

// TestExitDuringQuery: a query admitted before the agreement's exit and
// answered after it is refused, and leaves nothing behind: no history
// entry, no release, no result in the domain outside the deletion record.
func TestExitDuringQuery(t *testing.T) {
	duringQuery(t, func(f *fixture) error {
		_, err := f.env.App.Agreements.Terminate(context.Background(), principal(t, f.env, "bureau"), f.agreement,
			agreement.EndInput{Code: agreement.EarlyTermination, Reason: "运营单位申请提前终止"})
		return err
	})
}

// TestRevokeDuringQuery: a grant revoked while a query of it runs runs
// nothing from that instant: the answer is refused and nothing is kept.
func TestRevokeDuringQuery(t *testing.T) {
	duringQuery(t, func(f *fixture) error {
		_, err := f.env.App.Demands.RevokeGrant(context.Background(), principal(t, f.env, "bureau"), f.grants[sandbox.Aggregate], "分析师违规")
		return err
	})
}

// duringQuery runs end while a query of the aggregate grant waits inside
// the sandbox, past the workspace's checks, and then lets the query go on.
// PostgreSQL only: the test holds the grant's limiter row to keep the
// query there (SQLite's single writer would hold end too).
func duringQuery(t *testing.T, end func(*fixture) error) {
	if os.Getenv("SHUYU_TEST_POSTGRES") == "" {
		t.Skip("SHUYU_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	f := newFixture(t, store.Postgres)
	db, grant := f.env.App.DB, f.grants[sandbox.Aggregate]
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO workspace_limit_locks (grant_id) VALUES ($1) ON CONFLICT (grant_id) DO NOTHING`, grant)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	release, held := make(chan struct{}), make(chan struct{})
	go db.InTx(ctx, func(tx *store.Tx) error {
		var id string
		err := tx.QueryRow(ctx, `SELECT grant_id FROM workspace_limit_locks WHERE grant_id = $1 FOR UPDATE`, grant).Scan(&id)
		close(held)
		<-release
		return err
	})
	<-held
	type result struct {
		ans workspace.Answer
		err error
	}
	done := make(chan result)
	go func() {
		ans, err := f.ws.Run(ctx, principal(t, f.env, "analyst"), grant, "SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district")
		done <- result{ans, err}
	}()
	for waiting := 0; waiting == 0; {
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM pg_locks WHERE NOT granted AND pid IN
			(SELECT pid FROM pg_locks WHERE locktype = 'tuple' AND relation = 'workspace_limit_locks'::regclass)`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := end(f); err != nil {
		t.Fatal(err)
	}
	close(release)
	r := <-done
	if !errs.Is(r.err, errs.Forbidden) {
		t.Fatalf("a query answered after the end: %+v, %v", r.ans.Release, r.err)
	}
	hist, _, err := f.ws.History(ctx, principal(t, f.env, "analyst"), grant, store.NewPage(50, ""))
	if err != nil || len(hist) != 0 {
		t.Fatalf("history after the end: %+v, %v", hist, err)
	}
	results := filepath.Join(f.env.App.Config.DataDir, "domain", "workspaces", principal(t, f.env, "analyst").OrgID, "results")
	if entries, err := os.ReadDir(results); !errors.Is(err, fs.ErrNotExist) && len(entries) != 0 {
		t.Fatalf("results kept after the end: %v, %v", entries, err)
	}
}

// TestRequestDuringExit: a release request filed while the agreement's exit
// runs comes wholly before it (voided by it) or after it (refused): none
// stays pending for a result the exit deletes. PostgreSQL only: the test
// holds the ledger's head, so that the request and the exit both reach
// their transactions before either commits.
func TestRequestDuringExit(t *testing.T) {
	if os.Getenv("SHUYU_TEST_POSTGRES") == "" {
		t.Skip("SHUYU_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	f := newFixture(t, store.Postgres)
	db, analyst := f.env.App.DB, principal(t, f.env, "analyst")
	rev, err := f.ws.Run(ctx, analyst, f.grants[sandbox.Review], "SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district")
	if err != nil {
		t.Fatal(err)
	}
	blocked, release := storetest.Hold(t, db, `SELECT pg_backend_pid() FROM ledger_head WHERE id = 1 FOR UPDATE`)
	type result struct {
		rel workspace.Release
		err error
	}
	requested, exited := make(chan result), make(chan error)
	go func() {
		rel, err := f.ws.Request(ctx, analyst, rev.QueryID, workspace.RequestInput{Reason: "报告"})
		requested <- result{rel, err}
	}()
	blocked(1)
	go func() {
		_, err := f.env.App.Agreements.Terminate(ctx, principal(t, f.env, "bureau"), f.agreement,
			agreement.EndInput{Code: agreement.EarlyTermination, Reason: "运营单位申请提前终止"})
		exited <- err
	}()
	blocked(2)
	release()
	r := <-requested
	if err := <-exited; err != nil {
		t.Fatal(err)
	}
	if r.err != nil {
		if !errs.Is(r.err, errs.Forbidden) {
			t.Fatalf("the request: %v", r.err)
		}
		return
	}
	if got, err := f.ws.Get(ctx, analyst, r.rel.ID); err != nil || got.State != workspace.Void {
		t.Fatalf("a request filed during the exit is %s after it (%v); want void", got.State, err)
	}
}
