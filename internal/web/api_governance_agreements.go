package web

import (
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/agreement"
	"shuyu/internal/fsm"
)

func (s *Server) listAgreements(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	items, next, err := s.Agreements.List(r.Context(), p, agreement.Filter{State: fsm.State(q.Get("state")), OperatorID: q.Get("operator_id")}, pg)
	return list(items, next), err
}

func (s *Server) createAgreement(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in agreement.Input
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Agreements.Create(r.Context(), p, in)
}

func (s *Server) getAgreement(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Agreements.Get(r.Context(), p, r.PathValue("id"))
}

func (s *Server) updateAgreement(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in agreement.Input
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Agreements.Update(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) financeOpinion(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in agreement.OpinionInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Agreements.GiveOpinion(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) signAgreement(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in agreement.SignInput
	if err := decodeOptional(w, r, &in); err != nil {
		return nil, err
	}
	return s.Agreements.Sign(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) withdrawAgreement(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Agreements.Withdraw(r.Context(), p, r.PathValue("id"))
}

func (s *Server) renewAgreement(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in agreement.Input
	if err := decodeOptional(w, r, &in); err != nil {
		return nil, err
	}
	return s.Agreements.Renew(r.Context(), p, r.PathValue("id"), in)
}

// endAgreement handles terminate (or revoke): the exit step, answered with
// the deletion record.
func (s *Server) endAgreement(terminate bool) func(http.ResponseWriter, *http.Request, access.Principal) (any, error) {
	return func(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
		var in agreement.EndInput
		if err := decode(w, r, &in); err != nil {
			return nil, err
		}
		if terminate {
			return s.Agreements.Terminate(r.Context(), p, r.PathValue("id"), in)
		}
		return s.Agreements.Revoke(r.Context(), p, r.PathValue("id"), in)
	}
}

func (s *Server) exitRecord(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Agreements.ExitRecord(r.Context(), p, r.PathValue("id"))
}

func (s *Server) publicAgreements(_ http.ResponseWriter, r *http.Request, _ access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	items, next, err := s.Agreements.Public(r.Context(), agreement.Filter{State: fsm.State(r.URL.Query().Get("state"))}, pg)
	return list(items, next), err
}
