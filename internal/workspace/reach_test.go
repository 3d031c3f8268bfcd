package workspace_test

import (
	"context"
	"strings"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
	"shuyu/internal/workspace"
)

// rival adds a second operator in the city with a trained analyst.
func rival(t *testing.T, f *fixture) access.Principal {
	t.Helper()
	ctx := context.Background()
	admin := principal(t, f.env, "admin")
	op := principal(t, f.env, "operator")
	org, err := f.env.App.Identity.CreateOrg(ctx, admin, identity.OrgInput{Name: ptr("潍坊另一数据运营有限公司"), NameEN: ptr("Another Operator"),
		Kind: ptr(access.KindOperator), JurisdictionID: ptr(op.JurisdictionID)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.env.App.Identity.CreateUser(ctx, admin, identity.UserInput{OrgID: ptr(org.ID), Username: ptr("rival"), DisplayName: ptr("Rival"),
		Password: ptr("correct horse battery staple 42"), Roles: ptr([]access.Role{access.RoleAnalyst, access.RoleOperatorManager}),
		TrainingDate: ptr("2026-01-05"), NDADate: ptr("2026-01-05")})
	if err != nil {
		t.Fatal(err)
	}
	return principal(t, f.env, "rival")
}

func ptr[T any](v T) *T { return &v }

// TestReach: another operator's analyst and a county's reviewer reach
// nothing of the city operator's grants, history and releases.
func TestReach(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, d)
			analyst, other, county := principal(t, f.env, "analyst"), rival(t, f), principal(t, f.env, "kuiwen")
			rev, err := f.ws.Run(ctx, analyst, f.grants[sandbox.Review], "SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.ws.Run(ctx, other, f.grants[sandbox.Review], "SELECT COUNT(*) AS n FROM social_insurance"); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("another operator's analyst ran a query: %v", err)
			}
			if _, _, err := f.ws.History(ctx, other, f.grants[sandbox.Review], store.NewPage(50, "")); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("another operator's analyst read the history: %v", err)
			}
			if _, err := f.ws.Request(ctx, other, rev.QueryID, workspace.RequestInput{Reason: "x"}); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("another operator's analyst asked for a release: %v", err)
			}
			req, err := f.ws.Request(ctx, analyst, rev.QueryID, workspace.RequestInput{Reason: "报告"})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []access.Principal{other, county} {
				if _, err := f.ws.Get(ctx, p, req.ID); !errs.Is(err, errs.Forbidden) {
					t.Fatalf("%s read the release: %v", p.Username, err)
				}
				if rs, _, err := f.ws.Releases(ctx, p, workspace.Filter{}, store.NewPage(50, "")); len(rs) != 0 {
					t.Fatalf("%s lists releases: %+v, %v", p.Username, rs, err)
				}
				if _, err := f.ws.Examine(ctx, p, req.ID, true); !errs.Is(err, errs.Forbidden) {
					t.Fatalf("%s examined the rows: %v", p.Username, err)
				}
				if _, err := f.ws.Decide(ctx, p, req.ID, workspace.Approve, workspace.DecideInput{Comment: "ok"}); !errs.Is(err, errs.Forbidden) {
					t.Fatalf("%s released: %v", p.Username, err)
				}
			}
			rel, err := f.ws.Decide(ctx, principal(t, f.env, "bureau"), req.ID, workspace.Approve, workspace.DecideInput{Comment: "ok"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.ws.Decide(ctx, principal(t, f.env, "bureau"), req.ID, workspace.Refuse, workspace.DecideInput{Comment: "no"}); !errs.Is(err, errs.Conflict) {
				t.Fatalf("a second decision: %v", err)
			}
			if _, err := f.ws.Download(ctx, other, rel.ID, workspace.CSV); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("another operator downloaded: %v", err)
			}
			if _, err := f.ws.Download(ctx, principal(t, f.env, "appunit"), rel.ID, workspace.CSV); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("an application unit downloaded: %v", err)
			}
		})
	}
}

