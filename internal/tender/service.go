package tender

import (
	"context"
	"fmt"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/evidence"
	"shuyu/internal/fsm"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// Options tunes the service; zero fields take the defaults.
type Options struct {
	// FileDir keeps applications' evidence files (inside the data directory).
	FileDir string
	// MaxFileBytes refuses larger evidence files; default 20 MiB.
	MaxFileBytes int64
	// MaxFiles bounds the evidence files of one application; default 40.
	MaxFiles int
	// PublicityDays is how many working days an award stays under
	// publicity; default 5.
	PublicityDays int
	// Changed, when set, is told after something changed state, so that
	// the inbox gathers anew (inbox.Service.Touch).
	Changed func()
}

func (o Options) withDefaults() Options {
	if o.MaxFileBytes <= 0 {
		o.MaxFileBytes = 20 << 20
	}
	if o.MaxFiles <= 0 {
		o.MaxFiles = 40
	}
	if o.PublicityDays <= 0 {
		o.PublicityDays = 5
	}
	return o
}

// Service keeps announcements, applications and objections. Its exported
// methods that take a principal check it with package access.
type Service struct {
	db     *store.DB
	ledger *ledger.Ledger
	ids    *identity.Service
	plans  *plan.Service
	cal    *calendar.Calendar
	files  *evidence.Store
	opts   Options
	now    func() time.Time
	// system takes the steps the clock triggers.
	system access.Principal
}

// New returns the tender service.
func New(db *store.DB, l *ledger.Ledger, ids *identity.Service, plans *plan.Service, cal *calendar.Calendar, opts Options) *Service {
	opts = opts.withDefaults()
	return &Service{db: db, ledger: l, ids: ids, plans: plans, cal: cal, opts: opts, now: db.Now,
		files: evidence.New(opts.FileDir, opts.MaxFileBytes, evidenceTypes...), system: access.System("tender")}
}

// WithClock returns a copy of s whose business dates (publication,
// deadlines, publicity) follow now instead of the database clock; ledger
// entries keep the real time. The demo records a history this way.
func (s *Service) WithClock(now func() time.Time) *Service {
	c := *s
	c.now = now
	c.plans = s.plans.WithClock(now)
	return &c
}

// changed tells whoever listens that what waits for whom may have changed.
func (s *Service) changed() {
	if s.opts.Changed != nil {
		s.opts.Changed()
	}
}

// MaxUploadBytes is the most an application's request may carry.
func (s *Service) MaxUploadBytes() int64 { return int64(s.opts.MaxFiles)*s.opts.MaxFileBytes + 1<<20 }

// Get returns one announcement if p may read it: published ones are for
// everyone in reach, drafts for those who read the unit's plans.
func (s *Service) Get(ctx context.Context, p access.Principal, id string) (Announcement, error) {
	a, err := getAnnouncement(ctx, s.db, id, "")
	if err != nil {
		return a, err
	}
	return s.show(ctx, p, a)
}

func (s *Service) show(ctx context.Context, p access.Principal, a Announcement) (Announcement, error) {
	u, err := s.ids.Lookup(ctx, a.UnitID)
	if err != nil {
		return a, err
	}
	read := access.AnnouncementRead
	if a.PublishedAt == nil {
		read = access.PlanRead
	}
	if err := access.Check(p, read, u.Resource()); err != nil {
		return a, err
	}
	if err := s.fill(ctx, &a); err != nil {
		return a, err
	}
	a.Actions = Machine.Allowed(p, a.State, u.Resource(), Close, Conclude)
	return a, nil
}

// fill adds the plan's reference and the winner's name.
func (s *Service) fill(ctx context.Context, a *Announcement) error {
	pl, err := s.plans.Lookup(ctx, a.Plan.ID)
	if err != nil {
		return err
	}
	a.Plan = PlanRef{ID: pl.ID, Title: pl.Title, Version: pl.Version, State: pl.State, Overdue: pl.Overdue}
	if a.WinnerID != "" {
		app, err := getApplication(ctx, s.db, a.WinnerID, "")
		if err != nil {
			return err
		}
		a.Winner = &Org{ID: app.OperatorID, Name: app.Operator}
	}
	return nil
}

// Filter narrows a list of announcements.
type Filter struct {
	State  fsm.State
	PlanID string
}

// List returns the announcements p may read, newest first.
func (s *Service) List(ctx context.Context, p access.Principal, f Filter, page store.Page) ([]Announcement, string, error) {
	w, err := plan.Reach(ctx, s.ids, p, access.AnnouncementRead, "o.jurisdiction_id", "")
	if err != nil {
		return nil, "", err
	}
	if access.Widest(p, access.PlanRead) == 0 {
		w.Cond += " AND a.published_at IS NOT NULL" // drafts are for those who read the unit's plans
	}
	return s.list(ctx, w, f, page, func(a Announcement) (Announcement, error) { return s.show(ctx, p, a) })
}

// Public returns the announcements the portal shows: every one published,
// newest first, without what only the unit should see.
func (s *Service) Public(ctx context.Context, f Filter, page store.Page) ([]Announcement, string, error) {
	return s.list(ctx, plan.Where{Cond: "a.published_at IS NOT NULL"}, f, page, func(a Announcement) (Announcement, error) {
		err := s.fill(ctx, &a)
		return a.public(), err
	})
}

// PublicOne returns one published announcement for the portal.
func (s *Service) PublicOne(ctx context.Context, id string) (Announcement, error) {
	a, err := getAnnouncement(ctx, s.db, id, "")
	if err == nil && a.PublishedAt == nil {
		err = errs.E(errs.NotFound, "no announcement %q", id) // a draft is nobody's business yet
	}
	if err != nil {
		return a, err
	}
	if err := s.fill(ctx, &a); err != nil {
		return a, err
	}
	return a.public(), nil
}

func (s *Service) list(ctx context.Context, w plan.Where, f Filter, page store.Page, show func(Announcement) (Announcement, error)) ([]Announcement, string, error) {
	if f.State != "" {
		if err := fsm.CheckState(f.State, States); err != nil {
			return nil, "", err
		}
		w.And("a.state = $%d", string(f.State))
	}
	if f.PlanID != "" {
		w.And("a.plan_id IN (SELECT id FROM plans WHERE series_id = (SELECT series_id FROM plans WHERE id = $%d))", f.PlanID)
	}
	out, next, err := plan.Newest(ctx, s.db, `SELECT `+announcementColumns+announcementFrom+` WHERE`, w, "a.id", page, scanAnnouncement,
		func(a Announcement) string { return a.ID })
	if err != nil {
		return nil, "", fmt.Errorf("tender: announcements: %w", err)
	}
	for i := range out {
		if out[i].Datasets, err = announcementDatasets(ctx, s.db, out[i].ID); err != nil {
			return nil, "", err
		}
		if out[i], err = show(out[i]); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

// unitOf returns the implementing unit of announcement a.
func (s *Service) unitOf(ctx context.Context, a Announcement) (identity.Organization, error) {
	return s.ids.Lookup(ctx, a.UnitID)
}
