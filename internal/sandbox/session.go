package sandbox

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/duckdb/duckdb-go/v2"

	"shuyu/internal/errs"
)

// session is the locked engine of one grant: a fresh in-memory DuckDB
// whose only objects are the grant's views — granted columns only, masks
// and the row filter applied — over the prepared version files. After the
// views exist, the engine may read those files and nothing else
// (allowed_paths), external access is off, and the configuration is locked,
// so that even a statement the analyzer should have refused could not reach
// a file, the network, a setting or an extension. Queries of one grant run
// one at a time.
type session struct {
	mu      sync.Mutex
	db      *sql.DB
	conn    *sql.Conn
	key     string // fingerprint of the grant the views were built from
	threads int
	spill   string
	// pg is the grant's schema and role when the engine is PostgreSQL;
	// then db and conn are nil.
	pg *pgGrant
}

// fingerprint identifies what a grant's views show.
func fingerprint(g *Grant, files map[string]prepared) string {
	b, _ := json.Marshal(struct {
		D []Dataset
		F map[string]prepared
		L Limits
	}{g.Datasets, files, g.Limits.withDefaults()})
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func openSession(ctx context.Context, g *Grant, files map[string]prepared, spillDir string) (*session, error) {
	l := g.Limits.withDefaults()
	s := &session{key: fingerprint(g, files), threads: l.Threads, spill: filepath.Join(spillDir, g.ID+"-"+strconv.FormatInt(randomInt63(), 36))}
	if err := os.MkdirAll(s.spill, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("sandbox: session engine: %w", err)
	}
	s.db = sql.OpenDB(connector)
	s.db.SetMaxOpenConns(1)
	if s.conn, err = s.db.Conn(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("sandbox: session engine: %w", err)
	}
	stmts := []string{
		"SET memory_limit = " + quote(l.Memory),
		fmt.Sprintf("SET threads = %d", l.Threads),
		"SET temp_directory = " + quote(s.spill),
		"SET max_temp_directory_size = '4GB'",
		"SET parquet_metadata_cache = true",
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
	}
	var paths []string
	for _, d := range g.Datasets {
		f := files[d.Name]
		stmts = append(stmts, "CREATE VIEW "+ident(viewPrefix+d.Name)+" AS "+viewSQL(d, parquet(f.Path), Mask.sql))
		paths = append(paths, quote(f.Path))
		if f.Multi != "" {
			stmts = append(stmts, "CREATE VIEW "+ident(multiPrefix+d.Name)+" AS "+viewSQL(d, parquet(f.Multi), Mask.sql))
			paths = append(paths, quote(f.Multi))
		}
	}
	stmts = append(stmts,
		"SET allowed_paths = ["+strings.Join(paths, ", ")+"]",
		"SET allowed_directories = ["+quote(s.spill+string(filepath.Separator))+"]",
		"SET enable_external_access = false",
		"SET lock_configuration = true")
	for _, stmt := range stmts {
		if _, err := s.conn.ExecContext(ctx, stmt); err != nil {
			s.close()
			return nil, fmt.Errorf("sandbox: session setup: %w", err)
		}
	}
	return s, nil
}

func parquet(path string) string { return "read_parquet(" + quote(path) + ")" }

// viewSQL is the query of a view of one dataset of a grant over from (the
// version's rows, or, for the multi view, those whose unit has other rows
// too): granted columns with their masks (in the engine's dialect), and
// the row filter.
func viewSQL(d Dataset, from string, mask func(Mask, string) string) string {
	var cols []string
	for _, c := range d.Columns {
		if c.Role == None {
			continue
		}
		cols = append(cols, mask(c.Mask, ident(c.Name))+" AS "+ident(c.Name))
	}
	cols = append(cols, ident(puColumn), ident(singleColumn))
	if f := d.filterSQL(); f != "" {
		// Filtered before the masks: the conditions read the stored values.
		from = "(SELECT * FROM " + from + " WHERE " + f + ") AS " + ident(reserved+"_rows")
	}
	return fmt.Sprintf("SELECT %s FROM %s", strings.Join(cols, ", "), from)
}

func (s *session) close() {
	if s.pg != nil {
		return // the grant's schema stays until the grant changes or ends
	}
	if s.conn != nil {
		s.conn.Close()
	}
	s.db.Close()
	os.RemoveAll(s.spill)
}

// exec runs one statement of the sandbox's own making.
func (s *session) exec(ctx context.Context, stmt string) error {
	p, err := s.bind(ctx, stmt)
	if err != nil {
		return err
	}
	defer p.Close()
	if _, err := p.ExecContext(ctx); err != nil {
		return engineError(ctx, err)
	}
	return nil
}

// materialize makes the result of a statement of the sandbox's own making
// a table that later statements of the query read.
func (s *session) materialize(ctx context.Context, name, stmt string) error {
	if s.pg != nil {
		s.pg.materialize(name, stmt)
		return nil
	}
	return s.exec(ctx, "CREATE OR REPLACE TEMP TABLE "+ident(name)+" AS "+stmt)
}

// drop forgets a materialized table.
func (s *session) drop(name string) {
	if s.pg != nil {
		s.pg.drop(name)
		return
	}
	s.conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+ident(name))
}

