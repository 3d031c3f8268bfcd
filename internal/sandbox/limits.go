package sandbox

import (
	"context"
	"sync"
	"time"

	"shuyu/internal/errs"
)

// Limiter bounds how much each grant uses the engine per hour. Engine time
// is wall time times the session's threads, the CPU a query could use.
// Runtime errors are counted too: their message is generic, but whether a
// query fails (a cast or an overflow reached only for rows meeting a
// condition) is one bit about the data, so a grant may fail only a few
// times an hour.
type Limiter interface {
	// Admit refuses a query when the grant has used its queries, engine
	// time or runtime errors of the past hour; otherwise it counts the
	// query and returns the function that records the engine time the
	// query used and whether it failed at run time.
	Admit(ctx context.Context, grantID string, l Limits) (done func(engine time.Duration, failed bool), err error)
}

// MemoryLimiter is a Limiter in memory, for one process.
type MemoryLimiter struct {
	mu  sync.Mutex
	now func() time.Time
	use map[string][]*usage
}

type usage struct {
	at     time.Time
	engine time.Duration
	failed bool
}

func NewMemoryLimiter(now func() time.Time) *MemoryLimiter {
	if now == nil {
		now = time.Now
	}
	return &MemoryLimiter{now: now, use: map[string][]*usage{}}
}

func (m *MemoryLimiter) Admit(_ context.Context, grantID string, l Limits) (func(time.Duration, bool), error) {
	l = l.withDefaults()
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	kept := m.use[grantID][:0]
	var engine time.Duration
	failures := 0
	for _, u := range m.use[grantID] {
		if now.Sub(u.at) < time.Hour {
			kept = append(kept, u)
			engine += u.engine
			if u.failed {
				failures++
			}
		}
	}
	m.use[grantID] = kept
	// The wait is until the oldest use that counts leaves the hour (the
	// least one for engine time).
	wait := func(failed bool) time.Duration {
		for _, u := range kept {
			if !failed || u.failed {
				return u.at.Add(time.Hour).Sub(now)
			}
		}
		return 0
	}
	if len(kept) >= l.QueriesPerHour {
		return nil, limited(wait(false), "the grant's %d queries per hour are used; wait and try again", l.QueriesPerHour)
	}
	if failures >= l.RuntimeErrorsPerHour {
		return nil, limited(wait(true), "the grant's queries failed at run time %d times in the past hour; wait before querying again (repeated failures could probe the data)", failures)
	}
	if engine >= l.EngineTimePerHour {
		return nil, limited(wait(false), "the grant's engine time of %s per hour is used; wait, or make queries cheaper", l.EngineTimePerHour)
	}
	u := &usage{at: now}
	m.use[grantID] = append(kept, u)
	return func(d time.Duration, failed bool) {
		m.mu.Lock()
		defer m.mu.Unlock()
		u.engine, u.failed = d, failed
	}, nil
}

func limited(wait time.Duration, format string, args ...any) error {
	return errs.Limited("limits", wait, format, args...)
}
