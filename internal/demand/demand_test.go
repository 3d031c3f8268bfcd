package demand_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/catalog"
	"shuyu/internal/demand"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestDualReview: the unit and every provider concerned review; one
// provider's rejection stops the demand without a grant; a return opens a
// new round after resubmission, where every party decides again; the
// approval of all creates exactly one grant, with its ledger entries.
func TestDualReview(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()

		a := e.file(t, e.joined())
		var parties []string
		for _, p := range a.Parties {
			parties = append(parties, reviewerOf(t, e, p.OrgID))
		}
		if !slices.Equal(parties, []string{"bureau", "provider-amr", "provider-hrss"}) && !slices.Equal(parties, []string{"bureau", "provider-hrss", "provider-amr"}) {
			t.Fatalf("parties %v, want the bureau and both providers", parties)
		}
		if !a.DueAt.After(e.Clock().Add(10 * 24 * time.Hour)) {
			t.Errorf("due %s: ten working days are more than ten days", a.DueAt)
		}
		items, err := e.svc.Pending(ctx)
		if err != nil || len(items) != 3 {
			t.Fatalf("inbox items of a new demand: %v (%v); want one per party", items, err)
		}
		for _, it := range items {
			if !it.DueAt.Equal(a.DueAt) || it.Kind != "demand.review" || len(it.Roles) != 1 ||
				(it.OrgID == e.Orgs["bureau"]) != (it.Roles[0] == access.RoleReviewer) {
				t.Errorf("inbox item %+v", it)
			}
		}
		e.decide(t, "bureau", a.ID, demand.Approve)
		if items, _ := e.svc.Pending(ctx); len(items) != 2 {
			t.Errorf("after the bureau's approval, %d items; want the providers' two", len(items))
		}
		_, err = e.svc.Decide(ctx, e.As(t, "bureau"), a.ID, demand.Approve, "")
		if !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "has already decided round 1") {
			t.Errorf("second approval by the bureau: %v; want a conflict", err)
		}
		if _, err := e.svc.Decide(ctx, e.As(t, "provider-tax"), a.ID, demand.Approve, ""); !errs.Is(err, errs.Forbidden) {
			t.Errorf("approval by a provider not concerned: %v; want forbidden", err)
		}
		if _, err := e.svc.Decide(ctx, e.As(t, "provider-amr"), a.ID, demand.Reject, " "); !errs.Is(err, errs.Invalid) {
			t.Errorf("rejection without a comment: %v; want invalid", err)
		}
		e.decide(t, "provider-hrss", a.ID, demand.Approve)
		a = e.decide(t, "provider-amr", a.ID, demand.Reject)
		if a.State != demand.Rejected || a.GrantID != "" {
			t.Fatalf("after a provider's rejection: %s, grant %q", a.State, a.GrantID)
		}
		if grants, _, _ := e.svc.Grants(ctx, e.As(t, "operator"), store.NewPage(50, "")); len(grants) != 0 {
			t.Errorf("grants after a rejection: %v", grants)
		}

		b := e.file(t, e.joined())
		e.decide(t, "bureau", b.ID, demand.Approve)
		b = e.decide(t, "provider-hrss", b.ID, demand.Return)
		if b.State != demand.Returned {
			t.Fatalf("returned demand: %s", b.State)
		}
		if items, _ := e.svc.Pending(ctx); len(items) != 1 || items[0].Kind != "demand.resubmit" || items[0].UserID != b.FiledBy {
			t.Errorf("inbox after a return: %+v; want the filer's resubmission", items)
		}
		in := e.joined()
		in.Datasets[0].Fields = in.Datasets[0].Fields[:3] // drop employer, as asked
		if b, err = e.svc.Resubmit(ctx, e.As(t, "analyst"), b.ID, in); err != nil {
			t.Fatal(err)
		}
		if b.State != demand.Reviewing || b.Round != 2 || len(b.Reviews) != 2 {
			t.Fatalf("resubmitted: %s round %d with %d reviews", b.State, b.Round, len(b.Reviews))
		}
		for _, p := range b.Parties {
			if p.Decision != "" {
				t.Errorf("round 2 starts with %s's decision %q", p.Name, p.Decision)
			}
		}
		for i, who := range []string{"provider-amr", "bureau", "provider-hrss"} {
			b = e.decide(t, who, b.ID, demand.Approve)
			if last := i == 2; (b.State == demand.Approved) != last || (b.GrantID != "") != last {
				t.Fatalf("after %s's approval: %s, grant %q", who, b.State, b.GrantID)
			}
		}
		g, err := e.svc.GetGrant(ctx, e.As(t, "operator"), b.GrantID)
		if err != nil {
			t.Fatal(err)
		}
		if g.State != "active" || g.Rule != sandbox.Aggregate || g.K != demand.MinK || !slices.Equal(g.Datasets, []string{"people", "firms"}) {
			t.Errorf("grant %+v", g)
		}
		if slices.ContainsFunc(g.Columns, func(c demand.Column) bool { return c.Name == "employer" || c.Name == "id_number" }) {
			t.Errorf("grant columns %v: employer was dropped, the privacy unit is not shown", g.Columns)
		}
		for _, action := range []string{"demand.file", "demand.return", "demand.resubmit", "demand.approve", "demand.reject", "demand.conclude"} {
			if es, err := e.Ledger.Entries(ctx, ledger.Filter{ActionPrefix: action}); err != nil || len(es) == 0 {
				t.Errorf("no ledger entry %s (%v)", action, err)
			}
		}
		if es, err := e.Ledger.Entries(ctx, ledger.Filter{ObjectType: "grant", ObjectID: g.ID, ActionPrefix: "grant.create"}); err != nil || len(es) != 1 {
			t.Errorf("grant.create entries: %d (%v)", len(es), err)
		}
	}, migrations()...)
}

