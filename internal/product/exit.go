package product

import (
	"context"
	"slices"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/demand"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// ExitHook ends the products that rest on an exiting agreement, in the
// exit's transaction: from its commit this process's gateway refuses
// their calls (the commit forgets every permit: see authorize) and
// forgets their indexes, and another process's within store.MemoTTL.
func (s *Service) ExitHook() agreement.Hook {
	return func(ctx context.Context, tx *store.Tx, e agreement.Exit) ([]agreement.Deleted, error) {
		prs, err := s.live(ctx, tx, e.AgreementID)
		if err != nil {
			return nil, err
		}
		var out []agreement.Deleted
		sys := access.System("agreement-exit")
		for _, pr := range prs {
			if err := s.end(ctx, tx, sys, pr, map[string]any{"agreement_id": e.AgreementID, "exit": e.ID}); err != nil {
				return nil, err
			}
			out = append(out, agreement.Deleted{What: "product", Ref: pr.ID, Name: pr.Name})
		}
		return out, nil
	}
}

// GrantEndHook ends, in the transaction that revokes a grant or records
// its expiry, every product drawing on that grant, each with a ledger entry
// that names the grant, how it ended and why. Ended (deregistered), not
// held back for later: a revoked or expired grant never runs again, so a
// product on it could never be served again either; the operator
// registers a new one on a new grant. As with an exit, the next call of
// such a product in this process is refused (see authorize) and its index
// forgotten at once; in another process within store.MemoTTL.
func (s *Service) GrantEndHook() demand.GrantHook {
	return func(ctx context.Context, tx *store.Tx, e demand.GrantEnd) error {
		prs, err := s.live(ctx, tx, e.AgreementID)
		if err != nil {
			return err
		}
		sys := access.System("grant-" + string(e.Action))
		for _, pr := range prs {
			if !slices.Contains(pr.GrantIDs, e.GrantID) {
				continue
			}
			if err := s.end(ctx, tx, sys, pr, map[string]any{"agreement_id": e.AgreementID, "grant_id": e.GrantID,
				"grant_action": e.Action, "reason": e.Reason}); err != nil {
				return err
			}
		}
		return nil
	}
}

// live returns the products of agreement agreementID not yet
// deregistered, locked until tx ends.
func (s *Service) live(ctx context.Context, tx *store.Tx, agreementID string) ([]Product, error) {
	ids, err := store.Strings(ctx, tx, `SELECT id FROM products WHERE agreement_id = $1 AND state <> $2 ORDER BY id`, agreementID, string(Deregistered))
	if err != nil {
		return nil, err
	}
	out := make([]Product, 0, len(ids))
	for _, id := range ids {
		pr, err := getProduct(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return nil, err
		}
		out = append(out, pr)
	}
	return out, nil
}

// end takes the platform's end step on pr, as sys, with detail saying why.
func (s *Service) end(ctx context.Context, tx *store.Tx, sys access.Principal, pr Product, detail map[string]any) error {
	r, err := s.resource(ctx, pr)
	if err != nil {
		return err
	}
	_, err = Machine.Apply(ctx, tx, s.ledger, sys, fsm.Step[Product]{Object: pr, From: pr.State, Action: End, Resource: r, ObjectID: pr.ID,
		Detail: detail,
		Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
			now := s.now()
			if _, err := tx.Exec(ctx, `UPDATE products SET state = $1, updated_at = $2 WHERE id = $3`, string(to), now, pr.ID); err != nil {
				return err
			}
			return published(ctx, tx, pr.ID, pr.State, to, now)
		}})
	if err != nil {
		return err
	}
	s.drop(pr.ID)
	return nil
}
