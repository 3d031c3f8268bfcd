package web

import (
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/billing"
)

// billingRoutes are maximums, caps, prices, revenue rules, statements and
// splits (Art. 21, 23, 33).
func (s *Server) billingRoutes() []route {
	pageQuery := []param{
		{name: "limit", typ: "integer", doc: "page size, 1–500 (default 50)"},
		{name: "after", typ: "string", doc: "cursor: the next value of the previous page"},
	}
	year := param{name: "year", typ: "integer", doc: "calendar year"}
	const tag = "billing"
	return []route{
		{method: "GET", path: "/api/v1/billing/agreements/{id}/maximums", tag: tag, summary: "An agreement's maximum allowed revenue (最高准许收入) of every year, with what was carried in and what it leaves",
			action: access.BillingRead, out: List[billing.Maximum]{}, handle: s.listMaximums},
		{method: "GET", path: "/api/v1/billing/agreements/{id}/maximums/{year}", tag: tag, summary: "An agreement's maximum allowed revenue of a year",
			action: access.BillingRead, out: billing.Maximum{}, handle: s.getMaximum},
		{method: "PUT", path: "/api/v1/billing/agreements/{id}/maximums/{year}", tag: tag, summary: "Approve the maximum allowed revenue of a year: operating cost + permitted profit + taxes, with its basis",
			action: access.BillingMaximumSet, in: billing.MaximumInput{}, out: billing.Maximum{}, handle: s.setMaximum},
		{method: "GET", path: "/api/v1/billing/agreements/{id}/revenue-rule", tag: tag, summary: "An agreement's revenue-sharing rule in basis points",
			action: access.BillingRead, out: billing.Rule{}, handle: s.getRule},
		{method: "PUT", path: "/api/v1/billing/agreements/{id}/revenue-rule", tag: tag, summary: "Record the revenue-sharing rule (government, operator, providers; 10000 basis points) on the finance department's concurring opinion",
			action: access.BillingRuleSet, in: billing.RuleInput{}, out: billing.Rule{}, handle: s.setRule},
		{method: "GET", path: "/api/v1/billing/agreements/{id}/splits/{month}", tag: tag, summary: "How an agreement's revenue of a month (YYYY-MM) was split; the shares sum to the total",
			action: access.BillingRead, out: billing.Split{}, handle: s.getSplit},

		{method: "GET", path: "/api/v1/billing/caps", tag: tag, summary: "List price caps (上限收费标准) with the operator's prices",
			action: access.BillingRead, out: List[billing.Cap]{}, handle: s.listCaps, query: append([]param{
				{name: "agreement_id", typ: "string"}, {name: "product_id", typ: "string"}, year}, pageQuery...)},
		{method: "GET", path: "/api/v1/billing/caps/{product}/{year}", tag: tag, summary: "A product's price cap of a year, with the operator's price",
			action: access.BillingRead, out: billing.Cap{}, handle: s.getCap},
		{method: "PUT", path: "/api/v1/billing/caps/{product}/{year}", tag: tag, summary: "Set a product's price cap of a year within the agreement's maximum allowed revenue",
			action: access.BillingCapSet, in: billing.CapInput{}, out: billing.Cap{}, handle: s.setCap},
		{method: "PUT", path: "/api/v1/billing/prices/{product}/{year}", tag: tag, summary: "Set the operator's price of a product for a year; above the cap it is refused",
			action: access.BillingPriceSet, in: billing.PriceInput{}, out: billing.Cap{}, handle: s.setPrice},
		{method: "GET", path: "/api/v1/public/prices", tag: tag, summary: "The published prices of a year: method, standard and basis of each cap and price (Art. 21)",
			out: List[billing.PublicPrice]{}, handle: s.publicPrices, query: append([]param{{name: "year", typ: "integer", doc: "default this year"}}, pageQuery...)},

		{method: "POST", path: "/api/v1/billing/statements", tag: tag, summary: "Issue the statements of an ended month from the meter's usage, and split the revenue",
			action: access.StatementIssue, in: issueRequest{}, out: List[billing.Statement]{}, status: http.StatusCreated, handle: s.issueStatements},
		{method: "GET", path: "/api/v1/billing/statements", tag: tag, summary: "List the monthly statements the caller may read, newest month first",
			action: access.StatementRead, out: List[billing.Statement]{}, handle: s.listStatements, query: append([]param{
				{name: "month", typ: "string", doc: "YYYY-MM"}, {name: "agreement_id", typ: "string"},
				{name: "kind", typ: "string", doc: "app_unit or operator"}}, pageQuery...)},
		{method: "GET", path: "/api/v1/billing/statements/{id}", tag: tag, summary: "One statement with its lines",
			action: access.StatementRead, out: billing.Statement{}, handle: s.getStatement},
	}
}

