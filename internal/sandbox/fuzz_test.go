package sandbox

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"shuyu/internal/store/storetest"
)

// FuzzAnalyze feeds the analyzer mutations of the legitimate and
// adversarial queries. It must never panic, and no query it accepts may
// touch an un-granted column. That is checked apart from the analyzer's
// own reasoning, twice: the statements it would run are parsed again and
// every column they read from a dataset view must be granted; and the
// accepted query is run, and the marker planted in every value of the
// un-granted column social_insurance.name must not appear in the answer
// (nor any identity number). Each input runs in the demo's aggregate grant
// and in one over a version where some people have several rows, whose
// units are counted over its multi view; with SHUYU_TEST_POSTGRES, also in
// an aggregate grant on the PostgreSQL engine, whose answers must not
// leak either.
func FuzzAnalyze(f *testing.F) {
	for _, c := range legitimate {
		if c.rule == Aggregate {
			f.Add(c.sql)
		}
	}
	for _, c := range attacks {
		f.Add(c.sql)
	}
	w := theWorld(f)
	g, repeats := w.aggregateGrant(), w.repeatsGrant(f)
	// Short limits: a mutation may well ask for a large join.
	g.Limits = Limits{QueriesPerHour: 1 << 30, EngineTimePerHour: 1 << 50, RuntimeErrorsPerHour: 1 << 30, Timeout: 2 * time.Second, Threads: 1, MaxRows: 1000}
	repeats.Limits = g.Limits
	granted := map[string]map[string]bool{}
	for _, d := range g.Datasets {
		cols := map[string]bool{puColumn: true}
		for _, c := range d.Columns {
			if c.Role != None {
				cols[c.Name] = true
			}
		}
		// the multi view has the view's columns (prepare.go)
		granted[viewPrefix+d.Name], granted[multiPrefix+d.Name] = cols, cols
	}
	var pgw *world
	var pgg Grant
	if os.Getenv(storetest.EnvPostgres) != "" {
		pgw = thePGWorld(f).world
		pgg = pgw.aggregateGrant()
		pgg.Limits = g.Limits
	}
	f.Fuzz(func(t *testing.T, q string) {
		ctx := context.Background()
		if pgw != nil {
			ans, err := pgw.sb.Query(ctx, pgg, Request{SQL: q})
			leak(t, pgg, ans, err)
		}
		for _, g := range []Grant{g, repeats} {
			p, err := w.sb.Analyze(ctx, g, Request{SQL: q})
			if err != nil {
				return
			}
			for _, stmt := range p.Statements {
				checkColumns(t, w, stmt, granted)
			}
			ans, err := w.sb.Query(ctx, g, Request{SQL: q})
			leak(t, g, ans, err)
		}
	})
}

// checkColumns parses an executed statement and checks that every column
// qualified by the alias of a dataset view is granted.
func checkColumns(t *testing.T, w *world, stmt string, granted map[string]map[string]bool) {
	t.Helper()
	if strings.HasPrefix(stmt, "WITH __shuyu_r") { // dp wrapper; not used by this grant
		return
	}
	root, err := w.sb.parser.parse(context.Background(), stmt)
	if err != nil {
		t.Fatalf("an executed statement does not parse: %v\n%s", err, stmt)
	}
	views := map[string]string{} // alias → view; "" when an alias names several things
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case node:
			if str(v, "type") == "BASE_TABLE" || str(v, "type") == "SUBQUERY" {
				alias := strings.ToLower(str(v, "alias"))
				name := strings.Replace(str(v, "table_name"), multiPrefix, viewPrefix, 1)
				if prev, ok := views[alias]; ok && prev != name {
					views[alias] = ""
				} else {
					views[alias] = name
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(root)
	var check func(v any)
	check = func(v any) {
		switch v := v.(type) {
		case node:
			if str(v, "class") == "COLUMN_REF" {
				names := strs(v, "column_names")
				if len(names) == 2 {
					if cols, ok := granted[views[strings.ToLower(names[0])]]; ok && !cols[strings.ToLower(names[1])] {
						t.Fatalf("the statement reads %s, which is not granted:\n%s", names[1], stmt)
					}
				}
			}
			for _, x := range v {
				check(x)
			}
		case []any:
			for _, x := range v {
				check(x)
			}
		}
	}
	check(root)
}
