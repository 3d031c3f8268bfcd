package sandbox

import (
	"testing"
)

// legitimate are analysts' queries that must succeed: a sandbox that
// refuses real work has failed too. Each runs in a fresh grant of its rule,
// so that the differencing defence judges it alone.
var legitimate = []struct {
	rule Rule
	name string
	sql  string
}{
	// aggregate: social insurance
	{Aggregate, "count by district", `SELECT district, count(*) AS people FROM social_insurance GROUP BY district ORDER BY people DESC`},
	{Aggregate, "average base by district and gender", `SELECT district, gender, count(*) AS n, round(avg(monthly_base_yuan), 1) AS avg_base FROM social_insurance GROUP BY district, gender ORDER BY district, gender`},
	{Aggregate, "total", `SELECT count(*) AS people, sum(monthly_base_yuan) AS total_base FROM social_insurance`},
	{Aggregate, "count distinct people", `SELECT count(DISTINCT id_number) AS people FROM social_insurance`},
	{Aggregate, "filter on a dimension", `SELECT gender, count(*) FROM social_insurance WHERE district = '寿光市' GROUP BY gender`},
	{Aggregate, "IN list and BETWEEN", `SELECT district, count(*) FROM social_insurance WHERE district IN ('寿光市', '诸城市', '青州市') AND birth_date BETWEEN DATE '1970-01-01' AND DATE '1999-12-31' GROUP BY district`},
	{Aggregate, "LIKE on a dimension", `SELECT district, count(*) FROM social_insurance WHERE district LIKE '%市' GROUP BY district`},
	{Aggregate, "year of birth buckets with date_trunc", `SELECT date_trunc('decade', birth_date) AS decade, count(*) FROM social_insurance GROUP BY decade ORDER BY decade`},
	{Aggregate, "extract year of insurance", `SELECT extract(year FROM insured_since) AS y, count(*) AS n FROM social_insurance GROUP BY y HAVING count(*) >= 20 ORDER BY y`},
	{Aggregate, "age buckets with CASE and age()", `SELECT CASE WHEN date_part('year', age(DATE '2025-12-31', birth_date)) < 30 THEN 'under 30'
		WHEN date_part('year', age(DATE '2025-12-31', birth_date)) < 45 THEN '30-44' ELSE '45+' END AS age_band,
		count(*) AS n, avg(monthly_base_yuan) AS avg_base FROM social_insurance GROUP BY age_band ORDER BY age_band`},
	{Aggregate, "date_diff buckets", `SELECT date_diff('year', insured_since, DATE '2025-12-31') // 5 * 5 AS years_insured, count(*) FROM social_insurance GROUP BY 1 ORDER BY 1`},
	{Aggregate, "percent of total with a window over aggregates", `SELECT district, count(*) AS n, round(100.0 * count(*) / sum(count(*)) OVER (), 2) AS pct FROM social_insurance GROUP BY district ORDER BY pct DESC`},
	{Aggregate, "share within district by gender", `SELECT district, gender, count(*) * 1.0 / sum(count(*)) OVER (PARTITION BY district) AS share FROM social_insurance GROUP BY district, gender`},
	{Aggregate, "top-N groups", `SELECT district, avg(monthly_base_yuan) AS avg_base FROM social_insurance GROUP BY district ORDER BY avg_base DESC LIMIT 3`},
	{Aggregate, "rank of groups", `SELECT district, count(*) AS n, rank() OVER (ORDER BY count(*) DESC) AS r FROM social_insurance GROUP BY district`},
	{Aggregate, "HAVING on a count", `SELECT year(birth_date) AS y, count(*) AS n FROM social_insurance GROUP BY y HAVING count(*) > 3`},
	{Aggregate, "CTE of rows then aggregate", `WITH young AS (SELECT district, monthly_base_yuan FROM social_insurance WHERE birth_date >= DATE '1990-01-01')
		SELECT district, count(*) AS n, avg(monthly_base_yuan) AS avg_base FROM young GROUP BY district`},
	{Aggregate, "CTE of aggregates then percent", `WITH by_district AS (SELECT district, count(*) AS n FROM social_insurance GROUP BY district)
		SELECT district, n, round(100.0 * n / sum(n) OVER (), 1) AS pct FROM by_district ORDER BY n DESC`},
	{Aggregate, "two aggregates joined", `WITH men AS (SELECT district, count(*) AS m FROM social_insurance WHERE gender = '男' GROUP BY district),
		women AS (SELECT district, count(*) AS f FROM social_insurance WHERE gender = '女' GROUP BY district)
		SELECT men.district, m, f, round(m * 1.0 / f, 3) AS ratio FROM men JOIN women ON men.district = women.district ORDER BY ratio`},
	{Aggregate, "subquery in FROM", `SELECT d, n FROM (SELECT district AS d, count(*) AS n FROM social_insurance GROUP BY district) AS t WHERE n > 100 ORDER BY d`},
	{Aggregate, "arithmetic on a measure inside an aggregate", `SELECT district, sum(monthly_base_yuan * 12) AS yearly_base, avg(monthly_base_yuan / 1000.0) AS avg_k FROM social_insurance GROUP BY district`},
	{Aggregate, "stddev and variance", `SELECT gender, stddev(monthly_base_yuan) AS sd, variance(monthly_base_yuan) AS var FROM social_insurance GROUP BY gender`},
	{Aggregate, "string functions on a dimension", `SELECT left(district, 2) AS prefix, count(*) FROM social_insurance GROUP BY prefix`},
	{Aggregate, "COALESCE on a dimension", `SELECT coalesce(gender, '未知') AS g, count(*) FROM social_insurance GROUP BY g`},
	{Aggregate, "UNION ALL of aggregates: total row and districts", `SELECT '全市' AS area, count(*) AS n FROM social_insurance UNION ALL SELECT district, count(*) FROM social_insurance GROUP BY district`},
	{Aggregate, "quarter of insurance start", `SELECT year(insured_since) AS y, quarter(insured_since) AS q, count(*) FROM social_insurance WHERE insured_since >= DATE '2020-01-01' GROUP BY y, q ORDER BY y, q`},
	{Aggregate, "base bands with CASE", `SELECT CASE WHEN district IN ('奎文区', '潍城区', '寒亭区', '坊子区') THEN '市区' ELSE '县市' END AS area, count(*) AS n, avg(monthly_base_yuan) FROM social_insurance GROUP BY area`},
	{Aggregate, "insured people by employer industry (join)", `SELECT e.industry, count(*) AS insured, avg(s.monthly_base_yuan) AS avg_base FROM social_insurance s JOIN enterprise_registry e ON s.employer_uscc = e.uscc GROUP BY e.industry ORDER BY insured DESC`},
	{Aggregate, "enterprise counts by industry joined with insured people", `SELECT e.industry, count(DISTINCT e.uscc) AS enterprises, count(DISTINCT s.id_number) AS insured FROM enterprise_registry e JOIN social_insurance s ON e.uscc = s.employer_uscc GROUP BY e.industry`},
	{Aggregate, "enterprises by status", `SELECT status, count(*) AS n, sum(registered_capital_wan) AS capital FROM enterprise_registry GROUP BY status`},
	{Aggregate, "enterprises by district and industry, top 5", `SELECT district, industry, count(*) AS n FROM enterprise_registry GROUP BY district, industry ORDER BY n DESC LIMIT 5`},
	{Aggregate, "left join with USING-free condition", `SELECT s.district, count(*) AS n FROM social_insurance s LEFT JOIN enterprise_registry e ON s.employer_uscc = e.uscc WHERE e.status = '存续' GROUP BY s.district`},
	{Aggregate, "FROM-first syntax", `FROM social_insurance SELECT gender, count(*) GROUP BY gender`},
	{Aggregate, "QUALIFY over aggregates", `SELECT district, gender, count(*) AS n FROM social_insurance GROUP BY district, gender QUALIFY rank() OVER (PARTITION BY district ORDER BY count(*) DESC) = 1`},
	{Aggregate, "cumulative share with a frame", `WITH y AS (SELECT year(insured_since) AS y, count(*) AS n FROM social_insurance GROUP BY y)
		SELECT y, n, sum(n) OVER (ORDER BY y ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative FROM y ORDER BY y`},
	{Aggregate, "lag between years", `WITH y AS (SELECT year(insured_since) AS y, count(*) AS n FROM social_insurance GROUP BY y)
		SELECT y, n, n - lag(n) OVER (ORDER BY y) AS growth FROM y ORDER BY y`},
	{Aggregate, "aggregate of aggregates", `WITH d AS (SELECT district, avg(monthly_base_yuan) AS a FROM social_insurance GROUP BY district) SELECT max(a) - min(a) AS spread FROM d`},
	{Aggregate, "strftime month label", `SELECT strftime(insured_since, '%Y') AS y, count(*) FROM social_insurance WHERE insured_since >= DATE '2024-01-01' GROUP BY y`},
	// list
	{List, "list masked enterprises", `SELECT uscc, name, legal_rep_name, legal_rep_id_number, district FROM enterprise_registry WHERE industry = 'I' ORDER BY uscc LIMIT 20`},
	{List, "list with tax credit join", `SELECT e.name, e.district, t.year, t.grade FROM enterprise_registry e JOIN tax_credit t ON e.uscc = t.uscc WHERE t.grade = 'A' AND t.year = 2024 LIMIT 50`},
	{List, "star select", `SELECT * FROM tax_credit WHERE year = 2025 LIMIT 10`},
	{List, "grade distribution", `SELECT year, grade, count(*) AS n FROM tax_credit GROUP BY year, grade ORDER BY year, grade`},
	{List, "row number over output columns", `SELECT name, registered_capital_wan, row_number() OVER (ORDER BY registered_capital_wan DESC) AS r FROM enterprise_registry LIMIT 10`},
	// dp
	{DP, "dp count by district", `SELECT district, count(*) AS n FROM social_insurance GROUP BY district`},
	{DP, "dp average base by gender", `SELECT gender, count(*) AS n, avg(monthly_base_yuan) AS avg_base, sum(monthly_base_yuan) AS total FROM social_insurance GROUP BY gender ORDER BY gender`},
	{DP, "dp distinct people with a filter", `SELECT count(DISTINCT id_number) AS people FROM social_insurance WHERE district = '寿光市'`},
	// review
	{Review, "review a detailed cut", `SELECT district, birth_date, monthly_base_yuan FROM social_insurance WHERE monthly_base_yuan > 20000 ORDER BY monthly_base_yuan DESC`},
	{Review, "review with a subquery", `SELECT district, count(*) FROM social_insurance WHERE monthly_base_yuan > (SELECT avg(monthly_base_yuan) FROM social_insurance) GROUP BY district`},
	// row-filtered grants (filteredGrant: 奎文区; enterprises 存续 or 在业 since 2000)
	{withRowFilter, "filtered: average base by gender", `SELECT gender, count(*) AS n, avg(monthly_base_yuan) AS avg_base FROM social_insurance GROUP BY gender`},
	{withRowFilter, "filtered: insured by employer industry (join)", `SELECT e.industry, count(*) AS insured FROM social_insurance s JOIN enterprise_registry e ON s.employer_uscc = e.uscc GROUP BY e.industry ORDER BY insured DESC`},
	{withRowFilter, "filtered: percent of total by birth decade", `SELECT date_trunc('decade', birth_date) AS decade, round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct FROM social_insurance GROUP BY decade`},
	{dpWithRowFilter, "filtered dp: count by gender", `SELECT gender, count(*) AS n FROM social_insurance GROUP BY gender`},
	{listWithRowFilter, "filtered list: enterprises by status", `SELECT name, status, district FROM enterprise_registry ORDER BY name LIMIT 20`},
}

func TestLegitimateQueries(t *testing.T) { engines(t, testLegitimateQueries) }

func testLegitimateQueries(t *testing.T, w *world) {
	counts := map[Rule]int{}
	for _, c := range legitimate {
		counts[c.rule]++
		t.Run(string(c.rule)+"/"+c.name, func(t *testing.T) {
			ans, err := w.ask(t, w.grantFor(c.rule), c.sql)
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if c.rule == Review {
				if ans.Result == nil || len(ans.Result.SHA256) != 64 || ans.Rows != nil {
					t.Fatalf("review answer %+v", ans)
				}
				return
			}
			if len(ans.Columns) == 0 || len(ans.Rows) == 0 {
				t.Fatalf("empty answer: %v %v", ans.Columns, ans.Rows)
			}
		})
	}
	if len(legitimate) < 40 {
		t.Errorf("%d legitimate queries; the suite needs at least 40", len(legitimate))
	}
	t.Logf("legitimate queries by rule: %v", counts)
}
