package sandbox

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/duckdb/duckdb-go/v2"
)

// The test data has one row per person, so the k threshold is a count of
// rows there. These tests use a version where people have several rows,
// few enough that the version gets a multi file and groups bound their
// units by their rows, counting them as rows less repeats only when the
// bounds straddle k (rewrite.go, repeats): 甲区's one person of 12 rows is
// such a group.

var (
	repeatsOnce sync.Once
	repeatsPath string
	repeatsErr  error
)

// repeatsVersion is social_insurance where the first person has 12 rows,
// all in 甲区 (12 rows, one unit); the next 9 have, besides their row, two
// in 乙区 (18 rows, 9 units); the next 10 two in 丙区 (20 rows, 10 units);
// and 200 more people a second row in their own district.
func (w *world) repeatsVersion(t testing.TB) Version {
	t.Helper()
	repeatsOnce.Do(func() {
		connector, err := duckdb.NewConnector("", nil)
		if err != nil {
			repeatsErr = err
			return
		}
		db := sql.OpenDB(connector)
		defer db.Close()
		repeatsPath = filepath.Join(w.dir, "domain", "datasets", "social_insurance", "v2-repeats.parquet")
		_, repeatsErr = db.Exec(fmt.Sprintf(`COPY (
			WITH p AS (SELECT *, row_number() OVER (ORDER BY id_number) - 1 AS i FROM read_parquet(%s))
			SELECT * EXCLUDE (i) FROM p WHERE i > 0
			UNION ALL SELECT * EXCLUDE (i, range) REPLACE ('甲区' AS district) FROM p, range(12) WHERE i = 0
			UNION ALL SELECT * EXCLUDE (i, range) REPLACE ('乙区' AS district) FROM p, range(2) WHERE i BETWEEN 1 AND 9
			UNION ALL SELECT * EXCLUDE (i, range) REPLACE ('丙区' AS district) FROM p, range(2) WHERE i BETWEEN 10 AND 19
			UNION ALL SELECT * EXCLUDE (i) REPLACE (DATE '2024-01-01' AS insured_since) FROM p WHERE i BETWEEN 20 AND 219
		) TO %s (FORMAT parquet)`, quote(w.files["social_insurance"]), quote(repeatsPath)))
	})
	if repeatsErr != nil {
		t.Fatal(repeatsErr)
	}
	return Version{ID: "v2-repeats", Path: repeatsPath}
}

func (w *world) repeatsGrant(t testing.TB) Grant {
	g := w.aggregateGrant()
	g.Datasets = g.Datasets[:1]
	g.Datasets[0].Version = w.repeatsVersion(t)
	return g
}

// unitsByDistrict is the truth, read from the version directly.
func unitsByDistrict(t *testing.T, path, where string) map[string][2]int64 {
	t.Helper()
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	rows, err := db.Query(fmt.Sprintf(`SELECT district, count(*), count(DISTINCT id_number) FROM read_parquet(%s) WHERE %s GROUP BY district`, quote(path), where))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][2]int64{}
	for rows.Next() {
		var d string
		var n, u int64
		if err := rows.Scan(&d, &n, &u); err != nil {
			t.Fatal(err)
		}
		out[d] = [2]int64{n, u}
	}
	return out
}

func TestRepeatedUnitsCountOnce(t *testing.T) {
	w := theWorld(t)
	g := w.repeatsGrant(t)
	p, err := w.sb.Analyze(t.Context(), g, Request{SQL: `SELECT district, count(*) FROM social_insurance GROUP BY district`})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Statements[0], multiPrefix) {
		t.Fatalf("the version has few repeated units, but the plan does not count them over its multi view:\n%s", p.Statements[0])
	}
	if strings.Contains(strings.ToLower(p.Statements[0]), "count(distinct") {
		t.Fatalf("the plan counts units distinctly where their rows bound them:\n%s", p.Statements[0])
	}
	for _, c := range []struct{ where, having string }{
		{"true", ""},
		{"gender = '男'", ""},
		{"insured_since < DATE '2024-01-01' OR district = '丙区'", " HAVING count(*) > 0"},
	} {
		t.Run(c.where+c.having, func(t *testing.T) {
			g := w.repeatsGrant(t)
			q := `SELECT district, count(*) AS n, count(DISTINCT id_number) AS units FROM social_insurance WHERE ` + c.where + ` GROUP BY district` + c.having
			ans, err := w.ask(t, g, q)
			if err != nil {
				t.Fatal(err)
			}
			truth := unitsByDistrict(t, g.Datasets[0].Version.Path, c.where)
			want, suppressed := map[string][2]int64{}, 0
			for d, nu := range truth {
				if nu[1] >= 10 {
					want[d] = nu
				} else {
					suppressed++
				}
			}
			got := map[string][2]int64{}
			for _, r := range ans.Rows {
				got[r[0].(string)] = [2]int64{toInt(r[1]), toInt(r[2])}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) || ans.Suppressed != suppressed {
				t.Errorf("released %v, %d suppressed; want %v, %d suppressed", got, ans.Suppressed, want, suppressed)
			}
			if _, ok := truth["甲区"]; ok && got["甲区"] != [2]int64{} {
				t.Error("one person's 12 rows were released as a group")
			}
		})
	}
}

func TestRepeatedUnitsWholeAggregate(t *testing.T) {
	w := theWorld(t)
	for _, c := range []struct {
		district string
		released bool
	}{{"甲区", false}, {"乙区", false}, {"丙区", true}} {
		g := w.repeatsGrant(t)
		ans, err := w.ask(t, g, `SELECT count(*) AS n, sum(monthly_base_yuan) AS s FROM social_insurance WHERE district = '`+c.district+`'`)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(ans.Rows) == 1; got != c.released || ans.Suppressed != map[bool]int{true: 0, false: 1}[c.released] {
			t.Errorf("%s: rows %v, %d suppressed; released should be %v", c.district, ans.Rows, ans.Suppressed, c.released)
		}
	}
}

// TestRepeatedUnitsDifferencing: the sizes the defence compares are units,
// not rows. Leaving out the one person of 甲区 drops 12 rows; were rows
// compared, the two totals would be 12 ≥ k apart and never checked.
func TestRepeatedUnitsDifferencing(t *testing.T) {
	w := theWorld(t)
	g := w.repeatsGrant(t)
	if _, err := w.ask(t, g, `SELECT count(*) AS n, sum(monthly_base_yuan) AS s FROM social_insurance`); err != nil {
		t.Fatal(err)
	}
	_, err := w.ask(t, g, `SELECT count(*) AS n, sum(monthly_base_yuan) AS s FROM social_insurance WHERE district <> '甲区'`)
	if RuleOf(err) != "differencing" {
		t.Fatalf("want a differencing refusal, got %v", err)
	}
	// groups sharing units (乙区's people are in their own district too)
	// are answered
	g = w.repeatsGrant(t)
	ans, err := w.ask(t, g, `SELECT CASE WHEN district IN ('甲区', '乙区') THEN 'x' ELSE 'rest' END AS part, count(*) AS n FROM social_insurance GROUP BY part ORDER BY part`)
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Rows) != 2 || toInt(ans.Rows[1][1]) != 30 {
		t.Errorf("got %v; want rest and x (30 rows of 10 people)", ans.Rows)
	}
}
