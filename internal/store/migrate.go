package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Migrations is one feature package's schema history: files named
// NNN_what.sql in FS, written in the subset of SQL both engines share (see
// translate). A file NNN_what.sqlite.sql or NNN_what.postgres.sql replaces the
// common file on that engine when the two cannot share one text.
type Migrations struct {
	Package string
	FS      fs.FS
}

// Applied names one migration that Migrate ran.
type Applied struct{ Package, Name string }

const migrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	package TEXT NOT NULL,
	name TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	applied_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (package, name)
)`

// Migrate applies, in the order given and then by file name, every migration
// not yet recorded, each in its own transaction together with its record. A
// recorded migration whose text has changed since is an error: schema history
// is append-only. Several processes may call Migrate at once on PostgreSQL;
// an advisory lock makes them take turns.
func (db *DB) Migrate(ctx context.Context, sets ...Migrations) ([]Applied, error) {
	var applied []Applied
	for _, set := range sets {
		files, err := db.migrationFiles(set)
		if err != nil {
			return applied, err
		}
		for _, f := range files {
			ran, err := db.applyOne(ctx, set.Package, f)
			if err != nil {
				return applied, err
			}
			if ran {
				applied = append(applied, Applied{set.Package, f.name})
			}
		}
	}
	return applied, nil
}

type migrationFile struct {
	name, sql, sum string
}

func (db *DB) migrationFiles(set Migrations) ([]migrationFile, error) {
	entries, err := fs.ReadDir(set.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("store: migrations of %s: %w", set.Package, err)
	}
	chosen := map[string]string{} // base name → file name
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".sql" {
			continue
		}
		base, variant := strings.TrimSuffix(name, ".sql"), ""
		if i := strings.LastIndex(base, "."); i >= 0 {
			base, variant = base[:i], base[i+1:]
		}
		switch variant {
		case "":
			if _, ok := chosen[base]; !ok {
				chosen[base] = name
			}
		case string(db.dialect):
			chosen[base] = name
		case string(SQLite), string(Postgres):
		default:
			return nil, fmt.Errorf("store: migration %s/%s: unknown dialect %q", set.Package, name, variant)
		}
	}
	bases := make([]string, 0, len(chosen))
	for b := range chosen {
		bases = append(bases, b)
	}
	slices.Sort(bases)
	files := make([]migrationFile, 0, len(bases))
	for _, b := range bases {
		raw, err := fs.ReadFile(set.FS, chosen[b])
		if err != nil {
			return nil, fmt.Errorf("store: migration %s/%s: %w", set.Package, chosen[b], err)
		}
		text, err := db.dialect.translate(string(raw))
		if err != nil {
			return nil, fmt.Errorf("store: migration %s/%s: %w", set.Package, chosen[b], err)
		}
		sum := sha256.Sum256(raw)
		files = append(files, migrationFile{name: b, sql: text, sum: hex.EncodeToString(sum[:])})
	}
	return files, nil
}

func (db *DB) applyOne(ctx context.Context, pkg string, f migrationFile) (ran bool, err error) {
	err = db.InTx(ctx, func(tx *Tx) error {
		if db.dialect == Postgres {
			// One lock for all schema changes in this database, released at commit.
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7220616)`); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, migrationsTable); err != nil {
			return err
		}
		var sum string
		switch err := tx.QueryRow(ctx, `SELECT sha256 FROM schema_migrations WHERE package = $1 AND name = $2`, pkg, f.name).Scan(&sum); {
		case err == nil:
			if sum != f.sum {
				return fmt.Errorf("was changed after it was applied (recorded sha256 %s, file %s): add a new migration instead", sum, f.sum)
			}
			return nil
		case !IsNoRows(err):
			return err
		}
		if _, err := tx.Exec(ctx, f.sql); err != nil {
			return err
		}
		ran = true
		_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (package, name, sha256, applied_at) VALUES ($1, $2, $3, $4)`,
			pkg, f.name, f.sum, db.Now())
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: migration %s/%s: %w", pkg, f.name, err)
	}
	return ran, nil
}

// Embedded returns the migrations of pkg kept in directory dir of fsys (an
// embed.FS of the package's migrations folder). A wrong dir is a programming
// error and panics at start.
func Embedded(pkg string, fsys fs.FS, dir string) Migrations {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(fmt.Sprintf("store: migrations of %s: %v", pkg, err))
	}
	return Migrations{Package: pkg, FS: sub}
}
