package disclosure

import (
	"context"
	"fmt"
	"slices"
	"time"

	"shuyu/internal/billing"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/evaluation"
	"shuyu/internal/product"
)

// Report states (of the annual disclosure report).
const (
	// Provisional: the year is not over; the figures are to date.
	Provisional = "provisional"
	// Published: the year is over; the report is final, generated from the
	// records, and published before its due date by construction.
	Published = "published"
)

// Report is the annual disclosure report (Art. 25) of the implementing
// units (OperatorID empty: every agreement) or of one operator, for a year:
// the agreements in force in it with their scope and term, the products
// published at some time in it (as published) with that year's prices and their calls per month, the revenue
// and its split by party, the final evaluations of the year and the
// agreements that ended in it. It is due by 31 March of the next year.
type Report struct {
	Year       int       `json:"year"`
	OperatorID string    `json:"operator_id,omitempty"`
	Operator   string    `json:"operator,omitempty"`
	DueOn      string    `json:"due_on"`
	Status     string    `json:"status"`
	Generated  time.Time `json:"generated"`
	// Operators lists every operator with an agreement in force in the
	// year, for choosing an operator's report.
	Operators   []Party                   `json:"operators"`
	Agreements  []Operator                `json:"agreements"`
	Exits       []Operator                `json:"exits"`
	Products    []Product                 `json:"products"`
	Months      []string                  `json:"months"`
	Revenue     []billing.Revenue         `json:"revenue"`
	Totals      Totals                    `json:"totals"`
	Evaluations []evaluation.PublicResult `json:"evaluations"`
}

// Party is an operator named in a report.
type Party struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Totals sums the report: calls of its products, revenue and its split.
type Totals struct {
	Calls      int64            `json:"calls"`
	RevenueFen int64            `json:"revenue_fen"`
	ByParty    map[string]int64 `json:"by_party"`
}

// DueOn is the day the report of year is due: 31 March of the next year.
func DueOn(year int) calendar.Date { return calendar.NewDate(year+1, time.March, 31) }

// Report generates the report of year, of operatorID's agreements when it
// is given. A year before 2000 or after next year is refused, and so is an
// operator with no agreement in force in the year.
func (s *Service) Report(ctx context.Context, year int, operatorID string) (Report, error) {
	now := s.src.Now().UTC()
	today := calendar.DateOf(now)
	if year < 2000 || year > today.Year() {
		return Report{}, errs.E(errs.Invalid, "year: %d; give a year from 2000 to %d (reports cover years begun)", year, today.Year())
	}
	r := Report{Year: year, OperatorID: operatorID, DueOn: DueOn(year).String(), Status: Provisional, Generated: now,
		Months: monthsEnding(year, 12, 12), Totals: Totals{ByParty: map[string]int64{billing.Government: 0, billing.Operator: 0, billing.Provider: 0}}}
	if today.Year() > year {
		r.Status = Published
	}
	first, last := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	ops, err := s.Operators(ctx)
	if err != nil {
		return r, err
	}
	in := map[string]bool{}
	for _, o := range ops {
		if o.StartsOn > last || o.EndsOn < first {
			continue
		}
		if !slices.ContainsFunc(r.Operators, func(p Party) bool { return p.ID == o.OperatorID }) {
			r.Operators = append(r.Operators, Party{ID: o.OperatorID, Name: o.Operator})
		}
		if operatorID != "" && o.OperatorID != operatorID {
			continue
		}
		r.Operator = o.Operator
		in[o.AgreementID] = true
		r.Agreements = append(r.Agreements, o)
		if o.EndedAt != nil && calendar.DateOf(*o.EndedAt).Year() == year {
			r.Exits = append(r.Exits, o)
		}
	}
	if operatorID == "" {
		r.Operator = ""
	} else if len(r.Agreements) == 0 {
		return r, errs.E(errs.NotFound, "operator: %q had no agreement in force in %d; choose one of the operators the report lists", operatorID, year)
	}
	// The products published at some time in the year, as they were
	// published: one deregistered since still counts in the years it served.
	loc := calendar.Shanghai()
	pubs, err := s.src.Products.PublishedDuring(ctx, time.Date(year, time.January, 1, 0, 0, 0, 0, loc), time.Date(year+1, time.January, 1, 0, 0, 0, 0, loc))
	if err != nil {
		return r, err
	}
	served := make([]product.PublicProduct, len(pubs))
	for i, p := range pubs {
		served[i] = p.PublicProduct
	}
	prs, err := s.products(ctx, served, year, r.Months)
	if err != nil {
		return r, err
	}
	for _, p := range prs {
		if in[p.AgreementID] {
			r.Products = append(r.Products, p)
			r.Totals.Calls += p.Calls
		}
	}
	rev, err := s.src.Billing.PublicRevenue(ctx, year)
	if err != nil {
		return r, err
	}
	for _, v := range rev {
		if !in[v.AgreementID] {
			continue
		}
		r.Revenue = append(r.Revenue, v)
		r.Totals.RevenueFen += v.TotalFen
		for party, fen := range v.ByParty {
			r.Totals.ByParty[party] += fen
		}
	}
	evs, err := s.Evaluations(ctx, year)
	if err != nil {
		return r, err
	}
	for _, e := range evs {
		if in[e.AgreementID] {
			r.Evaluations = append(r.Evaluations, e)
		}
	}
	return r, nil
}
