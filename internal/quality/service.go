package quality

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/catalog"
	"shuyu/internal/domain"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// Options tunes the service; zero fields take the defaults.
type Options struct {
	// AnswerDays is how many working days a provider has to answer a
	// ticket; default 5.
	AnswerDays int
	// SampleRows is how many failing row numbers a result keeps; default 5.
	SampleRows int
	// Interval is how often the background assessor looks for versions
	// without results; default 5 minutes.
	Interval time.Duration
	Log      *slog.Logger
	// Changed, when set, is told after a ticket was filed or changed state,
	// so that the inbox gathers anew (inbox.Service.Touch). It must not block.
	Changed func()
}

func (o Options) withDefaults() Options {
	if o.AnswerDays <= 0 {
		o.AnswerDays = 5
	}
	if o.SampleRows <= 0 {
		o.SampleRows = 5
	}
	if o.Interval <= 0 {
		o.Interval = 5 * time.Minute
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Changed == nil {
		o.Changed = func() {}
	}
	return o
}

// Service keeps rules, assessments, tickets and evaluations. Its exported
// methods that take a principal check it with package access.
type Service struct {
	db      *store.DB
	ledger  *ledger.Ledger
	ids     *identity.Service
	catalog *catalog.Service
	domain  *domain.Domain
	cal     *calendar.Calendar
	opts    Options
	// system reads catalog entries on the platform's own behalf, for
	// assessments and evaluations whose callers were checked already.
	system access.Principal
	// slots bounds the assessments that run in the background at once;
	// running counts them, so that Wait can let them finish.
	slots   chan struct{}
	running sync.WaitGroup
}

// New returns the quality service.
func New(db *store.DB, l *ledger.Ledger, ids *identity.Service, cat *catalog.Service, dom *domain.Domain, cal *calendar.Calendar, opts Options) *Service {
	return &Service{db: db, ledger: l, ids: ids, catalog: cat, domain: dom, cal: cal, opts: opts.withDefaults(),
		system: access.System("quality"), slots: make(chan struct{}, 2)}
}

// AnswerDays is the working days a provider has to answer a ticket.
func (s *Service) AnswerDays() int { return s.opts.AnswerDays }

// entry returns the catalog entry ref and its provider if p reaches the
// entry and may take action a on the provider's things.
func (s *Service) entry(ctx context.Context, p access.Principal, ref string, a access.Action) (catalog.Dataset, identity.Organization, error) {
	d, err := s.catalog.Get(ctx, p, ref)
	if err != nil {
		return d, identity.Organization{}, err
	}
	o, err := s.ids.Lookup(ctx, d.ProviderID)
	if err != nil {
		return d, o, err
	}
	return d, o, access.Check(p, a, o.Resource())
}

// allEntries returns every catalog entry, by name, read on the platform's
// behalf: callers have checked what their principal may see.
func (s *Service) allEntries(ctx context.Context) ([]catalog.Dataset, error) {
	var out []catalog.Dataset
	page := store.NewPage(store.MaxPageSize, "")
	for {
		ds, next, err := s.catalog.List(ctx, s.system, page)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
		if next == "" {
			return out, nil
		}
		page.After = next
	}
}

// round keeps two decimals of a score for people to read.
func round(x float64) float64 {
	if x < 0 {
		return -round(-x)
	}
	return float64(int64(x*100+0.5)) / 100
}
