package sandbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/duckdb/duckdb-go/v2"
)

// prepared is a dataset version as the sandbox reads it: the version's
// rows in their order with one more column, the privacy-unit ordinal (the
// rank of the unit's value in the version, from 1), which the differencing
// defence keeps in bitmaps, and whether the row is its unit's only one
// (then counting it counts a unit, which is much cheaper than counting
// distinct units). It is computed once per version, inside the
// domain directory, and never leaves it.
//
// When few rows share their unit with others (people recorded twice), a
// second file holds those rows alone: a group's units are then bounded by
// its rows less those rows plus one, and its rows, and counted exactly
// (rows less the repeats) only when that is needed, each by reading only
// that small file, instead of every query counting distinct units over
// all rows (which costs DuckDB more than the analyst's whole aggregate).
type prepared struct {
	Format int    `json:"format"`
	Path   string `json:"path"`
	// Multi is the file of the rows whose unit has other rows too, when
	// they are at most a quarter of the rows; empty otherwise.
	Multi string `json:"multi,omitempty"`
	// Unique: each row is a distinct unit, so a count of rows is a count
	// of units.
	Unique bool  `json:"unique"`
	Units  int64 `json:"units"`
	Rows   int64 `json:"rows"`
	// MultiRows is the number of rows whose unit has other rows too.
	MultiRows int64 `json:"multi_rows"`
}

// preparedFormat changes when prepared files change shape: files of an
// earlier format are prepared again.
const preparedFormat = 2

// preparer is an engine for the sandbox's own statements over version
// files; no analyst SQL reaches it.
type preparer struct {
	db  *sql.DB
	dir string
}

func openPreparer(ctx context.Context, dir string) (*preparer, error) {
	if err := os.MkdirAll(filepath.Join(dir, "versions"), 0o700); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	spill := filepath.Join(dir, "spill", "prepare")
	if err := os.MkdirAll(spill, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("sandbox: preparer engine: %w", err)
	}
	db := sql.OpenDB(connector)
	for _, stmt := range []string{
		"SET memory_limit = '1GB'",
		"SET temp_directory = " + quote(spill),
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			db.Close()
			return nil, fmt.Errorf("sandbox: preparer engine: %w", err)
		}
	}
	return &preparer{db: db, dir: dir}, nil
}

// prepare returns the prepared file of a dataset's version, writing it the
// first time: to a temporary name, then renamed, so that a crash leaves no
// half file under the final name.
func (p *preparer) prepare(ctx context.Context, d Dataset) (prepared, error) {
	final := filepath.Join(p.dir, "versions", d.Version.ID+".parquet")
	meta := final + ".json"
	multi := filepath.Join(p.dir, "versions", d.Version.ID+".multi.parquet")
	var out prepared
	if b, err := os.ReadFile(meta); err == nil && json.Unmarshal(b, &out) == nil && out.Format == preparedFormat {
		if _, err := os.Stat(out.Path); err == nil {
			if _, err := os.Stat(out.Multi); out.Multi == "" || err == nil {
				return out, nil
			}
		}
	}
	out = prepared{Format: preparedFormat}
	tmp, multiTmp := final+".tmp", multi+".tmp"
	os.Remove(tmp)
	os.Remove(multiTmp)
	pu := ident(d.PrivacyUnit)
	_, err := p.db.ExecContext(ctx, fmt.Sprintf(`COPY (SELECT * EXCLUDE (file_row_number), dense_rank() OVER (ORDER BY %s) AS %s,
		count(*) OVER (PARTITION BY %s) = 1 AS %s
		FROM read_parquet(%s, file_row_number = true) ORDER BY file_row_number) TO %s (FORMAT parquet)`,
		pu, puColumn, pu, singleColumn, quote(d.Version.Path), quote(tmp)))
	if err != nil {
		os.Remove(tmp)
		return out, fmt.Errorf("sandbox: prepare version %s: %w", d.Version.ID, err)
	}
	var distinct int64
	err = p.db.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*), count(DISTINCT %s), coalesce(max(%s), 0), count(*) FILTER (WHERE NOT %s) FROM read_parquet(%s)`,
		puColumn, puColumn, singleColumn, quote(tmp))).Scan(&out.Rows, &distinct, &out.Units, &out.MultiRows)
	if err != nil {
		os.Remove(tmp)
		return out, fmt.Errorf("sandbox: prepare version %s: %w", d.Version.ID, err)
	}
	out.Path, out.Unique = final, out.Rows == distinct
	if out.MultiRows > 0 && out.MultiRows*4 <= out.Rows {
		_, err := p.db.ExecContext(ctx, fmt.Sprintf(`COPY (SELECT * FROM read_parquet(%s) WHERE NOT %s) TO %s (FORMAT parquet)`,
			quote(tmp), singleColumn, quote(multiTmp)))
		if err != nil {
			os.Remove(tmp)
			os.Remove(multiTmp)
			return out, fmt.Errorf("sandbox: prepare version %s: %w", d.Version.ID, err)
		}
		out.Multi = multi
	}
	for _, f := range [][2]string{{tmp, final}, {multiTmp, out.Multi}} {
		if f[1] == "" {
			continue
		}
		if err := os.Chmod(f[0], 0o600); err != nil {
			return out, fmt.Errorf("sandbox: %w", err)
		}
		if err := os.Rename(f[0], f[1]); err != nil {
			return out, fmt.Errorf("sandbox: %w", err)
		}
	}
	b, _ := json.Marshal(out)
	if err := os.WriteFile(meta, b, 0o600); err != nil {
		return out, fmt.Errorf("sandbox: %w", err)
	}
	return out, nil
}

func (p *preparer) close() error { return p.db.Close() }
