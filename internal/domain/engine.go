package domain

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// Limits bound what the domain accepts and uses.
type Limits struct {
	// MaxSourceBytes refuses larger uploads; default 2 GiB.
	MaxSourceBytes int64
	// Memory is DuckDB's memory limit, e.g. "1GB"; beyond it DuckDB spills to
	// disk inside the domain. Default 1GB.
	Memory string
	// Threads DuckDB may use; default the number of CPUs.
	Threads int
	// Tables, when set, keeps every version as a PostgreSQL table too.
	Tables *Tables
}

func (l Limits) withDefaults() Limits {
	if l.MaxSourceBytes == 0 {
		l.MaxSourceBytes = 2 << 30
	}
	if l.Memory == "" {
		l.Memory = "1GB"
	}
	if l.Threads == 0 {
		l.Threads = runtime.NumCPU()
	}
	return l
}

// Domain is the data plane of one data directory.
type Domain struct {
	dir    string
	db     *store.DB
	ledger *ledger.Ledger
	duck   *sql.DB
	limits Limits
	tables *Tables
	// lockFile holds a shared lock on the directory while the process runs.
	lockFile *os.File
	// spill is this process's own directory for the engine's temporary
	// files: DuckDB names them alike in every process, so processes sharing
	// the data directory must not share one.
	spill string
}

// Open opens the domain under dir (created 0700), with its own DuckDB
// engine, and clears what an interrupted write left behind.
func Open(ctx context.Context, dir string, db *store.DB, l *ledger.Ledger, limits Limits) (*Domain, error) {
	d := &Domain{dir: dir, db: db, ledger: l, limits: limits.withDefaults(), tables: limits.Tables}
	if d.tables != nil {
		if err := d.tables.Open(ctx); err != nil {
			return nil, err
		}
	}
	d.spill = filepath.Join(d.spillDir(), store.NewID())
	for _, sub := range []string{d.tmpDir(), d.spill, d.datasetsDir()} {
		if err := os.MkdirAll(sub, 0o700); err != nil {
			return nil, fmt.Errorf("domain: %w", err)
		}
	}
	connector, err := duckdb.NewConnector("", func(execer driver.ExecerContext) error {
		for _, stmt := range []string{
			"SET memory_limit = " + quote(d.limits.Memory),
			fmt.Sprintf("SET threads = %d", d.limits.Threads),
			"SET temp_directory = " + quote(d.spill),
			"SET preserve_insertion_order = true",
			"SET autoinstall_known_extensions = false",
			"SET autoload_known_extensions = false",
		} {
			if _, err := execer.ExecContext(ctx, stmt, nil); err != nil {
				return fmt.Errorf("%s: %w", stmt, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("domain: start DuckDB: %w", err)
	}
	d.duck = sql.OpenDB(connector)
	alone, err := d.lock()
	if err == nil {
		err = d.cleanup(ctx, alone)
	}
	if err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Close stops the engine, removes its temporary files and releases the
// directory.
func (d *Domain) Close() error {
	err := d.duck.Close()
	os.RemoveAll(d.spill)
	if d.lockFile != nil {
		d.lockFile.Close()
	}
	return err
}

func (d *Domain) tmpDir() string      { return filepath.Join(d.dir, "tmp") }
func (d *Domain) spillDir() string    { return filepath.Join(d.dir, "spill") }
func (d *Domain) datasetsDir() string { return filepath.Join(d.dir, "datasets") }

// TempFile creates a file for an incoming source inside the domain (never
// in the system's temporary directory: raw data stays in the data
// directory). The caller removes it.
func (d *Domain) TempFile(pattern string) (*os.File, error) {
	return os.CreateTemp(d.tmpDir(), pattern)
}

// MaxSourceBytes is the largest source the domain accepts.
func (d *Domain) MaxSourceBytes() int64 { return d.limits.MaxSourceBytes }

// quote renders s as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ident renders s as an SQL identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
