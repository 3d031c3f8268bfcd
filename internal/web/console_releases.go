package web

import (
	"net/http"
	"net/url"

	"shuyu/internal/access"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
	"shuyu/internal/workspace"
)

// The reviewers' queue (出域审核): the implementing unit's reviewers see the
// results that wait for a decision, with who asked, in which grant, when,
// how many rows and the query's text; on a release's page they see the
// rows themselves, inside the console, and release or refuse them with a
// comment.

func (c *console) releasePages(handle func(string, http.HandlerFunc)) {
	handle("GET /console/releases", c.signedIn(access.ReleaseDecide, c.releaseQueue))
	handle("GET /console/releases/{id}", c.signedIn(access.ReleaseDecide, c.releaseShow))
	for _, a := range []fsm.Action{workspace.Approve, workspace.Refuse} {
		handle("POST /console/releases/{id}/"+string(a), c.signedIn(access.ReleaseDecide, c.releaseDecide(a)))
	}
}

// releaseStates are the queue's tabs.
var releaseStates = []fsm.State{workspace.Pending, workspace.Released, workspace.Rejected}

type releaseQueuePage struct {
	Releases []workspace.Examined
	States   []fsm.State
	State    string
	Next     string
	Paged    bool
}

func (c *console) releaseQueue(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.releases"
	q := r.URL.Query()
	page := releaseQueuePage{States: releaseStates, State: q.Get("state"), Paged: q.Get("after") != ""}
	if page.State == "" {
		page.State = string(workspace.Pending)
	}
	rels, next, err := c.Workspace.Releases(r.Context(), *v.User, workspace.Filter{State: fsm.State(page.State)}, store.NewPage(30, q.Get("after")))
	for _, rel := range rels {
		if err != nil {
			break
		}
		// Automatic releases answer to the rule, not to a reviewer.
		if rel.Automatic {
			continue
		}
		var e workspace.Examined
		e, err = c.Workspace.Examine(r.Context(), *v.User, rel.ID, false)
		page.Releases = append(page.Releases, e)
	}
	if err != nil {
		c.fail(w, r, v, err, "workspace_releases", page)
		return
	}
	page.Next = next
	c.render(w, r, v, http.StatusOK, "workspace_releases", page)
}

type releasePage struct {
	Release workspace.Examined
	// Step and Comment are a decision that failed, as typed.
	Step    fsm.Action
	Comment string
	Steps   []fsm.Action
}

func (c *console) releaseShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.release"
	c.showRelease(w, r, v, nil, releasePage{})
}

// showRelease renders release id with its rows, and err if a decision failed.
func (c *console) showRelease(w http.ResponseWriter, r *http.Request, v *view, err error, page releasePage) {
	e, gerr := c.Workspace.Examine(r.Context(), *v.User, r.PathValue("id"), true)
	if gerr != nil {
		c.fail(w, r, v, gerr, "error", nil)
		return
	}
	page.Release = e
	if e.State == workspace.Pending {
		page.Steps = []fsm.Action{workspace.Approve, workspace.Refuse}
	}
	if err != nil {
		c.fail(w, r, v, err, "workspace_release", page)
		return
	}
	c.render(w, r, v, http.StatusOK, "workspace_release", page)
}

func (c *console) releaseDecide(a fsm.Action) consoleHandler {
	return func(w http.ResponseWriter, r *http.Request, v *view) {
		v.Title = "title.release"
		comment := formValue(r, "comment")
		rel, err := c.Workspace.Decide(r.Context(), *v.User, r.PathValue("id"), a, workspace.DecideInput{Comment: comment})
		if err == nil {
			c.seeOther(w, r, "/console/releases?state="+url.QueryEscape(string(rel.State)), "flash.release_"+string(a))
			return
		}
		c.showRelease(w, r, v, err, releasePage{Step: a, Comment: comment})
	}
}
