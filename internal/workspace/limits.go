package workspace

import (
	"context"
	"fmt"
	"time"

	"shuyu/internal/errs"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// Limiter is the sandbox's hourly limits per grant (queries, engine time,
// runtime errors) kept in the control-plane database, so that they survive
// restarts and hold across every serve process sharing it: an admission
// locks the grant's row, sums the past hour's use and records the query in
// one transaction.
type Limiter struct{ db *store.DB }

// NewLimiter returns the limiter on db.
func NewLimiter(db *store.DB) *Limiter { return &Limiter{db: db} }

// window is how far back the limits count.
const window = time.Hour

// Admit refuses a query when grantID has used its queries, engine time or
// runtime errors of the past hour, and otherwise records it. The sandbox
// passes its limits with defaults applied.
func (m *Limiter) Admit(ctx context.Context, grantID string, l sandbox.Limits) (func(time.Duration, bool), error) {
	id := store.NewID()
	err := m.db.InTx(ctx, func(tx *store.Tx) error {
		now := m.db.Now()
		if _, err := tx.Exec(ctx, `INSERT INTO workspace_limit_locks (grant_id) VALUES ($1) ON CONFLICT (grant_id) DO NOTHING`, grantID); err != nil {
			return fmt.Errorf("workspace: limits of %s: %w", grantID, err)
		}
		var held string
		if err := tx.QueryRow(ctx, `SELECT grant_id FROM workspace_limit_locks WHERE grant_id = $1`+tx.ForUpdate(), grantID).Scan(&held); err != nil {
			return fmt.Errorf("workspace: limits of %s: %w", grantID, err)
		}
		// What fell out of the window is no longer needed.
		if _, err := tx.Exec(ctx, `DELETE FROM workspace_usage WHERE grant_id = $1 AND at <= $2`, grantID, now.Add(-window)); err != nil {
			return fmt.Errorf("workspace: limits of %s: %w", grantID, err)
		}
		var queries, failures, engineUS int64
		if err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN failed THEN 1 ELSE 0 END), 0), COALESCE(SUM(engine_us), 0)
			FROM workspace_usage WHERE grant_id = $1`, grantID).Scan(&queries, &failures, &engineUS); err != nil {
			return fmt.Errorf("workspace: limits of %s: %w", grantID, err)
		}
		var refusal string
		failedOnly := false
		switch {
		case l.QueriesPerHour > 0 && queries >= int64(l.QueriesPerHour):
			refusal = fmt.Sprintf("the grant's %d queries per hour are used; wait and try again", l.QueriesPerHour)
		case l.RuntimeErrorsPerHour > 0 && failures >= int64(l.RuntimeErrorsPerHour):
			refusal = fmt.Sprintf("the grant's queries failed at run time %d times in the past hour; wait before querying again (repeated failures could probe the data)", failures)
			failedOnly = true
		case l.EngineTimePerHour > 0 && time.Duration(engineUS)*time.Microsecond >= l.EngineTimePerHour:
			refusal = fmt.Sprintf("the grant's engine time of %s per hour is used; wait, or make queries cheaper", l.EngineTimePerHour)
		}
		if refusal != "" {
			// The wait is until the oldest use that counts leaves the window:
			// a query or a failure is free again then (engine time may need
			// more, so the wait is the least one).
			q := `SELECT at FROM workspace_usage WHERE grant_id = $1`
			if failedOnly {
				q += ` AND failed`
			}
			var oldest time.Time
			if err := tx.QueryRow(ctx, q+` ORDER BY at LIMIT 1`, grantID).Scan(&oldest); err != nil {
				return fmt.Errorf("workspace: limits of %s: %w", grantID, err)
			}
			return errs.Limited("limits", oldest.Add(window).Sub(now), "%s", refusal)
		}
		_, err := tx.Exec(ctx, `INSERT INTO workspace_usage (id, grant_id, at, engine_us, failed) VALUES ($1, $2, $3, 0, FALSE)`, id, grantID, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return func(engine time.Duration, failed bool) {
		// The query is over whatever its context says; its use must be kept.
		ctx := context.WithoutCancel(ctx)
		m.db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE workspace_usage SET engine_us = $1, failed = $2 WHERE id = $3`, engine.Microseconds(), failed, id)
			return err
		})
	}, nil
}
