package evaluation_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/demo"
	"shuyu/internal/errs"
	"shuyu/internal/evaluation"
	"shuyu/internal/fsm"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// mayTake says, independently of the policy table, which accounts may take
// the steps guarded by each action on an evaluation or a task of the demo
// operator's agreement with the city: the city bureau's officers open,
// finalise, create and cancel; its reviewers score; either reviews reports;
// the operator's manager answers and reports. No one else: not the
// operator's analysts, not the county bureau, not regulators (they read),
// not the platform administrator.
var mayTake = map[access.Action][]string{
	access.EvaluationOpen:      {"bureau", "officer-only"},
	access.EvaluationAnswer:    {"operator"},
	access.EvaluationScore:     {"bureau", "reviewer-only"},
	access.EvaluationFinalise:  {"bureau", "officer-only"},
	access.RectificationCreate: {"bureau", "officer-only"},
	access.RectificationSubmit: {"operator"},
	access.RectificationReview: {"bureau", "officer-only", "reviewer-only"},
}

// accounts are the demo accounts and the bureau's single-role members.
func accounts() []string {
	out := []string{"officer-only", "reviewer-only"}
	for _, a := range demo.Accounts {
		out = append(out, a.Username)
	}
	return out
}

var evaluationStates = []fsm.State{"", evaluation.Opened, evaluation.Answered, evaluation.Scored, evaluation.Finalised}

// bring opens an evaluation of a new agreement for 2025 and takes it to
// state by legal steps.
func bring(t *testing.T, e *env, state fsm.State) evaluation.Evaluation {
	t.Helper()
	ctx := context.Background()
	ev, err := e.ev.Open(ctx, e.As(t, "bureau"), evaluation.OpenInput{AgreementID: e.agreement(), Year: 2025})
	if err != nil {
		t.Fatal(err)
	}
	path := map[fsm.State][]fsm.Action{
		evaluation.Answered:  {evaluation.ActSubmit},
		evaluation.Scored:    {evaluation.ActSubmit, evaluation.ActGrade},
		evaluation.Finalised: {evaluation.ActSubmit, evaluation.ActGrade, evaluation.ActFinalise},
	}[state]
	for _, a := range path {
		satisfy(t, e, ev, a)
		if ev, err = step(e, e.As(t, mayTake[evaluation.EvaluationStepAction(a)][0]), ev.ID, a); err != nil {
			t.Fatalf("bringing an evaluation to %s: %s: %v", state, a, err)
		}
	}
	if ev.State != state {
		t.Fatalf("evaluation is %s, want %s", ev.State, state)
	}
	return ev
}