// TestRefusals: a demand never exceeds its agreement's scope or term, never
// asks for core data or an uncatalogued field, and asks for a rule the
// platform can run; each refusal says what is wrong where, and leaves
// nothing behind.
func TestRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		field := func(ds, name string, role sandbox.Role) demand.DatasetInput {
			return demand.DatasetInput{Dataset: ds, Fields: []demand.FieldInput{{Name: name, Role: role, Justification: "必要"}}}
		}
		for _, c := range []struct {
			name, want string
			change     func(*demand.Input)
		}{
			{"outside the agreement's scope", `datasets[1].dataset: "internal_notes" is not in the data scope of agreement`,
				func(in *demand.Input) {
					in.Datasets = append(in.Datasets, field("internal_notes", "id", sandbox.Dimension))
				}},
			{"past the agreement's end", "ends_on: " + e.day(400) + " lies after the end of agreement " + e.agreement.ID + " (" + e.agreement.EndsOn + "); a grant never outlasts its agreement",
				func(in *demand.Input) { in.EndsOn = e.day(400) }},
			{"ended period", "ends_on: " + e.day(-1) + " has passed", func(in *demand.Input) { in.EndsOn = e.day(-1) }},
			{"uncatalogued field", `datasets[0].fields[4].name: people has no field "income" in the catalog`,
				func(in *demand.Input) {
					in.Datasets[0].Fields = append(in.Datasets[0].Fields, field("people", "income", sandbox.Measure).Fields[0])
				}},
			{"no justification", "datasets[0].fields[1].justification: required", func(in *demand.Input) { in.Datasets[0].Fields[1].Justification = " " }},
			{"output in an aggregate", `datasets[0].fields[0].role: "output" is not a role a aggregate demand gives a field`,
				func(in *demand.Input) { in.Datasets[0].Fields[0].Role = sandbox.Output }},
			{"privacy unit elsewhere", "only people's privacy-unit column id_number plays privacy_unit",
				func(in *demand.Input) { in.Datasets[0].Fields[0].Role = sandbox.PrivacyUnit }},
			{"small k", "k: 5; groups cover at least 10 privacy units", func(in *demand.Input) { in.K = 5 }},
			{"dp without a budget", "dp.epsilon: a dp demand asks for a total budget", func(in *demand.Input) { in.Rule = sandbox.DP }},
			{"budget too large", "dp.epsilon", func(in *demand.Input) { in.Rule, in.DP = sandbox.DP, &sandbox.DPSpec{Epsilon: 50} }},
			{"dp bounds on no measure", "dp bounds name gender, which is not a measure", func(in *demand.Input) {
				in.Rule, in.DP = sandbox.DP, &sandbox.DPSpec{Epsilon: 1, Bounds: map[string]sandbox.Bound{"gender": {Lower: 0, Upper: 1}}}
			}},
			{"important data row by row", "credit.tax_paid is important data (重要数据)", func(in *demand.Input) {
				in.Rule, in.Datasets = sandbox.List, []demand.DatasetInput{field("credit", "tax_paid", sandbox.Output)}
			}},
			{"weaker mask", "datasets[0].fields[0].mask: firms.legal_rep is classified personal.name: it appears in results masked as name", func(in *demand.Input) {
				in.Rule, in.Datasets = sandbox.List, []demand.DatasetInput{field("firms", "legal_rep", sandbox.Output)}
				in.Datasets[0].Fields[0].Mask = sandbox.Mask{Kind: sandbox.MaskPartial, Prefix: 2}
			}},
			{"list without output", "a list demand names at least one field with role output", func(in *demand.Input) { in.Rule = sandbox.List }},
			{"twice", "datasets[1].dataset: people is named twice", func(in *demand.Input) { in.Datasets = append(in.Datasets, in.Datasets[0]) }},
			{"another's agreement", "agreement_id", func(in *demand.Input) { in.AgreementID = "no-such-agreement" }},
		} {
			in := e.people()
			c.change(&in)
			_, err := e.svc.File(ctx, e.As(t, "operator"), in)
			if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v; want invalid: %s", c.name, err, c.want)
			}
		}
		if _, err := e.svc.File(ctx, e.As(t, "operator2"), e.people()); !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "no active") {
			t.Errorf("an operator without an agreement: %v; want a conflict", err)
		}
		if _, err := e.svc.File(ctx, e.As(t, "provider-hrss"), e.people()); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a provider files: %v; want forbidden", err)
		}
		if list, _, err := e.svc.List(ctx, admin, demand.Filter{}, store.NewPage(50, "")); err != nil || len(list) != 0 {
			t.Errorf("refused demands left %d behind (%v)", len(list), err)
		}

		// A list demand gets the classification's masks by default.
		in := e.people()
		in.Rule, in.Datasets = sandbox.List, []demand.DatasetInput{{Dataset: "firms", Fields: []demand.FieldInput{
			{Name: "uscc", Role: sandbox.Output, Justification: "企业标识"}, {Name: "legal_rep", Role: sandbox.Output, Justification: "联系人"}}}}
		a := e.approved(t, in)
		g, err := e.svc.GetGrant(ctx, admin, a.GrantID)
		if err != nil {
			t.Fatal(err)
		}
		if i := slices.IndexFunc(g.Columns, func(c demand.Column) bool { return c.Name == "legal_rep" }); i < 0 || g.Columns[i].Mask.Kind != sandbox.MaskName {
			t.Errorf("legal_rep in a list grant: %+v; want masked as a name", g.Columns)
		}
	}, migrations()...)
}

