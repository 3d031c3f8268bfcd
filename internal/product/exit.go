package product

import (
	"context"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// ExitHook ends the products that rest on an exiting agreement, in the
// exit's transaction: from its commit every process's gateway refuses
// their calls (each call reads the product's state and asks
// RequireActive, uncached), and this process forgets their indexes at
// once.
func (s *Service) ExitHook() agreement.Hook {
	return func(ctx context.Context, tx *store.Tx, e agreement.Exit) ([]agreement.Deleted, error) {
		ids, err := store.Strings(ctx, tx, `SELECT id FROM products WHERE agreement_id = $1 AND state <> $2 ORDER BY id`, e.AgreementID, string(Deregistered))
		if err != nil {
			return nil, err
		}
		var out []agreement.Deleted
		sys := access.System("agreement-exit")
		for _, id := range ids {
			pr, err := getProduct(ctx, tx, id, tx.ForUpdate())
			if err != nil {
				return nil, err
			}
			r, err := s.resource(ctx, pr)
			if err != nil {
				return nil, err
			}
			_, err = Machine.Apply(ctx, tx, s.ledger, sys, fsm.Step[Product]{Object: pr, From: pr.State, Action: End, Resource: r, ObjectID: id,
				Detail: map[string]any{"agreement_id": e.AgreementID, "exit": e.ID},
				Write: func(ctx context.Context, tx *store.Tx, to fsm.State) error {
					_, err := tx.Exec(ctx, `UPDATE products SET state = $1, updated_at = $2 WHERE id = $3`, string(to), s.db.Now(), id)
					return err
				}})
			if err != nil {
				return nil, err
			}
			s.drop(id)
			out = append(out, agreement.Deleted{What: "product", Ref: id, Name: pr.Name})
		}
		return out, nil
	}
}
