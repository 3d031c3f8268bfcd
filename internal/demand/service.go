package demand

import (
	"context"
	"slices"
	"sync"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/calendar"
	"shuyu/internal/catalog"
	"shuyu/internal/domain"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// ReviewDays is how many working days the parties have to review a round,
// by default.
const ReviewDays = 10

// Options tunes the service.
type Options struct {
	// ReviewDays is the review period in working days; 0 means ReviewDays.
	ReviewDays int
	// Changed, when set, is told after a demand or a grant changed, so that
	// the inbox gathers anew (inbox.Service.Touch).
	Changed func()
}

// Service keeps demand applications and grants. Its exported methods that
// take a principal check it with package access.
type Service struct {
	db         *store.DB
	ledger     *ledger.Ledger
	ids        *identity.Service
	catalog    *catalog.Service
	agreements *agreement.Service
	domain     *domain.Domain
	cal        *calendar.Calendar
	opts       Options
	now        func() time.Time
	// system reads the catalog for checks and takes the steps the clock
	// triggers.
	system access.Principal

	mu         sync.Mutex
	grantHooks []GrantHook // told when a grant is revoked or expires (OnGrantEnd)
}

// New returns the demand service.
func New(db *store.DB, l *ledger.Ledger, ids *identity.Service, cat *catalog.Service, ags *agreement.Service, dom *domain.Domain,
	cal *calendar.Calendar, opts Options) *Service {
	if opts.ReviewDays <= 0 {
		opts.ReviewDays = ReviewDays
	}
	return &Service{db: db, ledger: l, ids: ids, catalog: cat, agreements: ags, domain: dom, cal: cal, opts: opts, now: db.Now,
		system: access.System("demand")}
}

func (s *Service) changed() {
	if s.opts.Changed != nil {
		s.opts.Changed()
	}
}

// resources describe a demand or a grant for access checks: first the
// operator's case before the unit, then one per provider concerned.
func (s *Service) resources(ctx context.Context, unitID, operatorID, userID string, providerIDs []string) ([]access.Resource, error) {
	u, err := s.ids.Lookup(ctx, unitID)
	if err != nil {
		return nil, err
	}
	out := []access.Resource{{OrgID: operatorID, OrgKind: access.KindOperator, JurisdictionID: u.JurisdictionID,
		ParentJurisdictionID: u.ParentJurisdictionID, UserID: userID}}
	for _, id := range providerIDs {
		out = append(out, access.Resource{OrgID: id, OrgKind: access.KindProvider, JurisdictionID: u.JurisdictionID,
			ParentJurisdictionID: u.ParentJurisdictionID})
	}
	return out, nil
}

// checkAny returns nil when p may take action on one of rs, and otherwise
// the refusal on the first (the operator's case).
func checkAny(p access.Principal, action access.Action, rs []access.Resource) error {
	first := access.Check(p, action, rs[0])
	if first == nil || slices.ContainsFunc(rs[1:], func(r access.Resource) bool { return access.Check(p, action, r) == nil }) {
		return nil
	}
	return first
}

// record appends a ledger entry for an act of p.
func (s *Service) record(ctx context.Context, tx *store.Tx, p access.Principal, action, objectType, id string, detail any) error {
	return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: action, ObjectType: objectType, ObjectID: id, Detail: detail})
}
