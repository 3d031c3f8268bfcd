package billing_test

import (
	"context"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/billing"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestStatements bills a month: a paid per-call product above the year's
// maximum, a per-period product, and public-welfare use by a second
// application unit; then reads statements as each party, checks the split
// and the excess carried into the next year.
func TestStatements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.maximum(t, 2026, 10000) // 1,000,000 fen
		e.capOf(t, "p1", 2026, billing.PerCall, 50, 10000)
		e.price(t, "p1", 2026, 40, false)
		e.capOf(t, "p2", 2026, billing.PerPeriod, 20000, 12)
		e.price(t, "p2", 2026, 20000, false)
		name, kind, city := "潍坊公益服务中心", access.KindAppUnit, e.Plan.JurisdictionID
		welfare, err := e.IDs.CreateOrg(ctx, sys(), identity.OrgInput{Name: &name, Kind: &kind, JurisdictionID: &city})
		if err != nil {
			t.Fatal(err)
		}
		op, app := e.Orgs["operator"], e.Orgs["appunit"]
		usage := []billing.Usage{
			{ProductID: "p1", AppUnitID: app, OperatorID: op, Month: "2026-03", Calls: 30_000,
				ProviderCalls: map[string]int64{e.providers[0]: 30_000, e.providers[2]: 10_000}},
			{ProductID: "p2", AppUnitID: app, OperatorID: op, Month: "2026-03"},
			{ProductID: "p1", AppUnitID: welfare.ID, OperatorID: op, Month: "2026-03", Calls: 500, PublicWelfare: true,
				ProviderCalls: map[string]int64{e.providers[1]: 500}},
		}
		_, err = e.billing.Issue(ctx, sys(), "2026-03", usage)
		wantErr(t, "a month not over", err, errs.Invalid, "has not ended")
		e.At("2026-04-01 00:30:00")
		_, err = e.billing.Issue(ctx, e.As(t, "bureau"), "2026-03", usage)
		wantErr(t, "the unit issues", err, errs.Forbidden)
		_, err = e.billing.Issue(ctx, sys(), "2026-03", usage)
		wantErr(t, "no revenue rule", err, errs.Conflict, "no revenue-sharing rule")
		if _, err := e.billing.SetRule(ctx, e.As(t, "bureau"), e.agreement, billing.RuleInput{GovernmentBP: 3000, OperatorBP: 5000, ProvidersBP: 2000}); err != nil {
			t.Fatal(err)
		}
		bad := append([]billing.Usage{}, usage...)
		bad[0].ProviderCalls = map[string]int64{e.Orgs["appunit"]: 1}
		_, err = e.billing.Issue(ctx, sys(), "2026-03", bad)
		wantErr(t, "a provider outside the scope", err, errs.Invalid, "usage[0]", "provides no data")
		bad[0].ProviderCalls, bad[1].ProductID = nil, "p9"
		_, err = e.billing.Issue(ctx, sys(), "2026-03", bad)
		wantErr(t, "an unpriced product", err, errs.Invalid, "usage[1]", "no price cap")

		early := []billing.Usage{usage[0]}
		early[0].Month = "2026-02"
		_, err = e.billing.Issue(ctx, sys(), "2026-02", early)
		wantErr(t, "a month before the agreement", err, errs.Invalid, "does not reach into 2026-02")

		issued, err := e.billing.Issue(ctx, sys(), "2026-03", usage)
		if err != nil {
			t.Fatal(err)
		}
		const total = 30_000*40 + 20000
		byParty := map[string]billing.Statement{}
		for _, st := range issued {
			byParty[st.PartyID] = st
		}
		if len(issued) != 3 || byParty[app].TotalFen != total || byParty[welfare.ID].TotalFen != 0 || byParty[op].TotalFen != total ||
			len(byParty[op].Lines) != 3 || len(byParty[app].Lines) != 2 {
			t.Fatalf("issued: %+v", issued)
		}
		if l := byParty[welfare.ID].Lines[0]; !l.PublicWelfare || l.AmountFen != 0 || l.Quantity != 500 {
			t.Errorf("public-welfare line: %+v", l)
		}
		_, err = e.billing.Issue(ctx, sys(), "2026-03", usage)
		wantErr(t, "issuing twice", err, errs.Conflict, "issued already")

		// Who reads what.
		for _, tc := range []struct {
			who  string
			want int
		}{{"appunit", 1}, {"operator", 3}, {"regulator", 3}, {"bureau", 3}, {"kuiwen", 0}} {
			got, _, err := e.billing.Statements(ctx, e.As(t, tc.who), billing.StatementFilter{Month: "2026-03"}, store.NewPage(50, ""))
			if err != nil || len(got) != tc.want {
				t.Errorf("%s reads %d statements (%v); want %d", tc.who, len(got), err, tc.want)
			}
		}
		if _, err := e.billing.Statement(ctx, e.As(t, "appunit"), byParty[op].ID); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("the application unit reads the operator's statement: %v", err)
		}
		if got, _, err := e.billing.Statements(ctx, e.As(t, "provider-hrss"), billing.StatementFilter{}, store.NewPage(50, "")); len(got) != 0 {
			t.Errorf("a provider lists statements: %+v, %v", got, err)
		}

		sp, err := e.billing.Split(ctx, e.As(t, "operator"), e.agreement, "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		got := map[string]int64{}
		for _, sh := range sp.Shares {
			sum += sh.Fen
			got[sh.OrgID] = sh.Fen
		}
		// 1,220,000: government 30%, operator 50%, providers 20% as 3:1
		// (the public-welfare calls earn nothing).
		if sum != total || sp.TotalFen != total || got[e.Orgs["bureau"]] != 366_000 || got[op] != 610_000 ||
			got[e.providers[0]] != 183_000 || got[e.providers[2]] != 61_000 || sp.ProviderCalls != 40_000 {
			t.Errorf("split: %+v", sp)
		}

		// 1,220,000 fen of revenue against 1,000,000 approved: 220,000 carried into 2027.
		m := e.maximum(t, 2027, 10000)
		if m.CarriedFen != total-1_000_000 || m.EffectiveFen != 1_000_000-(total-1_000_000) {
			t.Errorf("2027 maximum: %+v", m)
		}
		entries, err := e.Ledger.Entries(ctx, ledger.Filter{ActionPrefix: "billing.statements.issue", Limit: 10})
		if err != nil || len(entries) != 1 {
			t.Errorf("ledger: %d issue entries, %v; want 1", len(entries), err)
		}
	}, migrations()...)
}
