package web

import (
	"fmt"
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/demand"
	"shuyu/internal/fsm"
	"shuyu/internal/sandbox"
	"shuyu/internal/workspace"
)

// queryRequest is an analyst's query.
type queryRequest struct {
	SQL string `json:"sql"`
}

// budgetedGrant is a grant with what a dp grant has left of its budget.
type budgetedGrant struct {
	demand.Grant
	EpsilonLeft *float64 `json:"epsilon_left,omitempty"`
}

func (s *Server) withBudget(r *http.Request, g demand.Grant) (budgetedGrant, error) {
	out := budgetedGrant{Grant: g}
	if g.Rule != sandbox.DP {
		return out, nil
	}
	left, err := s.Workspace.EpsilonLeft(r.Context(), g.ID, g.EpsilonTotal, g.DeltaTotal)
	out.EpsilonLeft = &left
	return out, err
}

// workspaceRoutes are the routes of the analyst's workspace: queries in a
// grant, their history, and the release of results out of the domain.
func (s *Server) workspaceRoutes() []route {
	pageQuery := []param{
		{name: "limit", typ: "integer", doc: "page size, 1–500 (default 50)"},
		{name: "after", typ: "string", doc: "cursor: the next value of the previous page"},
	}
	routes := []route{
		{method: "POST", path: "/api/v1/grants/{id}/queries", tag: "workspace",
			summary: "Run one SELECT in a grant (analysts with Art. 30 records, while the agreement is active); aggregate and dp answers are released with the answer, review results stay in the domain; a refused query is 4xx with the rule it broke",
			action:  access.WorkspaceQuery, in: queryRequest{}, out: workspace.Answer{}, handle: s.runQuery},
		{method: "GET", path: "/api/v1/grants/{id}/queries", tag: "workspace",
			summary: "The grant's query history, newest first: status, the code and rule of a refusal (at the gate before the sandbox, too: art30, grant, parse), rows, suppressed groups, ε spent, the hash of the answer",
			action:  access.WorkspaceRead, query: pageQuery, out: List[workspace.Query]{}, handle: s.queryHistory},
		{method: "POST", path: "/api/v1/queries/{id}/release", tag: "releases",
			summary: "Ask that the kept result of a review or list query leave the domain; a reviewer of the implementing unit decides",
			action:  access.ReleaseRequest, in: workspace.RequestInput{}, out: workspace.Release{}, status: http.StatusCreated, handle: s.requestRelease},
		{method: "GET", path: "/api/v1/releases", tag: "releases",
			summary: "Releases in reach, newest first; state=pending is the reviewers' queue",
			action:  access.ReleaseRead, out: List[workspace.Release]{},
			query: append([]param{{name: "state", typ: "string", doc: "pending, released, refused or void"},
				{name: "grant_id", typ: "string"}, {name: "query_id", typ: "string"}}, pageQuery...), handle: s.listReleases},
		{method: "GET", path: "/api/v1/releases/{id}", tag: "releases", summary: "One release, with the SHA-256 of what leaves",
			action: access.ReleaseRead, out: workspace.Release{}, handle: s.getRelease},
	}
	for _, a := range []fsm.Action{workspace.Approve, workspace.Refuse} {
		routes = append(routes, route{method: "POST", path: "/api/v1/releases/{id}/" + string(a), tag: "releases",
			summary: releaseSteps[a], action: who(workspace.Machine, a), in: workspace.DecideInput{}, out: workspace.Release{},
			handle: s.decideRelease(a)})
	}
	for _, f := range []string{workspace.CSV, workspace.XLSX} {
		routes = append(routes, route{method: "GET", path: "/api/v1/releases/{id}/result." + f, tag: "releases",
			summary: "Download a released result as " + f + " (the operator's staff); the ledger records the SHA-256 of the file; nothing unreleased downloads",
			action:  access.ReleaseDownload, download: downloadTypes[f], handle: s.downloadResult(f)})
	}
	return routes
}

var releaseSteps = map[fsm.Action]string{
	workspace.Approve: "Release a kept result out of the domain, with a comment (the implementing unit's reviewers)",
	workspace.Refuse:  "Refuse to release a kept result, with a comment (the implementing unit's reviewers)",
}

var downloadTypes = map[string]string{workspace.CSV: "text/csv", workspace.XLSX: xlsxType}

func (s *Server) runQuery(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in queryRequest
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Workspace.Run(r.Context(), p, r.PathValue("id"), in.SQL)
}

func (s *Server) queryHistory(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	qs, next, err := s.Workspace.History(r.Context(), p, r.PathValue("id"), pg)
	return list(qs, next), err
}

func (s *Server) requestRelease(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in workspace.RequestInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Workspace.Request(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) listReleases(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	rs, next, err := s.Workspace.Releases(r.Context(), p, workspace.Filter{State: fsm.State(q.Get("state")), GrantID: q.Get("grant_id"),
		QueryID: q.Get("query_id")}, pg)
	return list(rs, next), err
}

func (s *Server) getRelease(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Workspace.Get(r.Context(), p, r.PathValue("id"))
}

func (s *Server) decideRelease(a fsm.Action) func(http.ResponseWriter, *http.Request, access.Principal) (any, error) {
	return func(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
		var in workspace.DecideInput
		if err := decode(w, r, &in); err != nil {
			return nil, err
		}
		return s.Workspace.Decide(r.Context(), p, r.PathValue("id"), a, in)
	}
}

// downloadResult renders the file first, so that a refusal is an ordinary
// JSON error; its hash is in the ledger and in X-Content-SHA256.
func (s *Server) downloadResult(format string) func(http.ResponseWriter, *http.Request, access.Principal) (any, error) {
	return func(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
		f, err := s.Workspace.Download(r.Context(), p, r.PathValue("id"), format)
		if err != nil {
			return nil, err
		}
		w.Header().Set("Content-Type", f.Type)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, f.Name))
		w.Header().Set("X-Content-SHA256", f.SHA256)
		w.WriteHeader(http.StatusOK)
		w.Write(f.Bytes)
		return nil, nil
	}
}
