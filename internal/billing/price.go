package billing

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// SetPrice sets the operator's price of product productID for year. It must
// not exceed the cap the implementing unit set; a trial price is allowed in
// the product's first priced year only.
func (s *Service) SetPrice(ctx context.Context, p access.Principal, productID string, year int, in PriceInput) (Cap, error) {
	if err := checkID("product", productID); err != nil {
		return Cap{}, err
	}
	if err := checkYear(year); err != nil {
		return Cap{}, err
	}
	if err := checkFen("price_fen", in.PriceFen); err != nil {
		return Cap{}, err
	}
	if err := plan.Text("basis", &in.Basis, maxBasis, "how the price was set (收费依据): the cost per unit, the cap, the market"); err != nil {
		return Cap{}, err
	}
	// Who comes before what: a caller who may not set this price learns
	// nothing of the product's caps, not even that there is none this year.
	if !access.Permits(p, access.BillingPriceSet) {
		return Cap{}, access.Check(p, access.BillingPriceSet, access.Resource{})
	}
	c, err := getCap(ctx, s.db, productID, year)
	if errs.CodeOf(err) == errs.NotFound {
		if err := s.checkAnyYear(ctx, p, productID); err != nil {
			return Cap{}, err
		}
		return Cap{}, errs.E(errs.Conflict, "the implementing unit has set no price cap for product %s in %d; a price needs one", productID, year)
	}
	if err != nil {
		return Cap{}, err
	}
	if err := s.check(ctx, p, access.BillingPriceSet, c.OperatorID, c.JurisdictionID); err != nil {
		return Cap{}, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var capFen int64
		var method Method
		var first int
		if err := tx.QueryRow(ctx, `SELECT cap_fen, method FROM billing_caps WHERE product_id = $1 AND year = $2`+tx.ForUpdate(),
			productID, year).Scan(&capFen, &method); err != nil {
			return err
		}
		if in.PriceFen > capFen {
			return errs.E(errs.Invalid, "price_fen: %d fen/%s is above the cap of %d fen/%s (上限收费标准) the implementing unit set for product %s (%s) in %d; set at most %d",
				in.PriceFen, method.Unit(), capFen, method.Unit(), productID, c.ProductName, year, capFen)
		}
		if err := tx.QueryRow(ctx, `SELECT min(year) FROM billing_caps WHERE product_id = $1`, productID).Scan(&first); err != nil {
			return err
		}
		if in.Trial && year != first {
			return errs.E(errs.Invalid, "trial: a trial price (试行价格) applies in the product's first priced year, %d, not in %d", first, year)
		}
		_, err := tx.Exec(ctx, `INSERT INTO billing_prices (product_id, year, price_fen, trial, basis, set_by, set_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (product_id, year) DO UPDATE SET price_fen = $3, trial = $4, basis = $5,
			set_by = $6, set_at = $7`, productID, year, in.PriceFen, in.Trial, in.Basis, p.Username, s.now())
		if err != nil {
			return fmt.Errorf("billing: set price: %w", err)
		}
		detail := map[string]any{"year": year, "price_fen": in.PriceFen, "cap_fen": capFen, "method": method, "trial": in.Trial, "basis": in.Basis}
		if c.Price != nil {
			detail["previous_fen"] = c.Price.PriceFen
		}
		return s.record(ctx, tx, p, "billing.price.set", "product", productID, detail)
	})
	if err != nil {
		return Cap{}, err
	}
	return getCap(ctx, s.db, productID, year)
}

// checkAnyYear checks that p may set the prices of productID when it has
// caps in other years than the one asked: another operator's product is
// refused as such, whatever the year.
func (s *Service) checkAnyYear(ctx context.Context, p access.Principal, productID string) error {
	var operatorID, jurisdictionID string
	err := s.db.QueryRow(ctx, `SELECT operator_id, jurisdiction_id FROM billing_caps WHERE product_id = $1 ORDER BY year DESC LIMIT 1`,
		productID).Scan(&operatorID, &jurisdictionID)
	if store.IsNoRows(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("billing: caps of %s: %w", productID, err)
	}
	return s.check(ctx, p, access.BillingPriceSet, operatorID, jurisdictionID)
}

