package web

import (
	"context"
	"net/http"
	"strconv"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/billing"
	"shuyu/internal/errs"
	"shuyu/internal/store"
)

// Revenue in the console (Art. 21, 23, 33): per agreement in force, the
// year's maximum allowed revenue (最高准许收入) with what was carried in, what
// was billed and what the caps commit, and the split of a month's revenue
// between the government, the operator and the providers; then every cap
// of the year with the operator's price. The implementing unit approves
// maximums here; operators and regulators read.

type billingPage struct {
	Year  int
	Month string
	// Agreements are those in force the reader may see, with their money.
	Agreements []agreementMoney
	Caps       []billing.Cap
	// Failed, Form and Typed are a form (maximum or rule) that failed for
	// agreement Failed, as typed.
	Failed, Form string
	Typed        map[string]string
}

type agreementMoney struct {
	Agreement agreement.Agreement
	Maximum   *billing.Maximum
	Rule      *billing.Rule
	Split     *billing.Split
	// MaySet says whether the reader approves maximums and records rules.
	MaySet bool
}

// Value returns field name of agreement id's maximum form as typed when
// that form failed, or "".
func (p billingPage) Value(id, name string) string {
	if p.Failed != id {
		return ""
	}
	return p.Typed[name]
}

var errBadYear = &uiError{code: errs.Invalid, key: "billing.error.year", field: "year"}

func (c *console) billingPage(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.billing"
	c.renderBilling(w, r, v, nil, billingPage{})
}

func (c *console) renderBilling(w http.ResponseWriter, r *http.Request, v *view, err error, page billingPage) {
	q := r.URL.Query()
	today := c.Billing.Today()
	page.Year, page.Month = today.Year(), today.AddDays(-today.Day()).String()[:7]
	if y := q.Get("year"); y != "" {
		n, perr := strconv.Atoi(y)
		if perr != nil || n < 2000 || n > 2100 {
			c.fail(w, r, v, errBadYear, "error", nil)
			return
		}
		page.Year = n
	}
	if m := q.Get("month"); m != "" {
		page.Month = m
	}
	if lerr := c.loadBilling(r.Context(), *v.User, &page); lerr != nil {
		c.fail(w, r, v, lerr, "error", nil)
		return
	}
	if err != nil {
		c.fail(w, r, v, err, "billing", page)
		return
	}
	c.render(w, r, v, http.StatusOK, "billing", page)
}

// loadBilling fills page's agreements and caps for its year and month.
func (c *console) loadBilling(ctx context.Context, p access.Principal, page *billingPage) error {
	ags, _, err := c.Agreements.List(ctx, p, agreement.Filter{State: agreement.Active}, pageOfAll())
	if err != nil {
		return err
	}
	for _, ag := range ags {
		am := agreementMoney{Agreement: ag, MaySet: c.unitMay(ctx, p, access.BillingMaximumSet, ag.UnitID)}
		m, err := c.Billing.Maximum(ctx, p, ag.ID, page.Year)
		if am.Maximum, err = found(m, err); err != nil {
			return err
		}
		rule, err := c.Billing.Rule(ctx, p, ag.ID)
		if am.Rule, err = found(rule, err); err != nil {
			return err
		}
		s, err := c.Billing.Split(ctx, p, ag.ID, page.Month)
		if am.Split, err = found(s, err); err != nil {
			return err
		}
		page.Agreements = append(page.Agreements, am)
	}
	page.Caps, _, err = c.Billing.Caps(ctx, p, billing.CapFilter{Year: page.Year}, store.NewPage(store.MaxPageSize, ""))
	return err
}

// found is v when err is nil, nil when err says there is none.
func found[T any](v T, err error) (*T, error) {
	switch {
	case err == nil:
		return &v, nil
	case errs.Is(err, errs.NotFound):
		return nil, nil
	}
	return nil, err
}

// maximumSet approves an agreement's maximum allowed revenue of a year.
func (c *console) maximumSet(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.billing"
	typed := map[string]string{}
	for _, f := range []string{"cost_fen", "profit_fen", "tax_fen", "basis", "year"} {
		typed[f] = formValue(r, f)
	}
	id := formValue(r, "agreement")
	err := func() error {
		in := billing.MaximumInput{Basis: typed["basis"]}
		for _, f := range []struct {
			name string
			to   *int64
		}{{"cost_fen", &in.CostFen}, {"profit_fen", &in.ProfitFen}, {"tax_fen", &in.TaxFen}} {
			n, err := formInt(r, f.name)
			if err != nil {
				return err
			}
			*f.to = n
		}
		year, err := strconv.Atoi(typed["year"])
		if err != nil {
			return errBadYear
		}
		_, err = c.Billing.SetMaximum(r.Context(), *v.User, id, year, in)
		return err
	}()
	if err != nil {
		c.renderBilling(w, r, v, err, billingPage{Failed: id, Form: "maximum", Typed: typed})
		return
	}
	c.seeOther(w, r, "/console/billing?year="+typed["year"], "flash.maximum_set")
}

// ruleSet records an agreement's revenue-sharing rule in basis points.
func (c *console) ruleSet(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.billing"
	typed := map[string]string{}
	for _, f := range ruleFields {
		typed[f] = formValue(r, f)
	}
	id := formValue(r, "agreement")
	err := func() error {
		var in billing.RuleInput
		for f, to := range map[string]*int{"government_bp": &in.GovernmentBP, "operator_bp": &in.OperatorBP, "providers_bp": &in.ProvidersBP} {
			n, err := formInt(r, f)
			if err != nil {
				return err
			}
			*to = int(n)
		}
		_, err := c.Billing.SetRule(r.Context(), *v.User, id, in)
		return err
	}()
	if err != nil {
		c.renderBilling(w, r, v, err, billingPage{Failed: id, Form: "rule", Typed: typed})
		return
	}
	c.seeOther(w, r, "/console/billing", "flash.rule_set")
}

// ruleFields are the rule form's fields, as billing names them.
var ruleFields = []string{"government_bp", "operator_bp", "providers_bp"}
