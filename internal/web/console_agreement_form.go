package web

import (
	"context"
	"fmt"
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// The agreement form: the Art. 14 clauses as structure. The data scope is
// chosen within the plan in force (the service refuses more), the term is
// at most five years (the service says so when it is longer), products are
// rows of name, kind, description and compliance review.

// productRows is how many product rows the form offers at least.
const productRows = 3

// clauseNames are the text clauses of agreement.Terms, in the form's order.
var clauseNames = []string{"platform", "asset_ownership", "security", "risk_monitoring", "evaluation_criteria",
	"confidentiality", "disclosure", "accounting", "revenue_sharing", "liability", "renewal", "exit"}

type agreementValues struct {
	AnnouncementID, StartsOn, EndsOn, FinanceOrgID string
	Datasets                                       []string
	Products                                       []agreement.Product
	Clauses                                        map[string]string
}

type agreementFormPage struct {
	New bool
	// G is the draft edited; Plan the plan in force whose scope is offered.
	G           agreement.Agreement
	Plan        plan.Plan
	Action      string
	Values      agreementValues
	ClauseNames []string
	Kinds       []string
	Finance     []orgChoice
}

func valuesOfTerms(t agreement.Terms) map[string]string {
	return map[string]string{"platform": t.Platform, "asset_ownership": t.AssetOwnership, "security": t.Security,
		"risk_monitoring": t.RiskMonitoring, "evaluation_criteria": t.EvaluationCriteria, "confidentiality": t.Confidentiality,
		"disclosure": t.Disclosure, "accounting": t.Accounting, "revenue_sharing": t.RevenueSharing, "liability": t.Liability,
		"renewal": t.Renewal, "exit": t.Exit}
}

func (v agreementValues) terms() agreement.Terms {
	c := v.Clauses
	t := agreement.Terms{Platform: c["platform"], AssetOwnership: c["asset_ownership"], Security: c["security"],
		RiskMonitoring: c["risk_monitoring"], EvaluationCriteria: c["evaluation_criteria"], Confidentiality: c["confidentiality"],
		Disclosure: c["disclosure"], Accounting: c["accounting"], RevenueSharing: c["revenue_sharing"], Liability: c["liability"],
		Renewal: c["renewal"], Exit: c["exit"], Products: []agreement.Product{}}
	for _, p := range v.Products {
		if p.Name != "" || p.Description != "" || p.ComplianceReview != "" {
			t.Products = append(t.Products, p)
		}
	}
	return t
}

func (v agreementValues) input() agreement.Input {
	ds := append([]string{}, v.Datasets...)
	terms := v.terms()
	in := agreement.Input{StartsOn: &v.StartsOn, EndsOn: &v.EndsOn, Datasets: &ds, Terms: &terms}
	if v.FinanceOrgID != "" {
		in.FinanceOrgID = &v.FinanceOrgID
	}
	return in
}

func readAgreementForm(r *http.Request) agreementValues {
	v := agreementValues{AnnouncementID: formValue(r, "announcement_id"), StartsOn: formValue(r, "starts_on"), EndsOn: formValue(r, "ends_on"),
		FinanceOrgID: formValue(r, "finance_org_id"), Datasets: r.PostForm["datasets"], Clauses: map[string]string{}}
	for _, n := range clauseNames {
		v.Clauses[n] = formValue(r, "terms."+n)
	}
	for i := 0; i < 20 && r.PostForm.Has(fmt.Sprintf("products[%d].name", i)); i++ {
		k := fmt.Sprintf("products[%d].", i)
		v.Products = append(v.Products, agreement.Product{Name: formValue(r, k+"name"), Kind: formValue(r, k+"kind"),
			Description: formValue(r, k+"description"), ComplianceReview: formValue(r, k+"compliance_review")})
	}
	return v
}

// agreementChoices fills the plan whose scope the form offers, the
// finance departments, and the spare product rows.
func (c *console) agreementChoices(ctx context.Context, p access.Principal, page *agreementFormPage, planID string) error {
	page.ClauseNames, page.Kinds = clauseNames, agreement.ProductKinds
	for len(page.Values.Products) < productRows {
		page.Values.Products = append(page.Values.Products, agreement.Product{})
	}
	if page.Values.Clauses == nil {
		page.Values.Clauses = map[string]string{}
	}
	if planID != "" {
		pl, err := c.Plans.InForce(ctx, planID)
		if err != nil {
			return err
		}
		page.Plan = pl
	}
	orgs, _, err := c.Identity.Orgs(ctx, p, store.NewPage(500, ""))
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if o.Kind == access.KindRegulator && o.Sector == "finance" {
			page.Finance = append(page.Finance, orgChoice{ID: o.ID, Name: o.Name})
		}
	}
	return nil
}

// agreementNewForm drafts the agreement on an awarded selection
// (?announcement=), with the announcement's scope.
func (c *console) agreementNewForm(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.agreement_new"
	a, err := c.Tender.Get(r.Context(), *v.User, r.URL.Query().Get("announcement"))
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	page := agreementFormPage{New: true, Action: "/console/agreements/new", Values: agreementValues{AnnouncementID: a.ID}}
	for _, d := range a.Datasets {
		page.Values.Datasets = append(page.Values.Datasets, d.ID)
	}
	if err := c.agreementChoices(r.Context(), *v.User, &page, a.Plan.ID); err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "agreement_form", page)
}

func (c *console) agreementNewSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.agreement_new"
	page := agreementFormPage{New: true, Action: "/console/agreements/new", Values: readAgreementForm(r)}
	in := page.Values.input()
	in.AnnouncementID = &page.Values.AnnouncementID
	g, err := c.Agreements.Create(r.Context(), *v.User, in)
	if err == nil {
		c.seeOther(w, r, agreementPath(g.ID), "flash.agreement_created", g.Title)
		return
	}
	planID := ""
	if a, aerr := c.Tender.Get(r.Context(), *v.User, page.Values.AnnouncementID); aerr == nil {
		planID = a.Plan.ID
	}
	if cerr := c.agreementChoices(r.Context(), *v.User, &page, planID); cerr != nil {
		c.fail(w, r, v, cerr, "error", nil)
		return
	}
	c.fail(w, r, v, err, "agreement_form", page)
}

func (c *console) loadAgreementForm(r *http.Request, v *view) (agreementFormPage, error) {
	g, err := c.Agreements.Get(r.Context(), *v.User, r.PathValue("id"))
	if err != nil {
		return agreementFormPage{}, err
	}
	page := agreementFormPage{G: g, Action: agreementPath(g.ID) + "/edit", Values: agreementValues{StartsOn: g.StartsOn, EndsOn: g.EndsOn,
		FinanceOrgID: g.FinanceOrgID, Datasets: g.DatasetIDs(), Products: g.Terms.Products, Clauses: valuesOfTerms(g.Terms)}}
	return page, c.agreementChoices(r.Context(), *v.User, &page, g.PlanID)
}

func (c *console) agreementEditForm(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.agreement_edit"
	page, err := c.loadAgreementForm(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "agreement_form", page)
}

func (c *console) agreementEditSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.agreement_edit"
	page, err := c.loadAgreementForm(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	page.Values = readAgreementForm(r)
	if err := c.agreementChoices(r.Context(), *v.User, &page, page.G.PlanID); err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	g, err := c.Agreements.Update(r.Context(), *v.User, page.G.ID, page.Values.input())
	if err != nil {
		c.fail(w, r, v, err, "agreement_form", page)
		return
	}
	c.seeOther(w, r, agreementPath(g.ID), "flash.agreement_saved", g.Title)
}
