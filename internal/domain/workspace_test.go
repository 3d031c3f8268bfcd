package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"shuyu/internal/store"
	"shuyu/internal/store/storetest"
)

// TestDeleteWorkspace deletes a workspace with a record of every file, and
// finishes a deletion interrupted after the move and after part of the
// removal, returning the same record each time.
func TestDeleteWorkspace(t *testing.T) {
	t.Parallel()
	// Workspaces are files only: one engine is enough.
	d := fixture(t, storetest.New(t, store.SQLite, append(migrations(), Migrations)...))
	ws, err := d.Workspace("org-1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"results/r1.parquet": "一些结果", "tmp/t.csv": "a,b\n1,2\n", "notes.txt": ""}
	var sums []DeletedFile
	for name, content := range want {
		path := filepath.Join(ws, name)
		os.MkdirAll(filepath.Dir(path), 0o700)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(content))
		sums = append(sums, DeletedFile{Path: "workspaces/org-1/" + name, Bytes: int64(len(content)), SHA256: hex.EncodeToString(sum[:])})
	}
	slices.SortFunc(sums, func(a, b DeletedFile) int { return strings.Compare(a.Path, b.Path) })

	// Interrupted after moving the workspace and writing the manifest,
	// and after removing one file.
	if _, err := d.moveAndList("org-1", filepath.Join(d.deletingDir(), "del-1"), filepath.Join(d.deletingDir(), "del-1", "manifest.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ws); !os.IsNotExist(err) {
		t.Errorf("the workspace is still in reach after the move: %v", err)
	}
	os.Remove(filepath.Join(d.deletingDir(), "del-1", "files", "workspaces", "org-1", "notes.txt"))
	for range 2 {
		got, err := d.DeleteWorkspace("org-1", "del-1")
		if err != nil || !slices.Equal(got, sums) {
			t.Fatalf("deleted %+v, %v\nwant %+v", got, err, sums)
		}
	}
	if pending, _ := d.PendingDeletions(); !slices.Equal(pending, []string{"del-1"}) {
		t.Errorf("pending deletions %v", pending)
	}
	left, _ := filepath.Glob(filepath.Join(d.deletingDir(), "del-1", "files", "*"))
	if len(left) != 0 {
		t.Errorf("left after the deletion: %v", left)
	}
	if err := d.FinishDeletion("del-1"); err != nil {
		t.Fatal(err)
	}
	if pending, _ := d.PendingDeletions(); len(pending) != 0 {
		t.Errorf("pending after finishing: %v", pending)
	}
	// An organization without a workspace has nothing to delete.
	if got, err := d.DeleteWorkspace("org-2", "del-2"); err != nil || len(got) != 0 {
		t.Errorf("deleting no workspace: %v %v", got, err)
	}
	for _, bad := range []string{"../etc", "a/b", "", "."} {
		if _, err := d.Workspace(bad); err == nil {
			t.Errorf("workspace %q accepted", bad)
		}
		if _, err := d.DeleteWorkspace("org-1", bad); err == nil {
			t.Errorf("deletion %q accepted", bad)
		}
	}
}
