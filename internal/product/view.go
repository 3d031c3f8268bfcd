package product

import (
	"context"

	"shuyu/internal/access"
	"shuyu/internal/billing"
	"shuyu/internal/store"
)

// Prices reads a product's published price: *billing.Service.
type Prices interface {
	PriceOf(ctx context.Context, productID string) (*billing.PublicPrice, error)
}

// View is a product as the catalog of products shows it: with this year's
// cap and price from billing (nil until set) and, for an API product in
// detail, its parameter, outputs and an example body that answers now.
type View struct {
	Product
	PriceFen *int64         `json:"price_fen"`
	CapFen   *int64         `json:"cap_fen"`
	Billing  billing.Method `json:"billing,omitempty"`
	Unit     string         `json:"unit,omitempty"`
	// Trial marks a first-year trial price.
	Trial bool `json:"trial,omitempty"`
	// Params and Outputs repeat the API declaration for developers;
	// Example is a request body for POST /api/v1/products/{id}/call.
	Params  []Param        `json:"params,omitempty"`
	Outputs []string       `json:"outputs,omitempty"`
	Example map[string]any `json:"example,omitempty"`
}

// SetPrices gives the service billing's prices (app wires it).
func (s *Service) SetPrices(pr Prices) { s.prices = pr }

func (s *Service) view(ctx context.Context, pr Product) (View, error) {
	v := View{Product: pr}
	if s.prices == nil {
		return v, nil
	}
	pp, err := s.prices.PriceOf(ctx, pr.ID)
	if err != nil || pp == nil {
		return v, err
	}
	cap := pp.CapFen
	v.CapFen, v.PriceFen, v.Billing, v.Unit, v.Trial = &cap, pp.PriceFen, pp.Method, pp.Unit, pp.Trial
	return v, nil
}

// Views lists the products p may see with their prices (List).
func (s *Service) Views(ctx context.Context, p access.Principal, page store.Page) ([]View, string, error) {
	return s.FindViews(ctx, p, Filter{}, page)
}

// FindViews is Views narrowed by f.
func (s *Service) FindViews(ctx context.Context, p access.Principal, f Filter, page store.Page) ([]View, string, error) {
	prs, next, err := s.Find(ctx, p, f, page)
	if err != nil {
		return nil, "", err
	}
	out := make([]View, len(prs))
	for i, pr := range prs {
		if out[i], err = s.view(ctx, pr); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

// Detail is product id with its price and, for a published API product,
// its declaration and an example body whose key the index holds now.
func (s *Service) Detail(ctx context.Context, p access.Principal, id string) (View, error) {
	pr, err := s.Get(ctx, p, id)
	if err != nil {
		return View{}, err
	}
	v, err := s.view(ctx, pr)
	if err != nil || pr.API == nil {
		return v, err
	}
	v.Params, v.Outputs = []Param{pr.API.Param}, pr.API.Outputs
	if pr.State == Published {
		sv, err := s.serve(ctx, pr.ID)
		if err != nil {
			return v, err
		}
		if k := sv.ix.Any(); k != "" {
			v.Example = map[string]any{pr.API.Param.Name: k}
		}
	}
	return v, nil
}
