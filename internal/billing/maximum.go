package billing

import (
	"context"
	"fmt"
	"strconv"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/errs"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// SetMaximum approves (or approves anew) the maximum allowed revenue of
// agreement agreementID's operator for year. It is refused when the
// year's caps already commit more than the new maximum would allow.
func (s *Service) SetMaximum(ctx context.Context, p access.Principal, agreementID string, year int, in MaximumInput) (Maximum, error) {
	if err := checkMaximum(year, &in); err != nil {
		return Maximum{}, err
	}
	pa, err := s.agreementFor(ctx, p, access.BillingMaximumSet, agreementID)
	if err != nil {
		return Maximum{}, err
	}
	if err := inForce(pa.ag, year); err != nil {
		return Maximum{}, err
	}
	approved := in.CostFen + in.ProfitFen + in.TaxFen
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var previous int64
		err := tx.QueryRow(ctx, `SELECT approved_fen FROM billing_maximums WHERE agreement_id = $1 AND year = $2`+tx.ForUpdate(),
			agreementID, year).Scan(&previous)
		if err != nil && !store.IsNoRows(err) {
			return err
		}
		y, err := readYears(ctx, tx, agreementID)
		if err != nil {
			return err
		}
		y.approved[year] = approved
		if m := y.of(year); m.CapsFen > m.EffectiveFen {
			return errs.E(errs.Conflict, "the caps of %d already commit %s (cap × expected volume); this maximum leaves %s (approved %s less %s carried from %d): lower the caps first",
				year, Yuan(m.CapsFen), Yuan(m.EffectiveFen), Yuan(approved), Yuan(m.CarriedFen), year-1)
		}
		_, err = tx.Exec(ctx, `INSERT INTO billing_maximums (agreement_id, year, operator_id, unit_id, jurisdiction_id, cost_fen, profit_fen,
			tax_fen, approved_fen, basis, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (agreement_id, year) DO UPDATE SET cost_fen = $6, profit_fen = $7, tax_fen = $8, approved_fen = $9, basis = $10,
			set_by = $11, set_at = $12`,
			agreementID, year, pa.ag.OperatorID, pa.ag.UnitID, pa.ag.JurisdictionID, in.CostFen, in.ProfitFen, in.TaxFen, approved,
			in.Basis, p.Username, s.now())
		if err != nil {
			return fmt.Errorf("billing: set maximum: %w", err)
		}
		return s.record(ctx, tx, p, "billing.maximum.set", "agreement", agreementID, map[string]any{"year": year,
			"cost_fen": in.CostFen, "profit_fen": in.ProfitFen, "tax_fen": in.TaxFen, "approved_fen": approved,
			"previous_fen": previous, "basis": in.Basis})
	})
	if err != nil {
		return Maximum{}, err
	}
	return s.Maximum(ctx, p, agreementID, year)
}

func checkMaximum(year int, in *MaximumInput) error {
	if err := checkYear(year); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    int64
	}{{"cost_fen", in.CostFen}, {"profit_fen", in.ProfitFen}, {"tax_fen", in.TaxFen}} {
		if err := checkFen(f.name, f.v); err != nil {
			return err
		}
	}
	if sum := in.CostFen + in.ProfitFen + in.TaxFen; sum == 0 || sum > MaxFen {
		return errs.E(errs.Invalid, "the maximum allowed revenue is operating cost + permitted profit + taxes (最高准许收入 = 经营成本 + 准许利润 + 税金): %s; give a total above zero and at most %s",
			Yuan(sum), Yuan(MaxFen))
	}
	return plan.Text("basis", &in.Basis, maxBasis, "the approval this maximum rests on: cost audit, permitted rate of return, document number")
}

// inForce refuses year unless the agreement is signed or in force and its
// term reaches into year.
func inForce(ag agreement.Agreement, year int) error {
	if ag.State != agreement.Signed && ag.State != agreement.Active {
		return errs.E(errs.Conflict, "agreement %s is %s; prices and revenue are set only under a signed agreement in force", ag.ID, ag.State)
	}
	from, _ := strconv.Atoi(ag.StartsOn[:4])
	to, _ := strconv.Atoi(ag.EndsOn[:4])
	if year < from || year > to {
		return errs.E(errs.Invalid, "year: %d lies outside the agreement's term (%s to %s)", year, ag.StartsOn, ag.EndsOn)
	}
	return nil
}

