package quality

import (
	"context"
	"time"

	"shuyu/internal/store"
)

// leaseFor is how long a process may hold an assessment before another
// may take it over (a crashed process never lets go).
const leaseFor = 15 * time.Minute

// Run assesses, every Options.Interval until ctx ends, the current version
// of each entry that has no assessment under its rules in force: versions
// stored while the upload hook was not wired, or by a process that stopped
// before assessing, and versions whose rules changed. Several processes may
// run it at once: a lease keeps each version to one of them.
func (s *Service) Run(ctx context.Context) {
	holder := store.NewID()
	tick := time.NewTicker(s.opts.Interval)
	defer tick.Stop()
	for {
		if n, err := s.Sweep(ctx, holder); err != nil && ctx.Err() == nil {
			s.opts.Log.WarnContext(ctx, "quality: background assessment", "err", err)
		} else if n > 0 {
			s.opts.Log.InfoContext(ctx, "quality: assessed versions", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Sweep assesses, once, every current version lacking an assessment under
// its rules in force and returns how many it assessed. holder names the
// process in leases.
func (s *Service) Sweep(ctx context.Context, holder string) (int, error) {
	entries, err := s.allEntries(ctx)
	if err != nil {
		return 0, err
	}
	ids := make([]string, len(entries))
	for i, d := range entries {
		ids[i] = d.ID
	}
	current, err := s.domain.CurrentOf(ctx, ids)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range entries {
		v, ok := current[d.ID]
		if !ok {
			continue
		}
		rs, err := s.ruleSet(ctx, s.db, d)
		if err != nil {
			return n, err
		}
		sha := rulesSHA(rs.Rules)
		if _, err := s.stored(ctx, v.ID, sha); err == nil {
			continue
		} else if !store.IsNoRows(err) {
			return n, err
		}
		if ok, err := s.lease(ctx, v.ID, sha, holder); err != nil || !ok {
			if err != nil {
				return n, err
			}
			continue // another process is on it
		}
		if _, err := s.assess(ctx, d, v, rs); err != nil {
			return n, err
		}
		n++
		if err := ctx.Err(); err != nil {
			return n, err
		}
	}
	return n, nil
}

// lease takes the assessment of (version, rules) for holder unless another
// holder's lease is still running.
func (s *Service) lease(ctx context.Context, versionID, sha, holder string) (bool, error) {
	var taken bool
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		now := s.db.Now()
		res, err := tx.Exec(ctx, `INSERT INTO quality_leases (version_id, rules_sha256, holder, until_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (version_id, rules_sha256) DO UPDATE SET holder = excluded.holder, until_at = excluded.until_at
			WHERE quality_leases.until_at < $5 OR quality_leases.holder = $3`, versionID, sha, holder, now.Add(leaseFor), now)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		taken = n == 1
		return err
	})
	return taken, err
}
