package web

import (
	"net/http"
	"net/url"

	"shuyu/internal/access"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
)

// Implementation plans (实施方案, Art. 9–11): the list with the overdue
// filings marked, each version with its content, decision and filing, and
// the steps of its lifecycle the reader may take, which the plan service
// lists on the plan (Plan.Actions).

type planListPage struct {
	Plans     []plan.Plan
	States    []fsm.State
	State     string
	Overdue   bool
	CanCreate bool
	listPage
}

// Query is the filter as a query string, for the pager.
func (p planListPage) Query() string {
	q := url.Values{}
	if p.State != "" {
		q.Set("state", p.State)
	}
	if p.Overdue {
		q.Set("overdue", "1")
	}
	return q.Encode()
}

func (c *console) planList(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.plans"
	q := r.URL.Query()
	pg, lp := pageOf(q.Get("after"))
	page := planListPage{States: plan.States, State: q.Get("state"), Overdue: q.Get("overdue") != "", listPage: lp,
		CanCreate: access.Check(*v.User, access.PlanWrite, ownOrg(*v.User)) == nil && v.User.OrgKind == access.KindImplementingUnit}
	var err error
	page.Plans, page.Next, err = c.Plans.List(r.Context(), *v.User, plan.Filter{State: fsm.State(page.State), Overdue: page.Overdue}, pg)
	if err != nil {
		c.fail(w, r, v, err, "plans", page)
		return
	}
	c.render(w, r, v, http.StatusOK, "plans", page)
}

// planPage is one plan version, its series, and the step forms as typed
// when a step failed (Step names it).
type planPage struct {
	Plan     plan.Plan
	Versions []plan.Plan
	Step     string
	Reason   string
	Decision decisionValues
	Filing   plan.Filing
	// CanEdit offers the edit form: a draft, or (for a new version) the
	// version in force; CanAnnounce the announcement form.
	CanEdit, CanAnnounce bool
}

func (c *console) loadPlanPage(r *http.Request, v *view) (planPage, error) {
	pl, err := c.Plans.Get(r.Context(), *v.User, r.PathValue("id"))
	if err != nil {
		return planPage{}, err
	}
	page := planPage{Plan: pl}
	if page.Versions, err = c.Plans.Versions(r.Context(), *v.User, pl.ID); err != nil {
		return page, err
	}
	page.CanEdit = (pl.State == plan.Draft || pl.InForce) && c.unitMay(r.Context(), *v.User, access.PlanWrite, pl.UnitID)
	page.CanAnnounce = pl.InForce && c.unitMay(r.Context(), *v.User, access.AnnouncementWrite, pl.UnitID)
	return page, nil
}

func (c *console) planShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.plan"
	page, err := c.loadPlanPage(r, v)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "plan", page)
}

// planAct takes one step of a plan: the forms on the plan page carry a
// reason (return), the decision record (approve) or the filing (file).
func (c *console) planAct(step fsm.Action) consoleHandler {
	return func(w http.ResponseWriter, r *http.Request, v *view) {
		v.Title = "title.plan"
		in := plan.StepInput{Reason: formValue(r, "reason")}
		dec := decisionValues{Meeting: formValue(r, "decision.meeting"), Number: formValue(r, "decision.number"), Date: formValue(r, "decision.date")}
		filing := plan.Filing{Reference: formValue(r, "filing.reference"), Date: formValue(r, "filing.date")}
		switch step {
		case plan.Approve:
			in.Decision = &plan.Decision{Meeting: dec.Meeting, Number: dec.Number, Date: dec.Date}
		case plan.File:
			f := filing
			in.Filing = &f
		}
		pl, err := c.Plans.Act(r.Context(), *v.User, r.PathValue("id"), step, in)
		if err == nil {
			c.seeOther(w, r, "/console/plans/"+url.PathEscape(pl.ID), "flash.plan_"+string(step))
			return
		}
		page, perr := c.loadPlanPage(r, v)
		if perr != nil {
			c.fail(w, r, v, err, "error", nil)
			return
		}
		page.Step, page.Reason, page.Decision, page.Filing = string(step), in.Reason, dec, filing
		c.fail(w, r, v, err, "plan", page)
	}
}
