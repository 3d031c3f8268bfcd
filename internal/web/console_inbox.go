package web

import (
	"net/http"

	"shuyu/internal/inbox"
	"shuyu/internal/store"
)

// The inbox: what waits for the user (reviews, filings, answers,
// rectifications, signatures), earliest deadline first, overdue marked,
// each linked to the page where it is done. The dashboard shows its head.

type inboxPage struct {
	Items   []inbox.Item
	Overdue bool
	Counts  inbox.Counts
	listPage
}

func (c *console) inboxList(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.inbox"
	q := r.URL.Query()
	pg, lp := pageOf(q.Get("after"))
	page := inboxPage{Overdue: q.Get("overdue") != "", listPage: lp}
	var err error
	page.Items, page.Next, err = c.Inbox.Items(r.Context(), *v.User, inbox.Filter{Overdue: page.Overdue}, pg)
	if err == nil {
		page.Counts, err = c.Inbox.Counts(r.Context(), *v.User)
	}
	if err != nil {
		c.fail(w, r, v, err, "inbox", page)
		return
	}
	c.render(w, r, v, http.StatusOK, "inbox", page)
}

// dashboardInbox is the head of the user's inbox on the dashboard; an
// inbox that cannot be read leaves the dashboard without it.
func (c *console) dashboardInbox(r *http.Request, v *view) ([]inbox.Item, inbox.Counts) {
	items, _, err := c.Inbox.Items(r.Context(), *v.User, inbox.Filter{}, store.NewPage(8, ""))
	if err != nil {
		c.Log.WarnContext(r.Context(), "console: dashboard inbox", "err", err)
		return nil, inbox.Counts{}
	}
	counts, err := c.Inbox.Counts(r.Context(), *v.User)
	if err != nil {
		c.Log.WarnContext(r.Context(), "console: dashboard inbox counts", "err", err)
	}
	return items, counts
}
