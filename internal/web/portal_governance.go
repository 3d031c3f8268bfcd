package web

import (
	"net/http"

	"shuyu/internal/agreement"
	"shuyu/internal/fsm"
	"shuyu/internal/store"
	"shuyu/internal/tender"
)

// The public face of the procedure (Art. 12, 25): announcements with their
// results and publicity periods, and the operators authorized, with their
// data scope and term. Only what the services' Public methods release is
// shown (no drafter, no veto reason, no award reason).

type portalAnnouncementsPage struct {
	Announcements []tender.Announcement
	listPage
}

func (c *console) portalAnnouncements(w http.ResponseWriter, r *http.Request) {
	v := c.portalView(w, r, "title.portal_announcements")
	pg, lp := pageOf(r.URL.Query().Get("after"))
	page := portalAnnouncementsPage{listPage: lp}
	var err error
	page.Announcements, page.Next, err = c.Tender.Public(r.Context(), tender.Filter{State: fsm.State(r.URL.Query().Get("state"))}, pg)
	if err != nil {
		c.fail(w, r, v, err, "portal_announcements", page)
		return
	}
	c.render(w, r, v, http.StatusOK, "portal_announcements", page)
}

func (c *console) portalAnnouncement(w http.ResponseWriter, r *http.Request) {
	v := c.portalView(w, r, "title.portal_announcement")
	a, err := c.Tender.PublicOne(r.Context(), r.PathValue("id"))
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "portal_announcement", a)
}

type portalOperatorsPage struct {
	Agreements []agreement.Agreement
	listPage
}

// portalOperators lists the agreements signed, the operators with those in
// force first as the service orders them.
func (c *console) portalOperators(w http.ResponseWriter, r *http.Request) {
	v := c.portalView(w, r, "title.portal_operators")
	after := r.URL.Query().Get("after")
	page := portalOperatorsPage{listPage: listPage{Paged: after != ""}}
	var err error
	page.Agreements, page.Next, err = c.Agreements.Public(r.Context(), agreement.Filter{}, store.NewPage(portalPageSize, after))
	if err != nil {
		c.fail(w, r, v, err, "portal_operators", page)
		return
	}
	c.render(w, r, v, http.StatusOK, "portal_operators", page)
}
