package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"shuyu/internal/access"
	"shuyu/internal/store"
	"shuyu/internal/workspace"
)

// The analyst's workspace (安全开发环境) in the console: a grant's schema,
// rule and budget, an SQL editor, the answer or the rule a query broke, the
// history with its releases and downloads. The page says beforehand when
// the Art. 30 records are missing and disables the editor; the workspace
// service refuses such a user anyway.

func (c *console) workspacePages(handle func(string, http.HandlerFunc)) {
	handle("GET /console/grants", c.signedIn(access.GrantRead, c.grantList))
	handle("GET /console/grants/{id}", c.signedIn(access.GrantRead, c.workspaceShow))
	handle("POST /console/grants/{id}/query", c.signedIn(access.WorkspaceQuery, c.workspaceRun))
	handle("POST /console/queries/{id}/release", c.signedIn(access.ReleaseRequest, c.releaseRequest))
	for _, f := range []string{workspace.CSV, workspace.XLSX} {
		handle("GET /console/releases/{id}/result."+f, c.signedIn(access.ReleaseDownload, c.releaseDownload(f)))
	}
	c.releasePages(handle)
}

type grantListPage struct {
	Grants []budgetedGrant
	Next   string
	Paged  bool
}

func (c *console) grantList(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.grants"
	after := r.URL.Query().Get("after")
	page := grantListPage{Paged: after != ""}
	gs, next, err := c.Demands.Grants(r.Context(), *v.User, store.NewPage(30, after))
	for _, g := range gs {
		if err != nil {
			break
		}
		var bg budgetedGrant
		bg, err = c.withBudget(r, g)
		page.Grants = append(page.Grants, bg)
	}
	if err != nil {
		c.fail(w, r, v, err, "workspace_grants", page)
		return
	}
	page.Next = next
	c.render(w, r, v, http.StatusOK, "workspace_grants", page)
}

// workspacePage is a grant's workspace.
type workspacePage struct {
	Grant budgetedGrant
	// Ready says whether the reader's Art. 30 records allow sandbox work;
	// Missing names what is missing otherwise (catalog keys).
	Ready   bool
	Missing []string
	// MayQuery and MayRequest say what the reader's roles allow here.
	MayQuery, MayRequest bool
	SQL                  string
	Answer               *workspace.Answer
	History              []workspace.Query
	// Releases are the history's releases by query.
	Releases map[string]workspace.Release
	// RequestFor and Reason are a release request that failed, as typed.
	RequestFor, Reason string
}

// Offer says whether the reader may ask for the release of q's result.
func (p workspacePage) Offer(q workspace.Query) bool {
	return p.MayRequest && q.Status == workspace.Answered && q.Release == "" && p.Grant.State == "active"
}

// workspaceOf gathers grant id's workspace for the reader; sql is kept in
// the editor.
func (c *console) workspaceOf(ctx context.Context, p access.Principal, r *http.Request, id, sql string) (workspacePage, error) {
	page := workspacePage{SQL: sql, Releases: map[string]workspace.Release{}}
	g, err := c.Demands.GetGrant(ctx, p, id)
	if err != nil {
		return page, err
	}
	if page.Grant, err = c.withBudget(r, g); err != nil {
		return page, err
	}
	page.MayQuery = access.Check(p, access.WorkspaceQuery, grantOwner(g.OperatorID, p)) == nil
	page.MayRequest = access.Check(p, access.ReleaseRequest, grantOwner(g.OperatorID, p)) == nil
	if page.MayQuery {
		u, err := c.Identity.User(ctx, p, p.UserID)
		if err != nil {
			return page, err
		}
		page.Ready = u.SandboxReady()
		if u.TrainingDate == "" {
			page.Missing = append(page.Missing, "ws.missing_training")
		}
		if u.NDADate == "" {
			page.Missing = append(page.Missing, "ws.missing_nda")
		}
	}
	if access.Check(p, access.WorkspaceRead, grantOwner(g.OperatorID, p)) != nil {
		return page, nil
	}
	if page.History, _, err = c.Workspace.History(ctx, p, id, store.NewPage(50, "")); err != nil {
		return page, err
	}
	rels, _, err := c.Workspace.Releases(ctx, p, workspace.Filter{GrantID: id}, store.NewPage(store.MaxPageSize, ""))
	for _, rel := range rels {
		page.Releases[rel.QueryID] = rel
	}
	return page, err
}

// grantOwner describes a grant's work for the page's checks, as the
// workspace service does.
func grantOwner(operatorID string, p access.Principal) access.Resource {
	return access.Resource{OrgID: operatorID, OrgKind: access.KindOperator, UserID: p.UserID}
}

func (c *console) workspaceShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.workspace"
	page, err := c.workspaceOf(r.Context(), *v.User, r, r.PathValue("id"), "")
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "workspace", page)
}

// workspaceRun runs the editor's query and shows the page with its answer,
// or with the rule it broke; the text stays in the editor either way.
func (c *console) workspaceRun(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.workspace"
	sql := r.PostFormValue("sql")
	ans, qerr := c.Workspace.Run(r.Context(), *v.User, r.PathValue("id"), sql)
	page, err := c.workspaceOf(r.Context(), *v.User, r, r.PathValue("id"), sql)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	if qerr != nil {
		c.fail(w, r, v, qerr, "workspace", page)
		return
	}
	page.Answer = &ans
	c.render(w, r, v, http.StatusOK, "workspace", page)
}

// releaseRequest asks that a kept result leave the domain; the page of the
// query's grant comes back, with the request or its error.
func (c *console) releaseRequest(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.workspace"
	reason := formValue(r, "reason")
	rel, err := c.Workspace.Request(r.Context(), *v.User, r.PathValue("id"), workspace.RequestInput{Reason: reason})
	if err == nil {
		c.seeOther(w, r, "/console/grants/"+url.PathEscape(rel.GrantID), "flash.release_requested")
		return
	}
	grant := formValue(r, "grant")
	page, perr := c.workspaceOf(r.Context(), *v.User, r, grant, "")
	if perr != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	page.RequestFor, page.Reason = r.PathValue("id"), reason
	c.fail(w, r, v, err, "workspace", page)
}

// releaseDownload sends a released result as a file; the workspace records
// the download and its SHA-256 in the ledger.
func (c *console) releaseDownload(format string) consoleHandler {
	return func(w http.ResponseWriter, r *http.Request, v *view) {
		v.Title = "title.workspace"
		f, err := c.Workspace.Download(r.Context(), *v.User, r.PathValue("id"), format)
		if err != nil {
			c.fail(w, r, v, err, "error", nil)
			return
		}
		w.Header().Set("Content-Type", f.Type)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, f.Name))
		w.Header().Set("X-Content-SHA256", f.SHA256)
		w.Write(f.Bytes)
	}
}
