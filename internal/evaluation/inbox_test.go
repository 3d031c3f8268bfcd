package evaluation_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"shuyu/internal/evaluation"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestInboxItems lists, for evaluations and tasks in each state, who must
// act: the operator's managers answer and report by their deadlines; the
// bureau's reviewers score (also an evaluation left unanswered past its
// deadline), its officers finalise, both review reports, and officers hear
// of failed rectification.
func TestInboxItems(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, small("inbox"))
		opened := bring(t, e, evaluation.Opened)
		answered := bring(t, e, evaluation.Answered)
		scored := bring(t, e, evaluation.Scored)
		final := bring(t, e, evaluation.Finalised)
		bring(t, e, evaluation.Finalised) // nothing waits on it
		open := task(t, e, final.ID, evaluation.Open)
		submitted := task(t, e, final.ID, evaluation.Submitted)
		task(t, e, final.ID, evaluation.Accepted)
		task(t, e, final.ID, evaluation.Cancelled)

		describe := func() []string {
			items, err := e.ev.InboxItems(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range items {
				who := map[string]string{e.Orgs["operator"]: "operator", e.Orgs["bureau"]: "bureau"}[it.OrgID]
				out = append(out, fmt.Sprintf("%s %s %s %v due=%v", it.Kind, it.ObjectID, who, it.Roles, !it.DueAt.IsZero()))
			}
			slices.Sort(out)
			return out
		}
		want := []string{
			"evaluation.answer " + opened.ID + " operator [operator_manager] due=true",
			"evaluation.finalise " + scored.ID + " bureau [officer] due=false",
			"evaluation.score " + answered.ID + " bureau [reviewer] due=false",
			"rectification.review " + submitted.ID + " bureau [officer reviewer] due=false",
			"rectification.submit " + open.ID + " operator [operator_manager] due=true",
		}
		slices.Sort(want)
		if got := describe(); !slices.Equal(got, want) {
			t.Errorf("items:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		e.At("2026-12-01 09:00:00") // past every deadline
		got := strings.Join(describe(), "\n")
		for _, w := range []string{"evaluation.score " + opened.ID + " bureau [reviewer]", "rectification.failed " + open.ID + " bureau [officer]"} {
			if !strings.Contains(got, w) {
				t.Errorf("past the deadlines, no %q in:\n%s", w, got)
			}
		}
	}, migrations()...)
}
