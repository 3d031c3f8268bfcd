package agreement

import (
	"context"
	"fmt"
	"sync"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/domain"
	"shuyu/internal/fsm"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/plan"
	"shuyu/internal/store"
	"shuyu/internal/tender"
)

// Options tunes the service.
type Options struct {
	// RectificationFailed reports whether the rectification required of an
	// agreement's operator failed or is overdue (Art. 24); only then may it
	// be terminated for breach_unrectified (Art. 27(2)). The evaluation
	// package answers it; app wires it. Nil refuses such terminations.
	RectificationFailed func(ctx context.Context, agreementID string) (bool, error)
	// Changed, when set, is told after an agreement changed, so that the
	// inbox gathers anew (inbox.Service.Touch).
	Changed func()
}

// Service keeps agreements and performs exits. Its exported methods that
// take a principal check it with package access.
type Service struct {
	db     *store.DB
	ledger *ledger.Ledger
	ids    *identity.Service
	plans  *plan.Service
	tender *tender.Service
	domain *domain.Domain
	opts   Options
	now    func() time.Time
	// system takes the steps the clock triggers.
	system access.Principal

	mu    sync.RWMutex
	hooks []Hook
}

// New returns the agreement service.
func New(db *store.DB, l *ledger.Ledger, ids *identity.Service, plans *plan.Service, t *tender.Service, dom *domain.Domain, opts Options) *Service {
	return &Service{db: db, ledger: l, ids: ids, plans: plans, tender: t, domain: dom, opts: opts, now: db.Now, system: access.System("agreement")}
}

// WithClock returns a copy of s whose business dates follow now instead of
// the database clock (ledger entries keep the real time), sharing its exit
// hooks. The demo records a history this way; nothing else should.
func (s *Service) WithClock(now func() time.Time) *Service {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return &Service{db: s.db, ledger: s.ledger, ids: s.ids, plans: s.plans.WithClock(now), tender: s.tender.WithClock(now),
		domain: s.domain, opts: s.opts, now: now, system: s.system, hooks: s.hooks}
}

// changed tells whoever listens that what waits for whom may have changed.
func (s *Service) changed() {
	if s.opts.Changed != nil {
		s.opts.Changed()
	}
}

// resource describes agreement a for access checks: the operator's, placed
// in the unit's jurisdiction.
func (s *Service) resource(ctx context.Context, a Agreement) (access.Resource, error) {
	u, err := s.ids.Lookup(ctx, a.UnitID)
	if err != nil {
		return access.Resource{}, err
	}
	return plan.CaseResource(u, a.OperatorID, access.KindOperator, ""), nil
}

// locked reads agreement id in tx, locking its row, with its description
// for access checks.
func (s *Service) locked(ctx context.Context, tx *store.Tx, id string) (Agreement, access.Resource, error) {
	a, err := getAgreement(ctx, tx, id, tx.ForUpdate())
	if err != nil {
		return a, access.Resource{}, err
	}
	r, err := s.resource(ctx, a)
	return a, r, err
}

// Get returns one agreement if p may read it.
func (s *Service) Get(ctx context.Context, p access.Principal, id string) (Agreement, error) {
	a, err := getAgreement(ctx, s.db, id, "")
	if err != nil {
		return a, err
	}
	return s.show(ctx, p, a)
}

func (s *Service) show(ctx context.Context, p access.Principal, a Agreement) (Agreement, error) {
	r, err := s.resource(ctx, a)
	if err != nil {
		return a, err
	}
	if err := access.Check(p, access.AgreementRead, r); err != nil {
		return a, err
	}
	a.Actions = Machine.Allowed(p, a.State, r, Activate, Expire)
	return a, nil
}

// Lookup returns an agreement without checking who asks: other packages
// (evaluation, the sandbox's grants) check their rules against it and show
// no more of it than they must.
func (s *Service) Lookup(ctx context.Context, id string) (Agreement, error) {
	return getAgreement(ctx, s.db, id, "")
}

// Filter narrows a list of agreements.
type Filter struct {
	State      fsm.State
	OperatorID string
}

// List returns the agreements p may read, newest first: an operator's own,
// or those of the units in reach.
func (s *Service) List(ctx context.Context, p access.Principal, f Filter, page store.Page) ([]Agreement, string, error) {
	w, err := plan.Reach(ctx, s.ids, p, access.AgreementRead, "u.jurisdiction_id", "g.operator_id")
	if err != nil {
		return nil, "", err
	}
	return s.list(ctx, w, f, page, func(a Agreement) (Agreement, error) { return s.show(ctx, p, a) })
}

// Public returns what the portal discloses of agreements signed (Art. 25):
// who operates which data, for what term, in what state; no clause.
func (s *Service) Public(ctx context.Context, f Filter, page store.Page) ([]Agreement, string, error) {
	return s.list(ctx, plan.Where{Cond: "g.signed_at IS NOT NULL"}, f, page, func(a Agreement) (Agreement, error) {
		return Agreement{ID: a.ID, Title: a.Title, Unit: a.Unit, UnitID: a.UnitID, JurisdictionID: a.JurisdictionID, OperatorID: a.OperatorID,
			Operator: a.Operator, State: a.State, StartsOn: a.StartsOn, EndsOn: a.EndsOn, StartsAt: a.StartsAt, EndsAt: a.EndsAt,
			Datasets: a.Datasets, SignedAt: a.SignedAt, EndedAt: a.EndedAt, Actions: []fsm.Action{}}, nil
	})
}

func (s *Service) list(ctx context.Context, w plan.Where, f Filter, page store.Page, show func(Agreement) (Agreement, error)) ([]Agreement, string, error) {
	if f.State != "" {
		if err := fsm.CheckState(f.State, States); err != nil {
			return nil, "", err
		}
		w.And("g.state = $%d", string(f.State))
	}
	if f.OperatorID != "" {
		w.And("g.operator_id = $%d", f.OperatorID)
	}
	out, next, err := plan.Newest(ctx, s.db, `SELECT `+agreementColumns+agreementFrom+` WHERE`, w, "g.id", page, scanAgreement,
		func(a Agreement) string { return a.ID })
	if err != nil {
		return nil, "", fmt.Errorf("agreement: %w", err)
	}
	for i := range out {
		if err := details(ctx, s.db, &out[i]); err != nil {
			return nil, "", err
		}
		if out[i], err = show(out[i]); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

// record appends a ledger entry for an act of p on agreement id.
func (s *Service) record(ctx context.Context, tx *store.Tx, p access.Principal, action, id string, detail any) error {
	return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: action, ObjectType: "agreement", ObjectID: id, Detail: detail})
}
