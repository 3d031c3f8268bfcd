package agreement_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// workspace writes files into the operator's workspace and returns their
// SHA-256 by path, as the deletion record names them.
func (e *env) workspace(t *testing.T, files map[string]string) map[string]string {
	t.Helper()
	dir, err := e.dom.Workspace(e.Orgs["operator"])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for name, content := range files {
		path := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(path), 0o700)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(content))
		out["domain/workspaces/"+e.Orgs["operator"]+"/"+name] = hex.EncodeToString(sum[:])
	}
	return out
}

// operatorKey gives the operator's organization an API key, as a product
// gateway might, and returns its secret.
func (e *env) operatorKey(t *testing.T) string {
	t.Helper()
	op := e.As(t, "operator")
	p := access.Principal{UserID: op.UserID, OrgID: op.OrgID, Roles: []access.Role{access.RoleAppDeveloper}}
	_, secret, err := e.IDs.CreateAPIKey(context.Background(), p, "产品网关")
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// TestExit terminates an active agreement: at once ActiveUntil refuses
// and the operator's key stops working; the deletion record lists every
// file of the workspace with the hash of what was deleted; asking again
// returns the same record; the ledger keeps everything and verifies.
func TestExit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		bureau := e.As(t, "bureau")
		a := e.in(t, agreement.Active)
		if _, err := e.ag.ActiveUntil(ctx, e.Orgs["operator"], a.DatasetIDs()); err != nil {
			t.Fatalf("before the exit: %v", err)
		}
		want := e.workspace(t, map[string]string{"results/q1.parquet": "聚合结果", "scratch/t.csv": "a,b\n1,2\n"})
		key := e.operatorKey(t)
		if _, err := e.IDs.Authenticate(ctx, key, identity.APISession, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		before, _ := e.Ledger.Entries(ctx, ledger.Filter{ObjectType: "agreement", ObjectID: a.ID, Limit: 500})
		for _, who := range []string{"operator", "finance", "kuiwen", "admin"} {
			if _, err := e.ag.Terminate(ctx, e.As(t, who), a.ID, agreement.EndInput{Reason: "x"}); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s terminating: %v, want forbidden", who, err)
			}
		}
		if _, err := e.ag.Terminate(ctx, bureau, a.ID, agreement.EndInput{Code: agreement.TermEnded, Reason: "x"}); !errs.Is(err, errs.Invalid) {
			t.Errorf("terminating with the expiry's code: %v, want invalid", err)
		}
		rec, err := e.ag.Terminate(ctx, bureau, a.ID, agreement.EndInput{Code: agreement.PenaltyOrRisk, Reason: "运营单位被责令停产停业"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.ag.ActiveUntil(ctx, e.Orgs["operator"], a.DatasetIDs()[:1]); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a query right after the exit: %v, want forbidden", err)
		}
		if _, err := e.IDs.Authenticate(ctx, key, identity.APISession, "127.0.0.1"); !errs.Is(err, errs.Unauthenticated) {
			t.Errorf("the operator's key after the exit: %v, want refused", err)
		}
		got := map[string]string{}
		for _, f := range rec.Files {
			got[f.Ref] = f.SHA256
		}
		if rec.State != "complete" || rec.CompletedAt == nil || len(got) != len(want) || rec.Reason.Code != agreement.PenaltyOrRisk ||
			rec.ByID != bureau.UserID || rec.Action != agreement.Terminate {
			t.Fatalf("record %+v", rec)
		}
		for path, sum := range want {
			if got[path] != sum {
				t.Errorf("%s: recorded %q, the deleted content hashed to %s", path, got[path], sum)
			}
		}
		if left, _ := filepath.Glob(filepath.Join(workspaceRoot(t, e), "*")); len(left) != 0 {
			t.Errorf("left in the workspace: %v", left)
		}
		revoked := map[string][]string{}
		for _, d := range rec.Revoked {
			revoked[d.What] = append(revoked[d.What], d.Name)
		}
		slices.Sort(revoked["sandbox_access"])
		if len(revoked["api_key"]) != 1 || !slices.Equal(revoked["sandbox_access"], []string{"analyst", "analyst2"}) {
			t.Errorf("revoked %+v", rec.Revoked)
		}
		// Again: the same record, nothing more happens.
		again, err := e.ag.Terminate(ctx, bureau, a.ID, agreement.EndInput{Reason: "再次"})
		if err != nil || again.ID != rec.ID || len(again.Files) != len(rec.Files) || again.Files[0] != rec.Files[0] {
			t.Errorf("terminating again: %+v %v; want the same record", again, err)
		}
		if _, err := e.ag.Revoke(ctx, bureau, a.ID, agreement.EndInput{Code: agreement.Unsuitable, Reason: "x"}); !errs.Is(err, errs.Conflict) {
			t.Errorf("revoking a terminated agreement: %v, want a conflict", err)
		}
		if r, err := e.ag.ExitRecord(ctx, e.As(t, "operator"), a.ID); err != nil || r.ID != rec.ID {
			t.Errorf("the operator reading the record: %v", err)
		}
		after, _ := e.Ledger.Entries(ctx, ledger.Filter{ObjectType: "agreement", ObjectID: a.ID, Limit: 500})
		if len(after) != len(before)+2 || after[1].Action != "agreement.terminate" || after[0].Action != "agreement.exit_deleted" ||
			!strings.Contains(string(after[0].Detail), want[rec.Files[0].Ref]) {
			t.Errorf("ledger of the agreement: %d entries before, %d after, newest %s, %s", len(before), len(after), after[0].Action, after[1].Action)
		}
		if _, err := ledger.Verify(ctx, db, e.Ledger.Key(), nil); err != nil {
			t.Errorf("ledger verify after the exit: %v", err)
		}
	}, migrations()...)
}

