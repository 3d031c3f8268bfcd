package plan

import (
	"context"
	"fmt"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/catalog"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// FilingDays is how many working days after approval a plan must be filed
// with the provincial data department (Art. 11).
const FilingDays = 20

// Options tunes the service.
type Options struct {
	// Changed, when set, is told after a plan changed state, so that the
	// inbox gathers anew (inbox.Service.Touch).
	Changed func()
}

// Service keeps implementation plans. Its exported methods that take a
// principal check it with package access.
type Service struct {
	db      *store.DB
	ledger  *ledger.Ledger
	ids     *identity.Service
	catalog *catalog.Service
	cal     *calendar.Calendar
	opts    Options
	now     func() time.Time
}

// New returns the plan service.
func New(db *store.DB, l *ledger.Ledger, ids *identity.Service, cat *catalog.Service, cal *calendar.Calendar, opts Options) *Service {
	return &Service{db: db, ledger: l, ids: ids, catalog: cat, cal: cal, opts: opts, now: db.Now}
}

// changed tells whoever listens that what waits for whom may have changed.
func (s *Service) changed() {
	if s.opts.Changed != nil {
		s.opts.Changed()
	}
}

// WithClock returns a copy of s whose business dates (approval, deadlines)
// follow now instead of the database clock; ledger entries keep the real
// time. The demo records a history this way; nothing else should.
func (s *Service) WithClock(now func() time.Time) *Service {
	c := *s
	c.now = now
	return &c
}

// unit returns the implementing unit of a plan and its description for
// access checks.
func (s *Service) unit(ctx context.Context, id string) (identity.Organization, error) {
	return s.ids.Lookup(ctx, id)
}

// Get returns one plan version if p may read it.
func (s *Service) Get(ctx context.Context, p access.Principal, id string) (Plan, error) {
	pl, err := getPlan(ctx, s.db, id, "")
	if err != nil {
		return pl, err
	}
	return s.show(ctx, p, pl)
}

// show checks that p may read pl and fills what depends on the caller and
// the clock.
func (s *Service) show(ctx context.Context, p access.Principal, pl Plan) (Plan, error) {
	u, err := s.unit(ctx, pl.UnitID)
	if err != nil {
		return pl, err
	}
	if err := access.Check(p, access.PlanRead, u.Resource()); err != nil {
		return pl, err
	}
	pl.derive(s.now())
	pl.Actions = Machine.Allowed(p, pl.State, u.Resource(), Supersede)
	return pl, nil
}

// Lookup returns a plan version without checking who asks: announcements
// and agreements use it to check their rules against the plan, and show no
// more of it than its reference.
func (s *Service) Lookup(ctx context.Context, id string) (Plan, error) {
	pl, err := getPlan(ctx, s.db, id, "")
	pl.derive(s.now())
	return pl, err
}

// InForce returns the version of plan id's series that governs now: the
// newest approved or filed one. An announcement or agreement made under an
// earlier version follows the version in force.
func (s *Service) InForce(ctx context.Context, id string) (Plan, error) {
	var inForce string
	err := s.db.QueryRow(ctx, `SELECT id FROM plans WHERE series_id = (SELECT series_id FROM plans WHERE id = $1)
		AND state IN ($2, $3) ORDER BY version DESC LIMIT 1`, id, string(Approved), string(Filed)).Scan(&inForce)
	if store.IsNoRows(err) {
		return Plan{}, errs.E(errs.Conflict, "plan %s has no approved version in force; an implementation plan must be approved first (Art. 11–12)", id)
	}
	if err != nil {
		return Plan{}, fmt.Errorf("plan: version in force of %s: %w", id, err)
	}
	return s.Lookup(ctx, inForce)
}

// Filter narrows a list of plans.
type Filter struct {
	State fsm.State
	// Overdue keeps approved versions past their filing deadline.
	Overdue bool
}

// List returns the plan versions p may read, newest first.
func (s *Service) List(ctx context.Context, p access.Principal, f Filter, page store.Page) ([]Plan, string, error) {
	w, err := Reach(ctx, s.ids, p, access.PlanRead, "o.jurisdiction_id", "")
	if err != nil {
		return nil, "", err
	}
	if f.State != "" {
		if err := fsm.CheckState(f.State, States); err != nil {
			return nil, "", err
		}
		w.And("p.state = $%d", string(f.State))
	}
	if f.Overdue {
		w.And("p.state = $%d", string(Approved))
		w.And("p.filing_due_at < $%d", s.now())
	}
	out, next, err := Newest(ctx, s.db, `SELECT `+planColumns+planFrom+` WHERE`, w, "p.id", page, scanPlan, func(pl Plan) string { return pl.ID })
	if err != nil {
		return nil, "", fmt.Errorf("plan: %w", err)
	}
	for i := range out {
		if out[i].Datasets, err = planDatasets(ctx, s.db, out[i].ID); err != nil {
			return nil, "", err
		}
		if out[i], err = s.show(ctx, p, out[i]); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

// Versions returns every version of plan id's series, oldest first.
func (s *Service) Versions(ctx context.Context, p access.Principal, id string) ([]Plan, error) {
	pl, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	ids, err := s.seriesIDs(ctx, pl.SeriesID)
	if err != nil {
		return nil, err
	}
	out := make([]Plan, 0, len(ids))
	for _, v := range ids {
		got, err := s.Get(ctx, p, v)
		if err != nil {
			return nil, err
		}
		out = append(out, got)
	}
	return out, nil
}

// seriesIDs returns the IDs of a plan's versions, oldest first.
func (s *Service) seriesIDs(ctx context.Context, series string) ([]string, error) {
	ids, err := store.Strings(ctx, s.db, `SELECT id FROM plans WHERE series_id = $1 ORDER BY version`, series)
	if err != nil {
		return nil, fmt.Errorf("plan: versions of %s: %w", series, err)
	}
	return ids, nil
}

// record appends a ledger entry for an act of p on plan id.
func (s *Service) record(ctx context.Context, tx *store.Tx, p access.Principal, action, id string, detail any) error {
	return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: action, ObjectType: "plan", ObjectID: id, Detail: detail})
}