// Maximum returns the maximum allowed revenue of an agreement in year, with
// what was carried into it, what it leaves, the revenue billed and the
// caps committed.
func (s *Service) Maximum(ctx context.Context, p access.Principal, agreementID string, year int) (Maximum, error) {
	all, err := s.Maximums(ctx, p, agreementID)
	if err != nil {
		return Maximum{}, err
	}
	for _, m := range all {
		if m.Year == year {
			return m, nil
		}
	}
	return Maximum{}, errs.E(errs.NotFound, "no maximum allowed revenue approved for agreement %s in %d", agreementID, year)
}

// Maximums returns every year's maximum of an agreement, oldest first.
func (s *Service) Maximums(ctx context.Context, p access.Principal, agreementID string) ([]Maximum, error) {
	pa, err := s.agreementFor(ctx, p, access.BillingRead, agreementID)
	if err != nil {
		return nil, err
	}
	y, err := readYears(ctx, s.db, agreementID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT year, cost_fen, profit_fen, tax_fen, basis, set_by, set_at FROM billing_maximums
		WHERE agreement_id = $1 ORDER BY year`, agreementID)
	if err != nil {
		return nil, fmt.Errorf("billing: maximums: %w", err)
	}
	defer rows.Close()
	out := []Maximum{}
	for rows.Next() {
		var m Maximum
		if err := rows.Scan(&m.Year, &m.CostFen, &m.ProfitFen, &m.TaxFen, &m.Basis, &m.SetBy, &m.SetAt); err != nil {
			return nil, err
		}
		c := y.of(m.Year)
		m.AgreementID, m.OperatorID, m.Operator, m.UnitID, m.JurisdictionID = agreementID, pa.ag.OperatorID, pa.ag.Operator, pa.ag.UnitID, pa.ag.JurisdictionID
		m.ApprovedFen, m.CarriedFen, m.EffectiveFen, m.RevenueFen, m.CapsFen = c.ApprovedFen, c.CarriedFen, c.EffectiveFen, c.RevenueFen, c.CapsFen
		m.SetAt = m.SetAt.UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// years holds, per year of one agreement, the approved maximum, the
// revenue billed and the caps committed.
type years struct {
	approved, revenue, caps map[int]int64
}

// readYears reads an agreement's approvals, revenue and caps by year.
func readYears(ctx context.Context, q store.Querier, agreementID string) (years, error) {
	y := years{approved: map[int]int64{}, revenue: map[int]int64{}, caps: map[int]int64{}}
	for _, src := range []struct {
		sql string
		m   map[int]int64
	}{
		{`SELECT year, approved_fen FROM billing_maximums WHERE agreement_id = $1`, y.approved},
		{`SELECT CAST(substr(month, 1, 4) AS INTEGER), total_fen FROM billing_statements WHERE agreement_id = $1 AND kind = 'operator'`, y.revenue},
	} {
		if err := sumByYear(ctx, q, src.sql, agreementID, src.m); err != nil {
			return y, err
		}
	}
	rows, err := q.Query(ctx, `SELECT year, cap_fen, expected_volume FROM billing_caps WHERE agreement_id = $1`, agreementID)
	if err != nil {
		return y, fmt.Errorf("billing: caps: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var yr int
		var capFen, vol int64
		if err := rows.Scan(&yr, &capFen, &vol); err != nil {
			return y, err
		}
		v, err := times(capFen, vol, "cap × expected volume")
		if err != nil {
			return y, err
		}
		y.caps[yr] += v
	}
	return y, rows.Err()
}

func sumByYear(ctx context.Context, q store.Querier, query, agreementID string, into map[int]int64) error {
	rows, err := q.Query(ctx, query, agreementID)
	if err != nil {
		return fmt.Errorf("billing: by year: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var yr int
		var fen int64
		if err := rows.Scan(&yr, &fen); err != nil {
			return err
		}
		into[yr] += fen
	}
	return rows.Err()
}

// of computes year's figures: the excess carried in from the years before
// (see Maximum), and the effective maximum it leaves.
func (y years) of(year int) Maximum {
	first := year
	for _, m := range []map[int]int64{y.approved, y.revenue} {
		for yr := range m {
			first = min(first, yr)
		}
	}
	var carried int64
	for yr := first; yr < year; yr++ {
		carried = max(0, carried+y.revenue[yr]-y.approved[yr])
	}
	return Maximum{Year: year, ApprovedFen: y.approved[year], CarriedFen: carried, EffectiveFen: max(0, y.approved[year]-carried),
		RevenueFen: y.revenue[year], CapsFen: y.caps[year]}
}
