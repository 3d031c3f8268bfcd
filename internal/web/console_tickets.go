package web

import (
	"net/http"
	"net/url"
	"slices"

	"shuyu/internal/quality"
	"shuyu/internal/store"
)

// Tickets (纠错与异议, Art. 8): the list with its filters, and each ticket
// with its history and exactly the steps the reader may take, which the
// quality service works out from its transition table.

type ticketFilterValues struct {
	State, Kind   string
	Overdue, Mine bool
}

// Query is the filter as a query string, for the pager and the clear link.
func (f ticketFilterValues) Query() string {
	q := url.Values{}
	if f.State != "" {
		q.Set("state", f.State)
	}
	if f.Kind != "" {
		q.Set("kind", f.Kind)
	}
	if f.Overdue {
		q.Set("overdue", "1")
	}
	if f.Mine {
		q.Set("mine", "1")
	}
	return q.Encode()
}

type ticketListPage struct {
	Tickets []quality.Ticket
	Filter  ticketFilterValues
	States  []quality.State
	Next    string
	Paged   bool
}

func (c *console) ticketList(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.tickets"
	q := r.URL.Query()
	f := ticketFilterValues{State: q.Get("state"), Kind: q.Get("kind"), Overdue: q.Get("overdue") != "", Mine: q.Get("mine") != ""}
	page := ticketListPage{Filter: f, States: quality.States, Paged: q.Get("after") != ""}
	var err error
	page.Tickets, page.Next, err = c.Quality.Tickets(r.Context(), *v.User, quality.TicketFilter{State: quality.State(f.State),
		Kind: quality.TicketKind(f.Kind), Overdue: f.Overdue, Mine: f.Mine}, store.NewPage(30, q.Get("after")))
	if err != nil {
		c.fail(w, r, v, err, "tickets", page)
		return
	}
	c.render(w, r, v, http.StatusOK, "tickets", page)
}

type ticketPage struct {
	Ticket quality.Ticket
	// Comment is what was typed into a step's form that failed, and Step
	// which one.
	Comment string
	Step    quality.Step
	// Needs lists the steps that must carry a comment.
	Needs []quality.Step
}

// NeedsComment says whether step must carry a comment.
func (p ticketPage) NeedsComment(step quality.Step) bool { return slices.Contains(p.Needs, step) }

func (c *console) ticketShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.ticket"
	t, err := c.Quality.Ticket(r.Context(), *v.User, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, v, err, "error", nil)
		return
	}
	c.render(w, r, v, http.StatusOK, "ticket", ticketPage{Ticket: t, Needs: commentSteps()})
}

// ticketStep takes one step of a ticket.
func (c *console) ticketStep(step quality.Step) consoleHandler {
	return func(w http.ResponseWriter, r *http.Request, v *view) {
		v.Title = "title.ticket"
		comment := formValue(r, "comment")
		t, err := c.Quality.Act(r.Context(), *v.User, r.PathValue("id"), step, quality.StepInput{Comment: comment})
		if err == nil {
			c.seeOther(w, r, "/console/tickets/"+url.PathEscape(t.ID), "flash.ticket_"+string(step))
			return
		}
		t, terr := c.Quality.Ticket(r.Context(), *v.User, r.PathValue("id"))
		if terr != nil {
			c.fail(w, r, v, err, "error", nil)
			return
		}
		c.fail(w, r, v, err, "ticket", ticketPage{Ticket: t, Comment: comment, Step: step, Needs: commentSteps()})
	}
}

// commentSteps are the steps whose guard refuses an empty comment (answer
// and reject), asked of the transition table itself.
func commentSteps() []quality.Step {
	var out []quality.Step
	for _, tr := range quality.Transitions {
		if tr.Guard != nil && tr.Guard(quality.Ticket{}, quality.StepInput{}) != nil && !slices.Contains(out, tr.Step) {
			out = append(out, tr.Step)
		}
	}
	return out
}
