package billing

import (
	"context"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// Agreements is what billing reads of agreements: *agreement.Service.
type Agreements interface {
	Lookup(ctx context.Context, id string) (agreement.Agreement, error)
}

// Service keeps maximums, caps, prices, revenue-sharing rules, statements
// and splits. Its exported methods that take a principal check it with
// package access.
type Service struct {
	db         *store.DB
	ledger     *ledger.Ledger
	ids        *identity.Service
	agreements Agreements
	published  Published
	now        func() time.Time
}

// Published says which products are published now: *product.Service,
// which app wires (product sits above billing). Until it is set, Public
// publishes no price: deny by default.
type Published interface {
	PublishedIDs(ctx context.Context) ([]string, error)
}

// SetPublished gives the service the products' states.
func (s *Service) SetPublished(p Published) { s.published = p }

// New returns the billing service.
func New(db *store.DB, l *ledger.Ledger, ids *identity.Service, ag Agreements) *Service {
	return &Service{db: db, ledger: l, ids: ids, agreements: ag, now: db.Now}
}

// WithClock returns a copy of s whose business dates (which months have
// ended, this year) follow now instead of the database clock. The demo
// records a history this way; nothing else should.
func (s *Service) WithClock(now func() time.Time) *Service {
	c := *s
	c.now = now
	return &c
}

// Today is the business date by the service's clock (Asia/Shanghai): the
// year whose caps and prices apply now, the month still running.
func (s *Service) Today() calendar.Date { return calendar.DateOf(s.now()) }

// maxBasis bounds a basis text (收费依据, 核定依据).
const maxBasis = 2000

// party is an agreement as billing sees it: whose it is and where, for
// access checks and for copying into billing's rows.
type party struct {
	ag  agreement.Agreement
	res access.Resource
}

// agreementFor reads agreement id and checks that p may take action on
// what belongs to its operator: Org rules reach the operator,
// Jurisdiction rules the implementing unit and those overseeing it.
func (s *Service) agreementFor(ctx context.Context, p access.Principal, action access.Action, id string) (party, error) {
	if id == "" {
		return party{}, errs.E(errs.Invalid, "agreement_id: required: the authorized-operation agreement this belongs to")
	}
	ag, err := s.agreements.Lookup(ctx, id)
	if err != nil {
		return party{}, err
	}
	r, err := s.ids.Resource(ctx, ag.OperatorID, ag.JurisdictionID)
	if err != nil {
		return party{}, err
	}
	return party{ag: ag, res: r}, access.Check(p, action, r)
}

// check checks that p may take action on what belongs to operatorID in
// jurisdictionID.
func (s *Service) check(ctx context.Context, p access.Principal, action access.Action, operatorID, jurisdictionID string) error {
	r, err := s.ids.Resource(ctx, operatorID, jurisdictionID)
	if err != nil {
		return err
	}
	return access.Check(p, action, r)
}

// record appends a ledger entry for an act of p.
func (s *Service) record(ctx context.Context, tx *store.Tx, p access.Principal, action, objectType, id string, detail any) error {
	return s.ledger.Append(ctx, tx, ledger.Record{Actor: p.Actor(), Action: action, ObjectType: objectType, ObjectID: id, Detail: detail})
}
