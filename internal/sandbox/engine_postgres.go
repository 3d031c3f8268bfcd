package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"shuyu/internal/errs"
)

// Postgres is the engine of server mode: queries run on PostgreSQL, over
// the domain's tables of the dataset versions, instead of on an embedded
// DuckDB per grant.
//
// Each version's table is copied once into the sandbox's own schema
// (Schema) with the privacy-unit ordinal and the single-row flag,
// as the DuckDB engine's prepared files have them. Each grant has a schema
// of views (its datasets' versions, granted columns only, masked and
// row-filtered) and a NOLOGIN role with USAGE on that schema and SELECT on
// its views, nothing else: not the domain's tables, not the prepared
// copies, not the control plane, not another grant's views. A query runs
// in a read-only transaction under SET LOCAL ROLE of its grant's role,
// with a statement timeout and a work_mem, and executes one statement (the
// extended protocol runs one) rendered from the analyzed tree.
type Postgres struct {
	Pool *pgxpool.Pool
	// Schema holds the sandbox's copies of versions; default
	// DefaultPreparedSchema. No grant role may use it.
	Schema string
	// Table returns the qualified name of the domain's table of a version,
	// loading it when it is missing.
	Table func(ctx context.Context, v Version) (string, error)
}

// DefaultPreparedSchema is the default schema of the sandbox's copies.
const DefaultPreparedSchema = "shuyu_sandbox"

func (pg *Postgres) schema() string {
	if pg.Schema == "" {
		return DefaultPreparedSchema
	}
	return pg.Schema
}

// openPostgres makes the prepared schema, and takes set_config from
// PUBLIC: a SELECT calling set_config('role', …) would leave the grant's
// role for the connecting user's, within the transaction.
func openPostgres(ctx context.Context, pg *Postgres) error {
	return pgx.BeginFunc(ctx, pg.Pool, func(tx pgx.Tx) error {
		for _, stmt := range []string{
			"SELECT pg_advisory_xact_lock(hashtext(" + quote(pg.schema()) + "))",
			"CREATE SCHEMA IF NOT EXISTS " + ident(pg.schema()),
			"REVOKE ALL ON SCHEMA " + ident(pg.schema()) + " FROM PUBLIC",
			"REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC",
		} {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("sandbox: PostgreSQL engine: %s: %w (the data database's user must own the database or be a superuser)", stmt, err)
			}
		}
		return nil
	})
}

// preparedTable returns the sandbox's copy of a dataset's version and,
// when f has a file of the rows of units with several rows, the table of
// those rows; it makes them the first time in one transaction: a failed
// copy leaves nothing.
func (pg *Postgres) preparedTable(ctx context.Context, d Dataset, f prepared) (name, multi string, err error) {
	name = ident(pg.schema()) + "." + ident("p_"+d.Version.ID)
	if f.Multi != "" {
		multi = ident(pg.schema()) + "." + ident("m_"+d.Version.ID)
	}
	var exists bool
	if err := pg.Pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", name).Scan(&exists); err != nil || exists {
		return name, multi, err
	}
	src, err := pg.Table(ctx, d.Version)
	if err != nil {
		return "", "", err
	}
	pu := ident(d.PrivacyUnit)
	order := pu
	for _, c := range d.Columns {
		if c.Name == d.PrivacyUnit && c.Type == "text" {
			order += ` COLLATE "C"` // byte order, as DuckDB ranks: the same ordinals on either engine
		}
	}
	return name, multi, pgx.BeginFunc(ctx, pg.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", name); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", name).Scan(&exists); err != nil || exists {
			return err
		}
		_, err := tx.Exec(ctx, fmt.Sprintf(`CREATE TABLE %s AS SELECT t.*, dense_rank() OVER (ORDER BY %s) AS %s,
			count(*) OVER (PARTITION BY %s) = 1 AS %s FROM %s AS t`, name, order, puColumn, pu, singleColumn, src))
		if err == nil && multi != "" {
			_, err = tx.Exec(ctx, fmt.Sprintf("CREATE TABLE %s AS SELECT * FROM %s WHERE NOT %s", multi, name, singleColumn))
		}
		for _, t := range []string{name, multi} {
			if err == nil && t != "" {
				_, err = tx.Exec(ctx, "ANALYZE "+t)
			}
		}
		return err
	})
}

