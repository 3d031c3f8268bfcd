package sandbox

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// pgEscapes are what an analyst would try on the PostgreSQL engine: each
// is refused by the analyzer (query), and, were the analyzer bypassed, the
// raw text (raw) fails under the grant's role in its transaction.
//
// Two things the role cannot stop are left to the analyzer and the way a
// statement runs: SET ROLE (PostgreSQL checks it against the connecting
// user, not the current role), which no SELECT can contain and which the
// extended protocol cannot add to one (TestPostgresOneStatement); and
// built-in functions such as md5 or string_agg over the role's own views,
// which only the allow-list refuses (pgAnalyzerOnly).
var pgEscapes = []struct {
	name, query, raw string
}{
	{"the domain's tables", `SELECT count(*) FROM shuyu_domain.social_insurance`, `SELECT count(*) FROM {domain}.{version}`},
	{"the prepared copies", `SELECT * FROM shuyu_sandbox.p_1`, `SELECT count(*) FROM {prepared}.{pversion}`},
	{"the control plane", `SELECT * FROM public.users`, `SELECT * FROM public.{probe}`},
	{"another grant's views", `SELECT * FROM other.social_insurance`, `SELECT count(*) FROM {other}.__shuyu_ds_social_insurance`},
	{"pg_statistic (histograms of values)", `SELECT * FROM pg_catalog.pg_statistic`, `SELECT count(*) FROM pg_catalog.pg_statistic`},
	{"pg_read_file", `SELECT pg_read_file('/etc/passwd')`, `SELECT pg_read_file('/etc/passwd')`},
	{"pg_ls_dir", `SELECT pg_ls_dir('.')`, `SELECT pg_ls_dir('.')`},
	{"COPY to a file", `COPY social_insurance TO '/tmp/x.csv'`, `COPY (SELECT 1) TO '/tmp/shuyu-escape.csv'`},
	{"COPY to a program", `COPY (SELECT 1) TO PROGRAM 'id'`, `COPY (SELECT 1) TO PROGRAM 'id'`},
	{"dblink", `SELECT * FROM dblink('dbname=test', 'SELECT 1') AS t(x int)`, `SELECT dblink_connect('dbname=test')`},
	{"set_config of the role", `SELECT set_config('role', 'postgres', true)`, `SELECT set_config('role', 'postgres', true)`},
	{"current_setting of the server", `SELECT current_setting('data_directory')`, `SELECT current_setting('data_directory')`},
	{"a write", `INSERT INTO social_insurance VALUES (1)`, `CREATE TABLE shuyu_escape (x int)`},
	{"a large object export", `SELECT lo_export(1, '/tmp/x')`, `SELECT lo_import('/etc/passwd')`},
}

// pgAnalyzerOnly are refused by the analyzer; the role alone would run them.
var pgAnalyzerOnly = []string{
	`SET ROLE postgres`,
	`SELECT district, md5(string_agg(id_number, ',')) FROM social_insurance GROUP BY district`,
	`SELECT district, count(*) FROM social_insurance GROUP BY district; SET ROLE postgres`,
	`SELECT pg_sleep(60)`,
	`SELECT current_user, count(*) FROM social_insurance`,
}

