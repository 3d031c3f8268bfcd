package billing

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// Parties of a split.
const (
	Government = "government" // the implementing unit, for the public finance (Art. 33)
	Operator   = "operator"
	Provider   = "provider"
)

// Share is one party's part of a month's revenue.
type Share struct {
	Party string `json:"party"`
	OrgID string `json:"org_id"`
	Org   string `json:"org"`
	// Calls are, for a provider, the paid calls that touched its data.
	Calls int64 `json:"calls"`
	Fen   int64 `json:"fen"`
}

// Split is the division of an agreement's revenue of a month, with the
// rule it was made by.
type Split struct {
	Month          string    `json:"month"`
	AgreementID    string    `json:"agreement_id"`
	OperatorID     string    `json:"operator_id"`
	JurisdictionID string    `json:"jurisdiction_id"`
	TotalFen       int64     `json:"total_fen"`
	GovernmentBP   int       `json:"government_bp"`
	OperatorBP     int       `json:"operator_bp"`
	ProvidersBP    int       `json:"providers_bp"`
	ProviderCalls  int64     `json:"provider_calls"`
	IssuedAt       time.Time `json:"issued_at"`
	Shares         []Share   `json:"shares"`
}

// divide splits total fen by rule r between the government (unitID), the
// operator and the providers, the providers' part pro rata to the calls on
// their data. It is one largest-remainder allocation over the weights
// government_bp·C, operator_bp·C and providers_bp·cᵢ (C = Σcᵢ), so the
// shares sum to total exactly and each is within one fen of its exact
// part; ties go to the government, then the operator, then providers by
// organization ID. With no provider calls the providers' part goes to the
// government: nobody's data earned it, and public data is the public's.
func divide(total int64, r Rule, unitID, operatorID string, calls map[string]int64) []Share {
	providers := make([]string, 0, len(calls))
	c := new(big.Int) // Σ calls may pass int64
	for id, n := range calls {
		providers = append(providers, id)
		c.Add(c, big.NewInt(n))
	}
	slices.Sort(providers)
	shares := []Share{{Party: Government, OrgID: unitID}, {Party: Operator, OrgID: operatorID}}
	weights := []*big.Int{big.NewInt(int64(r.GovernmentBP)), big.NewInt(int64(r.OperatorBP))}
	if c.Sign() == 0 {
		weights[0].Add(weights[0], big.NewInt(int64(r.ProvidersBP)))
	} else {
		weights[0].Mul(weights[0], c)
		weights[1].Mul(weights[1], c)
	}
	for _, id := range providers {
		shares = append(shares, Share{Party: Provider, OrgID: id, Calls: calls[id]})
		w := new(big.Int)
		if c.Sign() > 0 {
			w.Mul(big.NewInt(int64(r.ProvidersBP)), big.NewInt(calls[id]))
		}
		weights = append(weights, w)
	}
	for i, fen := range allocate(total, weights) {
		shares[i].Fen = fen
	}
	return shares
}

// saveSplit writes a month's split of an agreement.
func saveSplit(ctx context.Context, tx *store.Tx, sp Split) error {
	_, err := tx.Exec(ctx, `INSERT INTO billing_splits (month, agreement_id, operator_id, jurisdiction_id, total_fen, government_bp,
		operator_bp, providers_bp, provider_calls, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		sp.Month, sp.AgreementID, sp.OperatorID, sp.JurisdictionID, sp.TotalFen, sp.GovernmentBP, sp.OperatorBP, sp.ProvidersBP,
		sp.ProviderCalls, sp.IssuedAt)
	if err != nil {
		return fmt.Errorf("billing: save split: %w", err)
	}
	for i, sh := range sp.Shares {
		if _, err := tx.Exec(ctx, `INSERT INTO billing_shares (month, agreement_id, n, party, org_id, calls, fen) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			sp.Month, sp.AgreementID, i, sh.Party, sh.OrgID, sh.Calls, sh.Fen); err != nil {
			return fmt.Errorf("billing: save share: %w", err)
		}
	}
	return nil
}

// Split returns the split of an agreement's revenue of month.
func (s *Service) Split(ctx context.Context, p access.Principal, agreementID, month string) (Split, error) {
	if _, err := ParseMonth("month", month); err != nil {
		return Split{}, err
	}
	if _, err := s.agreementFor(ctx, p, access.BillingRead, agreementID); err != nil {
		return Split{}, err
	}
	sp := Split{Month: month, AgreementID: agreementID, Shares: []Share{}}
	err := s.db.QueryRow(ctx, `SELECT operator_id, jurisdiction_id, total_fen, government_bp, operator_bp, providers_bp, provider_calls, issued_at
		FROM billing_splits WHERE month = $1 AND agreement_id = $2`, month, agreementID).Scan(&sp.OperatorID, &sp.JurisdictionID,
		&sp.TotalFen, &sp.GovernmentBP, &sp.OperatorBP, &sp.ProvidersBP, &sp.ProviderCalls, &sp.IssuedAt)
	if store.IsNoRows(err) {
		return sp, errs.E(errs.NotFound, "no revenue of agreement %s was split for %s: its statements are not issued, or it billed nothing", agreementID, month)
	}
	if err != nil {
		return sp, err
	}
	sp.IssuedAt = sp.IssuedAt.UTC()
	rows, err := s.db.Query(ctx, `SELECT h.party, h.org_id, o.name, h.calls, h.fen FROM billing_shares h JOIN organizations o ON o.id = h.org_id
		WHERE h.month = $1 AND h.agreement_id = $2 ORDER BY h.n`, month, agreementID)
	if err != nil {
		return sp, fmt.Errorf("billing: shares: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sh Share
		if err := rows.Scan(&sh.Party, &sh.OrgID, &sh.Org, &sh.Calls, &sh.Fen); err != nil {
			return sp, err
		}
		sp.Shares = append(sp.Shares, sh)
	}
	return sp, rows.Err()
}
