package web

import (
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/inbox"
)

func (s *Server) listInbox(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	f := inbox.Filter{Kind: r.URL.Query().Get("kind")}
	if f.Overdue, err = queryBool(r, "overdue"); err != nil {
		return nil, err
	}
	items, next, err := s.Inbox.Items(r.Context(), p, f, pg)
	return list(items, next), err
}

func (s *Server) inboxCounts(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Inbox.Counts(r.Context(), p)
}
