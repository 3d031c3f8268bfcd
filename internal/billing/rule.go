package billing

import (
	"context"
	"fmt"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// Basis points make a whole.
const wholeBP = 10000

// Rule is the revenue-sharing rule of an agreement as numbers (Art. 23):
// the government's, the operator's and the providers' parts in basis
// points, summing to 10000. Package agreement keeps the clause as the text
// the finance department gave its opinion on (Art. 15); a rule is recorded
// only on a concurring opinion on the clause as it stands, and keeps both.
type Rule struct {
	AgreementID  string    `json:"agreement_id"`
	GovernmentBP int       `json:"government_bp"`
	OperatorBP   int       `json:"operator_bp"`
	ProvidersBP  int       `json:"providers_bp"`
	OpinionID    string    `json:"opinion_id"`
	Clause       string    `json:"clause"`
	SetBy        string    `json:"set_by"`
	SetAt        time.Time `json:"set_at"`
}

// RuleInput is a revenue-sharing rule as the implementing unit records it.
type RuleInput struct {
	GovernmentBP int `json:"government_bp"`
	OperatorBP   int `json:"operator_bp"`
	ProvidersBP  int `json:"providers_bp"`
}

// SetRule records (or changes) the revenue-sharing rule of an agreement.
// Months already split keep the rule they were split by.
func (s *Service) SetRule(ctx context.Context, p access.Principal, agreementID string, in RuleInput) (Rule, error) {
	for _, f := range []struct {
		name string
		v    int
	}{{"government_bp", in.GovernmentBP}, {"operator_bp", in.OperatorBP}, {"providers_bp", in.ProvidersBP}} {
		if f.v < 0 || f.v > wholeBP {
			return Rule{}, errs.E(errs.Invalid, "%s: %d; give basis points from 0 to 10000 (10000 = 100%%)", f.name, f.v)
		}
	}
	if sum := in.GovernmentBP + in.OperatorBP + in.ProvidersBP; sum != wholeBP {
		return Rule{}, errs.E(errs.Invalid, "government_bp + operator_bp + providers_bp = %d; the parts must make 10000 basis points (100%%)", sum)
	}
	pa, err := s.agreementFor(ctx, p, access.BillingRuleSet, agreementID)
	if err != nil {
		return Rule{}, err
	}
	ag := pa.ag
	switch o := ag.Opinion; {
	case ag.State != agreement.Signed && ag.State != agreement.Active:
		return Rule{}, errs.E(errs.Conflict, "agreement %s is %s; a revenue-sharing rule is recorded for a signed agreement in force", ag.ID, ag.State)
	case o == nil:
		return Rule{}, errs.E(errs.Conflict, "the finance department has given no opinion on the revenue sharing of agreement %s (Art. 15)", ag.ID)
	case !o.Concurs:
		return Rule{}, errs.E(errs.Conflict, "the finance department did not concur with the revenue sharing of agreement %s: %s", ag.ID, o.Text)
	case !o.Current:
		return Rule{}, errs.E(errs.Conflict, "the finance opinion on agreement %s was given on an earlier revenue-sharing clause; it must be given again", ag.ID)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO billing_rules (agreement_id, operator_id, unit_id, jurisdiction_id, government_bp, operator_bp,
			providers_bp, opinion_id, clause, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (agreement_id) DO UPDATE SET government_bp = $5, operator_bp = $6, providers_bp = $7, opinion_id = $8, clause = $9,
			set_by = $10, set_at = $11`,
			ag.ID, ag.OperatorID, ag.UnitID, ag.JurisdictionID, in.GovernmentBP, in.OperatorBP, in.ProvidersBP, ag.Opinion.ID,
			ag.Terms.RevenueSharing, p.Username, s.now())
		if err != nil {
			return fmt.Errorf("billing: set rule: %w", err)
		}
		return s.record(ctx, tx, p, "billing.rule.set", "agreement", ag.ID, map[string]any{"government_bp": in.GovernmentBP,
			"operator_bp": in.OperatorBP, "providers_bp": in.ProvidersBP, "opinion_id": ag.Opinion.ID})
	})
	if err != nil {
		return Rule{}, err
	}
	return s.Rule(ctx, p, agreementID)
}

// Rule returns the revenue-sharing rule of an agreement.
func (s *Service) Rule(ctx context.Context, p access.Principal, agreementID string) (Rule, error) {
	if _, err := s.agreementFor(ctx, p, access.BillingRead, agreementID); err != nil {
		return Rule{}, err
	}
	return getRule(ctx, s.db, agreementID)
}

func getRule(ctx context.Context, q store.Querier, agreementID string) (Rule, error) {
	r := Rule{AgreementID: agreementID}
	err := q.QueryRow(ctx, `SELECT government_bp, operator_bp, providers_bp, opinion_id, clause, set_by, set_at FROM billing_rules
		WHERE agreement_id = $1`, agreementID).Scan(&r.GovernmentBP, &r.OperatorBP, &r.ProvidersBP, &r.OpinionID, &r.Clause, &r.SetBy, &r.SetAt)
	if store.IsNoRows(err) {
		return r, errs.E(errs.NotFound, "no revenue-sharing rule recorded for agreement %s", agreementID)
	}
	r.SetAt = r.SetAt.UTC()
	return r, err
}
