package billing

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/calendar"
	"shuyu/internal/errs"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// Kinds of statements.
const (
	ToAppUnit  = "app_unit" // bills one application unit for an agreement's products
	OfOperator = "operator" // the operator's own statement of the month
)

// Statement is a monthly statement, in fen.
type Statement struct {
	ID             string    `json:"id"`
	Kind           string    `json:"kind"`
	Month          string    `json:"month"`
	AgreementID    string    `json:"agreement_id"`
	OperatorID     string    `json:"operator_id"`
	Operator       string    `json:"operator"`
	PartyID        string    `json:"party_id"`
	Party          string    `json:"party"`
	JurisdictionID string    `json:"jurisdiction_id"`
	TotalFen       int64     `json:"total_fen"`
	IssuedBy       string    `json:"issued_by"`
	IssuedAt       time.Time `json:"issued_at"`
	Lines          []Line    `json:"lines"`
}

// Line bills one product's use by one application unit.
type Line struct {
	ProductID     string `json:"product_id"`
	ProductName   string `json:"product_name"`
	AppUnitID     string `json:"app_unit_id"`
	Method        Method `json:"method"`
	Quantity      int64  `json:"quantity"`
	UnitPriceFen  int64  `json:"unit_price_fen"`
	AmountFen     int64  `json:"amount_fen"`
	PublicWelfare bool   `json:"public_welfare"`
	Trial         bool   `json:"trial"`
	Calls         int64  `json:"calls"`
}

// run is what one agreement bills in the month being issued.
type run struct {
	ag            agreement.Agreement
	lines         map[string][]Line // by application unit
	total         int64
	providerCalls map[string]int64
}

// Issue issues the statements of month, which must have ended, from the
// meter's usage: for each agreement billed, one statement per application
// unit and one for the operator, and the split of the revenue by the
// agreement's rule, all in one transaction with one ledger entry per
// agreement. Issued statements are final: an agreement's month is issued
// once.
func (s *Service) Issue(ctx context.Context, p access.Principal, month string, usage []Usage) ([]Statement, error) {
	if err := access.Check(p, access.StatementIssue, access.Resource{}); err != nil {
		return nil, err
	}
	year, err := ParseMonth("month", month)
	if err != nil {
		return nil, err
	}
	if now := calendar.DateOf(s.now()); month >= fmt.Sprintf("%04d-%02d", now.Year(), now.Month()) {
		return nil, errs.E(errs.Invalid, "month: %s has not ended (today is %s in Asia/Shanghai); a month is billed once it is over", month, now)
	}
	if len(usage) == 0 {
		return nil, errs.E(errs.Invalid, "usage: empty; give the meter's usage of %s", month)
	}
	runs, err := s.gather(ctx, month, year, usage)
	if err != nil {
		return nil, err
	}
	var out []Statement
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		out = nil
		ids := slices.Sorted(maps.Keys(runs))
		for _, id := range ids {
			st, err := s.issueRun(ctx, tx, p, month, runs[id])
			if err != nil {
				return err
			}
			out = append(out, st...)
		}
		return nil
	})
	return out, err
}

