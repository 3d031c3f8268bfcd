package sandbox

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"shuyu/internal/errs"
)

// attack is a query that must be refused, or whose answer must be
// suppressed; either way nothing private may appear in the answer or the
// error (ask checks that for every case).
type attack struct {
	category, name string
	rule           Rule
	sql            string
	// check, when set, is a query that runs and whose answer it judges
	// (small groups are suppressed, not refused).
	check func(t *testing.T, a Answer)
}

func (w *world) grantFor(rule Rule) Grant {
	switch rule {
	case List:
		return w.listGrant()
	case DP:
		return w.dpGrant()
	case Review:
		return w.reviewGrant()
	case withFilter:
		g := w.aggregateGrant()
		for i, c := range g.Datasets[0].Columns {
			if c.Name == "insured_since" {
				g.Datasets[0].Columns[i].Role = Filter
			}
		}
		return g
	case withRowFilter:
		return w.filteredGrant(w.aggregateGrant())
	case dpWithRowFilter:
		return w.filteredGrant(w.dpGrant())
	case listWithRowFilter:
		return w.filteredGrant(w.listGrant())
	case withMeasure:
		g := w.listGrant()
		for i, c := range g.Datasets[0].Columns {
			if c.Name == "registered_capital_wan" {
				g.Datasets[0].Columns[i].Role = Measure
			}
		}
		return g
	}
	return w.aggregateGrant()
}

const (
	esc   = "engine escape"
	exfil = "column exfiltration"
	idf   = "identifiers in filters or groups"
	small = "small groups"
	side  = "error side channels"
	rowf  = "rows outside the row filter"
)

// Grant variants for roles the demo grants do not use.
const (
	withFilter  Rule = "aggregate, insured_since a filter column"
	withMeasure Rule = "list, capital a measure"
	// The grants with row filters (filteredGrant).
	withRowFilter     Rule = "aggregate, row-filtered"
	dpWithRowFilter   Rule = "dp, row-filtered"
	listWithRowFilter Rule = "list, row-filtered"
)

// suppressedAll: every group was too small.
func suppressedAll(t *testing.T, a Answer) {
	if len(a.Rows) != 0 || a.Suppressed == 0 {
		t.Errorf("want every group suppressed, got %d rows, %d suppressed", len(a.Rows), a.Suppressed)
	}
}

// atLeastK: every released group counts at least k units (column n), and
// some were suppressed.
func atLeastK(t *testing.T, a Answer) {
	i := len(a.Columns) - 1
	for _, r := range a.Rows {
		if n := toInt(r[i]); n < 10 {
			t.Errorf("a released group has %d units", n)
		}
	}
	if a.Suppressed == 0 {
		t.Errorf("want some groups suppressed")
	}
}

