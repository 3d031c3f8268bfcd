package billing

import (
	"context"
	"fmt"
)

// Revenue is an agreement's revenue of a year as the annual disclosure
// report gives it (Art. 25, 33): the total of the months whose statements
// were issued and its split by party (government, operator, providers),
// in fen. What each application unit paid is not said.
type Revenue struct {
	AgreementID string           `json:"agreement_id"`
	OperatorID  string           `json:"operator_id"`
	Year        int              `json:"year"`
	Months      int              `json:"months"`
	TotalFen    int64            `json:"total_fen"`
	ByParty     map[string]int64 `json:"by_party"`
}

// PublicRevenue sums the issued splits of year by agreement, in agreement
// order. It needs no principal: revenue and its division are disclosed.
func (s *Service) PublicRevenue(ctx context.Context, year int) ([]Revenue, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	from, to := fmt.Sprintf("%04d-01", year), fmt.Sprintf("%04d-12", year)
	rows, err := s.db.Query(ctx, `SELECT agreement_id, operator_id, COUNT(*), SUM(total_fen) FROM billing_splits
		WHERE month >= $1 AND month <= $2 GROUP BY agreement_id, operator_id ORDER BY agreement_id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("billing: revenue: %w", err)
	}
	var out []Revenue
	at := map[string]int{}
	for rows.Next() {
		r := Revenue{Year: year, ByParty: map[string]int64{Government: 0, Operator: 0, Provider: 0}}
		if err := rows.Scan(&r.AgreementID, &r.OperatorID, &r.Months, &r.TotalFen); err != nil {
			rows.Close()
			return nil, err
		}
		at[r.AgreementID] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.Query(ctx, `SELECT agreement_id, party, SUM(fen) FROM billing_shares WHERE month >= $1 AND month <= $2
		GROUP BY agreement_id, party`, from, to)
	if err != nil {
		return nil, fmt.Errorf("billing: revenue shares: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, party string
		var fen int64
		if err := rows.Scan(&id, &party, &fen); err != nil {
			return nil, err
		}
		if i, ok := at[id]; ok {
			out[i].ByParty[party] = fen
		}
	}
	return out, rows.Err()
}
