package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"shuyu/internal/access"
	"shuyu/internal/catalog"
	"shuyu/internal/plan"
	"shuyu/internal/store"
)

// The plan form: a new draft, a draft's edit, or (on the version in force)
// the change of mode, data scope or revenue sharing that makes a new
// version to approve again (Art. 11). Its content is structured as the
// plan is: the data scope is chosen among catalog entries, the industry
// authorities consulted among the regulators, each with its opinion.

type planValues struct {
	Title, Mode, ModeReason, RevenueSharing, Security, Economic, Social string
	Datasets                                                            []string
	// Consulted maps a regulator's ID to its opinion; a key present means chosen.
	Consulted map[string]string
}

// Chosen says whether the regulator org was consulted.
func (v planValues) Chosen(org string) bool { _, ok := v.Consulted[org]; return ok }

type orgChoice struct{ ID, Name string }

type planFormPage struct {
	New bool
	// Versioned: the plan is in force, and the form makes its next version.
	Versioned  bool
	Plan       plan.Plan
	Action     string
	Values     planValues
	Modes      []plan.Mode
	Entries    []catalog.Dataset
	Regulators []orgChoice
}

func valuesOfPlan(pl plan.Plan) planValues {
	v := planValues{Title: pl.Title, Mode: string(pl.Mode), ModeReason: pl.ModeReason, RevenueSharing: pl.RevenueSharing,
		Security: pl.Security, Economic: pl.Benefits.Economic, Social: pl.Benefits.Social, Consulted: map[string]string{}}
	for _, d := range pl.Datasets {
		v.Datasets = append(v.Datasets, d.ID)
	}
	for _, c := range pl.Consulted {
		v.Consulted[c.OrgID] = c.Opinion
	}
	return v
}

// planChoices fills what the form offers: the catalog entries in the
// operation scope the user can see, and the regulators.
func (c *console) planChoices(ctx context.Context, p access.Principal, page *planFormPage) error {
	page.Modes = plan.Modes
	ds, _, err := c.Catalog.List(ctx, p, store.NewPage(500, ""))
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.InScope && d.Grade != catalog.Core {
			page.Entries = append(page.Entries, d)
		}
	}
	orgs, _, err := c.Identity.Orgs(ctx, p, store.NewPage(500, ""))
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if o.Kind == access.KindRegulator {
			page.Regulators = append(page.Regulators, orgChoice{ID: o.ID, Name: o.Name})
		}
	}
	return nil
}

func readPlanForm(r *http.Request) planValues {
	v := planValues{Title: formValue(r, "title"), Mode: formValue(r, "mode"), ModeReason: formValue(r, "mode_reason"),
		RevenueSharing: formValue(r, "revenue_sharing"), Security: formValue(r, "security"),
		Economic: formValue(r, "benefits.economic"), Social: formValue(r, "benefits.social"),
		Datasets: r.PostForm["datasets"], Consulted: map[string]string{}}
	for _, org := range r.PostForm["consulted"] {
		v.Consulted[org] = formValue(r, "opinion."+org)
	}
	return v
}

// input is the plan as the service takes it; versioned sends only what a
// new version may change.
func (v planValues) input(versioned bool) plan.Input {
	mode := plan.Mode(v.Mode)
	ds := slices.Clone(v.Datasets)
	if ds == nil {
		ds = []string{}
	}
	in := plan.Input{Mode: &mode, ModeReason: &v.ModeReason, Datasets: &ds, RevenueSharing: &v.RevenueSharing}
	if versioned {
		return in
	}
	cs := []plan.ConsultationInput{}
	for org, opinion := range v.Consulted {
		cs = append(cs, plan.ConsultationInput{OrgID: org, Opinion: opinion})
	}
	slices.SortFunc(cs, func(a, b plan.ConsultationInput) int { return strings.Compare(a.OrgID, b.OrgID) })
	in.Title, in.Security, in.Consulted = &v.Title, &v.Security, &cs
	in.Benefits = &plan.Benefits{Economic: v.Economic, Social: v.Social}
	return in
}

func (c *console) planNewForm(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.plan_new"
	page := planFormPage{New: true, Action: "/console/plans/new", Values: planValues{Mode: string(plan.Whole), Consulted: map[string]string{}}}
	if err := c.planChoices(r.Context(), *v.User, &page); err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "plan_form", page)
}

func (c *console) planNewSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.plan_new"
	page := planFormPage{New: true, Action: "/console/plans/new", Values: readPlanForm(r)}
	pl, err := c.Plans.Create(r.Context(), *v.User, page.Values.input(false))
	if err == nil {
		c.seeOther(w, r, "/console/plans/"+url.PathEscape(pl.ID), "flash.plan_created", pl.Title)
		return
	}
	if cerr := c.planChoices(r.Context(), *v.User, &page); cerr != nil {
		c.fail(w, r, v, cerr, "error", nil)
		return
	}
	c.fail(w, r, v, err, "plan_form", page)
}

func (c *console) loadPlanForm(r *http.Request, v *view) (planFormPage, error) {
	pl, err := c.Plans.Get(r.Context(), *v.User, r.PathValue("id"))
	if err != nil {
		return planFormPage{}, err
	}
	page := planFormPage{Plan: pl, Versioned: pl.InForce, Action: "/console/plans/" + url.PathEscape(pl.ID) + "/edit", Values: valuesOfPlan(pl)}
	return page, c.planChoices(r.Context(), *v.User, &page)
}

func (c *console) planEditForm(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.plan_edit"
	page, err := c.loadPlanForm(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "plan_form", page)
}

// planEditSubmit saves a draft, or makes the next version of the plan in
// force; either way the answer is the version to look at.
func (c *console) planEditSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.plan_edit"
	page, err := c.loadPlanForm(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	page.Values = readPlanForm(r)
	pl, err := c.Plans.Update(r.Context(), *v.User, page.Plan.ID, page.Values.input(page.Versioned))
	if err != nil {
		c.fail(w, r, v, err, "plan_form", page)
		return
	}
	flash := "flash.plan_saved"
	if pl.ID != page.Plan.ID {
		flash = "flash.plan_versioned"
	}
	c.seeOther(w, r, "/console/plans/"+url.PathEscape(pl.ID), flash, pl.Title)
}
