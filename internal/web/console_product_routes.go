package web

import (
	"net/http"
	"strconv"

	"shuyu/internal/access"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/product"
)

// productPages registers the pages of data products and their money (Art.
// 19–23, 33): the products and their compliance review, registration, caps
// and prices; application units' subscriptions and usage; the maximum
// allowed revenue, revenue splits and monthly statements. As everywhere in
// the console, a page is gated on the action it needs at all and the
// services decide for the product, subscription or agreement at hand.
func (c *console) productPages(handle func(string, http.HandlerFunc)) {
	handle("GET /console/products", c.signedIn(access.ProductBrowse, c.productList))
	handle("GET /console/products/reviews", c.signedIn(access.ProductReview, c.productReviews))
	handle("GET /console/products/new", c.signedIn(access.ProductRegister, c.productNewForm))
	handle("POST /console/products/new", c.signedIn(access.ProductRegister, c.productNewSubmit))
	handle("GET /console/products/{id}", c.signedIn(access.ProductBrowse, c.productShow))
	handle("GET /console/products/{id}/edit", c.signedIn(access.ProductRegister, c.productEditForm))
	handle("POST /console/products/{id}/edit", c.signedIn(access.ProductRegister, c.productEditSubmit))
	handle("POST /console/products/{id}/deregister", c.signedIn(access.ProductRegister, c.productDeregister))
	for _, a := range []fsm.Action{product.Approve, product.Reject} {
		handle("POST /console/products/{id}/"+string(a), c.signedIn(who(product.Machine, a), c.productReview(a)))
	}
	handle("POST /console/products/{id}/subscribe", c.signedIn(access.SubscriptionApply, c.productSubscribe))
	handle("POST /console/products/{id}/cap", c.signedIn(access.BillingCapSet, c.productCap))
	handle("POST /console/products/{id}/price", c.signedIn(access.BillingPriceSet, c.productPrice))

	handle("GET /console/subscriptions", c.signedIn(access.SubscriptionRead, c.subscriptionList))
	for _, a := range []fsm.Action{product.Grant, product.Refuse, product.Stop} {
		handle("POST /console/subscriptions/{id}/"+string(a), c.signedIn(who(product.SubscriptionMachine, a), c.subscriptionDecide(a)))
	}
	handle("GET /console/usage", c.signedIn(access.SubscriptionRead, c.usagePage))

	handle("GET /console/billing", c.signedIn(access.BillingRead, c.billingPage))
	handle("POST /console/billing/maximums", c.signedIn(access.BillingMaximumSet, c.maximumSet))
	handle("POST /console/billing/rules", c.signedIn(access.BillingRuleSet, c.ruleSet))
	handle("GET /console/statements", c.signedIn(access.StatementRead, c.statementList))
}

// productFuncs are the template helpers of the product pages: money in
// yuan from integer fen, and the names of product types, states, billing
// methods and price categories in the reader's language.
func productFuncs(lang string) map[string]any {
	tr := func(prefix string) func(any) string { return codeNames(lang, prefix) }
	return map[string]any{
		"yuan":    yuan,
		"ptype":   tr("product.type."),
		"pstate":  tr("product.state."),
		"sstate":  tr("subscription.state."),
		"sstep":   tr("subscription.step."),
		"pmethod": tr("billing.method."),
		"pcat":    tr("product.category."),
		"pformat": tr("product.format."),
		// bp writes basis points as a percentage: 3000 → 30%.
		"bp": func(bp int) string { return strconv.FormatFloat(float64(bp)/100, 'f', -1, 64) + "%" },
	}
}

// yuan writes an amount of fen (int64 or *int64, nil for none) as yuan
// with two decimals: ¥1,234.05.
func yuan(fen any) string {
	var n int64
	switch f := fen.(type) {
	case int64:
		n = f
	case *int64:
		if f == nil {
			return "—"
		}
		n = *f
	default:
		return "—"
	}
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return sign + "¥" + formatInt(n/100) + "." + strconv.FormatInt(100+n%100, 10)[1:]
}

// formInt reads integer field name of a form, refusing what is not one in
// the reader's language beside the field; "" reads as 0.
func formInt(r *http.Request, name string) (int64, error) {
	s := formValue(r, name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, &uiError{code: errs.Invalid, key: "product.error.integer", args: []any{s}, field: name}
	}
	return n, nil
}
