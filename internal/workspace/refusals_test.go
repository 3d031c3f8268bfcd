package workspace_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"shuyu/internal/errs"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
	"shuyu/internal/workspace"
)

// TestRefusalsBeforeTheSandbox: queries refused at the gate — by the
// Art. 30 check, in a revoked grant — or by the grant's hourly engine time
// are in the grant's history and the ledger (who, when, the code, the
// rule, the message), while another operator's analyst refused on the same
// grant leaves nothing in it.
func TestRefusalsBeforeTheSandbox(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, d)
			grant := f.grants[sandbox.Aggregate]
			const sql = "SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district"
			if _, err := f.ws.Run(ctx, principal(t, f.env, "analyst2"), grant, sql); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("an analyst without the Art. 30 records: %v", err)
			}
			if _, err := f.ws.Run(ctx, rival(t, f), grant, sql); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("another operator's analyst: %v", err)
			}
			// The hour's engine time (10 minutes by default) used up.
			if err := f.env.App.DB.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO workspace_usage (id, grant_id, at, engine_us, failed) VALUES ($1, $2, $3, $4, FALSE)`,
					store.NewID(), grant, f.env.App.DB.Now(), (11 * time.Minute).Microseconds())
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.ws.Run(ctx, principal(t, f.env, "analyst"), grant, sql); !errs.Is(err, errs.RateLimited) {
				t.Fatalf("a query past the hour's engine time: %v", err)
			}
			if _, err := f.env.App.Demands.RevokeGrant(ctx, principal(t, f.env, "bureau"), grant, "分析师违规"); err != nil {
				t.Fatal(err)
			}
			_, err := f.ws.Run(ctx, principal(t, f.env, "analyst"), grant, sql)
			if !errs.Is(err, errs.Forbidden) || !strings.Contains(err.Error(), "revoked") {
				t.Fatalf("a query in a revoked grant: %v", err)
			}
			hist, _, err := f.ws.History(ctx, principal(t, f.env, "operator"), grant, store.NewPage(50, ""))
			if err != nil || len(hist) != 3 {
				t.Fatalf("history: %+v, %v; want the three refusals of the operator's analysts", hist, err)
			}
			for i, want := range []struct{ user, code, broke, says string }{{"analyst", "forbidden", "grant", "revoked"},
				{"analyst", "rate_limited", "limits", "engine time"}, {"analyst2", "forbidden", "art30", "security training"}} {
				q := hist[i]
				if q.Username != want.user || q.Status != workspace.Refused || q.Code != want.code || q.Broke != want.broke ||
					!strings.Contains(q.Message, want.says) || q.SQL != sql || q.At.IsZero() {
					t.Errorf("history[%d]: %+v; want %s refused (%s, %s)", i, q, want.user, want.code, want.broke)
				}
				detail := ledgerDetail(t, f, "workspace.query", q.ID)
				if detail["status"] != "refused" || detail["code"] != want.code || detail["broke"] != want.broke || detail["grant_id"] != grant ||
					detail["sql_sha256"] != q.SQLSHA256 {
					t.Errorf("ledger of %s's refusal: %v", want.user, detail)
				}
				for k, v := range detail {
					if s, _ := v.(string); strings.Contains(s, "social_insurance") {
						t.Errorf("the ledger keeps the query's text in %s: %v", k, detail)
					}
				}
			}
		})
	}
}
