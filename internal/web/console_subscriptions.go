package web

import (
	"net/http"

	"shuyu/internal/fsm"
	"shuyu/internal/product"
)

// Subscriptions in the console (Art. 20): an application unit's own, with
// their state and the operator's comment; an operator's products', with
// the forms to approve (with a monthly quota), refuse or end them; the
// overseers', read-only. Public-welfare purposes are marked: approved as
// such, they are free.

type subscriptionsPage struct {
	Subs []product.Subscription
	listPage
	// Failed, Step and Typed are a decision that failed, as typed.
	Failed string
	Step   fsm.Action
	Typed  map[string]string
}

// Value returns field name of subscription id's step form as typed when
// that form failed, or "".
func (p subscriptionsPage) Value(id string, step fsm.Action, name string) string {
	if p.Failed != id || p.Step != step {
		return ""
	}
	return p.Typed[name]
}

func (c *console) subscriptionList(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.subscriptions"
	c.renderSubscriptions(w, r, v, nil, subscriptionsPage{})
}

func (c *console) renderSubscriptions(w http.ResponseWriter, r *http.Request, v *view, err error, page subscriptionsPage) {
	pg, lp := pageOf(r.URL.Query().Get("after"))
	subs, next, lerr := c.Products.Subscriptions(r.Context(), *v.User, pg)
	if lerr != nil {
		c.fail(w, r, v, lerr, "error", nil)
		return
	}
	page.Subs, page.listPage = subs, lp
	page.Next = next
	if err != nil {
		c.fail(w, r, v, err, "subscriptions", page)
		return
	}
	c.render(w, r, v, http.StatusOK, "subscriptions", page)
}

func (c *console) subscriptionDecide(a fsm.Action) consoleHandler {
	return func(w http.ResponseWriter, r *http.Request, v *view) {
		v.Title = "title.subscriptions"
		typed := map[string]string{"comment": formValue(r, "comment"), "quota_per_month": formValue(r, "quota_per_month")}
		in := product.DecideInput{Comment: typed["comment"]}
		quota, err := formInt(r, "quota_per_month")
		var sub product.Subscription
		if err == nil {
			in.QuotaPerMonth = quota
			sub, err = c.Products.Decide(r.Context(), *v.User, r.PathValue("id"), a, in)
		}
		if err != nil {
			c.renderSubscriptions(w, r, v, err, subscriptionsPage{Failed: r.PathValue("id"), Step: a, Typed: typed})
			return
		}
		c.seeOther(w, r, "/console/subscriptions", "flash.subscription_"+string(a), sub.AppUnit, sub.Product)
	}
}
