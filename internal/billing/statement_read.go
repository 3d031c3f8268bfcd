package billing

import (
	"context"
	"fmt"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

const statementColumns = `s.id, s.kind, s.month, s.agreement_id, s.operator_id, o.name, s.party_id, y.name, s.jurisdiction_id, s.total_fen,
	s.issued_by, s.issued_at`

const statementFrom = ` FROM billing_statements s JOIN organizations o ON o.id = s.operator_id JOIN organizations y ON y.id = s.party_id`

func scanStatement(row interface{ Scan(...any) error }) (Statement, error) {
	var st Statement
	err := row.Scan(&st.ID, &st.Kind, &st.Month, &st.AgreementID, &st.OperatorID, &st.Operator, &st.PartyID, &st.Party,
		&st.JurisdictionID, &st.TotalFen, &st.IssuedBy, &st.IssuedAt)
	st.IssuedAt = st.IssuedAt.UTC()
	return st, err
}

// mayRead checks that p may read statement st: as its operator's, or as
// its application unit's.
func (s *Service) mayRead(ctx context.Context, p access.Principal, st Statement) error {
	err := s.check(ctx, p, access.StatementRead, st.OperatorID, st.JurisdictionID)
	if err != nil && st.Kind == ToAppUnit && errs.CodeOf(err) == errs.Forbidden {
		err = s.check(ctx, p, access.StatementRead, st.PartyID, st.JurisdictionID)
	}
	return err
}

// Statement returns one statement with its lines.
func (s *Service) Statement(ctx context.Context, p access.Principal, id string) (Statement, error) {
	st, err := scanStatement(s.db.QueryRow(ctx, `SELECT `+statementColumns+statementFrom+` WHERE s.id = $1`, id))
	if store.IsNoRows(err) {
		return st, errs.E(errs.NotFound, "no statement %q", id)
	}
	if err != nil {
		return st, err
	}
	if err := s.mayRead(ctx, p, st); err != nil {
		return st, err
	}
	st.Lines, err = lines(ctx, s.db, st.ID)
	return st, err
}

// StatementFilter narrows a list of statements.
type StatementFilter struct {
	Month       string
	AgreementID string
	// Kind is app_unit or operator; "" for both.
	Kind string
}

// Statements lists the statements p may read, with their lines, newest
// month first: an application unit its own, an operator its own and its
// application units', the implementing unit and regulators those of their
// jurisdiction.
func (s *Service) Statements(ctx context.Context, p access.Principal, f StatementFilter, page store.Page) ([]Statement, string, error) {
	var w plan.Where
	if access.Widest(p, access.StatementRead) == access.Org {
		w = plan.Where{Cond: "(s.operator_id = $1 OR s.party_id = $1)", Args: []any{p.OrgID}}
	} else {
		var err error
		if w, err = plan.Reach(ctx, s.ids, p, access.StatementRead, "s.jurisdiction_id", ""); err != nil {
			return nil, "", err
		}
	}
	if f.Month != "" {
		if _, err := ParseMonth("month", f.Month); err != nil {
			return nil, "", err
		}
		w.And("s.month = $%d", f.Month)
	}
	if f.AgreementID != "" {
		w.And("s.agreement_id = $%d", f.AgreementID)
	}
	switch f.Kind {
	case "":
	case ToAppUnit, OfOperator:
		w.And("s.kind = $%d", f.Kind)
	default:
		return nil, "", errs.E(errs.Invalid, "kind: %q; give app_unit or operator", f.Kind)
	}
	after := page.After
	if after == "" {
		after = "~"
	}
	w.And("s.month || '/' || s.id < $%d", after)
	out, next, err := store.Paged(ctx, s.db, `SELECT `+statementColumns+statementFrom+` WHERE `+w.Cond+` ORDER BY s.month DESC, s.id DESC`,
		w.Args, page, scanStatement, func(st Statement) string { return st.Month + "/" + st.ID })
	if err != nil {
		return nil, "", err
	}
	kept := out[:0]
	for _, st := range out {
		// The SQL reach is the widest rule's; a rule narrowed to kinds of
		// organizations is checked here.
		if s.mayRead(ctx, p, st) != nil {
			continue
		}
		if st.Lines, err = lines(ctx, s.db, st.ID); err != nil {
			return nil, "", err
		}
		kept = append(kept, st)
	}
	return kept, next, nil
}

func lines(ctx context.Context, q store.Querier, statementID string) ([]Line, error) {
	rows, err := q.Query(ctx, `SELECT product_id, product_name, app_unit_id, method, quantity, unit_price_fen, amount_fen, public_welfare,
		trial, calls FROM billing_lines WHERE statement_id = $1 ORDER BY n`, statementID)
	if err != nil {
		return nil, fmt.Errorf("billing: lines: %w", err)
	}
	defer rows.Close()
	out := []Line{}
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.ProductID, &l.ProductName, &l.AppUnitID, &l.Method, &l.Quantity, &l.UnitPriceFen, &l.AmountFen,
			&l.PublicWelfare, &l.Trial, &l.Calls); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