// TestCoreAndScopeAtApproval: what was fine at filing is checked again at
// every approval: a field graded core since, or an agreement whose term has
// ended since, refuses the approval with the reason and changes nothing.
func TestCoreAndScopeAtApproval(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		a := e.file(t, e.people())
		b := e.file(t, e.people())

		// 市人社局 grades salary core data, which takes people out of scope.
		fields := slices.Clone(entries[0].fields)
		fields[5].Grade = catalog.Core
		out := false
		if _, err := e.Catalog.Update(ctx, e.As(t, "provider-hrss"), e.Datasets[0], catalog.Input{Fields: &fields, InScope: &out}); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Decide(ctx, e.As(t, "bureau"), a.ID, demand.Approve, "")
		if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "datasets[0].fields[2].name: people.salary is graded core data (核心数据), which is never granted") {
			t.Errorf("approval with a core field: %v", err)
		}
		if _, err := e.svc.File(ctx, e.As(t, "operator"), e.people()); err == nil || !strings.Contains(err.Error(), "graded core data") {
			t.Errorf("filing with a core field: %v", err)
		}
		if got, _ := e.svc.Get(ctx, admin, a.ID); got.State != demand.Reviewing || len(got.Reviews) != 0 {
			t.Errorf("refused approval changed the demand: %s, %d reviews", got.State, len(got.Reviews))
		}
		in := true
		fields[5].Grade = "general-3"
		if _, err := e.Catalog.Update(ctx, e.As(t, "provider-hrss"), e.Datasets[0], catalog.Input{Fields: &fields, InScope: &in}); err != nil {
			t.Fatal(err)
		}

		// The agreement's term is over, and the job has not expired it yet.
		e.Advance(e.agreement.EndsAt.Sub(e.Clock()) + time.Second)
		_, err = e.svc.Decide(ctx, e.As(t, "provider-hrss"), b.ID, demand.Approve, "")
		if !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "'s term ended with "+e.agreement.EndsOn) {
			t.Errorf("approval after the agreement's end: %v", err)
		}
		if got, _ := e.svc.Get(ctx, admin, b.ID); got.State != demand.Reviewing || len(got.Reviews) != 0 {
			t.Errorf("refused approval changed the demand: %s, %d reviews", got.State, len(got.Reviews))
		}
	}, migrations()...)
}

