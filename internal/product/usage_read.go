package product

import (
	"context"
	"fmt"

	"shuyu/internal/access"
	"shuyu/internal/billing"
	"shuyu/internal/errs"
)

// Calls is the metered use of one product in one month, over the
// subscriptions a reader may see.
type Calls struct {
	ProductID string `json:"product_id"`
	Product   string `json:"product"`
	Month     string `json:"month"`
	Calls     int64  `json:"calls"`
	Records   int64  `json:"records"`
}

// CallsByMonth is the meter's count per product and month (YYYY-MM, from
// and to included) of the subscriptions p may read, as Subscriptions
// reaches them: an application unit its own calls, an operator those of its
// products, the overseers those in their jurisdiction. Pending calls are
// flushed first, so that a unit sees the calls it just made.
func (s *Service) CallsByMonth(ctx context.Context, p access.Principal, from, to string) ([]Calls, error) {
	for _, m := range []struct{ name, v string }{{"from", from}, {"to", to}} {
		if _, err := billing.ParseMonth(m.name, m.v); err != nil {
			return nil, err
		}
	}
	if from > to {
		return nil, errs.E(errs.Invalid, "from: %s is after to (%s); give the earlier month first", from, to)
	}
	w, err := s.subscriptionReach(ctx, p)
	if err != nil {
		return nil, err
	}
	if err := s.Flush(ctx); err != nil {
		return nil, err
	}
	w.And("u.month >= $%d", from)
	w.And("u.month <= $%d", to)
	rows, err := s.db.Query(ctx, `SELECT s.product_id, p.name, u.month, SUM(u.calls), SUM(u.records)
		FROM product_usage u JOIN product_subscriptions s ON s.id = u.subscription_id JOIN products p ON p.id = s.product_id
		WHERE `+w.Cond+` GROUP BY s.product_id, p.name, u.month ORDER BY p.name, s.product_id, u.month`, w.Args...)
	if err != nil {
		return nil, fmt.Errorf("product: calls by month: %w", err)
	}
	defer rows.Close()
	var out []Calls
	for rows.Next() {
		var c Calls
		if err := rows.Scan(&c.ProductID, &c.Product, &c.Month, &c.Calls, &c.Records); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