// gather checks the usage against caps, prices, agreements and
// organizations and prices each line, grouped by agreement.
func (s *Service) gather(ctx context.Context, month string, year int, usage []Usage) (map[string]*run, error) {
	runs := map[string]*run{}
	seen := map[[2]string]bool{}
	for i, u := range usage {
		at := fmt.Sprintf("usage[%d]", i)
		if err := checkUsage(at, month, u); err != nil {
			return nil, err
		}
		if seen[[2]string{u.ProductID, u.AppUnitID}] {
			return nil, errs.E(errs.Invalid, "%s: product %s used by %s appears twice; give one usage per product and application unit", at, u.ProductID, u.AppUnitID)
		}
		seen[[2]string{u.ProductID, u.AppUnitID}] = true
		c, err := getCap(ctx, s.db, u.ProductID, year)
		if errs.CodeOf(err) == errs.NotFound {
			return nil, errs.E(errs.Invalid, "%s: product %s has no price cap for %d, so no agreement to bill it under", at, u.ProductID, year)
		}
		if err != nil {
			return nil, err
		}
		if c.OperatorID != u.OperatorID {
			return nil, errs.E(errs.Invalid, "%s: product %s is operated by %s, not %s", at, u.ProductID, c.OperatorID, u.OperatorID)
		}
		line := Line{ProductID: u.ProductID, ProductName: c.ProductName, AppUnitID: u.AppUnitID, Method: c.Method,
			Quantity: u.quantity(c.Method), PublicWelfare: u.PublicWelfare, Calls: u.Calls}
		if !u.PublicWelfare {
			if c.Price == nil {
				return nil, errs.E(errs.Invalid, "%s: the operator has set no price for product %s in %d", at, u.ProductID, year)
			}
			line.UnitPriceFen, line.Trial = c.Price.PriceFen, c.Price.Trial
			if line.AmountFen, err = times(line.UnitPriceFen, line.Quantity, at); err != nil {
				return nil, err
			}
		}
		if org, err := s.ids.Lookup(ctx, u.AppUnitID); err != nil || org.Kind != access.KindAppUnit {
			return nil, errs.E(errs.Invalid, "%s: app_unit_id %s is not an application unit's organization", at, u.AppUnitID)
		}
		r := runs[c.AgreementID]
		if r == nil {
			ag, err := s.agreements.Lookup(ctx, c.AgreementID)
			if err != nil {
				return nil, err
			}
			if month < ag.StartsOn[:7] || month > ag.EndsOn[:7] {
				return nil, errs.E(errs.Invalid, "%s: product %s is billed under agreement %s, whose term (%s to %s) does not reach into %s",
					at, u.ProductID, ag.ID, ag.StartsOn, ag.EndsOn, month)
			}
			r = &run{ag: ag, lines: map[string][]Line{}, providerCalls: map[string]int64{}}
			runs[c.AgreementID] = r
		}
		if err := r.add(at, u, line); err != nil {
			return nil, err
		}
	}
	return runs, nil
}

// add puts a priced line into the run and counts its provider calls when
// it is paid use; a provider must be one whose data the agreement covers.
func (r *run) add(at string, u Usage, line Line) error {
	for id, n := range u.ProviderCalls {
		if !slices.ContainsFunc(r.ag.Datasets, func(d plan.Dataset) bool { return d.ProviderID == id }) {
			return errs.E(errs.Invalid, "%s: provider_calls names %s, which provides no data in agreement %s's scope", at, id, r.ag.ID)
		}
		if !u.PublicWelfare {
			r.providerCalls[id] += n
		}
	}
	r.lines[u.AppUnitID] = append(r.lines[u.AppUnitID], line)
	r.total += line.AmountFen
	if r.total > 1<<62 {
		return errs.E(errs.Invalid, "%s: the month's total of agreement %s is beyond what can be billed", at, r.ag.ID)
	}
	return nil
}

func checkUsage(at, month string, u Usage) error {
	if u.Month != month {
		return errs.E(errs.Invalid, "%s: month %q; every usage must be of %s", at, u.Month, month)
	}
	for _, id := range []struct{ what, v string }{{"product", u.ProductID}, {"application unit", u.AppUnitID}, {"operator", u.OperatorID}} {
		if err := checkID(id.what, id.v); err != nil {
			return errs.E(errs.Invalid, "%s: %s", at, err.Error())
		}
	}
	if u.Calls < 0 || u.Records < 0 || u.Items < 0 {
		return errs.E(errs.Invalid, "%s: calls, records and items count up from 0", at)
	}
	for id, n := range u.ProviderCalls {
		if n < 0 || n > u.Calls {
			return errs.E(errs.Invalid, "%s: provider_calls[%s] = %d; a provider's calls run from 0 to the usage's %d calls", at, id, n, u.Calls)
		}
	}
	return nil
}
