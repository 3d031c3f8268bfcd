package domain

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Each organization working in the domain (an operator's analysts) has a
// workspace, DataDir/domain/workspaces/<org>/, for what its work leaves
// inside the domain: intermediate tables, results awaiting release. When an
// operator exits (Art. 24, 27) the workspace is deleted with a record of
// every file: its path, size and SHA-256.

func (d *Domain) workspacesDir() string { return filepath.Join(d.dir, "workspaces") }

// deletingDir holds deletions in progress, one directory each: the files
// moved out of the workspace and the manifest listing them.
func (d *Domain) deletingDir() string { return filepath.Join(d.dir, "deleting") }

// safeName keeps organization and deletion IDs from naming a path outside
// the domain.
var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,63}$`)

func checkName(what, id string) error {
	if !safeName.MatchString(id) {
		return fmt.Errorf("domain: %s %q is not an ID (letters, digits and '-')", what, id)
	}
	return nil
}

// Workspace returns the directory of organization orgID's workspace,
// creating it (0700) when missing.
func (d *Domain) Workspace(orgID string) (string, error) {
	if err := checkName("organization", orgID); err != nil {
		return "", err
	}
	dir := filepath.Join(d.workspacesDir(), orgID)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("domain: workspace: %w", err)
	}
	return dir, nil
}

// DeletedFile is a file a deletion removed. Path is relative to the
// domain directory, as the file was named in the workspace.
type DeletedFile struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// DeleteWorkspace deletes organization orgID's workspace and returns every
// file it held, by name. It can be interrupted at any point and called
// again with the same deletionID, which finishes it and returns the same
// list: it first moves the workspace out of reach (one rename), then
// records the manifest of what it holds (the intent), then deletes. The
// manifest stays until FinishDeletion, so that the caller can record the
// list before it is forgotten.
func (d *Domain) DeleteWorkspace(orgID, deletionID string) ([]DeletedFile, error) {
	if err := errors.Join(checkName("organization", orgID), checkName("deletion", deletionID)); err != nil {
		return nil, err
	}
	pending := filepath.Join(d.deletingDir(), deletionID)
	manifest := filepath.Join(pending, "manifest.json")
	files, err := readManifest(manifest)
	if errors.Is(err, fs.ErrNotExist) {
		files, err = d.moveAndList(orgID, pending, manifest)
	}
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := os.Remove(filepath.Join(pending, "files", f.Path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("domain: delete %s: %w", f.Path, err)
		}
	}
	if err := os.RemoveAll(filepath.Join(pending, "files")); err != nil {
		return nil, fmt.Errorf("domain: delete workspace of %s: %w", orgID, err)
	}
	return files, nil
}

// moveAndList moves the workspace into pending/files (unless an earlier
// attempt did), lists and hashes what it holds, and writes the manifest.
func (d *Domain) moveAndList(orgID, pending, manifest string) ([]DeletedFile, error) {
	if err := os.MkdirAll(pending, 0o700); err != nil {
		return nil, fmt.Errorf("domain: deletion: %w", err)
	}
	moved := filepath.Join(pending, "files", "workspaces", orgID)
	if _, err := os.Stat(moved); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(moved), 0o700); err != nil {
			return nil, fmt.Errorf("domain: deletion: %w", err)
		}
		err := os.Rename(filepath.Join(d.workspacesDir(), orgID), moved)
		if err != nil && !errors.Is(err, fs.ErrNotExist) { // no workspace: nothing to delete
			return nil, fmt.Errorf("domain: move the workspace of %s out of reach: %w", orgID, err)
		}
		syncDir(d.workspacesDir())
	}
	files := []DeletedFile{}
	root := filepath.Join(pending, "files")
	err := filepath.WalkDir(moved, func(path string, e fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path == moved {
			return filepath.SkipDir
		}
		if err != nil || e.IsDir() {
			return err
		}
		n, sum, err := hashFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		files = append(files, DeletedFile{Path: filepath.ToSlash(rel), Bytes: n, SHA256: sum})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("domain: list the workspace of %s: %w", orgID, err)
	}
	slices.SortFunc(files, func(a, b DeletedFile) int { return strings.Compare(a.Path, b.Path) })
	raw, _ := json.Marshal(files)
	tmp := manifest + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return nil, fmt.Errorf("domain: deletion manifest: %w", err)
	}
	if err := os.Rename(tmp, manifest); err != nil {
		return nil, fmt.Errorf("domain: deletion manifest: %w", err)
	}
	syncDir(pending)
	return files, nil
}

func readManifest(path string) ([]DeletedFile, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var files []DeletedFile
	if err := json.Unmarshal(raw, &files); err != nil {
		return nil, fmt.Errorf("domain: deletion manifest %s: %w", path, err)
	}
	return files, nil
}

// FinishDeletion forgets the manifest of deletion deletionID once the
// caller has recorded its list; finishing twice is no error.
func (d *Domain) FinishDeletion(deletionID string) error {
	if err := checkName("deletion", deletionID); err != nil {
		return err
	}
	return os.RemoveAll(filepath.Join(d.deletingDir(), deletionID))
}

// PendingDeletions lists the deletions begun and not finished, so that a
// caller can finish them after a crash.
func (d *Domain) PendingDeletions() ([]string, error) {
	entries, err := os.ReadDir(d.deletingDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("domain: deletions: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() {
			ids = append(ids, e.Name())
		}
	}
	return ids, nil
}
