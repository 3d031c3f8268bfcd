package evaluation_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/demo/demotest"
	"shuyu/internal/errs"
	"shuyu/internal/evaluation"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

var taskStates = []fsm.State{evaluation.Open, evaluation.Submitted, evaluation.Accepted, evaluation.Cancelled}

// finding is a finding of the hand-made template's staff item.
var finding = evaluation.FindingInput{ItemKey: "staff", Finding: "两名分析人员未签订保密协议", Requirement: "补签保密协议并补充岗前培训记录"}

// task creates a task from a finalised evaluation and takes it to state.
func task(t *testing.T, e *env, evalID string, state fsm.State) evaluation.Rectification {
	t.Helper()
	r, err := e.ev.CreateRectification(context.Background(), e.As(t, "bureau"), evalID, finding)
	if err != nil {
		t.Fatal(err)
	}
	path := map[fsm.State][]fsm.Action{
		evaluation.Submitted: {evaluation.ActSubmit},
		evaluation.Accepted:  {evaluation.ActSubmit, evaluation.ActAccept},
		evaluation.Cancelled: {evaluation.ActCancel},
	}[state]
	for _, a := range path {
		if r, err = taskStep(e, e.As(t, mayTake[evaluation.RectificationStepAction(a)][0]), r.ID, a, 0); err != nil {
			t.Fatalf("bringing a task to %s: %s: %v", state, a, err)
		}
	}
	return r
}

// taskStep takes a on task id (for create: the evaluation id); a rejection
// gives days more working days when days > 0.
func taskStep(e *env, p access.Principal, id string, a fsm.Action, days int) (evaluation.Rectification, error) {
	ctx := context.Background()
	switch a {
	case evaluation.ActCreate:
		return e.ev.CreateRectification(ctx, p, id, finding)
	case evaluation.ActSubmit:
		return e.ev.SubmitRectification(ctx, p, id, evaluation.ReportInput{Report: "已补签协议，培训记录见附件"})
	}
	return e.ev.RectificationStep(ctx, p, id, a, evaluation.StepInput{Comment: "依规办理", Days: days})
}

// TestRectificationMachine is generated from the rectification table, as
// TestEvaluationMachine is from the evaluation table.
func TestRectificationMachine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, small("machine"))
		final := bring(t, e, evaluation.Finalised).ID
		target := func(from fsm.State) string {
			if from == "" {
				return final
			}
			return task(t, e, final, from).ID
		}
		table := evaluation.RectificationTransitions()
		for _, tr := range table {
			for _, from := range tr.From {
				for _, who := range mayTake[tr.Who] {
					got, err := taskStep(e, e.As(t, who), target(from), tr.Action, 0)
					if err != nil || got.State != tr.To {
						t.Errorf("%s from %q by %s: %s, %v; want %s", tr.Action, from, who, got.State, err, tr.To)
						continue
					}
					wantLedger(t, e, "rectification", got.ID, tr.Action, from, tr.To)
				}
				id := target(from)
				for _, who := range accounts() {
					if slices.Contains(mayTake[tr.Who], who) {
						continue
					}
					if _, err := taskStep(e, e.As(t, who), id, tr.Action, 0); !errs.Is(err, errs.Forbidden) {
						t.Errorf("%s from %q by %s: %v; want forbidden", tr.Action, from, who, err)
					}
				}
			}
		}
		for _, a := range actionsOf(table) {
			if a == evaluation.ActCreate {
				continue // creating makes a new task; its refusal is an unfinished evaluation (TestRectificationRules)
			}
			who := mayTake[evaluation.RectificationStepAction(a)][0]
			for _, from := range taskStates {
				if fromAny(table, a, from) {
					continue
				}
				if _, err := taskStep(e, e.As(t, who), target(from), a, 0); !errs.Is(err, errs.Conflict) {
					t.Errorf("%s on a task that is %s: %v; want a conflict", a, from, err)
				}
			}
		}
	}, migrations()...)
}

