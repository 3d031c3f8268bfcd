package web

import (
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/identity"
)

// dashboardPage is who the user is, and for operator staff whether the
// Art. 30 records that the sandbox will require are present.
type dashboardPage struct {
	Me       identity.Me
	Operator bool
}

func (c *console) dashboard(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.dashboard"
	me, err := c.Identity.Me(r.Context(), *v.User)
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "dashboard", dashboardPage{Me: me, Operator: me.Kind == access.KindOperator})
}
