package web

import (
	"net/http"
	"strconv"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/quality"
)

func (s *Server) fileTicket(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in quality.TicketInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Quality.File(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) listTickets(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	f := quality.TicketFilter{Dataset: q.Get("dataset"), ProviderID: q.Get("provider_id"), State: quality.State(q.Get("state")),
		Kind: quality.TicketKind(q.Get("kind"))}
	if f.Overdue, err = queryBool(r, "overdue"); err != nil {
		return nil, err
	}
	if f.Mine, err = queryBool(r, "mine"); err != nil {
		return nil, err
	}
	tickets, next, err := s.Quality.Tickets(r.Context(), p, f, pg)
	return list(tickets, next), err
}

func (s *Server) getTicket(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Quality.Ticket(r.Context(), p, r.PathValue("id"))
}

// ticketStep handles POST /api/v1/tickets/{id}/{step}. The body, with its
// comment, is optional for steps that need none.
func (s *Server) ticketStep(step quality.Step) func(http.ResponseWriter, *http.Request, access.Principal) (any, error) {
	return func(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
		var in quality.StepInput
		if r.ContentLength != 0 {
			if err := decode(w, r, &in); err != nil {
				return nil, err
			}
		}
		return s.Quality.Act(r.Context(), p, r.PathValue("id"), step, in)
	}
}

// queryBool reads an optional boolean query parameter.
func queryBool(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, errs.E(errs.Invalid, "query %s: %q is not true or false", name, v)
	}
	return b, nil
}
