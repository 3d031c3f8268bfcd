package web

import (
	"net/http"
	"net/url"
	"slices"

	"shuyu/internal/access"
	"shuyu/internal/demand"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
)

// Demand applications (数据需求申请, Art. 18–19) in the console: the
// operator files one and follows it, resubmits it after a return; the
// implementing unit and each provider concerned find the demands awaiting
// their decision and approve, reject or send them back with a comment.
// The page offers exactly the steps the service's transition table allows
// the reader.

// sandboxPages registers the pages of the secure development environment:
// demand applications, grants and the analyst's workspace, releases.
func (c *console) sandboxPages(handle func(string, http.HandlerFunc)) {
	handle("GET /console/demands", c.signedIn(access.DemandRead, c.demandList))
	handle("GET /console/demands/new", c.signedIn(access.DemandFile, c.demandNewForm))
	handle("POST /console/demands/new", c.signedIn(access.DemandFile, c.demandNewSubmit))
	handle("GET /console/demands/{id}", c.signedIn(access.DemandRead, c.demandShow))
	handle("GET /console/demands/{id}/resubmit", c.signedIn(access.DemandFile, c.demandResubmitForm))
	handle("POST /console/demands/{id}/resubmit", c.signedIn(access.DemandFile, c.demandResubmitSubmit))
	handle("POST /console/demands/{id}/withdraw", c.signedIn(access.DemandFile, c.demandWithdraw))
	for _, step := range demand.Reviews {
		handle("POST /console/demands/{id}/"+string(step), c.signedIn(access.DemandReview, c.demandDecide(step)))
	}
	c.workspacePages(handle)
}

type demandListPage struct {
	Demands []demand.Application
	States  []fsm.State
	State   string
	// Mine keeps the demands awaiting the reader's decision.
	Mine    bool
	Next    string
	Paged   bool
	MayFile bool
}

// Query is the filter as a query string, for the pager.
func (p demandListPage) Query() string {
	q := url.Values{}
	if p.State != "" {
		q.Set("state", p.State)
	}
	if p.Mine {
		q.Set("mine", "1")
	}
	return q.Encode()
}

func (c *console) demandList(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.demands"
	q := r.URL.Query()
	page := demandListPage{States: demand.States, State: q.Get("state"), Mine: q.Get("mine") != "", Paged: q.Get("after") != "",
		MayFile: access.Permits(*v.User, access.DemandFile) && v.User.OrgKind == access.KindOperator}
	list, next, err := c.Demands.List(r.Context(), *v.User, demand.Filter{State: fsm.State(page.State)}, store.NewPage(30, q.Get("after")))
	if err != nil {
		c.fail(w, r, v, err, "demand_list", page)
		return
	}
	page.Next = next
	for _, a := range list {
		if !page.Mine || slices.Contains(a.Actions, demand.Approve) {
			page.Demands = append(page.Demands, a)
		}
	}
	c.render(w, r, v, http.StatusOK, "demand_list", page)
}

type demandPage struct {
	Demand demand.Application
	// Step and Comment are the review that failed, as typed.
	Step    fsm.Action
	Comment string
	Reviews []fsm.Action
}

// Offers says whether the reader may take action now.
func (p demandPage) Offers(action fsm.Action) bool { return slices.Contains(p.Demand.Actions, action) }

func (c *console) demandShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.demand"
	a, err := c.Demands.Get(r.Context(), *v.User, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "demand", demandPage{Demand: a, Reviews: demand.Reviews})
}

// demandDecide takes a party's review decision.
func (c *console) demandDecide(step fsm.Action) consoleHandler {
	return func(w http.ResponseWriter, r *http.Request, v *view) {
		v.Title = "title.demand"
		comment := formValue(r, "comment")
		a, err := c.Demands.Decide(r.Context(), *v.User, r.PathValue("id"), step, comment)
		if err == nil {
			c.seeOther(w, r, "/console/demands/"+url.PathEscape(a.ID), "flash.demand_"+string(step))
			return
		}
		c.demandFailed(w, r, v, err, demandPage{Step: step, Comment: comment, Reviews: demand.Reviews})
	}
}

func (c *console) demandWithdraw(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.demand"
	a, err := c.Demands.Withdraw(r.Context(), *v.User, r.PathValue("id"))
	if err == nil {
		c.seeOther(w, r, "/console/demands/"+url.PathEscape(a.ID), "flash.demand_withdrawn")
		return
	}
	c.demandFailed(w, r, v, err, demandPage{Reviews: demand.Reviews})
}

// demandFailed shows the demand again with err, or the error alone when
// the demand cannot be read.
func (c *console) demandFailed(w http.ResponseWriter, r *http.Request, v *view, err error, page demandPage) {
	a, gerr := c.Demands.Get(r.Context(), *v.User, r.PathValue("id"))
	if gerr != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	page.Demand = a
	c.fail(w, r, v, err, "demand", page)
}