// pgGrant is a grant's schema and role on PostgreSQL, and the grouped
// statements of the query running: a read-only transaction cannot create
// tables, so each is a MATERIALIZED WITH query of the statements that
// read it.
type pgGrant struct {
	pg     *Postgres
	name   string // of the schema and the role
	limits Limits
	temps  []pgTemp
}

type pgTemp struct{ name, stmt string }

// RoleOf is the name of the schema and role of a grant (an operator's
// view of the database). Roles are the cluster's: the prepared schema's
// name is in the hash, so that sandboxes over different schemas (tests,
// deployments sharing a server) never share one.
func (pg *Postgres) RoleOf(grantID string) string {
	h := sha256.Sum256([]byte(pg.schema() + "\x00" + grantID))
	return "shuyu_g_" + hex.EncodeToString(h[:12])
}

// openPGGrant (re)creates a grant's views and role, in one transaction
// that also drops the copies of versions no view reads any more (those
// its views read before, if no other grant's do).
func openPGGrant(ctx context.Context, pg *Postgres, g *Grant, files map[string]prepared) (*pgGrant, error) {
	// A copy dropped between being found and being locked is made again;
	// three times in a row means the grant's versions are being dropped as
	// fast as they are made, which only a bug can do.
	for range 2 {
		if s, err := tryOpenPGGrant(ctx, pg, g, files); !errors.Is(err, errCopyGone) {
			return s, err
		}
	}
	return tryOpenPGGrant(ctx, pg, g, files)
}

func tryOpenPGGrant(ctx context.Context, pg *Postgres, g *Grant, files map[string]prepared) (*pgGrant, error) {
	var views, copies []string
	for _, d := range g.Datasets {
		t, m, err := pg.preparedTable(ctx, d, files[d.Name])
		if err != nil {
			return nil, fmt.Errorf("sandbox: prepare version %s on PostgreSQL: %w", d.Version.ID, err)
		}
		copies = append(copies, t)
		views = append(views, viewPrefix+d.Name, viewSQL(d, t, Mask.pgSQL))
		if m != "" {
			views = append(views, multiPrefix+d.Name, viewSQL(d, m, Mask.pgSQL))
		}
	}
	s := &pgGrant{pg: pg, name: pg.RoleOf(g.ID), limits: g.Limits.withDefaults()}
	n := ident(s.name)
	err := pgx.BeginFunc(ctx, pg.Pool, func(tx pgx.Tx) error {
		var role bool
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", s.name); err != nil {
			return err
		}
		if err := holdCopies(ctx, tx, copies); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", s.name).Scan(&role); err != nil {
			return err
		}
		stmts := []string{"DROP SCHEMA IF EXISTS " + n + " CASCADE"}
		if !role {
			stmts = append(stmts, "CREATE ROLE "+n+" NOLOGIN NOINHERIT", "GRANT "+n+" TO CURRENT_USER")
		}
		stmts = append(stmts, "CREATE SCHEMA "+n, "REVOKE ALL ON SCHEMA "+n+" FROM PUBLIC")
		for i := 0; i < len(views); i += 2 {
			stmts = append(stmts, "CREATE VIEW "+n+"."+ident(views[i])+" WITH (security_barrier) AS "+views[i+1])
		}
		stmts = append(stmts, "GRANT USAGE ON SCHEMA "+n+" TO "+n, "GRANT SELECT ON ALL TABLES IN SCHEMA "+n+" TO "+n)
		for _, stmt := range stmts {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("%s: %w", stmt, err)
			}
		}
		return pg.dropUnusedCopies(ctx, tx)
	})
	if errors.Is(err, errCopyGone) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox: grant views on PostgreSQL: %w", err)
	}
	return s, nil
}

// materialize keeps a grouped statement for the statements that read it.
func (s *pgGrant) materialize(name, stmt string) {
	s.drop(name)
	s.temps = append(s.temps, pgTemp{name, stmt})
}

func (s *pgGrant) drop(name string) {
	for i, t := range s.temps {
		if t.name == name {
			s.temps = append(s.temps[:i], s.temps[i+1:]...)
			return
		}
	}
}

