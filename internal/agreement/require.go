package agreement

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// RequireActive returns nil when operator operatorID holds an agreement
// that is active and in its term at this instant and whose scope covers
// every one of datasetIDs, and otherwise a forbidden error that names what
// is not covered. The sandbox calls it on every query and the product
// gateway on every call.
//
// It is one indexed query (agreements by operator and state, their scope by
// primary key) and caches nothing: an exit commits the state change, and
// the very next call in any process sharing the database is refused. The
// term is checked too, so an agreement past its end is refused before the
// expiry job runs.
func (s *Service) RequireActive(ctx context.Context, operatorID string, datasetIDs []string) error {
	return s.RequireActiveIn(ctx, s.db, operatorID, datasetIDs)
}

// RequireActiveIn is RequireActive inside a caller's transaction (q may be
// a *store.Tx), for a check that must hold for what the transaction does.
func (s *Service) RequireActiveIn(ctx context.Context, q store.Querier, operatorID string, datasetIDs []string) error {
	if len(datasetIDs) == 0 {
		return errs.E(errs.Invalid, "agreement: name the datasets to check")
	}
	args := []any{operatorID, string(Active), s.now()}
	for _, id := range datasetIDs {
		args = append(args, id)
	}
	covered, err := store.Strings(ctx, q, `SELECT DISTINCT d.dataset_id FROM agreements g JOIN agreement_datasets d ON d.agreement_id = g.id
		WHERE g.operator_id = $1 AND g.state = $2 AND g.starts_at <= $3 AND g.ends_at > $3
		AND d.dataset_id IN (`+store.Placeholders(4, len(datasetIDs))+`)`, args...)
	if err != nil {
		return fmt.Errorf("agreement: check the authorization of %s: %w", operatorID, err)
	}
	var missing []string
	for _, id := range datasetIDs {
		if !slices.Contains(covered, id) && !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return errs.E(errs.Forbidden, "no active authorized-operation agreement of this operator covers %s: it ended, has not begun, or does not include it",
			strings.Join(missing, ", "))
	}
	return nil
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
