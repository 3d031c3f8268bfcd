package billing

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// maxVolume bounds an expected yearly volume.
const maxVolume = 1_000_000_000_000

// SetCap sets (or changes) the price cap of product productID for year,
// under the agreement the input names, within the year's effective
// maximum allowed revenue. A cap lowered below the operator's price lowers
// the price to the cap: the cap binds at once.
func (s *Service) SetCap(ctx context.Context, p access.Principal, productID string, year int, in CapInput) (Cap, error) {
	if err := checkCap(productID, year, &in); err != nil {
		return Cap{}, err
	}
	pa, err := s.agreementFor(ctx, p, access.BillingCapSet, in.AgreementID)
	if err != nil {
		return Cap{}, err
	}
	if err := inForce(pa.ag, year); err != nil {
		return Cap{}, err
	}
	commits, _ := times(in.CapFen, in.ExpectedVolume, "")
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var locked int
		err := tx.QueryRow(ctx, `SELECT year FROM billing_maximums WHERE agreement_id = $1 AND year = $2`+tx.ForUpdate(), in.AgreementID, year).Scan(&locked)
		if store.IsNoRows(err) {
			return errs.E(errs.Conflict, "no maximum allowed revenue approved for agreement %s in %d: approve it first (PUT …/maximums/%d); caps are set within it",
				in.AgreementID, year, year)
		}
		if err != nil {
			return err
		}
		old, err := getCap(ctx, tx, productID, year)
		var oldCommits int64
		switch {
		case errs.CodeOf(err) == errs.NotFound:
		case err != nil:
			return err
		case old.AgreementID != in.AgreementID:
			return errs.E(errs.Conflict, "product %s has its %d cap under agreement %s, not %s", productID, year, old.AgreementID, in.AgreementID)
		case old.Method != in.Method && old.Price != nil:
			return errs.E(errs.Conflict, "product %s is priced %s; its method cannot change to %s while the operator's price stands", productID, old.Method, in.Method)
		default:
			oldCommits, _ = times(old.CapFen, old.ExpectedVolume, "")
		}
		y, err := readYears(ctx, tx, in.AgreementID)
		if err != nil {
			return err
		}
		m := y.of(year)
		others := m.CapsFen - oldCommits
		if others+commits > m.EffectiveFen {
			return errs.E(errs.Invalid, "cap %d fen/%s × expected volume %d = %s; with the agreement's other caps of %d (%s) that is %s, above the year's maximum allowed revenue %s (approved %s less %s carried from %d): lower the cap or the expected volume",
				in.CapFen, in.Method.Unit(), in.ExpectedVolume, Yuan(commits), year, Yuan(others), Yuan(others+commits),
				Yuan(m.EffectiveFen), Yuan(m.ApprovedFen), Yuan(m.CarriedFen), year-1)
		}
		_, err = tx.Exec(ctx, `INSERT INTO billing_caps (product_id, year, product_name, agreement_id, operator_id, jurisdiction_id, method,
			cap_fen, expected_volume, basis, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (product_id, year) DO UPDATE SET product_name = $3, method = $7, cap_fen = $8, expected_volume = $9, basis = $10,
			set_by = $11, set_at = $12`,
			productID, year, in.ProductName, in.AgreementID, pa.ag.OperatorID, pa.ag.JurisdictionID, string(in.Method),
			in.CapFen, in.ExpectedVolume, in.Basis, p.Username, s.now())
		if err != nil {
			return fmt.Errorf("billing: set cap: %w", err)
		}
		detail := map[string]any{"year": year, "agreement_id": in.AgreementID, "product_name": in.ProductName, "method": in.Method,
			"cap_fen": in.CapFen, "expected_volume": in.ExpectedVolume, "basis": in.Basis}
		if old.Price != nil && old.Price.PriceFen > in.CapFen {
			if _, err := tx.Exec(ctx, `UPDATE billing_prices SET price_fen = $1, set_by = $2, set_at = $3 WHERE product_id = $4 AND year = $5`,
				in.CapFen, p.Username, s.now(), productID, year); err != nil {
				return fmt.Errorf("billing: lower price: %w", err)
			}
			detail["price_lowered_from_fen"] = old.Price.PriceFen
		}
		return s.record(ctx, tx, p, "billing.cap.set", "product", productID, detail)
	})
	if err != nil {
		return Cap{}, err
	}
	return getCap(ctx, s.db, productID, year)
}