// TestExitEndsGrants: an exit ends every grant of the agreement in its own
// transaction, closes its pending demands, and names them in the deletion
// record; Held says so at once.
func TestExitEndsGrants(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		one, two := e.approved(t, e.people()).GrantID, e.approved(t, e.joined()).GrantID
		if _, err := e.svc.RevokeGrant(ctx, e.As(t, "bureau"), two, "违规导出"); err != nil {
			t.Fatal(err)
		}
		pending := e.file(t, e.people()).ID
		rec, err := e.ag.Revoke(ctx, e.As(t, "bureau"), e.agreement.ID, agreement.EndInput{Code: agreement.PenaltyOrRisk, Reason: "被责令停业"})
		if err != nil {
			t.Fatal(err)
		}
		var named []string
		for _, d := range rec.Revoked {
			if d.What == "grant" || d.What == "demand" {
				named = append(named, d.What+":"+d.Ref)
			}
		}
		if !slices.Equal(named, []string{"grant:" + one, "demand:" + pending}) {
			t.Errorf("exit record names %v, want only the active grant %s and the pending demand %s", named, one, pending)
		}
		if d, _ := e.svc.Get(ctx, admin, pending); d.State != demand.Withdrawn {
			t.Errorf("a demand under review after the exit: %s", d.State)
		}
		if items, err := e.svc.Pending(ctx); err != nil || len(items) != 0 {
			t.Errorf("inbox items after the exit: %v (%v)", items, err)
		}
		for id, want := range map[string]string{one: "ended", two: "revoked"} {
			h, err := e.svc.Held(ctx, id)
			if err != nil || h.State != want {
				t.Errorf("grant %s after the exit: %q (%v), want %s", id, h.State, err, want)
			}
		}
	}, migrations()...)
}

// TestExpiry: grants end at the end of their period, by a job that two
// processes (two handles on one database) run twice each at once: each
// grant is ended once, with one ledger entry.
func TestExpiry(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) { expiry(t, d) })
	}
}

