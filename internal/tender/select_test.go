package tender_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"shuyu/internal/errs"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
	"shuyu/internal/tender"
	"shuyu/internal/tender/tendertest"
)

// TestSelection walks a selection with two applicants: eligibility item by
// item, scores averaged over evaluators and weighted by the criteria, an
// award that passes over the best score only with a reason, publicity of
// five working days across 国庆, an objection upheld (back to selection)
// and one dismissed, conclusion by the clock, and the binding of the one
// agreement.
func TestSelection(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := tendertest.New(t, db)
		ctx := context.Background()
		bureau, admin := e.As(t, "bureau"), e.As(t, "admin")
		e.At("2026-09-20 09:00:00")
		a, err := e.Tender.Create(ctx, bureau, e.Input())
		if err != nil {
			t.Fatal(err)
		}
		if a, err = e.Tender.Act(ctx, bureau, a.ID, tender.Publish, tender.StepInput{}); err != nil {
			t.Fatal(err)
		}
		first, second := e.Apply(t, "operator", a.ID), e.Apply(t, "operator2", a.ID)
		if n, err := e.Tender.Tick(ctx); err != nil || n != 0 {
			t.Errorf("tick before the deadline: %d %v", n, err)
		}
		e.At("2026-09-24 09:00:00")
		if n, err := e.Tender.Tick(ctx); err != nil || n != 1 {
			t.Fatalf("tick after the deadline: %d %v; want the announcement closed", n, err)
		}
		if a, err = e.Tender.Act(ctx, bureau, a.ID, tender.Evaluate, tender.StepInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Tender.Act(ctx, bureau, a.ID, tender.Award, tender.StepInput{ApplicationID: first.ID}); !errs.Is(err, errs.Conflict) {
			t.Errorf("awarding before the checks: %v, want a conflict", err)
		}
		pending := func(kind string) int {
			items, err := e.Tender.Pending(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, it := range items {
				if it.Kind == kind && it.OrgID == e.Orgs["bureau"] {
					n++
				}
			}
			return n
		}
		if n := pending("application.check"); n != 2 {
			t.Errorf("inbox: %d applications to check, want 2", n)
		}
		for _, ap := range []tender.Application{first, second} {
			if _, err := e.Tender.CheckEligibility(ctx, bureau, ap.ID, tendertest.AllPass()[:6]); !errs.Is(err, errs.Invalid) {
				t.Errorf("a check of six items: %v, want invalid", err)
			}
			if _, err := e.Tender.CheckEligibility(ctx, bureau, ap.ID, tendertest.AllPass()); err != nil {
				t.Fatal(err)
			}
		}
		if pending("application.check") != 0 || pending("application.score") != 2 {
			t.Errorf("inbox after the checks: %d to check, %d to score", pending("application.check"), pending("application.score"))
		}
		// Two evaluators: the bureau's and a second reviewer of the unit.
		scores := map[string][][]int{first.ID: {{60, 80}, {80, 100}}, second.ID: {{90, 70}, {90, 90}}}
		evaluators := []string{"bureau", "reviewer2"}
		for id, byEvaluator := range scores {
			for i, sc := range byEvaluator {
				if _, err := e.Tender.Score(ctx, e.As(t, evaluators[i]), id, []tender.ScoreInput{{Criterion: 0, Score: sc[0]}, {Criterion: 1, Score: sc[1]}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := e.Tender.Score(ctx, e.As(t, "bureau"), first.ID, []tender.ScoreInput{{Criterion: 0, Score: 101}, {Criterion: 1, Score: 1}}); !errs.Is(err, errs.Invalid) {
			t.Errorf("a score of 101: %v, want invalid", err)
		}
		r, err := e.Tender.Ranking(ctx, bureau, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		// operator2: 0.6×90 + 0.4×80 = 86; operator: 0.6×70 + 0.4×90 = 78.
		if len(r.Rows) != 2 || r.Rows[0].ApplicationID != second.ID || math.Abs(r.Rows[0].Total-86) > 1e-9 ||
			math.Abs(r.Rows[1].Total-78) > 1e-9 || r.Rows[1].Evaluators != 2 || r.Rows[1].Means[0] != 70 {
			t.Fatalf("ranking %+v", r)
		}
		if _, err := e.Tender.Ranking(ctx, e.As(t, "operator"), a.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("an applicant reading the ranking: %v, want forbidden", err)
		}
		if own, _ := e.Tender.Application(ctx, e.As(t, "operator"), first.ID); own.Scores != nil || own.Standing != nil {
			t.Errorf("the applicant sees the evaluators' marks: %+v", own)
		}
		// Passing over the best score needs a reason.
		e.At("2026-09-29 10:00:00")
		if _, err := e.Tender.Act(ctx, bureau, a.ID, tender.Award, tender.StepInput{ApplicationID: first.ID}); !errs.Is(err, errs.Invalid) {
			t.Errorf("awarding the second without a reason: %v, want invalid", err)
		}
		a, err = e.Tender.Act(ctx, bureau, a.ID, tender.Award, tender.StepInput{ApplicationID: first.ID, Reason: "第二名放弃"})
		if err != nil {
			t.Fatal(err)
		}
		// Awarded Tuesday 2026-09-29: Wed 09-30 (1); 国庆 10-01 to 10-07;
		// Thu 10-08 (2), Fri 10-09 (3), the make-up Saturday 10-10 (4),
		// Monday 10-12 (5).
		if a.State != tender.Publicity || a.PublicityDay != "2026-10-12" || a.Winner == nil || a.Winner.ID != e.Orgs["operator"] {
			t.Fatalf("after the award: %s until %s, winner %+v", a.State, a.PublicityDay, a.Winner)
		}
		// Anyone signed in objects; the first is upheld, sending the
		// result back to selection.
		o1, err := e.Tender.Object(ctx, e.As(t, "operator2"), a.ID, "第二名并未放弃")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Tender.Object(ctx, e.As(t, "operator2"), a.ID, " "); !errs.Is(err, errs.Invalid) {
			t.Errorf("an empty objection: %v, want invalid", err)
		}
		if _, err := e.Tender.Objection(ctx, e.As(t, "operator"), o1.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("another applicant reading the objection: %v, want forbidden", err)
		}
		if list, _ := e.Tender.Objections(ctx, e.As(t, "operator"), a.ID); len(list) != 0 {
			t.Errorf("another applicant lists %d objections", len(list))
		}
		if _, err := e.Tender.Resolve(ctx, bureau, o1.ID, tender.Uphold, "经核实，第二名未放弃"); err != nil {
			t.Fatal(err)
		}
		a, _ = e.Tender.Get(ctx, bureau, a.ID)
		if a.State != tender.Selection || a.WinnerID != "" || a.PublicityUntil != nil || !strings.Contains(a.StopReason, "异议成立") {
			t.Fatalf("after upholding: %+v", a)
		}
		if a, err = e.Tender.Act(ctx, bureau, a.ID, tender.Award, tender.StepInput{ApplicationID: second.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Tender.Winner(ctx, a.ID); err != nil {
			t.Errorf("the winner under publicity: %v", err)
		}
		bind := func(agreement string) error {
			return db.InTx(ctx, func(tx *store.Tx) error {
				_, err := e.Tender.BindAgreement(ctx, tx, a.ID, agreement, second.ID)
				return err
			})
		}
		if err := bind("agreement-1"); !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "under publicity") {
			t.Errorf("binding an agreement under publicity: %v, want a conflict", err)
		}
		// An open objection holds the conclusion past the publicity.
		o2, err := e.Tender.Object(ctx, e.As(t, "regulator"), a.ID, "请说明评分依据")
		if err != nil {
			t.Fatal(err)
		}
		if pending("objection.resolve") != 1 {
			t.Errorf("inbox: the open objection is missing")
		}
		e.Advance(a.PublicityUntil.Sub(e.Clock()) + time.Minute)
		if _, err := e.Tender.Object(ctx, e.As(t, "operator"), a.ID, "迟到的异议"); !errs.Is(err, errs.Conflict) {
			t.Errorf("an objection after publicity: %v, want a conflict", err)
		}
		if n, err := e.Tender.Tick(ctx); err != nil || n != 0 {
			t.Errorf("tick with an open objection: %d %v; want nothing done", n, err)
		}
		if err := bind("agreement-1"); !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "objection") {
			t.Errorf("binding an agreement with an open objection: %v, want a conflict naming it", err)
		}
		if _, err := e.Tender.Act(ctx, admin, a.ID, tender.Conclude, tender.StepInput{}); !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "objection") {
			t.Errorf("concluding with an open objection: %v", err)
		}
		if _, err := e.Tender.Resolve(ctx, bureau, o2.ID, tender.Dismiss, "评分依据已公开"); err != nil {
			t.Fatal(err)
		}
		if n, err := e.Tender.Tick(ctx); err != nil || n != 1 {
			t.Fatalf("tick after the objection was dismissed: %d %v", n, err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := e.Tender.BindAgreement(ctx, tx, a.ID, "agreement-0", first.ID)
			return err
		})
		if !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "another application") {
			t.Errorf("binding an agreement drafted for the award an objection took back: %v", err)
		}
		if err := bind("agreement-1"); err != nil {
			t.Fatal(err)
		}
		if err := bind("agreement-1"); err != nil {
			t.Errorf("binding the same agreement again: %v", err)
		}
		if err := bind("agreement-2"); !errs.Is(err, errs.Conflict) {
			t.Errorf("binding a second agreement: %v, want a conflict", err)
		}
		if _, err := e.Tender.Act(ctx, bureau, a.ID, tender.Veto, tender.StepInput{Reason: "危及国家安全"}); !errs.Is(err, errs.Conflict) {
			t.Errorf("vetoing after the agreement was signed: %v, want a conflict", err)
		}
	}, tendertest.Migrations()...)
}

// TestVetoStopsEverything: a vetoed selection takes no application,
// objection, award or agreement; the portal does not learn why.
func TestVetoStopsEverything(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := tendertest.New(t, db)
		ctx := context.Background()
		bureau := e.As(t, "bureau")
		sel := e.AnnouncementIn(t, tender.Publicity)
		if _, err := e.Tender.Act(ctx, bureau, sel.Announcement.ID, tender.Veto, tender.StepInput{}); !errs.Is(err, errs.Invalid) {
			t.Errorf("a veto without a reason: %v, want invalid", err)
		}
		a, err := e.Tender.Act(ctx, bureau, sel.Announcement.ID, tender.Veto, tender.StepInput{Reason: "可能危及国家安全"})
		if err != nil || a.State != tender.Vetoed || a.StopReason == "" {
			t.Fatalf("veto: %+v %v", a, err)
		}
		if _, err := e.Tender.Object(ctx, e.As(t, "operator"), a.ID, "异议"); !errs.Is(err, errs.Conflict) {
			t.Errorf("objecting to a vetoed result: %v", err)
		}
		if _, err := e.Tender.Winner(ctx, a.ID); !errs.Is(err, errs.Conflict) {
			t.Errorf("drafting an agreement on a vetoed result: %v", err)
		}
		public, err := e.Tender.PublicOne(ctx, a.ID)
		if err != nil || public.State != tender.Vetoed || public.StopReason != "" || public.CreatedBy != "" {
			t.Errorf("the portal's view: %+v %v", public, err)
		}
		draft, err := e.Tender.Create(ctx, bureau, e.Input())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Tender.PublicOne(ctx, draft.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("a draft on the portal: %v, want not found", err)
		}
		if list, _, err := e.Tender.Public(ctx, tender.Filter{}, store.NewPage(10, "")); err != nil || len(list) != 1 {
			t.Errorf("the portal lists %d announcements, %v; want the vetoed one only", len(list), err)
		}
		if list, _, err := e.Tender.List(ctx, e.As(t, "operator"), tender.Filter{}, store.NewPage(10, "")); err != nil || len(list) != 1 {
			t.Errorf("the operator lists %d announcements, %v; want the published one only", len(list), err)
		}
		if _, err := e.Tender.Get(ctx, e.As(t, "operator"), draft.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("the operator reading a draft: %v, want forbidden", err)
		}
		if list, _, err := e.Tender.List(ctx, bureau, tender.Filter{}, store.NewPage(10, "")); err != nil || len(list) != 2 {
			t.Errorf("the bureau lists %d announcements, %v", len(list), err)
		}
	}, tendertest.Migrations()...)
}

// TestAnnouncementContent: criteria weigh 100 in all, the scope lies
// within the plan's, and a published announcement does not change.
func TestAnnouncementContent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := tendertest.New(t, db)
		ctx := context.Background()
		bureau := e.As(t, "bureau")
		for _, c := range []struct {
			edit func(*tender.Input)
			want string
		}{
			{func(in *tender.Input) {
				*in.Criteria = []tender.Criterion{{Name: "方案", Weight: 60}, {Name: "安全", Weight: 30}}
			}, "sum to 90"},
			{func(in *tender.Input) { *in.Criteria = nil }, "criteria"},
			{func(in *tender.Input) { in.Datasets = &[]string{e.Outside} }, "not in the data scope"},
			{func(in *tender.Input) { in.Conditions = nil }, "conditions"},
			{func(in *tender.Input) { in.Deadline = nil }, "deadline"},
		} {
			in := e.Input()
			c.edit(&in)
			if _, err := e.Tender.Create(ctx, bureau, in); !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v", c.want, err)
			}
		}
		in := e.Input()
		in.Datasets = &[]string{"people"}
		a, err := e.Tender.Create(ctx, bureau, in)
		if err != nil || len(a.Datasets) != 1 || a.Plan.ID != e.Plan.ID || a.Plan.Overdue {
			t.Fatalf("created %+v %v", a, err)
		}
		for _, who := range []string{"kuiwen", "operator", "admin"} {
			if _, err := e.Tender.Create(ctx, e.As(t, who), e.Input()); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s announcing: %v, want forbidden", who, err)
			}
		}
		past := e.Clock().Add(-time.Hour)
		if a, err = e.Tender.Update(ctx, bureau, a.ID, tender.Input{Deadline: &past}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Tender.Act(ctx, bureau, a.ID, tender.Publish, tender.StepInput{}); !errs.Is(err, errs.Invalid) {
			t.Errorf("publishing with a deadline passed: %v, want invalid", err)
		}
		future := e.Clock().Add(time.Hour)
		if _, err = e.Tender.Update(ctx, bureau, a.ID, tender.Input{Deadline: &future}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Tender.Act(ctx, bureau, a.ID, tender.Publish, tender.StepInput{}); err != nil {
			t.Fatal(err)
		}
		title := "改"
		if _, err := e.Tender.Update(ctx, bureau, a.ID, tender.Input{Title: &title}); !errs.Is(err, errs.Conflict) {
			t.Errorf("editing a published announcement: %v, want a conflict", err)
		}
	}, tendertest.Migrations()...)
}
