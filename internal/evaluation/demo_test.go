package evaluation_test

import (
	"context"
	"testing"

	"shuyu/internal/demo"
	"shuyu/internal/evaluation"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestDemoSeed seeds the demo evaluation twice: the second run adds
// nothing; the first leaves a finalised evaluation with one finding and
// its task open, due in the future.
func TestDemoSeed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, nil)
		ag := e.agreement()
		for range 2 {
			if err := demo.SeedEvaluation(ctx, e.IDs, e.ev, ag, 2024); err != nil {
				t.Fatal(err)
			}
		}
		regulator := e.As(t, "regulator")
		evs, _, err := e.ev.Evaluations(ctx, regulator, evaluation.EvaluationFilter{AgreementID: ag}, store.NewPage(0, ""))
		if err != nil || len(evs) != 1 {
			t.Fatalf("evaluations: %d, %v", len(evs), err)
		}
		if ev := evs[0]; ev.State != evaluation.Finalised || *ev.Score != 97 || ev.Grade != "优秀" {
			t.Errorf("the demo evaluation: %s %v %s; want finalised, 97, 优秀", ev.State, *ev.Score, ev.Grade)
		}
		rs, _, err := e.ev.Rectifications(ctx, regulator, evaluation.RectificationFilter{AgreementID: ag}, store.NewPage(0, ""))
		if err != nil || len(rs) != 1 || rs[0].State != evaluation.Open || rs[0].ItemKey != "staff" || !rs[0].DueAt.After(e.Clock()) || rs[0].Failed {
			t.Errorf("rectifications: %+v, %v; want one open task on staff, due in the future", rs, err)
		}
	}, migrations()...)
}