// TestGrantThatCannotRun: a grant whose data left the scope refuses
// queries, but its history stays readable by the operator, and another
// operator's analyst learns nothing of it but the refusal.
func TestGrantThatCannotRun(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, d)
			analyst, other := principal(t, f.env, "analyst"), rival(t, f)
			if _, err := f.ws.Run(ctx, analyst, f.grants[sandbox.Aggregate], "SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district"); err != nil {
				t.Fatal(err)
			}
			hrss := principal(t, f.env, "provider-hrss")
			ds, err := f.env.App.Catalog.Get(ctx, hrss, "social_insurance")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.env.App.Catalog.Update(ctx, hrss, ds.ID, catalog.Input{InScope: ptr(false)}); err != nil {
				t.Fatal(err)
			}
			_, err = f.ws.Run(ctx, other, f.grants[sandbox.Aggregate], "SELECT COUNT(*) AS n FROM social_insurance")
			if !errs.Is(err, errs.Forbidden) || strings.Contains(err.Error(), "social_insurance") {
				t.Fatalf("another operator's analyst on a grant that cannot run: %v", err)
			}
			if _, _, err := f.ws.History(ctx, other, f.grants[sandbox.Aggregate], store.NewPage(50, "")); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("another operator's analyst read the history: %v", err)
			}
			if _, err := f.ws.Run(ctx, analyst, f.grants[sandbox.Aggregate], "SELECT COUNT(*) AS n FROM social_insurance"); !errs.Is(err, errs.Conflict) {
				t.Fatalf("a query on data out of scope: %v", err)
			}
			for _, who := range []string{"analyst", "operator"} {
				hist, _, err := f.ws.History(ctx, principal(t, f.env, who), f.grants[sandbox.Aggregate], store.NewPage(50, ""))
				if err != nil || len(hist) != 2 || hist[0].Status != workspace.Refused || hist[0].Code != "conflict" || hist[0].Broke != "grant" ||
					hist[1].Status != workspace.Answered {
					t.Fatalf("%s reads the history of a grant that cannot run: %+v, %v; want the answer and the refusal after it", who, hist, err)
				}
			}
		})
	}
}

// TestOversizeQuery: a text longer than the sandbox parses is refused
// before it is kept: the history records the refusal without the text, the
// ledger with the text's hash only.
func TestOversizeQuery(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, d)
			analyst := principal(t, f.env, "analyst")
			var before int
			f.env.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_entries`).Scan(&before)
			_, err := f.ws.Run(ctx, analyst, f.grants[sandbox.Aggregate], "SELECT COUNT(*) AS n FROM social_insurance -- "+strings.Repeat("x", 900<<10))
			if !errs.Is(err, errs.Invalid) || sandbox.RuleOf(err) != "parse" || !strings.Contains(err.Error(), "64 KiB") {
				t.Fatalf("a 900 KiB query: %v", err)
			}
			hist, _, err := f.ws.History(ctx, analyst, f.grants[sandbox.Aggregate], store.NewPage(50, ""))
			var after, longest int
			f.env.App.DB.QueryRow(ctx, `SELECT COUNT(*), MAX(LENGTH(detail)) FROM ledger_entries`).Scan(&after, &longest)
			if err != nil || len(hist) != 1 || hist[0].SQL != "" || hist[0].Broke != "parse" || len(hist[0].SQLSHA256) != 64 || after != before+1 || longest > 10_000 {
				t.Fatalf("after a refused 900 KiB query: history %+v (%v), %d ledger entries more, the longest %d bytes", hist, err, after-before, longest)
			}
		})
	}
}

// TestReleasesStateFilter: a state that does not exist is refused with the
// states there are, not answered with an empty queue.
func TestReleasesStateFilter(t *testing.T) {
	f := newFixture(t, storetest.Dialects()[0])
	_, _, err := f.ws.Releases(context.Background(), principal(t, f.env, "bureau"), workspace.Filter{State: "pendng"}, store.NewPage(50, ""))
	if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "pending") {
		t.Fatalf("state pendng: %v", err)
	}
}

// TestLongTexts: a release's reason and a decision's comment are bounded
// like every other text; a refused one changes nothing.
func TestLongTexts(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, d)
			analyst, bureau := principal(t, f.env, "analyst"), principal(t, f.env, "bureau")
			rev, err := f.ws.Run(ctx, analyst, f.grants[sandbox.Review], "SELECT district, COUNT(*) AS n FROM social_insurance GROUP BY district")
			if err != nil {
				t.Fatal(err)
			}
			long := strings.Repeat("长", 4001)
			if _, err := f.ws.Request(ctx, analyst, rev.QueryID, workspace.RequestInput{Reason: long}); !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "reason: at most 4000") {
				t.Fatalf("a reason of 4001 characters: %v", err)
			}
			req, err := f.ws.Request(ctx, analyst, rev.QueryID, workspace.RequestInput{Reason: "报告"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.ws.Decide(ctx, bureau, req.ID, workspace.Approve, workspace.DecideInput{Comment: long}); !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "comment: at most 4000") {
				t.Fatalf("a comment of 4001 characters: %v", err)
			}
			if got, err := f.ws.Get(ctx, analyst, req.ID); err != nil || got.State != workspace.Pending {
				t.Fatalf("after a refused decision: %+v, %v", got, err)
			}
		})
	}
}
