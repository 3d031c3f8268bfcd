package web

import (
	"net/http"

	"shuyu/internal/ledger"
)

// ledgerData is the ledger page: the entries the user may read, newest
// first, with the signed checkpoint they hang from.
type ledgerData struct {
	Checkpoint ledger.Checkpoint
	Entries    []ledger.Entry
	Action     string // the action prefix filtered on
	Before     int64  // cursor of the next (older) page; 0 on the last
	Paged      bool
	Limit      string // page size, kept across pages
}

// ledgerPage reuses the API's listEntries, so that which entries a user may
// read is decided in one place for both faces.
func (c *console) ledgerPage(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.ledger"
	q := r.URL.Query()
	// A page of 50 reads better than the API's 100; listEntries takes it from the query.
	if q.Get("limit") == "" {
		q.Set("limit", "50")
		r.URL.RawQuery = q.Encode()
	}
	page := ledgerData{Action: q.Get("action"), Paged: q.Get("before") != "", Limit: q.Get("limit")}
	cp, err := c.Ledger.Checkpoint(r.Context())
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	page.Checkpoint = cp
	out, err := c.listEntries(w, r, *v.User)
	if err != nil {
		c.fail(w, r, v, err, "ledger", page)
		return
	}
	list := out.(entryList)
	page.Entries, page.Before = list.Items, list.Before
	c.render(w, r, v, http.StatusOK, "ledger", page)
}
