// Package plantest gives the governance packages' tests a city to work in:
// a real store with the demo's organizations and accounts, three catalog
// entries in the operation scope (and one outside it), the plan service, a
// clock the test moves, and a plan brought to any state by legal steps.
package plantest

import (
	"context"
	"slices"
	"testing"

	"shuyu/internal/calendar"
	"shuyu/internal/catalog"
	"shuyu/internal/demo/demotest"
	"shuyu/internal/fsm"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// Env is the plan service over a real store with the demo city.
type Env struct {
	*demotest.City
	Catalog *catalog.Service
	Cal     *calendar.Calendar
	Plans   *plan.Service
	// Datasets are the IDs of the entries in scope: people (市人社局),
	// firms (市市场监管局), credit (市税务局); Outside is one not in scope.
	Datasets []string
	Outside  string
}

// Migrations are the schemas the plan service needs.
func Migrations() []store.Migrations {
	return []store.Migrations{ledger.Migrations, identity.Migrations, catalog.Migrations, plan.Migrations}
}

// New builds the environment over db (migrated with Migrations and
// whatever the caller adds), with the clock at 2026-03-02 09:00 Shanghai.
func New(tb testing.TB, db *store.DB) *Env {
	tb.Helper()
	e := &Env{City: demotest.New(tb, db, "2026-03-02 09:00:00"), Cal: calendar.Default()}
	e.Catalog = catalog.New(db, e.Ledger, e.IDs, catalog.DefaultScheme())
	for _, d := range []struct {
		commissioner, name string
		inScope            bool
	}{{"provider-hrss", "people", true}, {"provider-amr", "firms", true}, {"provider-tax", "credit", true}, {"provider-hrss", "internal_notes", false}} {
		id := e.entry(tb, d.commissioner, d.name, d.inScope)
		if d.inScope {
			e.Datasets = append(e.Datasets, id)
		} else {
			e.Outside = id
		}
	}
	e.Plans = plan.New(db, e.Ledger, e.IDs, e.Catalog, e.Cal, plan.Options{})
	return e
}

func (e *Env) entry(tb testing.TB, commissioner, name string, inScope bool) string {
	tb.Helper()
	title, freq, unit := name, catalog.Monthly, "id"
	fields := []catalog.Field{{Name: "id", Type: catalog.Text, Title: "编号", Classification: "enterprise.identity", Grade: "general-1"}}
	d, err := e.Catalog.Create(context.Background(), e.As(tb, commissioner), catalog.Input{Name: &name, Title: &title, Frequency: &freq,
		Fields: &fields, PrivacyUnit: &unit, InScope: &inScope})
	if err != nil {
		tb.Fatal(err)
	}
	return d.ID
}

// Input is a complete plan of the city's bureau over the three entries in scope.
func (e *Env) Input() plan.Input {
	title, mode, sharing, security := "潍坊市公共数据资源授权运营实施方案", plan.Whole, "政府、运营单位、数据提供单位按投入与贡献分配", "数据不出域、分级分类、全程留痕"
	ds := slices.Clone(e.Datasets)
	return plan.Input{Title: &title, Mode: &mode, Datasets: &ds, RevenueSharing: &sharing, Security: &security,
		Consulted: &[]plan.ConsultationInput{{OrgID: e.Orgs["cac"], Opinion: "同意"}},
		Benefits:  &plan.Benefits{Economic: "培育数据产业", Social: "提升公共服务"}}
}

// Step is what action a of the plan machine needs, dated today.
func (e *Env) Step(a fsm.Action) plan.StepInput {
	today := calendar.DateOf(e.Clock()).String()
	switch a {
	case plan.Return:
		return plan.StepInput{Reason: "请补充收益分配测算"}
	case plan.Approve:
		return plan.StepInput{Decision: &plan.Decision{Meeting: "市人民政府第12次常务会议", Number: "潍政纪〔2026〕12号", Date: today}}
	case plan.File:
		return plan.StepInput{Filing: &plan.Filing{Reference: "鲁数备〔2026〕3号", Date: today}}
	}
	return plan.StepInput{}
}

// PlanIn creates a plan of the bureau and brings it to state by legal steps
// of the bureau's officer. A superseded plan is one whose next version was
// approved.
func (e *Env) PlanIn(tb testing.TB, state fsm.State) plan.Plan {
	tb.Helper()
	ctx := context.Background()
	bureau := e.As(tb, "bureau")
	pl, err := e.Plans.Create(ctx, bureau, e.Input())
	if err != nil {
		tb.Fatal(err)
	}
	if state == plan.Superseded {
		approved := e.walk(tb, pl, plan.Approved)
		scope := e.Datasets[:2]
		next, err := e.Plans.Update(ctx, bureau, approved.ID, plan.Input{Datasets: &scope})
		if err != nil {
			tb.Fatal(err)
		}
		e.walk(tb, next, plan.Approved)
		got, _ := e.Plans.Get(ctx, bureau, approved.ID)
		return got
	}
	return e.walk(tb, pl, state)
}

func (e *Env) walk(tb testing.TB, pl plan.Plan, state fsm.State) plan.Plan {
	tb.Helper()
	for _, a := range PathTo(plan.Machine, plan.Draft, state, plan.Supersede) {
		var err error
		if pl, err = e.Plans.Act(context.Background(), e.As(tb, "bureau"), pl.ID, a, e.Step(a)); err != nil {
			tb.Fatalf("bringing a plan to %s: %s: %v", state, a, err)
		}
	}
	if pl.State != state {
		tb.Fatalf("plan in %s, want %s", pl.State, state)
	}
	return pl
}

// PathTo returns the actions that lead from one state to another in m's
// table, shortest first, never through the skipped actions.
func PathTo[T any](m *fsm.Machine[T], from, to fsm.State, skip ...fsm.Action) []fsm.Action {
	paths := map[fsm.State][]fsm.Action{from: nil}
	queue := []fsm.State{from}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, t := range m.Transitions() {
			if _, seen := paths[t.To]; slices.Contains(t.From, s) && !seen && !slices.Contains(skip, t.Action) {
				paths[t.To] = append(slices.Clone(paths[s]), t.Action)
				queue = append(queue, t.To)
			}
		}
	}
	return paths[to]
}
