package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"shuyu/internal/access"
	"shuyu/internal/billing"
	"shuyu/internal/errs"
	"shuyu/internal/fsm"
	"shuyu/internal/product"
)

// Data products in the console: the list (an application unit's catalog
// of published products, an operator's own with their drafts, the
// overseers' in their jurisdiction), the implementing unit's review queue,
// and a product's page with its declaration, registration record, cap and
// price, and the forms its reader may use: review, apply, set the cap, set
// the price.

type productListPage struct {
	Products []product.View
	States   []fsm.State
	State    string
	// Reviews marks the review queue: products awaiting compliance review.
	Reviews     bool
	MayRegister bool
	listPage
}

func (c *console) productList(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.products"
	c.showProducts(w, r, v, product.Filter{State: fsm.State(r.URL.Query().Get("state"))}, false)
}

func (c *console) productReviews(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.product_reviews"
	c.showProducts(w, r, v, product.Filter{State: product.Reviewing}, true)
}

func (c *console) showProducts(w http.ResponseWriter, r *http.Request, v *view, f product.Filter, reviews bool) {
	pg, lp := pageOf(r.URL.Query().Get("after"))
	page := productListPage{State: string(f.State), Reviews: reviews, listPage: lp, MayRegister: access.Permits(*v.User, access.ProductRegister)}
	// Only those who read drafts have states to choose from.
	if access.Permits(*v.User, access.ProductRead) {
		page.States = product.States
	}
	vs, next, err := c.Products.FindViews(r.Context(), *v.User, f, pg)
	if err != nil {
		c.fail(w, r, v, err, "products", page)
		return
	}
	page.Products, page.Next = vs, next
	c.render(w, r, v, http.StatusOK, "products", page)
}

// productPage is a product with what its reader may do to it.
type productPage struct {
	Product product.View
	Year    int
	// Cap is this year's cap with the operator's price, for those who
	// read billing; the public part of it is in Product.
	Cap *billing.Cap
	// Example is the example call body as JSON.
	Example                               string
	MayReview, MayApply, MayCap, MayPrice bool
	Methods                               []billing.Method
	// Failed names the form whose submission failed (approve, reject,
	// apply, cap, price); Typed holds its fields as typed.
	Failed string
	Typed  map[string]string
}

// Value returns field name of form as typed when that form failed, or "".
func (p productPage) Value(form, name string) string {
	if p.Failed != form {
		return ""
	}
	return p.Typed[name]
}

func (c *console) loadProduct(ctx context.Context, p access.Principal, id string) (productPage, error) {
	pv, err := c.Products.Detail(ctx, p, id)
	if err != nil {
		return productPage{}, err
	}
	page := productPage{Product: pv, Year: c.Billing.Today().Year(), Methods: billing.Methods}
	if pv.Example != nil {
		b, err := json.Marshal(pv.Example)
		if err != nil {
			return page, err
		}
		page.Example = string(b)
	}
	page.MayReview = len(pv.Actions) > 0 && pv.State == product.Reviewing && access.Permits(p, access.ProductReview)
	page.MayApply = pv.State == product.Published && access.Check(p, access.SubscriptionApply, ownOrg(p)) == nil
	res, err := c.Identity.Resource(ctx, pv.OperatorID, pv.JurisdictionID)
	if err != nil {
		return page, err
	}
	if access.Check(p, access.BillingRead, res) == nil {
		cp, err := c.Billing.Cap(ctx, p, pv.ID, page.Year)
		switch {
		case err == nil:
			page.Cap = &cp
		case !errs.Is(err, errs.NotFound):
			return page, err
		}
	}
	published := pv.State == product.Published
	page.MayCap = published && access.Check(p, access.BillingCapSet, res) == nil
	page.MayPrice = published && page.Cap != nil && access.Check(p, access.BillingPriceSet, res) == nil
	return page, nil
}