func TestPostgresEscapes(t *testing.T) {
	w := thePGWorld(t)
	ctx := context.Background()
	g, other := w.aggregateGrant(), w.aggregateGrant()
	for _, gr := range []Grant{g, other} { // make both grants' views
		if _, err := w.ask(t, gr, `SELECT district, count(*) FROM social_insurance GROUP BY district`); err != nil {
			t.Fatal(err)
		}
	}
	probe := "shuyu_probe_" + strings.ReplaceAll(w.pg.Schema, "test_sandbox_", "")
	if _, err := w.pool.Exec(ctx, "CREATE TABLE public."+probe+" (secret text); INSERT INTO public."+probe+" VALUES ('"+marker+"')"); err != nil {
		t.Fatal(err)
	}
	defer w.pool.Exec(ctx, "DROP TABLE public."+probe)
	sess, err := w.sb.session(ctx, &g, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := strings.NewReplacer("{domain}", ident(w.tables.Schema), "{version}", ident("v1-social_insurance"),
		"{prepared}", ident(w.pg.Schema), "{pversion}", ident("p_v1-social_insurance"), "{probe}", probe, "{other}", ident(w.pg.RoleOf(other.ID)))
	for _, c := range pgEscapes {
		t.Run(c.name, func(t *testing.T) {
			if _, err := w.ask(t, g, c.query); err == nil {
				t.Errorf("the analyzer accepted %s", c.query)
			}
			err := rawAsRole(ctx, sess.pg, r.Replace(c.raw))
			var pe *pgconn.PgError
			if !errors.As(err, &pe) {
				t.Fatalf("under the role, %s: want a refusal by PostgreSQL, got %v", c.raw, err)
			}
			t.Logf("refused by PostgreSQL: %s (%s)", pe.Message, pe.Code)
		})
	}
	for _, q := range pgAnalyzerOnly {
		if _, err := w.ask(t, g, q); err == nil {
			t.Errorf("the analyzer accepted %s", q)
		}
	}
	// The role's own view is readable: the refusals above are the role's
	// limits, not a broken transaction.
	if err := rawAsRole(ctx, sess.pg, "SELECT count(*) FROM __shuyu_ds_social_insurance"); err != nil {
		t.Fatalf("the role cannot read its own view: %v", err)
	}
	// Catalogs name objects, never their values: what the role sees of the
	// domain's columns there is nothing.
	var n int
	tx, err := sess.pg.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM pg_catalog.pg_stats WHERE schemaname IN ($1, $2))
		+ (SELECT count(*) FROM information_schema.columns WHERE table_schema IN ($1, $2))`, w.tables.Schema, w.pg.Schema).Scan(&n); err != nil || n != 0 {
		t.Errorf("under the role, catalogs show %d entries of the domain's and sandbox's tables (%v)", n, err)
	}
}

// rawAsRole runs text, unchecked, in the transaction a query of the grant
// runs in (read only, its role, its limits): what the role alone allows.
func rawAsRole(ctx context.Context, g *pgGrant, text string) error {
	tx, err := g.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, text)
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	rows.Close()
	return rows.Err()
}

// TestPostgresStatementTimeout: the transaction's statement_timeout stops
// a statement by itself (the context has no deadline), and the answer
// says the time limit stopped it.
func TestPostgresStatementTimeout(t *testing.T) {
	w := thePGWorld(t)
	ctx := context.Background()
	g := w.aggregateGrant()
	g.Limits.Timeout = 200 * time.Millisecond
	sess, err := w.sb.session(ctx, &g, nil)
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	_, _, err = sess.pg.query(ctx, "SELECT count(*) FROM __shuyu_ds_social_insurance a, __shuyu_ds_social_insurance b, __shuyu_ds_social_insurance c", -1)
	if err == nil || !strings.Contains(err.Error(), "time limit") {
		t.Fatalf("want the time limit, got %v", err)
	}
	if d := time.Since(started); d > 20*time.Second {
		t.Errorf("stopped after %s", d)
	}
	// Through the pipeline too: a heavy self-join stops at the limit.
	_, err = w.ask(t, g, `SELECT a.district, count(*) FROM social_insurance a JOIN social_insurance b ON a.district = b.district
		JOIN social_insurance c ON b.district = c.district GROUP BY a.district`)
	if err == nil || RuleOf(err) != "limits" {
		t.Fatalf("want the time limit, got %v", err)
	}
}

// TestPostgresOneStatement: a statement runs through the extended
// protocol, which runs one: text appended to a statement cannot add a
// SET ROLE (or anything else) after it.
func TestPostgresOneStatement(t *testing.T) {
	w := thePGWorld(t)
	ctx := context.Background()
	g := w.aggregateGrant()
	sess, err := w.sb.session(ctx, &g, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = sess.pg.query(ctx, "SELECT 1; SET ROLE postgres; SELECT 2", -1)
	if err == nil {
		t.Fatal("two statements ran as one")
	}
	_, rows, err := sess.pg.query(ctx, "SELECT current_user", -1)
	if err != nil || rows[0][0] != w.pg.RoleOf(g.ID) {
		t.Fatalf("a statement runs as %v (%v), want the grant's role", rows, err)
	}
}
