package quality_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"shuyu/internal/catalog"
	"shuyu/internal/demo"
	"shuyu/internal/quality"
	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// BenchmarkAssess checks the demo's social_insurance at full size (200,000
// rows) against seven rules in one query, and reports the time against a
// plain pass over every value of the same columns in the same run
// (ratio-vs-scan), and rows per second, on one engine thread.
func BenchmarkAssess(b *testing.B) {
	ctx := context.Background()
	e := newEnv(b, storetest.New(b, store.SQLite, migrations()...))
	var set demo.Dataset
	for _, d := range demo.Datasets(1) {
		if d.Name == "social_insurance" {
			set = d
		}
	}
	var fields []catalog.Field
	for _, f := range set.Fields {
		fields = append(fields, catalog.Field{Name: f.Name, Type: catalog.FieldType(f.Type), Title: f.Title, Classification: f.Class, Grade: f.Grade})
	}
	d := e.entry(b, "provider-hrss", set.Name, catalog.Monthly, set.PrivacyUnit, fields...)
	var csv strings.Builder
	if err := set.WriteCSV(&csv); err != nil {
		b.Fatal(err)
	}
	v := e.store(b, d, csv.String())
	rules := []quality.Rule{
		{Field: "id_number", Kind: quality.NotNull}, {Field: "id_number", Kind: quality.Unique}, {Field: "id_number", Kind: quality.IDNumber},
		{Field: "name", Kind: quality.NotNull}, {Field: "gender", Kind: quality.Enum, Values: []string{"男", "女"}},
		{Field: "employer_uscc", Kind: quality.USCC}, {Field: "monthly_base_yuan", Kind: quality.Range, Min: "1000", Max: "50000"},
	}
	scan := func() time.Duration {
		start := time.Now()
		err := e.domain.Eval(ctx, v, `SELECT max(length(id_number)), max(length(name)), max(length(gender)), max(length(employer_uscc)), max(monthly_base_yuan) FROM {version}`,
			func(r *sql.Rows) error { r.Next(); return nil })
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	var checks, base time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		a, err := e.q.Check(ctx, v, rules)
		if err != nil || a.Rows != int64(set.Rows) {
			b.Fatalf("%d rows, %v", a.Rows, err)
		}
		checks += time.Since(start)
		base += scan()
	}
	b.ReportMetric(float64(checks)/float64(base), "ratio-vs-scan")
	b.ReportMetric(float64(set.Rows)*float64(b.N)/checks.Seconds(), "rows/s")
}
