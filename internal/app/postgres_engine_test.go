package app_test

import (
	"context"
	"database/sql"
	"net/http"
	"regexp"
	"testing"

	"shuyu/internal/app"
	"shuyu/internal/app/apptest"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// The postgres domain engine end to end: the demo's versions are loaded
// as tables of shuyu_domain, the analyst's queries run on PostgreSQL under
// the grant's role (aggregates with suppression, list answers masked), and
// revoking a grant drops its views and role.
func TestPostgresDomainEngine(t *testing.T) {
	env := apptest.NewTuned(t, store.Postgres, func(cfg *app.Config) { cfg.DomainEngine = app.EnginePostgres })
	ctx := context.Background()
	db, err := sql.Open("pgx", env.App.Config.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var versions []string
	rows, err := db.QueryContext(ctx, "SELECT id FROM dataset_versions")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		versions = append(versions, id)
	}
	rows.Close()
	t.Cleanup(func() {
		for _, v := range versions {
			db.Exec(`DROP TABLE IF EXISTS shuyu_domain."` + v + `", shuyu_sandbox."p_` + v + `", shuyu_sandbox."m_` + v + `" CASCADE`)
		}
	})
	var tables int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'shuyu_domain' AND tablename = ANY($1)", versions).Scan(&tables); err != nil ||
		len(versions) == 0 || tables != len(versions) {
		t.Fatalf("%d versions, %d of them with a table (%v)", len(versions), tables, err)
	}

	analyst := env.Login(t, "analyst")
	analystP, _ := env.App.Identity.PrincipalOf(ctx, "analyst")
	gs, _, err := env.App.Demands.Grants(ctx, analystP, store.NewPage(50, ""))
	if err != nil {
		t.Fatal(err)
	}
	grants := map[sandbox.Rule]string{}
	for _, g := range gs {
		grants[g.Rule] = g.ID
	}
	t.Cleanup(func() {
		for _, id := range grants {
			env.App.Sandbox.Forget(id)
		}
	})
	var ans struct {
		Columns    []string `json:"columns"`
		Rows       [][]any  `json:"rows"`
		Suppressed int      `json:"suppressed"`
	}
	query := func(grant, sql string) int {
		ans.Rows, ans.Suppressed = nil, 0
		return env.Call(t, "POST", "/api/v1/grants/"+grant+"/queries", analyst, map[string]string{"sql": sql}, &ans)
	}
	if status := query(grants[sandbox.Aggregate], `SELECT district, count(*) AS n FROM social_insurance GROUP BY district ORDER BY n DESC`); status != http.StatusOK || len(ans.Rows) == 0 {
		t.Fatalf("aggregate: %d %+v", status, ans)
	}
	if status := query(grants[sandbox.Aggregate], `SELECT district, birth_date, count(*) AS n FROM social_insurance GROUP BY district, birth_date`); status != http.StatusOK || ans.Suppressed == 0 {
		t.Fatalf("small groups: %d, %d suppressed", status, ans.Suppressed)
	}
	if status := query(grants[sandbox.List], `SELECT legal_rep_name, legal_rep_id_number FROM enterprise_registry LIMIT 5`); status != http.StatusOK || len(ans.Rows) != 5 {
		t.Fatalf("list: %d %+v", status, ans)
	}
	masked := regexp.MustCompile(`^[0-9X]{6}\*{8}[0-9X]{4}$`)
	for _, r := range ans.Rows {
		if id, _ := r[1].(string); !masked.MatchString(id) {
			t.Errorf("an identity number leaves unmasked: %q", id)
		}
	}
	schema := (&sandbox.Postgres{}).RoleOf(grants[sandbox.List])
	exists := func() bool {
		var ok bool
		if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", schema).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !exists() {
		t.Fatalf("the list grant has no schema and role %s", schema)
	}
	bureau, _ := env.App.Identity.PrincipalOf(ctx, "bureau")
	if _, err := env.App.Demands.RevokeGrant(ctx, bureau, grants[sandbox.List], "test: the grant ends"); err != nil {
		t.Fatal(err)
	}
	if exists() {
		t.Errorf("revoking a grant left its views and role %s", schema)
	}
}
