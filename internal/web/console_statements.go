package web

import (
	"net/http"

	"shuyu/internal/billing"
)

// Monthly statements (Art. 23), in fen as issued from the meter: an
// application unit's bills, an operator's statements and its units', the
// overseers' of their jurisdiction; each with its lines.

type statementsPage struct {
	Statements []billing.Statement
	Month      string
	Kind       string
	Kinds      []string
	listPage
}

func (c *console) statementList(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.statements"
	q := r.URL.Query()
	pg, lp := pageOf(q.Get("after"))
	page := statementsPage{Month: q.Get("month"), Kind: q.Get("kind"), Kinds: []string{billing.ToAppUnit, billing.OfOperator}, listPage: lp}
	sts, next, err := c.Billing.Statements(r.Context(), *v.User, billing.StatementFilter{Month: page.Month, Kind: page.Kind}, pg)
	if err != nil {
		c.fail(w, r, v, err, "statements", page)
		return
	}
	page.Statements, page.Next = sts, next
	c.render(w, r, v, http.StatusOK, "statements", page)
}