// query runs a statement and scans at most limit rows (limit < 0: all).
func (s *session) query(ctx context.Context, stmt string, limit int) ([]string, [][]any, error) {
	if s.pg != nil {
		return s.pg.query(ctx, stmt, limit)
	}
	p, err := s.bind(ctx, stmt)
	if err != nil {
		return nil, nil, err
	}
	defer p.Close()
	rows, err := p.QueryContext(ctx)
	if err != nil {
		return nil, nil, engineError(ctx, err)
	}
	return scan(ctx, rows, limit)
}

// read runs a statement over the sandbox's own temporary tables, which
// has nothing of the analyst's to bind: any error is a runtime error.
func (s *session) read(ctx context.Context, stmt string) ([][]any, error) {
	if s.pg != nil {
		_, out, err := s.pg.query(ctx, stmt, -1)
		return out, err
	}
	rows, err := s.conn.QueryContext(ctx, stmt)
	if err != nil {
		return nil, engineError(ctx, err)
	}
	_, out, err := scan(ctx, rows, -1)
	return out, err
}

func scan(ctx context.Context, rows *sql.Rows, limit int) ([]string, [][]any, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, engineError(ctx, err)
	}
	var out [][]any
	for rows.Next() && (limit < 0 || len(out) < limit) {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, engineError(ctx, err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, engineError(ctx, err)
	}
	return cols, out, nil
}

// bind prepares a statement, which then runs as prepared. The engine binds
// names and types without reading a row, so its errors (a type mismatch,
// an unknown function overload) are about the query alone and are shown,
// first line only; any error once rows are read is a runtime error and is
// not.
func (s *session) bind(ctx context.Context, stmt string) (*sql.Stmt, error) {
	p, err := s.conn.PrepareContext(ctx, stmt)
	if err == nil {
		return p, nil
	}
	var de *duckdb.Error
	if errors.As(err, &de) {
		switch de.Type {
		case duckdb.ErrorTypeBinder, duckdb.ErrorTypeCatalog, duckdb.ErrorTypeParser, duckdb.ErrorTypeSyntax,
			duckdb.ErrorTypeMismatchType, duckdb.ErrorTypeNotImplemented, duckdb.ErrorTypeInvalidType:
			msg, _, _ := strings.Cut(de.Msg, "\n")
			e := refuse("types", "the engine cannot bind the query: %s", strings.ReplaceAll(msg, reserved, "sandbox"))
			e.Err = err
			return nil, e
		}
	}
	return nil, engineError(ctx, err)
}

func engineError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		e := errs.E(errs.Invalid, "the query ran longer than the grant's time limit and was stopped")
		e.Details = map[string]any{"rule": "limits"}
		e.Err = err
		return e
	}
	return runtimeError(err)
}
