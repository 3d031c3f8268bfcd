package inbox

import (
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"shuyu/internal/store"
)

// Options tunes the service; zero fields take the defaults.
type Options struct {
	// Every is how old the current snapshot may grow before it is gathered
	// again without any change announced; default 24 hours. Overdue marks
	// need no regathering: they are computed when read.
	Every time.Duration
	// Retry is how long to wait when another process holds the gathering
	// or a gathering failed; default 10 seconds.
	Retry time.Duration
	// Settle lets a burst of changes announced by Touch settle into one
	// gathering; default 1 second.
	Settle time.Duration
	Log    *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Every <= 0 {
		o.Every = 24 * time.Hour
	}
	if o.Retry <= 0 {
		o.Retry = 10 * time.Second
	}
	if o.Settle <= 0 {
		o.Settle = time.Second
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return o
}

// Service gathers the registered sources into snapshots and reads each
// user's items from the current one.
type Service struct {
	db   *store.DB
	opts Options

	mu      sync.Mutex
	sources []named
	// touches counts the changes announced; kick wakes the job.
	touches atomic.Uint64
	kick    chan struct{}
}

type named struct {
	name string
	list Source
}

// New returns the inbox service, with no source yet.
func New(db *store.DB, opts Options) *Service {
	return &Service{db: db, opts: opts.withDefaults(), kick: make(chan struct{}, 1)}
}

// Register adds a source under a name that says whose it is (e.g.
// "quality.tickets"); app registers every source before serving. A name
// registered twice is a programming error and panics.
func (s *Service) Register(name string, src Source) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.sources {
		if n.name == name {
			panic(fmt.Sprintf("inbox: source %q registered twice", name))
		}
	}
	s.sources = append(s.sources, named{name, src})
}

func (s *Service) registered() []named {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]named(nil), s.sources...)
}

// Touch announces that something an inbox shows has changed: the job of
// this process gathers again shortly. It never blocks.
func (s *Service) Touch() {
	s.touches.Add(1)
	select {
	case s.kick <- struct{}{}:
	default:
	}
}
