package web

import (
	"fmt"
	"net/http"

	"shuyu/internal/access"
	"shuyu/internal/quality"
)

// xlsxType is the media type of an XLSX workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// qualityRoutes are the quality, ticket and supply-evaluation routes.
func (s *Server) qualityRoutes() []route {
	pageQuery := []param{
		{name: "limit", typ: "integer", doc: "page size, 1–500 (default 50)"},
		{name: "after", typ: "string", doc: "cursor: the next value of the previous page"},
	}
	period := []param{
		{name: "from", typ: "string", doc: "first day YYYY-MM-DD (default: 1 January of the year of to)"},
		{name: "to", typ: "string", doc: "last day YYYY-MM-DD, included (default: today, Asia/Shanghai)"},
	}
	routes := []route{
		{method: "GET", path: "/api/v1/datasets/{id}/quality", tag: "quality",
			summary: "Quality of an entry's current version (or ?version=): score and per-rule results (counts and row numbers, never values), timeliness, tickets waiting",
			action:  access.QualityRead, query: []param{{name: "version", typ: "string", doc: "a version ID or sequence number (default: the current version)"}},
			out: quality.Report{}, handle: s.datasetQuality},
		{method: "GET", path: "/api/v1/datasets/{id}/quality/rules", tag: "quality", summary: "The quality rules an entry is checked with (its own, or the catalog-derived defaults)",
			action: access.QualityRead, out: quality.RuleSet{}, handle: s.qualityRules},
		{method: "PUT", path: "/api/v1/datasets/{id}/quality/rules", tag: "quality",
			summary: "Replace an entry's quality rules (its provider's commissioners); {\"defaults\": true} goes back to the catalog-derived ones",
			action:  access.CatalogWrite, in: quality.RulesInput{}, out: quality.RuleSet{}, handle: s.setQualityRules},
		{method: "GET", path: "/api/v1/providers/{id}/quality", tag: "quality", summary: "A provider's quality score over its entries, with timeliness",
			action: access.SupplyRead, out: quality.ProviderQuality{}, handle: s.providerQuality},

		{method: "POST", path: "/api/v1/datasets/{id}/tickets", tag: "tickets",
			summary: "File an error-correction (correction, 纠错) or objection (objection, 异议) ticket against an entry, one of its fields or versions",
			action:  access.TicketFile, in: quality.TicketInput{}, out: quality.Ticket{}, status: http.StatusCreated, handle: s.fileTicket},
		{method: "GET", path: "/api/v1/tickets", tag: "tickets", summary: "List the tickets the caller may see, newest first",
			action: access.TicketRead, query: append([]param{
				{name: "dataset", typ: "string", doc: "an entry's ID or name"}, {name: "provider_id", typ: "string"},
				{name: "state", typ: "string", doc: "open, answered, accepted, rejected or closed"},
				{name: "kind", typ: "string", doc: "correction or objection"},
				{name: "overdue", typ: "boolean", doc: "only open tickets past their deadline"},
				{name: "mine", typ: "boolean", doc: "only tickets the caller filed"},
			}, pageQuery...), out: List[quality.Ticket]{}, handle: s.listTickets},
		{method: "GET", path: "/api/v1/tickets/{id}", tag: "tickets", summary: "One ticket with its history and the steps the caller may take",
			action: access.TicketRead, out: quality.Ticket{}, handle: s.getTicket},
	}
	// One route per step of the ticket state machine, each needing the
	// action its transitions name.
	for _, step := range quality.Steps {
		routes = append(routes, route{method: "POST", path: "/api/v1/tickets/{id}/" + string(step), tag: "tickets",
			summary: stepSummary[step], action: quality.StepAction(step), in: quality.StepInput{}, out: quality.Ticket{}, handle: s.ticketStep(step)})
	}
	return append(routes,
		route{method: "GET", path: "/api/v1/evaluations/supply", tag: "evaluations",
			summary: "Supply evaluation of the providers in reach over a period: catalog completeness, update timeliness, quality, ticket response, overall score",
			action:  access.SupplyRead, query: period, out: quality.SupplyEvaluation{}, handle: s.supplyEvaluation},
		route{method: "GET", path: "/api/v1/evaluations/supply.xlsx", tag: "evaluations", summary: "The supply evaluation as an XLSX workbook (Chinese headers)",
			action: access.SupplyRead, query: period, download: xlsxType, handle: s.supplyEvaluationXLSX},
	)
}

var stepSummary = map[quality.Step]string{
	quality.Answer: "Answer a ticket (the provider's commissioners); comment is the answer",
	quality.Accept: "Accept the answer (the filer)",
	quality.Reject: "Reject the answer (the filer); comment says why",
	quality.Close:  "Close a ticket (the filer, or the implementing unit overseeing the provider)",
}

func (s *Server) datasetQuality(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Quality.Report(r.Context(), p, r.PathValue("id"), r.URL.Query().Get("version"))
}

func (s *Server) qualityRules(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Quality.Rules(r.Context(), p, r.PathValue("id"))
}

func (s *Server) setQualityRules(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	var in quality.RulesInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.Quality.SetRules(r.Context(), p, r.PathValue("id"), in)
}

func (s *Server) providerQuality(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Quality.ProviderQuality(r.Context(), p, r.PathValue("id"))
}

func (s *Server) supplyEvaluation(_ http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	return s.Quality.SupplyEvaluation(r.Context(), p, r.URL.Query().Get("from"), r.URL.Query().Get("to"))
}

// supplyEvaluationXLSX evaluates first, so that a refusal is an ordinary
// JSON error, then streams the workbook.
func (s *Server) supplyEvaluationXLSX(w http.ResponseWriter, r *http.Request, p access.Principal) (any, error) {
	ev, err := s.Quality.SupplyEvaluation(r.Context(), p, r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		return nil, err
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="supply-evaluation-%s-%s.xlsx"`, ev.From, ev.To))
	w.WriteHeader(http.StatusOK)
	if err := quality.WriteSupplyXLSX(w, ev); err != nil {
		// The answer has begun; all that is left is to say so in the log.
		s.Log.WarnContext(r.Context(), "supply evaluation export cut short", "err", err)
	}
	return nil, nil
}