func expiry(t *testing.T, d store.Dialect) {
	t.Parallel()
	ctx := context.Background()
	var dbs [2]*store.DB
	dsn := storetest.DSN(t, d)
	for i := range dbs {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	if _, err := dbs[0].Migrate(ctx, migrations()...); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, dbs[0])
	dbs[1].Now = e.Clock
	var ids []string
	for range 3 {
		in := e.people()
		in.EndsOn = e.day(1)
		ids = append(ids, e.approved(t, in).GrantID)
	}
	later := e.approved(t, e.people()).GrantID
	if n, err := e.svc.Tick(ctx); n != 0 || err != nil {
		t.Fatalf("tick before the end: %d (%v)", n, err)
	}
	if h, _ := e.svc.Held(ctx, ids[0]); h.State != "active" || !h.ExpiresAt.Equal(shanghaiMidnight(e.day(2))) {
		t.Errorf("held before the end: %s until %s", h.State, h.ExpiresAt)
	}
	e.Advance(48 * time.Hour)
	if h, _ := e.svc.Held(ctx, ids[0]); h.State != "ended" {
		t.Errorf("held past the end, before the job: %s; want ended", h.State)
	}
	l2, err := ledger.New(dbs[1], e.Ledger.Key(), "test", ledger.MinRetention)
	if err != nil {
		t.Fatal(err)
	}
	ids2 := identity.New(dbs[1], l2, identity.Options{})
	cat2 := catalog.New(dbs[1], l2, ids2, catalog.DefaultScheme())
	other := demand.New(dbs[1], l2, ids2, cat2, agreement.New(dbs[1], l2, ids2, e.Plans, e.Tender, e.dom, agreement.Options{}), e.dom, e.Cal, demand.Options{})
	ended := make(chan int, 4)
	for i := range 4 {
		svc := []*demand.Service{e.svc, other}[i%2]
		go func() {
			n, err := svc.Tick(ctx)
			if err != nil {
				t.Error(err)
			}
			ended <- n
		}()
	}
	total := 0
	for range 4 {
		total += <-ended
	}
	if total != 3 {
		t.Errorf("four jobs ended %d grants, want 3", total)
	}
	for _, id := range ids {
		es, err := e.Ledger.Entries(ctx, ledger.Filter{ObjectType: "grant", ObjectID: id, ActionPrefix: "grant.expire"})
		if g, _ := e.svc.GetGrant(ctx, admin, id); g.State != "ended" || err != nil || len(es) != 1 {
			t.Errorf("grant %s: %s with %d expiry entries (%v)", id, g.State, len(es), err)
		}
	}
	if g, _ := e.svc.GetGrant(ctx, admin, later); g.State != "active" {
		t.Errorf("a grant with time left: %s", g.State)
	}
}

// TestHeld: the grant as the sandbox runs it: current versions resolved,
// the catalog's types and privacy-unit columns, valid; a new version is
// picked up at once; an unknown grant is not found.
func TestHeld(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		a := e.approved(t, e.joined())
		h, err := e.svc.Held(ctx, a.GrantID)
		if err != nil {
			t.Fatal(err)
		}
		if h.ApplicationID != a.ID || h.AgreementID != e.agreement.ID || h.OperatorID != e.Orgs["operator"] ||
			!slices.Equal(h.DatasetIDs, e.Datasets[:2]) || h.State != "active" {
			t.Errorf("held %+v", h)
		}
		if err := h.Spec.Validate(); err != nil {
			t.Error(err)
		}
		people := h.Spec.Datasets[0]
		if people.Name != "people" || people.PrivacyUnit != "id_number" || people.Version.ID == "" {
			t.Errorf("people in the spec: %+v", people)
		}
		if i := slices.IndexFunc(people.Columns, func(c sandbox.Column) bool { return c.Name == "id_number" }); i < 0 || people.Columns[i].Role != sandbox.None {
			t.Errorf("the privacy unit not asked for is in the spec, invisible: %+v", people.Columns)
		}
		if i := slices.IndexFunc(people.Columns, func(c sandbox.Column) bool { return c.Name == "salary" }); i < 0 || people.Columns[i].Type != "integer" {
			t.Errorf("salary: %+v", people.Columns)
		}
		e.store(t, e.Datasets[0], entries[0].fields, entries[0].rows[:1])
		if again, err := e.svc.Held(ctx, a.GrantID); err != nil || again.Spec.Datasets[0].Version.ID == people.Version.ID {
			t.Errorf("after a new version: %v, version %s", err, again.Spec.Datasets[0].Version.ID)
		}
		if _, err := e.svc.Held(ctx, "no-such-grant"); !errs.Is(err, errs.NotFound) {
			t.Errorf("unknown grant: %v", err)
		}
	}, migrations()...)
}

