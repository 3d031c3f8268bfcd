package workspace

import (
	"context"
	"strings"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/demand"
	"shuyu/internal/errs"
	"shuyu/internal/identity"
	"shuyu/internal/ledger"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// Held is a grant as the workspace needs it (package demand's).
type Held = demand.Held

// Grants finds grants by ID without checking who asks (errs.NotFound when
// there is none): *demand.Service.
type Grants interface {
	Held(ctx context.Context, id string) (demand.Held, error)
	// Lock reads a grant's state and term in tx, locking it against its
	// end until tx does.
	Lock(ctx context.Context, tx *store.Tx, id string) (demand.Held, error)
}

// SandboxConfig is the sandbox's configuration with this package's stores
// on db: what app opens the sandbox with.
func SandboxConfig(db *store.DB, domainDir string) sandbox.Config {
	return sandbox.Config{Dir: domainDir, Budget: NewBudget(db), Audit: NewAudit(db), Limiter: NewLimiter(db)}
}

// Service runs queries in grants and keeps their history and releases.
type Service struct {
	db         *store.DB
	ledger     *ledger.Ledger
	ids        *identity.Service
	agreements *agreement.Service
	sandbox    *sandbox.Sandbox
	grants     Grants
	budget     *Budget
	// domainDir is where the sandbox keeps results (sandbox.ResultsDir).
	domainDir string
}

// New returns the workspace service over an open sandbox (opened with
// SandboxConfig on the same db and domain directory).
func New(db *store.DB, l *ledger.Ledger, ids *identity.Service, ags *agreement.Service, sb *sandbox.Sandbox, grants Grants, domainDir string) *Service {
	return &Service{db: db, ledger: l, ids: ids, agreements: ags, sandbox: sb, grants: grants, budget: NewBudget(db), domainDir: domainDir}
}

// resource describes a grant's work for access checks: the operator's,
// with the caller as the user.
func grantResource(h Held, p access.Principal) access.Resource {
	return access.Resource{OrgID: h.OperatorID, OrgKind: access.KindOperator, UserID: p.UserID}
}

// held returns grant id if p may take action on its work. Access is
// checked before anything else is said: why another operator's grant
// cannot run (its datasets, their versions) is not theirs to learn.
func (s *Service) held(ctx context.Context, p access.Principal, id string, action access.Action) (Held, error) {
	h, err := s.grants.Held(ctx, id)
	if h.OperatorID == "" {
		return h, err
	}
	if aerr := access.Check(p, action, grantResource(h, p)); aerr != nil {
		return h, aerr
	}
	return h, err
}

// trained is the Art. 30 gate: only staff with a recorded security
// training and confidentiality agreement work in the sandbox.
func (s *Service) trained(ctx context.Context, p access.Principal) error {
	u, err := s.ids.User(ctx, p, p.UserID)
	if err != nil {
		return err
	}
	if u.SandboxReady() {
		return nil
	}
	var missing []string
	if u.TrainingDate == "" {
		missing = append(missing, "security training record (岗前安全培训)")
	}
	if u.NDADate == "" {
		missing = append(missing, "confidentiality agreement (保密协议)")
	}
	e := errs.E(errs.Forbidden, "Art. 30: %s has no %s on file; the organization's administrator records them before sandbox work",
		u.Username, strings.Join(missing, " and no "))
	e.Details = map[string]any{"rule": "art30", "missing": missing}
	return e
}

// usable refuses a grant that no longer holds: ended or revoked, past its
// end, or whose agreement no longer covers its data (checked on every
// query, so that an exit refuses the very next one).
func (s *Service) usable(ctx context.Context, h Held) error {
	return s.usableIn(ctx, s.db, h)
}

// usableIn is usable inside a caller's transaction q.
func (s *Service) usableIn(ctx context.Context, q store.Querier, h Held) error {
	if h.State != "active" {
		return errs.E(errs.Forbidden, "grant %s is %s: no more queries can run in it", h.ID, h.State)
	}
	if now := s.db.Now(); !now.Before(h.ExpiresAt) {
		return errs.E(errs.Forbidden, "grant %s expired at %s: no more queries can run in it; apply for a new one", h.ID,
			h.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return s.agreements.RequireActiveIn(ctx, q, h.OperatorID, h.DatasetIDs)
}

// stillHeld checks grant h again inside tx, its row locked until tx ends,
// so that a revocation or an exit comes wholly before or after what tx
// records.
func (s *Service) stillHeld(ctx context.Context, tx *store.Tx, h Held) error {
	now, err := s.grants.Lock(ctx, tx, h.ID)
	if err != nil {
		return err
	}
	h.State, h.ExpiresAt = now.State, now.ExpiresAt
	return s.usableIn(ctx, tx, h)
}

// EpsilonLeft returns what a dp grant whose budget is epsilon (and delta)
// has left of ε: for the grants list.
func (s *Service) EpsilonLeft(ctx context.Context, grantID string, epsilon, delta float64) (float64, error) {
	left, err := s.budget.Left(ctx, grantID, sandbox.CostOf(epsilon, delta))
	return left.Epsilon(), err
}

// Forget closes a grant's engine at once.
func (s *Service) Forget(grantID string) { s.sandbox.Forget(grantID) }