// satisfy meets the guard of action a on ev: every item answered before
// submitting, scored before grading, and the answer deadline passed before
// reviewers score an unsubmitted evaluation.
func satisfy(t *testing.T, e *env, ev evaluation.Evaluation, a fsm.Action) {
	t.Helper()
	ctx := context.Background()
	if ev.State == evaluation.Opened && (a == evaluation.ActScore || a == evaluation.ActGrade) {
		e.Advance(40 * 24 * time.Hour) // past the 15 working days
	}
	for _, it := range ev.Items {
		var err error
		switch a {
		case evaluation.ActSubmit:
			_, err = e.ev.Answer(ctx, e.As(t, "operator"), ev.ID, it.Key, evaluation.AnswerInput{Answer: "已按协议执行，材料见附件"})
		case evaluation.ActGrade:
			pts := it.Weight
			_, err = e.ev.Score(ctx, e.As(t, "bureau"), ev.ID, it.Key, evaluation.ScoreInput{Points: &pts})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// step takes a on the evaluation id (for open: the agreement id) with
// input that meets the guards on content.
func step(e *env, p access.Principal, id string, a fsm.Action) (evaluation.Evaluation, error) {
	ctx := context.Background()
	switch a {
	case evaluation.ActOpen:
		return e.ev.Open(ctx, p, evaluation.OpenInput{AgreementID: id, Year: 2025})
	case evaluation.ActAnswer:
		return e.ev.Answer(ctx, p, id, "scope", evaluation.AnswerInput{Answer: "未超范围使用"})
	case evaluation.ActScore:
		pts := 30.0
		return e.ev.Score(ctx, p, id, "scope", evaluation.ScoreInput{Points: &pts})
	}
	return e.ev.Step(ctx, p, id, a, evaluation.StepInput{Comment: "依规办理"})
}

// target prepares an evaluation from which row can be taken, and returns
// what step takes: an evaluation ID, or for open a fresh agreement's ID.
func target(t *testing.T, e *env, from fsm.State, a fsm.Action) string {
	t.Helper()
	if from == "" {
		return e.agreement()
	}
	ev := bring(t, e, from)
	satisfy(t, e, ev, a)
	return ev.ID
}

// TestEvaluationMachine is generated from the evaluation table: every
// legal transition succeeds for each account allowed to take it and is in
// the ledger; every other account is refused (forbidden, the same in every
// state); every action from a state with no row for it is a conflict.
func TestEvaluationMachine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, small("machine"))
		table := evaluation.EvaluationTransitions()
		for _, tr := range table {
			for _, from := range tr.From {
				for _, who := range mayTake[tr.Who] {
					id := target(t, e, from, tr.Action)
					got, err := step(e, e.As(t, who), id, tr.Action)
					if err != nil || got.State != tr.To {
						t.Errorf("%s from %q by %s: %s, %v; want %s", tr.Action, from, who, got.State, err, tr.To)
						continue
					}
					wantLedger(t, e, "evaluation", got.ID, tr.Action, from, tr.To)
				}
				id := target(t, e, from, tr.Action) // a refusal changes nothing, so one will do
				for _, who := range accounts() {
					if slices.Contains(mayTake[tr.Who], who) {
						continue
					}
					if _, err := step(e, e.As(t, who), id, tr.Action); !errs.Is(err, errs.Forbidden) {
						t.Errorf("%s from %q by %s: %v; want forbidden", tr.Action, from, who, err)
					}
				}
				if _, err := step(e, access.Principal{}, id, tr.Action); !errs.Is(err, errs.Unauthenticated) {
					t.Errorf("%s from %q anonymously: %v; want unauthenticated", tr.Action, from, err)
				}
			}
		}
		for _, a := range actionsOf(table) {
			who := mayTake[evaluation.EvaluationStepAction(a)][0]
			for _, from := range evaluationStates {
				if from == "" || fromAny(table, a, from) {
					continue // "" has no evaluation to act on
				}
				ev := bring(t, e, from)
				id := ev.ID
				if a == evaluation.ActOpen {
					id = ev.AgreementID // the year's evaluation exists already
				}
				if _, err := step(e, e.As(t, who), id, a); !errs.Is(err, errs.Conflict) {
					t.Errorf("%s on an evaluation that is %s: %v; want a conflict", a, from, err)
				}
			}
		}
		if _, err := ledger.Verify(ctx, db, e.Ledger.Key(), nil); err != nil {
			t.Errorf("ledger: %v", err)
		}
	}, migrations()...)
}

// wantLedger checks that the latest entry of an object records the step.
func wantLedger(t *testing.T, e *env, kind, id string, a fsm.Action, from, to fsm.State) {
	t.Helper()
	entries, err := e.Ledger.Entries(context.Background(), ledger.Filter{ObjectType: kind, ObjectID: id, Limit: 1})
	if err != nil || len(entries) != 1 {
		t.Fatalf("ledger entries of %s %s: %d, %v", kind, id, len(entries), err)
	}
	var d struct{ From, To fsm.State }
	if err := json.Unmarshal(entries[0].Detail, &d); err != nil {
		t.Fatal(err)
	}
	if entries[0].Action != kind+"."+string(a) || d.From != from || d.To != to {
		t.Errorf("ledger: %s %s→%s, want %s.%s %q→%s", entries[0].Action, d.From, d.To, kind, a, from, to)
	}
}

func actionsOf[T any](table []fsm.Transition[T]) []fsm.Action {
	var out []fsm.Action
	for _, tr := range table {
		if !slices.Contains(out, tr.Action) {
			out = append(out, tr.Action)
		}
	}
	return out
}

func fromAny[T any](table []fsm.Transition[T], a fsm.Action, from fsm.State) bool {
	for _, tr := range table {
		if tr.Action == a && slices.Contains(tr.From, from) {
			return true
		}
	}
	return false
}
