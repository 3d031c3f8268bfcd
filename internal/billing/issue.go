package billing

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// issueRun writes one agreement's statements of month and its split, with
// the ledger entry that records them.
func (s *Service) issueRun(ctx context.Context, tx *store.Tx, p access.Principal, month string, r *run) ([]Statement, error) {
	ag, at := r.ag, s.now()
	sp := Split{Month: month, AgreementID: ag.ID, OperatorID: ag.OperatorID, JurisdictionID: ag.JurisdictionID, TotalFen: r.total, IssuedAt: at}
	if r.total > 0 {
		rule, err := getRule(ctx, tx, ag.ID)
		if errs.CodeOf(err) == errs.NotFound {
			return nil, errs.E(errs.Conflict, "agreement %s billed %s in %s but has no revenue-sharing rule: the implementing unit records it first", ag.ID, Yuan(r.total), month)
		}
		if err != nil {
			return nil, err
		}
		sp.GovernmentBP, sp.OperatorBP, sp.ProvidersBP = rule.GovernmentBP, rule.OperatorBP, rule.ProvidersBP
		for _, n := range r.providerCalls {
			sp.ProviderCalls += n
		}
		sp.Shares = divide(r.total, rule, ag.UnitID, ag.OperatorID, r.providerCalls)
	}
	var out []Statement
	var all []Line
	for _, unit := range slices.Sorted(maps.Keys(r.lines)) {
		st := Statement{Kind: ToAppUnit, PartyID: unit, Lines: r.lines[unit]}
		out = append(out, st)
		all = append(all, st.Lines...)
	}
	out = append(out, Statement{Kind: OfOperator, PartyID: ag.OperatorID, Lines: all})
	detail := map[string]any{"month": month, "total_fen": r.total}
	var issued []map[string]any
	for i := range out {
		st := &out[i]
		st.ID, st.Month, st.AgreementID, st.OperatorID, st.Operator = store.NewID(), month, ag.ID, ag.OperatorID, ag.Operator
		st.JurisdictionID, st.IssuedBy, st.IssuedAt = ag.JurisdictionID, p.Username, at
		for _, l := range st.Lines {
			st.TotalFen += l.AmountFen
		}
		if err := saveStatement(ctx, tx, *st); err != nil {
			return nil, err
		}
		issued = append(issued, map[string]any{"id": st.ID, "kind": st.Kind, "party_id": st.PartyID, "total_fen": st.TotalFen})
	}
	detail["statements"] = issued
	if r.total > 0 {
		if err := saveSplit(ctx, tx, sp); err != nil {
			return nil, err
		}
		detail["rule_bp"] = []int{sp.GovernmentBP, sp.OperatorBP, sp.ProvidersBP}
		detail["shares"] = sp.Shares
	}
	return out, s.record(ctx, tx, p, "billing.statements.issue", "agreement", ag.ID, detail)
}

// saveStatement writes a statement and its lines.
func saveStatement(ctx context.Context, tx *store.Tx, st Statement) error {
	_, err := tx.Exec(ctx, `INSERT INTO billing_statements (id, kind, month, agreement_id, operator_id, party_id, jurisdiction_id, total_fen,
		issued_by, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		st.ID, st.Kind, st.Month, st.AgreementID, st.OperatorID, st.PartyID, st.JurisdictionID, st.TotalFen, st.IssuedBy, st.IssuedAt)
	if store.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "the statements of agreement %s for %s were issued already; issued statements are final", st.AgreementID, st.Month)
	}
	if err != nil {
		return fmt.Errorf("billing: save statement: %w", err)
	}
	for i, l := range st.Lines {
		_, err := tx.Exec(ctx, `INSERT INTO billing_lines (statement_id, n, product_id, product_name, app_unit_id, method, quantity,
			unit_price_fen, amount_fen, public_welfare, trial, calls) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			st.ID, i, l.ProductID, l.ProductName, l.AppUnitID, string(l.Method), l.Quantity, l.UnitPriceFen, l.AmountFen,
			l.PublicWelfare, l.Trial, l.Calls)
		if err != nil {
			return fmt.Errorf("billing: save line: %w", err)
		}
	}
	return nil
}
