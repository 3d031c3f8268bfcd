package product

import (
	"context"
	"fmt"
	"time"

	"shuyu/internal/billing"
	"shuyu/internal/store"
)

// PublicProduct is a published product as the public sees it (Art. 25):
// what it is, whose, for which scenario, its registration and, for an API
// product, its declared parameter and outputs. Never the query, the grants,
// the review comment nor who registered it.
type PublicProduct struct {
	ID            string        `json:"id"`
	Name          string        `json:"name"`
	Type          Type          `json:"type"`
	OperatorID    string        `json:"operator_id"`
	Operator      string        `json:"operator"`
	AgreementID   string        `json:"agreement_id"`
	Scenario      string        `json:"scenario"`
	PriceCategory string        `json:"price_category"`
	Registration  *Registration `json:"registration,omitempty"`
	Param         *PublicParam  `json:"param,omitempty"`
	Outputs       []string      `json:"outputs,omitempty"`
	Exchange      string        `json:"exchange,omitempty"`
	ListingID     string        `json:"listing_id,omitempty"`
	UpdatedAt     time.Time     `json:"updated_at"`
}

// PublicParam is an API product's parameter without the column it matches.
type PublicParam struct {
	Name        string `json:"name"`
	Format      string `json:"format"`
	Description string `json:"description,omitempty"`
}

// Public lists the published products, newest first. It needs no
// principal: only a product in state published is shown, so that neither a
// draft nor a change under review (whose new declaration is not yet
// approved) ever reaches the public.
func (s *Service) Public(ctx context.Context, page store.Page) ([]PublicProduct, string, error) {
	after := page.After
	if after == "" {
		after = "~" // sorts after every UUID
	}
	prs, next, err := store.Paged(ctx, s.db, `SELECT `+productColumns+productFrom+` WHERE p.state = $1 AND p.id < $2 ORDER BY p.id DESC`,
		[]any{string(Published), after}, page, scanProduct, func(pr Product) string { return pr.ID })
	if err != nil {
		return nil, "", fmt.Errorf("product: public: %w", err)
	}
	out := make([]PublicProduct, len(prs))
	for i, pr := range prs {
		out[i] = publicOf(pr)
	}
	return out, next, nil
}

func publicOf(pr Product) PublicProduct {
	out := PublicProduct{ID: pr.ID, Name: pr.Name, Type: pr.Type, OperatorID: pr.OperatorID, Operator: pr.Operator, AgreementID: pr.AgreementID,
		Scenario: pr.Scenario, PriceCategory: pr.PriceCategory, Registration: pr.Registration, Exchange: pr.Exchange, ListingID: pr.ListingID,
		UpdatedAt: pr.UpdatedAt}
	if pr.API != nil {
		out.Param = &PublicParam{Name: pr.API.Param.Name, Format: pr.API.Param.Format, Description: pr.API.Param.Description}
		out.Outputs = pr.API.Outputs
	}
	return out
}

// PublishedIDs are the IDs of the products published now: billing asks,
// to publish the prices of those only.
func (s *Service) PublishedIDs(ctx context.Context) ([]string, error) {
	ids, err := store.Strings(ctx, s.db, `SELECT id FROM products WHERE state = $1 ORDER BY id`, string(Published))
	if err != nil {
		return nil, fmt.Errorf("product: published: %w", err)
	}
	return ids, nil
}

// MonthlyCalls is how many calls a published product answered in a month
// (YYYY-MM, Asia/Shanghai), all application units together.
type MonthlyCalls struct {
	ProductID string `json:"product_id"`
	Month     string `json:"month"`
	Calls     int64  `json:"calls"`
}

// PublicUsage counts the metered calls of the products ever published
// (so that the calls of a product deregistered since still count in the
// years it served; no other product is callable), per product and month, for months from through to (YYYY-MM, included), by
// product and month. Calls still in the meter's batch are flushed first.
// Who called is not said: that is the units' business.
func (s *Service) PublicUsage(ctx context.Context, from, to string) ([]MonthlyCalls, error) {
	if _, err := billing.ParseMonth("from", from); err != nil {
		return nil, err
	}
	if _, err := billing.ParseMonth("to", to); err != nil {
		return nil, err
	}
	if err := s.Flush(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT s.product_id, u.month, SUM(u.calls) FROM product_usage u
		JOIN product_subscriptions s ON s.id = u.subscription_id
		WHERE EXISTS (SELECT 1 FROM product_publications b WHERE b.product_id = s.product_id) AND u.month >= $1 AND u.month <= $2
		GROUP BY s.product_id, u.month ORDER BY s.product_id, u.month`, from, to)
	if err != nil {
		return nil, fmt.Errorf("product: public usage: %w", err)
	}
	defer rows.Close()
	var out []MonthlyCalls
	for rows.Next() {
		var m MonthlyCalls
		if err := rows.Scan(&m.ProductID, &m.Month, &m.Calls); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
