package web

import (
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/ledger"
)

type checkpointResponse struct {
	ledger.Checkpoint
	// Note is the exact signed text; PublicKey the PEM key to check it with.
	Note      string `json:"note"`
	PublicKey string `json:"public_key"`
}

type entryList struct {
	Items []ledger.Entry `json:"items"`
	// Before is the cursor of the next (older) page, absent on the last.
	Before int64 `json:"before,omitempty"`
}

type entryWithProof struct {
	Entry ledger.Entry          `json:"entry"`
	Proof ledger.InclusionProof `json:"proof"`
}

func (s *Server) checkpoint(_ http.ResponseWriter, r *http.Request, _ access.Principal) (any, error) {
	cp, err := s.Ledger.Checkpoint(r.Context())
	if err != nil {
		return nil, err
	}
	return checkpointResponse{Checkpoint: cp, Note: string(cp.Note()), PublicKey: string(s.Ledger.Key().PublicPEM())}, nil
}

func (s *Server) listEntries(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	q := r.URL.Query()
	limit, err := queryInt(r, "limit", 100, 1, 500)
	if err != nil {
		return nil, err
	}
	before, err := queryInt(r, "before", 0, 0, 1<<62)
	if err != nil {
		return nil, err
	}
	f := ledger.Filter{ActionPrefix: q.Get("action"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"),
		Before: before, Limit: int(limit)}
	switch access.Widest(p, access.LedgerRead) {
	case access.Any:
	case access.Jurisdiction:
		if f.JurisdictionIDs, err = s.Identity.Reach(r.Context(), p); err != nil {
			return nil, err
		}
	default:
		f.OrgID = p.OrgID
	}
	entries, err := s.Ledger.Entries(r.Context(), f)
	if err != nil {
		return nil, err
	}
	out := entryList{Items: entries}
	if out.Items == nil {
		out.Items = []ledger.Entry{}
	}
	if len(entries) == f.Limit {
		out.Before = entries[len(entries)-1].Index
	}
	return out, nil
}

func (s *Server) getEntry(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	idx, err := pathInt(r, "index")
	if err != nil {
		return nil, err
	}
	e, err := s.Ledger.Entry(r.Context(), idx)
	if err != nil {
		return nil, err
	}
	res, err := s.Identity.Resource(r.Context(), e.Actor.OrgID, e.Actor.JurisdictionID)
	if err != nil {
		return nil, err
	}
	if err := access.Check(p, access.LedgerRead, res); err != nil {
		return nil, err
	}
	proof, err := s.Ledger.Inclusion(r.Context(), idx, 0)
	return entryWithProof{Entry: e, Proof: proof}, err
}

func (s *Server) inclusion(_ http.ResponseWriter, r *http.Request, _ access.Principal) (any, error) {
	if r.URL.Query().Get("index") == "" {
		return nil, errs.E(errs.Invalid, "query index: required")
	}
	idx, err := queryInt(r, "index", 0, 0, 1<<62)
	if err != nil {
		return nil, err
	}
	size, err := queryInt(r, "size", 0, 1, 1<<62)
	if err != nil {
		return nil, err
	}
	return s.Ledger.Inclusion(r.Context(), idx, size)
}

func (s *Server) consistency(_ http.ResponseWriter, r *http.Request, _ access.Principal) (any, error) {
	if r.URL.Query().Get("first") == "" {
		return nil, errs.E(errs.Invalid, "query first: required")
	}
	first, err := queryInt(r, "first", 0, 0, 1<<62)
	if err != nil {
		return nil, err
	}
	second, err := queryInt(r, "second", 0, 1, 1<<62)
	if err != nil {
		return nil, err
	}
	return s.Ledger.Consistency(r.Context(), first, second)
}
