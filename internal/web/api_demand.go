package web

import (
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/demand"
	"shuyu/internal/fsm"
)

// demandRoutes are the routes of demand applications (Art. 18–19) and the
// grants they create.
func (s *Server) demandRoutes() []route {
	pageQuery := []param{
		{name: "limit", typ: "integer", doc: "page size, 1–500 (default 50)"},
		{name: "after", typ: "string", doc: "cursor: the next value of the previous page"},
	}
	routes := []route{
		{method: "GET", path: "/api/v1/demands", tag: "demands",
			summary: "List demand applications: an operator's own, a provider's concerning its data, or those before the units in reach",
			action:  access.DemandRead, query: append([]param{{name: "state", typ: "string", doc: "only demands in this state"},
				{name: "agreement_id", typ: "string"}}, pageQuery...),
			out: List[demand.Application]{}, handle: s.listDemands},
		{method: "POST", path: "/api/v1/demands", tag: "demands",
			summary: "File a demand application inside an active agreement (operator staff): scenario, purpose, last day of use, the fields wanted from each dataset with a role and a justification each (minimum necessary), optionally a row filter per dataset (column, operator, typed values), the rule and its parameters; the implementing unit and each provider concerned review it",
			action:  access.DemandFile, in: demand.Input{}, out: demand.Application{}, status: http.StatusCreated, handle: s.fileDemand},
		{method: "GET", path: "/api/v1/demands/{id}", tag: "demands", summary: "One demand application with its parties, reviews and the steps the caller may take",
			action: access.DemandRead, out: demand.Application{}, handle: s.getDemand},
	}
	for _, step := range demand.Reviews {
		routes = append(routes, route{method: "POST", path: "/api/v1/demands/{id}/" + string(step), tag: "demands", summary: demandSteps[step],
			action: access.DemandReview, in: commentInput{}, out: demand.Application{}, handle: s.decideDemand(step)})
	}
	return append(routes,
		route{method: "POST", path: "/api/v1/demands/{id}/resubmit", tag: "demands",
			summary: "Resubmit a returned demand with its whole content (as filed) for a new round of reviews by every party",
			action:  access.DemandFile, in: demand.Input{}, out: demand.Application{}, handle: s.resubmitDemand},
		route{method: "POST", path: "/api/v1/demands/{id}/withdraw", tag: "demands", summary: "Give up a demand under review or returned",
			action: access.DemandFile, out: demand.Application{}, handle: s.withdrawDemand},
		route{method: "GET", path: "/api/v1/grants", tag: "grants",
			summary: "List grants: the caller's organization's (operators), those on a provider's data, or those before the units in reach",
			action:  access.GrantRead, query: pageQuery, out: List[budgetedGrant]{}, handle: s.listGrants},
		route{method: "GET", path: "/api/v1/grants/{id}", tag: "grants", summary: "One grant: its rule, parameters, granted columns with roles and masks, row filters, expiry and state",
			action: access.GrantRead, out: budgetedGrant{}, handle: s.getGrant},
		route{method: "POST", path: "/api/v1/grants/{id}/revoke", tag: "grants", summary: "Revoke an active grant, with the reason (the implementing unit): it runs nothing from now on",
			action: access.GrantRevoke, in: reasonInput{}, out: demand.Grant{}, handle: s.revokeGrant},
	)
}

var demandSteps = map[fsm.Action]string{
	demand.Approve: "Approve the current round for the caller's organization (the implementing unit or a provider concerned); the last approval approves the demand and creates its grant",
	demand.Reject:  "Reject, with a comment: the demand ends without a grant",
	demand.Return:  "Send back with comments: the operator may resubmit",
}

type commentInput struct {
	Comment string `json:"comment"`
}

func (s *Server) listDemands(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	items, next, err := s.Demands.List(r.Context(), p, demand.Filter{State: fsm.State(q.Get("state")), AgreementID: q.Get("agreement_id")}, pg)
	return list(items, next), err
}

func (s *Server) fileDemand(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in demand.Input
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Demands.File(r.Context(), p, in)
}

func (s *Server) getDemand(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Demands.Get(r.Context(), p, r.PathValue("id"))
}

func (s *Server) decideDemand(step fsm.Action) func(http.ResponseWriter, *http.Request, access.Principal) (any, error) {
	return func(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
		var in commentInput
		if err := decodeOptional(w, r, &in); err != nil {
			return nil, err
		}
		return s.Demands.Decide(r.Context(), p, r.PathValue("id"), step, in.Comment)
	}
}

func (s *Server) resubmitDemand(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in demand.Input
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Demands.Resubmit(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) withdrawDemand(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Demands.Withdraw(r.Context(), p, r.PathValue("id"))
}

func (s *Server) listGrants(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	items, next, err := s.Demands.Grants(r.Context(), p, pg)
	if err != nil {
		return nil, err
	}
	out := make([]budgetedGrant, len(items))
	for i, g := range items {
		if out[i], err = s.withBudget(r, g); err != nil {
			return nil, err
		}
	}
	return list(out, next), nil
}

func (s *Server) getGrant(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	g, err := s.Demands.GetGrant(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return s.withBudget(r, g)
}

func (s *Server) revokeGrant(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in reasonInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Demands.RevokeGrant(r.Context(), p, r.PathValue("id"), in.Reason)
}