// TestRectificationDeadlineOverHoliday creates a task on Thursday
// 2026-09-24 with 20 working days. Counted by hand with the 2026 notice
// (国办发明电〔2025〕7号): 9-25..9-27 中秋 off; 9-28, 9-29, 9-30 are days 1–3;
// 10-1..10-7 国庆 off; 10-8 (4), 10-9 (5), Saturday 10-10 a make-up working
// day (6); 10-12..10-16 (7–11); 10-19..10-23 (12–16); 10-26 (17), 10-27
// (18), 10-28 (19), Thursday 10-29 (20). A rejection on 2026-12-30 with 5
// more days runs into 2027, which the table does not cover: 12-31 (1),
// 2027-01-01 元旦 off, 1-4..1-7 (2–5), so 2027-01-07, estimated.
func TestRectificationDeadlineOverHoliday(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, small("holiday"))
		final := bring(t, e, evaluation.Finalised).ID
		e.At("2026-09-24 16:30:00")
		r, err := e.ev.CreateRectification(ctx, e.As(t, "bureau"), final, finding)
		if err != nil {
			t.Fatal(err)
		}
		if r.DueDay != "2026-10-29" || r.DueEstimated || !r.DueAt.Equal(demotest.Shanghai("2026-10-29 23:59:59").Add(999999*time.Microsecond)) {
			t.Errorf("due %s at %s (estimated %v); want 2026-10-29, the end of that day in Shanghai", r.DueDay, r.DueAt, r.DueEstimated)
		}
		e.At("2026-12-30 10:00:00")
		if _, err := taskStep(e, e.As(t, "operator"), r.ID, evaluation.ActSubmit, 0); err != nil {
			t.Fatal(err)
		}
		if r, err = taskStep(e, e.As(t, "reviewer-only"), r.ID, evaluation.ActReject, 5); err != nil {
			t.Fatal(err)
		}
		if r.DueDay != "2027-01-07" || !r.DueEstimated || r.Days != 5 || r.State != evaluation.Open {
			t.Errorf("after the rejection: %s due %s (estimated %v, %d days); want open, due 2027-01-07, estimated, 5 days", r.State, r.DueDay, r.DueEstimated, r.Days)
		}
	}, migrations()...)
}

// TestRectificationFailed: a task open past its deadline, or rejected
// twice, makes the agreement's rectification failed; accepting or
// cancelling it ends that; other agreements are not touched.
func TestRectificationFailed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, small("failed"))
		failed := func(ev evaluation.Evaluation) bool {
			t.Helper()
			f, err := e.ev.RectificationFailed(ctx, ev.AgreementID)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		// Overdue: 20 working days from 2026-03-02 end on 2026-03-30.
		late := bring(t, e, evaluation.Finalised)
		e.At("2026-03-02 09:00:00")
		r := task(t, e, late.ID, evaluation.Open)
		if failed(late) {
			t.Error("a task within its deadline has failed")
		}
		e.At("2026-03-30 23:00:00")
		if failed(late) {
			t.Error("a task on the evening of its last day has failed")
		}
		e.At("2026-03-31 00:00:01")
		if !failed(late) {
			t.Error("a task past its deadline has not failed")
		}
		if r, _ = e.ev.Rectification(ctx, e.As(t, "regulator"), r.ID); !r.Overdue || !r.Failed {
			t.Errorf("task read by a regulator: overdue %v, failed %v; want both", r.Overdue, r.Failed)
		}
		if _, err := taskStep(e, e.As(t, "bureau"), r.ID, evaluation.ActCancel, 0); err != nil {
			t.Fatal(err)
		}
		if failed(late) {
			t.Error("a cancelled task still fails the agreement")
		}

		// Rejected twice, each time with a new deadline, so never overdue.
		twice := bring(t, e, evaluation.Finalised)
		r = task(t, e, twice.ID, evaluation.Open)
		for i := 1; i <= evaluation.MaxRejections; i++ {
			if failed(twice) {
				t.Errorf("failed after %d rejections", i-1)
			}
			if _, err := taskStep(e, e.As(t, "operator"), r.ID, evaluation.ActSubmit, 0); err != nil {
				t.Fatal(err)
			}
			if r, _ = taskStep(e, e.As(t, "bureau"), r.ID, evaluation.ActReject, 10); r.Rejections != i || r.Overdue {
				t.Fatalf("rejection %d: %d rejections, overdue %v", i, r.Rejections, r.Overdue)
			}
		}
		if !failed(twice) {
			t.Error("a task rejected twice has not failed")
		}
		if failed(late) {
			t.Error("another agreement's task fails this one")
		}
		if _, err := taskStep(e, e.As(t, "operator"), r.ID, evaluation.ActSubmit, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := taskStep(e, e.As(t, "bureau"), r.ID, evaluation.ActAccept, 0); err != nil {
			t.Fatal(err)
		}
		if failed(twice) {
			t.Error("an accepted task still fails the agreement")
		}
		if f, err := e.ev.RectificationFailed(ctx, "no-such-agreement"); f || err != nil {
			t.Errorf("an agreement without tasks: %v, %v", f, err)
		}
	}, migrations()...)
}
