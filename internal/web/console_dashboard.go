package web

import (
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/identity"
	"shuyu/internal/inbox"
)

// dashboardPage is who the user is, what waits for them, and for operator
// staff whether the Art. 30 records that the sandbox will require are present.
type dashboardPage struct {
	Me       identity.Me
	Operator bool
	// Inbox is the head of what waits for the user; Counts its size.
	Inbox  []inbox.Item
	Counts inbox.Counts
}

func (c *console) dashboard(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.dashboard"
	me, err := c.Identity.Me(r.Context(), *v.User)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	page := dashboardPage{Me: me, Operator: me.Kind == access.KindOperator}
	page.Inbox, page.Counts = c.dashboardInbox(r, v)
	c.render(w, r, v, http.StatusOK, "dashboard", page)
}
