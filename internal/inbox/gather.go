package inbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"shuyu/internal/store"
)

// leaseFor is how long a gatherer may hold the turn before another process
// may take it over (a crashed process never lets go).
const leaseFor = 5 * time.Minute

// noDue sorts items without a deadline after all others.
const noDue = int64(1) << 62

// Gather reads every source and makes what they list the current snapshot,
// replacing the previous one in one transaction, so that readers see the
// old snapshot or the new one, never a mix. holder names the calling
// process. It returns false without gathering when another process holds
// the turn. A source that fails keeps the items it listed last time, and
// its error is logged: one broken package does not empty everyone's inbox.
func (s *Service) Gather(ctx context.Context, holder string) (bool, error) {
	taken, err := s.lease(ctx, holder)
	if err != nil || !taken {
		return false, err
	}
	swapped := false
	defer func() {
		if !swapped {
			s.release(holder)
		}
	}()
	started := s.db.Now()
	var (
		items  []row
		failed []string
	)
	for _, src := range s.registered() {
		listed, err := src.list(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			s.opts.Log.ErrorContext(ctx, "inbox: a source failed; its items stay as last gathered", "source", src.name, "err", err)
			failed = append(failed, src.name)
			continue
		}
		for _, it := range listed {
			items = append(items, newRow(src.name, it))
		}
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error { return s.swap(ctx, tx, holder, started, items, failed) })
	if errors.Is(err, errLeaseLost) {
		return false, nil // a slow gathering whose lease ran out: the other's snapshot stands
	}
	if err != nil {
		return false, err
	}
	swapped = true
	return true, nil
}

// lease takes the turn to gather for holder unless another holder's lease
// is still running. Concurrent takers serialize on the one state row.
func (s *Service) lease(ctx context.Context, holder string) (bool, error) {
	var taken bool
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		now := s.db.Now()
		res, err := tx.Exec(ctx, `UPDATE inbox_state SET holder = $1, lease_until = $2
			WHERE id = 1 AND (holder = '' OR holder = $1 OR lease_until < $3)`, holder, now.Add(leaseFor), now)
		if err != nil {
			return fmt.Errorf("inbox: take the gathering lease: %w", err)
		}
		n, err := res.RowsAffected()
		taken = n == 1
		return err
	})
	return taken, err
}

// release gives the turn back after a gathering that did not swap.
func (s *Service) release(holder string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE inbox_state SET holder = '', lease_until = NULL WHERE id = 1 AND holder = $1`, holder)
		return err
	})
	if err != nil {
		s.opts.Log.Warn("inbox: release the gathering lease; it expires by itself", "err", err)
	}
}

var errLeaseLost = errors.New("inbox: another process took over the gathering")

// swap writes the new snapshot, carries over the items of failed sources,
// makes it current, drops every other snapshot and gives the turn back, as
// long as holder still holds it.
func (s *Service) swap(ctx context.Context, tx *store.Tx, holder string, started time.Time, items []row, failed []string) error {
	var old, current string
	err := tx.QueryRow(ctx, `SELECT snapshot_id, holder FROM inbox_state WHERE id = 1`+tx.ForUpdate()).Scan(&old, &current)
	if err != nil {
		return fmt.Errorf("inbox: read state: %w", err)
	}
	if current != holder {
		return errLeaseLost
	}
	next := store.NewID()
	stmt, err := tx.Prepare(ctx, `INSERT INTO inbox_items (snapshot_id, item_key, source, kind, object_type, object_id, title, org_id, roles, user_id, due_us, path)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`)
	if err != nil {
		return fmt.Errorf("inbox: prepare: %w", err)
	}
	defer stmt.Close()
	seen := map[string]bool{}
	for _, r := range items {
		if seen[r.key] { // two sources, or one twice, listing the same thing for the same people
			continue
		}
		seen[r.key] = true
		if _, err := stmt.ExecContext(ctx, next, r.key, r.source, r.Kind, r.ObjectType, r.ObjectID, r.Title, r.OrgID, r.roles, r.UserID, r.due, r.Path); err != nil {
			return fmt.Errorf("inbox: write item %s of %s: %w", r.Kind, r.source, err)
		}
	}
	for _, src := range failed {
		if _, err := tx.Exec(ctx, `INSERT INTO inbox_items (snapshot_id, item_key, source, kind, object_type, object_id, title, org_id, roles, user_id, due_us, path)
			SELECT $1, item_key, source, kind, object_type, object_id, title, org_id, roles, user_id, due_us, path FROM inbox_items
			WHERE snapshot_id = $2 AND source = $3`, next, old, src); err != nil {
			return fmt.Errorf("inbox: keep the items of %s: %w", src, err)
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM inbox_items WHERE snapshot_id <> $1`, next); err != nil {
		return fmt.Errorf("inbox: drop old snapshots: %w", err)
	}
	_, err = tx.Exec(ctx, `UPDATE inbox_state SET snapshot_id = $1, started_at = $2, gathered_at = $3, holder = '', lease_until = NULL WHERE id = 1`,
		next, started, s.db.Now())
	return err
}

// row is an item as stored.
type row struct {
	Item
	source, key, roles string
	due                int64
}

func newRow(source string, it Item) row {
	r := row{Item: it, source: source, due: noDue}
	if !it.DueAt.IsZero() {
		r.due = it.DueAt.UnixMicro()
	}
	if len(it.Roles) > 0 {
		names := make([]string, len(it.Roles))
		for i, role := range it.Roles {
			names[i] = string(role)
		}
		r.roles = "," + strings.Join(names, ",") + ","
	}
	// What identifies an item: what is to be done, to what, by whom. The
	// key stays the same across snapshots, so page cursors survive a swap.
	sum := sha256.Sum256([]byte(strings.Join([]string{it.Kind, it.ObjectType, it.ObjectID, it.OrgID, r.roles, it.UserID}, "\x00")))
	r.key = hex.EncodeToString(sum[:16])
	return r
}