var attacks = []attack{
	// Engine escape: files, network, settings, extensions, catalogs, other tenants' data.
	{esc, "read_csv of a system file", Aggregate, `SELECT * FROM read_csv('/etc/passwd')`, nil},
	{esc, "read_parquet of a version file", Aggregate, `SELECT count(*) FROM read_parquet('/tmp/*.parquet')`, nil},
	{esc, "replacement scan of a file path", Aggregate, `SELECT count(*) FROM '/etc/passwd'`, nil},
	{esc, "glob the file system", Aggregate, `SELECT * FROM glob('/*')`, nil},
	{esc, "network read", Aggregate, `SELECT count(*) FROM read_csv('https://example.com/x.csv')`, nil},
	{esc, "COPY out", Aggregate, `COPY social_insurance TO '/tmp/out.csv'`, nil},
	{esc, "COPY of a query", Aggregate, `COPY (SELECT * FROM social_insurance) TO '/tmp/out.parquet'`, nil},
	{esc, "ATTACH a database", Aggregate, `ATTACH '/tmp/other.duckdb' AS other`, nil},
	{esc, "EXPORT DATABASE", Aggregate, `EXPORT DATABASE '/tmp/dump'`, nil},
	{esc, "INSTALL an extension", Aggregate, `INSTALL httpfs`, nil},
	{esc, "LOAD an extension", Aggregate, `LOAD httpfs`, nil},
	{esc, "SET a setting", Aggregate, `SET enable_external_access = true`, nil},
	{esc, "RESET a setting", Aggregate, `RESET lock_configuration`, nil},
	{esc, "PRAGMA", Aggregate, `PRAGMA database_list`, nil},
	{esc, "CALL", Aggregate, `CALL pragma_version()`, nil},
	{esc, "PREPARE", Aggregate, `PREPARE p AS SELECT count(*) FROM social_insurance`, nil},
	{esc, "EXECUTE", Aggregate, `EXECUTE p`, nil},
	{esc, "two statements", Aggregate, `SELECT count(*) FROM social_insurance; SELECT count(*) FROM social_insurance`, nil},
	{esc, "DDL", Aggregate, `CREATE TABLE copy AS SELECT * FROM social_insurance`, nil},
	{esc, "DML", Aggregate, `DELETE FROM social_insurance`, nil},
	{esc, "DESCRIBE", Aggregate, `DESCRIBE social_insurance`, nil},
	{esc, "SUMMARIZE", Aggregate, `SUMMARIZE social_insurance`, nil},
	{esc, "current_setting", Aggregate, `SELECT current_setting('allowed_paths')`, nil},
	{esc, "getenv", Aggregate, `SELECT getenv('HOME')`, nil},
	{esc, "duckdb_settings()", Aggregate, `SELECT * FROM duckdb_settings()`, nil},
	{esc, "duckdb_views() for view definitions", Aggregate, `SELECT sql FROM duckdb_views()`, nil},
	{esc, "information_schema", Aggregate, `SELECT table_name FROM information_schema.tables`, nil},
	{esc, "pg_catalog", Aggregate, `SELECT * FROM pg_catalog.pg_class`, nil},
	{esc, "schema-qualified dataset", Aggregate, `SELECT count(*) FROM main.social_insurance`, nil},
	{esc, "catalog-qualified system table", Aggregate, `SELECT count(*) FROM system.main.duckdb_tables`, nil},
	{esc, "query() table function", Aggregate, `SELECT * FROM query('SELECT * FROM social_insurance')`, nil},
	{esc, "query_table()", Aggregate, `SELECT count(*) FROM query_table('social_insurance')`, nil},
	{esc, "other tenant's dataset", Aggregate, `SELECT grade, count(*) FROM tax_credit GROUP BY grade`, nil},
	{esc, "other grant's view by its internal name", Aggregate, `SELECT grade, count(*) FROM __shuyu_ds_tax_credit GROUP BY grade`, nil},
	{esc, "a previous query's groups, suppressed ones too, by their table's name", Aggregate, `SELECT * FROM __shuyu_g1`, nil},
	{esc, "sequence", Aggregate, `SELECT nextval('s')`, nil},
	{esc, "recursive CTE", Aggregate, `WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r`, nil},
	{esc, "engine version", Aggregate, `SELECT version()`, nil},
	{esc, "a dataset shadowed by a CTE", Aggregate, `WITH social_insurance AS (SELECT 1 AS x) SELECT count(*) FROM social_insurance`, nil},
	// Column exfiltration.
	{exfil, "un-granted column", Aggregate, `SELECT name, count(*) FROM social_insurance GROUP BY name`, nil},
	{exfil, "un-granted column in WHERE", Aggregate, `SELECT count(*) FROM social_insurance WHERE name LIKE 'QX7%'`, nil},
	{exfil, "un-granted column in an expression", Aggregate, `SELECT length(name) AS l, count(*) FROM social_insurance GROUP BY l`, nil},
	{exfil, "un-granted column through a subquery", Aggregate, `SELECT d, count(*) FROM (SELECT name AS d FROM social_insurance) t GROUP BY d`, nil},
	{exfil, "un-granted column through a CTE", Aggregate, `WITH t AS (SELECT name FROM social_insurance) SELECT name, count(*) FROM t GROUP BY name`, nil},
	{exfil, "un-granted column with a qualified name", Aggregate, `SELECT s.legal_rep_id_number, count(*) FROM enterprise_registry s GROUP BY 1`, nil},
	{exfil, "raw rows", Aggregate, `SELECT * FROM social_insurance`, nil},
	{exfil, "star with EXCLUDE", Aggregate, `SELECT * EXCLUDE (id_number) FROM social_insurance`, nil},
	{exfil, "COLUMNS()", Aggregate, `SELECT COLUMNS('.*') FROM social_insurance`, nil},
	{exfil, "positional reference", Aggregate, `SELECT #1 FROM social_insurance`, nil},
	{exfil, "window over rows", Aggregate, `SELECT district, first_value(monthly_base_yuan) OVER (PARTITION BY district ORDER BY birth_date) FROM social_insurance`, nil},
	{exfil, "window function carrying an identifier", Aggregate, `SELECT district, count(*), max(count(*)) OVER (ORDER BY min(id_number)) FROM social_insurance GROUP BY district`, nil},
	{exfil, "string_agg of identifiers", Aggregate, `SELECT district, string_agg(id_number, ',') FROM social_insurance GROUP BY district`, nil},
	{exfil, "list of measures", Aggregate, `SELECT district, list(monthly_base_yuan) FROM social_insurance GROUP BY district`, nil},
	{exfil, "array_agg", Aggregate, `SELECT district, array_agg(monthly_base_yuan) FROM social_insurance GROUP BY district`, nil},
	{exfil, "histogram", Aggregate, `SELECT district, histogram(monthly_base_yuan) FROM social_insurance GROUP BY district`, nil},
	{exfil, "mode", Aggregate, `SELECT district, mode(monthly_base_yuan) FROM social_insurance GROUP BY district`, nil},
	{exfil, "arg_max", Aggregate, `SELECT district, arg_max(id_number, monthly_base_yuan) FROM social_insurance GROUP BY district`, nil},
	{exfil, "first", Aggregate, `SELECT district, first(monthly_base_yuan) FROM social_insurance GROUP BY district`, nil},
	{exfil, "any_value", Aggregate, `SELECT district, any_value(birth_date) FROM social_insurance GROUP BY district`, nil},
	{exfil, "to_json of a row", Aggregate, `SELECT to_json(s) FROM social_insurance s`, nil},
	{exfil, "json_object", Aggregate, `SELECT district, count(*), json_object('b', 1) FROM social_insurance GROUP BY district`, nil},
	{exfil, "struct literal", Aggregate, `SELECT {'m': monthly_base_yuan} AS s FROM social_insurance`, nil},
	{exfil, "struct_pack", Aggregate, `SELECT district, struct_pack(n := count(*)) FROM social_insurance GROUP BY district`, nil},
	{exfil, "list literal", Aggregate, `SELECT [monthly_base_yuan] FROM social_insurance`, nil},
	{exfil, "cast to a list", Aggregate, `SELECT district, CAST(count(*) AS VARCHAR[]) FROM social_insurance GROUP BY district`, nil},
	{exfil, "lambda", Aggregate, `SELECT list_transform([1, 2], x -> x + 1)`, nil},
	{exfil, "ORDER BY LIMIT 1 on rows", Aggregate, `SELECT monthly_base_yuan FROM social_insurance ORDER BY monthly_base_yuan DESC LIMIT 1`, nil},
	{exfil, "top earner summed in a CTE", Aggregate, `WITH top AS (SELECT monthly_base_yuan FROM social_insurance ORDER BY monthly_base_yuan DESC LIMIT 1) SELECT sum(monthly_base_yuan) FROM top`, nil},
	{exfil, "top group ordered by an identifier", Aggregate, `SELECT district, count(*) FROM social_insurance GROUP BY district ORDER BY max(id_number) LIMIT 1`, nil},
	{exfil, "CASE with a secret in a condition", Aggregate, `SELECT CASE WHEN id_number LIKE '370702%' THEN 1 ELSE 0 END AS x, count(*) FROM social_insurance GROUP BY x`, nil},
	{exfil, "CASE choosing a measure", Aggregate, `SELECT district, sum(CASE WHEN birth_date = DATE '1980-05-05' THEN monthly_base_yuan ELSE 0 END) FROM social_insurance GROUP BY district`, nil},
	{exfil, "FILTER clause isolating one person", Aggregate, `SELECT district, sum(monthly_base_yuan) FILTER (WHERE birth_date = DATE '1980-05-05') FROM social_insurance GROUP BY district`, nil},
	{exfil, "indicator arithmetic inside SUM", Aggregate, `SELECT district, sum(monthly_base_yuan * CAST(birth_date = DATE '1980-05-05' AS INTEGER)) FROM social_insurance GROUP BY district`, nil},
	{exfil, "indicator built in a CTE", Aggregate, `WITH t AS (SELECT district, monthly_base_yuan * CAST(gender = '男' AS INTEGER) AS x FROM social_insurance) SELECT district, sum(x) FROM t GROUP BY district`, nil},
	{exfil, "dimension inside SUM", Aggregate, `SELECT district, sum(1 // (1 + abs(date_diff('day', birth_date, DATE '1980-05-05')))) FROM social_insurance GROUP BY district`, nil},
	{exfil, "NULLIF inside COUNT", Aggregate, `SELECT district, count(nullif(birth_date, DATE '1980-05-05')) FROM social_insurance GROUP BY district`, nil},
	{exfil, "MAX of a measure without permission", Aggregate, `SELECT district, max(monthly_base_yuan) FROM social_insurance GROUP BY district`, nil},
	{exfil, "MEDIAN without permission", Aggregate, `SELECT district, median(monthly_base_yuan) FROM social_insurance GROUP BY district`, nil},
	{exfil, "MIN of an identifier", Aggregate, `SELECT min(id_number) FROM social_insurance`, nil},
	{exfil, "MAX of a join column", Aggregate, `SELECT district, max(employer_uscc) FROM social_insurance GROUP BY district`, nil},
	{exfil, "measure output at row level", Aggregate, `WITH t AS (SELECT district, monthly_base_yuan FROM social_insurance) SELECT monthly_base_yuan FROM t`, nil},
	{exfil, "measure compared in WHERE", Aggregate, `SELECT count(*) FROM social_insurance WHERE monthly_base_yuan = 12345`, nil},
	{exfil, "measure grouped by", Aggregate, `SELECT monthly_base_yuan, count(*) FROM social_insurance GROUP BY monthly_base_yuan`, nil},
	{exfil, "measure turned into text", Aggregate, `SELECT left(CAST(monthly_base_yuan AS VARCHAR), 1) AS d, count(*) FROM social_insurance GROUP BY d`, nil},
	{exfil, "hash of an identifier", Aggregate, `SELECT hash(id_number) AS h, count(*) FROM social_insurance GROUP BY h`, nil},
	{exfil, "md5 of an identifier", Aggregate, `SELECT count(DISTINCT md5(id_number)) FROM social_insurance`, nil},
	{exfil, "scalar subquery", Aggregate, `SELECT (SELECT max(monthly_base_yuan) FROM social_insurance) AS m`, nil},
	{exfil, "IN subquery", Aggregate, `SELECT count(*) FROM social_insurance WHERE district IN (SELECT district FROM social_insurance WHERE id_number = '370702198001011234')`, nil},
	{exfil, "lateral join", Aggregate, `SELECT count(*) FROM social_insurance s, LATERAL (SELECT s.monthly_base_yuan AS m) l`, nil},
	{exfil, "reserved ordinal column", Aggregate, `SELECT count(DISTINCT __shuyu_pu) FROM social_insurance`, nil},
	{exfil, "SELECT DISTINCT of a dimension", Aggregate, `SELECT DISTINCT birth_date FROM social_insurance`, nil},
	{exfil, "sampling", Aggregate, `SELECT count(*) FROM social_insurance USING SAMPLE 1`, nil},
	{exfil, "GROUP BY ALL", Aggregate, `SELECT district, count(*) FROM social_insurance GROUP BY ALL`, nil},
	{exfil, "ROLLUP", Aggregate, `SELECT district, gender, count(*) FROM social_insurance GROUP BY ROLLUP (district, gender)`, nil},
	{exfil, "error() carrying a value", Aggregate, `SELECT district, count(*) FROM social_insurance WHERE error(district) IS NULL GROUP BY district`, nil},
	{exfil, "list grant: a measure listed", withMeasure, `SELECT name, registered_capital_wan FROM enterprise_registry`, nil},
	{exfil, "list grant: ordered by a measure", withMeasure, `SELECT name FROM enterprise_registry ORDER BY registered_capital_wan DESC LIMIT 1`, nil},
	{exfil, "review grant: an identifier", Review, `SELECT id_number, monthly_base_yuan FROM social_insurance`, nil},
	{exfil, "review grant: an un-granted column", Review, `SELECT name FROM social_insurance`, nil},
	{exfil, "review grant: identifier from a subquery", Review, `SELECT (SELECT id_number FROM social_insurance LIMIT 1) AS x`, nil},
	{exfil, "dp grant: MAX", DP, `SELECT district, max(monthly_base_yuan) FROM social_insurance GROUP BY district`, nil},
	{exfil, "dp grant: HAVING on exact counts", DP, `SELECT district, count(*) FROM social_insurance GROUP BY district HAVING count(*) > 300`, nil},
	{exfil, "dp grant: two aggregations", DP, `SELECT (SELECT 1) AS x UNION ALL SELECT count(*) FROM social_insurance`, nil},
	// Identifiers in filters or groups.
	{idf, "identifier output", Aggregate, `SELECT id_number FROM social_insurance`, nil},
	{idf, "identifier in WHERE", Aggregate, `SELECT count(*) FROM social_insurance WHERE id_number = '370702198001011234'`, nil},
	{idf, "LIKE-probing an identifier", Aggregate, `SELECT count(*) FROM social_insurance WHERE id_number LIKE '370702198%'`, nil},
	{idf, "identifier prefix grouped", Aggregate, `SELECT left(id_number, 6) AS area, count(*) FROM social_insurance GROUP BY area`, nil},
	{idf, "identifier grouped", Aggregate, `SELECT district, count(*) FROM social_insurance GROUP BY district, id_number`, nil},
	{idf, "join column grouped", Aggregate, `SELECT employer_uscc, count(*) FROM social_insurance GROUP BY employer_uscc`, nil},
	{idf, "join column filtered", Aggregate, `SELECT count(*) FROM social_insurance WHERE employer_uscc = '91370702MA000000X1'`, nil},
	{idf, "join column counted", Aggregate, `SELECT count(DISTINCT employer_uscc) FROM social_insurance`, nil},
	{idf, "identifier joined to a constant", Aggregate, `WITH t AS (SELECT '370702198001011234' AS x) SELECT count(*) FROM social_insurance s JOIN t ON s.id_number = t.x`, nil},
	{idf, "identifiers compared with <", Aggregate, `SELECT count(*) FROM social_insurance s JOIN enterprise_registry e ON s.employer_uscc < e.uscc`, nil},
	{idf, "identifier in a join expression", Aggregate, `SELECT count(*) FROM social_insurance s JOIN enterprise_registry e ON left(s.employer_uscc, 8) = left(e.uscc, 8)`, nil},
	{idf, "identifier passed through a CTE then grouped", Aggregate, `WITH t AS (SELECT id_number, district FROM social_insurance) SELECT id_number, count(*) FROM t GROUP BY id_number`, nil},
	{idf, "filter column in SELECT", withFilter, `SELECT insured_since, count(*) FROM social_insurance GROUP BY insured_since`, nil},
	{idf, "filter column in CASE", withFilter, `SELECT CASE WHEN insured_since > DATE '2020-01-01' THEN 1 ELSE 0 END AS x, count(*) FROM social_insurance GROUP BY x`, nil},
	{idf, "filter column in a function", withFilter, `SELECT count(*) FROM social_insurance WHERE year(insured_since) = 2020`, nil},
	// Small groups: answered, but every group under k units is suppressed.
	{small, "one person by birth date", Aggregate, `SELECT count(*) AS n FROM social_insurance WHERE birth_date = DATE '1980-05-05' AND district = '奎文区'`, suppressedAll},
	{small, "groups by birth date", Aggregate, `SELECT birth_date, count(*) AS n FROM social_insurance GROUP BY birth_date`, suppressedAll},
	{small, "groups by district and birth year", Aggregate, `SELECT district, year(birth_date) AS y, count(*) AS n FROM social_insurance GROUP BY district, y`, atLeastK},
	{small, "a rare industry joined", Aggregate, `SELECT e.industry, count(DISTINCT s.id_number) AS n FROM social_insurance s JOIN enterprise_registry e ON s.employer_uscc = e.uscc WHERE e.district = '奎文区' GROUP BY e.industry`, atLeastK},
	{small, "percent of total never shows a suppressed group", Aggregate, `SELECT district, year(birth_date) AS y, 100.0 * count(*) / sum(count(*)) OVER () AS pct, count(*) AS n FROM social_insurance GROUP BY district, y`, atLeastK},
	{small, "list grant aggregates are thresholded", List, `SELECT district, industry, count(*) AS n FROM enterprise_registry GROUP BY district, industry`, atLeastK},
	// Error side channels.
	{side, "overflow reached only for some rows", Aggregate, `SELECT district, sum(monthly_base_yuan * 9223372036854775) FROM social_insurance GROUP BY district`, nil},
	{side, "strptime of a dimension", Aggregate, `SELECT strptime(district, '%Y') AS d, count(*) FROM social_insurance GROUP BY d`, nil},
	{side, "division by zero for one base", Aggregate, `SELECT district, sum(monthly_base_yuan // (monthly_base_yuan - 12345)) FROM social_insurance GROUP BY district`, nil},
	{side, "division by a group's count", Aggregate, `SELECT district, sum(monthly_base_yuan) / (count(*) - 300) AS x FROM social_insurance GROUP BY district`, nil},
	{side, "failed cast of a dimension in WHERE", Aggregate, `SELECT count(*) FROM social_insurance WHERE CAST(district AS INTEGER) = 1`, nil},
	{side, "failed cast of a dimension grouped", Aggregate, `SELECT CAST(gender AS INTEGER) AS g, count(*) FROM social_insurance GROUP BY g`, nil},
	{side, "narrowing cast of a measure", Aggregate, `SELECT district, sum(CAST(monthly_base_yuan AS TINYINT)) FROM social_insurance GROUP BY district`, nil},
	{side, "date arithmetic overflow for old birth dates", Aggregate, `SELECT district, count(*) FROM social_insurance WHERE birth_date - INTERVAL 2000000 YEAR < DATE '1970-01-01' GROUP BY district`, nil},
	{side, "string to date of a dimension", Aggregate, `SELECT CAST(district AS DATE) AS d, count(*) FROM social_insurance GROUP BY d`, nil},
	{side, "implicit cast of a dimension in a comparison", Aggregate, `SELECT count(*) FROM social_insurance WHERE district = 1`, nil},
	// Rows outside the row filter (filteredGrant: 奎文区 people; enterprises
	// 存续 or 在业, established since 2000): answered over the rows inside only.
	{rowf, "WHERE on the other side of the filter", withRowFilter, `SELECT district, count(*) AS n FROM social_insurance WHERE district <> '奎文区' GROUP BY district`, insideFilter},
	{rowf, "a filtered-out district alone", withRowFilter, `SELECT count(*) AS n FROM social_insurance WHERE district = '潍城区'`, suppressedAll},
	{rowf, "OR-ing the filter away", withRowFilter, `SELECT district, count(*) AS n FROM social_insurance WHERE district = '潍城区' OR true GROUP BY district`, insideFilter},
	{rowf, "through a subquery", withRowFilter, `SELECT d AS district, count(*) AS n FROM (SELECT district AS d FROM social_insurance) t GROUP BY d`, insideFilter},
	{rowf, "through a CTE", withRowFilter, `WITH t AS (SELECT district, gender FROM social_insurance) SELECT district, count(*) AS n FROM t GROUP BY district`, insideFilter},
	{rowf, "self join on the privacy unit", withRowFilter, `SELECT a.district, count(*) AS n FROM social_insurance a JOIN social_insurance b ON a.id_number = b.id_number GROUP BY a.district`, insideFilter},
	{rowf, "enterprises of a filtered-out status", withRowFilter, `SELECT status, count(*) AS n FROM enterprise_registry GROUP BY status`, insideFilter},
	{rowf, "through a join", withRowFilter, `SELECT s.district, e.status, count(*) AS n FROM social_insurance s JOIN enterprise_registry e ON s.employer_uscc = e.uscc GROUP BY s.district, e.status`, insideFilter},
	{rowf, "UNION ALL of a total and groups", withRowFilter, `SELECT district, count(*) AS n FROM social_insurance GROUP BY district UNION ALL SELECT '全部', count(*) FROM social_insurance`, insideFilter},
	{rowf, "suppressed groups count only rows inside", withRowFilter, `SELECT district, gender, count(*) AS n FROM social_insurance GROUP BY district, gender`, insideUnsuppressed},
	{rowf, "percent of total over rows inside", withRowFilter, `SELECT district, count(*) AS n, 100.0 * count(*) / sum(count(*)) OVER () AS pct FROM social_insurance GROUP BY district`, insideFilter},
	{rowf, "the un-granted filter column output", withRowFilter, `SELECT year(established_date) AS y, count(*) FROM enterprise_registry GROUP BY y`, nil},
	{rowf, "the un-granted filter column in WHERE", withRowFilter, `SELECT count(*) FROM enterprise_registry WHERE established_date < DATE '2000-01-01'`, nil},
	{rowf, "dp groups only inside", dpWithRowFilter, `SELECT district, count(*) AS n FROM social_insurance GROUP BY district`, insideFilter},
	{rowf, "list rows only inside", listWithRowFilter, `SELECT name, status FROM enterprise_registry`, insideFilter},
	{rowf, "list ordered to reach the filtered-out end", listWithRowFilter, `SELECT name, status FROM enterprise_registry WHERE status NOT IN ('存续', '在业') OR true ORDER BY status DESC LIMIT 5`, insideFilter},
}

