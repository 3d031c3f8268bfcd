package evaluation

import (
	"context"
	"sync"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/evidence"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/store"
)

// Options tunes the service; zero fields take the defaults.
type Options struct {
	// Template is the template new evaluations open with; default the
	// built-in one.
	Template *Template
	// AnswerDays is how many working days an operator has to answer an
	// evaluation; default 15.
	AnswerDays int
	// RectificationDays is the working days a rectification task gets when
	// its finding names none; default 20.
	RectificationDays int
	// EvidenceDir holds the evidence files; required.
	EvidenceDir string
	// MaxFileBytes bounds one evidence file; default 20 MiB.
	MaxFileBytes int64
	// Changed, when set, is called after every change, so that the inbox
	// regathers (inbox.Service.Touch). It must not block.
	Changed func()
}

// MaxFiles bounds the evidence files of one answer or report.
const MaxFiles = 10

func (o Options) withDefaults() Options {
	if o.Template == nil {
		o.Template = DefaultTemplate()
	}
	if o.AnswerDays <= 0 {
		o.AnswerDays = 15
	}
	if o.RectificationDays <= 0 {
		o.RectificationDays = 20
	}
	if o.MaxFileBytes <= 0 {
		o.MaxFileBytes = 20 << 20
	}
	if o.Changed == nil {
		o.Changed = func() {}
	}
	return o
}

// Service keeps templates, evaluations, rectification tasks and their
// evidence. Its exported methods that take a principal check it with
// package access.
type Service struct {
	db         *store.DB
	ledger     *ledger.Ledger
	ids        *identity.Service
	cal        *calendar.Calendar
	agreements Agreements
	opts       Options
	current    *Template
	templates  sync.Map // version → *Template, read from the database
	files      *evidence.Store
}

// New returns the evaluation service.
func New(db *store.DB, l *ledger.Ledger, ids *identity.Service, cal *calendar.Calendar, ag Agreements, opts Options) *Service {
	opts = opts.withDefaults()
	return &Service{db: db, ledger: l, ids: ids, cal: cal, agreements: ag, opts: opts, current: opts.Template,
		files: evidence.New(opts.EvidenceDir, opts.MaxFileBytes, evidenceTypes...)}
}

// MaxFileBytes is the largest evidence file accepted.
func (s *Service) MaxFileBytes() int64 { return s.opts.MaxFileBytes }

// resource describes what an evaluation or a rectification task is about
// for access checks: its operator, placed in its agreement's jurisdiction.
// Org rules reach the operator; Jurisdiction rules the implementing unit
// and the regulators overseeing the agreement.
func (s *Service) resource(ctx context.Context, operatorID, jurisdictionID string) (access.Resource, error) {
	return s.ids.Resource(ctx, operatorID, jurisdictionID)
}
