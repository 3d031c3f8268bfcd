package product

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"shuyu/internal/access"
	"shuyu/internal/billing"
)

// Usage is the meter's month (YYYY-MM) as billing takes it: one Usage per
// subscription approved at some time, its calls and records (none for a
// subscription without calls, which a per-period price still bills), its
// public-welfare mark, and the calls per provider whose data the product
// reads. The platform asks, to issue statements.
func (s *Service) Usage(ctx context.Context, p access.Principal, month string) ([]billing.Usage, error) {
	if err := access.Check(p, access.StatementIssue, access.Resource{}); err != nil {
		return nil, err
	}
	if _, err := billing.ParseMonth("month", month); err != nil {
		return nil, err
	}
	if err := s.Flush(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT s.product_id, s.app_unit_id, p.operator_id, p.agreement_id, p.grant_ids, s.public_welfare,
		COALESCE(SUM(u.calls), 0), COALESCE(SUM(u.records), 0)
		FROM product_subscriptions s JOIN products p ON p.id = s.product_id
		LEFT JOIN product_usage u ON u.subscription_id = s.id AND u.month = $1
		WHERE s.decided_at IS NOT NULL AND s.state IN ('approved', 'ended')
		GROUP BY s.id, s.product_id, s.app_unit_id, p.operator_id, p.agreement_id, p.grant_ids, s.public_welfare ORDER BY s.id`, month)
	if err != nil {
		return nil, fmt.Errorf("product: usage: %w", err)
	}
	type line struct {
		u                   billing.Usage
		agreementID, grants string
	}
	var lines []line
	for rows.Next() {
		var l line
		if err := rows.Scan(&l.u.ProductID, &l.u.AppUnitID, &l.u.OperatorID, &l.agreementID, &l.grants, &l.u.PublicWelfare, &l.u.Calls, &l.u.Records); err != nil {
			rows.Close()
			return nil, err
		}
		l.u.Month = month
		lines = append(lines, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]billing.Usage, 0, len(lines))
	for _, l := range lines {
		if l.u.Calls > 0 {
			if l.u.ProviderCalls, err = s.providerCalls(ctx, l.agreementID, l.grants, l.u.Calls); err != nil {
				return nil, err
			}
		}
		out = append(out, l.u)
	}
	return out, nil
}

// providerCalls counts calls for each provider whose data the product's
// grants read: every call of an API product reads every dataset of its
// grant.
func (s *Service) providerCalls(ctx context.Context, agreementID, grantsJSON string, calls int64) (map[string]int64, error) {
	var grants []string
	if err := json.Unmarshal([]byte(grantsJSON), &grants); err != nil {
		return nil, err
	}
	ag, err := s.agreements.Lookup(ctx, agreementID)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, g := range grants {
		h, err := s.grants.Held(ctx, g)
		if err != nil {
			return nil, err
		}
		for _, d := range ag.Datasets {
			if slices.Contains(h.DatasetIDs, d.ID) {
				out[d.ProviderID] = calls
			}
		}
	}
	return out, nil
}
