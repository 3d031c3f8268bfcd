package domain

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// orphanAge is how old a leftover must be before cleanup removes it while
// other processes use the same domain directory: younger ones may belong to
// a write of theirs that has not committed yet.
const orphanAge = time.Hour

// lock takes a shared lock on the domain directory for the life of the
// process, first trying an exclusive one: if that succeeds, no other process
// is using the directory and every leftover can go at once.
func (d *Domain) lock() (alone bool, err error) {
	f, err := os.OpenFile(filepath.Join(d.dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return false, fmt.Errorf("domain: lock: %w", err)
	}
	alone = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH); err != nil {
		f.Close()
		return false, fmt.Errorf("domain: lock: %w", err)
	}
	d.lockFile = f
	return alone, nil
}

// leftover is something an interrupted write or a killed process left: a
// file in tmp, another process's spill directory, or a version file that no
// version record names (a crash between its rename and its commit).
type leftover struct {
	path     string
	modified time.Time
	// spill directories belong to a live process until the directory is ours
	// alone: their age says nothing, as an idle engine does not touch them.
	spill bool
}

// Leftovers lists, relative to the domain directory, what cleanup would
// remove if this process were alone; after a clean start it is empty.
func (d *Domain) Leftovers(ctx context.Context) ([]string, error) {
	ls, err := d.leftovers(ctx)
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i], _ = filepath.Rel(d.dir, l.path)
	}
	return out, err
}

// Sweep removes leftovers older than an hour while other processes may be
// writing; the periodic counterpart of the cleanup at start.
func (d *Domain) Sweep(ctx context.Context) error { return d.cleanup(ctx, false) }

// cleanup removes leftovers: all of them when alone, else those old enough
// that no write in progress can own them.
func (d *Domain) cleanup(ctx context.Context, alone bool) error {
	ls, err := d.leftovers(ctx)
	if err != nil {
		return fmt.Errorf("domain: cleanup: %w", err)
	}
	for _, l := range ls {
		if alone || (!l.spill && time.Since(l.modified) > orphanAge) {
			if err := os.RemoveAll(l.path); err != nil {
				return fmt.Errorf("domain: cleanup: %w", err)
			}
		}
	}
	if d.tables != nil && alone {
		known, err := d.versionIDs(ctx)
		if err == nil {
			err = d.tables.dropUnknown(ctx, known)
		}
		if err != nil {
			return fmt.Errorf("domain: cleanup: %w", err)
		}
	}
	return nil
}

func (d *Domain) leftovers(ctx context.Context) ([]leftover, error) {
	var out []leftover
	for _, dir := range []string{d.tmpDir(), d.spillDir()} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			path := filepath.Join(dir, e.Name())
			if info, err := e.Info(); err == nil && path != d.spill {
				out = append(out, leftover{path: path, modified: info.ModTime(), spill: dir == d.spillDir()})
			}
		}
	}
	known, err := d.versionIDs(ctx)
	if err != nil {
		return nil, err
	}
	err = filepath.WalkDir(d.datasetsDir(), func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		if info, err := e.Info(); err == nil && !known[strings.TrimSuffix(e.Name(), ".parquet")] {
			out = append(out, leftover{path: path, modified: info.ModTime()})
		}
		return nil
	})
	return out, err
}

// versionIDs returns the IDs of every recorded version.
func (d *Domain) versionIDs(ctx context.Context) (map[string]bool, error) {
	rows, err := d.db.Query(ctx, `SELECT id FROM dataset_versions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	known := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		known[id] = true
	}
	return known, rows.Err()
}
