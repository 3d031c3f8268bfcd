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

// cleanup removes what interrupted writes left: files in tmp, and version
// files that no version record names.
func (d *Domain) cleanup(ctx context.Context, alone bool) error {
	stale := func(info fs.FileInfo) bool { return alone || time.Since(info.ModTime()) > orphanAge }
	entries, err := os.ReadDir(d.tmpDir())
	if err != nil {
		return fmt.Errorf("domain: cleanup: %w", err)
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && stale(info) {
			os.RemoveAll(filepath.Join(d.tmpDir(), e.Name()))
		}
	}
	known := map[string]bool{}
	rows, err := d.db.Query(ctx, `SELECT id FROM dataset_versions`)
	if err != nil {
		return fmt.Errorf("domain: cleanup: %w", err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		known[id] = true
	}
	rows.Close()
	return filepath.WalkDir(d.datasetsDir(), func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		id := strings.TrimSuffix(e.Name(), ".parquet")
		if info, err := e.Info(); err == nil && !known[id] && stale(info) {
			os.Remove(path)
		}
		return nil
	})
}