func (c *console) productShow(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.product"
	c.renderProduct(w, r, v, nil, "", nil)
}

// renderProduct shows the product of the path, with err beside form
// failed (as typed) when a submission failed.
func (c *console) renderProduct(w http.ResponseWriter, r *http.Request, v *view, err error, failed string, typed map[string]string) {
	page, lerr := c.loadProduct(r.Context(), *v.User, r.PathValue("id"))
	if lerr != nil {
		c.fail(w, r, v, lerr, "error", nil)
		return
	}
	if err != nil {
		page.Failed, page.Typed = failed, typed
		c.fail(w, r, v, err, "product", page)
		return
	}
	c.render(w, r, v, http.StatusOK, "product", page)
}

func productPath(id string) string { return "/console/products/" + url.PathEscape(id) }

func (c *console) productReview(a fsm.Action) consoleHandler {
	return func(w http.ResponseWriter, r *http.Request, v *view) {
		v.Title = "title.product"
		comment := formValue(r, "comment")
		pr, err := c.Products.Review(r.Context(), *v.User, r.PathValue("id"), a, product.ReviewInput{Comment: comment})
		if err != nil {
			c.renderProduct(w, r, v, err, string(a), map[string]string{"comment": comment})
			return
		}
		c.seeOther(w, r, productPath(pr.ID), "flash.product_"+string(a), pr.Name)
	}
}

func (c *console) productSubscribe(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.product"
	in := product.SubscribeInput{Purpose: formValue(r, "purpose"), PublicWelfare: formValue(r, "public_welfare") == "1"}
	sub, err := c.Products.Subscribe(r.Context(), *v.User, r.PathValue("id"), in)
	if err != nil {
		c.renderProduct(w, r, v, err, "apply", map[string]string{"purpose": in.Purpose, "public_welfare": formValue(r, "public_welfare")})
		return
	}
	c.seeOther(w, r, "/console/subscriptions", "flash.subscription_applied", sub.Product)
}

// productCap sets this year's cap of the product under its agreement.
func (c *console) productCap(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.product"
	typed := map[string]string{}
	for _, f := range []string{"method", "cap_fen", "expected_volume", "basis"} {
		typed[f] = formValue(r, f)
	}
	err := func() error {
		pr, err := c.Products.Get(r.Context(), *v.User, r.PathValue("id"))
		if err != nil {
			return err
		}
		in := billing.CapInput{ProductName: pr.Name, AgreementID: pr.AgreementID, Method: billing.Method(typed["method"]), Basis: typed["basis"]}
		if in.CapFen, err = formInt(r, "cap_fen"); err != nil {
			return err
		}
		if in.ExpectedVolume, err = formInt(r, "expected_volume"); err != nil {
			return err
		}
		_, err = c.Billing.SetCap(r.Context(), *v.User, pr.ID, c.Billing.Today().Year(), in)
		return err
	}()
	if err != nil {
		c.renderProduct(w, r, v, err, "cap", typed)
		return
	}
	c.seeOther(w, r, productPath(r.PathValue("id")), "flash.cap_set")
}

// productPrice sets the operator's price of this year under the cap.
func (c *console) productPrice(w http.ResponseWriter, r *http.Request, v *view) {
	v.Title = "title.product"
	typed := map[string]string{"price_fen": formValue(r, "price_fen"), "basis": formValue(r, "basis"), "trial": formValue(r, "trial")}
	in := billing.PriceInput{Trial: typed["trial"] == "1", Basis: typed["basis"]}
	fen, err := formInt(r, "price_fen")
	if err == nil {
		in.PriceFen = fen
		_, err = c.Billing.SetPrice(r.Context(), *v.User, r.PathValue("id"), c.Billing.Today().Year(), in)
	}
	if err != nil {
		c.renderProduct(w, r, v, err, "price", typed)
		return
	}
	c.seeOther(w, r, productPath(r.PathValue("id")), "flash.price_set")
}
