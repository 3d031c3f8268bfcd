package ingest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"shuyu/internal/errs"
	"shuyu/internal/store"
)

const sourceColumns = `id, dataset_id, driver, dsn_sealed, dsn_redacted, source_table, columns, interval_seconds, next_run_at,
	lease_until, last_attempt_at, last_success_at, last_error, failures, last_version_id, created_by, created_at`

func scanSource(row interface{ Scan(...any) error }, now time.Time) (Source, error) {
	var (
		src                     Source
		columns                 string
		seconds                 int64
		lease, attempt, success sql.NullTime
	)
	err := row.Scan(&src.ID, &src.DatasetID, &src.Driver, &src.sealed, &src.DSN, &src.Table, &columns, &seconds, &src.NextRunAt,
		&lease, &attempt, &success, &src.LastError, &src.Failures, &src.LastVersionID, &src.CreatedBy, &src.CreatedAt)
	if err != nil {
		return src, err
	}
	src.interval = time.Duration(seconds) * time.Second
	src.Interval = src.interval.String()
	src.Running = lease.Valid && lease.Time.After(now)
	src.LastAttemptAt, src.LastSuccessAt = store.TimePtr(attempt), store.TimePtr(success)
	src.NextRunAt, src.CreatedAt = src.NextRunAt.UTC(), src.CreatedAt.UTC()
	return src, json.Unmarshal([]byte(columns), &src.Columns)
}

func insertSource(ctx context.Context, tx *store.Tx, src Source) error {
	columns, err := json.Marshal(src.Columns)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO ingest_sources (id, dataset_id, driver, dsn_sealed, dsn_redacted, source_table, columns,
		interval_seconds, next_run_at, last_error, failures, last_version_id, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', 0, '', $10, $11)`,
		src.ID, src.DatasetID, src.Driver, src.sealed, src.DSN, src.Table, string(columns), int64(src.interval/time.Second),
		src.NextRunAt, src.CreatedBy, src.CreatedAt)
	return err
}

// getSource returns a source of an entry (datasetID) or, with datasetID
// empty, of any entry; now tells whether a pull is running.
func getSource(ctx context.Context, q store.Querier, now time.Time, datasetID, id string) (Source, error) {
	src, err := scanSource(q.QueryRow(ctx, `SELECT `+sourceColumns+` FROM ingest_sources WHERE id = $1 AND (dataset_id = $2 OR $2 = '')`,
		id, datasetID), now)
	if store.IsNoRows(err) {
		return src, errs.E(errs.NotFound, "no source %q of this catalog entry", id)
	}
	return src, err
}

func listSources(ctx context.Context, db *store.DB, datasetID string) ([]Source, error) {
	rows, err := db.Query(ctx, `SELECT `+sourceColumns+` FROM ingest_sources WHERE dataset_id = $1 ORDER BY id`, datasetID)
	if err != nil {
		return nil, fmt.Errorf("ingest: sources: %w", err)
	}
	defer rows.Close()
	out := []Source{}
	for rows.Next() {
		src, err := scanSource(rows, db.Now())
		if err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, rows.Err()
}

// dueSources lists sources whose next pull is due and that no process holds.
func dueSources(ctx context.Context, db *store.DB, now time.Time) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT id FROM ingest_sources WHERE next_run_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
		ORDER BY next_run_at LIMIT 20`, now)
	if err != nil {
		return nil, fmt.Errorf("ingest: due sources: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// claim takes the lease of a source for one pull, if no process holds it
// (and, when due, if its pull is due): the conditional update lets one
// process win however many try at once. The lease outlasts the pull's time
// limit, so it never lapses while its holder still runs.
func (s *Service) claim(ctx context.Context, id string, due bool) (Source, bool, error) {
	var (
		src Source
		ok  bool
	)
	err := s.pulls.DB.InTx(ctx, func(tx *store.Tx) error {
		now := s.pulls.DB.Now()
		q := `UPDATE ingest_sources SET lease_owner = $1, lease_until = $2 WHERE id = $3 AND (lease_until IS NULL OR lease_until <= $4)`
		if due {
			q += ` AND next_run_at <= $4`
		}
		res, err := tx.Exec(ctx, q, s.pulls.owner, now.Add(s.pulls.PullTimeout+time.Minute), id, now)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		ok = true
		src, err = getSource(ctx, tx, now, "", id)
		return err
	})
	if err != nil {
		return src, false, fmt.Errorf("ingest: claim source %s: %w", id, err)
	}
	return src, ok, nil
}
