package quality_test

import (
	"context"
	"testing"

	"shuyu/internal/catalog"
	"shuyu/internal/errs"
	"shuyu/internal/quality"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestTimelinessAndProviderScore moves the clock past an entry's declared
// period and checks the report's timeliness, then the provider's score.
func TestTimelinessAndProviderScore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		id := field("id", catalog.Text, "personal.identity")
		monthly := e.entry(t, "provider-hrss", "monthly", catalog.Monthly, "id", id)
		e.entry(t, "provider-hrss", "irregular", catalog.Irregular, "id", id)
		e.entry(t, "provider-hrss", "empty", catalog.Weekly, "id", id)
		e.At("2026-03-01 00:00:00")
		good := first18()
		e.store(t, monthly, "id\n"+good+"\n"+good+"\n") // unique fails one row: score (1 + 0.5 + 1) / 3
		bureau := e.As(t, "bureau")
		for _, tc := range []struct {
			at    string
			late  bool
			score float64
		}{
			{"2026-03-31 00:00:00", false, 100},  // 30 days: within the 31 of a month
			{"2026-04-01 00:00:00", false, 100},  // exactly 31
			{"2026-04-02 00:00:00", true, 96.77}, // one day into the next period: 100 × (1 − 1/31)
			{"2026-04-16 12:00:00", true, 50},    // half a period late: 46.5 days
			{"2026-05-02 00:00:00", true, 0},     // a whole update missed
		} {
			e.At(tc.at)
			r, err := e.q.Report(ctx, bureau, "monthly", "")
			if err != nil {
				t.Fatal(err)
			}
			if r.Timeliness.Late != tc.late || r.Timeliness.Score != tc.score || r.Timeliness.PeriodDays != 31 {
				t.Errorf("at %s: %+v, want late %v score %v", tc.at, r.Timeliness, tc.late, tc.score)
			}
		}
		e.At("2026-03-10 00:00:00")
		if r, err := e.q.Report(ctx, bureau, "empty", ""); err != nil || !r.Timeliness.Late || r.Timeliness.Score != 0 || r.Version != nil || r.Assessment != nil {
			t.Errorf("an entry without a version: %+v %v", r, err)
		}
		if _, err := e.q.Report(ctx, bureau, "monthly", "7"); !errs.Is(err, errs.NotFound) {
			t.Errorf("a version that does not exist: %v", err)
		}
		if r, err := e.q.Report(ctx, bureau, "monthly", "1"); err != nil || r.Version == nil || r.Version.Seq != 1 || !r.Version.Current {
			t.Errorf("version by sequence number: %+v %v", r.Version, err)
		}

		pq, err := e.q.ProviderQuality(ctx, bureau, e.Orgs["hrss"])
		if err != nil {
			t.Fatal(err)
		}
		// monthly: score 83.33, timely (100); irregular and empty: no
		// version, timeliness 0. Quality 83.33; timeliness 100 / 3.
		if pq.Entries != 3 || pq.Quality == nil || *pq.Quality != 83.33 || pq.Timeliness != 33.33 ||
			pq.Score != 68.33 || len(pq.Items) != 3 {
			t.Errorf("provider quality %+v (quality %v)", pq, pq.Quality)
		}
		for who, want := range map[string]errs.Code{"provider-hrss": "", "regulator": "", "provider-amr": errs.Forbidden,
			"kuiwen": errs.Forbidden, "operator": errs.Forbidden} {
			if _, err := e.q.ProviderQuality(ctx, e.As(t, who), e.Orgs["hrss"]); errs.CodeOf(err) != want {
				t.Errorf("%s reading 市人社局's score: %v, want %q", who, err, want)
			}
		}
		if _, err := e.q.ProviderQuality(ctx, bureau, e.Orgs["operator"]); !errs.Is(err, errs.Invalid) {
			t.Errorf("the score of an operator: %v, want invalid", err)
		}
	}, migrations()...)
}

// TestSweep: the background assessor assesses each current version once,
// again after its rules change, and leaves alone what another process holds.
func TestSweep(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		id := field("id", catalog.Text, "personal.identity")
		a := e.entry(t, "provider-hrss", "a", catalog.Monthly, "id", id)
		b := e.entry(t, "provider-amr", "b", catalog.Monthly, "id", id)
		e.entry(t, "provider-tax", "c", catalog.Monthly, "id", id) // no version: nothing to do
		e.store(t, a, "id\n"+first18()+"\n")
		e.store(t, b, "id\n"+first18()+"\n")
		if n, err := e.q.Sweep(ctx, "p1"); err != nil || n != 2 {
			t.Fatalf("first sweep: %d %v, want 2", n, err)
		}
		if n, err := e.q.Sweep(ctx, "p1"); err != nil || n != 0 {
			t.Errorf("second sweep: %d %v, want 0", n, err)
		}
		if _, err := e.q.SetRules(ctx, e.As(t, "provider-hrss"), "a", quality.RulesInput{Rules: []quality.Rule{{Field: "id", Kind: quality.NotNull}}}); err != nil {
			t.Fatal(err)
		}
		if n, err := e.q.Sweep(ctx, "p1"); err != nil || n != 1 {
			t.Errorf("after new rules: %d %v, want 1", n, err)
		}
		if _, err := e.q.SetRules(ctx, e.As(t, "provider-hrss"), "a", quality.RulesInput{Rules: []quality.Rule{{Field: "id", Kind: quality.Unique}}}); err != nil {
			t.Fatal(err)
		}
		// Another process took the work a moment ago: this one skips it
		// until the lease runs out.
		if ok, err := e.q.LeaseCurrent(ctx, "a", "p1"); err != nil || !ok {
			t.Fatalf("lease: %v %v", ok, err)
		}
		if n, err := e.q.Sweep(ctx, "p2"); err != nil || n != 0 {
			t.Errorf("while another holds the lease: %d %v, want 0", n, err)
		}
		e.At("2026-01-01 10:00:00")
		if n, err := e.q.Sweep(ctx, "p2"); err != nil || n != 1 {
			t.Errorf("after the lease ran out: %d %v, want 1", n, err)
		}
	}, migrations()...)
}

// TestAssessLater: the upload hook assesses in the background, and Wait
// lets it finish.
func TestAssessLater(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		d := e.entry(t, "provider-hrss", "later", catalog.Monthly, "id", field("id", catalog.Text, "personal.identity"))
		v := e.store(t, d, "id\n"+first18()+"\n")
		e.q.AssessLater(t.Context(), v)
		e.q.Wait()
		if n, err := e.q.Sweep(context.Background(), "p"); err != nil || n != 0 {
			t.Errorf("sweep after the hook: %d %v, want nothing left", n, err)
		}
	}, migrations()...)
}
