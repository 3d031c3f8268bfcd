package workspace_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/app/apptest"
	"shuyu/internal/errs"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
	"shuyu/internal/workspace"
)

type fixture struct {
	env       *apptest.Env
	ws        *workspace.Service
	agreement string
	// grants by rule: filed as the demo operator's demands and approved.
	grants map[sandbox.Rule]string
}

// newFixture starts shuyu with the demo, whose analyst holds one grant of
// each rule (shuyu demo seeds them through package demand).
func newFixture(t *testing.T, d store.Dialect) *fixture {
	t.Helper()
	env := apptest.New(t, d)
	f := &fixture{env: env, ws: env.App.Workspace, grants: map[sandbox.Rule]string{}}
	gs, _, err := env.App.Demands.Grants(context.Background(), principal(t, env, "analyst"), store.NewPage(50, ""))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		f.grants[g.Rule], f.agreement = g.ID, g.AgreementID
	}
	if len(f.grants) != 4 {
		t.Fatalf("the demo analyst's grants: %+v", gs)
	}
	return f
}

func principal(t *testing.T, env *apptest.Env, username string) access.Principal {
	t.Helper()
	p, err := env.App.Identity.PrincipalOf(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWorkspace(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, d)
			analyst, analyst2 := principal(t, f.env, "analyst"), principal(t, f.env, "analyst2")

			// An aggregate answer, with groups too small suppressed, released with it.
			ans, err := f.ws.Run(ctx, analyst, f.grants[sandbox.Aggregate], "SELECT district, gender, COUNT(*) AS n FROM social_insurance GROUP BY district, gender")
			if err != nil {
				t.Fatal(err)
			}
			if len(ans.Rows) == 0 || ans.Release == nil || ans.Release.State != workspace.Released || !ans.Release.Automatic {
				t.Fatalf("aggregate answer: %d rows, release %+v", len(ans.Rows), ans.Release)
			}
			fine, err := f.ws.Run(ctx, analyst, f.grants[sandbox.Aggregate], "SELECT district, birth_date, COUNT(*) AS n FROM social_insurance GROUP BY district, birth_date")
			if err != nil {
				t.Fatal(err)
			}
			if fine.Suppressed == 0 {
				t.Fatalf("grouping by birth date suppressed nothing: %d rows", len(fine.Rows))
			}

			// Art. 30: no training record, no sandbox.
			_, err = f.ws.Run(ctx, analyst2, f.grants[sandbox.Aggregate], "SELECT COUNT(*) FROM social_insurance")
			if !errs.Is(err, errs.Forbidden) || !strings.Contains(err.Error(), "security training") || !strings.Contains(err.Error(), "confidentiality agreement") {
				t.Fatalf("analyst2: %v", err)
			}
			for _, who := range []string{"operator", "bureau", "regulator"} {
				if _, err := f.ws.Run(ctx, principal(t, f.env, who), f.grants[sandbox.Aggregate], "SELECT COUNT(*) FROM social_insurance"); !errs.Is(err, errs.Forbidden) {
					t.Fatalf("%s ran a query: %v", who, err)
				}
			}

			// dp (ε = 3, 0.5 a query): queries spending at once are answered
			// exactly as far as the budget holds; the rest are refused before
			// running, and the history says so.
			var answered, overspent atomic.Int64
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Go(func() {
					ans, err := f.ws.Run(ctx, analyst, f.grants[sandbox.DP], fmt.Sprintf("SELECT district, COUNT(*) AS n%d FROM social_insurance GROUP BY district", i))
					switch {
					case err == nil && ans.EpsilonSpent == 0.5 && ans.EpsilonLeft != nil:
						answered.Add(1)
					case sandbox.RuleOf(err) == "budget":
						overspent.Add(1)
					default:
						t.Errorf("%+v, %v", ans, err)
					}
				})
			}
			wg.Wait()
			left, err := f.ws.EpsilonLeft(ctx, f.grants[sandbox.DP], 3, 1e-5)
			if answered.Load() != 6 || overspent.Load() != 2 || left != 0 || err != nil {
				t.Fatalf("8 queries at once on ε = 3 at 0.5 each: %d answered, %d refused, %v left, %v", answered.Load(), overspent.Load(), left, err)
			}
			hist, _, err := f.ws.History(ctx, analyst, f.grants[sandbox.DP], store.NewPage(50, ""))
			refused := 0
			for _, q := range hist {
				if q.Status == workspace.Refused && q.Broke == "budget" && q.EpsilonSpent == 0 {
					refused++
				}
			}
			if err != nil || len(hist) != 8 || refused != 2 {
				t.Fatalf("dp history: %+v, %v", hist, err)
			}

			// review: kept in the domain until a reviewer releases it.
			rev, err := f.ws.Run(ctx, analyst, f.grants[sandbox.Review], "SELECT district, AVG(monthly_base_yuan) AS base FROM social_insurance GROUP BY district")
			if err != nil {
				t.Fatal(err)
			}
			if rev.Result == nil || rev.Rows != nil || rev.Release != nil {
				t.Fatalf("review answer: %+v", rev)
			}
			req, err := f.ws.Request(ctx, analyst, rev.QueryID, workspace.RequestInput{Reason: "区县社保缴费基数对比报告"})
			if err != nil || req.State != workspace.Pending {
				t.Fatalf("request: %+v, %v", req, err)
			}
			for _, who := range []string{"analyst", "operator", "bureau", "admin"} {
				if _, err := f.ws.Download(ctx, principal(t, f.env, who), req.ID, workspace.CSV); !errs.Is(err, errs.Forbidden) {
					t.Fatalf("%s downloaded an unreleased result: %v", who, err)
				}
			}
			queue, _, err := f.ws.Releases(ctx, principal(t, f.env, "bureau"), workspace.Filter{State: workspace.Pending}, store.NewPage(50, ""))
			if err != nil || len(queue) != 1 || queue[0].ID != req.ID {
				t.Fatalf("the reviewers' queue: %+v, %v", queue, err)
			}
			if _, err := f.ws.Decide(ctx, analyst, req.ID, workspace.Approve, workspace.DecideInput{Comment: "ok"}); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("the analyst released their own result: %v", err)
			}
			rel, err := f.ws.Decide(ctx, principal(t, f.env, "bureau"), req.ID, workspace.Approve, workspace.DecideInput{Comment: "汇总结果，无个人信息"})
			if err != nil || rel.State != workspace.Released {
				t.Fatalf("release: %+v, %v", rel, err)
			}
			file, err := f.ws.Download(ctx, principal(t, f.env, "operator"), rel.ID, workspace.CSV)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(file.Bytes)
			if hex.EncodeToString(sum[:]) != rel.CSVSHA256 || !strings.Contains(string(file.Bytes), "district") {
				t.Fatalf("the CSV's hash %x is not the released %s", sum, rel.CSVSHA256)
			}
			if ledgerSHA := ledgerDetail(t, f, "release.release", rel.ID)["csv_sha256"]; ledgerSHA != rel.CSVSHA256 {
				t.Fatalf("the ledger says %v left, the file is %s", ledgerSHA, rel.CSVSHA256)
			}
			xlsx, err := f.ws.Download(ctx, analyst, rel.ID, workspace.XLSX)
			if err != nil || len(xlsx.Bytes) < 100 {
				t.Fatalf("xlsx: %d bytes, %v", len(xlsx.Bytes), err)
			}

			// A second review result waits when the agreement ends: the exit
			// voids its request and deletes it with the workspace.
			rev2, err := f.ws.Run(ctx, analyst, f.grants[sandbox.Review], "SELECT gender, COUNT(*) AS n FROM social_insurance GROUP BY gender")
			if err != nil {
				t.Fatal(err)
			}
			pending, err := f.ws.Request(ctx, analyst, rev2.QueryID, workspace.RequestInput{Reason: "性别结构"})
			if err != nil {
				t.Fatal(err)
			}
			rec, err := f.env.App.Agreements.Terminate(ctx, principal(t, f.env, "bureau"), f.agreement,
				agreement.EndInput{Code: agreement.EarlyTermination, Reason: "运营单位申请提前终止"})
			if err != nil {
				t.Fatal(err)
			}
			voided := false
			for _, d := range rec.Revoked {
				voided = voided || (d.What == "release_request" && d.Ref == pending.ID)
			}
			files := map[string]string{}
			for _, d := range rec.Files {
				files[d.Ref] = d.SHA256
			}
			resultFile := "domain/workspaces/" + analyst.OrgID + "/results/" + rev2.QueryID + ".json"
			if !voided || files[resultFile] != rev2.Result.SHA256 {
				t.Fatalf("the deletion record: revoked %+v, files %+v; want the request voided and %s with its hash", rec.Revoked, rec.Files, resultFile)
			}
			if got, _ := f.ws.Get(ctx, analyst, pending.ID); got.State != workspace.Void {
				t.Fatalf("the pending request after the exit: %s", got.State)
			}
			_, err = f.ws.Run(ctx, analyst, f.grants[sandbox.Aggregate], "SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district")
			if !errs.Is(err, errs.Forbidden) || !strings.Contains(err.Error(), "is ended") {
				t.Fatalf("a query after the exit: %v", err)
			}
			if _, err := f.ws.Download(ctx, analyst, rel.ID, workspace.CSV); !errs.Is(err, errs.NotFound) {
				t.Fatal("a result deleted with the workspace still downloads")
			}
		})
	}
}

func ledgerDetail(t *testing.T, f *fixture, action, objectID string) map[string]any {
	t.Helper()
	var detail string
	err := f.env.App.DB.QueryRow(context.Background(), `SELECT detail FROM ledger_entries WHERE action = $1 AND object_id = $2`, action, objectID).Scan(&detail)
	if err != nil {
		t.Fatalf("ledger entry %s of %s: %v", action, objectID, err)
	}
	var out map[string]any
	json.Unmarshal([]byte(detail), &out)
	return out
}