type issueRequest struct {
	Month string          `json:"month"`
	Usage []billing.Usage `json:"usage"`
}

func (s *Server) listMaximums(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	ms, err := s.Billing.Maximums(r.Context(), p, r.PathValue("id"))
	return list(ms, ""), err
}

func (s *Server) getMaximum(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	y, err := pathYear(r)
	if err != nil {
		return nil, err
	}
	return s.Billing.Maximum(r.Context(), p, r.PathValue("id"), y)
}

func (s *Server) setMaximum(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	y, err := pathYear(r)
	if err != nil {
		return nil, err
	}
	var in billing.MaximumInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Billing.SetMaximum(r.Context(), p, r.PathValue("id"), y, in)
}

func (s *Server) getRule(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Billing.Rule(r.Context(), p, r.PathValue("id"))
}

func (s *Server) setRule(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in billing.RuleInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Billing.SetRule(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) getSplit(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Billing.Split(r.Context(), p, r.PathValue("id"), r.PathValue("month"))
}

func (s *Server) listCaps(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	y, err := queryInt(r, "year", 0, 2000, 2100)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	caps, next, err := s.Billing.Caps(r.Context(), p, billing.CapFilter{AgreementID: q.Get("agreement_id"), ProductID: q.Get("product_id"), Year: int(y)}, pg)
	return list(caps, next), err
}

func (s *Server) getCap(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	y, err := pathYear(r)
	if err != nil {
		return nil, err
	}
	return s.Billing.Cap(r.Context(), p, r.PathValue("product"), y)
}

func (s *Server) setCap(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	y, err := pathYear(r)
	if err != nil {
		return nil, err
	}
	var in billing.CapInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Billing.SetCap(r.Context(), p, r.PathValue("product"), y, in)
}

func (s *Server) setPrice(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	y, err := pathYear(r)
	if err != nil {
		return nil, err
	}
	var in billing.PriceInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Billing.SetPrice(r.Context(), p, r.PathValue("product"), y, in)
}

func (s *Server) publicPrices(_ http.ResponseWriter, r *http.Request, _ access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	y, err := queryInt(r, "year", 0, 2000, 2100)
	if err != nil {
		return nil, err
	}
	prices, next, err := s.Billing.Public(r.Context(), int(y), pg)
	return list(prices, next), err
}

func (s *Server) issueStatements(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in issueRequest
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	sts, err := s.Billing.Issue(r.Context(), p, in.Month, in.Usage)
	return list(sts, ""), err
}

func (s *Server) listStatements(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	sts, next, err := s.Billing.Statements(r.Context(), p, billing.StatementFilter{Month: q.Get("month"), AgreementID: q.Get("agreement_id"),
		Kind: q.Get("kind")}, pg)
	return list(sts, next), err
}

func (s *Server) getStatement(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Billing.Statement(r.Context(), p, r.PathValue("id"))
}

// pathYear reads the {year} of a path.
func pathYear(r *http.Request) (int, error) {
	y, err := pathInt(r, "year")
	return int(y), err
}