// withTemps puts the grouped statements before stmt as WITH queries; stmt
// is a statement of the sandbox's own rendering, whose WITH, if any, is
// at its start.
func (s *pgGrant) withTemps(stmt string) string {
	if len(s.temps) == 0 {
		return stmt
	}
	defs := make([]string, len(s.temps))
	for i, t := range s.temps {
		defs[i] = ident(t.name) + " AS MATERIALIZED (" + t.stmt + ")"
	}
	if rest, ok := strings.CutPrefix(stmt, "WITH "); ok {
		return "WITH " + strings.Join(defs, ", ") + ", " + rest
	}
	return "WITH " + strings.Join(defs, ", ") + " " + stmt
}

// begin opens the transaction a statement runs in: read only, as the
// grant's role, seeing only the grant's schema, with its limits.
func (s *pgGrant) begin(ctx context.Context) (pgx.Tx, error) {
	tx, err := s.pg.Pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return nil, err
	}
	_, err = tx.Exec(ctx, fmt.Sprintf("SET LOCAL ROLE %s; SET LOCAL search_path = %s; SET LOCAL statement_timeout = %d; SET LOCAL work_mem = '%s'; SET LOCAL max_parallel_workers_per_gather = %d",
		ident(s.name), ident(s.name), s.limits.Timeout.Milliseconds(), pgMemory(s.limits.Memory), s.limits.Threads-1))
	if err != nil {
		tx.Rollback(context.Background())
		return nil, err
	}
	return tx, nil
}

// pgMemory is a grant's memory limit as work_mem, at most 2GB.
func pgMemory(m string) string {
	n, _ := strconv.ParseInt(strings.TrimRight(m, "KMGB"), 10, 64)
	unit := map[string]int64{"KB": 1, "MB": 1 << 10, "GB": 1 << 20}[strings.TrimLeft(m, "0123456789")]
	return strconv.FormatInt(min(max(n*unit, 64), 2<<20), 10) + "kB"
}

// query runs one statement and scans at most limit rows (limit < 0: all).
func (s *pgGrant) query(ctx context.Context, stmt string, limit int) ([]string, [][]any, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, nil, pgError(ctx, err)
	}
	defer tx.Rollback(context.Background())
	rows, err := tx.Query(ctx, s.withTemps(stmt), pgx.QueryExecModeDescribeExec)
	if err != nil {
		return nil, nil, pgError(ctx, err)
	}
	defer rows.Close()
	var cols []string
	for _, f := range rows.FieldDescriptions() {
		cols = append(cols, f.Name)
	}
	var out [][]any
	for rows.Next() && (limit < 0 || len(out) < limit) {
		vals, err := rows.Values()
		if err != nil {
			return nil, nil, pgError(ctx, err)
		}
		for i, v := range vals {
			vals[i] = pgValue(v)
		}
		out = append(out, vals)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, pgError(ctx, err)
	}
	return cols, out, nil
}

// pgValue turns PostgreSQL's numbers into the forms the DuckDB engine
// answers with: integers, or exact decimals as JSON numbers.
func pgValue(v any) any {
	switch v := v.(type) {
	case pgtype.Numeric:
		if i, err := v.Int64Value(); err == nil && i.Valid && v.Exp >= 0 {
			return i.Int64
		}
		if b, err := v.MarshalJSON(); err == nil && !strings.Contains(string(b), `"`) {
			return json.Number(b)
		}
		f, _ := v.Float64Value()
		return f.Float64
	case pgtype.Interval:
		return fmt.Sprintf("%d months %d days %d µs", v.Months, v.Days, v.Microseconds)
	case []any:
		for i := range v {
			v[i] = pgValue(v[i])
		}
	case time.Time:
		return v
	}
	return v
}

// pgError says what of an engine error may reach the analyst: errors of
// binding (class 42: names, types, privileges) are about the query alone,
// as PostgreSQL binds before it reads a row; a cancelled statement ran out
// of time; any other error is a runtime error and says nothing.
func pgError(ctx context.Context, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "57014":
			e := errs.E(errs.Invalid, "the query ran longer than the grant's time limit and was stopped")
			e.Details = map[string]any{"rule": "limits"}
			e.Err = err
			return e
		case strings.HasPrefix(pe.Code, "42"):
			e := refuse("types", "the engine cannot bind the query: %s", strings.ReplaceAll(pe.Message, reserved, "sandbox"))
			e.Err = err
			return e
		}
	}
	return engineError(ctx, err)
}
