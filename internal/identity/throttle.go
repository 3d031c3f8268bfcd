package identity

import (
	"context"
	"time"

	"shuyu/internal/errs"
	"shuyu/internal/store"
)

func accountKey(username string) string { return "user:" + username }
func addressKey(addr string) string     { return "addr:" + addr }

// checkThrottle refuses a login while the account or the address is locked.
func (s *Service) checkThrottle(ctx context.Context, username, addr string) error {
	now := s.db.Now()
	rows, err := s.db.Query(ctx, `SELECT key, locked_until FROM login_throttle WHERE key IN ($1, $2) AND locked_until > $3`,
		accountKey(username), addressKey(addr), now)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			key   string
			until time.Time
		)
		if err := rows.Scan(&key, &until); err != nil {
			return err
		}
		what := "this account"
		if key == addressKey(addr) {
			what = "your address"
		}
		wait := until.Sub(now)
		return errs.Limited("login", wait, "too many failed logins for %s; try again in %s", what, wait.Round(time.Second))
	}
	return rows.Err()
}

// countFailure adds a failed login to key's window inside tx and locks the
// key for one window once limit failures fall within it.
func (s *Service) countFailure(ctx context.Context, tx *store.Tx, key string, limit int) error {
	now := s.db.Now()
	if _, err := tx.Exec(ctx, `INSERT INTO login_throttle (key, failures, window_start) VALUES ($1, 0, $2) ON CONFLICT (key) DO NOTHING`, key, now); err != nil {
		return err
	}
	var (
		failures int
		start    time.Time
	)
	if err := tx.QueryRow(ctx, `SELECT failures, window_start FROM login_throttle WHERE key = $1`+tx.ForUpdate(), key).Scan(&failures, &start); err != nil {
		return err
	}
	if now.Sub(start) > s.opts.ThrottleWindow {
		failures, start = 0, now
	}
	failures++
	var locked any
	if failures >= limit {
		locked = now.Add(s.opts.ThrottleWindow)
	}
	_, err := tx.Exec(ctx, `UPDATE login_throttle SET failures = $1, window_start = $2, locked_until = $3 WHERE key = $4`, failures, start, locked, key)
	return err
}
