package web

import (
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/fsm"
	"shuyu/internal/plan"
)

func (s *Server) listPlans(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	f := plan.Filter{State: fsm.State(r.URL.Query().Get("state"))}
	if f.Overdue, err = queryBool(r, "overdue"); err != nil {
		return nil, err
	}
	plans, next, err := s.Plans.List(r.Context(), p, f, pg)
	return list(plans, next), err
}

func (s *Server) createPlan(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in plan.Input
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Plans.Create(r.Context(), p, in)
}

func (s *Server) getPlan(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Plans.Get(r.Context(), p, r.PathValue("id"))
}

func (s *Server) updatePlan(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in plan.Input
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Plans.Update(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) planVersions(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	versions, err := s.Plans.Versions(r.Context(), p, r.PathValue("id"))
	return list(versions, ""), err
}

// planStep handles POST /api/v1/plans/{id}/{step}; the body is optional
// for steps that carry nothing.
func (s *Server) planStep(step fsm.Action) func(http.ResponseWriter, *http.Request, access.Principal) (any, error) {
	return func(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
		var in plan.StepInput
		if err := decodeOptional(w, r, &in); err != nil {
			return nil, err
		}
		return s.Plans.Act(r.Context(), p, r.PathValue("id"), step, in)
	}
}