func TestAdversarial(t *testing.T) { engines(t, testAdversarial) }

func testAdversarial(t *testing.T, w *world) {
	counts := map[string]int{}
	for _, c := range attacks {
		counts[c.category]++
		t.Run(c.category+"/"+c.name, func(t *testing.T) {
			g := w.grantFor(c.rule)
			a, err := w.ask(t, g, c.sql)
			if c.check != nil {
				if err != nil {
					t.Fatalf("want an answer with groups suppressed, got %v", err)
				}
				c.check(t, a)
				return
			}
			if c.category == side {
				// These run; what matters is that a failure says nothing
				// specific. (A cast that fails gives NULL: casts are TRY_CASTs.)
				// (PostgreSQL has no TRY_CAST: its engine refuses casts that could fail.)
				if err != nil && RuleOf(err) != "runtime" && RuleOf(err) != "types" && RuleOf(err) != "engine" {
					t.Fatalf("unexpected error %v", err)
				}
				if err != nil {
					if _, msg, _ := errs.Public(err); strings.Contains(msg, "区") || strings.Contains(msg, "市") || strings.ContainsAny(msg, "0123456789") {
						t.Errorf("the error is specific: %s", msg)
					}
				}
				return
			}
			if err == nil {
				t.Fatalf("not refused; answered %v %v", a.Columns, a.Rows)
			}
			code, msg, _ := errs.Public(err)
			if code == errs.Internal {
				t.Fatalf("an internal error instead of a refusal: %v", err)
			}
			t.Logf("%s: %s", code, msg)
		})
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if total < 80 {
		t.Errorf("%d adversarial cases; the suite needs at least 80", total)
	}
	t.Logf("adversarial cases by category: %v (total %d)", counts, total)
}

// TestSessionIsLocked runs, on a grant's engine directly, what the analyzer
// would refuse: the engine itself must not reach files, settings or other
// data even then.
func TestSessionIsLocked(t *testing.T) {
	w := theWorld(t)
	g := w.aggregateGrant()
	if _, err := w.ask(t, g, `SELECT count(*) FROM social_insurance`); err != nil {
		t.Fatal(err)
	}
	w.sb.mu.Lock()
	sess := w.sb.sessions[g.ID]
	w.sb.mu.Unlock()
	sess.mu.Lock()
	defer sess.mu.Unlock()
	ctx := context.Background()
	for _, stmt := range []string{
		`SELECT * FROM read_csv('/etc/passwd')`,
		fmt.Sprintf(`SELECT * FROM read_parquet(%s)`, quote(w.files["tax_credit"])),
		fmt.Sprintf(`SELECT name FROM read_parquet(%s)`, quote(w.files["social_insurance"])),
		`COPY (SELECT 1) TO '/tmp/shuyu-escape.csv'`,
		`SET enable_external_access = true`,
		`SET lock_configuration = false`,
		`SET allowed_paths = ['/']`,
		`SET memory_limit = '100GB'`,
		`ATTACH '/tmp/shuyu-escape.duckdb'`,
		`INSTALL httpfs`,
		`LOAD httpfs`,
		`SELECT name FROM __shuyu_ds_social_insurance`,
		`SELECT legal_rep_id_number FROM __shuyu_ds_enterprise_registry`,
	} {
		if _, _, err := sess.query(ctx, stmt, 1); err == nil {
			t.Errorf("the engine ran %s", stmt)
		}
	}
}
