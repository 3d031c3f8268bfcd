package sandbox

import (
	"context"
	"math"
	"sync"

	"shuyu/internal/errs"
)

// Cost is an amount of privacy budget in millionths of ε and 10⁻¹⁵ of δ,
// integers so that sums are exact and a budget is never overspent by
// rounding.
type Cost struct {
	MicroEpsilon int64 `json:"micro_epsilon"`
	FemtoDelta   int64 `json:"femto_delta"`
}

// CostOf converts ε and δ, rounding up so that a cost is never understated.
func CostOf(epsilon, delta float64) Cost {
	return Cost{MicroEpsilon: int64(math.Ceil(epsilon*1e6 - 1e-6)), FemtoDelta: int64(math.Ceil(delta*1e15 - 1e-6))}
}

// Epsilon and Delta convert back.
func (c Cost) Epsilon() float64 { return float64(c.MicroEpsilon) / 1e6 }
func (c Cost) Delta() float64   { return float64(c.FemtoDelta) / 1e15 }

func (c Cost) add(d Cost) Cost {
	return Cost{MicroEpsilon: c.MicroEpsilon + d.MicroEpsilon, FemtoDelta: c.FemtoDelta + d.FemtoDelta}
}

func (c Cost) sub(d Cost) Cost {
	return Cost{MicroEpsilon: c.MicroEpsilon - d.MicroEpsilon, FemtoDelta: c.FemtoDelta - d.FemtoDelta}
}

func (c Cost) within(limit Cost) bool {
	return c.MicroEpsilon <= limit.MicroEpsilon && c.FemtoDelta <= limit.FemtoDelta
}

// Budget keeps what each dp grant has spent. It never refreshes by itself.
//
// The grant store implements it; its Spend must be one atomic
// check-and-add, e.g. in the grant's row:
//
//	UPDATE grant_budgets SET micro_epsilon = micro_epsilon + $1, femto_delta = femto_delta + $2
//	WHERE grant_id = $3 AND micro_epsilon + $1 <= $4 AND femto_delta + $2 <= $5
//
// with one row affected meaning spent, in the same transaction as the
// query's ledger entry, so that concurrent queries in any number of
// processes cannot overspend, a crash cannot lose a spend, and spending
// is never undone (a query that ran has used its budget even if its
// answer was lost).
type Budget interface {
	// Spend adds cost to what grant has spent if the total stays within
	// limit and returns what is left; otherwise it spends nothing and
	// returns a refusal.
	Spend(ctx context.Context, grantID string, cost, limit Cost) (left Cost, err error)
	// Left returns what remains of limit.
	Left(ctx context.Context, grantID string, limit Cost) (Cost, error)
}

// MemoryBudget is a Budget in memory, for tests and single-process use.
type MemoryBudget struct {
	mu    sync.Mutex
	spent map[string]Cost
}

func NewMemoryBudget() *MemoryBudget { return &MemoryBudget{spent: map[string]Cost{}} }

func (b *MemoryBudget) Spend(_ context.Context, grantID string, cost, limit Cost) (Cost, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	next := b.spent[grantID].add(cost)
	if !next.within(limit) {
		return limit.sub(b.spent[grantID]), overspent(limit.sub(b.spent[grantID]), cost)
	}
	b.spent[grantID] = next
	return limit.sub(next), nil
}

func (b *MemoryBudget) Left(_ context.Context, grantID string, limit Cost) (Cost, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return limit.sub(b.spent[grantID]), nil
}

func overspent(left, cost Cost) error {
	e := errs.E(errs.Forbidden, "the grant's privacy budget is spent: this query costs ε=%g (δ=%g) and ε=%g (δ=%g) is left; the budget does not refresh — ask for a new grant",
		cost.Epsilon(), cost.Delta(), left.Epsilon(), left.Delta())
	e.Details = map[string]any{"rule": "budget"}
	return e
}
