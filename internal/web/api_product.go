package web

import (
	"encoding/json"
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/fsm"
	"shuyu/internal/product"
)

// productRoutes are data products, their review and registration, the
// application units' subscriptions and the API gateway (Art. 19–21).
func (s *Server) productRoutes() []route {
	pageQuery := []param{
		{name: "limit", typ: "integer", doc: "page size, 1–500 (default 50)"},
		{name: "after", typ: "string", doc: "cursor: the next value of the previous page"},
	}
	const tag = "products"
	routes := []route{
		{method: "GET", path: "/api/v1/products", tag: tag, summary: "List the products the caller may see: the published ones, and drafts in reach; with this year's cap and price",
			action: access.ProductBrowse, query: pageQuery, out: List[product.View]{}, handle: s.listProducts},
		{method: "POST", path: "/api/v1/products", tag: tag, summary: "Register a product on the operator's grants (api: the query is analyzed in its grant and its outputs fixed; report: a released result; model: registration only); it awaits compliance review",
			action: access.ProductRegister, in: product.Input{}, out: product.Product{}, status: http.StatusCreated, handle: s.registerProduct},
		{method: "GET", path: "/api/v1/products/{id}", tag: tag, summary: "One product with its price; an API product with its parameter, outputs and an example body that answers now",
			action: access.ProductBrowse, out: product.View{}, handle: s.getProduct},
		{method: "PUT", path: "/api/v1/products/{id}", tag: tag, summary: "Change a product's declaration (query, outputs, grants, release, scenario, price category); it goes back to review",
			action: access.ProductRegister, in: product.Input{}, out: product.Product{}, handle: s.changeProduct},
		{method: "POST", path: "/api/v1/products/{id}/deregister", tag: tag, summary: "Cancel a product's registration; its calls stop at once",
			action: access.ProductRegister, in: reasonInput{}, out: product.Product{}, handle: s.deregisterProduct},
		{method: "PUT", path: "/api/v1/products/{id}/listing", tag: tag, summary: "Record (or clear) a published product's data-exchange listing",
			action: access.ProductRegister, in: product.ListingInput{}, out: product.Product{}, handle: s.listProduct},
		{method: "POST", path: "/api/v1/products/{id}/subscriptions", tag: tag, summary: "Apply, as an application unit, to use a product for a stated purpose (Art. 20); public-welfare purposes are free once approved",
			action: access.SubscriptionApply, in: product.SubscribeInput{}, out: product.Subscription{}, status: http.StatusCreated, handle: s.subscribe},
		{method: "GET", path: "/api/v1/subscriptions", tag: tag, summary: "List the subscriptions the caller may read: the unit's own, the operator's products', the overseers'",
			action: access.SubscriptionRead, query: pageQuery, out: List[product.Subscription]{}, handle: s.listSubscriptions},
		{method: "GET", path: "/api/v1/subscriptions/{id}", tag: tag, summary: "One subscription",
			action: access.SubscriptionRead, out: product.Subscription{}, handle: s.getSubscription},
		{method: "POST", path: "/api/v1/products/{id}/call", tag: tag,
			summary: "Call an API product with an application unit's key (Authorization: Bearer <api key>) and the declared parameter as a JSON object; answers the declared outputs",
			action:  access.ProductCall, in: map[string]string{}, out: map[string]any{}, handle: s.callProduct},
	}
	for _, a := range []fsm.Action{product.Approve, product.Reject} {
		routes = append(routes, route{method: "POST", path: "/api/v1/products/{id}/" + string(a), tag: tag,
			summary: productSteps[a], action: who(product.Machine, a), in: product.ReviewInput{}, out: product.Product{}, handle: s.reviewProduct(a)})
	}
	for _, a := range []fsm.Action{product.Grant, product.Refuse, product.Stop} {
		routes = append(routes, route{method: "POST", path: "/api/v1/subscriptions/{id}/" + string(a), tag: tag,
			summary: subscriptionSteps[a], action: who(product.SubscriptionMachine, a), in: product.DecideInput{}, out: product.Subscription{},
			handle: s.decideSubscription(a)})
	}
	return routes
}

var productSteps = map[fsm.Action]string{
	product.Approve: "Approve a product in compliance review (the implementing unit): it is published, registered on first approval (code, three years' validity)",
	product.Reject:  "Reject a product in compliance review, with the finding",
}

var subscriptionSteps = map[fsm.Action]string{
	product.Grant:  "Approve an application unit's subscription (the operator), with a monthly quota",
	product.Refuse: "Refuse an application unit's subscription, with the reason",
	product.Stop:   "End a subscription; its calls stop at once",
}

func (s *Server) listProducts(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	vs, next, err := s.Products.Views(r.Context(), p, pg)
	return list(vs, next), err
}

func (s *Server) registerProduct(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in product.Input
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Products.Register(r.Context(), p, in)
}

func (s *Server) getProduct(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Products.Detail(r.Context(), p, r.PathValue("id"))
}

func (s *Server) changeProduct(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in product.Input
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Products.Change(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) deregisterProduct(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in reasonInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Products.Deregister(r.Context(), p, r.PathValue("id"), in.Reason)
}

func (s *Server) listProduct(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in product.ListingInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Products.SetListing(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) reviewProduct(a fsm.Action) func(http.ResponseWriter, *http.Request, access.Principal) (any, error) {
	return func(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
		var in product.ReviewInput
		if err := decode(w, r, &in); err != nil {
			return nil, err
		}
		return s.Products.Review(r.Context(), p, r.PathValue("id"), a, in)
	}
}

func (s *Server) subscribe(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in product.SubscribeInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Products.Subscribe(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) listSubscriptions(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	subs, next, err := s.Products.Subscriptions(r.Context(), p, pg)
	return list(subs, next), err
}

func (s *Server) getSubscription(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Products.Subscription(r.Context(), p, r.PathValue("id"))
}

func (s *Server) decideSubscription(a fsm.Action) func(http.ResponseWriter, *http.Request, access.Principal) (any, error) {
	return func(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
		var in product.DecideInput
		if err := decode(w, r, &in); err != nil {
			return nil, err
		}
		return s.Products.Decide(r.Context(), p, r.PathValue("id"), a, in)
	}
}

func (s *Server) callProduct(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in json.RawMessage
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Products.Call(r.Context(), p, r.PathValue("id"), in)
}