func checkCap(productID string, year int, in *CapInput) error {
	if err := checkID("product", productID); err != nil {
		return err
	}
	if err := checkYear(year); err != nil {
		return err
	}
	if err := in.Method.valid(); err != nil {
		return err
	}
	if err := checkFen("cap_fen", in.CapFen); err != nil {
		return err
	}
	if in.CapFen == 0 {
		return errs.E(errs.Invalid, "cap_fen: 0; a cap is above zero (free use needs no cap: public-welfare use is always free)")
	}
	if in.ExpectedVolume < 1 || in.ExpectedVolume > maxVolume {
		return errs.E(errs.Invalid, "expected_volume: %d; give the expected yearly volume (%s) the cap was derived from, 1 to %d",
			in.ExpectedVolume, in.Method.Unit(), int64(maxVolume))
	}
	if _, err := times(in.CapFen, in.ExpectedVolume, "cap_fen × expected_volume"); err != nil {
		return err
	}
	if err := plan.Text("product_name", &in.ProductName, 200, "the product's name as published"); err != nil {
		return err
	}
	return plan.Text("basis", &in.Basis, maxBasis, "how the cap was set: cost per unit, the pricing notice, the document number")
}

// checkID refuses an ID that cannot be one: empty, too long, or with
// spaces or control characters.
func checkID(what, id string) error {
	if id == "" || utf8.RuneCountInString(id) > 100 || strings.ContainsFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return errs.E(errs.Invalid, "%s ID %q: give the %s's ID (up to 100 characters, no spaces)", what, id, what)
	}
	return nil
}

const capColumns = `c.product_id, c.year, c.product_name, c.agreement_id, c.operator_id, o.name, c.jurisdiction_id, c.method, c.cap_fen,
	c.expected_volume, c.basis, c.set_by, c.set_at, p.price_fen, p.trial, p.basis, p.set_by, p.set_at`

const capFrom = ` FROM billing_caps c JOIN organizations o ON o.id = c.operator_id
	LEFT JOIN billing_prices p ON p.product_id = c.product_id AND p.year = c.year`

func scanCap(row interface{ Scan(...any) error }) (Cap, error) {
	var (
		c         Cap
		fen       sql.NullInt64
		trial     sql.NullBool
		basis, by sql.NullString
		at        sql.NullTime
	)
	err := row.Scan(&c.ProductID, &c.Year, &c.ProductName, &c.AgreementID, &c.OperatorID, &c.Operator, &c.JurisdictionID, &c.Method,
		&c.CapFen, &c.ExpectedVolume, &c.Basis, &c.SetBy, &c.SetAt, &fen, &trial, &basis, &by, &at)
	if err != nil {
		return c, err
	}
	c.SetAt = c.SetAt.UTC()
	if fen.Valid {
		c.Price = &Price{ProductID: c.ProductID, Year: c.Year, PriceFen: fen.Int64, Trial: trial.Bool, Basis: basis.String, SetBy: by.String, SetAt: at.Time.UTC()}
	}
	return c, nil
}

// getCap reads the cap of a product for a year, with its price.
func getCap(ctx context.Context, q store.Querier, productID string, year int) (Cap, error) {
	c, err := scanCap(q.QueryRow(ctx, `SELECT `+capColumns+capFrom+` WHERE c.product_id = $1 AND c.year = $2`, productID, year))
	if store.IsNoRows(err) {
		return c, errs.E(errs.NotFound, "no price cap set for product %s in %d", productID, year)
	}
	return c, err
}