// TestGrantsReach: who lists and reads a grant: the operator's staff, the
// unit and the regulators over it, the providers whose data it covers; not
// another provider, the county's unit, another operator or the
// application unit.
func TestGrantsReach(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		g := e.approved(t, e.people()).GrantID
		for _, who := range []string{"operator", "analyst", "analyst2", "bureau", "regulator", "provider-hrss", "admin"} {
			list, _, err := e.svc.Grants(ctx, e.As(t, who), store.NewPage(50, ""))
			if err != nil || len(list) != 1 || list[0].ID != g {
				t.Errorf("%s lists %d grants (%v); want the one", who, len(list), err)
			}
			if _, err := e.svc.GetGrant(ctx, e.As(t, who), g); err != nil {
				t.Errorf("%s reads the grant: %v", who, err)
			}
		}
		for _, who := range []string{"provider-tax", "kuiwen", "operator2"} {
			if list, _, err := e.svc.Grants(ctx, e.As(t, who), store.NewPage(50, "")); err != nil || len(list) != 0 {
				t.Errorf("%s lists %d grants (%v); want none", who, len(list), err)
			}
			if _, err := e.svc.GetGrant(ctx, e.As(t, who), g); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s reads the grant: %v; want forbidden", who, err)
			}
		}
		if _, _, err := e.svc.Grants(ctx, e.As(t, "appunit"), store.NewPage(50, "")); !errs.Is(err, errs.Forbidden) {
			t.Errorf("the application unit lists grants: %v", err)
		}
	}, migrations()...)
}

// TestListStateFilter: a state that does not exist is refused with the
// states there are, not answered with an empty list.
func TestListStateFilter(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.file(t, e.people())
		list, _, err := e.svc.List(context.Background(), e.As(t, "operator"), demand.Filter{State: demand.Reviewing}, store.NewPage(50, ""))
		if err != nil || len(list) != 1 {
			t.Fatalf("reviewing: %d, %v", len(list), err)
		}
		_, _, err = e.svc.List(context.Background(), e.As(t, "operator"), demand.Filter{State: "reviewng"}, store.NewPage(50, ""))
		if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "state") || !strings.Contains(err.Error(), "reviewing") {
			t.Fatalf("state reviewng: %v", err)
		}
	}, migrations()...)
}

// TestLongApprovalComment: an approval's comment, optional, is bounded
// like a rejection's; a refused approval records nothing.
func TestLongApprovalComment(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.file(t, e.people())
		_, err := e.svc.Decide(context.Background(), e.As(t, "bureau"), a.ID, demand.Approve, strings.Repeat("长", 4001))
		if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "comment: at most 4000") {
			t.Fatalf("an approval with a comment of 4001 characters: %v", err)
		}
		got, err := e.svc.Get(context.Background(), e.As(t, "bureau"), a.ID)
		if err != nil || slices.ContainsFunc(got.Parties, func(p demand.Party) bool { return p.Decision != "" }) {
			t.Fatalf("after the refused approval: %+v, %v", got.Parties, err)
		}
		e.decide(t, "bureau", a.ID, demand.Approve)
	}, migrations()...)
}
