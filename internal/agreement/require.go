package agreement

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// ActiveUntil returns, when operator operatorID holds agreements that are
// active and in their term at this instant and cover every one of
// datasetIDs, the first instant one of them stops being covered (as the
// covering agreements' terms end); otherwise a forbidden error that names
// what is not covered. The product gateway asks it on every call it does
// not remember the answer of, and remembers it until then (or this
// process's next commit).
//
// It is one indexed query (agreements by operator and state, their scope by
// primary key) and caches nothing: an exit commits the state change, and
// the very next check in any process sharing the database is refused. The
// term is checked too, so an agreement past its end is refused before the
// expiry job runs.
func (s *Service) ActiveUntil(ctx context.Context, operatorID string, datasetIDs []string) (time.Time, error) {
	return s.activeUntil(ctx, s.db, operatorID, datasetIDs)
}

// RequireActiveIn is ActiveUntil's check inside a caller's transaction (q
// may be a *store.Tx), for a check that must hold for what the transaction
// does: the sandbox asks it on every query.
func (s *Service) RequireActiveIn(ctx context.Context, q store.Querier, operatorID string, datasetIDs []string) error {
	_, err := s.activeUntil(ctx, q, operatorID, datasetIDs)
	return err
}

func (s *Service) activeUntil(ctx context.Context, q store.Querier, operatorID string, datasetIDs []string) (time.Time, error) {
	if len(datasetIDs) == 0 {
		return time.Time{}, errs.E(errs.Invalid, "agreement: name the datasets to check")
	}
	args := []any{operatorID, string(Active), s.now()}
	for _, id := range datasetIDs {
		args = append(args, id)
	}
	rows, err := q.Query(ctx, `SELECT d.dataset_id, g.ends_at FROM agreements g JOIN agreement_datasets d ON d.agreement_id = g.id
		WHERE g.operator_id = $1 AND g.state = $2 AND g.starts_at <= $3 AND g.ends_at > $3
		AND d.dataset_id IN (`+store.Placeholders(4, len(datasetIDs))+`)`, args...)
	if err != nil {
		return time.Time{}, fmt.Errorf("agreement: check the authorization of %s: %w", operatorID, err)
	}
	defer rows.Close()
	covered := map[string]time.Time{} // dataset → the latest end of an agreement covering it
	for rows.Next() {
		var id string
		var ends time.Time
		if err := rows.Scan(&id, &ends); err != nil {
			return time.Time{}, fmt.Errorf("agreement: check the authorization of %s: %w", operatorID, err)
		}
		if ends.After(covered[id]) {
			covered[id] = ends
		}
	}
	if err := rows.Err(); err != nil {
		return time.Time{}, fmt.Errorf("agreement: check the authorization of %s: %w", operatorID, err)
	}
	var missing []string
	var until time.Time
	for _, id := range datasetIDs {
		ends, ok := covered[id]
		switch {
		case !ok && !slices.Contains(missing, id):
			missing = append(missing, id)
		case ok && (until.IsZero() || ends.Before(until)):
			until = ends
		}
	}
	if len(missing) > 0 {
		return time.Time{}, errs.E(errs.Forbidden, "no active authorized-operation agreement of this operator covers %s: it ended, has not begun, or does not include it",
			strings.Join(missing, ", "))
	}
	return until.UTC(), nil
}

// LockIn locks agreement id inside tx until tx ends, for what is created
// under the agreement: an exit, which locks it first, then comes wholly
// before (and is seen) or after (and its hooks see what tx made).
func (s *Service) LockIn(ctx context.Context, tx *store.Tx, id string) error {
	var got string
	err := tx.QueryRow(ctx, `SELECT id FROM agreements WHERE id = $1`+tx.ForUpdate(), id).Scan(&got)
	if store.IsNoRows(err) {
		return errs.E(errs.NotFound, "no agreement %s", id)
	}
	return err
}
