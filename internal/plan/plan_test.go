package plan_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
	"shuyu/internal/plan/plantest"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestPlanMachine is generated from plan.Machine. The plans are the city
// bureau's: its officer takes every step, the county's officer does not
// reach them, nobody else may. Supersede is taken by approving the next
// version (TestVersionAfterApproval).
func TestPlanMachine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := plantest.New(t, db)
		ctx := context.Background()
		plantest.CheckMachine(t, e.Ledger, plan.Machine, plantest.Spec{
			States:  plan.States,
			Skip:    []fsm.Action{plan.Supersede},
			MayTake: map[access.Action][]string{access.PlanWrite: {"bureau"}, access.PlanDecide: {"bureau"}},
			In:      func(t *testing.T, s fsm.State) string { return e.PlanIn(t, s).ID },
			Act: func(t *testing.T, who, id string, a fsm.Action) error {
				_, err := e.Plans.Act(ctx, e.As(t, who), id, a, e.Step(a))
				return err
			},
			State: func(t *testing.T, id string) fsm.State {
				pl, err := e.Plans.Lookup(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				return pl.State
			},
		})
		// Guards refuse what they must.
		bureau := e.As(t, "bureau")
		submitted := e.PlanIn(t, plan.Submitted)
		for _, c := range []struct {
			step plan.StepInput
			a    fsm.Action
			want string
		}{
			{plan.StepInput{}, plan.Return, "reason"},
			{plan.StepInput{}, plan.Approve, "decision"},
			{plan.StepInput{Decision: &plan.Decision{Meeting: "常务会议", Number: "1号", Date: "2026-03-09"}}, plan.Approve, "after today"},
		} {
			if _, err := e.Plans.Act(ctx, bureau, submitted.ID, c.a, c.step); !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s with %+v: %v; want invalid naming %s", c.a, c.step, err, c.want)
			}
		}
		approved := e.PlanIn(t, plan.Approved)
		early := plan.StepInput{Filing: &plan.Filing{Reference: "鲁数备1号", Date: "2026-02-01"}}
		if _, err := e.Plans.Act(ctx, bureau, approved.ID, plan.File, early); !errs.Is(err, errs.Invalid) {
			t.Errorf("filing before the approval: %v, want invalid", err)
		}
		if _, err := e.Plans.Act(ctx, bureau, approved.ID, plan.Supersede, plan.StepInput{}); !errs.Is(err, errs.Invalid) {
			t.Errorf("superseding by hand: %v, want invalid (it is no step)", err)
		}
		// What the caller may do next comes with the plan.
		for who, want := range map[string][]fsm.Action{"bureau": {plan.Return, plan.Approve}, "regulator": {}} {
			got, err := e.Plans.Get(ctx, e.As(t, who), submitted.ID)
			if err != nil || !slices.Equal(got.Actions, want) {
				t.Errorf("actions offered to %s: %v %v, want %v", who, got.Actions, err, want)
			}
		}
	}, plantest.Migrations()...)
}

// TestSubmitNeedsContent: a plan names everything Art. 9–10 ask before it
// is submitted.
func TestSubmitNeedsContent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := plantest.New(t, db)
		ctx := context.Background()
		bureau := e.As(t, "bureau")
		title := "草稿"
		pl, err := e.Plans.Create(ctx, bureau, plan.Input{Title: &title})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.Plans.Act(ctx, bureau, pl.ID, plan.Submit, plan.StepInput{})
		if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "benefits.economic, benefits.social, consulted, datasets, revenue_sharing, security") {
			t.Errorf("submitting an empty plan: %v", err)
		}
		mode := plan.ByScenario
		in := e.Input()
		in.Mode = &mode
		if _, err := e.Plans.Update(ctx, bureau, pl.ID, in); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Plans.Act(ctx, bureau, pl.ID, plan.Submit, plan.StepInput{}); err == nil || !strings.Contains(err.Error(), "mode_reason") {
			t.Errorf("a scenario authorization without saying why not whole: %v", err)
		}
	}, plantest.Migrations()...)
}

// TestPlanScope: the data scope holds catalog entries in the operation
// scope within the unit's jurisdiction; consulted bodies are regulators.
func TestPlanScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := plantest.New(t, db)
		ctx := context.Background()
		bureau := e.As(t, "bureau")
		for _, c := range []struct {
			in   func(*plan.Input)
			want string
		}{
			{func(in *plan.Input) { *in.Datasets = []string{e.Outside} }, "not in the authorized-operation scope"},
			{func(in *plan.Input) { *in.Datasets = []string{"nope"} }, "no catalog entry"},
			{func(in *plan.Input) { *in.Datasets = []string{e.Datasets[0], "people"} }, "named twice"},
			{func(in *plan.Input) { *in.Consulted = []plan.ConsultationInput{{OrgID: e.Orgs["operator"]}} }, "not an industry authority"},
			{func(in *plan.Input) { m := plan.Mode("county"); in.Mode = &m }, "mode"},
		} {
			in := e.Input()
			c.in(&in)
			if _, err := e.Plans.Create(ctx, bureau, in); !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v", c.want, err)
			}
		}
		// The county's unit reaches no city entry.
		if _, err := e.Plans.Create(ctx, e.As(t, "kuiwen"), e.Input()); !errs.Is(err, errs.Invalid) {
			t.Errorf("a county plan over city entries: %v, want invalid", err)
		}
		for _, who := range []string{"operator", "regulator", "admin"} {
			if _, err := e.Plans.Create(ctx, e.As(t, who), e.Input()); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s drafting a plan: %v, want forbidden", who, err)
			}
		}
		pl, err := e.Plans.Create(ctx, bureau, e.Input())
		if err != nil || len(pl.Datasets) != 3 || pl.Datasets[0].Name != "credit" || pl.Consulted[0].Org == "" || pl.Version != 1 || pl.SeriesID != pl.ID {
			t.Fatalf("created %+v, %v", pl, err)
		}
		if _, err := e.Plans.Get(ctx, e.As(t, "kuiwen"), pl.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("the county reading a city plan: %v, want forbidden", err)
		}
		for who, n := range map[string]int{"bureau": 1, "regulator": 1, "admin": 1, "kuiwen": 0} {
			list, _, err := e.Plans.List(ctx, e.As(t, who), plan.Filter{}, store.NewPage(10, ""))
			if err != nil || len(list) != n {
				t.Errorf("%s lists %d plans, %v; want %d", who, len(list), err, n)
			}
		}
		if _, _, err := e.Plans.List(ctx, e.As(t, "operator"), plan.Filter{}, store.NewPage(10, "")); !errs.Is(err, errs.Forbidden) {
			t.Errorf("the operator listing plans: %v, want forbidden", err)
		}
	}, plantest.Migrations()...)
}