// workspaceRoot is the directory of the operator's workspaces.
func workspaceRoot(t *testing.T, e *env) string {
	t.Helper()
	dir, err := e.dom.Workspace(e.Orgs["operator"])
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestExitResumes: a process killed after the exit committed leaves the
// agreement ended (queries refused) and the workspace awaiting deletion;
// the next tick, or asking again, finishes it with the full record.
func TestExitResumes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		bureau := e.As(t, "bureau")
		a := e.in(t, agreement.Active)
		want := e.workspace(t, map[string]string{"r.csv": "x,y\n"})
		rec, err := e.ag.BeginExit(ctx, bureau, a.ID, agreement.EndInput{Code: agreement.EarlyTermination, Reason: "协商一致"})
		if err != nil {
			t.Fatal(err)
		}
		if rec.State != "deleting" {
			t.Fatalf("after the first step: %+v", rec)
		}
		if _, err := e.ag.ActiveUntil(ctx, e.Orgs["operator"], a.DatasetIDs()); !errs.Is(err, errs.Forbidden) {
			t.Errorf("after the first step: %v, want forbidden", err)
		}
		// Killed again, after the deletion but before its record.
		files, err := e.dom.DeleteWorkspace(e.Orgs["operator"], rec.ID)
		if err != nil || len(files) != 1 {
			t.Fatalf("%v %v", files, err)
		}
		if _, err := e.ag.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		done, err := e.ag.ExitRecord(ctx, bureau, a.ID)
		if err != nil || done.State != "complete" || len(done.Files) != 1 || done.Files[0].SHA256 != want[done.Files[0].Ref] {
			t.Fatalf("after the tick: %+v %v", done, err)
		}
		if pending, _ := e.dom.PendingDeletions(); len(pending) != 0 {
			t.Errorf("deletions left pending: %v", pending)
		}
	}, migrations()...)
}

// TestExpiry: past the end of its term an agreement is refused at once,
// before the job runs; the job then expires it with its exit.
func TestExpiry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		a := e.in(t, agreement.Active)
		e.Advance(a.EndsAt.Sub(e.Clock()) - time.Second)
		if _, err := e.ag.ActiveUntil(ctx, e.Orgs["operator"], a.DatasetIDs()); err != nil {
			t.Errorf("the last second of the term: %v", err)
		}
		e.Advance(time.Second)
		if _, err := e.ag.ActiveUntil(ctx, e.Orgs["operator"], a.DatasetIDs()); !errs.Is(err, errs.Forbidden) {
			t.Errorf("the end of the term, before the job: %v, want forbidden", err)
		}
		if n, err := e.ag.Tick(ctx); err != nil || n != 1 {
			t.Fatalf("tick: %d %v", n, err)
		}
		rec, err := e.ag.ExitRecord(ctx, e.As(t, "bureau"), a.ID)
		if err != nil || rec.Action != agreement.Expire || rec.Reason.Code != agreement.TermEnded || rec.State != "complete" {
			t.Errorf("expiry record %+v %v", rec, err)
		}
		if n, err := e.ag.Tick(ctx); err != nil || n != 0 {
			t.Errorf("a second tick: %d %v", n, err)
		}
	}, migrations()...)
}

// TestActiveCovers refuses what an agreement does not cover: another
// operator, a dataset outside the scope, a term not begun.
func TestActiveCovers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		a := e.in(t, agreement.Active)
		for _, c := range []struct {
			operator string
			datasets []string
		}{
			{e.Orgs["operator2"], a.DatasetIDs()},
			{e.Orgs["operator"], []string{a.DatasetIDs()[0], e.Outside}},
		} {
			_, err := e.ag.ActiveUntil(ctx, c.operator, c.datasets)
			if !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s on %v: %v, want forbidden", c.operator, c.datasets, err)
			}
		}
		if _, err := e.ag.ActiveUntil(ctx, e.Orgs["operator"], []string{e.Outside}); err == nil || !strings.Contains(err.Error(), e.Outside) {
			t.Errorf("the error names what is not covered: %v", err)
		}
		// A signed agreement of the same operator that has not begun
		// authorizes nothing yet.
		e.in(t, agreement.Signed)
		if _, err := e.ag.Terminate(ctx, e.As(t, "bureau"), a.ID, agreement.EndInput{Reason: "协商一致"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.ag.ActiveUntil(ctx, e.Orgs["operator"], a.DatasetIDs()); !errs.Is(err, errs.Forbidden) {
			t.Errorf("only a signed agreement not begun: %v, want forbidden", err)
		}
	}, migrations()...)
}

// TestTerminationForFailedRectification: Art. 27(2) needs the evaluation
// to find the rectification failed or overdue.
func TestTerminationForFailedRectification(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		a := e.in(t, agreement.Active)
		in := agreement.EndInput{Code: agreement.BreachUnrectified, Reason: "整改不到位"}
		if _, err := e.ag.Terminate(ctx, e.As(t, "bureau"), a.ID, in); !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "rectification") {
			t.Errorf("without a failed rectification: %v", err)
		}
		e.rectFailed.Store(true)
		if rec, err := e.ag.Terminate(ctx, e.As(t, "bureau"), a.ID, in); err != nil || rec.Reason.Code != agreement.BreachUnrectified {
			t.Errorf("with a failed rectification: %+v %v", rec, err)
		}
	}, migrations()...)
}
