package sandbox

import (
	"strings"
	"testing"
)

// filteredGrant narrows g's datasets by row filters: people of 奎文区
// only; enterprises 存续 or 在业 and established since 2000 (established_date
// is not granted: the filter reads it, queries cannot).
func (w *world) filteredGrant(g Grant) Grant {
	for i, d := range g.Datasets {
		switch d.Name {
		case "social_insurance":
			g.Datasets[i].RowFilter = []Condition{{Column: "district", Op: "=", Values: []string{"奎文区"}}}
		case "enterprise_registry":
			g.Datasets[i].RowFilter = []Condition{{Column: "status", Op: "in", Values: []string{"存续", "在业"}},
				{Column: "established_date", Op: ">=", Values: []string{"2000-01-01"}}}
			for j, c := range d.Columns {
				if c.Name == "established_date" {
					g.Datasets[i].Columns[j].Role = None
				}
			}
		}
	}
	return g
}

// insideFilter: no answered row shows a district or a status outside
// filteredGrant's filters.
func insideFilter(t *testing.T, a Answer) {
	t.Helper()
	for j, col := range a.Columns {
		for _, r := range a.Rows {
			v, _ := r[j].(string)
			switch {
			case col == "district" && v != "奎文区" && v != "全部":
				t.Errorf("a row of district %q, outside the filter", v)
			case col == "status" && v != "存续" && v != "在业":
				t.Errorf("a row of status %q, outside the filter", v)
			}
		}
	}
}

// insideUnsuppressed: as insideFilter, and no group was suppressed: the
// groups of other districts do not exist for the grant, so they are not
// counted as suppressed either.
func insideUnsuppressed(t *testing.T, a Answer) {
	t.Helper()
	insideFilter(t, a)
	if len(a.Rows) == 0 || a.Suppressed != 0 {
		t.Errorf("%d rows, %d groups suppressed; want 奎文区's groups, none suppressed", len(a.Rows), a.Suppressed)
	}
}

// TestRowFilterAnswers: a row-filtered grant answers as if its datasets
// held only the rows inside the filter — counts, suppressed groups, a date
// range — and the differencing defence works on those rows: a total, then
// the total less one person of the district, is refused.
func TestRowFilterAnswers(t *testing.T) { engines(t, testRowFilterAnswers) }

func testRowFilterAnswers(t *testing.T, w *world) {
	g := w.filteredGrant(w.aggregateGrant())
	var people int64
	w.raw(t, `SELECT count(*) FROM read_parquet(%s) WHERE district = '奎文区'`, &people)
	ans, err := w.ask(t, g, `SELECT count(*) AS n FROM social_insurance`)
	if err != nil || len(ans.Rows) != 1 || toInt(ans.Rows[0][0]) != people {
		t.Fatalf("count of a filtered grant: %v %v; want %d, 奎文区's people", ans.Rows, err, people)
	}
	var released, small int64
	w.raw(t, `WITH y AS (SELECT year(birth_date) AS y, count(*) AS n FROM read_parquet(%s) WHERE district = '奎文区' GROUP BY y)
		SELECT count(*) FILTER (WHERE n >= 10), count(*) FILTER (WHERE n < 10) FROM y`, &released, &small)
	ans, err = w.ask(t, w.filteredGrant(w.aggregateGrant()), `SELECT year(birth_date) AS y, count(*) AS n FROM social_insurance GROUP BY y`)
	if err != nil || int64(len(ans.Rows)) != released || int64(ans.Suppressed) != small {
		t.Errorf("years of birth: %d released, %d suppressed (%v); want %d and %d, counted in 奎文区", len(ans.Rows), ans.Suppressed, err, released, small)
	}

	ranged := w.aggregateGrant()
	ranged.Datasets[0].RowFilter = []Condition{{Column: "birth_date", Op: "between", Values: []string{"1970-01-01", "1989-12-31"}},
		{Column: "gender", Op: "<>", Values: []string{"女"}}}
	var men int64
	w.raw(t, `SELECT count(*) FROM read_parquet(%s) WHERE birth_date BETWEEN DATE '1970-01-01' AND DATE '1989-12-31' AND gender <> '女'`, &men)
	ans, err = w.ask(t, ranged, `SELECT gender, count(*) AS n FROM social_insurance GROUP BY gender`)
	if err != nil || len(ans.Rows) != 1 || ans.Rows[0][0] != "男" || toInt(ans.Rows[0][1]) != men {
		t.Errorf("a date range and <>: %v %v; want one group of %d men", ans.Rows, err, men)
	}

	var birth string
	w.raw(t, `SELECT strftime(min(birth_date), '%%Y-%%m-%%d') FROM (SELECT birth_date FROM read_parquet(%s) WHERE district = '奎文区'
		GROUP BY birth_date HAVING count(*) = 1)`, &birth)
	d := w.filteredGrant(w.aggregateGrant())
	if _, err := w.ask(t, d, `SELECT sum(monthly_base_yuan) AS s FROM social_insurance`); err != nil {
		t.Fatal(err)
	}
	_, err = w.ask(t, d, `SELECT sum(monthly_base_yuan) AS s FROM social_insurance WHERE birth_date <> DATE '`+birth+`'`)
	if RuleOf(err) != "differencing" {
		t.Errorf("the filtered total less one person: %v; want a differencing refusal", err)
	}
}

