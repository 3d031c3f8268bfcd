package web

import (
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/ingest"
)

// pullRoutes are the routes of scheduled pulls from source databases. Who
// may add an entry's versions may manage where they are pulled from.
func (s *Server) pullRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/datasets/{id}/sources", tag: "catalog", summary: "The source databases an entry is pulled from, with each one's last result (DSNs without passwords)",
			action: access.DatasetUpload, out: List[ingest.Source]{}, handle: s.listSources},
		{method: "POST", path: "/api/v1/datasets/{id}/sources", tag: "catalog",
			summary: "Pull an entry from a PostgreSQL or MySQL/MariaDB table on a schedule; the table's columns must fit the entry's fields. The first pull is due at once",
			action:  access.DatasetUpload, in: ingest.SourceInput{}, out: ingest.Source{}, status: http.StatusCreated, handle: s.createSource},
		{method: "DELETE", path: "/api/v1/datasets/{id}/sources/{source}", tag: "catalog", summary: "Stop pulling from a source; a pull running from it keeps nothing",
			action: access.DatasetUpload, out: ingest.Source{}, handle: s.deleteSource},
		{method: "POST", path: "/api/v1/datasets/{id}/sources/{source}/pull", tag: "catalog", summary: "Pull from a source now; answers with the new version, or why there is none",
			action: access.DatasetUpload, out: ingest.Result{}, status: http.StatusCreated, handle: s.pullNow},
	}
}

func (s *Server) listSources(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	srcs, err := s.Ingest.Sources(r.Context(), p, r.PathValue("id"))
	return list(srcs, ""), err
}

func (s *Server) createSource(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in ingest.SourceInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Ingest.CreateSource(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) deleteSource(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Ingest.DeleteSource(r.Context(), p, r.PathValue("id"), r.PathValue("source"))
}

func (s *Server) pullNow(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Ingest.PullNow(r.Context(), p, r.PathValue("id"), r.PathValue("source"))
}
