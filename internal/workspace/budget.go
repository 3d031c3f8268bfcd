package workspace

import (
	"context"
	"fmt"

	"shuyu/internal/errs"
	"shuyu/internal/sandbox"
	"shuyu/internal/store"
)

// Budget is the sandbox's dp budget kept in the control-plane database.
// A spend is one transaction that locks the grant's row, checks the sum
// against the limit and adds: concurrent queries in any number of
// processes sharing the database cannot overspend, and nothing ever
// subtracts (the budget does not refresh; a query that ran has spent even
// if its answer was lost).
type Budget struct{ db *store.DB }

// NewBudget returns the budget store on db.
func NewBudget(db *store.DB) *Budget { return &Budget{db: db} }

// Spend adds cost to what grantID has spent if the total stays within limit.
func (b *Budget) Spend(ctx context.Context, grantID string, cost, limit sandbox.Cost) (sandbox.Cost, error) {
	if cost.MicroEpsilon < 0 || cost.FemtoDelta < 0 {
		return sandbox.Cost{}, fmt.Errorf("workspace: negative privacy cost for grant %s", grantID)
	}
	var left sandbox.Cost
	var refused error
	err := b.db.InTx(ctx, func(tx *store.Tx) error {
		now := b.db.Now()
		if _, err := tx.Exec(ctx, `INSERT INTO workspace_budgets (grant_id, micro_epsilon, femto_delta, updated_at) VALUES ($1, 0, 0, $2)
			ON CONFLICT (grant_id) DO NOTHING`, grantID, now); err != nil {
			return fmt.Errorf("workspace: budget of %s: %w", grantID, err)
		}
		spent, err := spentIn(ctx, tx, grantID, tx.ForUpdate())
		if err != nil {
			return err
		}
		next := sandbox.Cost{MicroEpsilon: spent.MicroEpsilon + cost.MicroEpsilon, FemtoDelta: spent.FemtoDelta + cost.FemtoDelta}
		if next.MicroEpsilon > limit.MicroEpsilon || next.FemtoDelta > limit.FemtoDelta {
			left, refused = minus(limit, spent), overspent(minus(limit, spent), cost)
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE workspace_budgets SET micro_epsilon = $1, femto_delta = $2, updated_at = $3 WHERE grant_id = $4`,
			next.MicroEpsilon, next.FemtoDelta, now, grantID); err != nil {
			return fmt.Errorf("workspace: spend the budget of %s: %w", grantID, err)
		}
		left = minus(limit, next)
		return nil
	})
	if err != nil {
		return sandbox.Cost{}, err
	}
	return left, refused
}

// Left returns what remains of limit for grantID.
func (b *Budget) Left(ctx context.Context, grantID string, limit sandbox.Cost) (sandbox.Cost, error) {
	spent, err := spentIn(ctx, b.db, grantID, "")
	return minus(limit, spent), err
}

// Spent returns what grantID has spent.
func (b *Budget) Spent(ctx context.Context, grantID string) (sandbox.Cost, error) {
	return spentIn(ctx, b.db, grantID, "")
}

func spentIn(ctx context.Context, q store.Querier, grantID, lock string) (sandbox.Cost, error) {
	var c sandbox.Cost
	err := q.QueryRow(ctx, `SELECT micro_epsilon, femto_delta FROM workspace_budgets WHERE grant_id = $1`+lock, grantID).
		Scan(&c.MicroEpsilon, &c.FemtoDelta)
	if store.IsNoRows(err) {
		return sandbox.Cost{}, nil
	}
	if err != nil {
		return c, fmt.Errorf("workspace: budget of %s: %w", grantID, err)
	}
	return c, nil
}

func minus(a, b sandbox.Cost) sandbox.Cost {
	return sandbox.Cost{MicroEpsilon: a.MicroEpsilon - b.MicroEpsilon, FemtoDelta: a.FemtoDelta - b.FemtoDelta}
}

// overspent refuses a spend as the sandbox's rule "budget".
func overspent(left, cost sandbox.Cost) error {
	e := errs.E(errs.Forbidden, "the grant's privacy budget is spent: this query costs ε=%g (δ=%g) and ε=%g (δ=%g) is left; the budget does not refresh — ask for a new grant",
		cost.Epsilon(), cost.Delta(), left.Epsilon(), left.Delta())
	e.Details = map[string]any{"rule": "budget"}
	return e
}
