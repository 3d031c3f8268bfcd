package demand

import (
	"context"
	"slices"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// GrantEnd is what a grant-end hook is told about a grant that is revoked
// or expires.
type GrantEnd struct {
	GrantID     string
	AgreementID string
	OperatorID  string
	Action      fsm.Action // expire or revoke
	Reason      string
	// By is who ended it (the platform for an expiry).
	By access.Principal
	At time.Time
}

// GrantHook is run inside the transaction that revokes or expires a grant,
// after its new state is written and before its ledger entry is appended
// (the ledger's head stays the last lock the transaction takes). It stops
// what is built on the grant; an error undoes the whole step. A grant
// ended by its agreement's exit does not run these hooks: the exit's own
// hooks stop everything resting on the agreement.
type GrantHook func(ctx context.Context, tx *store.Tx, e GrantEnd) error

// OnGrantEnd registers h; call it while wiring, before serving.
func (s *Service) OnGrantEnd(h GrantHook) {
	s.mu.Lock()
	s.grantHooks = append(s.grantHooks, h)
	s.mu.Unlock()
}

// grantEnded tells every grant-end hook, in the order registered, about e.
func (s *Service) grantEnded(ctx context.Context, tx *store.Tx, e GrantEnd) error {
	s.mu.Lock()
	hooks := slices.Clone(s.grantHooks)
	s.mu.Unlock()
	for _, h := range hooks {
		if err := h(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}
