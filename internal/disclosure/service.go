package disclosure

import (
	"context"
	"fmt"
	"time"

	"shuyu/internal/agreement"
	"shuyu/internal/billing"
	"shuyu/internal/calendar"
	"shuyu/internal/catalog"
	"shuyu/internal/demand"
	"shuyu/internal/evaluation"
	"shuyu/internal/product"
	"shuyu/internal/store"
	"shuyu/internal/tender"
)

// Sources are the services disclosure asks (app wires them).
type Sources struct {
	Products   *product.Service
	Billing    *billing.Service
	Demands    *demand.Service
	Evaluation *evaluation.Service
	Agreements *agreement.Service
	Tender     *tender.Service
	Catalog    *catalog.Service
	Now        func() time.Time
}

// Service answers the portal, the feeds and the annual report.
type Service struct{ src Sources }

// New returns the disclosure service over src.
func New(src Sources) *Service {
	if src.Now == nil {
		src.Now = time.Now
	}
	return &Service{src: src}
}

// Now is the service's clock: the portal's "this year".
func (s *Service) Now() time.Time { return s.src.Now() }

// maxItems bounds each list the feeds and the report gather: the portal
// pages page through the owners themselves.
const maxItems = 2000

// all gathers the pages of list up to maxItems.
func all[T any](list func(store.Page) ([]T, string, error)) ([]T, error) {
	var out []T
	after := ""
	for len(out) < maxItems {
		items, next, err := list(store.NewPage(store.MaxPageSize, after))
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			break
		}
		after = next
	}
	return out, nil
}

// usageMonths is how many months of calls the portal shows per product.
const usageMonths = 12

// monthsEnding lists the n months (YYYY-MM) ending with month m of year y,
// oldest first.
func monthsEnding(y, m, n int) []string {
	out := make([]string, n)
	for i := n - 1; i >= 0; i-- {
		out[i] = fmt.Sprintf("%04d-%02d", y, m)
		if m--; m == 0 {
			y, m = y-1, 12
		}
	}
	return out
}

// Product is a published product with this year's cap and price (nil
// until the implementing unit set a cap) and its calls per month.
type Product struct {
	product.PublicProduct
	Price *billing.PublicPrice `json:"price"`
	// Usage is the calls of each month, oldest first, zero included.
	Usage []product.MonthlyCalls `json:"usage"`
	Calls int64                  `json:"calls"`
}

// Products lists the published products, newest first, with their prices
// of year (0: this year) and their calls in the usage months ending with
// the last month of year (or this month).
func (s *Service) Products(ctx context.Context, year int) ([]Product, error) {
	today := calendar.DateOf(s.src.Now())
	if year == 0 {
		year = today.Year()
	}
	last := 12
	if year == today.Year() {
		last = int(today.Month())
	}
	prs, err := all(func(p store.Page) ([]product.PublicProduct, string, error) { return s.src.Products.Public(ctx, p) })
	if err != nil {
		return nil, err
	}
	return s.products(ctx, prs, year, monthsEnding(year, last, usageMonths))
}

// products gives prs their prices of year and their calls in months ms.
func (s *Service) products(ctx context.Context, prs []product.PublicProduct, year int, ms []string) ([]Product, error) {
	prices, err := all(func(p store.Page) ([]billing.PublicPrice, string, error) { return s.src.Billing.Public(ctx, year, p) })
	if err != nil {
		return nil, err
	}
	usage, err := s.src.Products.PublicUsage(ctx, ms[0], ms[len(ms)-1])
	if err != nil {
		return nil, err
	}
	byPrice := map[string]*billing.PublicPrice{}
	for i := range prices {
		byPrice[prices[i].ProductID] = &prices[i]
	}
	calls := map[string]int64{}
	for _, u := range usage {
		calls[u.ProductID+"/"+u.Month] = u.Calls
	}
	out := make([]Product, len(prs))
	for i, pr := range prs {
		out[i] = Product{PublicProduct: pr, Price: byPrice[pr.ID], Usage: make([]product.MonthlyCalls, len(ms))}
		for j, m := range ms {
			n := calls[pr.ID+"/"+m]
			out[i].Usage[j] = product.MonthlyCalls{ProductID: pr.ID, Month: m, Calls: n}
			out[i].Calls += n
		}
	}
	return out, nil
}

// Scenarios lists the approved demands' scenarios, newest first.
func (s *Service) Scenarios(ctx context.Context) ([]demand.Scenario, error) {
	return all(func(p store.Page) ([]demand.Scenario, string, error) { return s.src.Demands.Scenarios(ctx, p) })
}

