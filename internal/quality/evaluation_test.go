package quality_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shuyu/internal/catalog"
	"shuyu/internal/errs"
	"shuyu/internal/quality"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// evaluationFixture builds a small history by hand, in time order, and
// returns the names of the providers. The expected numbers are worked out
// in TestSupplyEvaluation.
func evaluationFixture(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	hrss, bureau := e.As(t, "provider-hrss"), e.As(t, "bureau")
	file := func(at string) quality.Ticket {
		e.At(at)
		tk, err := e.q.File(ctx, bureau, "hr_monthly", quality.TicketInput{Kind: quality.Correction, Title: "错误", Description: "记录有误"})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	act := func(at, who string, tk quality.Ticket, step quality.Step) {
		e.At(at)
		if _, err := e.q.Act(ctx, e.As(t, who), tk.ID, step, quality.StepInput{Comment: "已处理"}); err != nil {
			t.Fatal(err)
		}
	}
	e.At("2025-12-01 10:00:00")
	a := e.entry(t, "provider-hrss", "hr_monthly", catalog.Monthly, "id", field("id", catalog.Text, "other"))
	e.entry(t, "provider-hrss", "hr_yearly", catalog.Yearly, "", catalog.Field{Name: "x", Type: catalog.Text, Classification: "other", Grade: "general-2"})
	if _, err := e.q.SetRules(ctx, hrss, "hr_monthly", quality.RulesInput{Rules: []quality.Rule{{Field: "id", Kind: quality.NotNull}}}); err != nil {
		t.Fatal(err)
	}
	e.At("2025-12-20 00:00:00")
	e.store(t, a, "id\na1\n")
	file("2025-12-30 10:00:00") // before the period
	t1 := file("2026-01-05 10:00:00")
	t2 := file("2026-01-06 10:00:00")
	t5 := file("2026-01-07 10:00:00")
	act("2026-01-08 10:00:00", "bureau", t5, quality.Close)
	act("2026-01-09 10:00:00", "provider-hrss", t1, quality.Answer)
	e.At("2026-01-10 00:00:00")
	c := e.entry(t, "provider-amr", "amr_daily", catalog.Daily, "", field("n", catalog.Integer, "other"))
	e.store(t, c, "n\n1\n")
	e.At("2026-01-20 00:00:00")
	e.store(t, c, "n\n2\n")
	act("2026-01-20 10:00:00", "provider-hrss", t2, quality.Answer)
	file("2026-01-20 10:00:00")
	e.At("2026-01-25 00:00:00")
	e.store(t, a, "id\na1\na2\n\na4\na5\n\na7\na8\na9\na10\n")
	file("2026-01-29 10:00:00")
	e.At("2026-02-10 00:00:00")
	e.entry(t, "provider-amr", "amr_later", catalog.Daily, "", field("n", catalog.Integer, "other"))
	e.At("2026-02-15 09:00:00")
}

// TestSupplyEvaluation checks every number of the evaluation of January
// 2026 on a hand-made history, who sees which lines, and the XLSX export.
func TestSupplyEvaluation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		evaluationFixture(t, e)
		ev, err := e.q.SupplyEvaluation(ctx, e.As(t, "bureau"), "2026-01-01", "2026-01-31")
		if err != nil {
			t.Fatal(err)
		}
		want := []quality.SupplyLine{
			// 市人社局. hr_monthly is complete; hr_yearly has an undescribed
			// field and no version: completeness 1/2.
			// Timeliness over the 31 days: hr_monthly's version of 12-20
			// is timely until 01-20 (19 days), that of 01-25 from then to
			// the end (7 days): 26/31; hr_yearly 0; mean 41.94.
			// Quality: the version of 01-25 has 2 of 10 ids missing: 80.
			// Tickets filed in January: answered on 01-09 (due 01-12, on
			// time); answered 01-20 (due 01-13, late); filed 01-20 and
			// never answered (due 01-27, overdue); filed 01-29 (due 02-05,
			// after the period: pending); withdrawn the day after filing.
			// Response 1 / 3 = 33.33.
			// Score .25×50 + .25×41.94 + .30×80 + .20×33.33 = 53.65.
			{Rank: 1, ProviderID: e.Orgs["hrss"], Provider: "潍坊市人力资源和社会保障局", Entries: 2, CompleteEntries: 1, Completeness: 50,
				Timeliness: 41.94, Quality: 80, ScoredEntries: 1, Tickets: 5, AnsweredOnTime: 1, Overdue: 2, Pending: 1, Withdrawn: 1,
				Response: 33.33, Score: 53.65},
			// 市市场监管局. amr_daily, listed 01-10, is complete; its versions
			// of 01-10 and 01-20 were each timely for a day of the 22 it
			// was listed: 9.09. It has no rules (no privacy unit, no
			// identity field): no quality score. No tickets: response 100.
			// amr_later was listed after the period.
			// Score .25×100 + .25×9.09 + 0 + .20×100 = 47.27.
			{Rank: 2, ProviderID: e.Orgs["amr"], Provider: "潍坊市市场监督管理局", Entries: 1, CompleteEntries: 1, Completeness: 100,
				Timeliness: 9.09, Response: 100, Score: 47.27},
			// 市税务局 lists nothing: only the response counts, .20×100.
			{Rank: 3, ProviderID: e.Orgs["tax"], Provider: "国家税务总局潍坊市税务局", Response: 100, Score: 20},
		}
		for i := range want {
			want[i].JurisdictionID = ev.Items[min(i, len(ev.Items)-1)].JurisdictionID
		}
		if ev.From != "2026-01-01" || ev.To != "2026-01-31" || ev.Weights != quality.SupplyWeights || !slices.Equal(ev.Items, want) {
			t.Errorf("evaluation %s–%s:\n got %+v\nwant %+v", ev.From, ev.To, ev.Items, want)
		}
		for who, lines := range map[string][]string{"provider-amr": {"潍坊市市场监督管理局"}, "regulator": {"潍坊市人力资源和社会保障局", "潍坊市市场监督管理局", "国家税务总局潍坊市税务局"}, "kuiwen": {}} {
			got, err := e.q.SupplyEvaluation(ctx, e.As(t, who), "2026-01-01", "2026-01-31")
			var names []string
			for _, l := range got.Items {
				names = append(names, l.Provider)
			}
			if err != nil || fmt.Sprint(names) != fmt.Sprint(lines) {
				t.Errorf("%s sees %v (%v), want %v", who, names, err, lines)
			}
		}
		for _, who := range []string{"operator", "appunit"} {
			if _, err := e.q.SupplyEvaluation(ctx, e.As(t, who), "", ""); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s: %v, want forbidden", who, err)
			}
		}
		for _, bad := range [][2]string{{"2026-02-01", "2026-01-01"}, {"2026-1-1", ""}, {"", "tomorrow"}} {
			if _, err := e.q.SupplyEvaluation(ctx, e.As(t, "bureau"), bad[0], bad[1]); !errs.Is(err, errs.Invalid) {
				t.Errorf("period %v: %v, want invalid", bad, err)
			}
		}
		if def, err := e.q.SupplyEvaluation(ctx, e.As(t, "bureau"), "", ""); err != nil || def.From != "2026-01-01" || def.To != "2026-02-15" {
			t.Errorf("default period %s–%s %v, want the year to date", def.From, def.To, err)
		}

		var buf bytes.Buffer
		if err := quality.WriteSupplyXLSX(&buf, ev); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(quality.SupplySheet)
		if err != nil || len(rows) != 4 || !slices.Equal(rows[0], quality.SupplyHeaders) {
			t.Fatalf("sheet rows %v %v", rows, err)
		}
		if got := strings.Join(rows[1], "|"); got != "1|潍坊市人力资源和社会保障局|2|1|50|41.94|80|1|5|1|2|1|1|33.33|53.65|"+e.Orgs["hrss"] {
			t.Errorf("first line %s", got)
		}
		if period, _ := f.GetCellValue(quality.NotesSheet, "B1"); period != "2026-01-01 至 2026-01-31" {
			t.Errorf("notes say the period is %q", period)
		}
	}, migrations()...)
}