// TestRowFilterChecked: conditions are checked against their column's
// type and written in canonical form; a grant whose filter is not canonical,
// names an unknown column or the privacy unit is refused before anything
// runs.
func TestRowFilterChecked(t *testing.T) {
	for _, c := range []struct {
		typ  string
		cond Condition
		want string // error fragment, or the canonical values joined by |
	}{
		{"integer", Condition{Op: " IN ", Values: []string{"007", "-3"}}, "7|-3"},
		{"date", Condition{Op: "between", Values: []string{"2020-01-01", "2020-12-31"}}, "2020-01-01|2020-12-31"},
		{"timestamp", Condition{Op: ">=", Values: []string{"2020-01-01T08:00:00"}}, "2020-01-01 08:00:00"},
		{"boolean", Condition{Op: "=", Values: []string{"TRUE"}}, "true"},
		{"decimal", Condition{Op: "<", Values: []string{"100.5"}}, "100.5"},
		{"text", Condition{Op: "not in", Values: []string{"注销", "吊销"}}, "注销|吊销"},
		{"text", Condition{Op: "like", Values: []string{"%"}}, "not an operator of row filters"},
		{"text", Condition{Op: "<", Values: []string{"b"}}, "compares by order"},
		{"boolean", Condition{Op: "in", Values: []string{"true"}}, "filtered with = or <>"},
		{"integer", Condition{Op: "=", Values: []string{"1 OR 1=1"}}, `"1 OR 1=1" is not an integer`},
		{"decimal", Condition{Op: "=", Values: []string{"1e9"}}, "not a decimal number"},
		{"date", Condition{Op: "=", Values: []string{"2020-02-30"}}, "not a date"},
		{"date", Condition{Op: "between", Values: []string{"2021-01-01", "2020-01-01"}}, "the first value is the lowest"},
		{"date", Condition{Op: "between", Values: []string{"2021-01-01"}}, "between takes two values"},
		{"text", Condition{Op: "=", Values: []string{"a", "b"}}, "= takes one value"},
		{"text", Condition{Op: "in"}, "in takes 1 to 100 values"},
		{"text", Condition{Op: "=", Values: []string{"a\x00"}}, "without backslashes or control characters"},
		{"text", Condition{Op: "=", Values: []string{`x\' OR true --`}}, "without backslashes"},
	} {
		n, err := c.cond.Check(c.typ)
		got := strings.Join(n.Values, "|")
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, c.want) || (err == nil) != (got == c.want) {
			t.Errorf("%s %+v: %q, want %q", c.typ, c.cond, got, c.want)
		}
	}
	w := theWorld(t)
	for _, c := range []struct {
		cond Condition
		want string
	}{
		{Condition{Column: "district", Op: "IN", Values: []string{"奎文区"}}, "not in canonical form"},
		{Condition{Column: "monthly_base_yuan", Op: ">", Values: []string{"08"}}, "not in canonical form"},
		{Condition{Column: "nowhere", Op: "=", Values: []string{"x"}}, "not a column of the dataset"},
		{Condition{Column: "id_number", Op: "=", Values: []string{"370702198001011234"}}, "never units by their privacy-unit column"},
	} {
		g := w.aggregateGrant()
		g.Datasets[0].RowFilter = []Condition{c.cond}
		if _, err := w.ask(t, g, `SELECT count(*) FROM social_insurance`); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("a grant filtered by %+v: %v; want an error saying %q", c.cond, err, c.want)
		}
	}
}
