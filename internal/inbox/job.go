package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"shuyu/internal/store"
)

// Run gathers until ctx ends: at once, shortly after each Touch, and when
// the current snapshot is older than Options.Every, whoever gathered it.
// Several processes may run it at once: one gathers at a time, and a
// process whose changes were announced while another gathered tries again
// until it has gathered itself, so no change is missed.
func (s *Service) Run(ctx context.Context) {
	holder := store.NewID()
	var (
		covered uint64 // touches that a gathering of this process started after
		first   = true
		wait    time.Duration
	)
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		case <-s.kick:
			select {
			case <-ctx.Done():
				return
			case <-time.After(s.opts.Settle):
			}
		}
		seen := s.touches.Load()
		age, err := s.age(ctx)
		if err != nil {
			s.opts.Log.WarnContext(ctx, "inbox: read the snapshot's age", "err", err)
			wait = s.opts.Retry
			continue
		}
		if first || seen != covered || age >= s.opts.Every {
			took, err := s.Gather(ctx, holder)
			if err != nil && ctx.Err() == nil {
				s.opts.Log.ErrorContext(ctx, "inbox: gathering", "err", err)
			}
			if err != nil || !took {
				wait = s.opts.Retry
				continue
			}
			first, covered, age = false, seen, 0
		}
		wait = s.opts.Every - age
	}
}

// age returns how long ago the current snapshot was gathered; a very long
// time when there is none.
func (s *Service) age(ctx context.Context) (time.Duration, error) {
	var at sql.NullTime
	if err := s.db.QueryRow(ctx, `SELECT gathered_at FROM inbox_state WHERE id = 1`).Scan(&at); err != nil {
		return 0, fmt.Errorf("inbox: read state: %w", err)
	}
	if !at.Valid {
		return math.MaxInt64, nil
	}
	return s.db.Now().Sub(at.Time), nil
}