// Evaluations lists the final evaluation results of year (0: every year).
func (s *Service) Evaluations(ctx context.Context, year int) ([]evaluation.PublicResult, error) {
	return all(func(p store.Page) ([]evaluation.PublicResult, string, error) {
		return s.src.Evaluation.PublicResults(ctx, year, p)
	})
}

// Operator is an agreement as disclosed: the operator, its scope and term.
type Operator struct {
	AgreementID string     `json:"agreement_id"`
	Title       string     `json:"title"`
	OperatorID  string     `json:"operator_id"`
	Operator    string     `json:"operator"`
	Unit        string     `json:"unit"`
	State       string     `json:"state"`
	StartsOn    string     `json:"starts_on"`
	EndsOn      string     `json:"ends_on"`
	Datasets    []string   `json:"datasets"`
	SignedAt    *time.Time `json:"signed_at,omitempty"`
	EndedAt     *time.Time `json:"ended_at,omitempty"`
}

// Operators lists the signed agreements as agreement.Public gives them.
func (s *Service) Operators(ctx context.Context) ([]Operator, error) {
	ags, err := all(func(p store.Page) ([]agreement.Agreement, string, error) {
		return s.src.Agreements.Public(ctx, agreement.Filter{}, p)
	})
	if err != nil {
		return nil, err
	}
	out := make([]Operator, len(ags))
	for i, a := range ags {
		out[i] = Operator{AgreementID: a.ID, Title: a.Title, OperatorID: a.OperatorID, Operator: a.Operator, Unit: a.Unit, State: string(a.State),
			StartsOn: a.StartsOn, EndsOn: a.EndsOn, Datasets: []string{}, SignedAt: a.SignedAt, EndedAt: a.EndedAt}
		for _, d := range a.Datasets {
			out[i].Datasets = append(out[i].Datasets, d.Title)
		}
	}
	return out, nil
}

// Announcement is an announcement with its result, as disclosed.
type Announcement struct {
	ID           string     `json:"id"`
	Title        string     `json:"title"`
	Unit         string     `json:"unit"`
	State        string     `json:"state"`
	PublishedAt  *time.Time `json:"published_at,omitempty"`
	DeadlineAt   time.Time  `json:"deadline_at"`
	Winner       string     `json:"winner,omitempty"`
	PublicityDay string     `json:"publicity_day,omitempty"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Announcements lists the published announcements as tender.Public gives them.
func (s *Service) Announcements(ctx context.Context) ([]Announcement, error) {
	as, err := all(func(p store.Page) ([]tender.Announcement, string, error) {
		return s.src.Tender.Public(ctx, tender.Filter{}, p)
	})
	if err != nil {
		return nil, err
	}
	out := make([]Announcement, len(as))
	for i, a := range as {
		out[i] = Announcement{ID: a.ID, Title: a.Title, Unit: a.Unit, State: string(a.State), PublishedAt: a.PublishedAt, DeadlineAt: a.DeadlineAt,
			PublicityDay: a.PublicityDay, UpdatedAt: a.CreatedAt}
		if a.PublishedAt != nil {
			out[i].UpdatedAt = *a.PublishedAt
		}
		if a.PublicityFrom != nil {
			out[i].UpdatedAt = *a.PublicityFrom
		}
		if a.Winner != nil {
			out[i].Winner = a.Winner.Name
		}
	}
	return out, nil
}

// Dataset is a catalog entry in the operation scope, as disclosed.
type Dataset struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Provider    string    `json:"provider"`
	Frequency   string    `json:"frequency"`
	Fields      []string  `json:"fields"`
	Modified    time.Time `json:"modified"`
}

// Datasets lists the catalog entries in scope as catalog.Public gives them.
func (s *Service) Datasets(ctx context.Context) ([]Dataset, error) {
	ds, err := all(func(p store.Page) ([]catalog.Dataset, string, error) { return s.src.Catalog.Public(ctx, p) })
	if err != nil {
		return nil, err
	}
	out := make([]Dataset, len(ds))
	for i, d := range ds {
		out[i] = Dataset{ID: d.ID, Name: d.Name, Title: d.Title, Description: d.Description, Provider: d.ProviderName,
			Frequency: string(d.Frequency), Fields: []string{}, Modified: d.UpdatedAt}
		for _, f := range d.Fields {
			t := f.Title
			if t == "" {
				t = f.Name
			}
			out[i].Fields = append(out[i].Fields, t)
		}
	}
	return out, nil
}