// Cap returns the cap of a product for a year, with the operator's price.
func (s *Service) Cap(ctx context.Context, p access.Principal, productID string, year int) (Cap, error) {
	c, err := getCap(ctx, s.db, productID, year)
	if err != nil {
		return c, err
	}
	return c, s.check(ctx, p, access.BillingRead, c.OperatorID, c.JurisdictionID)
}

// CapFilter narrows a list of caps.
type CapFilter struct {
	AgreementID string
	ProductID   string
	Year        int
}

// Caps lists the caps (with prices) p may read, by product and year.
func (s *Service) Caps(ctx context.Context, p access.Principal, f CapFilter, page store.Page) ([]Cap, string, error) {
	w, err := plan.Reach(ctx, s.ids, p, access.BillingRead, "c.jurisdiction_id", "c.operator_id")
	if err != nil {
		return nil, "", err
	}
	if f.AgreementID != "" {
		w.And("c.agreement_id = $%d", f.AgreementID)
	}
	if f.ProductID != "" {
		w.And("c.product_id = $%d", f.ProductID)
	}
	if f.Year != 0 {
		w.And("c.year = $%d", f.Year)
	}
	key := "c.product_id || '/' || CAST(c.year AS TEXT)"
	w.And(key+" > $%d", page.After)
	return store.Paged(ctx, s.db, `SELECT `+capColumns+capFrom+` WHERE `+w.Cond+` ORDER BY c.product_id, c.year`, w.Args, page, scanCap,
		func(c Cap) string { return c.ProductID + "/" + strconv.Itoa(c.Year) })
}

// Public lists the prices of year as the portal publishes them (Art.
// 21(3)): method, standard and basis of each cap and price, by product.
// Year 0 is this year. Only products published now are listed: a cap set
// on a product still in review, rejected or deregistered is no public fact.
func (s *Service) Public(ctx context.Context, year int, page store.Page) ([]PublicPrice, string, error) {
	if year == 0 {
		year = calendar.DateOf(s.now()).Year()
	}
	if err := checkYear(year); err != nil {
		return nil, "", err
	}
	if s.published == nil {
		return nil, "", fmt.Errorf("billing: public prices: the service knows no published products (app wires product)")
	}
	ids, err := s.published.PublishedIDs(ctx)
	if err != nil {
		return nil, "", err
	}
	if len(ids) == 0 {
		return []PublicPrice{}, "", nil
	}
	args := []any{year, page.After}
	in := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		in[i] = "$" + strconv.Itoa(len(args))
	}
	caps, next, err := store.Paged(ctx, s.db, `SELECT `+capColumns+capFrom+` WHERE c.year = $1 AND c.product_id > $2 AND c.product_id IN (`+
		strings.Join(in, ", ")+`) ORDER BY c.product_id`, args, page, scanCap, func(c Cap) string { return c.ProductID })
	if err != nil {
		return nil, "", err
	}
	out := make([]PublicPrice, len(caps))
	for i, c := range caps {
		out[i] = publicOf(c)
	}
	return out, next, nil
}

func publicOf(c Cap) PublicPrice {
	out := PublicPrice{ProductID: c.ProductID, ProductName: c.ProductName, Operator: c.Operator, Year: c.Year, Method: c.Method,
		Unit: c.Method.Unit(), CapFen: c.CapFen, CapBasis: c.Basis, PublicWelfare: PublicWelfareRule}
	if c.Price != nil {
		out.PriceFen, out.Trial, out.PriceBasis = &c.Price.PriceFen, c.Price.Trial, c.Price.Basis
	}
	return out
}

// PriceOf is product productID's published price of this year, nil when
// it has no cap yet: what a product's page shows (public, like Public).
func (s *Service) PriceOf(ctx context.Context, productID string) (*PublicPrice, error) {
	c, err := getCap(ctx, s.db, productID, calendar.DateOf(s.now()).Year())
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	pp := publicOf(c)
	return &pp, nil
}
