package sandbox

import (
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// raw reads the test data directly, as only a test may: to pick the
// people the attacks single out.
func (w *world) raw(t *testing.T, q string, dest ...any) {
	t.Helper()
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	q = fmt.Sprintf(q, quote(w.files["social_insurance"]))
	if err := db.QueryRow(q).Scan(dest...); err != nil {
		t.Fatal(err)
	}
}

// loner returns the district and birth date of someone alone with them.
func (w *world) loner(t *testing.T) (string, string) {
	var district string
	var birth time.Time
	w.raw(t, `SELECT district, birth_date FROM read_parquet(%s) GROUP BY district, birth_date HAVING count(*) = 1 ORDER BY district, birth_date LIMIT 1`, &district, &birth)
	return district, birth.Format(time.DateOnly)
}

func TestDifferencing(t *testing.T) { engines(t, testDifferencing) }

func testDifferencing(t *testing.T, w *world) {
	district, birth := w.loner(t)
	one := fmt.Sprintf(`district = '%s' AND birth_date = DATE '%s'`, district, birth)
	// two birth dates with exactly one person each, for the overlapping filters
	var d0, d1 time.Time
	w.raw(t, `WITH d AS (SELECT birth_date FROM read_parquet(%s) GROUP BY birth_date HAVING count(*) = 1)
		SELECT min(birth_date) FILTER (WHERE birth_date > DATE '1975-01-01'), min(birth_date) FILTER (WHERE birth_date > DATE '1977-01-01') FROM d`, &d0, &d1)
	date := func(d time.Time) string { return "DATE '" + d.Format(time.DateOnly) + "'" }

	for _, c := range []struct {
		name    string
		queries []string
		refused bool // the last query
	}{
		{"total, then total minus one person", []string{
			`SELECT count(*) AS n, sum(monthly_base_yuan) AS s FROM social_insurance`,
			`SELECT count(*) AS n, sum(monthly_base_yuan) AS s FROM social_insurance WHERE NOT (` + one + `)`}, true},
		{"total minus one person, then the total", []string{
			`SELECT sum(monthly_base_yuan) AS s FROM social_insurance WHERE NOT (` + one + `)`,
			`SELECT sum(monthly_base_yuan) AS s FROM social_insurance`}, true},
		{"two overlapping ranges (one person out, another in)", []string{
			`SELECT avg(monthly_base_yuan) FROM social_insurance WHERE birth_date >= ` + date(d0) + ` AND birth_date < ` + date(d1),
			`SELECT avg(monthly_base_yuan) FROM social_insurance WHERE birth_date > ` + date(d0) + ` AND birth_date <= ` + date(d1)}, true},
		{"nested ranges differing by one birth date", []string{
			`SELECT gender, count(*) FROM social_insurance WHERE birth_date < ` + date(d0) + ` GROUP BY gender`,
			`SELECT gender, count(*) FROM social_insurance WHERE birth_date <= ` + date(d0) + ` GROUP BY gender`}, true},
		{"a district, then the person moved out of it", []string{
			`SELECT district, sum(monthly_base_yuan) FROM social_insurance GROUP BY district`,
			`SELECT CASE WHEN ` + one + ` THEN 'elsewhere' ELSE district END AS d, sum(monthly_base_yuan) FROM social_insurance GROUP BY d`}, true},
		{"the complement of a suppressed group", []string{
			`SELECT count(*) FROM social_insurance`,
			`SELECT CASE WHEN ` + one + ` THEN 'x' ELSE 'rest' END AS part, count(*) FROM social_insurance GROUP BY part`}, true},
		{"both in one answer", []string{
			`SELECT 'all' AS part, count(*) AS n FROM social_insurance UNION ALL SELECT 'but one', count(*) FROM social_insurance WHERE NOT (` + one + `)`}, true},
		{"joined, then one enterprise's staff left out", []string{
			`SELECT e.industry, count(*) FROM social_insurance s JOIN enterprise_registry e ON s.employer_uscc = e.uscc GROUP BY e.industry`,
			`SELECT e.industry, count(*) FROM social_insurance s JOIN enterprise_registry e ON s.employer_uscc = e.uscc WHERE NOT (s.` + one + `) GROUP BY e.industry`}, true},
		{"the same query again is answered", []string{
			`SELECT district, count(*) FROM social_insurance GROUP BY district`,
			`SELECT district, count(*) FROM social_insurance GROUP BY district`}, false},
		{"a finer grouping is answered", []string{
			`SELECT district, count(*) FROM social_insurance GROUP BY district`,
			`SELECT district, gender, count(*) FROM social_insurance GROUP BY district, gender`}, false},
		{"disjoint filters are answered", []string{
			`SELECT count(*) FROM social_insurance WHERE gender = '男'`,
			`SELECT count(*) FROM social_insurance WHERE gender = '女'`}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := w.aggregateGrant()
			for i, q := range c.queries {
				_, err := w.ask(t, g, q)
				last := i == len(c.queries)-1
				switch {
				case last && c.refused && RuleOf(err) != "differencing":
					t.Fatalf("query %d: want a differencing refusal, got %v", i+1, err)
				case (!last || !c.refused) && err != nil:
					t.Fatalf("query %d refused: %v", i+1, err)
				}
			}
		})
	}
}

// TestDifferencingListsOnlyCloseSizes checks that ordinary answers
// do not list units (the cost of the defence is paid only by suspicious
// pairs).
func TestDifferencingListsOnlyCloseSizes(t *testing.T) {
	w := theWorld(t)
	g := w.aggregateGrant()
	for _, q := range []string{
		`SELECT district, count(*) FROM social_insurance GROUP BY district`,
		`SELECT district, count(*) FROM social_insurance GROUP BY district`,
		`SELECT gender, count(*) FROM social_insurance GROUP BY gender`,
	} {
		if _, err := w.ask(t, g, q); err != nil {
			t.Fatal(err)
		}
	}
	sets, _ := w.sb.cfg.Audit.Sets(t.Context(), g.ID, "v1-social_insurance", 0, 1<<62)
	for _, s := range sets {
		if s.Units != nil {
			t.Errorf("units of %s listed although no earlier set came within k", s.Key)
		}
	}
	if len(sets) == 0 {
		t.Fatal("no sets kept")
	}
}
